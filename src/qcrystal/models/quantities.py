"""Every quantity of the paper for one model: lattice sums, ε, J, D, T_D, r₀/a, T_melt.

:func:`quantities` evaluates a :class:`~qcrystal.models.schema.Model` at its own depth and
temperature with reference-grade methods (lattice sums to 1e-8 with their error, the
smearing of (44) by adaptive quadrature), and returns the values with their units,
equations and the notes that qualify them. The paper's formulas are the generated
numerics; nothing is retyped here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import sympy as sp

from qcrystal import numerics

from . import interactions
from .functions import (
    effective_frequency,
    gaussian_width,
    interaction_frequency_squared,
    kinetic_energy,
    localized_or_raise,
    recoil_energy,
    wave_number,
)
from .hubbard import HubbardNumbers, hubbard_numbers
from .lattice_sums import Lattice, LatticeSumError, SumResult, lattice_sum
from .schema import Model, ModelError
from .smearing import UNRELIABLE, dynamic_parameter, expansion, laplacian_curvatures

__all__ = ["Quantities", "Quantity", "lattice_curvature", "quantities"]

# A lattice sum that is slow to reach 1e-8 (∂²Φ ~ r^-5 in 3D) is reported with the error it
# reached, down to this, instead of refused: every quantity here is far less certain.
_SUM_ACCEPT = 1e-6


@dataclass(frozen=True)
class Quantity:
    """One value of the paper for a model, with its unit, equation and meaning."""

    symbol: str
    value: float | tuple[float, ...]
    unit: str
    equation: str
    meaning: str = ""


@dataclass(frozen=True)
class Quantities:
    """A model's quantities in the order shown, and the notes that qualify them."""

    model: Model
    values: tuple[Quantity, ...]
    notes: tuple[str, ...]
    hubbard: HubbardNumbers | None = None  # the standard lattice numbers beside the paper's

    def __iter__(self) -> Iterator[Quantity]:
        return iter(self.values)

    def __getitem__(self, symbol: str) -> float | tuple[float, ...]:
        return self.get(symbol).value

    def scalar(self, symbol: str) -> float:
        """A quantity that is one number (E_K, D, T_D, …)."""
        value = self[symbol]
        if isinstance(value, tuple):
            raise TypeError(f"{symbol} has one value per direction; use .vector()")
        return float(value)

    def vector(self, symbol: str) -> tuple[float, ...]:
        """A quantity with one value per direction (ω, ε, l, …)."""
        value = self[symbol]
        return value if isinstance(value, tuple) else (float(value),)

    def get(self, symbol: str) -> Quantity:
        for q in self.values:
            if q.symbol == symbol:
                return q
        raise KeyError(f"no quantity {symbol!r}; known: {', '.join(q.symbol for q in self.values)}")

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notes that say a value cannot be trusted here (an expansion outside its range,
        overlapping Gaussians), which commands built on these values repeat."""
        return tuple(n for n in self.notes if UNRELIABLE in n)


def _sum(model: Model, expr: sp.Expr, what: str, power: float | None) -> SumResult:
    f = interactions.to_numpy(expr, interactions.X)
    precise = sp.lambdify(interactions.X, expr, "mpmath") if power is None else None
    try:
        return lattice_sum(
            f,
            Lattice(model.spacing),
            power=power,
            precise=precise,
            angular_mean_zero=model.interaction.angular_mean_zero,
            accept=_SUM_ACCEPT,
            what=what,
        )
    except LatticeSumError as exc:
        raise LatticeSumError(f"{model.source}: {exc}") from exc


def _curvature_sums(model: Model) -> tuple[np.ndarray, list[str]]:
    """Σ_j ∂²Φ(r_j)/∂x_α² over the lattice (j ≠ 0), one per direction, and their notes."""
    inter, d = model.interaction, model.d
    if inter.onsite_only:
        return np.zeros(d), []
    far = inter.far_power
    out, notes = np.empty(d), []
    for alpha in range(d):
        second = sp.diff(inter.phi, interactions.X[alpha], 2)
        res = _sum(model, second, f"Σ_j ∂²Φ/∂x_{alpha + 1}² (36)", None if far is None else far + 2)
        out[alpha] = res.value
        if res.note:
            notes.append(res.note)
    return out, notes


def lattice_curvature(model: Model) -> np.ndarray:
    """Σ_j ∂²Φ(r_j)/∂x_α² of (36), one per direction (Ω_α² = 2ν/m × this)."""
    return _curvature_sums(model)[0]


def quantities(model: Model) -> Quantities:
    """ω_α, E_R, E_K, Ω_α, ε_α, l_α, nearest-neighbour J, u₀, D, c₀, T_D, r₀/a, T_melt."""
    d, m, nu = model.d, model.mass, model.filling
    a = np.array(model.spacing)
    k0 = wave_number(model.wavelength)
    E_R = recoil_energy(k0, m)
    U = np.array(model.depth)
    omega = numerics.lattice_frequency(U, E_R)
    out = [
        Quantity("E_R", tuple(E_R), "energy", "(34)", "recoil energy k₀²/2m"),
        Quantity("ω", tuple(omega), "energy", "(34)", "harmonic lattice frequency"),
    ]
    inter = model.interaction
    sums, notes = _curvature_sums(model)
    omega2_int = interaction_frequency_squared(sums, nu, m)
    omega2_nn = np.zeros(d)
    if inter.onsite_only:
        u0 = 0.0
        notes.append("contact interaction: no intersite part, Ω = u₀ = D = 0")
    else:
        neighbours = np.zeros((2 * d, 3))
        for beta in range(d):
            neighbours[2 * beta, beta], neighbours[2 * beta + 1, beta] = a[beta], -a[beta]
        for alpha in range(d):
            second = sp.diff(inter.phi, interactions.X[alpha], 2)
            curv = interactions.to_numpy(second, interactions.X)
            omega2_nn[alpha] = interaction_frequency_squared(np.sum(curv(*neighbours.T)), nu, m)
        try:
            res0 = _sum(model, inter.phi, "Σ_j Φ(r_j) (37)", inter.far_power)
            u0 = nu * res0.value
            if res0.note:
                notes.append(res0.note)
        except LatticeSumError as exc:
            u0 = math.nan
            notes.append(f"u₀ not reported: {exc}")
    localized_or_raise(omega, omega2_int, model.source)
    eps = effective_frequency(omega, omega2_int)
    if model.omega == "smeared" and not inter.onsite_only:
        eps, omega2_int, note = _self_consistent(model, omega, eps)
        notes.append(note)
    l_width = gaussian_width(eps, m)
    spread = float(np.max(l_width / a))
    if spread > 0.5:
        notes.append(
            f"l/a = {spread:.2g} > 1/2: the Gaussians (29) of neighbouring sites overlap, so "
            f"the localized picture, and J_nn, D and T_D built on it, are {UNRELIABLE}"
        )
    out += [
        Quantity("Ω²", tuple(omega2_int), "energy²", "(36)", "interaction curvature, 2ν/m Σ∂²Φ"),
        Quantity("Ω²_nn", tuple(omega2_nn), "energy²", "(36)", "the same, nearest neighbours only"),
        Quantity("ε", tuple(eps), "energy", "(38)", "effective frequency √(ω² + Ω²)"),
        Quantity("l", tuple(l_width), "length", "(29)", "Gaussian width 1/√(mε)"),
        Quantity("u₀", u0, "energy", "(37)", "ν Σ Φ(r_j)"),
    ]
    hop = []
    for alpha in range(d):
        r = np.zeros(d)
        r[alpha] = a[alpha]
        hop.append(float(numerics.gaussian_hopping(r, eps, U, k0, m)))
    out.append(Quantity("J_nn", tuple(hop), "energy", "(7)", "nearest-neighbour J, Gaussian"))
    pure = None
    if np.any(omega2_int != 0) and np.all(omega > 0):
        # the same ansatz in the pure lattice (ε = ω), to compare it with the exact band
        pure = []
        for alpha in range(d):
            r = np.zeros(d)
            r[alpha] = a[alpha]
            pure.append(float(numerics.gaussian_hopping(r, omega, U, k0, m)))
    hubbard = hubbard_numbers(model, l_width, tuple(hop), None if pure is None else tuple(pure))
    notes.extend(hubbard.notes)
    out += _hubbard_rows(hubbard, tuple(hop))
    E_K = kinetic_energy(a[0], m)
    out.append(Quantity("E_K", E_K, "energy", "(50)", "1/(2ma²), a = a₁"))
    if len(set(model.spacing)) > 1:
        notes.append("section 4 assumes one spacing a: phonon quantities use a = a₁")
    D, d_note = dynamic_parameter(model, l_width)
    if d_note:
        notes.append(d_note)
    out.append(Quantity("D", D, "energy/length²", "(44)", "(ν²/d) ∇²U(a), U smeared by (29)"))
    if D > 0:
        c0 = float(numerics.sound_velocity(nu, D, m, a[0]))
        T_D = float(numerics.debye_temperature(nu, D, m, d))
        ratio = float(numerics.lindemann_ratio(T_D, E_K, model.temperature, d))
        T_m = float(numerics.melting_temperature(T_D, E_K, d))
        # the paper's own spectrum (43) over the whole zone, beside its Debye sphere
        zone_ratio = float(numerics.lindemann_ratio(T_D, E_K, model.temperature, d, zone="exact"))
        zone_T_m = float(numerics.melting_temperature(T_D, E_K, d, zone="exact"))
        notes += _zone_notes(T_D / E_K, ratio, zone_ratio, d)
    else:
        c0, T_D, ratio, T_m, zone_ratio, zone_T_m = 0.0, 0.0, math.inf, 0.0, math.inf, 0.0
        notes.append("D ≤ 0: no restoring force between sites, no phonons (T_D = 0, r₀/a = ∞)")
    notes += _branch_stability(model)
    if model.phonons == "with_lattice":
        gap_rows, gap_notes = _with_lattice(model, U, k0, eps, T_D, E_K)
        notes += gap_notes
    else:
        gap_rows = []
    out += [
        Quantity("c₀", c0, "energy·length", "(46)", "sound velocity a√(νD/m)"),
        Quantity("T_D", T_D, "energy", "(49)", "Debye temperature (derived form)"),
        Quantity(
            "r₀/a",
            ratio,
            "1",
            "(47)",
            "Lindemann ratio at the file's T, Debye sphere",
        ),
        Quantity("T_melt", T_m, "energy", "(47)", "r₀/a = 1/2; 0 if none survives T > 0"),
        Quantity("r₀/a zone", zone_ratio, "1", "(42)", "the same over the whole zone of (43)"),
        Quantity("T_melt zone", zone_T_m, "energy", "(47)", "r₀/a zone = 1/2"),
        *gap_rows,
    ]
    return Quantities(model, tuple(out), tuple(notes), hubbard)


def _hubbard_rows(h: HubbardNumbers, hop: tuple[float, ...]) -> list[Quantity]:
    """The standard Bose–Hubbard numbers beside the paper's (:mod:`.hubbard`) as rows."""
    rows = [
        Quantity(
            "J_exact", h.J_exact, "energy", "", "nearest-neighbour J, exact band (pure lattice)"
        ),
        Quantity("J_gauss", hop, "energy", "(7)", "the paper's Gaussian J_nn, beside J_exact"),
    ]
    if h.U_exact is not None and h.U_gauss is not None and h.U_over_J is not None:
        rows += [
            Quantity("U_onsite", h.U_exact, "energy", "(10)", "g ∫ w⁴, exact Wannier functions"),
            Quantity("U_gauss", h.U_gauss, "energy", "(10)", "g ∫ w⁴, the Gaussians (29)"),
            Quantity("U/J", h.U_over_J, "1", "", "U_onsite / J_exact (first direction)"),
        ]
    return rows


