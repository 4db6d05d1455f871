"""The probe's quick mpmath pass: its values against SymPy's exact evaluation, what it
refuses, and that the probe decides exactly as it does without it."""

import random

import mpmath as mp
import pytest
import sympy as sp

from qcrystal.symbolic import Probe, mpeval, verdict

x, y = sp.symbols("x y", real=True)
p, q = sp.symbols("p q", positive=True)
n = sp.Symbol("n", integer=True)
z = sp.Symbol("z")  # complex

EXPRESSIONS = [
    x**3 - 2 * x * y + sp.Rational(1, 7),
    sp.sqrt(p) * sp.exp(-q / p) + sp.log(p + q),
    sp.sin(x) ** 2 + sp.cos(y) * sp.tan(x / 3),
    sp.coth(p) * sp.gamma(q + sp.Rational(1, 2)) / sp.pi,
    (-1) ** n * p**n + sp.cosh(x) - sp.sinh(y),
    sp.Abs(z) ** 2 + z * sp.conjugate(z) + sp.re(z) * sp.im(z),
    sp.sqrt(x) + (-8) ** sp.Rational(1, 3) + x ** sp.Rational(2, 3),  # principal branches
    sp.atan(x) + sp.asin(y / 3) + sp.E**x + sp.EulerGamma * sp.I,
]


def _point(rng):
    def r(lo, hi):
        return sp.Rational(round((lo + (hi - lo) * rng.random()) * 10**6), 10**6)

    return {x: r(-3, 3), y: r(-3, 3), p: r(0.2, 5), q: r(0.2, 5), n: rng.randint(-5, 5)} | {
        z: r(-3, 3) + sp.I * r(-3, 3)
    }


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_values_agree_with_exact_evaluation(expr):
    rng = random.Random(str(expr))
    with mp.workdps(50):
        for _ in range(5):
            point = _point(rng)
            exact = mp.mpmathify(complex(0)) + mp.mpc(
                *(
                    mp.mpf(sp.Float(part, 50))
                    for part in sp.N(expr.xreplace(point), 50).as_real_imag()
                )
            )
            quick = mpeval.evaluate(expr, point, 50)
            assert quick is not None
            assert abs(quick - exact) <= mp.mpf(10) ** -45 * max(abs(exact), 1)


def test_integer_powers_of_minus_one_stay_exact():
    for k in range(-4, 5):
        assert mpeval.evaluate((-1) ** n, {n: sp.Integer(k)}, 40) == (-1) ** k


@pytest.mark.parametrize(
    "expr",
    [
        sp.Integral(sp.exp(-(x**2) * p), (x, 0, 1)),
        sp.Derivative(sp.Function("f")(x), x),
        sp.Function("Phi")(x, y),
        sp.Piecewise((x, x > 0), (y, True)),
        sp.besselj(0, p),  # a function the walk does not know
        x + sp.Symbol("w"),  # a symbol without a value
    ],
)
def test_what_it_does_not_know_is_none(expr):
    assert mpeval.evaluate(expr, {x: sp.Rational(1, 3), y: 2, p: 1}, 40) is None


@pytest.mark.parametrize(
    ("expr", "value"), [(1 / (x - 1), 1), (sp.log(x), 0), (sp.gamma(x), -2), (sp.coth(x), 0)]
)
def test_poles_are_none(expr, value):
    assert mpeval.evaluate(expr, {x: sp.Integer(value)}, 40) is None


PAIRS = [
    (sp.sin(x) ** 2, (1 - sp.cos(2 * x)) / 2),  # equal
    (sp.sin(x) ** 2, (1 - sp.cos(2 * x)) / 2 + sp.Rational(1, 10**35)),  # 35 digits apart
    (2 * sp.exp(-p) * q, sp.exp(-p) * q),  # a factor 2
    (sp.sin(sp.pi * n), sp.Integer(0)),  # an exact zero, 1e-50 in floating point
    (sp.cos(sp.pi * n) * p, (-1) ** n * p),
    (sp.Integral(sp.exp(-p * x**2), (x, 0, 1)), sp.sqrt(sp.pi / p) * sp.erf(sp.sqrt(p)) / 2),
    (sp.sqrt(x**2), x),  # equal only for x ≥ 0: a counterexample at negative x
]


@pytest.mark.parametrize(("printed", "derived"), PAIRS)
def test_probe_decides_as_without_the_quick_pass(printed, derived, monkeypatch):
    probe = Probe(seed="quick", digits=40, agree=30)
    with_quick = verdict._probe(printed, derived, probe)
    monkeypatch.setattr(verdict, "_agree_quickly", lambda *args: False)
    assert verdict._probe(printed, derived, probe) == with_quick
