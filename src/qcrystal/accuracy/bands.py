"""Exact Bloch bands, hopping and Wannier functions of the 1D lattice U sin²(k₀x), eq. (2).

Energies are in units of the recoil energy E_R = k₀²/2m, lengths in units of 1/k₀, so the
depth s = U/E_R is the only parameter and the lattice spacing is a = π (λ/2). Quasimomentum
q is in units of k₀; the first Brillouin zone is −1 ≤ q < 1. The separable lattice (2) in
d = 1–3 is a sum of such 1D problems, one per direction.

In the plane-wave basis e^{i(q + 2j)x}, |j| ≤ N, the Hamiltonian −∂² + s sin²x is the real
symmetric tridiagonal matrix with diagonal (q + 2j)² + s/2 and off-diagonal −s/4. Its
eigenvalues converge faster than exponentially in N (the eigenvector components fall like
(s/16)^j/(j!)²), and :func:`plane_waves` picks N so that the first neglected component is
below 1e-17; the tests check the convergence and cross-check with Mathieu characteristic
values.

Two solvers share that matrix. The lowest band, all :func:`exact_hopping` needs, comes
from a vectorised Newton iteration on det(H − E) over every (depth, quasimomentum) at
once, started below the band from the Mathieu characteristic value a₀(s/4) (the band
bottom, a lower bound checked by a Sturm count); the rest comes from LAPACK's ``eigh``,
with eigenvectors only where a Wannier function needs them. Both use E(q) = E(−q) = E(q + 2)
and solve only at distinct |q| in [0, 1], and LAPACK runs on one BLAS thread: these
matrices are at most 181 × 181, and threads only slow such solves (tenfold on a loaded
2-core machine).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg, special
from threadpoolctl import threadpool_limits

__all__ = [
    "MAX_DEPTH",
    "band_energies",
    "exact_hopping",
    "hopping_resolution",
    "plane_waves",
    "wannier_function",
    "wannier_overlap",
    "zone",
]

_Q_POINTS = 128  # Brillouin-zone samples for the Fourier coefficients of a band
MAX_DEPTH = 1e4  # the deepest lattice s = U/E_R the solvers take


def _check_depth(s: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(s, dtype=np.float64)
    bad = ~((arr >= 0) & (arr <= MAX_DEPTH))
    if np.any(bad):
        raise ValueError(
            f"lattice depth s = U/E_R must be in [0, {MAX_DEPTH:g}] "
            f"(got {float(np.ravel(arr[bad])[0])!r})"
        )
    return arr


def plane_waves(s: float, bands: int = 2) -> int:
    """Plane waves N on each side (2N + 1 in all) that converge ``bands`` bands at depth s.

    The eigenvector component j of band n falls roughly like (s/16)^(j−n)/(j!)² beyond the
    band's own momentum: N is the first j where that bound drops below 1e-17, plus the band
    index, plus a margin of 4 (the convergence test measures what the margin buys).
    """
    s = float(_check_depth(s))
    j, term = 1, 1.0
    while term > 1e-17 and j < 400:
        term *= (s / 16.0) / (j * j)
        j += 1
    return j + bands + 4


def _tridiagonal(
    s: float | NDArray[np.float64], q: float | NDArray[np.float64], j: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float | NDArray[np.float64]]:
    """Diagonal (q + 2j)² + s/2 and off-diagonal −s/4 of the plane-wave Hamiltonian."""
    return (q + 2.0 * j) ** 2 + s / 2.0, -s / 4.0


def _fold(q: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Distinct |q| in [0, 1] (E(q) = E(−q) = E(q + 2)) and where each q came from."""
    folded = np.abs(np.mod(q + 1.0, 2.0) - 1.0)
    return np.unique(folded, return_inverse=True)


def _eigenvalues(
    s: float, q: NDArray[np.float64], bands: int, n_pw: int | None = None
) -> NDArray[np.float64]:
    """The lowest ``bands`` band energies at each q, shape (q.size, bands): no eigenvectors."""
    distinct, where = _fold(q)
    n_pw = plane_waves(s, bands) if n_pw is None else n_pw
    j = np.arange(-n_pw, n_pw + 1, dtype=np.float64)
    energies = np.empty((distinct.size, bands))
    with threadpool_limits(1, user_api="blas"):
        for i, value in enumerate(distinct):
            diagonal, off = _tridiagonal(s, value, j)
            # MRRR (stemr): within 1e-15 of 50-digit eigenvalues where LAPACK's dense
            # eigvalsh (QR) was off by 1e-12 (measured at s = 1–1e4)
            energies[i] = linalg.eigvalsh_tridiagonal(
                diagonal,
                np.full(j.size - 1, off),
                select="i",
                select_range=(0, bands - 1),
                lapack_driver="stemr",
            )
    return energies[where.reshape(-1)]


