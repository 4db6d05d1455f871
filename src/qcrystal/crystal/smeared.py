"""The pair potential smeared by the Gaussian Wannier functions (29), as dynamics' terms.

The paper's (44) takes the interaction between two localized particles as Φ averaged over
their Gaussian densities: with each density N(0, l²/2 · 1_d) per direction, the relative
coordinate is N(0, l² 1_d) and

    U_l(R) = ∫ Φ(|R − s|) N(s; 0, l² 1_d) dᵈs = exp((l²/2)∇²) Φ   (the heat kernel at time l²/2),

the convention of :mod:`qcrystal.models.smearing`. :func:`smear_potential` writes U_l as
the :class:`~.dynamics.PowerLaw` and :class:`~.dynamics.Radial` terms that
:class:`~.dynamics.HarmonicCrystal` sums into the full dynamical matrix D_αβ(k) of U_l, all
branches. What it does, by interaction:

1. **Divergent core.** Φ ~ r^(−q) with q ≥ d at r → 0 (Lennard-Jones, power laws n ≥ d,
   dipoles C_dd/r³ in a plane) has no Gaussian average: the integral diverges at s = R.
   The bare terms are returned (``smeared=False``): point particles, as (44) must be read
   where it diverges. The power q is read off the expression
   (:func:`qcrystal.models.smearing.core_expansion`), never measured.
2. **Power law** C r^(−p), 0 < p < d. With α = p/2, β = d/2, x = r²/2l², the moments of the
   noncentral χ distribution (Abramowitz & Stegun 13.1.27 for Kummer's transformation) give

       U_l(r) = C (2l²)^(−α) Γ(β − α)/Γ(β) ₁F₁(α; β; −x)
              = C (2l²)^(−α) Γ(β − α)/Γ(β) e^(−x) ₁F₁(β − α; β; x),

   and d/dz ₁F₁(a; b; z) = (a/b) ₁F₁(a+1; b+1; z) (A&S 13.4.8) the derivatives. Its large-x
   expansion (A&S 13.5.1; equivalently exp((l²/2)∇²) r^(−p) with ∇² r^(−p) = p(p+2−d) r^(−p−2))
   is C r^(−p) Σ_k c_k (l/r)^(2k), c_k = (α)_k (α − β + 1)_k 2^k / k!, plus a part below
   e^(−x). The terms k = 0 … K go to Ewald as PowerLaw(C c_k l^(2k), p + 2k) (k = 0 with the
   neutralising background where p ≤ d − 2, as the bare sum needs); the remainder
   U_l − Σ_(k≤K), which falls like r^(−p−2K−2), is a Radial. K is the least with
   p + 2K + 2 ≥ max(d + 11, 12), so that the direct sum stops within ~10⁴ vectors (fcc: 9000).
   The remainder is evaluated as e^(−x)₁F₁(β − α; β + j; x) (scipy; all terms of that
   series positive, so no cancellation inside it) less the kept terms for x < 50 (r < 10 l; the
   subtraction costs ~1e-16 of U_l, not of the remainder), and for x ≥ 50 as the asymptotic
   series' own tail k = K+1 … K+40 (truncation and the e^(−x) part below 1e-18 of U_l).
   Measured against mpmath at 30 digits: worst relative error 6.3e-15 of the force
   constants (U_l'', U_l'/r) over both branches, d = 1, 2, 3, ten powers, l/a = 0.05 … 0.5,
   r ≥ a. ``error`` is 8e-15 times the cancellation of the split at r = a (the parts' force
   constants over their sum, 2D Coulomb: 1 for l ≪ a, 55 at l = a/2, 1.5e5 at l = a).
   When every c_k (k ≥ 1) vanishes — p = d − 2, Coulomb in 3D — U_l = C erf(r/√2l)/r
   exactly and the remainder −C erfc(r/√2l)/r decays like a Gaussian.
3. **Gaussian core** V₀ exp(−r²/2σ²): a Gaussian convolved with a Gaussian,
   U_l = V₀ (σ²/(σ² + l²))^(d/2) exp(−r²/2(σ² + l²)), a Radial with analytic derivatives.
4. **Smooth finite Φ** (Rydberg C₆/(R_c⁶ + r⁶), custom profiles): quadrature of

       d = 1:  U_l(r) = E Φ(r + l t),
       d = 2:  U_l(r) = ∫₀^∞ (ρ/l²) Φ(ρ) e^(−(ρ² + r²)/2l²) I₀(ρr/l²) dρ,
       d = 3:  U_l(r) = E f(r + l t) / r,  f(ρ) = ρ Φ(ρ) extended oddly,

   t ~ N(0, 1). (d = 3: in spherical coordinates about the origin the angular integral of
   the Gaussian is 4πl² sinh(ρr/l²)/(ρr), which turns the ρ-integral of ρ²Φ(ρ) into
   (1/r)∫ ρΦ(ρ)[N(ρ − r) − N(ρ + r)] dρ over ρ > 0, i.e. over the whole line for the odd
   extension. d = 2: the angular integral of e^(ρr cos θ/l²) is 2π I₀(ρr/l²).) U' and U''
   put the derivatives on Φ, not on the Gaussian (no (r/l)² cancellation): in d = 1, 3
   E Φ^(k)(r + l t), E f^(k)(r + l t); in d = 2 the Cartesian ∂²_x Φ = Φ'' cos² + (Φ'/ρ) sin²
   averaged over the angle, U' = ∫(ρ/l²)Φ' e^(…) I₁, U'' = ∫(ρ/l²)e^(…)[Φ''(I₀ + I₂) +
   (Φ'/ρ)(I₀ − I₂)]/2, with I₀ − I₂ = 2I₁/z (DLMF 10.29.1) and scipy's scaled i0e, i1e.
   The average is Gauss–Legendre over |t| ≤ 13 (ρ within 13 l of r; the mass outside is below
   1e-37), which converges geometrically only if the integrand is analytic there: the odd
   and even extensions are iff Φ is an even analytic function of r (a smooth function of
   r²). That is checked symbolically; Φ not even, or singular at r = 0, is refused with a
   ValueError (pass smearing="none"). The node count is doubled from 32 (up to 2048) until
   rules of n and 2n nodes agree to 1e-13 of the force constants at r = a … 4a and two
   far points; the 2n rule is used and ``error`` is the n–2n difference (refused above
   1e-10) plus 1e-15 times the cancellation of the Ewald/direct split at r = a.
   Measured against mpmath (30 digits, derivatives on the Gaussian), Rydberg R_c = 0.8 a,
   l = 0.3 a: 5e-14 worst (d = 3 at r = a, where the split cancels ~300-fold; the smeared
   U_l itself is within 2e-15 there), below 5e-16 at r ≥ 2a and on the far route.
   A power-law tail C r^(−p) of Φ (the bare terms carry it as a PowerLaw) keeps its smeared
   expansion Σ_(k≤K) C c_k l^(2k) r^(−p−2k) on Ewald as in case 2, and the Radial is U_l less
   those terms: up to r = max(26 l, 3a) by subtraction, beyond as the smearing of Φ − C r^(−p)
   (put over one denominator when rational, its window then 13 l clear of its pole at 0)
   plus the tail series beyond K, so that the remainder stays smooth out to any r (the
   direct sum's radius search integrates it adaptively).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from scipy import special

from ..models import interactions
from ..models.smearing import core_expansion
from .dynamics import PowerLaw, Radial

__all__ = ["SmearedPotential", "smear_potential"]

Array = NDArray[np.float64]
Term = PowerLaw | Radial

# Below x = r²/2l² = 50 the power-law remainder is ₁F₁ less the kept terms; above, the
# asymptotic series' tail, whose truncation (40 terms, ratio ~ k/x < 1) and whose omitted
# e^(−x) part are both below 1e-18 of U_l there.
_SWITCH = 50.0
_TAIL_TERMS = 40
# The remainder left to the direct sum falls like r^-max(d+11, 12) or faster: in 3D r^-14
# needs ~9000 fcc vectors for rtol 1e-12 (measured), r^-12 four times as many.
_MIN_DECAY = 12.0
# The quadrature: Gauss–Legendre over |t| ≤ 13 of the N(0, 1) average (the mass beyond is below
# 1e-37), nodes doubled from the start to the cap, and the n–2n agreement sought / accepted.
# (Gauss–Hermite, tried first, had not converged at 384 nodes for a Rydberg core whose poles
# lie 0.4 a off the axis at l = 0.3 a, and numpy's hermgauss overflows beyond: its error
# falls like exp(−c√n) where Gauss–Legendre's falls like exp(−c'n).)
_WINDOW = 13.0
_QUAD_START = 32
_QUAD_MAX = 2048
_QUAD_GOAL = 1e-13
_QUAD_ACCEPT = 1e-10
# Relative rounding of the power-law terms' force constants where the split does not cancel
# (measured against mpmath: ≤ 6.3e-15 for d ≤ 3, 0 < p < d, l ≤ a/2, r ≥ a; most of it
# scipy's hyp1f1, 2.5e-15), multiplied by the cancellation of the split at r = a.
_ROUNDING = 8e-15
# The same for the parts of a quadrature profile's split (quadrature less the kept series).
_PART_ROUNDING = 1e-15
# From r = 26 l on, the quadrature window [r − 13l, r + 13l] stays 13 l clear of r = 0.
_FAR = 26.0
# Rows of r evaluated at once (bounds the memory of the node × r arrays).
_CHUNK = 1024


@dataclass(frozen=True)
class SmearedPotential:
    """U_l as dynamics' terms.

    ``terms``: PowerLaw and Radial terms whose sum is U_l; ``smeared``: False where the
    smearing diverges (``terms`` are then the bare ones given); ``note``: one line on what
    was done; ``error``: estimated relative error of the smeared force constants (0.0 for
    the exact closed forms).
    """

    terms: tuple[Term, ...]
    smeared: bool
    note: str
    error: float


def smear_potential(
    inter: interactions.Interaction,
    d: int,
    width: float,
    bare: Term | tuple[Term, ...],
    spacing: float,
) -> SmearedPotential:
    """The interaction ``inter`` smeared by Gaussians of width l = ``width`` (module docstring).

    Parameters
    ----------
    inter : qcrystal.models.interactions.Interaction
        From :func:`qcrystal.models.interactions.make`.
    d : int
        1, 2 or 3.
    width : float
        l > 0 (length): the relative coordinate of two particles is N(0, l² 1_d).
    bare : PowerLaw, Radial or tuple of them
        The point-particle terms of the same interaction (``crystal._potential(inter, d)``):
        returned where the smearing diverges; their PowerLaw terms are Φ's power-law tail.
    spacing : float
        The nearest-neighbour distance a > 0: where the quadrature error is measured.
    """
    if not (isinstance(d, int) and d in (1, 2, 3)):
        raise ValueError(f"d must be 1, 2 or 3 (got {d!r})")
    for name, value in (("width", width), ("spacing", spacing)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and value > 0)
        ):
            raise ValueError(f"{name} must be a finite length > 0 (got {value!r})")
    ell, a = float(width), float(spacing)
    terms = bare if isinstance(bare, tuple) else (bare,)
    if not terms or not all(isinstance(t, PowerLaw | Radial) for t in terms):
        raise ValueError(f"bare must be a PowerLaw, a Radial or a tuple of them (got {bare!r})")
    kind = inter.kind
    if kind == "dipolar":
        # C_dd/r³ in a plane perpendicular to the dipoles (the only crystal of them)
        return _bare(terms, 3.0, d, "dipolar C_dd/r^3")
    if inter.profile is None:
        raise ValueError(f"interaction kind {kind!r} is not isotropic: no smeared pair potential")
    profile = inter.profile
    r = interactions.R
    coeff, power = profile.as_coeff_exponent(r)
    if coeff.is_number and not coeff.has(r) and power.is_number and power < 0:
        # a pure power law C r^(−p) (power_law, or a custom one)
        p = float(-power)
        if p >= d:
            return _bare(terms, p, d, f"C r^-{p:g}")
        return _power_law(float(coeff), p, d, ell, a)
    core = core_expansion(profile, a)
    if core.power >= d:
        return _bare(terms, core.power, d, f"{kind} Φ = {profile}")
    if kind == "gaussian":
        return _gaussian(float(inter.params["V0"]), float(inter.params["sigma"]), d, ell)
    if core.power > 0 or core.logs or not core.expanded:
        raise ValueError(
            f"interaction kind {kind!r}: Φ = {profile} is singular at r → 0 (an integrable "
            "core, or one SymPy cannot expand, that the quadrature of the smearing cannot "
            "resolve); pass smearing='none'"
        )
    return _quadrature(inter, profile, d, ell, a, terms)


# -- 1. divergent smearing --------------------------------------------------------------


def _bare(terms: tuple[Term, ...], q: float, d: int, what: str) -> SmearedPotential:
    note = (
        f"the smearing of r^-{q:g} ({what}) diverges in d = {d} (core r^-q, q ≥ d): point "
        "particles, as (44) must be read where it diverges"
    )
    return SmearedPotential(terms, False, note, 0.0)


# -- 2. power laws ----------------------------------------------------------------------


def _series_order(p: float, d: int) -> int:
    """K: the least with p + 2K + 2 ≥ max(d + 11, 12)."""
    return max(0, math.ceil((max(d + 11.0, _MIN_DECAY) - p - 2.0) / 2.0))


def _coefficients(p: float, d: int, count: int) -> list[float]:
    """c_k = (α)_k (α − β + 1)_k 2^k / k!, k = 0 … count − 1 (α = p/2, β = d/2)."""
    alpha, beta = p / 2, d / 2
    out, c = [], 1.0
    for k in range(count):
        out.append(c)
        c *= (alpha + k) * (alpha - beta + 1 + k) * 2.0 / (k + 1)
    return out


def _tail_terms(C: float, p: float, d: int, ell: float, K: int) -> tuple[PowerLaw, ...]:
    """C c_k l^(2k) r^(−p−2k), k = 0 … K (vanishing ones dropped)."""
    out = []
    for k, c in enumerate(_coefficients(p, d, K + 1)):
        if c != 0.0:
            out.append(
                PowerLaw(C * c * ell ** (2 * k), p + 2 * k, background=k == 0 and p <= d - 2)
            )
    return tuple(out)


def _series(
    C: float, p: float, d: int, ell: float, r: Array, first: int, count: int
) -> tuple[Array, Array, Array]:
    """Σ_(k=first)^(first+count−1) C c_k l^(2k) r^(−p−2k) and its first two r-derivatives."""
    k = np.arange(first, first + count)
    c = np.asarray(_coefficients(p, d, first + count)[first:])
    q = p + 2 * k
    # (n, count): C c_k r^(−p) (l/r)^(2k), summed along k from the smallest (the last) first
    t = (C * r ** (-p))[:, None] * c[None, :] * ((ell / r) ** 2)[:, None] ** k[None, :]
    t = t[:, ::-1]
    rr = r[:, None]
    u = np.sum(t, axis=1)
    du = -np.sum(q[::-1] * t / rr, axis=1)
    d2u = np.sum(q[::-1] * (q[::-1] + 1) * t / rr**2, axis=1)
    return u, du, d2u


def _kummer_scaled(a: float, b: float, x: Array) -> Array:
    """e^(−x) ₁F₁(a; b; x) for a, b > 0, 0 ≤ x < 50 (= ₁F₁(b − a; b; −x), Kummer).

    With both parameters and x positive the series has positive terms only, and scipy's
    hyp1f1 there is within 2.5e-15 of mpmath (measured on x ∈ [0, 50], the parameters of
    d ≤ 3, 0 < p < d); at −x it is not (it sums an alternating series).
    """
    return np.asarray(np.exp(-x) * special.hyp1f1(a, b, x))


def _power_exact(C: float, p: float, d: int, ell: float, r: Array) -> tuple[Array, Array, Array]:
    """U_l, U_l', U_l'' of C r^(−p) by the Kummer-transformed ₁F₁ (x < 50)."""
    alpha, beta = p / 2, d / 2
    A = C * (2 * ell * ell) ** (-alpha) * math.gamma(beta - alpha) / math.gamma(beta)
    x = r * r / (2 * ell * ell)
    m0 = _kummer_scaled(beta - alpha, beta, x)  # ₁F₁(α; β; −x)
    m1 = _kummer_scaled(beta - alpha, beta + 1, x)  # ₁F₁(α+1; β+1; −x)
    m2 = _kummer_scaled(beta - alpha, beta + 2, x)  # ₁F₁(α+2; β+2; −x)
    g = alpha / beta
    u = A * m0
    du = -A * g * m1 * r / (ell * ell)
    d2u = -A * g / (ell * ell) * (m1 - (alpha + 1) / (beta + 1) * m2 * r * r / (ell * ell))
    return u, du, d2u


