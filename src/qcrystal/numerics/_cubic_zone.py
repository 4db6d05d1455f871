"""r₀² of (42) over the whole simple (hyper)cubic Brillouin zone, for the paper's spectrum (43).

The paper integrates (42) over the Debye sphere with ω = c₀k. Over the true zone
|k_α a| ≤ π, with (43) itself, ω_k = Ω₀ √s, s = Σ_α sin²(k_α a/2), Ω₀² = 4νD/m, and
T_D = c₀ k_D with c₀ = aΩ₀/2 (the derived (46), (49)), so Ω₀ = 2 T_D/κ with κ = k_D a:

    r₀²/a² = (d κ E_K / (2 T_D)) · F_d(β),   F_d(β) = ⟨coth(β√s)/√s⟩,   β = T_D/(κ T),

⟨·⟩ the average over the zone (the Debye sphere gives d²(E_K/T_D) I_d(T_D/2T) instead).
F_d is computed from the heat kernel of s, K_d(t) = ⟨e^(−ts)⟩ = (e^(−t/2) I₀(t/2))^d
(each direction averages to a Bessel function), and the Jacobi theta form of coth:

    coth(βw)/w = Σ_(n∈ℤ) β/(β²w² + n²π²)  ⇒  F_d(β) = ∫₀^∞ K_d(t) θ(β²/t)/√(πt) dt,

θ(x) = Σ_(m∈ℤ) e^(−m²x) (where x < 1, by θ(x) = √(π/x) θ(π²/x)). Its m = 0 term is
F_d(∞) = ⟨s^(−1/2)⟩, the T = 0 value; the rest, C(β) = F_d(β) − F_d(∞), vanishes like
1/(3β²) as T → 0 and grows like ⟨1/s⟩/β as T → ∞. Only d = 3 is finite at T > 0 (in 2D
⟨1/s⟩ diverges logarithmically, as the Debye I₂ does), and d = 1 not even at T = 0.

For arrays of β, C is a piecewise Chebyshev series of ln(β² C) in ln β on [1e-3, 1e4],
fitted once per process from the quadrature (~0.5 s), with the exact series outside:
small β, coth's Laurent series with the zone moments ⟨s^k⟩; large β, the first two terms
of the small-s density of states, 1/(3β²) + π²/(60β⁴) (the next is below 1e-16 there).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
from scipy.special import i0e

__all__ = [
    "BETA_RANGE",
    "gapped_thermal_part",
    "gapped_zero_temperature",
    "heat_kernel",
    "inverse_average",
    "inverse_sqrt_average",
    "kappa",
    "solve",
    "thermal_part",
    "thermal_part_quadrature",
]

BETA_RANGE = (1e-3, 1e4)  # the fitted range of β; the series take over outside
_PIECES = 12
_DEGREE = 34
# Gauss–Legendre nodes per subinterval of the quadratures (40: the panels below are short
# enough that a panel's rule is exact to rounding for these smooth integrands).
_GL = np.polynomial.legendre.leggauss(40)


def kappa(d: int) -> float:
    """k_D a for the simple (hyper)cubic lattice: the d-ball of the zone's volume (2π/a)^d."""
    return 2.0 * math.sqrt(math.pi) * math.gamma(d / 2 + 1) ** (1.0 / d)


def heat_kernel(t: np.ndarray, d: int) -> np.ndarray:
    """⟨e^(−t s)⟩ over the zone: (e^(−t/2) I₀(t/2))^d."""
    return i0e(0.5 * t) ** d


