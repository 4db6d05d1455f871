"""The closed-form Gaussian rule of qcrystal.symbolic against SymPy's integrator and quadrature.

Every integrand the derivations hand to :func:`gaussian_integral` (and the radial one to
:func:`half_line_gaussian_integral`) is integrated here twice more, independently: by
``sp.integrate`` (the Meijer-G route the derivations used before) to an exactly equal
closed form, and by ``mpmath.quad`` at 35 digits at reproducible random parameters, to 1e-25
relative. Random polynomials times Gaussians (with oscillating factors) cover the rule
beyond those integrands.
"""

import random

import mpmath as mp
import pytest
import sympy as sp

from qcrystal.derivations import gaussian as g
from qcrystal.derivations.symbols import X, k0, l, m, x, xi, xj, y
from qcrystal.symbolic import gaussian_integral, half_line_gaussian_integral

DIGITS = 35
REL = mp.mpf("1e-25")
phi = sp.Symbol("phi", real=True)
_shifted = sp.exp(-(y**2) / l**2) / (sp.sqrt(sp.pi) * l)

# (name, integrand, variable): what the derivations integrate, as they build it.
USED = [
    ("norm", g.gaussian(x) ** 2, x),
    ("kinetic_mean", -g.gaussian(x) * sp.diff(g.gaussian(x), x, 2) / (2 * m), x),
    ("second_moment", x**2 * g.gaussian(x) ** 2, x),
    ("sin2_mean", g.gaussian(x) ** 2 * (1 - sp.cos(2 * k0 * x)) / 2, x),
    ("overlap", g.gaussian(x) * g.gaussian(x, centre=X), x),
    (
        "kinetic_element",
        -g.gaussian(x) * sp.diff(g.gaussian(x, centre=X), x, 2) / (2 * m),
        x,
    ),
    ("midpoint_one", _shifted, y),
    (
        "midpoint_cos",
        _shifted * (sp.cos(2 * k0 * y) * sp.cos(phi) - sp.sin(2 * k0 * y) * sp.sin(phi)),
        y,
    ),
]


def _point(symbols, rng):
    """Exact rationals: positive symbols in [0.3, 3], real ones in [-2, 2]."""
    out = {}
    for s in sorted(symbols, key=lambda s: s.name):
        lo, hi = (0.3, 3.0) if s.is_positive else (-2.0, 2.0)
        out[s] = sp.Rational(round((lo + (hi - lo) * rng.random()) * 1000), 1000)
    return out


def _quad(integrand, var, point, lower=-mp.inf):
    f = sp.lambdify(var, integrand.xreplace(point), "mpmath")
    return mp.quad(f, [lower, 0, mp.inf])


def _close(a, b):
    return abs(a - b) <= REL * max(abs(a), abs(b), mp.mpf(1))


@pytest.mark.parametrize(("name", "integrand", "var"), USED, ids=[u[0] for u in USED])
def test_used_integrals_equal_sympys(name, integrand, var):
    closed = gaussian_integral(integrand, var)
    reference = sp.integrate(integrand, (var, -sp.oo, sp.oo))
    assert sp.simplify(sp.expand_complex(closed - reference)) == 0


@pytest.mark.parametrize(("name", "integrand", "var"), USED, ids=[u[0] for u in USED])
def test_used_integrals_match_quadrature(name, integrand, var):
    closed = gaussian_integral(integrand, var)
    rng = random.Random(name)
    with mp.workdps(DIGITS):
        for _ in range(3):
            point = _point(integrand.free_symbols - {var}, rng)
            got = mp.mpmathify(sp.N(closed.xreplace(point), DIGITS + 5))
            assert _close(got, _quad(integrand, var, point)), point


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4])
def test_pair_moments_double_integral(n):
    """⟨(r − s)ⁿ⟩ over |w(r)|² |w(s)|²: the rule twice, against SymPy's double integral and
    against the moments of the difference of two independent N(0, l²/2): 1, 0, l², 0, 3l⁴."""
    density = g.gaussian(x) ** 2 * g.gaussian(y) ** 2
    closed = gaussian_integral(gaussian_integral((x - y) ** n * density, x), y)
    if n <= 2:  # the ones the site average uses
        reference = sp.integrate((x - y) ** n * density, (x, -sp.oo, sp.oo), (y, -sp.oo, sp.oo))
        assert sp.simplify(closed - reference) == 0
    assert sp.simplify(closed - [1, 0, l**2, 0, 3 * l**4][n]) == 0


