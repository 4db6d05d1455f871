"""The no-eval expression parser: plain mathematics in, everything else out with a pointer.

Hostile inputs must be refused *without evaluating anything*: eval, exec, sympify and
parse_expr are patched to fail loudly during these tests.
"""

import pytest
import sympy as sp

from qcrystal.models import parser as safe_expr

r, C = sp.symbols("r C", positive=True)
NAMES = {"r": r, "C": C}


pytestmark = pytest.mark.usefixtures("nothing_is_evaluated")  # tests/conftest.py


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("C / r**3", C / r**3),
        ("C*exp(-r/2)/r", C * sp.exp(-r / 2) / r),
        ("-C * (1 - 3*cos(r)**2)", -C * (1 - 3 * sp.cos(r) ** 2)),
        ("sqrt(r) + 2.5e-3 * pi", sp.sqrt(r) + sp.Float(2.5e-3) * sp.pi),
        ("+r", r),
    ],
)
def test_plain_mathematics_is_accepted(text, expected):
    assert sp.simplify(safe_expr.parse(text, NAMES) - expected) == 0


HOSTILE = [
    ("__import__('os').system('ls')", "__import__('os').system"),
    ("r.__class__", "r.__class__"),
    ("().__class__.__bases__", "().__class__.__bases__"),
    ("open('/etc/passwd')", "open"),
    ("eval('1')", "eval"),
    ("lambda: r", "lambda: r"),
    ("[r for r in C]", "[r for r in C]"),
    ("r[0]", "r[0]"),
    ("r if C else 1", "r if C else 1"),
    ("r < C", "r < C"),
    ("'text'", "'text'"),
    ("f'{r}'", "f'{r}'"),
    ("r ^ 2", "r ^ 2"),
    ("foo(r)", "foo"),
    ("q * r", "q"),
    ("exp", "exp"),
    ("sqrt(r, C)", "sqrt(r, C)"),
    ("sqrt(x=r)", "sqrt(x=r)"),
    ("sqrt(*r)", "sqrt(*r)"),
    ("10**10**10", "10**10**10"),
    ("r ** 1000", "r ** 1000"),
    ("1e999", "1e999"),
    ("True * r", "True"),
    ("r / 0", "r / 0"),
    ("r +", ""),
    ("r; import os", ""),
    ("(r", ""),
]


@pytest.mark.parametrize(("text", "token"), HOSTILE)
def test_hostile_or_malformed_text_is_refused_with_a_pointer(text, token):
    with pytest.raises(safe_expr.ExpressionError) as info:
        safe_expr.parse(text, NAMES, source="model.toml", line=7)
    err = info.value
    assert str(err).startswith("model.toml:7:")
    assert err.line == 7 and err.column >= 1
    if token:
        assert err.token == token


def test_errors_say_what_is_allowed():
    with pytest.raises(safe_expr.ExpressionError, match="allowed: C, E, pi, r"):
        safe_expr.parse("q", NAMES)
    with pytest.raises(safe_expr.ExpressionError, match="write \\*\\*"):
        safe_expr.parse("r^2", NAMES)


def test_size_limits():
    with pytest.raises(safe_expr.ExpressionError, match="longer than"):
        safe_expr.parse("r+" * 1500 + "r", NAMES)
    with pytest.raises(safe_expr.ExpressionError, match="one line"):
        safe_expr.parse("r\nimport os", NAMES)
    with pytest.raises(safe_expr.ExpressionError, match="expected an expression as text"):
        safe_expr.parse(3.0, NAMES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("r**sqrt(-1)", "not a finite real"),
        ("r**log(0)", "not a finite real"),
        ("(((9**64)**64)**64)**64*r", "more than 60 digits"),
        ("gamma(100000000)*r", "unknown function 'gamma'"),
    ],
)
def test_review_findings_are_refused_quickly(text, message):
    with pytest.raises(safe_expr.ExpressionError, match=message):
        safe_expr.parse(text, NAMES)


def test_exact_mode_reads_decimals_as_fractions():
    assert safe_expr.parse("0.25*r", NAMES, exact=True) == r / 4
    assert safe_expr.parse("0.25*r", NAMES) != r / 4  # a float64 by default
