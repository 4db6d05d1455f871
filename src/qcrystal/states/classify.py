"""The four states of the paper's conclusion, from the three scales ω, E_K and T_D.

The closing classification (section 5) orders the lattice frequency ω, the kinetic energy
E_K = 1/(2ma²) of (50) and the Debye temperature T_D, with ≪ read as "by at least a factor
``margin``":

============================  =====================================  =========================
lattice                       ordering                               state
============================  =====================================  =========================
shallow, ω ≪ E_K              T_D ≪ ω  (T_D = 0 included)            conducting optical lattice
shallow                       ω ≪ T_D ≪ E_K                          delocalized quantum crystal
shallow                       E_K ≪ T_D                              localized quantum crystal
deep, ω ≫ E_K                 T_D ≪ E_K                              conducting optical lattice
deep                          E_K ≪ T_D ≪ ω                          insulating optical lattice
deep                          ω ≪ T_D                                localized quantum crystal
============================  =====================================  =========================

Anything in between (an ordering that holds by less than ``margin``) is ``crossover``.

The Lindemann criterion r₀/a < 1/2 (47), at the given T and d, is the paper's quantitative
test of localization, and this module applies it as the rule for the one label that claims
localization: a point the orderings call a localized quantum crystal but whose r₀/a ≥ 1/2
is reported as what the orderings would give without the crystal's localization: a
delocalized quantum crystal in a shallow lattice, an insulating optical lattice in a deep
one. Where the orderings give a non-localized state but r₀/a < 1/2, the ordering stands
and :func:`reasons` says that the two disagree.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qcrystal import numerics
from qcrystal.numerics.validate import as_dimension, as_float

__all__ = ["STATES", "classify", "codes", "reasons"]

STATES = (
    "conducting_optical_lattice",
    "insulating_optical_lattice",
    "delocalized_quantum_crystal",
    "localized_quantum_crystal",
    "crossover",
)
_CONDUCTING, _INSULATING, _DELOCALIZED, _LOCALIZED, _CROSSOVER = range(5)
# the Lindemann number of (47): localized where r₀/a < 1/2
PAPER_LINDEMANN = 0.5


def _check_lindemann(value: object) -> None:
    if not (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 < value < 1
    ):
        raise ValueError(
            f"lindemann must be a number in (0, 1) (got {value!r}); the paper's is 1/2"
        )


def codes(omega, E_K, T_D, T, d, margin, zone="debye", lindemann=PAPER_LINDEMANN):
    """Indices into :data:`STATES`, the Lindemann ratio and the shallow/deep masks, with
    the broadcast arguments: the vectorized core of :func:`classify` and :func:`reasons`.
    ``zone`` is passed to :func:`qcrystal.lindemann_ratio` ("debye", the paper's sphere,
    or "exact", the whole zone of (43)); ``lindemann`` is the number r₀/a must stay
    below (the paper's 1/2)."""
    omega = as_float("omega", omega, "positive")
    E_K = as_float("E_K", E_K, "positive")
    T_D = as_float("T_D", T_D, "nonnegative")
    T = as_float("T", T, "nonnegative")
    d = as_dimension("d", d)
    margin = float(margin)
    _check_lindemann(lindemann)
    if not margin > 1:
        raise ValueError(f"margin must be > 1 (got {margin!r}): it is the factor read as ≪")
    omega, E_K, T_D, T, d = np.broadcast_arrays(omega, E_K, T_D, T, d)

    def much_less(x, y):  # x ≪ y
        return y >= margin * x

    shallow, deep = much_less(omega, E_K), much_less(E_K, omega)
    code = np.full(omega.shape, _CROSSOVER)
    # shallow lattice
    code = np.where(shallow & much_less(T_D, omega), _CONDUCTING, code)
    code = np.where(shallow & much_less(omega, T_D) & much_less(T_D, E_K), _DELOCALIZED, code)
    code = np.where(shallow & much_less(E_K, T_D), _LOCALIZED, code)
    # deep lattice
    code = np.where(deep & much_less(T_D, E_K), _CONDUCTING, code)
    code = np.where(deep & much_less(E_K, T_D) & much_less(T_D, omega), _INSULATING, code)
    code = np.where(deep & much_less(omega, T_D), _LOCALIZED, code)
    # Lindemann: a localized label needs r₀/a < 1/2 (or the number given)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = numerics.lindemann_ratio(np.where(T_D > 0, T_D, 1.0), E_K, T, d, zone=zone)
    ratio = np.where(T_D > 0, ratio, np.inf)
    melted = (code == _LOCALIZED) & ~(ratio < lindemann)
    code = np.where(melted & shallow, _DELOCALIZED, code)
    code = np.where(melted & deep, _INSULATING, code)
    return code, ratio, shallow, deep, (omega, E_K, T_D, T, d, margin)


def classify(
    omega: ArrayLike,
    E_K: ArrayLike,
    T_D: ArrayLike,
    T: ArrayLike = 0.0,
    d: ArrayLike = 3,
    margin: float = 10.0,
    zone: str = "debye",
    lindemann: float = PAPER_LINDEMANN,
) -> NDArray[np.str_]:
    """The state at each point: one of :data:`STATES` (vectorized, broadcasting).

    Parameters
    ----------
    omega : array_like
        lattice frequency ω of (34) [energy]; > 0.
    E_K : array_like
        kinetic energy 1/(2ma²) of (50) [energy]; > 0.
    T_D : array_like
        Debye temperature [energy]; >= 0 (0: no intersite interaction).
    T : array_like
        temperature [energy], for the Lindemann ratio; >= 0.
    d : array_like of int
        dimension, 1, 2 or 3.
    margin : float
        the factor read as ≪; > 1.
    zone : str
        r₀ of the Lindemann test over the Debye sphere ("debye", the paper's) or the
        whole zone of (43) ("exact").
    lindemann : float
        the Lindemann number of (47), in (0, 1): the paper's 1/2 by default. Quantum Monte
        Carlo puts self-organised bosonic crystals where the harmonic r₀/a is about 1/4
        (``qcrystal crystals``, README).
    """
    code = codes(omega, E_K, T_D, T, d, margin, zone, lindemann)[0]
    return np.asarray(STATES, dtype=np.str_)[code]


def reasons(
    omega: float,
    E_K: float,
    T_D: float,
    T: float = 0.0,
    d: int = 3,
    margin: float = 10.0,
    zone: str = "debye",
    lindemann: float = PAPER_LINDEMANN,
) -> dict:
    """Why one point is in its state: the ratios, the ordering that holds, the Lindemann test."""
    code, ratio, shallow, deep, (om, ek, td, _, _, m) = codes(
        omega, E_K, T_D, T, d, margin, zone, lindemann
    )
    lam = float(lindemann)
    bound = "1/2" if lam == PAPER_LINDEMANN else f"{lam:g}"
    if code.ndim:
        raise ValueError("reasons() explains one point: pass scalars")
    om, ek, td, r = float(om), float(ek), float(td), float(ratio)
    lattice = "shallow (ω ≪ E_K)" if shallow else "deep (ω ≫ E_K)" if deep else (
        f"neither shallow nor deep: ω/E_K = {om / ek:.3g} is within the margin {m:g}"
    )  # fmt: skip
    state = STATES[int(code)]
    notes = []
    ordering = _ordering_state(om, ek, td, m, bool(shallow), bool(deep))
    if ordering == "localized_quantum_crystal" and state != ordering:
        notes.append(
            f"the orderings give a localized quantum crystal, but r₀/a = {r:.3g} ≥ {bound} "
            f"(Lindemann, T = {float(T):g}, d = {int(d)}): reported as {state}"
        )
    elif state in STATES[:3] and r < lam:
        notes.append(
            f"r₀/a = {r:.3g} < {bound} would allow localization; the paper's ordering decides "
            "the label here"
        )
    # Say where the paper's sphere decides against the whole zone. The zone's r₀ is 1.0–1.2
    # times the sphere's (README), so they can disagree only for r₀/a in [λ/1.2, λ).
    if zone == "debye" and td > 0 and lam / 1.2 <= r < lam:
        whole = float(numerics.lindemann_ratio(td, ek, float(T), int(d), zone="exact"))
        if (whole < lam) != (r < lam):
            notes.append(
                f"over the whole zone of (43) r₀/a = {whole:.3g} "
                f"{'<' if whole < lam else '≥'} {bound}: the paper's Debye sphere decides the "
                "Lindemann test here (--zone exact for the other)"
            )
    return {
        "state": state,
        "lattice": lattice,
        "ratios": {
            "omega/E_K": om / ek,
            "T_D/omega": td / om,
            "T_D/E_K": td / ek,
        },
        "ordering": _describe(om, ek, td),
        "margin": m,
        "lindemann_ratio": r,
        "lindemann_number": lam,
        "notes": notes,
    }


def _ordering_state(om, ek, td, m, shallow, deep) -> str:
    if shallow:
        if om >= m * td:
            return STATES[_CONDUCTING]
        if td >= m * om and ek >= m * td:
            return STATES[_DELOCALIZED]
        if td >= m * ek:
            return STATES[_LOCALIZED]
    if deep:
        if ek >= m * td:
            return STATES[_CONDUCTING]
        if td >= m * ek and om >= m * td:
            return STATES[_INSULATING]
        if td >= m * om:
            return STATES[_LOCALIZED]
    return STATES[_CROSSOVER]


def _describe(om, ek, td) -> str:
    """The three scales in increasing order, each step with its factor."""
    scales = sorted([("ω", om), ("E_K", ek), ("T_D", td)], key=lambda s: s[1])
    parts = [scales[0][0]]
    for (_, low), (name, high) in itertools.pairwise(scales):
        factor = "∞" if low == 0 else f"{high / low:.3g}"
        parts.append(f" < ({factor}×) {name}")
    return "".join(parts)