def test_random_polynomials_times_gaussians_match_quadrature():
    """∫ P(x) e^(−a x² + b x + c) cos(qx + s) for random integer polynomials P of degree
    up to 5 and random a > 0, b, c, q, s: the rule beyond the integrands above."""
    rng = random.Random(20240601)
    with mp.workdps(DIGITS):
        for _ in range(12):
            poly = sum(rng.randint(-4, 4) * x**k for k in range(rng.randint(0, 5) + 1))
            a, b, c, q, s = (sp.Rational(rng.randint(1, 40), 10) for _ in range(5))
            b, s = b - 2, s - 2  # signed
            integrand = poly * sp.exp(-a * x**2 + b * x + c) * sp.cos(q * x + s)
            got = mp.mpmathify(sp.N(gaussian_integral(integrand, x), DIGITS + 5))
            assert _close(got, _quad(integrand, x, {})), integrand


def test_half_line_radial_moment():
    """∫₀^∞ r^(d−1) e^(−r²) dr = Γ(d/2)/2, the integral behind the unit-sphere area."""
    d = sp.Symbol("d", positive=True)
    r = sp.Symbol("r", positive=True)
    closed = half_line_gaussian_integral(r ** (d - 1) * sp.exp(-(r**2)), r)
    reference = sp.integrate(r ** (d - 1) * sp.exp(-(r**2)), (r, 0, sp.oo), conds="none")
    assert sp.simplify(closed - reference) == 0
    with mp.workdps(DIGITS):
        for value in (1, sp.Rational(3, 2), 2, sp.Rational(7, 3), 3, 5):  # no endpoint pole
            for a in (1, sp.Rational(5, 2)):
                integrand = 3 * r ** (d - 1) * sp.exp(-a * r**2)
                got = mp.mpmathify(
                    sp.N(half_line_gaussian_integral(integrand, r).subs(d, value), DIGITS + 5)
                )
                assert _close(got, _quad(integrand.subs(d, value), r, {}, lower=0))


@pytest.mark.parametrize(
    "integrand",
    [
        sp.exp(x**2),  # grows: no Gaussian
        sp.exp(-(x**4)),  # not quadratic
        sp.exp(-(x**2)) / (1 + x**2),  # not a polynomial prefactor
        sp.exp(-(x**2)) * sp.log(1 + x**2),
        sp.exp(-X * x**2),  # the sign of X is not known
    ],
)
def test_other_integrands_are_refused(integrand):
    with pytest.raises(ValueError):
        gaussian_integral(integrand, x)


def test_half_line_refuses_other_integrands():
    r = sp.Symbol("r", positive=True)
    for integrand in (sp.exp(-(r**2) + r), sp.exp(r**2), sp.sin(r) * sp.exp(-(r**2))):
        with pytest.raises(ValueError):
            half_line_gaussian_integral(integrand, r)


def test_sin2_element_cosine_is_real():
    """The midpoint cosine average, written back through expand_complex as the derivation
    does, has no imaginary part left (the integrand is real)."""
    closed = sp.expand_complex(gaussian_integral(USED[-1][1], y))
    assert not closed.has(sp.I)
    assert sp.simplify(closed - sp.exp(-(k0**2) * l**2) * sp.cos(phi)) == 0
    assert xi not in closed.free_symbols and xj not in closed.free_symbols