def _branch_stability(model: Model) -> list[str]:
    """For a power law on an isotropic lattice: are point particles with this Φ stable when
    every branch counts (qcrystal.crystal), not only the trace average of (43)–(44)?"""
    inter = model.interaction
    if inter.kind != "power_law" or model.d < 2 or len(set(model.spacing)) > 1:
        return []
    from qcrystal.crystal import HarmonicCrystal, PowerLaw, geometry

    C, n = float(inter.params["C"]), float(inter.params["n"])
    if not (C > 0 and n > model.d):
        return []
    crystal = HarmonicCrystal(geometry(model.kind, model.spacing[0]), PowerLaw(C, n), model.mass)
    found = crystal.stability(8)
    if found.stable:
        return []
    k = ", ".join(f"{v:.3g}" for v in found.k)
    return [
        f"all branches, not the trace average of (43)–(44): point particles with this Φ on "
        f"the {model.kind} lattice are unstable (ω² = {found.omega2:.3g} at k = ({k}), "
        f"branch {found.branch}); only the optical lattice holds them (see phonons = "
        '"with_lattice")'
    ]


def _with_lattice(
    model: Model, U: np.ndarray, k0: np.ndarray, eps: np.ndarray, T_D: float, E_K: float
) -> tuple[list[Quantity], list[str]]:
    """The rows of ``phonons = "with_lattice"``: the gap of the optical lattice's on-site
    force (first direction, as section 4 takes a = a₁) and r₀/a, T_melt with it."""
    from . import lattice_phonons as lp

    gap = lp.gap_frequency(float(U[0]), float(k0[0]), model.mass, float(eps[0]))
    d, T = model.d, model.temperature
    rows = [Quantity("ω_g", gap, "energy", "", "on-site gap of U_L: ω² e^(−k₀²/(mε))")]
    notes = []
    if not gap > 0:
        return rows, ["phonons with_lattice: the depth gives no gap (U = 0)"]
    for zone, label in (("debye", "Debye sphere"), ("exact", "whole zone")):
        suffix = "" if zone == "debye" else " zone"
        rows += [
            Quantity(
                f"r₀/a +L{suffix}", lp.lindemann_ratio(T_D, E_K, T, d, gap, zone), "1", "",
                f"r₀/a with the lattice gap, {label}",
            ),
            Quantity(
                f"T_melt +L{suffix}", lp.melting_temperature(T_D, E_K, d, gap, zone), "energy",
                "", f"r₀/a +L{suffix} = 1/2",
            ),
        ]  # fmt: skip
    notes.append(
        "phonons with_lattice: the optical lattice's on-site force puts a gap ω_g under every "
        "branch (the paper drops it); r₀/a +L stays finite in every dimension"
    )
    return rows, notes