def _panels(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of Gauss–Legendre on each interval between ``edges``."""
    x, w = _GL
    a, b = edges[:-1, None], edges[1:, None]
    return ((a + b) / 2 + (b - a) / 2 * x).ravel(), ((b - a) / 2 * w).ravel()


def _theta_minus_one(x: np.ndarray) -> np.ndarray:
    """θ(x) − 1 = 2 Σ_(m≥1) e^(−m²x) for x ≥ 1 (m ≤ 7 leaves < e^(−64))."""
    m2 = np.arange(1, 8) ** 2
    return 2.0 * np.exp(-np.multiply.outer(x, m2)).sum(axis=-1)


@functools.cache
def inverse_sqrt_average(d: int) -> float:
    """⟨s^(−1/2)⟩ = ∫₀^∞ K_d(t)/√(πt) dt (t = u²; the tail t = 1/v² for t > 1), d = 2, 3."""
    if d not in (2, 3):
        raise ValueError(f"⟨s^(−1/2)⟩ is finite for d = 2, 3 only (got d = {d!r})")
    u, wu = _panels(np.concatenate([[0.0], np.geomspace(1e-3, 1.0, 12)]))
    v, wv = _panels(np.concatenate([[0.0], np.geomspace(1e-3, 1.0, 12)]))
    near = np.sum(wu * 2.0 / math.sqrt(math.pi) * heat_kernel(u * u, d))
    far = np.sum(wv * 2.0 / math.sqrt(math.pi) * heat_kernel(1.0 / (v * v), d) / (v * v))
    return float(near + far)


@functools.cache
def inverse_average(d: int = 3) -> float:
    """⟨1/s⟩ = ∫₀^∞ K_d(t) dt (the tail t = 1/v²), d = 3; 2 W with W Watson's integral."""
    if d != 3:
        raise ValueError(f"⟨1/s⟩ is finite for d = 3 only (got d = {d!r})")
    t, wt = _panels(np.concatenate([[0.0], np.geomspace(1e-3, 1.0, 12)]))
    v, wv = _panels(np.concatenate([[0.0], np.geomspace(1e-3, 1.0, 12)]))
    return float(np.sum(wt * heat_kernel(t, d)) + np.sum(wv * 2 * heat_kernel(1 / v**2, d) / v**3))


def thermal_part_quadrature(beta: float, d: int = 3, gap: float = 0.0) -> float:
    """C(β) = F_d(β) − F_d(∞) for one β by the theta quadrature (~1 ms; the fit's nodes).

    t ≤ β²: ∫ K(t) (θ(β²/t) − 1)/√(πt) dt with t = u²; t ≥ β²: the same integrand is
    θ(π²t/β²)/β − 1/√(πt) (Jacobi), with t = β²/w², and neither part cancels.
    """
    b2 = beta * beta
    u_edges = np.unique(np.concatenate([[0.0], beta * np.geomspace(0.02, 1.0, 14)]))
    u, wu = _panels(u_edges)
    near = np.sum(
        wu
        * 2.0
        / math.sqrt(math.pi)
        * heat_kernel(u * u, d)
        * np.exp(-gap * u * u)
        * _theta_minus_one(b2 / (u * u))
    )
    # K changes near t ~ 1, i.e. w ~ β; θ near w ~ 1: panels geometric over both
    start = min(1e-3, 1e-3 * beta)
    w_edges = np.concatenate(
        [[0.0], np.geomspace(start, 1.0, 25 + int(4 * math.log10(1e-3 / start)))]
    )
    w, ww = _panels(w_edges)
    t = b2 / (w * w)
    theta = 1.0 + _theta_minus_one(np.pi**2 / (w * w))
    integrand = (
        heat_kernel(t, d) * np.exp(-gap * t) * (theta / beta - w / (math.sqrt(math.pi) * beta))
    )
    far = np.sum(ww * integrand * 2.0 * b2 / w**3)
    return float(near + far)


def _moment(k: int, d: int) -> Fraction:
    """⟨s^k⟩ over the zone, exactly: s = Σ x_α, ⟨x^j⟩ = C(2j, j)/4^j for x = sin²(q/2)."""
    single = [Fraction(math.comb(2 * j, j), 4**j) for j in range(k + 1)]
    # the distribution of a sum of d independent directions, by repeated convolution
    total = [Fraction(1)] + [Fraction(0)] * k  # moments of the empty sum
    for _ in range(d):
        total = [
            sum((math.comb(n, j) * single[j] * total[n - j] for j in range(n + 1)), Fraction(0))
            for n in range(k + 1)
        ]
    return total[k]


@functools.cache
def _small_beta_series(d: int = 3) -> tuple[float, ...]:
    """Coefficients c_n of C(β) = ⟨1/s⟩/β − F(∞) + Σ_(n≥1) c_n β^(2n−1) (β√3 < π):
    coth x = Σ 2^(2n) B_(2n) x^(2n−1)/(2n)!, averaged with ⟨s^(n−1)⟩."""
    return tuple(
        float(Fraction(2 ** (2 * n), math.factorial(2 * n)) * _bernoulli(2 * n) * _moment(n - 1, d))
        for n in range(1, 6)
    )


def _bernoulli(n: int) -> Fraction:
    """The Bernoulli number B_n (B₁ = +1/2 convention; only even n are used), exactly, by
    the Akiyama–Tanigawa algorithm."""
    a = [Fraction(0)] * (n + 1)
    for m in range(n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
    return a[0]


@functools.cache
def _table(d: int = 3) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Chebyshev coefficients of ln(β² C) in x = ln β, piece by piece, and of its slope in
    x: one contiguous row per coefficient index (so each Clenshaw step gathers one value
    a point), and the start and width of the pieces."""
    lo, hi = (math.log(b) for b in BETA_RANGE)
    width = (hi - lo) / _PIECES
    nodes = np.cos(np.pi * (np.arange(_DEGREE) + 0.5) / _DEGREE)  # Chebyshev points
    coeffs = np.empty((_PIECES, _DEGREE))
    slopes = np.zeros((_PIECES, _DEGREE))
    for p in range(_PIECES):
        x = lo + width * (p + (nodes + 1) / 2)
        y = [2 * xi + math.log(thermal_part_quadrature(math.exp(xi), d)) for xi in x]
        coeffs[p] = np.polynomial.chebyshev.chebfit(nodes, y, _DEGREE - 1)
        slopes[p, :-1] = np.polynomial.chebyshev.chebder(coeffs[p]) * (2.0 / width)
    return np.ascontiguousarray(coeffs.T), np.ascontiguousarray(slopes.T), lo, width


def thermal_part(beta: np.ndarray, d: int = 3) -> np.ndarray:
    """C(β) = F_d(β) − F_d(∞), vectorized (β > 0; β = inf gives 0)."""
    beta = np.asarray(beta, dtype=np.float64)
    out = np.empty(beta.shape)
    small = beta < BETA_RANGE[0]
    large = beta > BETA_RANGE[1]
    mid = ~(small | large)
    if np.all(mid):  # the usual block: no gathering
        return np.exp(_log_scaled(np.log(beta), d)) / (beta * beta)
    if np.any(mid):
        b = beta[mid]
        out[mid] = np.exp(_log_scaled(np.log(b), d)) / (b * b)
    if np.any(small):
        b = beta[small]
        series = _small_beta_series(d)
        b2 = b * b
        acc = np.full_like(b, series[-1])
        for c in series[-2::-1]:
            acc = acc * b2 + c
        out[small] = inverse_average(d) / b - inverse_sqrt_average(d) + b * acc
    if np.any(large):
        b2 = beta[large] ** 2
        with np.errstate(over="ignore", under="ignore"):
            out[large] = (1.0 / 3.0 + (math.pi**2 / 60.0) / b2) / b2
    return out


def _log_scaled(x: np.ndarray, d: int, derivative: bool = False) -> np.ndarray:
    """ln(β² C) (or its derivative in x) at x = ln β in the fitted range."""
    coeffs, slopes, lo, width = _table(d)
    rows = slopes if derivative else coeffs
    piece = np.clip(((x - lo) / width).astype(np.int64), 0, _PIECES - 1)
    t = (x - lo - width * piece) * (2.0 / width) - 1.0
    two_t = 2.0 * t
    # Clenshaw, each point on its own piece's coefficients (one gather a step)
    b1 = np.zeros_like(t)
    b2 = np.zeros_like(t)
    for k in range(rows.shape[0] - 1, 0, -1):
        b1, b2 = two_t * b1 - b2 + rows[k][piece], b1
    return t * b1 - b2 + rows[0][piece]


def solve(target: np.ndarray, d: int = 3) -> np.ndarray:
    """β with C(β) = target (> 0), vectorized: Newton in ln β on ln C, whose slope lies
    between −2 (T → 0) and −1 (T → ∞), from the larger of the two asymptotic roots
    (within ~0.6 of the root in ln β); eight steps leave rounding."""
    target = np.asarray(target, dtype=np.float64)
    goal = np.log(target)
    x = np.maximum(np.log(inverse_average(d)) - goal, -0.5 * (np.log(3.0) + goal))
    for _ in range(_NEWTON_STEPS):
        beta = np.exp(x)
        x = x - (np.log(thermal_part(beta, d)) - goal) / _log_slope(x, beta, d)
    return np.exp(x)


_NEWTON_STEPS = 8


def _log_slope(x: np.ndarray, beta: np.ndarray, d: int) -> np.ndarray:
    """d ln C / d ln β."""
    slope = np.empty(x.shape)
    mid = (beta >= BETA_RANGE[0]) & (beta <= BETA_RANGE[1])
    if np.any(mid):
        slope[mid] = _log_scaled(x[mid], d, derivative=True) - 2.0
    # outside the fit: the slopes of the series (accurate enough for Newton's step)
    small = beta < BETA_RANGE[0]
    if np.any(small):
        b = beta[small]
        c = thermal_part(b, d)
        slope[small] = (-inverse_average(d) / b + b / 3.0) / c
    large = beta > BETA_RANGE[1]
    if np.any(large):
        b2 = beta[large] ** 2
        slope[large] = -2.0 - (2 * math.pi**2 / 60.0 / b2) / (1.0 / 3.0 + math.pi**2 / 60.0 / b2)
    return slope


def gapped_zero_temperature(gap: float, d: int) -> float:
    """⟨(s + g)^(−1/2)⟩ = ∫₀^∞ e^(−gt) K_d(t)/√(πt) dt: the T = 0 average with an on-site
    gap g > 0 under the spectrum (finite in every d, where without it d = 1 diverges)."""
    if not gap > 0:
        raise ValueError(f"the gap must be > 0 (got {gap!r}); without one use zone='exact'")
    low = min(1e-3, 1e-2 * math.sqrt(gap))  # e^(−gt) sets in at t ~ 1/g, i.e. v ~ √g
    u, wu = _panels(np.concatenate([[0.0], np.geomspace(1e-3, 1.0, 12)]))
    v, wv = _panels(
        np.concatenate([[0.0], np.geomspace(low, 1.0, 12 + int(4 * math.log10(1e-3 / low)))])
    )
    t_far = 1.0 / (v * v)
    near = np.sum(wu * 2.0 / math.sqrt(math.pi) * heat_kernel(u * u, d) * np.exp(-gap * u * u))
    far = np.sum(
        wv * 2.0 / math.sqrt(math.pi) * heat_kernel(t_far, d) * np.exp(-gap * t_far) * t_far
    )
    return float(near + far)


def gapped_thermal_part(beta: float, gap: float, d: int) -> float:
    """C(β; g) = ⟨coth(β√(s+g))/√(s+g)⟩ − ⟨(s+g)^(−1/2)⟩ by the theta quadrature of
    :func:`thermal_part_quadrature` with e^(−gt) on the heat kernel (one β, ~1 ms)."""
    if not gap > 0:
        raise ValueError(f"the gap must be > 0 (got {gap!r})")
    return thermal_part_quadrature(beta, d, gap)
