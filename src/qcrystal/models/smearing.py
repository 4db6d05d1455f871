"""The interaction smeared by the Gaussians (29): D of (44), and the Laplacians it needs.

D = (ν²/d) ∇²U(a), with U(a) the interaction matrix (10) between two Gaussians a
nearest-neighbour distance apart: Φ convolved with a Gaussian of variance l_α² per
direction. Two ways to compute it live here:

* :func:`dynamic_parameter`, the reference for one width: exact (SymPy) for a Gaussian
  core, adaptive mpmath quadrature for a radial Φ in d = 1, 3, the gradient expansion
  elsewhere (with its error), the bare Φ(a) where a hard core makes the smearing diverge;
* :class:`Smearing`, the fast path over many widths at once, which the vectorized model
  functions and the per-model generated module use: Gauss–Legendre quadrature in place of
  adaptive quadrature, the same closed forms and expansion otherwise.

The symbolic Laplacians of Φ (:func:`laplacian_curvatures`, :func:`radial_laplacians`)
serve the lattice sums of the self-consistent Ω as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import mpmath
import numpy as np
import sympy as sp
from numpy.typing import NDArray

from . import interactions

if TYPE_CHECKING:
    from .schema import Model

__all__ = [
    "UNRELIABLE",
    "Smearing",
    "dynamic_parameter",
    "expansion",
    "laplacian_curvatures",
    "near_power",
    "plan",
    "radial_laplacians",
    "radial_profile",
    "smeared_radial_laplacian",
]

# The words a quantity's note carries when its value cannot be trusted.
UNRELIABLE = "not reliable here"
# Gauss–Legendre nodes for the smearing integral over |ρ − a| ≤ 12 l (where the kernel
# lives) and over the core [0, a − 12 l] (where it is below e^(−72)): the kernel is an
# entire function times a Gaussian, so 120 nodes are exact to float64 (the per-model
# selfcheck compares with adaptive mpmath quadrature at 30 digits).
QUAD_NODES = 120


def expansion(laplacians: Sequence[Any], h: Any) -> Any:
    """U = exp(h∇²)Φ to second order in h = l²/2: ∇²Φ + h∇⁴Φ + (h²/2)∇⁶Φ at r = a.

    ``laplacians`` holds ∇²Φ, ∇⁴Φ, ∇⁶Φ at a (numbers); ``h`` may be an array.
    """
    lap1, lap2, lap3 = laplacians
    return lap1 + h * lap2 + h**2 / 2 * lap3


def laplacian_curvatures(inter: interactions.Interaction, d: int, order: int) -> list[list]:
    """[[∂²_α ∇^(2k) Φ for α < d] for k = 0 … order], as expressions in x, y, z.

    Floats are made rational first and each step is cancelled to one fraction: repeated
    Laplacians of a soft core otherwise swell for minutes. A radial Φ is differentiated in
    r alone (∇² g = g″ + (d − 1)g′/r) and ∂²_α g = g″ x_α²/r² + (g′/r)(1 − x_α²/r²).
    """
    xs = interactions.X[:d]
    profile = radial_profile(inter, d)
    out = []
    if profile is not None:
        r = interactions.R
        g = sp.nsimplify(profile, rational=True)
        rr = sp.sqrt(sum(x**2 for x in xs))
        if g.is_rational_function(r):
            derivatives = _radial_rational_derivatives(g, d, order)
        else:
            derivatives = []
            for _ in range(order + 1):
                g1, g2 = sp.diff(g, r), sp.diff(g, r, 2)
                derivatives.append((g1, g2))
                g = sp.cancel(g2 + (d - 1) * g1 / r)
        for g1, g2 in derivatives:
            row = []
            for x in xs:
                c = x**2 / rr**2
                row.append((g2 * c + g1 / r * (1 - c)).subs(r, rr))
            out.append(row)
        return out
    f = sp.nsimplify(inter.phi.subs({x: 0 for x in interactions.X[d:]}), rational=True)
    for _ in range(order + 1):
        out.append([sp.diff(f, x, 2) for x in xs])
        f = sp.cancel(sum(sp.diff(f, x, 2) for x in xs))
    return out


def _radial_rational_derivatives(g: sp.Expr, d: int, order: int) -> list[tuple[sp.Expr, sp.Expr]]:
    """[(g_k′, g_k″) for k = 0 … order], g_0 = g rational in r, g_(k+1) = ∇² g_k (radial).

    Each g_k is kept as P/(Q^m r^j) with polynomials P, Q over the rationals and Q the
    denominator of g: differentiating, (P/(Q^m r^j))′ = (P′Qr − mPQ′r − jPQ)/(Q^(m+1) r^(j+1)),
    needs only polynomial products, where cancelling each Laplacian to lowest terms (the
    general path) spends minutes in polynomial GCDs for a rational Φ of degree 8. The forms
    are not reduced, which costs nothing away from r = 0, the one point lattice sums skip.
    """
    r = interactions.R
    num, den = sp.fraction(sp.together(g))
    base, m = (den.base, int(den.exp)) if den.is_Pow and den.exp.is_Integer else (den, 1)
    Q = sp.Poly(base, r, domain="QQ")
    dQ, R = Q.diff(r), sp.Poly(r, r, domain="QQ")

    def derivative(P, m, j):
        return P.diff(r) * Q * R - m * P * dQ * R - j * P * Q, m + 1, j + 1

    def expr(P, m, j):
        return P.as_expr() / (Q.as_expr() ** m * r**j)

    out = []
    term = (sp.Poly(num, r, domain="QQ"), m, 0)
    for _ in range(order + 1):
        first = derivative(*term)
        second = derivative(*first)
        out.append((expr(*first), expr(*second)))
        # ∇² g = g″ + (d − 1) g′/r, brought over the common denominator Q^m2 r^j2.
        (P1, m1, j1), (P2, m2, j2) = first, second
        term = (P2 + (d - 1) * P1 * Q ** (m2 - m1) * R ** (j2 - j1 - 1), m2, j2)
    return out


def dynamic_parameter(model: Model, l_width: np.ndarray) -> tuple[float, str]:
    """D = (ν²/d) Σ_α ∂²U/∂a_α² at the nearest neighbour a = (a₁, 0, 0), eq. (44).

    U is Φ smeared by the two Gaussians (29): a Gaussian of variance l_α² per direction.

    * Gaussian soft core: exact, the smearing integral done by SymPy.
    * A core Φ ~ r^(−q) with q ≥ d (Lennard-Jones, a bare power law, dipoles): the smearing
      integral diverges at r → 0. The Gaussian overlap of two sites is exactly what such a
      core forbids, so U(a) = Φ(a) is used, and the note says so.
    * An isotropic Φ and width in d = 1 or 3: the smearing integral by quadrature, exact
      (the overlap with an integrable core such as Yukawa's 1/r included).
    * Otherwise (d = 2, anisotropic Φ or width): the gradient expansion
      U = exp(Σ l_α²∂_α²/2) Φ to second order in l², valid for l ≪ a; the first omitted
      term is reported as its error, and the core-overlap size e^(−a²/2l²) it cannot see.
    """
    inter, d, nu = model.interaction, model.d, model.filling
    if inter.onsite_only:
        return 0.0, ""
    xs = interactions.X[:d]
    at = [model.spacing[0], 0.0, 0.0]
    if inter.kind == "gaussian":
        smeared = _smeared_gaussian(inter, l_width)
        curvature = sum(sp.diff(smeared, x, 2) for x in xs)
        return nu**2 / d * float(curvature.subs(dict(zip(interactions.X, at, strict=True)))), ""
    profile = radial_profile(inter, d)
    q = inter.near_power
    if q is None:
        q = (
            near_power(profile, model.spacing[0])
            if profile is not None
            else _near_power_cartesian(inter.phi, d, model.spacing[0])
        )
    diverges = q is not None and q >= d
    isotropic = np.ptp(l_width) <= 1e-12 * l_width[0]
    if profile is not None and diverges:
        value = radial_laplacians(profile, d, model.spacing[0], 1)[1]
        note = (
            f"U(a): smearing Φ ~ r^-{q:g} by the Gaussians diverges at r → 0 in d = {d}; "
            "used U(a) = Φ(a), the bare interaction (the core forbids the overlap)"
        )
        return nu**2 / d * value, note
    if profile is not None and isotropic and d in (1, 3):
        value = smeared_radial_laplacian(profile, d, model.spacing[0], float(l_width[0]))
        return nu**2 / d * value, "U(a): the smearing integral of (44) by quadrature (radial Φ)"
    if profile is not None and isotropic:
        h = float(l_width[0]) ** 2 / 2
        terms = radial_laplacians(profile, d, model.spacing[0], 4)
        value = expansion(terms[1:4], h)
        err = abs(h**3 / 6 * terms[4])
        overlap = math.exp(-(model.spacing[0] ** 2) / (2 * float(l_width[0]) ** 2))
        note = (
            "U(a) by the gradient expansion U ≈ Φ + (l²/2)∇²Φ + ½((l²/2)∇²)²Φ (l ≪ a); its "
            f"truncation error in D ≈ {nu**2 / d * err:.2g} (the first omitted term), plus "
            f"core-overlap terms ∝ e^(−a²/2l²) = {overlap:.1g} that no expansion sees"
        )
        if err > 0.1 * abs(value):
            note += f": too large, D is {UNRELIABLE} (l is not ≪ a)"
        return nu**2 / d * value, note
    if diverges:
        smeared = inter.phi
        note = (
            f"U(a): smearing Φ ~ r^-{q:g} by the Gaussians diverges at r → 0 in d = {d}; "
            "used U(a) = Φ(a), the bare interaction (the core forbids the overlap)"
        )
    else:
        lap = sum((l_width[i] ** 2 / 2) * sp.diff(inter.phi, xs[i], 2) for i in range(d))
        lap2 = sum((l_width[i] ** 2 / 2) * sp.diff(lap, xs[i], 2) for i in range(d)) / 2
        smeared = inter.phi + lap + lap2
        note = "U(a) by the gradient expansion U ≈ Φ + (l²/2)∇²Φ + ½((l²/2)∇²)²Φ (l ≪ a)"
    curvature = interactions.to_numpy(sum(sp.diff(smeared, x, 2) for x in xs), interactions.X)
    return nu**2 / d * float(curvature(*at)), note


def near_power(profile: sp.Expr, a: float) -> float:
    """q in |Φ| ~ r^(−q) as r → 0 (0 when Φ stays finite), from Φ at 1e-8 a and 2e-8 a."""
    f = sp.lambdify(interactions.R, profile, "mpmath")
    with mpmath.workdps(30):
        small, smaller = abs(f(mpmath.mpf(2e-8) * a)), abs(f(mpmath.mpf(1e-8) * a))
    if small == 0 or not mpmath.isfinite(smaller):
        return math.inf if not mpmath.isfinite(smaller) else 0.0
    return max(0.0, float(mpmath.log(smaller / small, 2)))


def _near_power_cartesian(phi: sp.Expr, d: int, a: float) -> float:
    """q in max_direction |Φ| ~ r^(−q) as r → 0, for a Φ that is not radial."""
    f = sp.lambdify(interactions.X, phi, "mpmath")
    dirs = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1)]
    dirs = [v for v in dirs if not any(v[d:])] or [(1, 0, 0)]
    with mpmath.workdps(30):

        def envelope(scale):
            vals = []
            for v in dirs:
                norm = mpmath.sqrt(sum(c * c for c in v))
                vals.append(abs(f(*(mpmath.mpf(scale) * a * c / norm for c in v))))
            return max(vals)

        small, smaller = envelope(2e-8), envelope(1e-8)
    if small == 0 or not mpmath.isfinite(smaller):
        return math.inf if not mpmath.isfinite(smaller) else 0.0
    return max(0.0, float(mpmath.log(smaller / small, 2)))


def smeared_radial_laplacian(profile: sp.Expr, d: int, a: float, width: float) -> float:
    """∇²U at distance a for U = Φ smeared by N(0, l²) per direction (d = 1 or 3), by quadrature.

    The derivatives go onto the Gaussian kernel g(u) = e^(−u²/2l²), g″ = (u²/l⁴ − 1/l²) g:
    d = 1: U″(a) = ∫ Φ(|ρ|) g″(ρ − a) dρ / (l√(2π));
    d = 3: ∇²U = (aU)″/a = ∫₀^∞ ρΦ(ρ)[g″(ρ − a) − g″(ρ + a)] dρ / (a l √(2π)).
    Exact up to quadrature (30 digits), the overlap with a singular core included. A result
    below 1e-20 of the integral of |integrand| is the cancellation of a vanishing curvature
    (a constant Φ) and is 0.
    """
    f = sp.lambdify(interactions.R, profile, "mpmath")
    with mpmath.workdps(30):
        a_, w = mpmath.mpf(a), mpmath.mpf(width)

        def g2(u):
            return (u * u / w**4 - 1 / w**2) * mpmath.exp(-u * u / (2 * w * w))

        cuts = sorted({mpmath.mpf(0), max(mpmath.mpf(0), a_ - 10 * w), a_, a_ + 10 * w})
        norm = w * mpmath.sqrt(2 * mpmath.pi)
        if d == 1:
            # Φ(|ρ|) on both sides: the mirror image of ρ > 0 sits at g″(−ρ − a) = g″(ρ + a).
            def integrand(rho):
                return f(rho) * (g2(rho - a_) + g2(rho + a_))

            scale = norm
        else:

            def integrand(rho):
                return rho * f(rho) * (g2(rho - a_) - g2(rho + a_))

            scale = a_ * norm
        value = mpmath.quad(integrand, [*cuts, mpmath.inf])
        size = mpmath.quad(lambda rho: abs(integrand(rho)), [*cuts, mpmath.inf])
        if abs(value) <= mpmath.mpf(10) ** -20 * size:
            return 0.0  # the parts cancel to the quadrature's rounding: no curvature at all
        return float(value / scale)


def radial_laplacians(profile: sp.Expr, d: int, a: float, order: int) -> list[float]:
    """[f, ∇²f, ∇⁴f, …] at r = a for a radial f in d dimensions, up to ∇^(2·order).

    ∇² of a radial function is f'' + (d − 1) f'/r. Repeating it symbolically swells the
    expressions (a minute for ∇⁸ of a soft core), so f is expanded at a into a Taylor
    polynomial in t = r − a (mpmath, 40 digits) and ∇² acts on that polynomial, with 1/r
    expanded in t as well; each application costs two orders, so 2·order + 2 are kept.
    """
    r = interactions.R
    t = sp.Symbol("t")
    keep = 2 * order + 2
    f_mp = sp.lambdify(r, profile, "mpmath")
    with mpmath.workdps(40):
        coeffs = mpmath.taylor(f_mp, mpmath.mpf(a), keep)
    poly = sum(sp.Float(c, 40) * t**k for k, c in enumerate(coeffs))
    inv_r = sum(
        sp.Float((-1) ** j, 40) * t**j / sp.Float(a, 40) ** (j + 1) for j in range(keep + 1)
    )
    out = [float(poly.subs(t, 0))]
    for _ in range(order):
        poly = sp.expand(sp.diff(poly, t, 2) + (d - 1) * sp.diff(poly, t) * inv_r)
        poly = sum(poly.coeff(t, k) * t**k for k in range(keep + 1))
        out.append(float(poly.subs(t, 0)))
    return out


def radial_profile(inter: interactions.Interaction, d: int) -> sp.Expr | None:
    """Φ on the d-dimensional lattice space as a function of r alone, if it is one.

    Known for the isotropic kinds; otherwise (dipoles perpendicular to a square lattice,
    say) found by restricting Φ to the lattice space and comparing it with its profile
    along the first axis at a few fixed points.
    """
    if inter.profile is not None:
        return inter.profile
    xs, r = interactions.X, interactions.R
    on_plane = inter.phi.subs({x: 0 for x in xs[d:]})
    candidate = on_plane.subs({x: 0 for x in xs[1:d]}).subs(xs[0], r)
    if candidate.free_symbols - {r}:
        return None
    f_plane = interactions.to_numpy(on_plane, xs[:d])
    f_radial = interactions.to_numpy(candidate, [r])
    rng = np.random.default_rng(1)
    pts = rng.uniform(0.3, 3.0, (6, d)) * rng.choice([-1, 1], (6, d))
    with np.errstate(all="ignore"):
        a = np.array([f_plane(*p) for p in pts], dtype=float)
        b = np.array([f_radial(np.linalg.norm(p)) for p in pts], dtype=float)
    ok = np.all(np.isfinite(a)) and np.allclose(a, b, rtol=1e-12, atol=0)
    return candidate if ok else None


def _smeared_gaussian(inter: interactions.Interaction, l_width: np.ndarray) -> sp.Expr:
    """V₀ exp(−r²/2σ²) convolved with N(0, l_α²) per direction, integrated by SymPy."""
    v0, sigma = inter.params["V0"], inter.params["sigma"]
    s = sp.Symbol("s", real=True)
    out = sp.Float(v0)
    for i, li in enumerate(l_width):
        x = interactions.X[i]
        kernel = sp.exp(-(s**2) / (2 * sp.Float(li) ** 2)) / sp.sqrt(2 * sp.pi * sp.Float(li) ** 2)
        out *= sp.integrate(
            sp.exp(-((x + s) ** 2) / (2 * sp.Float(sigma) ** 2)) * kernel, (s, -sp.oo, sp.oo)
        )
    return sp.simplify(out)


@dataclass(frozen=True)
class Smearing:
    """How ∇²U(a) of (44) follows from the Gaussian width l, vectorized over many widths.

    ``mode`` is ``"none"`` (contact: no intersite part), ``"bare"`` (U = Φ: the smearing
    diverges; ``constants`` = (∇²Φ(a),)), ``"gaussian"`` (a Gaussian core smeared exactly;
    (V₀, σ)), ``"expansion"`` (∇²Φ, ∇⁴Φ, ∇⁶Φ at a) or ``"quadrature"`` (Gauss–Legendre
    over the radial profile ``profile``, d = 1 or 3).
    """

    mode: Literal["none", "bare", "gaussian", "expansion", "quadrature"]
    d: int
    spacing: float
    note: str = ""
    constants: tuple[float, ...] = ()
    profile: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None = None
    nodes: int = QUAD_NODES

    def laplacian(self, width: NDArray[np.float64]) -> NDArray[np.float64]:
        """∇²U at distance a for Gaussians of width l (any array shape)."""
        width = np.asarray(width, dtype=np.float64)
        a, d = self.spacing, self.d
        if self.mode == "none":
            return np.zeros(width.shape)
        if self.mode == "bare":
            return np.full(width.shape, self.constants[0])
        if self.mode == "gaussian":
            v0, sigma = self.constants
            s2 = sigma**2 + width**2  # the smeared core is a Gaussian again
            smeared = v0 * (sigma**2 / s2) ** (d / 2) * np.exp(-(a**2) / (2 * s2))
            return smeared * (a**2 / s2**2 - d / s2)
        if self.mode == "expansion":
            return np.asarray(expansion(self.constants, width**2 / 2), dtype=np.float64)
        return self._quadrature(width)

    def _quadrature(self, width: NDArray[np.float64]) -> NDArray[np.float64]:
        """The smearing integral of :func:`smeared_radial_laplacian`, by Gauss–Legendre."""
        if self.profile is None:
            raise ValueError("quadrature smearing needs the radial profile Φ(ρ)")
        nodes, weights = np.polynomial.legendre.leggauss(self.nodes)
        a = self.spacing
        w = width[..., np.newaxis]
        # ρ over |ρ − a| ≤ 12 l (the kernel) and over the core [0, a − 12 l]; the core
        # interval never shrinks to the point ρ = 0, where a singular Φ cannot be evaluated.
        lo = np.maximum(a - 12 * w, 1e-12 * a)
        hi = a + 12 * w
        total = np.zeros(width.shape)
        size = np.zeros(width.shape)
        for start, stop in ((0.0, lo), (lo, hi)):
            half = (stop - start) / 2
            rho = start + half * (nodes + 1)
            minus = ((rho - a) ** 2 / w**4 - 1 / w**2) * np.exp(-((rho - a) ** 2) / (2 * w**2))
            plus = ((rho + a) ** 2 / w**4 - 1 / w**2) * np.exp(-((rho + a) ** 2) / (2 * w**2))
            if self.d == 3:
                integrand = rho * self.profile(rho) * (minus - plus)
            else:
                integrand = self.profile(rho) * (minus + plus)
            total = total + np.sum(half * weights * integrand, axis=-1)
            size = size + np.sum(half * weights * np.abs(integrand), axis=-1)
        # Parts that cancel to float64 rounding are a vanishing curvature (a constant Φ): 0.
        total = np.where(np.abs(total) <= 1e-13 * size, 0.0, total)
        norm = width * np.sqrt(2 * np.pi)
        return total / (a * norm) if self.d == 3 else total / norm


class SmearingError(ValueError):
    """A model whose smearing has no fast vectorized form (the message says why)."""


def plan(model: Model) -> tuple[Smearing, sp.Expr | None]:
    """The fast :class:`Smearing` of a model, and the radial profile Φ(r) it integrates
    (for printing into generated code; None where none is needed).

    Needs one spacing, and Φ depending on r alone in the lattice space.
    """
    inter, d, a = model.interaction, model.d, model.spacing[0]
    if inter.onsite_only:
        return Smearing("none", d, a), None
    profile = radial_profile(inter, d)
    if profile is None:
        raise SmearingError(
            f"{model.source}: the vectorized model functions need Φ to depend on r alone in "
            "the lattice space (this one does not); `qcrystal model show` still handles it"
        )
    q = inter.near_power
    if q is None:
        q = near_power(profile, a)
    if inter.kind == "gaussian":
        note = "U(a): the Gaussian core smeared exactly (a Gaussian of width σ² + l²)"
        constants = (float(inter.params["V0"]), float(inter.params["sigma"]))
        return Smearing("gaussian", d, a, note, constants), None
    if q >= d:
        lap = radial_laplacians(profile, d, a, 1)[1]
        note = f"U(a) = Φ(a): smearing Φ ~ r^-{q:g} diverges in d = {d}"
        return Smearing("bare", d, a, note, (lap,)), None
    if d in (1, 3):
        rho = interactions.R
        note = "U(a): the smearing integral of (44) by Gauss–Legendre quadrature"
        fn = interactions.to_numpy(profile, [rho])
        return Smearing("quadrature", d, a, note, (), fn), profile
    terms = radial_laplacians(profile, d, a, 3)
    note = "U(a): gradient expansion Φ + (l²/2)∇²Φ + ½((l²/2)∇²)²Φ, valid for l ≪ a"
    return Smearing("expansion", d, a, note, tuple(terms[1:4])), None
