"""`Crystal`: a geometry and an interaction given as in model files, and its phonon quantities.

The user-facing object of the crystal issue: ``Crystal("fcc", {"kind": "lennard_jones",
"epsilon": 1.0, "sigma": 1.0}, spacing=1.09)`` builds the interaction through
:func:`qcrystal.models.interactions.make` (the model files' own kinds and checks) and hands
it to :class:`~qcrystal.crystal.dynamics.HarmonicCrystal` as power laws (Ewald) or as a
radial function with its derivatives (direct sums). It then answers with all branches:
``frequencies(k)``, ``sound_velocities(direction)``, ``stable``, ``lindemann_ratio(T,
zone=...)`` and ``melting_temperature(zone=...)``, over the whole zone ("exact") or over
the Debye sphere with the crystal's own direction-dependent sound velocities ("debye", the
paper's approximation of (42)).

The filling ν enters as :func:`qcrystal.derivations.phonons.derive_site_dynamics` derives it:
the ν atoms of a site share its displacement u_j (one Wannier state), so a site has mass
νm and two sites interact with ν²U (the pair occupation of (12)); D(k) = (ν/m) Σ_R Φ(R)(1 −
cos k·R) and r₀² = (1/2νm)⟨Σ_s coth(ω_s/2T)/ω_s⟩ is the mean square of the site's
displacement. The paper's (42) has the prefactor νd/(2mρ) = (d/2m)⟨·⟩ instead (the single
atom's mass), ν times this; the two agree at ν = 1.

Smearing. ``smearing="gaussian"`` (the default, the paper's (44)): two sites interact by
U_l, the interaction averaged over their Gaussian densities (29), so that the relative
coordinate spreads by l² per direction (:mod:`.smeared`; every branch of the dynamical
matrix of U_l, not only the trace (44)). The width is l = 1/√(mε) of (29) with ε of (38)
from the optical lattice's ω (``lattice_frequency``, 0 for a self-organised crystal) and
Ω of (36) from the bare lattice sums Σ_R ∂_α²Φ(R) (the trace average over α), unless
``width`` is given. Where the smearing diverges (a core r^(−q) with q ≥ d: Lennard-Jones,
steep power laws, dipoles in a plane) the crystal is of point particles, as (44) must be
read there, and :attr:`Crystal.smearing_note` says so; ``smearing="none"`` asks for point
particles outright.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from scipy import interpolate, optimize

from .dynamics import HarmonicCrystal, PowerLaw, Radial, lennard_jones, logarithmic_power
from .geometry import GEOMETRIES, geometry

__all__ = ["Crystal"]

_ZONES = ("exact", "debye")
# l/a beyond which the smearing is refused (the note warns from 1/2 on)
_MAX_SPREAD = 1.0
_SUPPORTED = ("power_law", "lennard_jones", "rydberg", "gaussian", "custom", "dipolar")


@dataclass(frozen=True)
class Crystal:
    """A Bravais crystal of particles of ``mass`` at nearest-neighbour distance ``spacing``.

    Parameters
    ----------
    geometry : str
        One of chain, square, triangular, cubic, bcc, fcc.
    interaction : mapping
        As the ``[interaction]`` table of a model file, e.g. ``{"kind": "power_law",
        "C": 1.0, "n": 3}``; isotropic kinds, and dipoles perpendicular to a plane
        crystal (C_dd/r³ in the plane); not contact.
    mass, spacing, filling : float
        The atom's mass m, a, and the atoms per site ν > 0 (see the module docstring).
    smearing : str
        "gaussian" (the paper's (44), default) or "none" (point particles).
    width : float, optional
        The Gaussian width l (length); default 1/√(mε) from (29), (36), (38).
    lattice_frequency : float
        ω of an optical lattice (34), which narrows the Gaussians through ε (38); 0 for a
        crystal held by its interaction alone.
    n : int
        Monkhorst–Pack points per direction of the zone averages (even, ≥ 4).
    """

    geometry: str
    interaction: dict
    mass: float = 1.0
    spacing: float = 1.0
    filling: float = 1.0
    smearing: str = "gaussian"
    width: float | None = None
    lattice_frequency: float = 0.0
    n: int = 16
    _harmonic: HarmonicCrystal = field(init=False, repr=False, compare=False)
    smearing_note: str = field(init=False, compare=False, default="")
    width_used: float | None = field(init=False, compare=False, default=None)

    def __post_init__(self) -> None:
        from qcrystal.models import interactions

        if self.geometry not in GEOMETRIES:
            geometry(self.geometry)  # raises with the known names and a suggestion
        if self.smearing not in ("gaussian", "none"):
            raise ValueError(
                f"smearing={self.smearing!r}: 'gaussian' (the paper's (44)) or 'none' (point "
                "particles)"
            )
        for name in ("mass", "spacing", "filling", "width", "lattice_frequency"):
            value = getattr(self, name)
            if name == "width" and value is None:
                continue
            _check_number(name, value, zero_allowed=name == "lattice_frequency")
        if not isinstance(self.interaction, dict) or "kind" not in self.interaction:
            raise ValueError(
                f"interaction must be a mapping with a 'kind' (got {self.interaction!r})"
            )
        kind = self.interaction["kind"]
        if kind not in _SUPPORTED:
            close = difflib.get_close_matches(str(kind), _SUPPORTED, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"interaction kind {kind!r}{hint}: a crystal of point particles needs an "
                f"isotropic pair potential: one of {', '.join(_SUPPORTED)}"
            )
        if self.smearing == "none" and self.width is not None:
            raise ValueError(
                f"width = {self.width!r} is the Gaussian width of smearing='gaussian'; with "
                "smearing='none' (point particles) it would be ignored: drop one of them"
            )
        params = {k: v for k, v in self.interaction.items() if k != "kind"}
        inter = interactions.make(kind, params)
        lattice = geometry(self.geometry, self.spacing)
        nu = float(self.filling)
        bare = _potential(inter, lattice.d)
        p = logarithmic_power(bare, lattice.d)
        if p is not None:  # before any lattice sum: the message names the file's key
            raise ValueError(
                f"interaction n = {p:g} equals d = {lattice.d} ({self.geometry}): the "
                f"lattice sum of r^-{p:g} is logarithmic, its D(k) has a k² ln k term, "
                "so there is no sound velocity and no r₀ of (42); choose n ≠ d"
            )
        potential, note = bare, "point particles (smearing='none')"
        if self.smearing == "gaussian":
            potential, note = self._smeared(inter, lattice, bare)
        object.__setattr__(self, "smearing_note", note)
        # a site: ν atoms of mass m that move together, ν² pairs with every other site
        object.__setattr__(
            self,
            "_harmonic",
            HarmonicCrystal(lattice, _scaled(potential, nu * nu), nu * float(self.mass)),
        )

    def _smeared(self, inter, lattice, bare):
        """U_l as dynamics' terms and the note that says how (module docstring)."""
        from qcrystal.models import functions

        from .smeared import smear_potential

        width = self.width
        why = ""
        if width is None:
            # (36) from the bare sums, (38) with the optical lattice's ω, (29): l = 1/√(mε)
            sums = HarmonicCrystal(lattice, bare, 1.0).force_constant_sum()
            curvature = float(np.trace(sums)) / lattice.d
            omega2 = functions.interaction_frequency_squared(curvature, self.filling, self.mass)
            eps = float(functions.effective_frequency(self.lattice_frequency, omega2))
            if eps > 0:
                width = float(functions.gaussian_width(eps, self.mass))
            else:
                why = (
                    f"ω² + Ω² = {self.lattice_frequency**2 + float(omega2):.4g} ≤ 0 (36), (38): "
                    "no Gaussian (29) to smear with"
                )
        # where the smearing diverges the width is never used: probe with a = spacing
        sm = smear_potential(inter, lattice.d, width or lattice.spacing, bare, lattice.spacing)
        if not sm.smeared:
            return sm.terms, sm.note
        if width is None:
            raise ValueError(f"smearing='gaussian': {why}; give width= or smearing='none'")
        how = "given" if self.width is not None else "1/√(mε) of (29), (36), (38)"
        spread = width / lattice.spacing
        if spread > _MAX_SPREAD:
            raise ValueError(
                f"width: the Gaussian width l = {width:.4g} ({how}) is {spread:.3g} times the "
                f"spacing; above {_MAX_SPREAD:g} a the Gaussians (29) cover many sites, the "
                "localized picture (and U_l of (44)) does not hold and U_l's lattice sums "
                "(cut at 13 l) would need too many lattice vectors; give a smaller width or "
                "smearing='none'"
            )
        object.__setattr__(self, "width_used", width)
        note = f"{sm.note}; l = {width:.6g} ({how}, l/a = {spread:.3g})"
        if spread > 0.5:
            note += (
                "; l/a > 1/2: the Gaussians of neighbouring sites overlap, the localized "
                "picture (and its U_l) is not reliable here"
            )
        return sm.terms, note

    @classmethod
    def from_model(cls, path: str | Path, geometry_name: str | None = None) -> Crystal:
        """The crystal of a model file's interaction, mass and spacing a = λ/2 (first
        direction); the geometry is the file's lattice kind unless ``geometry_name``. The
        optical lattice's ω (34) narrows the Gaussians of the smearing as in the model.
        A file with a [crystal] table (a self-organised crystal: geometry, spacing, no
        optical lattice) gives its own crystal."""
        from qcrystal import models
        from qcrystal.models import crystal_file
        from qcrystal.models.schema import read_text

        if crystal_file.is_crystal_file(read_text(path)):
            if geometry_name is not None:
                raise ValueError(
                    f"{path}: a [crystal] file names its own geometry; geometry_name is for "
                    "optical-lattice model files"
                )
            return crystal_file.load_crystal(path).crystal
        m = models.load(path)
        if len(set(m.spacing)) > 1:
            raise ValueError(
                f"{m.source}: [lattice] spacing {list(m.spacing)} is anisotropic: the "
                f"{geometry_name or m.kind} geometry has one nearest-neighbour distance "
                "(a Bravais crystal of equal spacings); give one wavelength for every direction"
            )
        from qcrystal import numerics

        E_R = models.functions.recoil_energy(models.functions.wave_number(m.wavelength), m.mass)
        omega = float(numerics.lattice_frequency(m.depth[0], E_R[0]))
        return cls(
            geometry_name or m.kind,
            {"kind": m.interaction.kind, **m.interaction.params},
            mass=m.mass,
            spacing=m.spacing[0],
            filling=m.filling,
            lattice_frequency=omega,
        )

    # -- phonons ----------------------------------------------------------------------

    def frequencies(self, k: object) -> NDArray[np.float64]:
        """All branches ω_s(k), ascending; raises UnstableError where some ω² < 0."""
        return self._harmonic.frequencies(k)

    def sound_velocities(self, direction: object) -> NDArray[np.float64]:
        """The long-wave slopes of every branch along ``direction``."""
        return self._harmonic.sound_velocities(direction)

    @property
    def stable(self) -> bool:
        """True if no ω² < 0 on a 12^d zone grid (``stability()`` says where if not)."""
        return bool(self._harmonic.stability(12).stable)

    def stability(self):
        """The stability scan: stable, and the worst k, branch and ω²."""
        return self._harmonic.stability(12)

    # -- the Lindemann ratio of (47) --------------------------------------------------

    def mean_square_displacement(self, T: object, zone: str = "exact") -> NDArray[np.float64]:
        """r₀² of (41)–(42) at temperature(s) T, over the whole zone or the Debye sphere."""
        _check_zone(zone)
        if zone == "exact":
            return np.asarray(self._harmonic.mean_square_displacement(T, self.n).value)
        return self._debye_sphere(np.asarray(T, dtype=float))

    def lindemann_ratio(self, T: object = 0.0, zone: str = "exact") -> NDArray[np.float64]:
        """r₀/a: a localized state needs < 1/2 (47)."""
        return np.sqrt(self.mean_square_displacement(T, zone)) / self.spacing

    def lindemann_error(self, T: object = 0.0) -> NDArray[np.float64]:
        """The error estimate of ``lindemann_ratio(T, zone="exact")``: its change from the
        grid of half as many points per direction (the grid converges like h³ or faster,
        so this overstates the error; the Debye sphere's quadrature is good to ~1e-12)."""
        return np.asarray(self._harmonic.lindemann_ratio(T, self.n).error)

    def melting_temperature(self, zone: str = "exact") -> float:
        """The T where r₀/a = 1/2; 0.0 where r₀/a ≥ 1/2 already at T = 0. From a spline of
        ln r₀² in ln T over 48 temperatures (one vectorized zone average), refined by
        brentq on the spline, then secant steps on the zone average itself until ln T
        moves by < 1e-14."""
        _check_zone(zone)
        target = (0.5 * self.spacing) ** 2
        if self.geometry in ("chain",) or self._harmonic.geometry.d < 3:
            return 0.0  # r₀ diverges at every T > 0 in d ≤ 2, as (52)–(54)
        if self.mean_square_displacement(0.0, zone) >= target:
            return 0.0
        top = 1e4 * float(np.max(self.frequencies(np.full(3, math.pi / self.spacing))))
        Ts = np.geomspace(top * 1e-8, top, 48)
        msd = self.mean_square_displacement(Ts, zone)
        if msd[-1] < target:
            raise ValueError("r₀/a stays below 1/2 up to T = 10⁴ ω_max: no melting point")
        spline = interpolate.CubicSpline(np.log(Ts), np.log(msd))
        low = np.flatnonzero(msd >= target)[0]
        lo = math.log(Ts[max(low - 1, 0)]) if low else math.log(Ts[0]) - 30
        x0 = optimize.brentq(lambda x: spline(x) - math.log(target), lo, math.log(Ts[low]))
        # secant steps on the zone average itself (both points in one vectorized call) take
        # the spline's ~1e-5 down to the average's own accuracy: the first to ~1e-10, the
        # second (rarely a third) to rounding
        step = 1e-3
        for _ in range(4):
            pair = np.exp([x0, x0 + step])
            y = np.log(self.mean_square_displacement(pair, zone)) - math.log(target)
            shift = -y[0] * step / (y[1] - y[0])
            x0 += shift
            if abs(shift) < 1e-14:
                break
            step = max(abs(shift), 1e-7)
        return float(math.exp(x0))

    def _debye_sphere(self, T: NDArray[np.float64]) -> NDArray[np.float64]:
        """(1/2M)(1/V_zone) ∫_{k ≤ k_D} Σ_s coth(c_s k/2T)/(c_s k) dᵈk, c_s(k̂) the crystal's
        own sound velocities: the paper's Debye approximation of (42), all branches.

        Along one direction a branch is the paper's isotropic Debye spectrum with T_D = c_s
        k_D, so the sphere is the average over directions (the sphere rule) of 1/d times
        the paper's r₀² (48) for each branch: the generated ``numerics.lindemann_ratio``,
        one call for every (direction, branch, T), instead of a radial quadrature of its own.
        """
        from qcrystal import numerics

        h = self._harmonic
        g = h.geometry
        d = g.d
        if d == 1 or (d == 2 and np.any(T > 0)):
            raise ValueError(f"r₀² over the Debye sphere diverges in d = {d} at this T")
        if h.plasmon is not None:
            raise ValueError(
                'zone="debye": the longitudinal branch of this crystal is a plasmon (ω_L² → '
                f"{h.plasmon[0]:.6g}|k|^{h.plasmon[1]:g}, the long-range r^-p, p < d), not "
                "sound: the Debye sphere of (42) needs a sound velocity on every branch; use "
                'zone="exact"'
            )
        _, w, c2 = h.sphere_velocities_squared()
        t_d = np.sqrt(c2).ravel() * g.debye_wavenumber  # (m·d,): one T_D per direction, branch
        weight = np.repeat(w, d) / (d * float(np.sum(w)))
        e_k = 1.0 / (2.0 * h.mass * g.spacing**2)  # E_K of (50) with the site mass
        ratio = numerics.lindemann_ratio(t_d[:, None], e_k, T.ravel()[None, :], d)
        return (g.spacing**2 * (weight @ ratio**2)).reshape(T.shape)


def _scaled(
    potential: PowerLaw | Radial | tuple[PowerLaw | Radial, ...], factor: float
) -> PowerLaw | Radial | tuple[PowerLaw | Radial, ...]:
    """The potential times ``factor`` (the pair occupation ν² of a site pair)."""
    if factor == 1.0:
        return potential
    if isinstance(potential, tuple):
        return tuple(_scaled(t, factor) for t in potential)  # type: ignore[misc]
    if isinstance(potential, PowerLaw):
        return replace(potential, C=potential.C * factor)
    u, du, d2u = potential.u, potential.du, potential.d2u
    return replace(
        potential,
        u=lambda r: factor * u(r),
        du=lambda r: factor * du(r),
        d2u=lambda r: factor * d2u(r),
    )


def _check_number(name: str, value: object, zero_allowed: bool) -> None:
    """A finite real number > 0 (≥ 0 where ``zero_allowed``), else a ValueError naming it."""
    good = False
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        good = value >= 0 if zero_allowed else value > 0
    if not good:
        bound = ">= 0" if zero_allowed else "> 0"
        raise ValueError(f"{name} must be a finite number {bound} (got {value!r})")


def _check_zone(zone: str) -> None:
    if zone not in _ZONES:
        raise ValueError(f'zone must be "exact" or "debye" (got {zone!r})')


def _potential(inter, d: int) -> PowerLaw | Radial | tuple[PowerLaw | Radial, ...]:
    """The model interaction as dynamics' potentials: power laws by Ewald, the rest radial."""
    if inter.kind == "dipolar":
        # C_dd (1 − 3 cos²θ)/r³: in a plane perpendicular to the dipoles, C_dd/r³
        e = inter.params["direction"]
        if d != 2 or abs(abs(e[2]) - 1.0) > 1e-12:
            raise ValueError(
                "dipolar: a crystal needs dipoles perpendicular to a 2D lattice (direction "
                f"[0, 0, 1]; got {e} in d = {d}): otherwise the pair potential is not central"
            )
        return PowerLaw(float(inter.params["C_dd"]), 3.0)
    if inter.kind == "power_law":
        p = float(inter.params["n"])
        # p ≤ d − 2 (Coulomb in 3D): summable only against a neutralising background
        return PowerLaw(float(inter.params["C"]), p, background=p <= d - 2)
    if inter.kind == "lennard_jones":
        return lennard_jones(float(inter.params["epsilon"]), float(inter.params["sigma"]))
    if inter.profile is None:
        raise ValueError(f"interaction kind {inter.kind!r} is not isotropic: no crystal of it")
    r = next(iter(inter.profile.free_symbols))
    profile, tail = inter.profile, None
    p = inter.far_power
    if p is not None and math.isfinite(p):
        # a power-law tail C r^(−p) goes to Ewald; the rest falls faster and is summed directly
        C = sp.limit(profile * r**p, r, sp.oo)
        if C.is_finite and C != 0:
            tail = PowerLaw(float(C), float(p))
            profile = sp.simplify(profile - C / r**p)
    u, du, d2u = (
        sp.lambdify(r, sp.diff(profile, r, k), "numpy") for k in range(3)
    )  # the profile Φ(r) (less its tail) and its first two derivatives, from SymPy
    decay = math.inf if p is None else (float(p) + 1.0 if tail else float(p))
    radial = Radial(u, du, d2u, decay=decay)
    return (tail, radial) if tail else radial