def _power_remainder(C: float, p: float, d: int, ell: float, K: int) -> Radial:
    """U_l − Σ_(k≤K) C c_k l^(2k) r^(−p−2k), by branch (module docstring)."""

    def evaluate(r: Array) -> tuple[Array, Array, Array]:
        r = np.asarray(r, dtype=np.float64)
        out = [np.empty(r.shape) for _ in range(3)]
        near = r * r / (2 * ell * ell) < _SWITCH
        if np.any(near):
            rn = r[near]
            exact = _power_exact(C, p, d, ell, rn)
            kept = _series(C, p, d, ell, rn, 0, K + 1)
            for o, e, s in zip(out, exact, kept, strict=True):
                o[near] = e - s
        if not np.all(near):
            rf = r[~near]
            for o, s in zip(out, _series(C, p, d, ell, rf, K + 1, _TAIL_TERMS), strict=True):
                o[~near] = s
        return out[0], out[1], out[2]

    return Radial(*_components(evaluate), decay=p + 2 * K + 2)


def _coulomb3d(C: float, ell: float) -> Radial:
    """−C erfc(r/√2l)/r, U_l − C/r for Coulomb in 3D, and its derivatives."""
    s = math.sqrt(2.0) * ell
    norm = math.sqrt(2.0 / math.pi) / ell  # 2/(√π s)

    def u(r: Array) -> Array:
        return np.asarray(-C * special.erfc(r / s) / r)

    def du(r: Array) -> Array:
        g = norm * np.exp(-((r / s) ** 2))  # −d/dr erfc(r/s)
        return np.asarray(C * (special.erfc(r / s) / r**2 + g / r))

    def d2u(r: Array) -> Array:
        g = norm * np.exp(-((r / s) ** 2))
        return np.asarray(
            -C * (2 * special.erfc(r / s) / r**3 + 2 * g / r**2 + g * 2 * r / (s * s) / r)
        )

    return Radial(u, du, d2u, decay=math.inf)


def _power_law(C: float, p: float, d: int, ell: float, a: float) -> SmearedPotential:
    if p == d - 2:
        # every c_k (k ≥ 1) vanishes: U_l = C erf(r/√2 l)/r exactly (d = 3, p = 1)
        terms: tuple[Term, ...] = (PowerLaw(C, p, background=True), _coulomb3d(C, ell))
        note = "Coulomb in 3D: U_l = C erf(r/√2l)/r, C/r by Ewald (background), −C erfc/r direct"
        return SmearedPotential(terms, True, note, 0.0)
    K = _series_order(p, d)
    tail = _tail_terms(C, p, d, ell, K)
    remainder = _power_remainder(C, p, d, ell, K)
    terms = (*tail, remainder)
    # The split cancels where l is not small against a: the parts' force constants at the
    # first shell against their sum, times the rounding of each (_ROUNDING).
    r = np.array([a])
    pieces = [_series(t.C, t.p, d, 0.0, r, 0, 1)[1:] for t in tail]
    pieces.append((remainder.du(r), remainder.d2u(r)))
    du = np.array([q[0][0] for q in pieces])
    d2u = np.array([q[1][0] for q in pieces])
    parts = float(np.sum(_force_scale(du, d2u, np.full(du.shape, a))))
    total = float(_force_scale(np.sum(du, keepdims=True), np.sum(d2u, keepdims=True), r)[0])
    error = _ROUNDING * parts / total
    note = (
        f"C r^-{p:g} smeared in d = {d}: closed form ₁F₁(p/2; d/2; −r²/2l²), its l-series to "
        f"(l/r)^{2 * K} by Ewald, the remainder ~ r^-{p + 2 * K + 2:g} directly"
    )
    return SmearedPotential(terms, True, note, error)


