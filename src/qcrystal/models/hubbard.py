"""The standard Bose–Hubbard numbers of the separable lattice (2), beside the paper's.

The paper's tunneling J_ij (7) is that of its Gaussian ansatz (29), and for an integer
filling at T = 0 it leaves the state to the onsite interaction. A physicist comparing with
an experiment expects the standard numbers of the same lattice as well:

* **J_exact**: the nearest-neighbour tunneling of the exact lowest band of U sin²(k₀x),
  direction by direction (:func:`qcrystal.accuracy.bands.exact_hopping`, s = U/E_R). It is
  the pure lattice's: the interaction's Ω, which the Gaussian J feels through ε, is not in
  it. In deep lattices the Gaussian J falls far below it (a Gaussian tail where the true
  Wannier function's is exponential): for s = 10 by 5.5×, for s = 40 by 14×.
* **U_onsite**, for a contact interaction g δ(r) only: U = g ∫ w⁴ dᵈr, with the exact
  Wannier function w = Π_α w_α(x_α) (:func:`~qcrystal.accuracy.bands.wannier_overlap`)
  and, beside it, the Gaussian (29), ∫ w⁴ = Π_α 1/(√(2π) l_α).
* **U/J** from the exact U and the exact J (first direction), and the superfluid–Mott
  insulator point of the Bose–Hubbard model at filling ν = 1 and T = 0 from the published
  critical values :data:`MOTT_POINTS` (quantum Monte Carlo in 2D and 3D, DMRG in 1D). At a
  non-integer filling the Bose–Hubbard ground state is superfluid at every U/J; for integer
  ν ≥ 2 no published point is used here and the output says so.

Energies are in the model's units (ħ = 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .schema import Model

__all__ = [
    "MOTT_POINTS",
    "HubbardNumbers",
    "MottPoint",
    "OnsiteOverDepth",
    "hubbard_numbers",
    "mott_point",
    "onsite_over_depth",
]


@dataclass(frozen=True)
class MottPoint:
    """(U/J)_c of the Bose–Hubbard model at unit filling, T = 0, and where it comes from."""

    critical: float
    source: str


MOTT_POINTS = {
    1: MottPoint(
        1 / 0.297,
        "Kühner, White and Monien, Phys. Rev. B 61, 12474 (2000), DMRG: (J/U)_c = 0.297 "
        "(Ejima, Fehske and Gebhard, EPL 93, 30002 (2011) find 0.305)",
    ),
    2: MottPoint(
        16.74,
        "Capogrosso-Sansone, Söyler, Prokof'ev and Svistunov, Phys. Rev. A 77, 015602 "
        "(2008), quantum Monte Carlo, square lattice",
    ),
    3: MottPoint(
        29.34,
        "Capogrosso-Sansone, Prokof'ev and Svistunov, Phys. Rev. B 75, 134302 (2007), "
        "quantum Monte Carlo, simple cubic lattice",
    ),
}
# A Gaussian J more than this factor off the exact one is called out in the notes.
_FAR_OFF = 2.0


@dataclass(frozen=True)
class HubbardNumbers:
    """The exact-band J per direction, the onsite U both ways, U/J and the Mott verdict."""

    J_exact: tuple[float, ...]
    U_exact: float | None
    U_gauss: float | None
    U_over_J: float | None
    mott: str | None  # "Mott insulator", "superfluid" or None (no criterion applies)
    notes: tuple[str, ...]
    mott_note: str | None = None  # the verdict and its source, or why there is none


def hubbard_numbers(
    model: Model,
    width: np.ndarray,
    J_gauss: tuple[float, ...],
    J_gauss_lattice: tuple[float, ...] | None = None,
) -> HubbardNumbers:
    """The standard numbers of ``model``'s lattice; ``width`` is l_α of (29), ``J_gauss``
    the paper's nearest-neighbour J per direction and ``J_gauss_lattice`` the same with
    ε = ω (the pure lattice; None where Ω = 0 and the two are one)."""
    from qcrystal.accuracy import bands

    from .functions import recoil_energy, wave_number

    E_R = recoil_energy(wave_number(model.wavelength), model.mass)
    s = np.asarray(model.depth) / E_R
    notes: list[str] = []
    if not np.all(s > 0):
        notes.append("no lattice (U = 0): no band J, no onsite U")
        return HubbardNumbers(tuple(math.nan for _ in s), None, None, None, None, tuple(notes))
    if np.any(s > bands.MAX_DEPTH):
        notes.append(
            f"s = U/E_R = {float(np.max(s)):.3g} is beyond the exact-band solver's range "
            f"(s ≤ {bands.MAX_DEPTH:g}, where J ~ e^(−2√s) is long lost in rounding): no "
            "J_exact, no exact-Wannier U"
        )
        return HubbardNumbers(tuple(math.nan for _ in s), None, None, None, None, tuple(notes))
    J_exact = tuple(float(v) for v in bands.exact_hopping(s) * E_R)
    lost = np.asarray(J_exact) / E_R < bands.hopping_resolution(s)
    if np.any(lost):
        notes.append(
            f"at s = U/E_R = {float(np.max(s)):.3g} the exact-band J is below the solver's "
            "resolution (1000 ulp of the band energy): J_exact and U/J are rounding noise"
        )
    ansatz = J_gauss if J_gauss_lattice is None else J_gauss_lattice
    ratios = [g / e if e else math.inf for g, e in zip(ansatz, J_exact, strict=True)]
    far = [i for i, r in enumerate(ratios) if not 1 / _FAR_OFF <= r <= _FAR_OFF]
    if far:
        which = "every direction" if len(far) == len(s) else f"direction {far[0] + 1}"
        i = far[0]
        notes.append(
            f"the Gaussian ansatz (29) in the pure lattice (ε = ω) gives J = {ratios[i]:.3g} × "
            f"the exact-band J at s = U/E_R = {s[i]:.3g} ({which}): its tail is Gaussian where "
            "the true Wannier function's is exponential; J_exact is the standard number"
        )
    if J_gauss_lattice is not None and J_gauss_lattice[0]:
        notes.append(
            f"the paper's J_nn also feels the interaction through ε = √(ω² + Ω²): it is "
            f"{J_gauss[0] / J_gauss_lattice[0]:.3g} × its pure-lattice value; J_exact is the "
            "pure lattice's band (the intersite Φ is not in it)"
        )
    inter = model.interaction
    if inter.kind != "contact":
        return HubbardNumbers(J_exact, None, None, None, None, tuple(notes))
    g = float(inter.params["g"])
    k0 = wave_number(model.wavelength)
    U_exact = g * float(np.prod(k0 * bands.wannier_overlap(s)))
    U_gauss = g * float(np.prod(1 / (math.sqrt(2 * math.pi) * width)))
    U_over_J = U_exact / J_exact[0]
    mott, note = _mott(model, U_over_J)
    notes.append(note)
    return HubbardNumbers(J_exact, U_exact, U_gauss, U_over_J, mott, tuple(notes), note)


def mott_point(model: Model) -> MottPoint | None:
    """The published (U/J)_c that applies to ``model``: an isotropic lattice at filling
    ν = 1 (None otherwise)."""
    if len(set(model.depth)) > 1 or len(set(model.wavelength)) > 1 or model.filling != 1:
        return None
    return MOTT_POINTS[model.d]


def _mott(model: Model, U_over_J: float) -> tuple[str | None, str]:
    """The Bose–Hubbard ground-state verdict at the model's filling, or why there is none
    (where it applies in T is :func:`qcrystal.states.onsite_codes`'s to say)."""
    nu = model.filling
    if not U_over_J > 0:
        return None, (
            f"U/J = {U_over_J:.4g} ≤ 0 (an attractive contact, a_s < 0): the Bose–Hubbard "
            "phases are those of U > 0; with onsite attraction bosons pile onto few sites "
            "(no superfluid–Mott point applies)"
        )
    if len(set(model.depth)) > 1 or len(set(model.wavelength)) > 1:
        return None, "Mott point: the published values are for isotropic lattices only"
    if nu != round(nu):
        return "superfluid", (
            f"filling ν = {nu:g} is not an integer: the Bose–Hubbard ground state is "
            "superfluid at every U/J (a Mott insulator needs an integer filling)"
        )
    point = mott_point(model)
    if point is None:
        return None, f"Mott point: no published value used here for ν = {nu:g} (only ν = 1)"
    state = "Mott insulator" if U_over_J > point.critical else "superfluid"
    return state, (
        f"Bose–Hubbard at ν = 1: U/J = {U_over_J:.4g} against (U/J)_c = {point.critical:.4g} "
        f"({point.source}): {state} in the ground state"
    )


@dataclass(frozen=True)
class OnsiteOverDepth:
    """The onsite U and U/J of an isotropic lattice at each depth, with the (U/J)_c that
    decides the ground state at the model's filling (inf: superfluid at every U/J)."""

    U_onsite: np.ndarray
    U_over_J: np.ndarray
    critical: float
    source: str


# Depths at which the exact band and Wannier integrals are evaluated for a curve over U;
# in between, ln U_onsite and ln J are splined in ln U (both smooth and monotone).
_CURVE_POINTS = 64


def onsite_over_depth(model: Model, U: np.ndarray) -> OnsiteOverDepth | None:
    """U_onsite(U) and U/J(U) of the isotropic lattice of depth U (the model's wavelength,
    mass, contact g and filling), for a phase diagram over U; None where no Bose–Hubbard
    verdict applies (not a contact interaction, g ≤ 0, an integer filling other than 1).

    At most :data:`_CURVE_POINTS` depths are evaluated exactly (geometric in U over the
    range) and the rest interpolated by a cubic spline in log–log: the tests bound the
    error by 1e-6 relative. Where the exact J is below the band solver's resolution
    (:func:`~qcrystal.accuracy.bands.hopping_resolution`), U/J is +inf (deep in the Mott
    lobe) and U = 0 or s beyond the solver's range gives NaN (no verdict)."""
    from qcrystal.accuracy import bands

    from .functions import recoil_energy, wave_number

    if model.interaction.kind != "contact" or not float(model.interaction.params["g"]) > 0:
        return None  # attractive: no Bose–Hubbard phase boundary of U > 0 applies
    nu = model.filling
    if nu == round(nu) and nu != 1:
        return None
    point = MOTT_POINTS[model.d] if nu == 1 else None
    critical = point.critical if point is not None else math.inf
    source = point.source if point is not None else f"ν = {nu:g} is not an integer"
    k0 = float(wave_number(model.wavelength[0]))
    E_R = float(recoil_energy(k0, model.mass))
    g = float(model.interaction.params["g"])
    U = np.asarray(U, dtype=np.float64)
    s = U / E_R
    valid = (s > 0) & (s <= bands.MAX_DEPTH)
    on = np.full(U.shape, np.nan)
    ratio = np.full(U.shape, np.nan)
    if not np.any(valid):
        return OnsiteOverDepth(on, ratio, critical, source)
    lo, hi = float(np.min(s[valid])), float(np.max(s[valid]))
    unique = np.unique(s[valid])
    nodes = unique if len(unique) <= _CURVE_POINTS else np.geomspace(lo, hi, _CURVE_POINTS)
    J = bands.exact_hopping(nodes)
    resolved = J > bands.hopping_resolution(nodes)
    on_nodes = g * (k0 * bands.wannier_overlap(nodes)) ** model.d
    at = s[valid]
    on[valid] = np.exp(_log_log(nodes, on_nodes)(np.log(at)))
    inside = np.full(at.shape, np.inf)
    if np.any(resolved):
        last = float(nodes[resolved][-1])
        keep = at <= last
        log_j = _log_log(nodes[resolved], J[resolved] * E_R)(np.log(at[keep]))
        inside[keep] = on[valid][keep] / np.exp(log_j)
    ratio[valid] = inside
    return OnsiteOverDepth(on, ratio, critical, source)


def _log_log(x: np.ndarray, y: np.ndarray):
    """ln y as a function of ln x: a cubic spline through the nodes (linear for two, a
    constant for one)."""
    from scipy.interpolate import CubicSpline

    lx, ly = np.log(x), np.log(y)
    if len(x) == 1:
        return lambda t: np.full(np.shape(t), ly[0])
    if len(x) < 4:
        return lambda t: np.interp(t, lx, ly)
    return CubicSpline(lx, ly)
