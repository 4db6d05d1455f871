"""Ewald sums of power laws over a Bravais lattice: S_p = Σ_{R≠0} |R|^(−p) and its curvature.

:mod:`.lattice_sums` sums shell by shell and refuses what diverges. Power laws that decay
slowly (|R|^(−3) in 2D: dipoles perpendicular to the plane) or that only converge against a
neutralising background (Coulomb, the jellium Madelung energy) are summed here by Ewald's
split instead (Nijboer & De Wette, Physica 23, 309 (1957); Borwein, Glasser, McPhedran, Wan
and Zucker, *Lattice Sums Then and Now*, Cambridge 2013, ch. 2).

Derivation (lattice L with primitive vectors a_i, cell volume V, reciprocal vectors g with
g·R ∈ ℤ, no 2π; s = p/2; splitting length η, α = π/η²). From Γ(s) r^(−2s) = ∫₀^∞ t^(s−1)
e^(−t r²) dt, split the t-integral at α:

* t > α gives the real-space part Σ'_R |R|^(−p) Q(s, π|R|²/η²), Q = Γ(s, ·)/Γ(s) the
  regularised upper incomplete gamma function (scipy's ``gammaincc``);
* t < α: Poisson summation Σ_R e^(−t R²) = (π/t)^(d/2) V^(−1) Σ_g e^(−π² g²/t) turns it
  into the reciprocal part π^(p−d/2) / (V Γ(s)) Σ'_g |g|^(p−d) Γ((d−p)/2, π|g|²η²);
* the R = 0 term taken out of the lattice sum gives −π^(p/2) / (η^p Γ(s+1));
* the g = 0 term gives 2 π^(p/2) η^(d−p) / ((p−d) V Γ(s)). It converges (at t → 0) only for
  p > d. For p < d the same expression is the analytic continuation in p, which is the sum
  with a neutralising uniform background of the same density: the jellium value, whose
  potential has zero mean over the cell (the Ewald convention). At p = d it has a pole.

Checks of the formula (tests/test_ewald.py): d = 1 gives 2ζ(p) for p > 1 and the continued
2ζ(p) for p < 1; the result does not depend on η; the square lattice at p = 4 gives
4 ζ(2) β(2); the Madelung constants of NaCl and CsCl and the jellium (Wigner crystal)
energies come out as published; D(k) agrees with a direct sum where that converges fast.

Second derivatives (the force constants of a harmonic crystal): differentiating the same
split of Σ_R |R + x|^(−p) − |x|^(−p) twice at x = 0 gives :func:`hessian_sum`,
T_αβ = Σ'_R ∂_α∂_β |R|^(−p), the on-site (k → ∞) part of the dynamical matrix, and the
Bloch sum Σ_R e^(ik·R) |R + x|^(−p) gives :func:`dynamical_sum`,
D_αβ(k) = Σ'_R ∂_α∂_β |R|^(−p) (1 − cos k·R). Both converge absolutely for p > d − 2 (by
analytic continuation in p the Ewald value is that sum also for p ≤ d, where the plain
sum of |R|^(−p) itself diverges). At p = d − 2 (Coulomb in 3D) they need the background:
T is then the curvature of the potential of the other sites plus the background, (4πn/3) δ
on a cubic lattice, and D(k) obeys Kohn's sum rule tr D = 4πn.

Errors: every sum is cut at |R| ≤ R_c and |g| ≤ g_c, and the neglected terms are bounded
by an integral. For a positive f that decreases with r, each site R outside R_c is worth
less than the average of f(|r| − ρ) over its Wigner–Seitz cell (ρ bounds the cell's radius),
so Σ_{|R|>R_c} f(|R|) ≤ (S_d / V) ∫_{R_c−2ρ}^∞ f(u) (u + ρ)^(d−1) du, S_d the area of the
unit sphere; the same on the reciprocal lattice with V → 1/V. The stated error is both
bounds plus an estimate (not a bound) of the float64 rounding, 16–32 ulps of Σ|terms|.
The summands bounded are r^(−p) Q(s, αr²), the reciprocal c_g h(g) = c_g g^(p−d)
Γ((d−p)/2, πg²η²) = c_g (πη²)^((d−p)/2) ∫₁^∞ u^((d−p)/2−1) e^(−πη²g²u) du (decreasing in
g), and for the curvature A r² + |B| and 4π² g² c_g h(g), which decreases once πg²η² ≥ 1
(the reciprocal cutoff is kept there).
η is chosen as V^(1/d), which makes the two sums cost the same; the cutoffs then grow
until both bounds are below the asked accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from scipy import integrate, special

from .lattice_sums import LatticeSumError

__all__ = [
    "EwaldError",
    "EwaldResult",
    "EwaldSum",
    "EwaldTensor",
    "dynamical_sum",
    "dynamical_sums",
    "has_long_range_term",
    "hessian_sum",
    "jellium_madelung",
    "long_range_term",
    "power_sum",
]

_EPS = float(np.finfo(float).eps)
_SPHERE = {1: 2.0, 2: 2.0 * math.pi, 3: 4.0 * math.pi}  # S_d, the area of the unit sphere
_BALL = {1: 2.0, 2: math.pi, 3: 4.0 * math.pi / 3.0}  # the volume of the unit ball
_MAX_STEPS = 200  # cutoff steps of η/4 before giving up (a cutoff of 50 η)
_MIN_RTOL = 1e-15  # below this the float64 rounding, not the cutoffs, sets the error


class EwaldError(LatticeSumError):
    """An Ewald sum that cannot converge (p ≤ d without background) or bad lattice input."""


_Value = TypeVar("_Value", float, np.ndarray)


@dataclass(frozen=True)
class EwaldResult(Generic[_Value]):
    """A lattice sum with its error bound: a number (:data:`EwaldSum`) or a d×d tensor
    (:data:`EwaldTensor`, whose ``error`` bounds every entry).

    ``value``: the sum, in units of (length)^(−p) of the primitive vectors' unit;
    ``error``: bound on |value − exact|: the bounds of both truncated sums plus an estimate
    of the rounding;
    ``eta``: the splitting length used; ``real_cutoff``, ``reciprocal_cutoff``: R_c and g_c;
    ``terms``: lattice and reciprocal points summed; ``note``: what the value means.
    """

    value: _Value
    error: float
    eta: float
    real_cutoff: float
    reciprocal_cutoff: float
    terms: int
    note: str = ""


EwaldSum = EwaldResult[float]
EwaldTensor = EwaldResult[np.ndarray]


@dataclass(frozen=True)
class _Geometry:
    """The lattice (rows of ``A`` = primitive vectors) and its reciprocal (rows of ``B``)."""

    A: np.ndarray
    B: np.ndarray  # g·R ∈ ℤ, no 2π
    d: int
    volume: float
    rho: float  # bound on the Wigner–Seitz cell's radius (Babai: ½ √Σ|b*_i|², Gram–Schmidt)
    rho_reciprocal: float

    @classmethod
    def of(cls, primitive: object) -> _Geometry:
        A = np.array(primitive, dtype=float, ndmin=2)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] not in (1, 2, 3):
            raise EwaldError(
                f"primitive vectors must be a d×d array with d = 1, 2 or 3 (got shape {A.shape})"
            )
        if not np.all(np.isfinite(A)):
            raise EwaldError("primitive vectors must be finite")
        d = A.shape[0]
        volume = abs(float(np.linalg.det(A)))
        if not volume > 1e-12 * float(np.prod(np.linalg.norm(A, axis=1))):
            raise EwaldError(f"primitive vectors are linearly dependent (cell volume {volume:g})")
        B = np.linalg.inv(A).T

        def radius(M: np.ndarray) -> float:
            r = np.linalg.qr(M.T, mode="r")
            return 0.5 * float(np.sqrt(np.sum(np.diag(r) ** 2)))

        return cls(A, B, d, volume, radius(A), radius(B))


def _points(rows: np.ndarray, dual: np.ndarray, cutoff: float) -> np.ndarray:
    """The lattice points q = n·rows with 0 < |q| ≤ cutoff (n_i = q·dual_i).

    A point closer to zero than 1e-9 of the lattice's scale counts as zero and is left out.
    """
    reach = cutoff * np.linalg.norm(dual, axis=1)
    ranges = [np.arange(-math.ceil(ri), math.ceil(ri) + 1) for ri in reach]
    grids = np.meshgrid(*ranges, indexing="ij")
    n = np.stack([g.ravel() for g in grids], axis=1).astype(float)
    pts = n @ rows
    r = np.linalg.norm(pts, axis=1)
    tiny = 1e-9 * float(np.min(np.linalg.norm(rows, axis=1)))
    return pts[(r > tiny) & (r <= cutoff)]


def _regularized_q(a: float, x: np.ndarray | float) -> np.ndarray:
    """Q(a, x) = Γ(a, x)/Γ(a) for a > 0, to float64 rounding.

    scipy's ``gammaincc`` loses two digits near x = 1 at a = 1/2 (2.6e-14 against mpmath);
    integer and half-integer a, the cases met here, use the finite sums
    Q(n, x) = e^(−x) Σ_(k<n) x^k/k! and Q(n + ½, x) = erfc(√x) + Σ_(k<n) x^(k+½) e^(−x)/Γ(k + 3/2),
    whose terms are all positive.
    """
    x = np.asarray(x, dtype=float)
    if a == math.floor(a):
        terms = [x**k / math.factorial(k) for k in range(int(a))]
        return np.asarray(np.exp(-x) * np.sum(terms, axis=0))
    if 2 * a == math.floor(2 * a):
        out = special.erfc(np.sqrt(x))
        for k in range(int(a - 0.5)):
            out = out + x ** (k + 0.5) * np.exp(-x) / special.gamma(k + 1.5)
        return np.asarray(out)
    return np.asarray(special.gammaincc(a, x))


def _upper_gamma(a: float, x: np.ndarray | float) -> np.ndarray:
    """Γ(a, x) for real a (also a ≤ 0) and x > 0.

    For a ≤ 0, Γ(a, x) = (Γ(a+1, x) − x^a e^(−x)) / a steps down from a + m ∈ (0, 1] (or
    from Γ(0, x) = E₁(x) for integer a ≤ 0). The subtraction costs ~x ulps at large x,
    where the terms are below e^(−x) and do not matter.
    """
    x = np.asarray(x, dtype=float)
    if a > 0:
        return np.asarray(special.gamma(a) * _regularized_q(a, x))
    steps = math.ceil(-a) if a != math.floor(a) else int(-a)
    top = a + steps
    out = np.asarray(special.exp1(x)) if top == 0 else special.gamma(top) * _regularized_q(top, x)
    for k in range(1, steps + 1):
        b = top - k
        out = (out - x**b * np.exp(-x)) / b
    return np.asarray(out)


def _tail_bound(
    f: Callable[[float], float], start: float, rho: float, d: int, density: float
) -> float:
    """Bound on Σ_{|R|>start+2ρ} f(|R|) for positive decreasing f (see the module docstring)."""
    val, err = integrate.quad(lambda u: f(u) * (u + rho) ** (d - 1), start, np.inf, limit=200)
    return _SPHERE[d] * density * (val + err)


def _cutoff(
    bound: Callable[[float], float], rho: float, eta: float, target: float, what: str
) -> tuple[float, float]:
    """The smallest cutoff 2ρ + k η/4 whose neglected-terms bound is ≤ target, and that bound."""
    for k in range(4, _MAX_STEPS):
        start = k * eta / 4
        b = bound(start)
        if b <= target:
            return start + 2 * rho, b
    raise EwaldError(f"{what}: the {target:.3g} accuracy asked is out of reach of float64")


def _check_power(p: float, d: int, background: bool, what: str) -> None:
    if not (isinstance(p, int | float) and math.isfinite(p) and p > 0):
        raise EwaldError(f"{what}: the power p must be a finite number > 0 (got {p!r})")
    if background:
        if p >= d:
            raise EwaldError(
                f"{what}: a neutralising background applies to p < d only (got p = {p:g}, "
                f"d = {d}); " + ("the sum converges without it" if p > d else
                                 "at p = d the sum diverges logarithmically even with it")
            )  # fmt: skip
    elif p <= d:
        raise EwaldError(
            f"{what} diverges for p = {p:g} ≤ d = {d}: the terms fall like |R|^-{p:g}, not "
            f"faster than |R|^-{d}; pass background=True for the sum with a neutralising "
            "uniform background (p < d)"
        )


class _Split:
    """The pieces of the Ewald split shared by the sum and its second derivatives."""

    def __init__(self, geo: _Geometry, p: float, eta: float | None, rtol: float) -> None:
        if not (isinstance(rtol, int | float) and _MIN_RTOL <= rtol <= 1e-3):
            raise EwaldError(f"rtol must be between {_MIN_RTOL:g} and 1e-3 (got {rtol!r})")
        if eta is not None and not (math.isfinite(eta) and eta > 0):
            raise EwaldError(f"eta must be a finite length > 0 (got {eta!r})")
        self.geo, self.p, self.s = geo, p, p / 2
        self.eta = float(eta) if eta is not None else geo.volume ** (1 / geo.d)
        self.alpha = math.pi / self.eta**2
        # prefactor of the reciprocal sum: π^(p−d/2) / (V Γ(s))
        self.c_g = math.pi ** (p - geo.d / 2) / (geo.volume * special.gamma(self.s))

    def real(self, r: np.ndarray | float) -> np.ndarray:
        """r^(−p) Q(s, α r²)."""
        r = np.asarray(r, dtype=float)
        return np.asarray(r ** (-self.p) * _regularized_q(self.s, self.alpha * r * r))

    def reciprocal(self, g: np.ndarray | float) -> np.ndarray:
        """c_g |g|^(p−d) Γ((d−p)/2, π g² η²)."""
        g = np.asarray(g, dtype=float)
        d, p = self.geo.d, self.p
        return self.c_g * g ** (p - d) * _upper_gamma((d - p) / 2, math.pi * (g * self.eta) ** 2)

    def curvature(self, r: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """(A, B) with ∂_α∂_β [r^(−p) Q(s, α r²)] = A x_α x_β + B δ_αβ."""
        r = np.asarray(r, dtype=float)
        p, s, al = self.p, self.s, self.alpha
        q = _regularized_q(s, al * r * r) * r ** (-p - 2)
        e = 2 * al**s * np.exp(-al * r * r) / (special.gamma(s) * r * r)
        A = (p * (p + 2) * q + e * (p + 2 + 2 * al * r * r)) / (r * r)
        B = -p * q - e
        return np.asarray(A), np.asarray(B)

    def curvature_envelope(self, r: float) -> float:
        """A r² + |B| ≥ |∂_α∂_β f| entrywise; positive and decreasing in r."""
        A, B = self.curvature(r)
        return float(A * r * r - B)


def _settle(
    split: _Split,
    real_env: Callable[[float], float],
    recip_env: Callable[[float], float],
    target: float,
    what: str,
    recip_from: float,
) -> tuple[float, float, float, float]:
    """Real and reciprocal cutoffs with the bounds (each ≤ target/2) of what they leave out."""
    geo = split.geo
    r_c, b_r = _cutoff(
        lambda a: _tail_bound(real_env, a, geo.rho, geo.d, 1 / geo.volume),
        geo.rho, split.eta, target / 2, what,
    )  # fmt: skip
    # The reciprocal bound needs its summand decreasing from the start of the integral.
    g_eta = 1 / split.eta
    g_c, b_g = _cutoff(
        lambda a: (math.inf if a < recip_from
                   else _tail_bound(recip_env, a, geo.rho_reciprocal, geo.d, geo.volume)),
        geo.rho_reciprocal, g_eta, target / 2, what,
    )  # fmt: skip
    return r_c, b_r, g_c, b_g


def power_sum(
    primitive: object,
    p: float,
    *,
    background: bool = False,
    eta: float | None = None,
    rtol: float = 1e-13,
) -> EwaldSum:
    """S_p = Σ_{R≠0} |R|^(−p) over the Bravais lattice spanned by the rows of ``primitive``.

    Parameters
    ----------
    primitive : (d, d) array_like
        The primitive vectors a_i as rows (any length unit; d = 1, 2, 3).
    p : float
        The power, > d; or 0 < p < d with ``background``.
    background : bool
        Add a neutralising uniform background of the lattice's density (the jellium
        sum, analytic continuation in p; see the module docstring). For p = 1 and d = 3 or
        2 the Madelung energy per particle of the Wigner crystal is e² S_1 / 2.
    eta : float, optional
        The splitting length (η above); V^(1/d) when not given. The value does not depend
        on it to within the stated error.
    rtol : float
        Accuracy asked of the truncated sums, relative to V^(−p/d) (the size of the sum).

    Returns
    -------
    EwaldSum
        The value in (length)^(−p), with the bound on its error.

    Raises
    ------
    EwaldError
        For p ≤ d without background (the sum diverges), p ≥ d with it, or bad input.
    """
    what = "Σ_{R≠0} |R|^-p"
    geo = _Geometry.of(primitive)
    _check_power(p, geo.d, background, what)
    split = _Split(geo, float(p), eta, rtol)
    d, s, et = geo.d, split.s, split.eta
    target = rtol * geo.volume ** (-p / d)
    r_c, b_r, g_c, b_g = _settle(
        split, lambda u: float(split.real(u)), lambda u: float(split.reciprocal(u)), target,
        what, 0.0,
    )  # fmt: skip
    R = np.linalg.norm(_points(geo.A, geo.B, r_c), axis=1)
    G = np.linalg.norm(_points(geo.B, geo.A, g_c), axis=1)
    real_terms, recip_terms = split.real(R), split.reciprocal(G)
    g0 = 2 * math.pi**s * et ** (d - p) / ((p - d) * geo.volume * special.gamma(s))
    self_term = -(math.pi**s) / (et**p * special.gamma(s + 1))
    value = float(np.sum(real_terms) + np.sum(recip_terms) + g0 + self_term)
    magnitude = float(np.sum(np.abs(real_terms)) + np.sum(np.abs(recip_terms)))
    rounding = 16 * _EPS * (magnitude + abs(g0) + abs(self_term))
    note = (
        f"Σ_(R≠0) |R|^-{p:g} with a neutralising uniform background (jellium; zero-mean "
        "potential)" if background else f"Σ_(R≠0) |R|^-{p:g}, absolutely convergent"
    )  # fmt: skip
    return EwaldSum(value, float(b_r + b_g + rounding), et, r_c, g_c, R.size + G.size, note)


def _curvature_setup(
    primitive: object, p: float, background: bool, eta: float | None, rtol: float, what: str
) -> tuple[_Geometry, _Split, float, float, float, float]:
    """Checks and cutoffs shared by :func:`hessian_sum` and :func:`dynamical_sum`."""
    geo = _Geometry.of(primitive)
    d = geo.d
    if not (isinstance(p, int | float) and math.isfinite(p) and p > 0):
        raise EwaldError(f"{what}: the power p must be a finite number > 0 (got {p!r})")
    if p <= d - 2 and not background:
        raise EwaldError(
            f"{what} does not converge absolutely for p = {p:g} ≤ d − 2 = {d - 2}: pass "
            "background=True for the sum with a neutralising uniform background"
        )
    if background and p >= d:
        raise EwaldError(f"{what}: a neutralising background applies to p < d only (got p = {p:g})")
    split = _Split(geo, float(p), eta, rtol)
    target = rtol * geo.volume ** (-(p + 2) / d)

    def recip_env(g: float) -> float:
        return float(4 * math.pi**2 * g * g * split.reciprocal(g))

    # 4π² g² h(g) decreases once π g² η² ≥ 1 (see the module docstring's error paragraph).
    recip_from = 1 / (split.eta * math.sqrt(math.pi))
    r_c, b_r, g_c, b_g = _settle(split, split.curvature_envelope, recip_env, target, what,
                                 recip_from)  # fmt: skip
    return geo, split, r_c, b_r, g_c, b_g


def _recip_curvature(split: _Split, q: np.ndarray) -> tuple[np.ndarray, float]:
    """−4π² Σ_q c_g h(|q|) q_α q_β over the points q, and Σ |terms| (for the rounding)."""
    h = split.reciprocal(np.linalg.norm(q, axis=1))
    terms = 4 * math.pi**2 * h
    return -np.einsum("n,na,nb->ab", terms, q, q), float(np.sum(np.abs(terms) * np.sum(q * q, 1)))


def hessian_sum(
    primitive: object,
    p: float,
    *,
    background: bool = False,
    eta: float | None = None,
    rtol: float = 1e-13,
) -> EwaldTensor:
    """T_αβ = Σ_{R≠0} ∂_α∂_β |R|^(−p): the on-site (k → ∞) part of the dynamical matrix.

    The force constants of a crystal with pair interaction C r^(−p) give the dynamical
    matrix D_αβ(k) = (C/m) Σ'_R ∂_α∂_β |R|^(−p) (1 − cos k·R) (:func:`dynamical_sum`);
    this is its k-independent part.

    Parameters
    ----------
    primitive, eta, rtol
        As for :func:`power_sum` (rtol relative to V^(−(p+2)/d)).
    p : float
        The power: > d − 2 (absolutely convergent; ``background`` changes nothing), or
        0 < p ≤ d − 2 with ``background`` (Coulomb in 3D: the curvature of the potential of
        the other sites plus the background; (4πn/3) δ_αβ on a cubic lattice).

    Returns
    -------
    EwaldTensor
        The d×d tensor in (length)^(−p−2), with one bound for the error of every entry.
    """
    what = "Σ_{R≠0} ∂_α∂_β |R|^-p"
    geo, split, r_c, b_r, g_c, b_g = _curvature_setup(primitive, p, background, eta, rtol, what)
    d, s, al = geo.d, split.s, split.alpha
    X = _points(geo.A, geo.B, r_c)
    Gv = _points(geo.B, geo.A, g_c)
    A, B = split.curvature(np.linalg.norm(X, axis=1))
    real = np.einsum("n,na,nb->ab", A, X, X) + np.sum(B) * np.eye(d)
    recip, recip_abs = _recip_curvature(split, Gv)
    const = 2 * al ** (s + 1) / ((s + 1) * special.gamma(s))
    value = real + recip + const * np.eye(d)
    magnitude = float(np.sum(A * np.sum(X * X, axis=1) + np.abs(B))) + recip_abs + const
    error = b_r + b_g + 32 * _EPS * magnitude
    note = (
        f"Σ_(R≠0) ∂α∂β |R|^-{p:g} plus the curvature of a neutralising uniform background"
        if p <= d - 2 else f"Σ_(R≠0) ∂α∂β |R|^-{p:g}, absolutely convergent"
    )  # fmt: skip
    return EwaldTensor(value, float(error), split.eta, r_c, g_c, X.shape[0] + Gv.shape[0], note)


def dynamical_sum(
    primitive: object,
    p: float,
    k: object,
    *,
    background: bool = False,
    eta: float | None = None,
    rtol: float = 1e-13,
) -> EwaldTensor:
    """D_αβ(k) = Σ_{R≠0} ∂_α∂_β |R|^(−p) (1 − cos k·R), the lattice part of the dynamical matrix.

    The Bloch sum Σ_R e^(ik·R) |R + x|^(−p) splits like the plain one, with the reciprocal
    sum over the shifted points q = g − k/2π (Poisson summation of f(r) e^(ik·r));
    differentiating twice at x = 0 and subtracting from :func:`hessian_sum`,

    D(k) = Σ'_R 2 sin²(k·R/2) ∂∂[R^(−p) Q(s, αR²)]
           − 4π² c_g [Σ'_g h(g) g g − Σ_(q≠0) h(q) q q],  c_g h(g) the reciprocal summand.

    A q = 0 term (k a reciprocal lattice vector, where D = 0) is left out; its limit is zero
    for p > d − 2. For Coulomb in 3D (p = 1 with ``background``) the small-k limit is
    non-analytic, D → 4πn k̂k̂ (the plasma mode), and tr D(k) = 4πn (Kohn's sum rule).

    Parameters
    ----------
    k : (d,) array_like
        The wave vector, in radians per length unit of ``primitive`` (phase k·R).
    primitive, p, background, eta, rtol
        As for :func:`hessian_sum`.

    Returns
    -------
    EwaldTensor
        D(k) in (length)^(−p−2); the error bounds each entry.
    """
    what = "Σ_{R≠0} ∂_α∂_β |R|^-p (1 − cos k·R)"
    d = _Geometry.of(primitive).d
    kv = np.array(k, dtype=float).ravel()
    if kv.shape != (d,) or not np.all(np.isfinite(kv)):
        raise EwaldError(f"{what}: k must be {d} finite numbers (got {k!r})")
    one = dynamical_sums(primitive, p, kv[None, :], background=background, eta=eta, rtol=rtol)
    return EwaldTensor(
        one.value[0], one.error, one.eta, one.real_cutoff, one.reciprocal_cutoff, one.terms,
        one.note,
    )  # fmt: skip


def jellium_madelung(primitive: object, *, rtol: float = 1e-13) -> EwaldSum:
    """The Madelung energy per particle of a Wigner crystal in jellium, in units of e²/r_s.

    E/N = (e²/2) S_1 (with background, :func:`power_sum`) and r_s the Wigner–Seitz radius,
    V = (4π/3) r_s³ in 3D, π r_s² in 2D. Published: bcc −0.895929255682, triangular
    −1.106103 (tests/test_ewald.py states the sources).
    """
    geo = _Geometry.of(primitive)
    if geo.d == 1:
        raise EwaldError("jellium Madelung energy: p = 1 = d in a chain diverges (log)")
    res = power_sum(primitive, 1.0, background=True, rtol=rtol)
    r_s = (geo.volume / _BALL[geo.d]) ** (1 / geo.d)
    return EwaldSum(
        0.5 * r_s * res.value, 0.5 * r_s * res.error, res.eta, res.real_cutoff,
        res.reciprocal_cutoff, res.terms, "Madelung energy per particle in jellium, e²/r_s",
    )  # fmt: skip


def _long_range_factor(split: _Split, q: np.ndarray) -> np.ndarray:
    """c_g |q|^(−2a) γ(a, x) = c_g (πη²)^a x^(−a) γ(a, x), a = (d − p)/2, x = π q² η²: the
    full g = 0 reciprocal summand c_g Γ(a) |q|^(−2a) less its Ewald part c_g |q|^(−2a)
    Γ(a, x), written without the cancellation. x^(−a) γ(a, x) = Σ_n (−x)^n / (n! (a + n))
    (DLMF 8.7.1; also the continuation to −1 < a < 0, p between d and d + 2) for x ≤ 2,
    where the alternating terms lose at most a digit; beyond, Γ(a) P(a, x) x^(−a) for a > 0.
    """
    a = (split.geo.d - split.p) / 2
    x = math.pi * (np.asarray(q, dtype=float) * split.eta) ** 2
    near = x <= 2.0
    if a < 0 and not np.all(near):
        raise EwaldError(
            f"analytic part of D(k) for p = {split.p:g} > d: only for |k| η ≤ √(8π) (the long "
            "waves it is meant for)"
        )
    xs = np.where(near, x, 0.0)
    series = np.zeros_like(x)
    term = np.ones_like(x)
    for n in range(40):  # x ≤ 2: the 40th term is below 2^40/40! ≈ 1e-36
        series = series + term / (a + n)
        term = term * (-xs) / (n + 1)
    if a > 0:
        xf = np.where(near, 1.0, x)
        far = special.gamma(a) * special.gammainc(a, xf) / xf**a
        series = np.where(near, series, far)
    return np.asarray(split.c_g * (math.pi * split.eta**2) ** a * series)


def has_long_range_term(p: float, d: int) -> bool:
    """Whether r^(−p) in d dimensions has the non-analytic long-range term |k|^(p−d) k k in
    D(k) (:func:`long_range_term`) that a long-wave limit D/k² must leave out: 0 < p < d + 2,
    p ≠ d (beyond d + 2 it is O(k⁴) and does not disturb D/k²; at p = d it is k² ln k)."""
    return 0 < p < d + 2 and p != d


def _check_long_range(p: object, d: int, what: str) -> None:
    if not (isinstance(p, int | float) and has_long_range_term(p, d)):
        raise EwaldError(
            f"{what}: for 0 < p < d + 2, p ≠ d only (got p = {p!r}, d = {d}): there r^(−p) "
            "has the long-range term |k|^(p−d) k k; at p = d it is logarithmic"
        )


def long_range_term(primitive: object, p: float, ks: object) -> np.ndarray:
    """N(k) = n φ̃(|k|) k k, the non-analytic long-wave part of D(k) (shape (n, d, d)).

    φ̃(k) = π^(d/2) 2^(d−p) Γ((d−p)/2)/Γ(p/2) k^(p−d) is the Fourier transform of r^(−p)
    and n = 1/V: for Coulomb in 3D N = 4πn k̂k̂ (the plasma frequency ω_p² = 4πnC/m), in
    2D N = 2πn |k| k̂k̂ (the 2D plasmon). For d < p < d + 2 the same term (Γ((d−p)/2) < 0)
    is smaller than k² but not analytic: dipoles in a plane, −2πn |k|³ k̂k̂. :func:`dynamical_sums`
    with ``analytic=True`` is D − N, analytic at k = 0.
    """
    geo = _Geometry.of(primitive)
    d = geo.d
    _check_long_range(p, d, "long-range term")
    kv = np.array(ks, dtype=float, ndmin=2)
    if kv.ndim != 2 or kv.shape[1] != d or not np.all(np.isfinite(kv)):
        raise EwaldError(f"long-range term: ks must be an (n, {d}) array of finite numbers")
    knorm = np.linalg.norm(kv, axis=1)
    coef = (
        math.pi ** (d / 2)
        * 2 ** (d - p)
        * special.gamma((d - p) / 2)
        / special.gamma(p / 2)
        / geo.volume
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(knorm > 0, coef * np.where(knorm > 0, knorm, 1.0) ** (p - d), 0.0)
    return np.asarray(f[:, None, None] * np.einsum("na,nb->nab", kv, kv))


def dynamical_sums(
    primitive: object,
    p: float,
    ks: object,
    *,
    background: bool = False,
    eta: float | None = None,
    rtol: float = 1e-13,
    analytic: bool = False,
) -> EwaldTensor:
    """:func:`dynamical_sum` at many wave vectors at once: ``value`` has shape (n, d, d).

    The cutoffs are settled once for all k. The shifted reciprocal points q = g − k/2π are
    taken from one set of g with |g| ≤ g_c + max|k|/2π (g = 0 included) and kept where
    0 < |q| ≤ g_c. ``error`` bounds every entry at every k.

    Parameters
    ----------
    ks : (n, d) array_like
        The wave vectors, one per row (radians per length unit of ``primitive``).
    primitive, p, background, eta, rtol
        As for :func:`dynamical_sum`.
    analytic : bool
        For 0 < p < d + 2, p ≠ d: return D(k) − N(k), N(k) = n φ̃(|k|) k k the long-range term
        (:func:`long_range_term`, the g = 0 term of the reciprocal sum taken whole). What is
        left is analytic at k = 0 (the g = 0 term's Ewald part less N is
        −4π² c_g (πη²)^a x^(−a) γ(a, x) q q, a = (d − p)/2, x = π q² η²: an entire function
        of q² times q q), so its k → 0 limit D/k² is a quadratic form in k̂ and its next
        term is O(k⁴), where D itself has |k|^(p−d+2).
    """
    what = "Σ_{R≠0} ∂_α∂_β |R|^-p (1 − cos k·R)"
    geo, split, r_c, b_r, g_c, b_g = _curvature_setup(primitive, p, background, eta, rtol, what)
    d = geo.d
    if analytic:
        _check_long_range(p, d, f"{what} with analytic=True")
    kv = np.array(ks, dtype=float)
    if kv.ndim != 2 or kv.shape[1] != d or not np.all(np.isfinite(kv)):
        raise EwaldError(f"{what}: ks must be an (n, {d}) array of finite numbers")
    X = _points(geo.A, geo.B, r_c)
    A, B = split.curvature(np.linalg.norm(X, axis=1))
    XX = np.einsum("na,nb->nab", X, X)
    plain, plain_abs = _recip_curvature(split, _points(geo.B, geo.A, g_c))
    reach = float(np.max(np.linalg.norm(kv, axis=1), initial=0.0)) / (2 * math.pi)
    G = np.vstack([np.zeros((1, d)), _points(geo.B, geo.A, g_c + reach)])
    tiny = 1e-9 * float(np.min(np.linalg.norm(geo.B, axis=1)))
    value = np.empty((kv.shape[0], d, d))
    magnitude = 0.0
    envelope = A * np.sum(X * X, axis=1) + np.abs(B)
    for start in range(0, kv.shape[0], 128):
        k = kv[start : start + 128]
        w = 2 * np.sin(k @ X.T / 2) ** 2  # (c, n)
        real = np.einsum("cn,nab->cab", w * A, XX) + (w @ B)[:, None, None] * np.eye(d)
        q = G[None, :, :] - k[:, None, :] / (2 * math.pi)  # (c, m, d)
        r = np.linalg.norm(q, axis=2)
        keep = (r > tiny) & (r <= g_c)
        terms = np.where(keep, 4 * math.pi**2 * split.reciprocal(np.where(keep, r, 1.0)), 0.0)
        if analytic:
            # the g = 0 term whole is N(k); its Ewald part less N is −c_g |q|^(−2a) γ(a, x)
            lr = _long_range_factor(split, r[:, 0])
            terms[:, 0] = np.where(keep[:, 0], -4 * math.pi**2 * lr, 0.0)
        shifted = -np.einsum("cm,cma,cmb->cab", terms, q, q)
        value[start : start + 128] = real + plain - shifted
        size = w @ envelope + plain_abs + np.sum(np.abs(terms) * r * r, axis=1)
        magnitude = max(magnitude, float(np.max(size, initial=0.0)))
    error = 2 * b_r + 2 * b_g + 32 * _EPS * magnitude
    note = f"Σ_(R≠0) ∂α∂β |R|^-{p:g} (1 − cos k·R)" + (
        " with a neutralising uniform background" if p <= d - 2 else ""
    )
    return EwaldTensor(value, float(error), split.eta, r_c, g_c, X.shape[0] + G.shape[0], note)
