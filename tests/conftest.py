"""Shared test settings and fixtures.

* hypothesis profiles: quick by default, heavier in CI;
* ``findings``: the whole paper verified once per test session, shared by every test that
  needs a full verification and by the xdist workers (one verifies, the others load it);
* ``session_verification``: ``verification.run`` answering from ``findings``, for tests of
  how a command presents a verification (not of the verification itself);
* ``qc``: the command line run in process (``main([...])`` with captured output), so the
  CLI is measured by coverage and costs no interpreter start;
* ``nothing_is_evaluated``: fails a test if user text reaches any evaluator.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
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
def findings(tmp_path_factory):
    """Every record of the paper judged once per test session, in the paper's order.

    The xdist workers share that one verification (the recipe of pytest-xdist's docs):
    under a lock in the folder common to the workers' temporary folders, the first worker
    to need it verifies and leaves it there pickled; the others wait and load it.
    """
    from qcrystal.derivations.paper import PAPER
    from qcrystal.symbolic import verification

    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process: nobody to share with
        return tuple(verification.run(PAPER))
    shared = tmp_path_factory.getbasetemp().parent / "findings.pickle"
    with _locked(shared.with_suffix(".lock")):
        if shared.is_file():
            return load_findings(shared.read_bytes(), PAPER)
        found = tuple(verification.run(PAPER))
        shared.write_bytes(dump_findings(found))
        return found


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes, held while the block runs (POSIX flock: the
    suite is POSIX-only already, so no third-party lock is needed)."""
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


class _Pickler(pickle.Pickler):
    """Findings, each record by its id: a record holds lambdas (its derivation, its
    checks) that do not pickle, and is the paper's own object on either side."""

    def persistent_id(self, obj: object) -> tuple[str, str] | None:
        from qcrystal.symbolic import EquationRecord

        return ("record", obj.id) if isinstance(obj, EquationRecord) else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, paper) -> None:
        super().__init__(io.BytesIO(data))
        self.paper = paper

    def persistent_load(self, pid: tuple[str, str]):
        return self.paper.get(pid[1])


def dump_findings(found) -> bytes:
    """``found`` as bytes, with the JSON of ``verify --json`` to check the round trip by."""
    from qcrystal.symbolic import verification

    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
        (verification.to_json(list(found)), tuple(found))
    )
    return buffer.getvalue()


def load_findings(data: bytes, paper) -> tuple:
    """The findings :func:`dump_findings` wrote, their records taken from ``paper``."""
    from qcrystal.symbolic import verification

    text, found = _Unpickler(data, paper).load()
    assert verification.to_json(list(found)) == text, "the findings did not survive pickling"
    return found


@pytest.fixture
def session_verification(monkeypatch, findings):
    """``verification.run`` of the paper answered from the session's findings (ids in the
    order asked, as the real one gives them); the list of the ids each call asked for
    (None: the whole paper). For tests of a command's output, not of the verification."""
    from qcrystal.derivations.paper import PAPER
    from qcrystal.symbolic import verification

    by_id = {f.record.id: f for f in findings}
    calls: list[list[str] | None] = []

    def run(paper, ids=None, progress=None):
        assert paper is PAPER, "only the paper's findings are at hand"
        calls.append(None if ids is None else list(ids))
        return list(findings) if ids is None else [by_id[i] for i in ids]

    monkeypatch.setattr(verification, "run", run)
    return calls


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


def assert_generated_lints_clean(path) -> None:
    """A generated module passes ruff's pycodestyle, pyflakes and bugbear rules on its own
    (``--isolated``: not the project's configuration), lines to 100."""
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--line-length", "100",
         "--select", "E,F,W,B", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout
