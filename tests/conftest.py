"""Shared test settings: hypothesis profiles (quick default, heavier in CI), and a guard
that fails a test if user text reaches any evaluator."""

import os
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
