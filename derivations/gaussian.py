"""Gaussian expectation values and matrix elements of the Wannier ansatz (29), from integrals.

Everything here is computed from the defining integral of one direction, by the
closed-form Gaussian rule of :mod:`qcrystal.symbolic.gaussian_integral` (completing the
square; tests/test_gaussian_integral.py holds each of these integrals to ``sp.integrate``
and to quadrature); the d-dimensional, anisotropic results follow because (29) is a
product over directions:

* norm, ⟨−∂²/2m⟩, ⟨x²⟩ and ⟨sin²(k₀x)⟩ (exact, not only its harmonic expansion);
* overlap, kinetic and sin² matrix elements between Gaussians centred at x_i and x_j.

The functions return :class:`~qcrystal.symbolic.Derivation` objects so the steps
can be shown; ``.result`` is the closed form. Results are memoised in-process only.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from qcrystal.symbolic import Builder, Derivation, gaussian_integral

from .symbols import X, k0, l, m, x, xi, xj, y

__all__ = [
    "gaussian",
    "kinetic_element",
    "kinetic_mean",
    "norm",
    "overlap",
    "second_moment",
    "sin2_element",
    "sin2_mean",
]

_oo = sp.oo


def gaussian(var: sp.Expr, width: sp.Expr = l, centre: sp.Expr = 0) -> sp.Expr:
    """One factor of (29): (π l²)^(-1/4) exp(−(x − c)²/(2 l²))."""
    return (1 / (sp.pi * width**2)) ** sp.Rational(1, 4) * sp.exp(
        -((var - centre) ** 2) / (2 * width**2)
    )


def _integral(integrand: sp.Expr) -> sp.Integral:
    return sp.Integral(integrand, (x, -_oo, _oo))


@cache
def norm() -> Derivation:
    """∫ g² dx = 1: the factors of (29) are normalised."""
    dv = Builder("gauss-norm", "normalisation of one Gaussian factor of (29)")
    g = gaussian(x)
    dv.step("norm_integral", _integral(g**2), "norm of one direction of (29)", uses=("29",))
    dv.step(
        "gaussian_integral",
        gaussian_integral(g**2, x),
        "Gaussian integral ∫e^(−x²/l²) = √π l",
        adds=("l > 0",),
    )
    return dv.build()


@cache
def kinetic_mean() -> Derivation:
    """⟨−∂²/2m⟩ = 1/(4 m l²) in one direction."""
    dv = Builder("gauss-kinetic", "kinetic energy of one Gaussian direction")
    g = gaussian(x)
    integrand = -g * sp.diff(g, x, 2) / (2 * m)
    dv.step(
        "kinetic_integral", _integral(integrand), "expectation of −(1/2m) ∂²/∂x²", uses=("8", "29")
    )
    dv.step(
        "gaussian_moments",
        gaussian_integral(integrand, x),
        "Gaussian moments",
        adds=("m > 0",),
    )
    return dv.build()


@cache
def second_moment() -> Derivation:
    """⟨x²⟩ = l²/2 in one direction."""
    dv = Builder("gauss-x2", "mean square displacement of one Gaussian direction")
    g = gaussian(x)
    dv.step("second_moment_integral", _integral(x**2 * g**2), "second moment of |w|²", uses=("29",))
    dv.step("gaussian_moment", gaussian_integral(x**2 * g**2, x), "Gaussian moment")
    return dv.build()


@cache
def sin2_mean() -> Derivation:
    """⟨sin²(k₀x)⟩ = (1 − exp(−k₀² l²))/2, exactly."""
    dv = Builder("gauss-sin2", "lattice potential averaged over one Gaussian direction")
    g = gaussian(x)
    dv.step(
        "sin2_integral",
        _integral(g**2 * sp.sin(k0 * x) ** 2),
        "average of sin²(k₀x) over |w|²",
        uses=("2", "9", "29"),
    )
    res = gaussian_integral(g**2 * (1 - sp.cos(2 * k0 * x)) / 2, x)
    dv.step(
        "cosine_transform",
        res,
        "sin² = (1 − cos 2k₀x)/2 and ∫e^(−x²/l²)cos(qx) = √π l e^(−q²l²/4)",
    )
    return dv.build()


@cache
def overlap() -> Derivation:
    """⟨g(x − x_i)|g(x − x_j)⟩ = exp(−X²/(4l²)), X = x_i − x_j."""
    dv = Builder("gauss-overlap", "overlap of two displaced Gaussians")
    integrand = gaussian(x) * gaussian(x, centre=X)
    dv.step(
        "overlap_integral",
        _integral(integrand),
        "overlap of Gaussians a distance X apart",
        uses=("29",),
    )
    dv.step(
        "complete_the_square",
        gaussian_integral(integrand, x),
        "complete the square",
    )
    return dv.build()


@cache
def kinetic_element() -> Derivation:
    """⟨g(x)| −∂²/2m |g(x − X)⟩ = (2l² − X²) exp(−X²/4l²)/(8 m l⁴)."""
    dv = Builder("gauss-kinetic-X", "kinetic matrix element between displaced Gaussians")
    g_far = gaussian(x, centre=X)
    integrand = -gaussian(x) * sp.diff(g_far, x, 2) / (2 * m)
    dv.step(
        "kinetic_element_integral",
        _integral(integrand),
        "−(1/2m) ∂² acting on the displaced Gaussian",
        uses=("7", "29"),
    )
    dv.step(
        "complete_the_square",
        sp.factor(gaussian_integral(integrand, x)),
        "complete the square, Gaussian moments",
    )
    return dv.build()


@cache
def sin2_element() -> Derivation:
    """⟨g(x − x_i)| sin²(k₀x) |g(x − x_j)⟩ for arbitrary centres, exactly.

    = ½ [1 − cos(k₀(x_i + x_j)) e^(−k₀² l²)] e^(−(x_i − x_j)²/(4l²)).
    """
    dv = Builder("gauss-sin2-X", "sin² lattice matrix element between displaced Gaussians")
    gi, gj = gaussian(x, centre=xi), gaussian(x, centre=xj)
    dv.step(
        "sin2_element_integral",
        _integral(gi * sp.sin(k0 * x) ** 2 * gj),
        "matrix element of (2) in one direction",
        uses=("2", "7", "29"),
    )
    R = (xi + xj) / 2
    S = sp.exp(-((xi - xj) ** 2) / (4 * l**2))
    product = S * sp.exp(-((x - R) ** 2) / l**2) / (sp.sqrt(sp.pi) * l)
    # The product of two Gaussians is a Gaussian at the midpoint: prove it, do not assume it.
    if sp.simplify(sp.expand(sp.log(gi * gj) - sp.log(product), force=True)) != 0:
        raise AssertionError("Gaussian product identity failed")
    dv.step(
        "gaussian_product",
        sp.Eq(gi * gj, product),
        "product of Gaussians: midpoint R = (x_i + x_j)/2, width l/√2",
    )
    shifted = sp.exp(-(y**2) / l**2) / (sp.sqrt(sp.pi) * l)
    mean_one = gaussian_integral(shifted, y)
    phase = sp.Symbol("phi", real=True)  # 2k₀R, kept whole so cos(2k₀y + φ) splits cleanly
    split = sp.cos(2 * k0 * y) * sp.cos(phase) - sp.sin(2 * k0 * y) * sp.sin(phase)
    # The integrand is real: write the e^(±iφ) pair of the closed form back as cos φ.
    mean_cos = sp.expand_complex(gaussian_integral(shifted * split, y)).subs(phase, 2 * k0 * R)
    mean_cos = dv.step(
        "shift_to_midpoint",
        sp.factor_terms(mean_cos),  # the common 2 out of the phase 2k₀R
        "shift x = R + y; the sin(2k₀y) part is odd and vanishes",
    )
    # One fraction, its exponentials joined: exp(k₀²l²) − cos over exp(k₀²l² + X²/4l²).
    element = sp.powsimp(sp.together(S * (mean_one - mean_cos) / 2), combine="exp")
    dv.step("sin2_as_cosine", element, "sin² = (1 − cos 2k₀x)/2")
    return dv.build()
