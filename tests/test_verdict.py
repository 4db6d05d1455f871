"""The verdict machinery on synthetic pairs whose answer is known by construction."""

import sympy as sp
from sympy.physics.quantum import Dagger

from qcrystal.symbolic.verdict import Condition, Probe, Verdict, compare, compare_relations

x, y, T, TD = sp.symbols("x y T T_D", positive=True)


def test_equal_is_confirmed():
    out = compare(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1))
    assert out.verdict is Verdict.CONFIRMED


def test_factor_two_is_a_diagnosed_discrepancy():
    out = compare(2 * x * sp.exp(y), x * sp.exp(y))
    assert out.verdict is Verdict.DISCREPANCY
    assert "constant factor: printed = 2" in out.finding
    assert out.example is not None


def test_sign_is_diagnosed():
    out = compare(-x / y, x / y)
    assert out.verdict is Verdict.DISCREPANCY and "sign" in out.finding


def test_equal_beyond_simplify_is_confirmed_by_the_probe():
    # Euler's reflection formula for the dilogarithm: simplify does not close it.
    z = sp.Symbol("z", positive=True)
    lhs = sp.polylog(2, z) + sp.polylog(2, 1 - z)
    rhs = sp.pi**2 / 6 - sp.log(z) * sp.log(1 - z)
    assert sp.simplify(lhs - rhs) != 0  # the premise of this test
    out = compare(lhs, rhs, Probe(ranges={z: (0.05, 0.95)}))
    assert out.verdict is Verdict.CONFIRMED and out.method == "probe"


def test_near_miss_beyond_simplify_is_caught_by_the_probe():
    z = sp.Symbol("z", positive=True)
    lhs = sp.polylog(2, z) + sp.polylog(2, 1 - z)
    rhs = sp.pi**2 / 6 - sp.log(z) * sp.log(1 - z) + sp.Rational(1, 10**12)
    out = compare(lhs, rhs, Probe(ranges={z: (0.05, 0.95)}))
    assert out.verdict is Verdict.DISCREPANCY


def test_missing_square_root_is_named():
    out = compare(sp.sqrt(4 * sp.pi) * x * y, sp.sqrt(4 * sp.pi) * sp.sqrt(x * y))
    assert out.verdict is Verdict.DISCREPANCY
    assert "missing square root" in out.finding


def test_squared_form_is_a_missing_square_root_without_roots_in_either():
    """printed = derived² with integer powers only: the cheap (cancel) route must name it."""
    out = compare(x**2 * y**2 * sp.sin(T), x * y * sp.sin(T))
    assert "missing square root" in out.finding


def test_special_case_is_solved_for():
    out = compare(72 * x, 72 * x * T / TD)
    assert out.verdict is Verdict.DISCREPANCY
    assert "equal only where T = T_D" in out.finding or "T_D = T" in out.finding


def test_missing_term_is_named():
    out = compare(x**2 + y, x**2 + y + sp.exp(x))
    assert "missing term in printed: exp(x)" in out.finding


def test_condition_reports_a_limit():
    cond = Condition("in the limit y → 0", lambda p, q: sp.limit(p - q, y, 0))
    out = compare(x, x + y * x, conditions=[cond])
    assert "holds only in the limit y → 0" in out.finding


def test_unevaluable_difference_is_undecided_not_passed():
    f = sp.Function("f")
    out = compare(f(x), f(x) + f(2 * x) - f(x) ** 0 * f(2 * x) + sp.Symbol("q") * f(3 * x))
    assert out.verdict is Verdict.UNDECIDED


def test_operator_adjoint_is_diagnosed():
    c = sp.Symbol("c", commutative=False)
    w = sp.Symbol("w")
    out = compare(c * w, Dagger(c) * sp.conjugate(w))
    assert out.verdict is Verdict.DISCREPANCY and "adjoint" in out.finding


def test_relations_compare_the_differing_side():
    out = compare_relations(sp.StrictLessThan(12 * x, 1), sp.StrictLessThan(36 * x, 1))
    assert out.verdict is Verdict.DISCREPANCY and "1/3" in out.finding


def test_probe_is_reproducible():
    a = compare(2 * x, x).example
    b = compare(2 * x, x).example
    assert a == b
