"""Harmonic lattice dynamics of a Bravais crystal with a central pair potential (§4, (39)–(55)).

The paper treats the phonons of the localized state in the nearest-neighbour, one-branch
Debye form: the scalar spectrum (43) and r₀² of (42) over the Debye sphere. Here the same
quantities come from the full dynamical matrix of point particles of mass M on one of the
Bravais :mod:`.geometry` lattices, interacting by a central pair potential U(r):

    D_αβ(k) = (1/M) Σ_(R≠0) Φ_αβ(R) (1 − cos k·R),
    Φ_αβ(R) = ∂_α∂_β U(|R|) = U''(r) R̂_α R̂_β + (U'(r)/r)(δ_αβ − R̂_α R̂_β)

(Ashcroft & Mermin, *Solid State Physics*, ch. 22, eq. (22.59) with the central-force Φ
of problem 22.1). Its eigenvalues are ω_s²(k), s = 1 … d; a negative one anywhere in the
zone is a mechanically unstable lattice, reported as such (:class:`Stability`,
:class:`UnstableError`), never as a NaN.

Potentials (:class:`PowerLaw`, :class:`Radial`, or a tuple of them, summed):

* ``PowerLaw(C, p)``, U = C r^(−p): summed by Ewald (:func:`..models.ewald.dynamical_sums`),
  with the error bound it states; slow (p ≤ d) and background (p ≤ d − 2) cases as there.
  :func:`lennard_jones` gives the two power laws of 4ε[(σ/r)¹² − (σ/r)⁶].
* ``Radial(u, du, d2u, decay, cutoff)``: any radial U with its first two derivatives,
  summed directly over :meth:`.Geometry.neighbours` either up to ``cutoff`` (a truncated
  potential, U = 0 beyond: the nearest-neighbour models of the paper) or up to a radius
  whose tail estimate is below ``rtol``; a decay U ~ r^(−decay) with decay ≤ d is refused
  (use :class:`PowerLaw` for such tails).

Units: ħ = k_B = 1; lengths in the geometry's unit, U in energy, M in energy⁻¹ length⁻²
(so that ω = √(U''/M) is an energy): ω, T and √(D) share one unit.

Mean-square displacement, (41)–(42) over the whole zone: with ρ = ν/V_cell and ν = 1 the
paper's prefactor νd/(2mρ) ∫_B dk/(2π)^d is (d/2m)⟨·⟩_zone for d equal branches, so

    r₀² = (1/2M) ⟨Σ_s coth(ω_s/2T)/ω_s⟩_zone.

The integrand is singular at k = 0 (1/ω ~ 1/k at T = 0, 2T/ω² ~ 1/k² at T > 0; integrable
in 3D, and in 2D at T = 0 only, as (51)–(54) say). :meth:`HarmonicCrystal.mean_square_displacement`
subtracts the long-wave part g(k) = χ(|k|) Σ_s coth(c_s k/2T)/(c_s k), c_s(k̂) the sound
velocities and χ a C^∞ bump on a ball inside the zone; ⟨g⟩ is a radial integral times a
spherical quadrature (done to ~1e-12), and the smooth remainder is averaged on an even
Monkhorst–Pack grid (which avoids k = 0). The error reported is the change from a grid of
half the size. What is left of the singularity (a direction-dependent O(k⁰) jump at T > 0,
O(k) at T = 0) makes the grid error fall like h³ in the spacing h; measured on the scalar
spectrum (43) against :mod:`..numerics._cubic_zone`: relative 1.3e-6 (T = 0) and 1.8e-5
(T = 2√(K/M)) at n = 24, the reported errors being 4–7 times the true ones. The radial
parts of ⟨g⟩ (a Chebyshev interpolant in ln β over all directions, :func:`_radial_parts`)
agree with mpmath to 1e-13 relative, the spherical rule with a doubled rule to 2e-10.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import integrate

from ..models import ewald
from .geometry import Geometry

__all__ = [
    "HarmonicCrystal",
    "PowerLaw",
    "Radial",
    "Stability",
    "UnstableError",
    "ZoneAverage",
    "dynamical_matrix",
    "lennard_jones",
    "logarithmic_power",
]

Array = NDArray[np.float64]
RadialFunction = Callable[[Array], Array]

_SPHERE = {1: 2.0, 2: 2.0 * math.pi, 3: 4.0 * math.pi}
# The direct sum of a Radial potential enumerates at most this many lattice vectors.
_MAX_DIRECT = 200_000
# Wave numbers h·a of the two small-k evaluations behind the sound velocities. D(hk̂)/h² =
# K(k̂) + O(h²) (+ O(h^(p−d)) for a power-law tail); the Richardson step removes the h²
# term. Smaller h would leave the Ewald sums' absolute error (rtol·V^(−(p+2)/d)) amplified
# by 1/h²: at 1e-13 and h a = 2e-3 that is 2.5e-8 of K.
_SMALL_K = (4e-3, 2e-3)
_SOUND_RTOL = 1e-13


class UnstableError(ValueError):
    """Some ω²(k) < 0: the lattice is mechanically unstable (the message names k and ω²)."""


@dataclass(frozen=True)
class PowerLaw:
    """U(r) = C r^(−p), summed by Ewald.

    Parameters
    ----------
    C : float
        The strength (energy × length^p); C > 0 repulsive, C < 0 attractive.
    p : float
        The power, > 0. For p ≤ d − 2 pass ``background=True`` (a neutralising uniform
        background, as in :func:`..models.ewald.dynamical_sum`).
    """

    C: float
    p: float
    background: bool = False

    def __post_init__(self) -> None:
        if not (_is_real(self.C) and math.isfinite(self.C)):
            raise ValueError(f"PowerLaw: C must be a finite number (got {self.C!r})")
        if not (_is_real(self.p) and math.isfinite(self.p) and self.p > 0):
            raise ValueError(f"PowerLaw: p must be a finite number > 0 (got {self.p!r})")


@dataclass(frozen=True)
class Radial:
    """A radial U(r) given with its derivatives, summed directly over lattice vectors.

    Parameters
    ----------
    u, du, d2u : callable
        U(r), U'(r), U''(r), vectorized over an array of r > 0 (U itself is not needed by
        the dynamical matrix; it is kept so the potential is complete).
    decay : float
        U ~ r^(−decay) at large r (``math.inf`` for faster than any power). Used to refuse
        tails too slow for a direct sum: decay must exceed d.
    cutoff : float, optional
        U is taken as zero beyond this distance (a truncated potential; ``cutoff = a`` is the
        nearest-neighbour model). Without it the sum extends until the tail estimate of
        Σ |Φ|(1 + R²/a²) falls below ``rtol`` of its first shell.
    """

    u: RadialFunction
    du: RadialFunction
    d2u: RadialFunction
    decay: float = math.inf
    cutoff: float | None = None

    def __post_init__(self) -> None:
        for name in ("u", "du", "d2u"):
            if not callable(getattr(self, name)):
                raise ValueError(f"Radial: {name} must be a function of r")
        if not (_is_real(self.decay) and self.decay > 0):
            raise ValueError(f"Radial: decay must be a number > 0 or inf (got {self.decay!r})")
        if self.cutoff is not None and not (
            _is_real(self.cutoff) and math.isfinite(self.cutoff) and self.cutoff > 0
        ):
            raise ValueError(f"Radial: cutoff must be a finite length > 0 (got {self.cutoff!r})")


Potential = PowerLaw | Radial | tuple[PowerLaw | Radial, ...]


def lennard_jones(epsilon: float, sigma: float) -> tuple[PowerLaw, PowerLaw]:
    """U = 4ε[(σ/r)¹² − (σ/r)⁶] as two :class:`PowerLaw` terms (summed exactly by Ewald)."""
    return (PowerLaw(4 * epsilon * sigma**12, 12.0), PowerLaw(-4 * epsilon * sigma**6, 6.0))


@dataclass(frozen=True)
class Stability:
    """The outcome of a zone scan of ω_s²(k).

    ``stable``: no eigenvalue below −``tolerance``; ``k``: the wave vector of the most
    negative (or, if stable, the smallest nonzero-k) eigenvalue; ``branch``: its index,
    0 the lowest; ``omega2``: that eigenvalue (energy²); ``polarization``: its unit
    eigenvector; ``tolerance``: the threshold used (energy²).
    """

    stable: bool
    k: Array
    branch: int
    omega2: float
    polarization: Array
    tolerance: float


@dataclass(frozen=True)
class ZoneAverage:
    """A zone average with its error estimate: ``value`` (array over T), ``error`` (same
    shape: the change from the grid of ``coarse`` points per direction to ``n``)."""

    value: Array
    error: Array
    n: int
    coarse: int


def dynamical_matrix(
    geometry: Geometry,
    k: object,
    potential: Potential,
    *,
    mass: float = 1.0,
    rtol: float = 1e-12,
) -> Array:
    """D_αβ(k) = (1/M) Σ_(R≠0) ∂_α∂_β U(R) (1 − cos k·R) (energy²).

    Parameters
    ----------
    geometry : Geometry
        The Bravais lattice.
    k : array_like, shape (d,) or (n, d)
        Wave vectors (inverse length).
    potential : PowerLaw, Radial or tuple of them
        The pair potential (a tuple is the sum of its terms).
    mass : float
        M > 0.
    rtol : float
        Accuracy asked of each lattice sum (Ewald: relative to V^(−(p+2)/d); direct: the
        tail relative to the first shell).

    Returns
    -------
    ndarray, shape (d, d) or (n, d, d)
    """
    return HarmonicCrystal(geometry, potential, mass, rtol).dynamical_matrix(k)


@dataclass(frozen=True)
class HarmonicCrystal:
    """Phonons of a Bravais crystal of point particles with a central pair potential.

    Parameters
    ----------
    geometry : Geometry
        The lattice (its ``spacing`` is the paper's a).
    potential : PowerLaw, Radial or tuple of them
        The pair potential U(r).
    mass : float
        The particle mass M > 0.
    rtol : float
        Accuracy asked of the lattice sums (see :func:`dynamical_matrix`), in [1e-13, 1e-6].
    stability_tol : float
        An eigenvalue ω² < −stability_tol × max|ω²| counts as unstable.
    """

    geometry: Geometry
    potential: Potential
    mass: float = 1.0
    rtol: float = 1e-12
    stability_tol: float = 1e-8
    _cache: dict[str, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.geometry, Geometry):
            raise ValueError(f"geometry must be a Geometry (got {self.geometry!r})")
        terms = self.potential if isinstance(self.potential, tuple) else (self.potential,)
        if not terms or not all(isinstance(t, PowerLaw | Radial) for t in terms):
            raise ValueError(
                "potential must be a PowerLaw, a Radial or a tuple of them "
                f"(got {self.potential!r})"
            )
        if not (_is_real(self.mass) and math.isfinite(self.mass) and self.mass > 0):
            raise ValueError(f"mass must be a finite number > 0 (got {self.mass!r})")
        if not (_is_real(self.rtol) and 1e-13 <= self.rtol <= 1e-6):
            raise ValueError(f"rtol must be between 1e-13 and 1e-6 (got {self.rtol!r})")
        if not (_is_real(self.stability_tol) and 0 < self.stability_tol < 1):
            raise ValueError(f"stability_tol must be between 0 and 1 (got {self.stability_tol!r})")
        for t in terms:
            if isinstance(t, Radial) and t.cutoff is None and t.decay <= self.geometry.d:
                raise ValueError(
                    f"Radial potential decaying like r^-{t.decay:g} in d = {self.geometry.d}: "
                    "too slow for a direct sum (decay must exceed d); give the tail as a "
                    "PowerLaw (Ewald) or a cutoff"
                )

    # -- the dynamical matrix ----------------------------------------------------------

    @property
    def _terms(self) -> tuple[PowerLaw | Radial, ...]:
        return self.potential if isinstance(self.potential, tuple) else (self.potential,)

    def dynamical_matrix(
        self, k: object, *, rtol: float | None = None, analytic: bool = False
    ) -> Array:
        """D(k) for k of shape (d,) or (n, d); see :func:`dynamical_matrix`.

        ``analytic=True`` leaves out the long-range term N(k) of every power law with
        p < d + 2 (:func:`..models.ewald.long_range_term`): what is left is analytic at
        k = 0, for the long-wave limit D/k²."""
        d = self.geometry.d
        given = np.array(k, dtype=np.float64)
        single = given.ndim == 1
        kv = np.atleast_2d(given)
        if kv.ndim != 2 or kv.shape[1] != d or not np.all(np.isfinite(kv)):
            raise ValueError(f"k must be {d} finite numbers or an (n, {d}) array (got shape "
                             f"{given.shape})")  # fmt: skip
        tol = self.rtol if rtol is None else rtol
        out = np.zeros((kv.shape[0], d, d))
        for t in self._terms:
            if isinstance(t, PowerLaw):
                res = ewald.dynamical_sums(
                    self.geometry.primitive_vectors, t.p, kv, background=t.background, rtol=tol,
                    analytic=analytic and ewald.has_long_range_term(t.p, d),
                )  # fmt: skip
                out += t.C * res.value
            else:
                vectors, phi = self._direct(t)
                for start in range(0, kv.shape[0], 512):
                    w = 2 * np.sin(kv[start : start + 512] @ vectors.T / 2) ** 2
                    out[start : start + 512] += np.einsum("cn,nab->cab", w, phi)
        out /= self.mass
        out = 0.5 * (out + np.swapaxes(out, 1, 2))
        return out[0] if single else out

    def _direct(self, t: Radial) -> tuple[Array, Array]:
        """The lattice vectors and force constants Φ(R) of a Radial term (cached)."""
        key = f"direct-{id(t)}"
        if key not in self._cache:
            radius = t.cutoff if t.cutoff is not None else self._radius(t)
            vectors = self.geometry.neighbours(radius)
            r = np.linalg.norm(vectors, axis=1)
            unit = vectors / r[:, None]
            d2u, du_r = np.asarray(t.d2u(r), float), np.asarray(t.du(r), float) / r
            nn = np.einsum("na,nb->nab", unit, unit)
            phi = (d2u - du_r)[:, None, None] * nn + du_r[:, None, None] * np.eye(self.geometry.d)
            if not np.all(np.isfinite(phi)):
                raise ValueError("Radial potential: U' or U'' is not finite on a lattice vector")
            self._cache[key] = (vectors, phi)
        return self._cache[key]  # type: ignore[return-value]

    def _radius(self, t: Radial) -> float:
        """The smallest radius (in steps of a/2 from 2a) whose tail estimate is ≤ rtol.

        Σ_(|R|>R_c) e(|R|) ≤ (S_d/V) ∫_(R_c−2ρ)^∞ e(u)(u + ρ)^(d−1) du for a decreasing
        envelope e = (|U''| + 2|U'|/r)(1 + r²/a²) ≥ |Φ_αβ|(1 + r²/a²) (the bound of
        :mod:`..models.ewald`; ρ = ½√Σ|a_i|² bounds the Wigner–Seitz radius). The weight
        1 + r²/a² makes the same radius serve the long-wave tensor Σ Φ (k·R)²/2.
        """
        g = self.geometry
        a, d = g.spacing, g.d
        rho = 0.5 * float(np.sqrt(np.sum(g.primitive_vectors**2)))

        def env(u: float) -> float:
            x = np.array([u])
            e = abs(float(t.d2u(x)[0])) + 2 * abs(float(t.du(x)[0])) / u
            return e * (1 + (u / a) ** 2)

        first = g.coordination * env(a)
        scale = first if first > 0 else 1.0
        radius = 2 * a
        while True:
            start = radius - 2 * rho
            if start > 0:
                val, err = integrate.quad(
                    lambda u: env(u) * (u + rho) ** (d - 1), start, np.inf, limit=200
                )
                if _SPHERE[d] * g.density * (val + err) <= self.rtol * scale:
                    return radius
            radius += a / 2
            if g.density * math.pi ** (d / 2) / math.gamma(d / 2 + 1) * radius**d > _MAX_DIRECT:
                raise ValueError(
                    f"Radial potential: the tail is not below rtol = {self.rtol:g} within "
                    f"{_MAX_DIRECT} lattice vectors; give a cutoff, a larger rtol, or the "
                    "tail as a PowerLaw (Ewald)"
                )

    def force_constant_sum(self) -> Array:
        """Σ_(R≠0) Φ_αβ(R) (energy/length²): the on-site force constants, M ω_E² of the
        Einstein oscillator as a d×d tensor (⟨M D(k)⟩_zone, since ⟨cos k·R⟩ = 0 for R ≠ 0).
        Its diagonal is the lattice sum Σ_j ∂²Φ(r_j)/∂x_α² of the paper's (36)."""
        d = self.geometry.d
        out = np.zeros((d, d))
        for t in self._terms:
            if isinstance(t, PowerLaw):
                res = ewald.hessian_sum(
                    self.geometry.primitive_vectors, t.p, background=t.background, rtol=self.rtol
                )
                out += t.C * np.asarray(res.value)
            else:
                out += np.sum(self._direct(t)[1], axis=0)
        return np.asarray(0.5 * (out + out.T))

    # -- frequencies and stability -----------------------------------------------------

    def _scale(self) -> float:
        """max |ω²| over a 4^d zone grid: the size against which ω² < 0 is judged."""
        if "scale" not in self._cache:
            w2 = np.linalg.eigvalsh(self.dynamical_matrix(self.geometry.zone_grid(4)))
            self._cache["scale"] = float(np.max(np.abs(w2))) or 1.0
        return self._cache["scale"]  # type: ignore[return-value]

    def frequencies(self, k: object) -> Array:
        """ω_s(k) = √(eigenvalues of D(k)), ascending (energy), shape (d,) or (n, d).

        Eigenvalues within the tolerance below zero (rounding at k → 0) count as 0.

        Raises
        ------
        UnstableError
            If some ω² < −stability_tol × max|ω²|: the message names k, branch and ω².
        """
        D = self.dynamical_matrix(k)
        w2 = np.linalg.eigvalsh(D)
        tol = self.stability_tol * self._scale()
        bad = w2 < -tol
        if np.any(bad):
            flat = np.atleast_2d(w2)
            i, s = np.unravel_index(int(np.argmin(flat)), flat.shape)
            kk = np.atleast_2d(np.asarray(k, dtype=float))[i]
            raise UnstableError(
                f"the {self.geometry.name} lattice is mechanically unstable: ω² = "
                f"{flat[i, s]:.6g} < 0 on branch {s} at k = {np.array2string(kk, precision=6)}"
            )
        return np.asarray(np.sqrt(np.maximum(w2, 0.0)))

    def stability(self, n: int = 12) -> Stability:
        """Scan ω_s²(k) on the n^d Monkhorst–Pack grid (k = 0 included for odd n, where
        the three ω² = 0 are within the tolerance) and at the zone's special points
        (:func:`_special_points`), where an even grid has no node but the softest mode of
        a lattice often sits (the zone corner of a sheared simple cubic crystal).

        Returns the most negative eigenvalue with its k, branch and polarization; if none is
        below −tolerance the crystal is stable and the smallest ω² of the scan is reported.
        """
        if not (isinstance(n, numbers.Integral) and n >= 2):
            raise ValueError(f"n must be an integer >= 2 (got {n!r})")
        grid = self.geometry.zone_grid(int(n))
        # row i of the grid is −(row N − 1 − i) and D(−k) = D(k): the second half sees all
        ks = np.vstack([grid[grid.shape[0] // 2 :], _special_points(self.geometry)])
        w2, vec = np.linalg.eigh(self.dynamical_matrix(ks))
        i, s = np.unravel_index(int(np.argmin(w2)), w2.shape)
        tol = self.stability_tol * max(self._scale(), float(np.max(np.abs(w2))))
        return Stability(bool(w2[i, s] >= -tol), ks[i], int(s), float(w2[i, s]), vec[i, :, s], tol)

    # -- long waves --------------------------------------------------------------------

    def _long_wave(self, directions: Array) -> Array:
        """K(k̂) for unit rows k̂, shape (m, d, d): through the quadratic form
        :meth:`_long_wave_form` for many directions, directly for a few."""
        d = self.geometry.d
        if directions.shape[0] <= d * (d + 1):
            return self._long_wave_direct(directions)
        form = self._long_wave_form()
        return np.asarray(np.einsum("ma,mb,abij->mij", directions, directions, form))

    def _long_wave_form(self) -> Array:
        """A_αβ with K(k̂) = Σ_αβ k̂_α k̂_β A_αβ (each a d×d tensor), from K along the axes
        and the diagonals of pairs of axes: d(d + 1)/2 directions for every k̂.

        K(k̂) = ½ Σ_R Φ(R)(k̂·R)² is a quadratic form in k̂ wherever it exists (the sum
        converges absolutely for the potentials allowed, p > d), so K(e_α) = A_αα and
        K((e_α + e_β)/√2) = (A_αα + A_ββ)/2 + A_αβ (A_αβ = A_βα) are all of it. The form
        is checked on (1, …, 1)/√d against the direct limit (to 1e-7 of |K|, the Richardson
        limit's own accuracy), else a ValueError: a K that is not quadratic is a bug."""
        if "form" in self._cache:
            return self._cache["form"]  # type: ignore[return-value]
        d = self.geometry.d
        eye = np.eye(d)
        pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
        probe = np.full((1, d), 1 / math.sqrt(d))
        dirs = np.vstack([eye, *[(eye[i] + eye[j])[None] / math.sqrt(2) for i, j in pairs], probe])
        K = self._long_wave_direct(dirs)
        form = np.zeros((d, d, d, d))
        for i in range(d):
            form[i, i] = K[i]
        for n, (i, j) in enumerate(pairs):
            form[i, j] = form[j, i] = K[d + n] - (K[i] + K[j]) / 2
        guess = np.einsum("a,b,abij->ij", probe[0], probe[0], form)
        if not np.allclose(guess, K[-1], rtol=0, atol=1e-7 * np.max(np.abs(K))):
            raise ValueError("the long-wave tensor K(k̂) is not a quadratic form in k̂")
        self._cache["form"] = form
        return form

    def _long_wave_direct(self, directions: Array) -> Array:
        """K(k̂) = lim D(h k̂)/h² for unit rows k̂ (Richardson on two h): shape (m, d, d)."""
        a = self.geometry.spacing
        h1, h2 = (x / a for x in _SMALL_K)
        m = directions.shape[0]
        D = self.dynamical_matrix(
            np.vstack([h1 * directions, h2 * directions]),
            rtol=min(self.rtol, _SOUND_RTOL),
            analytic=True,
        )
        k1, k2 = D[:m] / h1**2, D[m:] / h2**2
        r = (h1 / h2) ** 2
        return np.asarray((r * k2 - k1) / (r - 1))

    def sound_velocities(self, direction: object) -> Array:
        """The long-wave slopes c_s = lim ω_s(k)/|k| along ``direction``, ascending (all d).

        With a long-range power law p < d (Coulomb) the longitudinal branch is a plasmon,
        ω_L² → A|k|^(p−d+2) (:attr:`plasmon`), whose slope is infinite: it is the last
        entry, ``inf``, and the others are the transverse sound velocities.

        Raises
        ------
        ValueError
            For a zero or non-finite direction, or a power law with p = d (D(k) has a
            k² ln k term: no sound velocity).
        UnstableError
            If some c_s² < 0 (a long-wave instability).
        """
        self._check_long_wave()
        n = np.array(direction, dtype=float).ravel()
        if n.shape != (self.geometry.d,) or not np.all(np.isfinite(n)) or not np.any(n):
            raise ValueError(f"direction must be {self.geometry.d} finite numbers, not all zero "
                             f"(got {direction!r})")  # fmt: skip
        n = n / np.linalg.norm(n)
        c2 = self._velocities_squared(n[None, :], self._long_wave(n[None, :]))[0]
        tol = self.stability_tol * max(float(np.max(np.abs(c2))), 1e-300)
        if c2[0] < -tol:
            raise UnstableError(f"long-wave instability along {direction!r}: c² = {c2[0]:.6g} < 0")
        c = np.sqrt(np.maximum(c2, 0.0))
        return np.asarray(c if self.plasmon is None else np.append(c, np.inf))

    def _check_long_wave(self) -> None:
        p = logarithmic_power(self.potential, self.geometry.d)
        if p is not None:
            raise ValueError(
                f"a power law r^-{p:g} in d = {self.geometry.d} has a dynamical matrix with a "
                "k² ln k term at k → 0: no sound velocity, and the long-wave methods here do "
                "not apply"
            )
        self.plasmon  # noqa: B018 (raises for two different long-range powers)

    @functools.cached_property
    def plasmon(self) -> tuple[float, float] | None:
        """(A, e) with ω_L²(k) → A |k|^e along every direction, e = p − d + 2 < 2, for a
        power law C r^(−p) with p < d (Coulomb: e = 0 in 3D, ω_L → ω_p = √(4πnC/M), the
        plasma frequency; e = 1 in 2D, ω_L² → 2πnC|k|/M); None without such a term.

        Its N(k) = A|k|^e k̂k̂ dominates the k² part of D(k): the longitudinal branch is
        this plasmon and the d − 1 transverse ones are acoustic, with the velocities of the
        analytic part K(k̂) projected on the plane ⊥ k̂ (degenerate perturbation theory:
        the mixing of the two shifts ω_T² by O(k^(4−e)), smaller than k²)."""
        d = self.geometry.d
        long = [t for t in self._terms if isinstance(t, PowerLaw) and t.p < d]
        if not long:
            return None
        if len({t.p for t in long}) > 1:
            raise ValueError(
                "two long-range power laws with different p < d "
                f"({sorted({t.p for t in long})}): one plasmon exponent only"
            )
        unit = np.eye(d)[:1]
        A = (
            sum(
                t.C
                * float(ewald.long_range_term(self.geometry.primitive_vectors, t.p, unit)[0, 0, 0])
                for t in long
            )
            / self.mass
        )
        if not A > 0:
            raise UnstableError(
                f"the long-range power law (p = {long[0].p:g} < d) is attractive: ω_L² → "
                f"{A:.6g}|k|^{long[0].p - d + 2:g} < 0, the crystal collapses"
            )
        return float(A), float(long[0].p - d + 2)

    def _velocities_squared(self, directions: Array, K: Array) -> Array:
        """The squared sound velocities along unit rows k̂ from K(k̂), ascending: d of them,
        or the d − 1 transverse ones (K projected on the plane ⊥ k̂) with a plasmon."""
        if self.plasmon is None:
            return np.asarray(np.linalg.eigvalsh(K))
        # rows 1… of V in the SVD of the 1×d matrix k̂ span the plane ⊥ k̂
        basis = np.linalg.svd(directions[:, None, :])[2][:, 1:, :]  # (m, d−1, d)
        return np.asarray(np.linalg.eigvalsh(np.einsum("mia,mab,mjb->mij", basis, K, basis)))

    # -- the mean-square displacement (41)–(42) ------------------------------------------

    def mean_square_displacement(self, T: object, n: int = 24) -> ZoneAverage:
        """r₀² = (1/2M) ⟨Σ_s coth(ω_s/2T)/ω_s⟩_zone of (41)–(42) (length²), vectorized in T.

        Parameters
        ----------
        T : float or array_like
            Temperatures ≥ 0 (energy; T = 0 is the zero-point value, coth → 1; T = inf
            gives inf, the limit).
        n : int
            Even Monkhorst–Pack points per direction (≥ 4); the error is the change from
            ``n // 2`` rounded up to even.

        Returns
        -------
        ZoneAverage
            value and error in length², shaped like T.

        Raises
        ------
        ValueError
            In d = 1 (divergent even at T = 0), in d = 2 at T > 0 (divergent, as (52)–(54):
            no 2D crystal at T > 0), for a lattice with a direction of zero sound velocity
            (a divergent zone integral), or for a power law with p ≤ d.
        UnstableError
            If the lattice is unstable at a grid point.
        """
        Tv = np.asarray(T, dtype=float)
        if np.any(np.isnan(Tv)) or np.any(Tv < 0):
            raise ValueError(f"T must be numbers >= 0 (got {T!r})")
        if not (isinstance(n, numbers.Integral) and n >= 4 and n % 2 == 0):
            raise ValueError(f"n must be an even integer >= 4 (got {n!r})")
        d = self.geometry.d
        if d == 1:
            raise ValueError(
                "r₀² diverges in d = 1 (logarithmically at T = 0, linearly at T > 0): no "
                "chain crystal (the paper's (51))"
            )
        if d == 2 and np.any(Tv > 0):
            raise ValueError(
                "r₀² diverges in d = 2 at T > 0 (∫ T/ω² d²k ~ ∫ dk/k): no 2D crystal at "
                "T > 0 (the paper's (52)–(54)); only T = 0 is finite"
            )
        self._check_long_wave()
        hot = np.isinf(Tv.ravel())  # r₀² → ∞ as T → ∞ (r₀² ~ T at T ≫ T_D): the limit
        flat = np.where(hot, 1.0, Tv.ravel())
        coarse = 2 * math.ceil(int(n) / 4)
        fine_avg = self._subtracted_average(flat, int(n))
        coarse_avg = self._subtracted_average(flat, coarse) if coarse >= 2 else fine_avg
        smooth = self._long_wave_average(flat)
        scale = 1.0 / (2 * self.mass)
        value = np.where(hot, np.inf, scale * (fine_avg + smooth))
        error = np.where(hot, 0.0, scale * np.abs(fine_avg - coarse_avg))
        return ZoneAverage(value.reshape(Tv.shape), error.reshape(Tv.shape), int(n), coarse)

    def lindemann_ratio(self, T: object, n: int = 24) -> ZoneAverage:
        """r₀/a, the Lindemann ratio of (47) (stable localized state if < 1/2)."""
        msd = self.mean_square_displacement(T, n)
        a = self.geometry.spacing
        r0 = np.sqrt(msd.value)
        return ZoneAverage(r0 / a, msd.error / (2 * r0 * a), msd.n, msd.coarse)

    # The long-wave part subtracted: g(k) = χ(|k|/k_c) Σ_s φ(c_s(k̂)|k|, T), φ(ω) =
    # coth(ω/2T)/ω, on the ball |k| < k_c = half the shortest reciprocal vector (inside the
    # Wigner–Seitz zone, so its periodic images do not overlap).

    @functools.cached_property
    def _k_c(self) -> float:
        b = self.geometry.reciprocal_vectors
        lengths = np.linalg.norm(_small_combinations(b), axis=1)
        shortest = np.min(lengths[lengths > 0])
        return 0.5 * float(shortest) * (1 - 1e-9)

    def _subtracted_average(self, T: Array, n: int) -> Array:
        """⟨f − g⟩ on the n^d grid, f = Σ_s φ(ω_s), for each T."""
        omega, c, knorm, chi, inside = self._grid(n)
        plasmon = self._plasmon_frequency(knorm[inside])
        out = np.empty(T.shape)
        for j, t in enumerate(T):
            f = np.sum(_phi(omega, t), axis=1)
            sub = np.zeros(omega.shape[0])
            part = np.sum(_phi(c[inside] * knorm[inside, None], t), axis=1)
            if plasmon is not None:
                part = part + _phi(plasmon, t)
            sub[inside] = chi[inside] * part
            out[j] = np.mean(f - sub)
        return out

    def _plasmon_frequency(self, k: Array) -> Array | None:
        """√A |k|^(e/2), the plasmon's long-wave frequency, where it is singular (e > 0);
        None without a plasmon or for e = 0 (a gapped ω_L → ω_p, smooth: nothing to
        subtract)."""
        if self.plasmon is None or self.plasmon[1] == 0:
            return None
        A, e = self.plasmon
        return np.asarray(np.sqrt(A) * k ** (e / 2))

    def _grid(self, n: int) -> tuple[Array, Array, Array, Array, Array]:
        """The frequencies on the n^d grid and the long-wave part subtracted there, once per
        n (every temperature reuses them: the lattice sums are the expensive part)."""
        key = f"grid{n}"
        if key not in self._cache:
            self._cache[key] = self._grid_uncached(n)
        return self._cache[key]  # type: ignore[return-value]

    def _grid_uncached(self, n: int) -> tuple[Array, Array, Array, Array, Array]:
        g = self.geometry
        # D(−k) = D(k) (a Bravais lattice), and row i of the grid is −(row N − 1 − i): for
        # even n the second half (u₁ > 0) has the whole grid's mean
        ks = g.zone_grid(n)
        ks = ks[ks.shape[0] // 2 :]
        omega = self.frequencies(ks)  # raises if unstable
        if np.any(omega <= 0):
            raise ValueError("a zero frequency at k ≠ 0 on the grid: r₀² diverges")
        # the nearest periodic image of each k, for the subtracted ball
        combos = _small_combinations(g.reciprocal_vectors)
        images = ks[:, None, :] - combos[None, :, :]
        pick = np.argmin(np.sum(images**2, axis=2), axis=1)
        kr = images[np.arange(ks.shape[0]), pick]
        knorm = np.linalg.norm(kr, axis=1)
        inside = knorm < self._k_c
        c = np.zeros((ks.shape[0], g.d if self.plasmon is None else g.d - 1))
        if np.any(inside):
            dirs = kr[inside] / knorm[inside, None]
            c2 = self._velocities_squared(dirs, self._long_wave(dirs))
            if np.any(c2 <= 0):
                raise ValueError("a zero sound velocity: r₀² diverges")
            c[inside] = np.sqrt(c2)
        chi = np.where(inside, _bump(knorm / self._k_c), 0.0)
        return omega, c, knorm, chi, inside

    def sphere_velocities_squared(self) -> tuple[Array, Array, Array]:
        """The directions and weights of the sphere rule and c_s² along each (m, d; with a
        :attr:`plasmon` the d − 1 transverse ones): the long-wave spectrum, computed once
        (every temperature and both zones reuse it)."""
        if "sphere" not in self._cache:
            dirs, w = _sphere_rule(self.geometry.d)
            c2 = self._velocities_squared(dirs, self._long_wave(dirs))
            self._cache["sphere"] = (dirs, w, c2)
        return self._cache["sphere"]  # type: ignore[return-value]

    def _long_wave_average(self, T: Array) -> Array:
        """⟨g⟩ = (1/V_zone) ∫ dΩ Σ_s ∫_0^(k_c) χ k^(d−1) φ(c_s k) dk, for each T."""
        g = self.geometry
        _, wdir, c2 = self.sphere_velocities_squared()
        if np.min(c2) <= 1e-12 * np.max(c2):
            raise ValueError(
                "some direction has a zero sound velocity (no restoring force for a long-wave "
                "shear): the zone integral of r₀² diverges"
            )
        c = np.sqrt(c2)  # (m, d) or (m, d − 1)
        radial = _radial_parts(c.ravel(), T, self._k_c, g.d).reshape(T.size, *c.shape)
        out = np.sum(radial, axis=2) @ wdir
        u, w = _radial_rule()
        plasmon = self._plasmon_frequency(self._k_c * u)
        if plasmon is not None:
            # isotropic: S_d ∫_0^(k_c) χ k^(d−1) φ(√A k^(e/2)) dk on the radial panels (the
            # integrand goes like k^(d−1−e/2) at T = 0 and k^(d−1−e) at T > 0, both
            # integrable, e < d; the geometric panels near 0 take the power)
            weight = float(np.sum(wdir)) * self._k_c**g.d * w * _bump(u) * u ** (g.d - 1)
            out = out + np.array([np.sum(weight * _phi(plasmon, t)) for t in T])
        return np.asarray(out / g.zone_volume)


def _radial_parts(c: Array, T: Array, kc: float, d: int) -> Array:
    """G(c, T) = ∫_0^(k_c) χ(k/k_c) k^(d−1) coth(ck/2T)/(ck) dk for every c: shape (T, c).

    With u = k/k_c, G = (k_c^(d−1)/c) H(β), H(β) = ∫_0^1 χ(u) u^(d−2) coth(βu) du and
    β = c k_c/2T (at T = 0, coth = 1). H is analytic in β > 0, its nearest singularities
    (the poles of coth) on the imaginary axis: in ln β that is a strip of half-width π/2
    whatever β, so for each T a Chebyshev interpolant in ln β over the β of all
    directions and branches converges geometrically; its degree grows (16, 24, 32, 48, 64)
    until the last coefficients are below 4e-15 of the largest, and past 64 H is summed at
    every β instead. Over β ranges of 15–100 that is degree 32, within 3e-14 of H at 1000
    points between the nodes (the rounding of the sum itself sets that floor: higher
    degrees gain nothing). Thousands of (direction, branch) pairs then cost a few dozen
    quadratures of H.
    """
    u, w = _radial_rule()
    wu = w * _bump(u) * u ** (d - 2)
    pref = kc ** (d - 1) / c
    out = np.empty((T.size, c.size))
    for j, t in enumerate(T):
        if t == 0:
            out[j] = pref * np.sum(wu)
            continue
        beta = c * kc / (2 * t)

        def h(b: Array) -> Array:
            # coth(βu) = x_coth(βu)/(βu): no overflow for the tiny β of a huge T
            return np.asarray(np.sum((wu / u) * _x_coth(np.multiply.outer(b, u)), axis=-1) / b)

        out[j] = pref * _interpolated(h, beta)
    return out


def _interpolated(h: Callable[[Array], Array], beta: Array) -> Array:
    """h(β) at every β through a Chebyshev interpolant in ln β (see :func:`_radial_parts`)."""
    lo, hi = float(np.log(np.min(beta))), float(np.log(np.max(beta)))
    if beta.size <= 64 or hi - lo < 1e-12:
        return h(beta)
    cheb = np.polynomial.chebyshev.Chebyshev
    for degree in (16, 24, 32, 48, 64):
        fit = cheb.interpolate(lambda x: h(np.exp(x)), degree, domain=[lo, hi])
        if np.max(np.abs(fit.coef[-3:])) <= 4e-15 * np.max(np.abs(fit.coef)):
            return np.asarray(fit(np.log(beta)))
    return h(beta)


@functools.cache
def _radial_rule() -> tuple[Array, Array]:
    """Gauss–Legendre panels on [0, 1], geometric near 0 (the scale T/c of coth) and
    uniform elsewhere: 16 nodes on each of 50 panels."""
    edges = np.unique(
        np.concatenate([[0.0], np.geomspace(1e-9, 0.05, 30), np.linspace(0.05, 1, 21)])
    )
    x, w = np.polynomial.legendre.leggauss(16)
    lo, hi = edges[:-1, None], edges[1:, None]
    return ((lo + hi) / 2 + (hi - lo) / 2 * x).ravel(), ((hi - lo) / 2 * w).ravel()


def _special_points(g: Geometry) -> Array:
    """k = Σ_i m_i b_i with m_i ∈ {0, 1/2, 1/3, 2/3}, not all 0: the zone-boundary points of
    every Bravais lattice here (X, M, R, L of the cubic ones as halves, K of the triangular
    lattice as thirds), folded or not, 4^d − 1 of them."""
    frac = np.array([0.0, 0.5, 1.0 / 3.0, 2.0 / 3.0])
    m = np.stack([x.ravel() for x in np.meshgrid(*([frac] * g.d), indexing="ij")], axis=1)
    return np.asarray(m[1:] @ g.reciprocal_vectors)


def _phi(omega: Array, T: float) -> Array:
    """coth(ω/2T)/ω (1/ω at T = 0), as (2T/ω²)·x/tanh(x), x = ω/2T: the product tanh(x)·ω
    underflows to 0 (and the quotient to inf) for T ≳ 1e285 at the smallest ω, where r₀²
    is still finite."""
    if T == 0:
        return np.asarray(1.0 / omega)
    x = omega / (2 * T)
    # x ≥ 1 (low T, where 2T/ω² could be subnormal): the plain form, which is safe there
    hot = (2 * T / omega**2) * _x_coth(np.minimum(x, 1.0))
    with np.errstate(over="ignore"):
        cold = 1.0 / (np.tanh(np.maximum(x, 1.0)) * omega)
    return np.asarray(np.where(x < 1.0, hot, cold))


def _x_coth(x: Array) -> Array:
    """x/tanh(x) for x ≥ 0: 1 + x²/3 below 1e-4 (the next term, x⁴/45, is below 1e-17)."""
    x = np.asarray(x, dtype=float)
    small = np.minimum(x, 1e-4)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.asarray(np.where(x < 1e-4, 1 + small * small / 3, x / np.tanh(x)))


def _bump(t: Array) -> Array:
    """χ(t) = 1 − S(t), S the C^∞ step e^(−1/t)/(e^(−1/t) + e^(−1/(1−t))) on [0, 1]."""
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore", over="ignore"):
        a = np.where(t > 0, np.exp(-1.0 / np.where(t > 0, t, 1.0)), 0.0)
        b = np.where(t < 1, np.exp(-1.0 / np.where(t < 1, 1.0 - t, 1.0)), 0.0)
    return np.asarray(b / (a + b))


def _small_combinations(b: Array) -> Array:
    """The reciprocal vectors Σ m_i b_i with |m_i| ≤ 2 (including 0), as rows."""
    d = b.shape[0]
    m = np.stack([g.ravel() for g in np.meshgrid(*([np.arange(-2, 3)] * d), indexing="ij")], axis=1)
    vecs = m.astype(float) @ b
    return np.asarray(vecs)


@functools.cache
def _sphere_rule(d: int) -> tuple[Array, Array]:
    """Directions and weights integrating an even function over the unit sphere S^(d−1)
    (weights sum to S_d).

    Everything averaged here depends on k̂ through the long-wave tensor K(k̂) = K(−k̂), so
    half the sphere with doubled weights is the whole rule. d = 3: Gauss–Legendre in cos θ
    (32 nodes, of which the 16 with cos θ > 0) × the trapezoid rule in φ (64, from φ = 0);
    d = 2: the trapezoid rule on the circle (128 nodes, the 64 of φ < π). For the smooth
    Σ_s h(c_s(k̂)) doubling both changed ⟨g⟩ by 2e-10 relative (fcc Lennard-Jones; 0 for the
    sc and triangular spring models), measured once, not re-checked by a test. φ = 0 is a
    node so that a shear with zero sound velocity along the axes is seen and refused.
    """
    if d == 2:
        phi = 2 * math.pi * np.arange(64) / 128
        return np.stack([np.cos(phi), np.sin(phi)], axis=1), np.full(64, 4 * math.pi / 128)
    x, w = np.polynomial.legendre.leggauss(32)
    x, w = x[16:], 2 * w[16:]  # the nodes are symmetric about 0: cos θ > 0 is the upper half
    phi = 2 * math.pi * np.arange(64) / 64
    ct, ph = np.meshgrid(x, phi, indexing="ij")
    st = np.sqrt(1 - ct**2)
    dirs = np.stack([st * np.cos(ph), st * np.sin(ph), ct], axis=-1).reshape(-1, 3)
    weights = (w[:, None] * np.full(64, 2 * math.pi / 64)[None, :]).ravel()
    return dirs, weights


def _is_real(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def logarithmic_power(potential: Potential, d: int) -> float | None:
    """The power p of a PowerLaw term with p = d (its lattice sum is logarithmic and D(k)
    has a k² ln k term: no sound, no r₀), or None."""
    terms = potential if isinstance(potential, tuple) else (potential,)
    return next((t.p for t in terms if isinstance(t, PowerLaw) and t.p == d), None)
