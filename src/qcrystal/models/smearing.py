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

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import mpmath
import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

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
# The l-series of (44), ∇²U(a) = Σ_k (h^k/k!) ∇^(2k+2)Φ(a), h = l²/2 (exp(h∇²) acting on
# ∇²Φ): the bare curvature and its l² corrections, for Gaussians too narrow for quadrature.
# Quadrature puts both derivatives on the kernel g″ ~ 1/l², whose parts cancel to leave
# ~∇²Φ: it loses (L/l)² of its working precision (L the length on which Φ varies), all of
# float64 at l/L ~ 1e-8 and all of mpmath's 30 digits at ~1e-15. The series is exact in that
# limit but asymptotic (the core overlap ∝ e^(−a²/2l²) lies beyond all its orders), so it
# is used only at l ≤ SERIES_MAX_WIDTH·a, where that overlap is below e^(−200), and only
# where its first omitted term is below SERIES_TOL of the kept ones. With SERIES_KEPT = 8
# terms that leaves quadrature for l/L ≳ 0.04 (Rydberg core: l/a > 0.013), where float64
# Gauss–Legendre keeps 13 digits (tests/test_smearing.py measures both sides).
SERIES_KEPT = 8
SERIES_MAX_WIDTH = 0.05
SERIES_TOL = 1e-16
# An integral whose error estimate exceeds this share of its value is reported unreliable.
_ACCEPT = 1e-8


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
      integral diverges at r → 0 and is not computed. The Gaussian overlap of two sites is
      exactly what such a core forbids, so U(a) = Φ(a) is used, and the note says so.
    * An isotropic Φ and width in d = 1 or 3: :func:`smear`, the smearing integral by
      quadrature with the singular core in closed form (the overlap with an integrable core
      such as Yukawa's 1/r or r^-2.9999 included), or, for Gaussians too narrow for any
      quadrature to resolve, the bare curvature plus its l² corrections; the note gives the
      method and its estimated error.
    * Otherwise (d = 2, anisotropic Φ or width): the gradient expansion
      U = exp(Σ l_α²∂_α²/2) Φ to second order in l², valid for l ≪ a; the first omitted
      term is reported as its error, and the core-overlap size e^(−a²/2l²) it cannot see.
    """
    inter, d, nu = model.interaction, model.d, model.filling
    if inter.onsite_only:
        return 0.0, ""
    xs = interactions.X[:d]
    a = model.spacing[0]
    at = [a, 0.0, 0.0]
    if inter.kind == "gaussian":
        smeared = _smeared_gaussian(inter, l_width)
        curvature = sum(sp.diff(smeared, x, 2) for x in xs)
        return nu**2 / d * float(curvature.subs(dict(zip(interactions.X, at, strict=True)))), ""
    profile = radial_profile(inter, d)
    core = core_expansion(profile, a) if profile is not None else None
    q = inter.near_power
    if q is None:
        q = core.power if core is not None else _near_power_cartesian(inter.phi, d, a)
    diverges = q is not None and q >= d
    isotropic = np.ptp(l_width) <= 1e-12 * l_width[0]
    if profile is not None and diverges:
        value = radial_laplacians(profile, d, a, 1)[1]
        note = (
            f"U(a): smearing Φ ~ r^-{q:.15g} by the Gaussians diverges at r → 0 in d = {d}; "
            "used U(a) = Φ(a), the bare interaction (the core forbids the overlap)"
        )
        return nu**2 / d * value, note
    if profile is not None and isotropic and d in (1, 3):
        width = float(l_width[0])
        res = smear(profile, d, a, width, core)
        if res.method == "series":
            overlap = math.exp(-(a**2) / (2 * width**2))
            note = (
                f"U(a): Gaussians narrow against a (l/a = {width / a:.2g}); used the bare "
                "curvature plus its l² corrections (the l-series), relative error ≈ "
                f"{res.error:.1g}, core-overlap terms ∝ e^(−a²/2l²) = {overlap:.1g}"
            )
        else:
            note = "U(a): the smearing integral of (44) by quadrature (radial Φ)"
            if core is not None and (core.terms or core.logs):
                powers = ", ".join(
                    [f"r^{s:.15g}" for _, s in core.terms]
                    + [f"r^{s:.15g} log(r)^{k}" for _, s, k in core.logs]
                )
                note += f"; the core {powers} at r → 0 smeared in closed form"
            note += f"; relative error ≈ {res.error:.1g}"
        if not res.error <= _ACCEPT:
            note += f": D is {UNRELIABLE}"
        return nu**2 / d * res.value, note
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
            f"U(a): smearing Φ ~ r^-{q:.15g} by the Gaussians diverges at r → 0 in d = {d}; "
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


@dataclass(frozen=True)
class Core:
    """How a radial Φ behaves as r → 0: Φ ~ r^(−power) (power 0: finite).

    ``terms`` are the pieces c·r^s of Φ's expansion at 0 with a non-integer s < 1, as
    (c, s), and ``logs`` the pieces c·r^s·log(r)^k, as (c, s, k): each makes the smearing
    integrand singular (or not smooth) at ρ = 0, where no quadrature converges as s → −d,
    so the smearing subtracts them from Φ and smears them in closed form. Integer powers
    need nothing: ρ^(d−1)·ρ^s times the kernel, odd in ρ for d = 3 and even for d = 1, is
    analytic where it is integrable. ``expanded`` False: SymPy could not expand Φ at 0,
    ``power`` was measured numerically and nothing is subtracted.
    """

    power: float
    terms: tuple[tuple[float, float], ...] = ()
    logs: tuple[tuple[float, float, int], ...] = ()
    expanded: bool = True


@functools.lru_cache(maxsize=256)
def core_expansion(profile: sp.Expr, a: float, below: int = 1) -> Core:
    """Φ's powers at r → 0, from SymPy's series of the profile (exact exponents): the
    pieces c·r^s (and c·r^s·log(r)^k) with s < ``below``.

    The exponent decides whether the smearing converges (s > −d), so it is read off the
    expression rather than measured: Φ at 1e-8·a and 2e-8·a makes r^-3 + 10 r^-2.5 look like
    r^-2.9994, an integrable core, and the smearing of a divergent one was summed.

    ``below`` = 1 makes the remainder Φ − Σ c·r^s integrable to any order by adaptive
    quadrature; Gauss–Legendre needs it smooth as well (see :func:`plan`). SymPy's series
    takes a fifth of a second, and `model show` and :func:`plan` ask for the same profile:
    the (immutable) result is cached.
    """
    r, log_r = interactions.R, sp.Dummy("L")
    try:
        series = sp.expand(sp.series(profile, r, 0, below).removeO())
        series = sp.expand(sp.expand_log(series, force=True).subs(sp.log(r), log_r))
        terms, logs, lowest = [], [], 0.0
        for term in sp.Add.make_args(series):
            coeff, expo = term.as_coeff_exponent(r)
            if coeff.has(r) or not expo.is_number:
                raise ValueError("not a power")  # r inside another function: measured below
            s = float(expo)
            for (k,), c_k in sp.Poly(coeff, log_r).terms():
                c = complex(c_k)
                if c.imag != 0 or not math.isfinite(c.real):
                    raise ValueError("not a real coefficient")
                if c.real == 0:
                    continue
                lowest = min(lowest, s)
                if k:
                    logs.append((c.real, s, int(k)))
                elif not s.is_integer():
                    terms.append((c.real, s))
        terms.sort(key=lambda t: t[1])
        logs.sort(key=lambda t: (t[1], t[2]))
        return Core(-lowest if lowest < 0 else 0.0, tuple(terms), tuple(logs))
    # SymPy's series raises many kinds (PoleError, NotImplementedError, TypeError, …) for
    # expressions it cannot expand; each falls back to measuring the power.
    except Exception:
        return Core(near_power(profile, a), expanded=False)


def _divergent(profile: sp.Expr, q: float, d: int) -> str:
    return (
        f"the smearing integral of Φ = {profile} by the Gaussians diverges: Φ ~ r^-{q:.15g} at "
        f"r → 0 is not integrable in d = {d} (allowed: cores weaker than r^-{d})"
    )


def curvature_series(
    laplacians: Sequence[float], width: ArrayLike, a: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """The l-series of ∇²U(a): (value, error, usable) for each width l.

    ``laplacians`` holds ∇²Φ, ∇⁴Φ, … at a, SERIES_KEPT + 1 of them: the kept terms
    (h^k/k!) ∇^(2k+2)Φ, h = l²/2, and the first omitted one, the error estimate (or, where
    a term happens to vanish, the geometric trend of the last two kept ones). Usable where
    l ≤ SERIES_MAX_WIDTH·a and that error is below SERIES_TOL of the kept terms.
    """
    w = np.asarray(width, dtype=np.float64)
    h = w * w / 2
    terms, power = [], np.ones(w.shape)
    with np.errstate(all="ignore"):  # an overflowing ∇^(2k)Φ makes the series unusable
        for k, lap in enumerate(laplacians):
            terms.append(power * (lap / math.factorial(k)))
            power = power * h
        kept, omitted = terms[:-1], terms[-1]
        value = np.sum(kept[::-1], axis=0)  # smallest first
        scale = np.sum(np.abs(kept), axis=0)
        trend = np.where(kept[-2] != 0, kept[-1] ** 2 / np.abs(kept[-2]), 0.0)
        error = np.maximum(np.abs(omitted), trend)
        usable = (w <= SERIES_MAX_WIDTH * a) & (error <= SERIES_TOL * scale)
    return value, error, usable


def _power_laplacian_mp(c: float, s: float, d: int, a: Any, w: Any) -> Any:
    """∇²(c r^s smeared by N(0, l²) per direction) at distance a, s > −d, in mpmath.

    E|a + lZ|^s for Z ~ N(0, 1_d) is (2l²)^α Γ(β + α)/Γ(β) M(−α, β, −x), α = s/2, β = d/2,
    x = a²/2l² (the moments of the noncentral χ distribution). Its radial Laplacian, with
    M′ = (μ/β) M(μ + 1, β + 1, ·) for μ = −α: (C/l²)[2x M″ − d M′] at −x.
    """
    alpha, beta = mpmath.mpf(s) / 2, mpmath.mpf(d) / 2
    mu = -alpha
    x = a * a / (2 * w * w)
    pre = c * (2 * w * w) ** alpha * mpmath.gamma(beta - mu) / mpmath.gamma(beta) / w**2
    m1 = mpmath.hyp1f1(mu + 1, beta + 1, -x)
    m2 = mpmath.hyp1f1(mu + 2, beta + 2, -x)
    return pre * (2 * x * mu * (mu + 1) / (beta * (beta + 1)) * m2 - d * mu / beta * m1)


def _power_laplacian(c: float, s: float, d: int, a: float, w: NDArray[np.float64]) -> NDArray:
    """:func:`_power_laplacian_mp` in float64, for the widths ``w`` (s > −d).

    Kummer's transformation turns M(μ + k, β + k, −x) into e^(−x) M(β − μ, β + k, x), and
    the two terms combine into (2μC/l²)[(μ + 1 − β) e^(−x) Σ_{m≥1} (b)_(m−1)/(β)_m x^m/m!
    − e^(−x)], b = β − μ > 0: a sum of positive terms, no cancellation (for μ + 1 = β, the
    Coulomb case, only the Gaussian −e^(−x) is left, as ∇²(1/r) = −4πδ says). Callers keep
    x ≤ 400, where e^(−x) is a normal float.
    """
    mu, beta = -s / 2, d / 2
    b = beta - mu
    x = a * a / (2 * w * w)
    pre = c * (2 * w * w) ** (s / 2) * math.gamma(b) / math.gamma(beta) * 2 * mu / (w * w)
    term = np.exp(-x) * x / beta
    total = term.copy()
    top = float(np.max(x)) if x.size else 0.0
    for m in range(1, int(top + 12 * math.sqrt(top) + 40)):
        # (b + (m − 1)): (b + m) − 1 would round b + m, all of b near s = −d (b → 0)
        term = term * ((b + (m - 1)) / (beta + m)) * x / (m + 1)
        total = total + term
        if m > top and np.all(term <= 1e-17 * total):
            break  # past the peak at m ≈ x, and the rest below rounding
    return pre * ((mu + 1 - beta) * total - np.exp(-x))


@dataclass(frozen=True)
class Smeared:
    """∇²U(a) of one width, how it was found, and its estimated relative error."""

    value: float
    error: float
    method: Literal["series", "quadrature"]


def smear(profile: sp.Expr, d: int, a: float, width: float, core: Core | None = None) -> Smeared:
    """∇²U at distance a for U = Φ smeared by N(0, l²) per direction (d = 1 or 3), the reference.

    * l ≤ SERIES_MAX_WIDTH·a and the l-series converged (:func:`curvature_series`): the
      series, from ∇^(2k)Φ(a) at 40 digits (in units of a power of 2 near |Φ(a)|, so a
      strong Φ's high derivatives do not overflow); its error is the first omitted term.
    * Otherwise adaptive mpmath quadrature at 30 digits, the derivatives on the Gaussian
      kernel g(u) = e^(−u²/2l²), g″ = (u²/l⁴ − 1/l²) g:
      d = 1: U″(a) = ∫ Φ(|ρ|) g″(ρ − a) dρ / (l√(2π));
      d = 3: ∇²U = (aU)″/a = ∫₀^∞ ρΦ(ρ)[g″(ρ − a) − g″(ρ + a)] dρ / (a l √(2π)).
      The non-integer powers c r^s of Φ at r → 0 (:class:`Core`) are subtracted and smeared
      in closed form (:func:`_power_laplacian_mp`), so the singular core is exact however
      close s is to −d; the error is mpmath's estimate plus the cancellation of the parts.
      Φ is divided by its size at a first: mpmath's tolerances are absolute, and a Φ of
      1e-60 otherwise stops the quadrature at its first level.

    A result below 1e-20 of the integral of |integrand| is the cancellation of a vanishing
    curvature (a constant Φ) and is 0. A core Φ ~ r^-q with q ≥ d is refused (ValueError):
    the integral diverges, and no quadrature of it is summed.
    """
    core = core if core is not None else core_expansion(profile, a)
    if core.power >= d:
        raise ValueError(_divergent(profile, core.power, d))
    if width <= SERIES_MAX_WIDTH * a:
        # in units of a power of 2 near |Φ(a)|, exactly: no term overflows for a strong Φ
        size = _power_of_two(radial_laplacians(profile, d, a, 0)[0])
        laps = radial_laplacians(profile, d, a, SERIES_KEPT + 1, size)[1:]
        value, error, usable = curvature_series(laps, width, a)
        if usable:
            v = float(value)
            return Smeared(v * size, float(error) / abs(v) if v else 0.0, "series")
    f = sp.lambdify(interactions.R, profile, "mpmath")
    terms = core.terms
    with mpmath.workdps(30):
        a_, w = mpmath.mpf(a), mpmath.mpf(width)
        size = max(abs(f(a_ * k)) for k in (mpmath.mpf(1), mpmath.mpf("0.5"), mpmath.mpf(2)))
        scale = size if size != 0 and mpmath.isfinite(size) else mpmath.mpf(1)

        powers_mp = [(mpmath.mpf(c), mpmath.mpf(s)) for c, s in terms]
        logs_mp = [(mpmath.mpf(c), mpmath.mpf(s), k) for c, s, k in core.logs]

        def phi(rho):
            if not powers_mp and not logs_mp:
                return f(rho) / scale
            log_rho = mpmath.log(rho)  # once: ρ^s = e^(s log ρ) for every power
            singular = mpmath.fsum(c * mpmath.exp(s * log_rho) for c, s in powers_mp)
            singular += mpmath.fsum(c * mpmath.exp(s * log_rho) * log_rho**k for c, s, k in logs_mp)
            return (f(rho) - singular) / scale

        def g2(u):
            return (u * u / w**4 - 1 / w**2) * mpmath.exp(-u * u / (2 * w * w))

        cuts = sorted({mpmath.mpf(0), max(mpmath.mpf(0), a_ - 10 * w), a_, a_ + 10 * w})
        norm = w * mpmath.sqrt(2 * mpmath.pi)
        if d == 1:
            # Φ(|ρ|) on both sides: the mirror image of ρ > 0 sits at g″(−ρ − a) = g″(ρ + a).
            def integrand(rho):
                return phi(rho) * (g2(rho - a_) + g2(rho + a_))

            norm_d = norm
        else:

            def integrand(rho):
                return rho * phi(rho) * (g2(rho - a_) - g2(rho + a_))

            norm_d = a_ * norm
        # The integral of |integrand| (the size of the cancellation) samples the same
        # tanh–sinh nodes: each value is computed once.
        seen: dict[Any, Any] = {}

        def once(rho):
            if rho not in seen:
                seen[rho] = integrand(rho)
            return seen[rho]

        value, err = mpmath.quad(once, [*cuts, mpmath.inf], error=True)
        total = mpmath.quad(lambda rho: abs(once(rho)), [*cuts, mpmath.inf])
        if not terms and not core.logs and abs(value) <= mpmath.mpf(10) ** -20 * total:
            return Smeared(0.0, 0.0, "quadrature")  # the parts cancel: no curvature at all
        smooth = value * scale / norm_d
        powers = [_power_laplacian_mp(c, s, d, a_, w) for c, s in terms]
        # c r^s log(r)^k = c ∂^k/∂s^k r^s: the closed form differentiated in s
        powers += [
            c * mpmath.diff(lambda t: _power_laplacian_mp(1, t, d, a_, w), mpmath.mpf(s), k)
            for c, s, k in core.logs
        ]
        result = smooth + mpmath.fsum(powers)
        # mpmath's estimate, the rounding left by the cancelling parts, and the same for the
        # closed forms (30 digits of each)
        spread = (err + mpmath.mpf(10) ** -28 * total) * scale / norm_d
        spread += mpmath.mpf(10) ** -28 * mpmath.fsum(abs(p) for p in powers)
        if result == 0:
            return Smeared(0.0, 0.0, "quadrature")
        return Smeared(float(result), float(spread / abs(result)), "quadrature")


def smeared_radial_laplacian(profile: sp.Expr, d: int, a: float, width: float) -> float:
    """∇²U at distance a for U = Φ smeared by N(0, l²) per direction (d = 1 or 3): the
    value of :func:`smear` (series for narrow Gaussians, quadrature otherwise)."""
    return smear(profile, d, a, width).value


def radial_laplacians(
    profile: sp.Expr, d: int, a: float, order: int, scale: float = 1.0
) -> list[float]:
    """[f, ∇²f, ∇⁴f, …]/``scale`` at r = a for a radial f in d dimensions, up to ∇^(2·order).

    ∇² of a radial function is f'' + (d − 1) f'/r. Repeating it symbolically swells the
    expressions (a minute for ∇⁸ of a soft core), so f is expanded at a into a Taylor
    polynomial in t = r − a (mpmath, 40 digits) and ∇² acts on its coefficients, with 1/r
    expanded in t as well; each application costs two orders, so 2·order + 2 are kept.

    The numerical differentiation leaves rounding noise where a coefficient vanishes (a
    constant f): coefficients below 1e-35 of f's own scale at a are that noise and are 0.
    The cut is relative to f (mpmath's default chop is absolute, 1e-40: it zeroed every
    derivative of a Φ of 1e-50 and made a weak interaction's D exactly 0).

    ``scale`` divides the values in mpmath, before they are rounded to float64: the high
    Laplacians of a strong Φ overflow float64 on their own (∇¹⁸ of the Rydberg core times
    1e300 is ~1e323) while their ratio to Φ(a) is an ordinary number.
    """
    keep = 2 * order + 2
    f_mp = sp.lambdify(interactions.R, profile, "mpmath")
    with mpmath.workdps(40):
        a_ = mpmath.mpf(a)
        coeffs = mpmath.taylor(f_mp, a_, keep, chop=False)
        size = max(abs(c) * a_**k for k, c in enumerate(coeffs))
        poly = [c if abs(c) * a_**k > mpmath.mpf(10) ** -35 * size else mpmath.mpf(0)
                for k, c in enumerate(coeffs)]  # fmt: skip
        inv_r = [(-1) ** j / a_ ** (j + 1) for j in range(keep + 1)]
        div = mpmath.mpf(scale)
        out = [float(poly[0] / div)]
        for _ in range(order):
            first = [(k + 1) * poly[k + 1] for k in range(len(poly) - 1)]
            poly = [
                (k + 1) * (k + 2) * poly[k + 2]
                + (d - 1) * mpmath.fsum(first[j] * inv_r[k - j] for j in range(k + 1))
                for k in range(len(poly) - 2)
            ]
            out.append(float(poly[0] / div))
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

    For ``"quadrature"``, ``constants`` (as :func:`plan` makes them; empty: plain
    quadrature) is (S, the SERIES_KEPT + 1 values ∇^(2k)Φ(a)/S of :func:`curvature_series`,
    then c/S, s for each power c r^s of :class:`Core`, in d = 1 up to r^3: see :func:`plan`):
    S is a power of 2 near |Φ(a)|, by which Φ is divided on the way in and the result
    multiplied on the way out, exactly, so neither a weak nor a strong Φ under- or overflows
    inside the kernel products.
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
        if not self.constants:
            return self._quadrature(width, 1.0, ())
        scale = self.constants[0]
        series = self.constants[1 : SERIES_KEPT + 2]
        rest = self.constants[SERIES_KEPT + 2 :]
        powers = tuple(zip(rest[::2], rest[1::2], strict=True))
        flat = width.ravel()
        value, _, usable = curvature_series(series, flat, a)
        out = np.where(usable, value, 0.0)
        if not np.all(usable):
            out[~usable] = self._quadrature(flat[~usable], scale, powers)
        return (out * scale).reshape(width.shape)

    def _quadrature(
        self, width: NDArray[np.float64], scale: float, powers: tuple[tuple[float, float], ...]
    ) -> NDArray[np.float64]:
        """The smearing integral of :func:`smear` by Gauss–Legendre, for Φ/``scale``; the
        ``powers`` c r^s (of Φ/scale) are subtracted and smeared in closed form."""
        if self.profile is None:
            raise ValueError("quadrature smearing needs the radial profile Φ(ρ)")
        nodes, weights = np.polynomial.legendre.leggauss(self.nodes)
        a = self.spacing
        w = width[..., np.newaxis]
        # The closed forms need e^(−a²/2l²) as a normal float (l ≥ a/28); narrower Gaussians
        # integrate Φ whole, and its core, below e^(−400) of the kernel, adds nothing.
        closed = width >= a / 28
        # ρ over |ρ − a| ≤ 12 l (the kernel) and over the core [0, a − 12 l]; the core
        # interval never shrinks to the point ρ = 0, where a singular Φ cannot be evaluated.
        lo = np.maximum(a - 12 * w, 1e-12 * a)
        hi = a + 12 * w
        total = np.zeros(width.shape)
        size = np.zeros(width.shape)
        for start, stop in ((0.0, lo), (lo, hi)):
            half = (stop - start) / 2
            rho = start + half * (nodes + 1)
            # g″ without its 1/l² (divided out at the end): no w⁻⁴ to overflow
            u_minus, u_plus = (rho - a) / w, (rho + a) / w
            minus = (u_minus**2 - 1) * np.exp(-(u_minus**2) / 2)
            plus = (u_plus**2 - 1) * np.exp(-(u_plus**2) / 2)
            phi = self.profile(rho) / scale
            for c, s in powers:
                phi = phi - np.where(closed[..., np.newaxis], c * rho**s, 0.0)
            if self.d == 3:
                integrand = rho * phi * (minus - plus)
            else:
                integrand = phi * (minus + plus)
            total = total + np.sum(half * weights * integrand, axis=-1)
            size = size + np.sum(half * weights * np.abs(integrand), axis=-1)
        # Parts that cancel to float64 rounding are a vanishing curvature (a constant Φ): 0.
        total = np.where(np.abs(total) <= 1e-13 * size, 0.0, total)
        norm = width**3 * np.sqrt(2 * np.pi)
        out = total / (a * norm) if self.d == 3 else total / norm
        for c, s in powers:
            part = np.zeros(width.shape)
            if np.any(closed):
                part[closed] = _power_laplacian(c, s, self.d, a, width[closed])
            out = out + part
        return out


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
    if inter.kind == "gaussian":
        note = "U(a): the Gaussian core smeared exactly (a Gaussian of width σ² + l²)"
        constants = (float(inter.params["V0"]), float(inter.params["sigma"]))
        return Smearing("gaussian", d, a, note, constants), None
    core = core_expansion(profile, a)
    q = inter.near_power if inter.near_power is not None else core.power
    if q >= d:
        lap = radial_laplacians(profile, d, a, 1)[1]
        note = f"U(a) = Φ(a): smearing Φ ~ r^-{q:.15g} diverges in d = {d}"
        return Smearing("bare", d, a, note, (lap,)), None
    if d in (1, 3):
        # Gauss–Legendre (120 nodes, error ~ N^(−2α−2) for an integrand ρ^α at ρ = 0) needs
        # the remainder smooth, not just integrable. In d = 3 the integrand is ρ^(2+s)
        # times an even function, so the first power left, s ≥ 1, gives α ≥ 3; in d = 1 it
        # is ρ^s itself, and r^1.5 left by e^(−r) r^-0.5 cost 4e-11 (r^1.0000001: 1e-9).
        # There the powers up to r^3 are subtracted: α ≥ 3 again, N^(−8) ≈ 2e-17.
        if d == 1:
            wider = core_expansion(profile, a, 3)
            core = wider if wider.expanded else core
        if core.logs or (not core.expanded and core.power > 0):
            # Gauss–Legendre has no closed form to lean on for these: 1e-5 off at l/a = 0.4
            # for log(r)/r^1.5, where the reference's subtraction is exact.
            raise SmearingError(
                f"{model.source}: the vectorized model functions need Φ's singular part at "
                f"r → 0 as a sum of powers c·r^s (Φ = {profile} has log r or is not "
                "expanded); `qcrystal model show` still handles it"
            )
        scale = _power_of_two(radial_laplacians(profile, d, a, 0)[0])
        laps = radial_laplacians(profile, d, a, SERIES_KEPT + 1, scale)
        values = (
            scale,
            *laps[1:],
            *(x for c, s in core.terms for x in (c / scale, s)),
        )
        rho = interactions.R
        # (printed into the generated module's docstring and code: kept under 90 characters)
        note = (
            "U(a): the smearing integral of (44) by Gauss–Legendre quadrature (l-series for l ≪ a)"
        )
        fn = interactions.to_numpy(profile, [rho])
        return Smearing("quadrature", d, a, note, values, fn), profile
    terms = radial_laplacians(profile, d, a, 3)
    note = "U(a): gradient expansion Φ + (l²/2)∇²Φ + ½((l²/2)∇²)²Φ, valid for l ≪ a"
    return Smearing("expansion", d, a, note, tuple(terms[1:4])), None


def _power_of_two(value: float) -> float:
    """A power of 2 near |value| (1 for 0, inf or NaN): dividing by it is exact."""
    if value == 0 or not math.isfinite(value):
        return 1.0
    return math.ldexp(1.0, math.frexp(abs(value))[1] - 1)
