"""A model's quantities as vectorized functions of the lattice depth U (and T).

:class:`DepthFunctions` holds what a model fixes — mass, filling, spacing, k₀, the lattice
sums of (36), the smearing of (44) — and evaluates ε, l, J, D, T_D, r₀/a and T_m over
arrays of depths through the generated numerics. Phase diagrams build it in process
(:meth:`DepthFunctions.from_model`); ``qcrystal codegen --model`` writes a module that
builds the same object from printed constants, so both run the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qcrystal import numerics
from qcrystal.numerics.validate import as_float

from .smearing import Smearing

__all__ = [
    "DepthFunctions",
    "effective_frequency",
    "gaussian_width",
    "interaction_frequency_squared",
    "kinetic_energy",
    "localized_or_raise",
    "recoil_energy",
    "wave_number",
]


def wave_number(wavelength: ArrayLike) -> NDArray[np.float64]:
    """k₀ = 2π/λ of the lattice (2) [1/length]."""
    return np.asarray(2 * np.pi / np.asarray(wavelength, dtype=np.float64))


def recoil_energy(k0: ArrayLike, mass: float) -> NDArray[np.float64]:
    """E_R = k₀²/2m of (34) [energy]."""
    return np.asarray(np.asarray(k0, dtype=np.float64) ** 2 / (2 * mass))


def kinetic_energy(spacing: float, mass: float) -> float:
    """E_K = 1/(2ma²) of (50) [energy], a the nearest-neighbour distance (inf or 0 beyond
    float64, for the caller to refuse)."""
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        return float(1 / (2 * mass * np.float64(spacing) ** 2))


def interaction_frequency_squared(
    curvature: ArrayLike, filling: float, mass: float
) -> NDArray[np.float64]:
    """Ω_α² = (2ν/m) Σ_j ∂²Φ(r_j)/∂x_α² of (36), from the lattice sums [energy²]."""
    return np.asarray(2 * filling / mass * np.asarray(curvature, dtype=np.float64))


def localized_or_raise(
    omega: ArrayLike, Omega_squared: ArrayLike, where: str, depths: ArrayLike | None = None
) -> None:
    """A ModelError (naming ``where``) unless ε² = ω² + Ω² > 0 everywhere (38).

    ``depths``, when given, are the depths U along the first axis of ``omega``, and the
    message names the deepest U that holds no localized state.
    """
    from .schema import ModelError

    omega = np.asarray(omega, dtype=np.float64)
    omega2 = np.asarray(Omega_squared, dtype=np.float64)
    with np.errstate(over="ignore"):  # ω² = inf at depths near 1e308 is still > 0
        eps2 = omega**2 + omega2
    if np.all(eps2 > 0):
        return
    if depths is not None:
        bad = np.any(eps2 <= 0, axis=tuple(range(1, eps2.ndim)))
        deepest = float(np.asarray(depths)[bad].max())
        raise ModelError(
            f"{where}: ω² + Ω² ≤ 0 for U ≤ {deepest:.6g}: no localized state (38) there; "
            "start the depths above it"
        )
    if not np.any(omega2 < 0):
        raise ModelError(
            f"{where}: ε² = ω² + Ω² = {eps2.tolist()}: no lattice depth and no intersite "
            "curvature, so nothing holds the atoms at the sites (38); the depth must be > 0 "
            "in every direction"
        )
    raise ModelError(
        f"{where}: ω² + Ω² = {eps2.tolist()} ≤ 0: the interaction pulls the lattice apart "
        "faster than the optical lattice holds it; no localized state (38)"
    )


def effective_frequency(omega: ArrayLike, Omega_squared: ArrayLike) -> NDArray[np.float64]:
    """ε_α of (38) from ω_α and Ω_α², where Ω_α² may be negative (a softening interaction).

    For Ω² ≥ 0 this is the generated, overflow-safe :func:`qcrystal.effective_frequency`
    of ω and √Ω²; for Ω² < 0, ε² = (ω − |Ω|)(ω + |Ω|). Where ε² ≤ 0 the result is NaN
    (no localized state; the callers say so).
    """
    omega = np.asarray(omega, dtype=np.float64)
    omega2 = np.asarray(Omega_squared, dtype=np.float64)
    size = np.sqrt(np.abs(omega2))
    hard = numerics.effective_frequency(omega, np.where(omega2 >= 0, size, 0.0))
    with np.errstate(invalid="ignore"):
        # √(ω − |Ω|)·√(ω + |Ω|): the product itself overflows for ω near 1e154 and up
        soft = np.sqrt(omega - size) * np.sqrt(omega + size)
    return np.where(omega2 >= 0, hard, soft)


def gaussian_width(eps: ArrayLike, mass: float) -> NDArray[np.float64]:
    """l_α = 1/√(m ε_α), the width of the Gaussian (29) [length]."""
    return 1 / np.sqrt(mass * np.asarray(eps, dtype=np.float64))


@dataclass(frozen=True)
class DepthFunctions:
    """The paper's quantities of one model against the depth U (same in every direction).

    ``curvature`` holds Σ_j ∂²Φ(r_j)/∂x_α² per direction (j ≠ 0), so Ω_α² = (2ν/m) × it.
    """

    d: int
    mass: float
    filling: float
    spacing: float
    k0: float
    curvature: tuple[float, ...]
    smearing: Smearing

    @classmethod
    def from_model(cls, model: object) -> DepthFunctions:
        """Built from a model file's :class:`~qcrystal.models.Model` (lattice sums and
        the smearing plan computed once)."""
        from .quantities import lattice_curvature
        from .schema import Model
        from .smearing import plan

        if not isinstance(model, Model):
            raise TypeError(f"expected a qcrystal.models.Model (got {type(model).__name__})")
        if len(set(model.spacing)) > 1 or len(set(model.wavelength)) > 1:
            raise ValueError(
                f"{model.source}: the depth functions need one spacing for every direction"
            )
        smearing, _ = plan(model)
        return cls(
            model.d,
            model.mass,
            model.filling,
            model.spacing[0],
            float(wave_number(model.wavelength[0])),
            tuple(float(v) for v in lattice_curvature(model)),
            smearing,
        )

    @property
    def E_R(self) -> float:
        """Recoil energy k₀²/2m of (34)."""
        return float(recoil_energy(self.k0, self.mass))

    @property
    def E_K(self) -> float:
        """Kinetic energy 1/(2ma²) of (50)."""
        return kinetic_energy(self.spacing, self.mass)

    def omega_squared(self) -> NDArray[np.float64]:
        """Ω_α² = (2ν/m) Σ_j ∂²Φ/∂x_α² of (36), one per direction."""
        return interaction_frequency_squared(self.curvature, self.filling, self.mass)

    def effective_frequency(self, U: ArrayLike) -> NDArray[np.float64]:
        """ε_α of (38) [energy]; the last axis runs over the d directions."""
        U = as_float("U", U, "nonnegative")
        omega = numerics.lattice_frequency(U, self.E_R)[..., np.newaxis]
        omega2 = self.omega_squared()
        localized_or_raise(
            omega, omega2, "the model's depth functions", np.ravel(U) if U.ndim == 1 else None
        )
        return effective_frequency(omega, omega2)

    def gaussian_width(self, U: ArrayLike) -> NDArray[np.float64]:
        """l_α = 1/√(m ε_α) of (29) [length]; the last axis runs over the d directions."""
        return gaussian_width(self.effective_frequency(U), self.mass)

    def hopping(self, U: ArrayLike) -> NDArray[np.float64]:
        """Nearest-neighbour J along the first axis, Gaussian ansatz (7), derived form."""
        U = as_float("U", U, "nonnegative")
        eps = self.effective_frequency(U)
        r = np.zeros(eps.shape)
        r[..., 0] = self.spacing
        depth = np.broadcast_to(U[..., np.newaxis], eps.shape)
        return numerics.gaussian_hopping(r, eps, depth, np.full(eps.shape, self.k0), self.mass)

    def dynamic_parameter(self, U: ArrayLike) -> NDArray[np.float64]:
        """D = (ν²/d) ∇²U(a) of (44), U(a) smeared by the Gaussians [energy/length²]."""
        width = self.gaussian_width(U)[..., 0]
        return self.filling**2 / self.d * self.smearing.laplacian(width)

    def debye_temperature(self, U: ArrayLike) -> NDArray[np.float64]:
        """T_D = c₀k_D (the derived (49)) [energy]; 0 where D ≤ 0 (no phonons)."""
        dyn = self.dynamic_parameter(U)
        stiff = np.where(dyn > 0, dyn, 0.0)
        return numerics.debye_temperature(self.filling, stiff, self.mass, self.d)

    def lindemann_ratio(
        self, U: ArrayLike, T: ArrayLike, zone: str = "debye"
    ) -> NDArray[np.float64]:
        """r₀/a at temperature T (47); inf where there are no phonons (T_D = 0). ``zone``:
        r₀ over the Debye sphere (the paper's) or the whole zone of (43) ("exact")."""
        T = as_float("T", T, "nonnegative")
        t_d = self.debye_temperature(U)
        ratio = numerics.lindemann_ratio(
            np.where(t_d > 0, t_d, 1.0), self.E_K, T, self.d, zone=zone
        )
        return np.where(t_d > 0, ratio, np.inf)

    def melting_temperature(self, U: ArrayLike, zone: str = "debye") -> NDArray[np.float64]:
        """T at which r₀/a = 1/2 [energy]; 0 where no localized state survives T > 0."""
        t_d = self.debye_temperature(U)
        melt = numerics.melting_temperature(
            np.where(t_d > 0, t_d, 1.0), self.E_K, self.d, zone=zone
        )
        return np.where(t_d > 0, melt, 0.0)
