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
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "band_energies",
    "exact_hopping",
    "hopping_resolution",
    "plane_waves",
    "wannier_function",
    "wannier_overlap",
    "zone",
]

_Q_POINTS = 128  # Brillouin-zone samples for the Fourier coefficients of a band
_MAX_DEPTH = 1e4


def _check_depth(s: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(s, dtype=np.float64)
    bad = ~((arr >= 0) & (arr <= _MAX_DEPTH))
    if np.any(bad):
        raise ValueError(
            f"lattice depth s = U/E_R must be in [0, {_MAX_DEPTH:g}] "
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


def _hamiltonian(s: float, q: NDArray[np.float64], n_pw: int) -> NDArray[np.float64]:
    """Stack of tridiagonal plane-wave Hamiltonians, one per q: shape (len(q), 2N+1, 2N+1)."""
    j = np.arange(-n_pw, n_pw + 1)
    h = np.zeros((q.size, j.size, j.size))
    idx = np.arange(j.size)
    h[:, idx, idx] = (q[:, None] + 2.0 * j[None, :]) ** 2 + s / 2.0
    h[:, idx[:-1], idx[1:]] = -s / 4.0
    h[:, idx[1:], idx[:-1]] = -s / 4.0
    return h


def _solve(s: float, q: NDArray[np.float64], bands: int, n_pw: int | None = None):
    n_pw = plane_waves(s, bands) if n_pw is None else n_pw
    energies, vectors = np.linalg.eigh(_hamiltonian(s, q, n_pw))
    return energies[:, :bands], vectors[:, :, :bands], n_pw


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
    energies, _, _ = _solve(s, q.reshape(-1), bands, n_pw)
    return energies.reshape((*q.shape, bands))


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
    q = zone()
    out = np.empty(s_arr.shape)
    for idx, depth in np.ndenumerate(s_arr):
        energy = _solve(float(depth), q, band + 1)[0][:, band]
        out[idx] = -np.mean(energy * np.cos(n * np.pi * q))
    return out


def _wannier_coefficients(s: float, points: int, band: int = 0):
    """Plane-wave coefficients of the Bloch states, in the gauge of the symmetric Wannier function.

    The phase of each Bloch state makes ψ_q(0) real and positive for an even band (its
    derivative at 0 for an odd band): for a lattice symmetric about the site at x = 0 this
    gauge gives Kohn's real, symmetric, exponentially localized Wannier function, which in
    1D is the maximally localized one.
    """
    q = zone(points)
    _, vectors, n_pw = _solve(s, q, band + 1)
    c = vectors[:, :, band]
    j = np.arange(-n_pw, n_pw + 1)
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


def _support(s: float, band: int, points: int) -> int:
    """Sites on each side beyond which |w| < 1e-6 max|w|, so w⁴ adds below 1e-24."""
    probe = np.arange(0, points // 2 * 4) * (np.pi / 4)
    w = np.abs(wannier_function(s, probe, band, points))
    big = np.nonzero(w >= 1e-6 * w.max())[0]
    return int(np.ceil(probe[big[-1]] / np.pi)) + 1


def wannier_overlap(s: ArrayLike, band: int = 0) -> NDArray[np.float64]:
    """∫ w⁴ dx of the exact Wannier function, in units of k₀ (onsite interaction U ∝ this).

    Trapezoid rule over the sites where |w| > 1e-6 max|w|, with a spacing that resolves the
    narrowest w (deep lattice, width ~ s^(−1/4)): the integrand is smooth and negligible at
    the ends, so the rule converges spectrally; the tests compare it with adaptive quadrature.
    """
    s_arr = _check_depth(s)
    out = np.empty(s_arr.shape)
    for idx, value in np.ndenumerate(s_arr):
        depth = float(value)
        sites = _support(depth, band, _Q_POINTS)
        per_site = max(64, math.ceil(40 * max(depth, 1.0) ** 0.25))
        x = np.linspace(-sites * np.pi, sites * np.pi, 2 * sites * per_site + 1)
        w4 = wannier_function(depth, x, band) ** 4
        out[idx] = (x[1] - x[0]) * (w4.sum() - 0.5 * (w4[0] + w4[-1]))
    return out