# -- 3. Gaussian core -------------------------------------------------------------------


def _gaussian(V0: float, sigma: float, d: int, ell: float) -> SmearedPotential:
    s2 = sigma * sigma + ell * ell
    amp = V0 * (sigma * sigma / s2) ** (d / 2)

    def u(r: Array) -> Array:
        return np.asarray(amp * np.exp(-r * r / (2 * s2)))

    def du(r: Array) -> Array:
        return np.asarray(-r / s2 * u(r))

    def d2u(r: Array) -> Array:
        return np.asarray((r * r / s2 - 1) / s2 * u(r))

    note = "Gaussian core: U_l = V0 (σ²/(σ²+l²))^(d/2) exp(−r²/2(σ²+l²)), exact"
    return SmearedPotential((Radial(u, du, d2u, decay=math.inf),), True, note, 0.0)


# -- 4. smooth finite profiles ----------------------------------------------------------


def _components(
    evaluate: Callable[[Array], tuple[Array, Array, Array]],
) -> tuple[Callable[[Array], Array], Callable[[Array], Array], Callable[[Array], Array]]:
    """u, du, d2u from one function of a 1-d array returning all three; any shape of r in,
    the same shape out."""

    def pick(i: int) -> Callable[[Array], Array]:
        def f(r: Array) -> Array:
            x = np.asarray(r, dtype=np.float64)
            return np.asarray(evaluate(x.ravel())[i]).reshape(x.shape)

        return f

    return pick(0), pick(1), pick(2)


def _numeric(expr: sp.Expr, t: sp.Symbol) -> Callable[[Array], Array]:
    fn = interactions.to_numpy(expr, [t])

    def f(x: Array) -> Array:
        return np.broadcast_to(np.asarray(fn(x), dtype=np.float64), x.shape)

    return f


def _rule(n: int) -> tuple[Array, Array]:
    """Gauss–Legendre nodes and weights on [−1, 1], to rounding for any n.

    scipy's roots_legendre (asymptotic formulas) and numpy's leggauss (eigenvalues) are
    1e-14–2e-13 off at n = 1024–2048 in the integral of a smooth function: their nodes are
    polished here by two Newton steps on P_n (three-term recurrence) and the weights
    2/((1 − x²) P_n'(x)²) taken at the polished nodes (then exact to 2e-16).
    """
    x = np.asarray(special.roots_legendre(n)[0], dtype=np.float64)
    for step in range(3):
        p0, p1 = np.ones_like(x), x.copy()
        for k in range(2, n + 1):
            p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
        dp = n * (x * p1 - p0) / (x * x - 1)  # P_n'(x)
        if step < 2:
            x = x - p1 / dp
    w = 2 / ((1 - x * x) * dp * dp)
    return (x - x[::-1]) / 2, (w + w[::-1]) / 2