_NEWTON_CHUNK = 8192  # (depth, q) pairs at a time: the fastest block on this machine (cache)
_NEWTON_STEPS = 60
_EPS = float(np.finfo(np.float64).eps)


def _lowest_band(s: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    """E₀(q) of the lowest band for every depth in s (1D) and every q in [0, 1]: (s.size, q.size).

    The pivots d_k of the LDLᵀ factorisation of H − E obey d_k = a_k − E − b²/d_{k−1}, and
    (log det)′ = Σ d_k′/d_k follows from the same recurrence, so one pass over the rows
    gives the Newton step for det(H − E) = 0 at every pair at once. Started below the
    lowest eigenvalue, Newton on a polynomial with real roots rises monotonically to it;
    the start is the band bottom a₀(s/4) + s/2 from scipy's Mathieu function less a margin,
    and the pivots at the start prove it is below (all positive, by Sylvester's law of
    inertia), else the block restarts from 0, a Gershgorin bound. A pair has settled after
    a relative step below 1e-10 that is also below 1e-3 of the step before it (so the
    convergence is quadratic and the error left ~ step² ≲ 1e-20), or after a step at
    rounding level; a block that has not settled in 60 steps is solved by LAPACK instead.
    Each pair's error is that of a backward-stable recurrence: a few ulp of the entries
    that carry the eigenvector, ~ulp(s).
    """
    out = np.empty((s.size, q.size))
    n_pw = np.array([plane_waves(float(v), 1) for v in s])
    for size in np.unique(n_pw):
        rows = np.nonzero(n_pw == size)[0]
        j = np.arange(-size, size + 1, dtype=np.float64)
        kinetic = _tridiagonal(0.0, q[None, :], j[:, None])[0]  # the diagonal less s/2
        per_chunk = max(1, _NEWTON_CHUNK // q.size)
        for start in range(0, rows.size, per_chunk):
            part = rows[start : start + per_chunk]
            with np.errstate(divide="ignore", invalid="ignore"):  # a zero pivot: the
                out[part] = _newton(s[part, None], kinetic)  # block falls to LAPACK
            for i in part[~np.all(np.isfinite(out[part]), axis=1)]:  # the rare block
                out[i] = _eigenvalues(float(s[i]), q, 1)[:, 0]  # that did not settle
    return out


def _newton(s: NDArray[np.float64], kinetic: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`_lowest_band` for one block: s of shape (n, 1), ``kinetic`` (rows, q)."""
    shape = (s.shape[0], kinetic.shape[1])
    coupling = np.broadcast_to(_tridiagonal(s, 0.0, np.zeros(1))[1] ** 2, shape)  # b²
    half = s / 2.0
    energy = np.broadcast_to(special.mathieu_a(0, s / 4.0) + half, shape).copy()
    energy -= 1e-9 * np.maximum(energy, 1.0)  # scipy's a₀ carries ~1e-14 relative error
    shift, pivot, ratio, total, t = (np.empty(shape) for _ in range(5))
    last = np.full(shape, np.inf)
    for step_number in range(_NEWTON_STEPS):
        np.subtract(half, energy, out=shift)
        np.add(shift, kinetic[0], out=pivot)
        lowest_pivot = pivot.copy()
        np.divide(-1.0, pivot, out=ratio)  # d′/d, with d′ the pivot's E-derivative
        total[...] = ratio
        for diagonal in kinetic[1:]:
            np.divide(coupling, pivot, out=t)
            np.add(shift, diagonal, out=pivot)
            pivot -= t
            np.minimum(lowest_pivot, pivot, out=lowest_pivot)
            ratio *= t  # d′_k/d_k = (−1 + (b²/d_{k−1}) d′_{k−1}/d_{k−1}) / d_k
            ratio -= 1.0
            ratio /= pivot
            total += ratio
        if step_number == 0 and np.any(lowest_pivot <= 0):
            # the start is not below the band for some pair: restart those from 0
            bad = np.any(lowest_pivot <= 0, axis=1)
            energy[bad] = 0.0
            continue
        step = -1.0 / total
        energy += step
        size = np.abs(step)
        # settled: a small step that is also quadratically smaller than the last one (a
        # near-double root converges only linearly, step ≈ error) or at rounding level
        settled = (size <= 1e-10 * energy) & ((size <= 1e-3 * last) | (size <= 8 * _EPS * energy))
        if np.all(settled):
            return energy
        last = size
    energy[...] = np.nan
    return energy


def band_energies(
    s: float, q: ArrayLike, bands: int = 1, n_pw: int | None = None
) -> NDArray[np.float64]:
    """Bloch energies E_n(q)/E_R of the lowest ``bands`` bands at depth s = U/E_R.

    Parameters
    ----------
    s : float
        lattice depth U/E_R, 0 ≤ s ≤ 1e4.
    q : array_like
        quasimomentum in units of k₀ (any real; the bands are periodic with period 2).
    bands : int
        how many bands, from the lowest.
    n_pw : int, optional
        plane waves on each side; default from :func:`plane_waves`.

    Returns
    -------
    ndarray
        shape ``q.shape + (bands,)``, ascending in the last axis; E_R units, with the
        potential's mean s/2 included (E → s/2 + q² at s → 0 is the free particle).
    """
    s = float(_check_depth(s))
    if not isinstance(bands, int | np.integer) or bands < 1:
        raise ValueError(f"bands must be a positive integer (got {bands!r})")
    q = np.asarray(q, dtype=np.float64)
    if not np.all(np.isfinite(q)):
        raise ValueError("q must be finite")
    return _eigenvalues(s, q.reshape(-1), bands, n_pw).reshape((*q.shape, bands))


def zone(points: int = _Q_POINTS) -> NDArray[np.float64]:
    """Uniform quasimomenta over the zone [−1, 1), the grid of a ring of ``points`` sites."""
    return -1.0 + 2.0 * np.arange(points) / points


def hopping_resolution(s: ArrayLike) -> NDArray[np.float64]:
    """The smallest |J|/E_R that :func:`exact_hopping` resolves at depth s: 1000 ulp of s.

    J comes from band energies of size ~s/2 that carry a few ulp of rounding each; below
    this bound that rounding is more than ~1 % of J (at s = 500, J ≈ 1e-17 is pure noise).
    """
    return 1000 * np.finfo(np.float64).eps * np.maximum(np.asarray(s, dtype=np.float64), 1.0)


def exact_hopping(s: ArrayLike, n: int = 1, band: int = 0) -> NDArray[np.float64]:
    """Hopping J_n/E_R to the n-th neighbour in ``band``, from the band's Fourier series.

    E(q) = ε₀ − 2 Σ_n J_n cos(nπq): J_n is minus half the n-th cosine coefficient of the
    exact band, computed from 128 zone samples (exact for a band whose Fourier series ends
    before n = 64; the tests show the coefficients fall below 1e-16 well before). J₁ > 0
    for the lowest band. The error is absolute, a few ulp of the band energy (≈ s/2): about
    1e-14 E_R, which is 1e-9 of J at s = 50 and 1e-4 of J at s = 200, where J ≈ 6e-11 E_R;
    :func:`hopping_resolution` says from where on J is lost in it.
    """
    s_arr = _check_depth(s)
    if not isinstance(n, int | np.integer) or not 1 <= n < _Q_POINTS // 2:
        raise ValueError(f"n must be an integer in 1..{_Q_POINTS // 2 - 1} (got {n!r})")
    if not isinstance(band, int | np.integer) or band < 0:
        raise ValueError(f"band must be a non-negative integer (got {band!r})")
    q = zone()
    distinct, where = _fold(q)
    # −mean over the zone of E(q) cos(nπq), summed once per distinct |q|
    weights = np.bincount(where.reshape(-1), np.cos(n * np.pi * q)) / q.size
    depths = s_arr.reshape(-1)
    if band == 0:
        energies = _lowest_band(depths, distinct)
    else:
        energies = np.array([_eigenvalues(float(v), distinct, band + 1)[:, band] for v in depths])
    return (-(energies @ weights)).reshape(s_arr.shape)


def _wannier_coefficients(s: float, points: int, band: int = 0):
    """Plane-wave coefficients of the Bloch states, in the gauge of the symmetric Wannier function.

    The phase of each Bloch state makes ψ_q(0) real and positive for an even band (its
    derivative at 0 for an odd band): for a lattice symmetric about the site at x = 0 this
    gauge gives Kohn's real, symmetric, exponentially localized Wannier function, which in
    1D is the maximally localized one.
    """
    q = zone(points)
    n_pw = plane_waves(s, band + 1)
    j = np.arange(-n_pw, n_pw + 1, dtype=np.float64)
    distinct, where = _fold(q)
    vectors = np.empty((distinct.size, j.size))
    with threadpool_limits(1, user_api="blas"):
        for i, value in enumerate(distinct):  # one eigenvector of a tridiagonal matrix each
            diagonal, off = _tridiagonal(s, value, j)
            _, vector = linalg.eigh_tridiagonal(
                diagonal,
                np.full(j.size - 1, off),
                select="i",
                select_range=(band, band),
            )
            vectors[i] = vector[:, 0]
    # H(−q) is H(q) with j → −j, so the state at q < 0 is the one at |q| reversed
    c = vectors[where.reshape(-1)]
    c[q < 0] = c[q < 0, ::-1]
    if band % 2 == 0:
        anchor = c.sum(axis=1)  # ψ_q(0)
    else:
        anchor = (c * (q[:, None] + 2 * j[None, :])).sum(axis=1)  # −i ψ_q′(0)
    c = c * np.sign(anchor)[:, None]
    return q, j, c


def wannier_function(
    s: float, x: ArrayLike, band: int = 0, points: int = _Q_POINTS
) -> NDArray[np.float64]:
    """The real Wannier function w(x) of ``band`` centred on the site at x = 0.

    Built on a ring of ``points`` sites (period ``points·π``), normalised on that ring:
    ∫ w² dx = 1 and ∫ w(x) w(x − nπ) dx = 0 for n ≠ 0, both exactly in exact arithmetic.
    x is in units of 1/k₀; w in units of √k₀. Even bands give an even w, odd bands an odd w.
    """
    s = float(_check_depth(s))
    if points % 2:
        raise ValueError(f"points must be even (got {points})")
    q, j, c = _wannier_coefficients(s, points, band)
    k = q[:, None] + 2.0 * j[None, :]  # wave numbers of every (q, j) component
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(-1)
    # Σ_q Σ_j c_j(q) e^{ikx}: c_j(−q) = ±c_−j(q) pairs k with −k, so only the cosines (even
    # band) or the sines (odd band) survive. Chunks of x keep the (x, q, j) array small.
    trig = np.cos if band % 2 == 0 else np.sin
    values = np.empty(flat.size)
    for start in range(0, flat.size, 256):
        part = flat[start : start + 256]
        values[start : start + 256] = np.einsum("xqj,qj->x", trig(part[:, None, None] * k), c)
    return (values / (points * math.sqrt(math.pi))).reshape(x.shape)


def _wannier_on_ring(s: float, band: int, points: int, per_site: int) -> NDArray[np.float64]:
    """w(x) at x = lπ/per_site, l = 0 … points·per_site − 1: the whole ring, by one FFT.

    Every wave number of the series, k = q + 2j with q = −1 + 2m/P (P = ``points``), is
    −1 + 2n/P for an integer n = m + jP, so on the grid x_l = lπP/M (M points) the series
    is e^{−ix_l} Σ_n C_n e^{2πinl/M}: an inverse DFT, exact at the grid points when the n
    are wrapped modulo M.
    """
    q, j, c = _wannier_coefficients(s, points, band)
    m = np.rint((q + 1.0) * points / 2.0).astype(np.int64)
    n = (m[:, None] + j.astype(np.int64)[None, :] * points).reshape(-1)
    size = points * per_site
    wrapped = np.zeros(size, dtype=np.complex128)
    np.add.at(wrapped, np.mod(n, size), c.reshape(-1))
    x = np.arange(size) * (np.pi / per_site)
    series = np.exp(-1j * x) * np.fft.ifft(wrapped) * size
    # an even band's series is real; an odd band's is i times its (real) Wannier function
    w = series.real if band % 2 == 0 else series.imag
    return w / (points * math.sqrt(math.pi))


def wannier_overlap(s: ArrayLike, band: int = 0) -> NDArray[np.float64]:
    """∫ w⁴ dx of the exact Wannier function, in units of k₀ (onsite interaction U ∝ this).

    The trapezoid rule over the whole ring of :func:`wannier_function`, with a spacing
    that resolves the narrowest w (deep lattice, width ~ s^(−1/4)): the integrand is
    smooth and periodic, so the rule converges spectrally; the values at the grid points
    come from one FFT of the plane-wave coefficients. The tests compare it with adaptive
    quadrature of :func:`wannier_function`.
    """
    s_arr = _check_depth(s)
    out = np.empty(s_arr.shape)
    for idx, value in np.ndenumerate(s_arr):
        depth = float(value)
        per_site = max(64, math.ceil(40 * max(depth, 1.0) ** 0.25))
        w = _wannier_on_ring(depth, band, _Q_POINTS, per_site)
        out[idx] = (np.pi / per_site) * np.sum(w**4)
    return out