def _zone_notes(ratio_TD_EK: float, debye: float, zone: float, d: int) -> list[str]:
    """Say where the paper's Debye sphere is far (> 5 %) from its own spectrum over the zone."""
    if not (math.isfinite(debye) and math.isfinite(zone)) or abs(zone / debye - 1) <= 0.05:
        return []
    sphere = float(numerics.lindemann_threshold(d))
    whole = float(numerics.lindemann_threshold(d, zone="exact"))
    return [
        f"the paper's Debye sphere gives r₀/a = {debye:.3g}; its own spectrum (43) over the "
        f"whole zone gives {zone:.3g} ({zone / debye - 1:+.0%}); the T = 0 bound on T_D/E_K "
        f"(here {ratio_TD_EK:.3g}) is {sphere:g} over the sphere and {whole:.4g} over the zone"
    ]


def _self_consistent(
    model: Model, omega: np.ndarray, eps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, str]:
    """ε_α = √(ω_α² + Ω_α²(l)) with Ω from the smeared interaction, l = 1/√(mε): a fixed point.

    Smearing by the Gaussians (29), to second order in l² (the gradient expansion, l ≪ a):
    Ω_α²(l) = (2ν/m)[S2 + h S4 + (h²/2) S6], h = l²/2, with S2, S4, S6 the lattice sums of
    ∂²_αΦ, ∂²_α∇²Φ, ∂²_α∇⁴Φ. Iterated from the bare solution until ε changes by < 1e-14;
    an ω² + Ω² ≤ 0 on the way, or no convergence in 200 steps, is a ModelError. The first
    omitted term (h³/6) S8 gives the stated uncertainty of ε; a steep core (h∇² not small)
    makes it large, and the note shows it.
    """
    inter, d, m, nu = model.interaction, model.d, model.mass, model.filling
    far = inter.far_power
    sums = np.empty((4, d))
    for k, curvatures in enumerate(laplacian_curvatures(inter, d, 3)):
        for alpha in range(d):
            power = None if far is None else far + 2 + 2 * k
            sums[k, alpha] = _sum(model, curvatures[alpha], f"Σ_j ∂²∇^{2 * k}Φ", power).value
    for step in range(1, 201):
        h = 1 / (2 * m * eps)
        omega2_int = interaction_frequency_squared(expansion(list(sums[:3]), h), nu, m)
        if not np.all(omega**2 + omega2_int > 0):
            raise ModelError(
                f"{model.source}: no self-consistent ε with the smeared Ω: ω² + Ω²(l) ≤ 0 at "
                f"step {step} (ε = {eps.tolist()})"
            )
        new = effective_frequency(omega, omega2_int)
        change = float(np.max(np.abs(new - eps) / new))
        eps = new
        if change < 1e-14:
            # The first omitted term, (h³/6) S8, moves ε by about its share of ε²/(2ε).
            omitted = interaction_frequency_squared(h**3 / 6 * sums[3], nu, m)
            err = float(np.max(np.abs(omitted) / (2 * eps)))
            note = (
                f"Ω from Φ smeared by (29) (gradient expansion to l⁴), self-consistent in ε: "
                f"converged in {step} iterations (last change {change:.1e}); the expansion "
                f"leaves ε uncertain by ≈ {err:.2g} (first omitted term)"
            )
            return eps, omega2_int, note
    raise ModelError(
        f"{model.source}: the self-consistent ε did not converge in 200 iterations "
        f'(last relative change {change:.1e}); use omega = "bare"'
    )
