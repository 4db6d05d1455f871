"""Shared test settings and fixtures.

* hypothesis profiles: quick by default, heavier in CI;
* ``findings``: the whole paper verified once per test session (every test that needs a
  full verification shares it);
* ``qc``: the command line run in process (``main([...])`` with captured output), so the
  CLI is measured by coverage and costs no interpreter start;
* ``nothing_is_evaluated``: fails a test if user text reaches any evaluator.
"""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from unittest import mock

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def findings():
    """Every record of the paper judged once, in the paper's order."""
    from qcrystal.derivations.paper import PAPER
    from qcrystal.symbolic import verification

    return tuple(verification.run(PAPER))


@pytest.fixture(scope="session")
def by_id(findings):
    return {f.record.id: f for f in findings}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Run:
    """``qcrystal ARGS`` in this process: exit status and what it printed."""
    from qcrystal.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def qc():
    return run_cli


@pytest.fixture
def nothing_is_evaluated():
    """eval, exec, sympify and parse_expr fail loudly while the test runs."""
    boom = AssertionError("user text reached an evaluator")
    with (
        mock.patch("builtins.eval", side_effect=boom),
        mock.patch("builtins.exec", side_effect=boom),
        mock.patch("sympy.sympify", side_effect=boom),
        mock.patch("sympy.parsing.sympy_parser.parse_expr", side_effect=boom),
    ):
        yield