def _smeared_fn(
    phis: tuple[Callable[[Array], Array], ...], d: int, ell: float, rule: tuple[Array, Array]
) -> Callable[[Array], tuple[Array, Array, Array]]:
    """U_l, U_l', U_l'' of the profile by a Gauss–Legendre rule (module docstring)."""
    x, w = rule
    n = x.size
    phi0, phi1, phi2 = phis
    # E g(t) over |t| ≤ _WINDOW: nodes t_j and weights w_j N(t_j) (the cut-off mass is e^-84)
    t = _WINDOW * x
    wt = _WINDOW * w * np.exp(-t * t / 2) / math.sqrt(2 * math.pi)

    def block(r: Array) -> tuple[Array, Array, Array]:
        if d == 1:
            y = r[:, None] + ell * t[None, :]
            return phi0(y) @ wt, phi1(y) @ wt, phi2(y) @ wt
        if d == 3:
            y = r[:, None] + ell * t[None, :]
            f0, f1, f2 = phi0(y), phi1(y), phi2(y)
            F0 = (y * f0) @ wt
            F1 = (f0 + y * f1) @ wt
            F2 = (2 * f1 + y * f2) @ wt
            return F0 / r, F1 / r - F0 / r**2, F2 / r - 2 * F1 / r**2 + 2 * F0 / r**3
        # d = 2: ρ over [max(0, r − W l), r + W l], the angle done by Bessel functions
        lo = np.maximum(r - _WINDOW * ell, 0.0)[:, None]
        hi = (r + _WINDOW * ell)[:, None]
        rho = lo + (hi - lo) * (x[None, :] + 1) / 2
        z = rho * r[:, None] / (ell * ell)
        kern = (hi - lo) / 2 * w[None, :] * rho / (ell * ell)
        kern = kern * np.exp(-((rho - r[:, None]) ** 2) / (2 * ell * ell))
        i0, i1 = special.i0e(z), special.i1e(z)
        # I₀ − I₂ = 2I₁/z (DLMF 10.29.1): the difference itself would lose z·ε far out
        i0_minus_i2 = 2 * i1 / z
        f0, f1, f2 = phi0(rho), phi1(rho), phi2(rho)
        u = np.sum(kern * f0 * i0, axis=1)
        du = np.sum(kern * f1 * i1, axis=1)
        d2u = np.sum(kern * (f2 * (2 * i0 - i0_minus_i2) + f1 / rho * i0_minus_i2), axis=1) / 2
        return u, du, d2u

    def evaluate(r: Array) -> tuple[Array, Array, Array]:
        flat = np.asarray(r, dtype=np.float64).ravel()
        out = [np.empty(flat.shape) for _ in range(3)]
        step = max(1, _CHUNK * 64 // n)
        for start in range(0, flat.size, step):
            for o, v in zip(out, block(flat[start : start + step]), strict=True):
                o[start : start + step] = v
        shape = np.shape(r)
        return out[0].reshape(shape), out[1].reshape(shape), out[2].reshape(shape)

    return evaluate


def _exponent(p: float) -> sp.Expr:
    """p as SymPy sees it: an Integer when whole (so that Φ − C t^(−p) stays rational)."""
    return sp.Integer(int(p)) if float(p).is_integer() else sp.Float(p)


def _force_scale(du: Array, d2u: Array, r: Array) -> Array:
    return np.maximum(np.abs(d2u), np.abs(du / r))


def _quadrature(
    inter: interactions.Interaction,
    profile: sp.Expr,
    d: int,
    ell: float,
    a: float,
    bare: tuple[Term, ...],
) -> SmearedPotential:
    t = sp.Symbol("t", real=True)
    g = profile.subs(interactions.R, t)
    if sp.simplify(g.subs(t, -t) - g) != 0:
        raise ValueError(
            f"interaction kind {inter.kind!r}: Φ = {profile} is not an even function of r (not "
            "smooth in r²), so its Gaussian smearing is not analytic for the Gauss–Legendre "
            "quadrature; pass smearing='none'"
        )
    phis = tuple(_numeric(sp.diff(g, t, k), t) for k in range(3))
    tails = [(t_.C, t_.p) for t_ in bare if isinstance(t_, PowerLaw)]
    orders = [_series_order(p, d) for _, p in tails]
    # Φ less its tails, smooth on every window [r − 13l, r + 13l] with r ≥ 26 l (its only
    # singularity, at 0, at least 13 l from the window): far out the remainder is taken as its
    # smearing plus the tails' asymptotic series beyond order K, with no cancellation
    delta = g - sum(sp.Float(C) * t ** -_exponent(p) for C, p in tails)
    # A rational Φ − C t^(−p) is put over one denominator (and each derivative): the
    # difference as written cancels to ε t^p/R_c^p of itself far out, and the direct sum's
    # radius search (adaptive quadrature of the envelope) cannot integrate such noise.
    rational = bool(tails) and delta.is_rational_function(t)
    derivatives = [sp.diff(delta, t, k) for k in range(3)]
    if rational:
        derivatives = [sp.cancel(sp.together(e)) for e in derivatives]
    far_phis = tuple(_numeric(e, t) for e in derivatives)
    # (and from 3a on, where the lattice's tail lies: closer in, Φ and its tail differ much)
    far_from = max(_FAR * ell, 3 * a)

    rules: dict[int, tuple[Array, Array]] = {}  # each rule is built once (0.3 s at 2048)

    def make(n: int) -> Callable[[Array], tuple[Array, Array, Array]]:
        if n not in rules:
            rules[n] = _rule(n)
        full = _smeared_fn(phis, d, ell, rules[n])
        far_fn = _smeared_fn(far_phis, d, ell, rules[n])

        def remainder(r: Array) -> tuple[Array, Array, Array]:
            r = np.asarray(r, dtype=np.float64)
            if not tails:
                return full(r)
            out = [np.empty(r.shape) for _ in range(3)]
            near = r < far_from
            if np.any(near):
                v = list(full(r[near]))
                for (C, p), K in zip(tails, orders, strict=True):
                    s = _series(C, p, d, ell, r[near], 0, K + 1)
                    v = [a_ - b_ for a_, b_ in zip(v, s, strict=True)]
                for o, x in zip(out, v, strict=True):
                    o[near] = x
            if not np.all(near):
                v = list(far_fn(r[~near]))
                for (C, p), K in zip(tails, orders, strict=True):
                    s = _series(C, p, d, ell, r[~near], K + 1, _TAIL_TERMS)
                    v = [a_ + b_ for a_, b_ in zip(v, s, strict=True)]
                for o, x in zip(out, v, strict=True):
                    o[~near] = x
            return out[0], out[1], out[2]

        return remainder

    def kept(r: Array) -> tuple[Array, Array]:
        du, d2u = np.zeros_like(r), np.zeros_like(r)
        for (C, p), K in zip(tails, orders, strict=True):
            s = _series(C, p, d, ell, r, 0, K + 1)
            du, d2u = du + s[1], d2u + s[2]
        return du, d2u

    probe = np.concatenate(
        [a * np.array([1.0, 1.5, 2.0, 3.0, 4.0]), far_from * np.array([1.0, 2.0])]
    )
    base = kept(probe)
    n, error = _QUAD_START, math.inf
    while True:
        coarse = make(n)(probe)
        fine = make(2 * n)(probe)
        scale = _force_scale(fine[1] + base[0], fine[2] + base[1], probe)
        diff = np.maximum(np.abs(fine[2] - coarse[2]), np.abs((fine[1] - coarse[1]) / probe))
        error = float(np.max(diff / np.where(scale > 0, scale, 1.0)))
        if error <= _QUAD_GOAL or 2 * n >= _QUAD_MAX:
            break
        n *= 2
    if not error <= _QUAD_ACCEPT:
        raise ValueError(
            f"interaction kind {inter.kind!r}: the quadrature of the smearing with l = {ell:g} "
            f"does not converge (rules of {n} and {2 * n} nodes differ by {error:.2g} of the force "
            "constants; Φ varies on a scale much shorter than l); pass smearing='none'"
        )
    remainder = make(2 * n)
    decays = [t_.decay for t_ in bare if isinstance(t_, Radial)]
    ewald: list[PowerLaw] = []
    for (C, p), K in zip(tails, orders, strict=True):
        ewald.extend(_tail_terms(C, p, d, ell, K))
        decays.append(p + 2 * K + 2)

    radial = Radial(*_components(remainder), decay=min(decays) if decays else math.inf)
    # Where l or R_c is not small against a, the Ewald terms and the remainder are much
    # larger than their sum at the first shell (Rydberg R_c = 0.8 a, l = 0.3 a: ~70 times);
    # each carries ~1e-15 of itself (measured: 5e-14 of the sum there).
    r = np.array([a])
    du = [float(_series(t_.C, t_.p, d, 0.0, r, 0, 1)[1][0]) for t_ in ewald]
    d2u = [float(_series(t_.C, t_.p, d, 0.0, r, 0, 1)[2][0]) for t_ in ewald]
    rest = remainder(r)
    du.append(float(rest[1][0]))
    d2u.append(float(rest[2][0]))
    cancel = (sum(map(abs, d2u)) + sum(map(abs, du)) / a) / max(abs(sum(d2u)), abs(sum(du)) / a)
    error = max(error, 1e-16) + _PART_ROUNDING * cancel
    what = " + ".join(f"{C:g} r^-{p:g}" for C, p in tails)
    note = (
        f"{inter.kind} smeared in d = {d} by {2 * n}-node Gauss–Legendre quadrature (error "
        f"{error:.1e} of the force constants: n vs 2n nodes and the split's rounding)"
        + (f"; the smeared tail of {what} by Ewald" if tails else "")
    )
    return SmearedPotential((*ewald, radial), True, note, error)
