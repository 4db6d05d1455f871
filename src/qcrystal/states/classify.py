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

The paper's states are those of atoms in a lattice. Where T reaches the lattice depth U
(T ≥ U: no well holds an atom at that temperature) a point is ``thermal``, unless it is a
localized quantum crystal that passes the Lindemann test at that T (then the interactions,
not the wells, hold it, and :func:`reasons` says so): an insulating optical lattice at
T ≥ U is always thermal, the other labels where T also reaches T_D (the interactions do
not order the gas either). The depth is the model's where one is given; from the three
scales alone it is that of the paper's lattice (2), whose a = λ/2 makes E_R = π² E_K and
ω = 2√(U E_R) of (34), so U = ω²/(4π² E_K).

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

__all__ = ["STATES", "classify", "codes", "onsite_codes", "paper_depth", "reasons"]

STATES = (
    "conducting_optical_lattice",
    "insulating_optical_lattice",
    "delocalized_quantum_crystal",
    "localized_quantum_crystal",
    "thermal",
    "crossover",
)
_CONDUCTING, _INSULATING, _DELOCALIZED, _LOCALIZED, _THERMAL, _CROSSOVER = range(6)
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


def paper_depth(omega, E_K):
    """The depth U of the paper's lattice (2) with frequency ω and E_K: U = ω²/(4π² E_K),
    since ω = 2√(U E_R) of (34) and E_R = π² E_K where a = λ/2."""
    return np.square(omega) / (4 * math.pi**2 * np.asarray(E_K))


def codes(omega, E_K, T_D, T, d, margin, zone="debye", lindemann=PAPER_LINDEMANN, depth=None):
    """Indices into :data:`STATES`, the Lindemann ratio and the shallow/deep masks, with
    the broadcast arguments: the vectorized core of :func:`classify` and :func:`reasons`.
    ``zone`` is passed to :func:`qcrystal.lindemann_ratio` ("debye", the paper's sphere,
    or "exact", the whole zone of (43)); ``lindemann`` is the number r₀/a must stay
    below (the paper's 1/2); ``depth`` the lattice depth U of the thermal test (None:
    :func:`paper_depth`)."""
    omega = as_float("omega", omega, "positive")
    E_K = as_float("E_K", E_K, "positive")
    T_D = as_float("T_D", T_D, "nonnegative")
    T = as_float("T", T, "nonnegative")
    d = as_dimension("d", d)
    margin = float(margin)
    _check_lindemann(lindemann)
    if not margin > 1:
        raise ValueError(f"margin must be > 1 (got {margin!r}): it is the factor read as ≪")
    depth = paper_depth(omega, E_K) if depth is None else as_float("depth", depth, "nonnegative")
    omega, E_K, T_D, T, d, depth = np.broadcast_arrays(omega, E_K, T_D, T, d, depth)

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
    # thermal: no well holds an atom, and the interactions order nothing either
    unbound = T >= depth
    thermal = unbound & (code != _LOCALIZED) & ((code == _INSULATING) | (T >= T_D))
    code = np.where(thermal, _THERMAL, code)
    return code, ratio, shallow, deep, (omega, E_K, T_D, T, d, margin, depth)


def onsite_codes(code, T, U_onsite, U_over_J, critical: float, margin: float):
    """Codes where the onsite interaction decides, and the mask of where it did.

    At an integer filling the paper leaves the state to the onsite interaction; the
    Bose–Hubbard model decides it from U/J against its published critical value
    (:data:`qcrystal.models.hubbard.MOTT_POINTS`): a Mott insulator is an insulating
    optical lattice, the superfluid a conducting one. The critical value is a ground-state
    one; it is applied where T ≪ U_onsite (``margin`` × T ≤ U_onsite), since the Mott gap
    is of order U deep in the lobe and the insulator melts near T ≈ 0.2 U (Gerbier, Phys.
    Rev. Lett. 99, 120405 (2007)); above, the paper's orderings stand. Near the critical
    point the gap closes, so there the boundary is the T = 0 one. A thermal point (T ≥ U)
    keeps its code: a gas above the wells has no bands for a Hubbard model to describe.
    """
    code = np.asarray(code)
    T, U_onsite, U_over_J = np.broadcast_arrays(T, U_onsite, U_over_J)
    # a thermal gas (T ≥ U) has no bands to be a Hubbard model of
    cold = (margin * T <= U_onsite) & (code != _THERMAL)
    mott = U_over_J > critical
    out = np.where(cold & mott, _INSULATING, code)
    out = np.where(cold & ~mott, _CONDUCTING, out)
    return out, cold


def classify(
    omega: ArrayLike,
    E_K: ArrayLike,
    T_D: ArrayLike,
    T: ArrayLike = 0.0,
    d: ArrayLike = 3,
    margin: float = 10.0,
    zone: str = "debye",
    lindemann: float = PAPER_LINDEMANN,
    depth: ArrayLike | None = None,
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
    depth : array_like, optional
        the lattice depth U [energy] of the thermal test (T ≥ U); by default that of the
        paper's lattice (2), ω²/(4π² E_K).
    """
    code = codes(omega, E_K, T_D, T, d, margin, zone, lindemann, depth)[0]
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
    depth: float | None = None,
) -> dict:
    """Why one point is in its state: the ratios, the ordering that holds, the Lindemann
    test and the thermal test (``depth`` as in :func:`classify`)."""
    code, ratio, shallow, deep, (om, ek, td, _, _, m, u) = codes(
        omega, E_K, T_D, T, d, margin, zone, lindemann, depth
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
    t, u = float(T), float(u)
    source = "the paper's lattice (2): ω²/(4π² E_K)" if depth is None else "the model's"
    if state == "thermal":
        why = (
            f"T ≥ T_D = {td:.4g}: the interactions do not order the gas either"
            if t >= td
            else "and the state below U would be the lattice's insulator"
        )
        notes.append(
            f"T = {t:.4g} ≥ U = {u:.4g} (the depth, {source}): no well holds an atom, {why}"
        )
    elif t >= u and state == STATES[_LOCALIZED]:
        notes.append(
            f"T = {t:.4g} ≥ U = {u:.4g} (the depth, {source}): no well holds an atom, but "
            f"r₀/a = {r:.3g} < {bound} at this T: the interactions hold the crystal"
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
        "depth": u,
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
