"""The paper's crystal criterion r₀/a < 1/2 against quantum Monte Carlo, system by system.

The paper's conclusion: a self-organised quantum crystal is localized where the Lindemann
ratio γ = r₀/a of (47) is below 1/2. For a few systems quantum Monte Carlo (QMC) has found
where the bosonic crystal really forms at T = 0; this module sets the harmonic γ beside it.

For each :class:`System` (a geometry, a pure power law C r^(−p) and the dimensionless
coupling g the QMC papers use), :func:`compare` computes

* γ(g) of the harmonic crystal over the exact zone at T = 0 (all branches, point
  particles, :class:`~.crystal.Crystal` with ``smearing="none"``). For a pure power law
  ω² ∝ C/(M a^(p+2)), so γ² = r₀²/a² ∝ (M C a^(2−p))^(−1/2). The Wigner-type couplings
  (r_d, r_s) are ∝ M C a^(2−p), so γ = γ₁ (g/g₁)^(−1/4); the van der Waals coupling
  n r₆³ = n (M C)^(3/4) is ∝ (M C a^(−4))^(3/4), so γ ∝ g^(−1/3) (``System.exponent``;
  tests/test_long_range.py and tests/test_qmc.py check the scaling on crystals built
  anew). One zone average fixes γ₁.
* γ(g) with the paper's Gaussian smearing of (44) (``smearing="gaussian"``, l = 1/√(Mε) of
  (29), (36), (38)) where that smearing converges (p < d: Coulomb; not the 2D dipoles,
  whose r^(−3) core has no Gaussian average in d = 2): no power law any more, so each
  coupling is its own crystal.
* g* where γ = 1/2 (the paper's criterion: crystal for g > g*), γ at the QMC coupling
  (the Lindemann number that would reproduce QMC), and the ratio g_QMC/g*.

Units: ħ = 1; M = C = 1 and the spacing a set by g (every coupling is a length ratio).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from qcrystal.states.classify import PAPER_LINDEMANN

from .crystal import Crystal
from .geometry import geometry

__all__ = [
    "PAPER_LINDEMANN",
    "SYSTEMS",
    "Comparison",
    "QMCPoint",
    "System",
    "compare",
    "figure",
    "system",
    "to_text",
]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class QMCPoint:
    """A published T = 0 crystallization coupling: ``value`` ± ``error`` in the system's
    coupling, ``citation`` (authors, journal, year) and ``definition`` of its coupling as
    the paper writes it (here it is the same coupling: no conversion factor). ``read``:
    the words of the source that were read for it (an abstract), or "" where the number
    is the one the literature quotes and its text was not at hand to re-read."""

    value: float
    error: float
    citation: str
    definition: str
    read: str = ""


@dataclass(frozen=True)
class System:
    """A self-organised crystal of bosons with U = C r^(−p) on ``geometry``.

    ``coupling`` is the coupling's name (r_d, r_s) and ``scale(n)`` its length factor at
    density n: g = M C × scale(n) (ħ = 1; scale = √n for dipoles, a_ws for Coulomb)."""

    key: str
    title: str
    geometry: str
    interaction: dict
    coupling: str
    coupling_definition: str
    scale: Callable[[float], float]
    qmc: QMCPoint
    others: tuple[QMCPoint, ...] = ()
    exponent: float = -0.25  # γ ∝ g^exponent at fixed everything else
    mass_power: float = 1.0  # g ∝ M^mass_power at fixed a and C
    tex: str = ""  # the coupling for a figure's axis (matplotlib mathtext)

    @property
    def power(self) -> float:
        return float(self.interaction.get("n", 3.0))

    def density(self, spacing: float = 1.0) -> float:
        return float(geometry(self.geometry, spacing).density)

    def coupling_of(self, mass: float, C: float, spacing: float) -> float:
        """g of a crystal of this geometry with mass M, strength C and spacing a."""
        return float((mass * C) ** self.mass_power * self.scale(self.density(spacing)))

    def crystal(self, g: float, smearing: str = "none", n: int = 16) -> Crystal:
        """The crystal at coupling g: M = g / scale(n(a = 1)), C = 1, a = 1."""
        if not (isinstance(g, int | float) and math.isfinite(g) and g > 0):
            raise ValueError(f"{self.coupling} must be a finite number > 0 (got {g!r})")
        mass = (g / self.scale(self.density(1.0))) ** (1 / self.mass_power)
        return Crystal(self.geometry, self.interaction, mass=mass, smearing=smearing, n=n)


def _dipole_scale(n: float) -> float:
    return math.sqrt(n)  # r_d = M C √n


def _coulomb2d_scale(n: float) -> float:
    return 1.0 / math.sqrt(math.pi * n)  # r_s = a_ws/a_B, a_ws = (πn)^(−1/2), a_B = 1/(MC)


def _vdw_scale(n: float) -> float:
    return n  # n r₆³ = n (M C₆)^(3/4) (ħ = 1); the (M C)^(3/4) is mass_power


def _coulomb3d_scale(n: float) -> float:
    return (3.0 / (4.0 * math.pi * n)) ** (1.0 / 3.0)  # a_ws = (3/4πn)^(1/3)


SYSTEMS: tuple[System, ...] = (
    System(
        "dipoles-2d",
        "bosonic dipoles ⊥ a plane, C/r³",
        "triangular",
        {"kind": "power_law", "C": 1.0, "n": 3},
        "r_d",
        "r_d = M C √n (n the areal density)",
        _dipole_scale,
        QMCPoint(
            18.0,
            4.0,
            "Büchler, Demler, Lukin, Micheli, Prokof'ev, Pupillo and Zoller, Phys. Rev. "
            "Lett. 98, 060404 (2007); Astrakharchik, Boronat, Kurbakov and Lozovik, Phys. "
            "Rev. Lett. 98, 060405 (2007)",
            "r_d = C m/(ħ² a), a = n^(−1/2) the mean distance",
        ),
        (),
        tex="$r_d$",
    ),
    System(
        "coulomb-2d",
        "bosons with C/r in a plane",
        "triangular",
        {"kind": "power_law", "C": 1.0, "n": 1},
        "r_s",
        "r_s = a_ws/a_B, a_ws = (πn)^(−1/2), a_B = 1/(M C)",
        _coulomb2d_scale,
        QMCPoint(
            60.0,
            10.0,
            "Magro and Ceperley, Phys. Rev. Lett. 73, 826 (1994)",
            "r_s = a/a_B, πa²n = 1, a_B = ħ²/(m e²)",
            "the abstract of Magro and Ceperley, 'Monte Carlo simulations of "
            "two-dimensional charged bosons' (its journal not shown where it was read): "
            "Wigner crystallization is predicted at r_s ≃ 60; the ± 10 is not stated there",
        ),
        (
            QMCPoint(
                71.0,
                0.0,
                "Boninsegni, arXiv:2512.10216 (2025)",
                "r_s the mean interparticle separation in units of a_B (its abstract; the "
                "length convention is not stated there, taken as (πn)^(−1/2))",
                "abstract: a superfluid ground state up to r_s = 70, the Wigner "
                "crystallization threshold estimated at r_W ≈ 71",
            ),
        ),
        tex="$r_s$",
    ),
    System(
        "coulomb-3d",
        "bosons with C/r in a neutralising background (bosonic jellium)",
        "bcc",
        {"kind": "power_law", "C": 1.0, "n": 1},
        "r_s",
        "r_s = a_ws/a_B, a_ws = (3/4πn)^(1/3), a_B = 1/(M C)",
        _coulomb3d_scale,
        QMCPoint(
            160.0,
            10.0,
            "Ceperley and Alder, Phys. Rev. Lett. 45, 566 (1980)",
            "r_s = a/a_B, (4π/3)a³n = 1, a_B = ħ²/(m e²)",
        ),
        (),
        tex="$r_s$",
    ),
    System(
        "vdw-3d",
        "bosons with van der Waals repulsion C₆/r⁶ (Rydberg atoms)",
        "fcc",
        {"kind": "power_law", "C": 1.0, "n": 6},
        "n r₆³",
        "n r₆³, r₆ = (M C₆)^(1/4) the van der Waals length (ħ = 1)",
        _vdw_scale,
        QMCPoint(
            3.9,
            0.0,
            "Osychenko, Astrakharchik, Lutsyshyn, Lozovik and Boronat, arXiv:1106.2997 "
            "(2011), 'Phase diagram of Rydberg atoms with repulsive van der Waals interaction'",
            "the density in units of (ħ²/m C₆)^(3/4)",
            "abstract (arXiv:1106.2997): the zero-temperature transition at the density "
            "3.9 (ħ²/m C₆)^(3/4); no error bar there",
        ),
        (),
        exponent=-1.0 / 3.0,
        mass_power=0.75,
        tex="$n\\,r_6^3$",
    ),
)


def system(key: str) -> System:
    """The system named ``key`` (one of :data:`SYSTEMS`' keys)."""
    for s in SYSTEMS:
        if s.key == key:
            return s
    raise ValueError(f"unknown system {key!r}: one of {', '.join(s.key for s in SYSTEMS)}")


@dataclass(frozen=True)
class Comparison:
    """γ(g) of one :class:`System` against its QMC crystallization point.

    ``couplings``: the g of the curve; ``gamma``: point particles, exact zone, T = 0 (the
    power law γ₁(g/g₁)^(−1/4)); ``gamma_error``: its zone-grid error (relative, the same at
    every g); ``gamma_smeared``: with the paper's Gaussian smearing (44), or None where it
    diverges (``smearing_note`` says which). ``criterion``: g* with γ = ``lindemann``
    (point particles); ``criterion_smeared``: the same with smearing; ``gamma_at_qmc``:
    γ at g_QMC − err, g_QMC, g_QMC + err (point particles; ``..._smeared`` likewise);
    ``gamma_at_others``: γ at the system's other QMC points (point particles).
    """

    system: System
    lindemann: float
    couplings: Array
    gamma: Array
    gamma_error: float
    gamma_smeared: Array | None
    smearing_note: str
    criterion: float
    criterion_smeared: float | None
    gamma_at_qmc: tuple[float, float, float]
    gamma_smeared_at_qmc: tuple[float, float, float] | None
    gamma_at_others: tuple[float, ...] = ()

    def as_dict(self) -> dict:
        s = self.system
        return {
            "system": s.key,
            "title": s.title,
            "geometry": s.geometry,
            "interaction": s.interaction,
            "coupling": s.coupling,
            "coupling_definition": s.coupling_definition,
            "lindemann": self.lindemann,
            "criterion": self.criterion,
            "criterion_smeared": self.criterion_smeared,
            "gamma_relative_error": self.gamma_error,
            "qmc": {
                "value": s.qmc.value,
                "error": s.qmc.error,
                "citation": s.qmc.citation,
                "definition": s.qmc.definition,
                "read": s.qmc.read,
            },
            "other_qmc": [
                {
                    "value": o.value,
                    "error": o.error,
                    "citation": o.citation,
                    "definition": o.definition,
                    "read": o.read,
                    "gamma": g,
                }
                for o, g in zip(s.others, self.gamma_at_others, strict=True)
            ],
            "gamma_at_qmc": list(self.gamma_at_qmc),
            "gamma_smeared_at_qmc": (
                None if self.gamma_smeared_at_qmc is None else list(self.gamma_smeared_at_qmc)
            ),
            "qmc_over_criterion": s.qmc.value / self.criterion,
            "smearing_note": self.smearing_note,
            "curve": {
                "couplings": self.couplings.tolist(),
                "gamma": self.gamma.tolist(),
                "gamma_smeared": (
                    None if self.gamma_smeared is None else self.gamma_smeared.tolist()
                ),
            },
        }


def compare(
    sys_: System,
    lindemann: float = PAPER_LINDEMANN,
    *,
    points: int = 7,
    n: int = 16,
    reference_n: int = 24,
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """γ(g) of ``sys_`` against its QMC point (see :class:`Comparison`).

    Parameters
    ----------
    lindemann : float
        The Lindemann number in (0, 1) (the paper's 1/2 by default).
    points : int
        Couplings of the curve, log-spaced over a decade each side of g_QMC and g*.
    n, reference_n : int
        Zone grids of the smeared curve and of the point-particle γ₁.
    progress : callable, optional
        Called with a line of text before each crystal is computed.
    """
    if not (isinstance(lindemann, int | float) and 0 < lindemann < 1):
        raise ValueError(f"the Lindemann number must be in (0, 1) (got {lindemann!r})")
    say = progress or (lambda _: None)
    q = sys_.qmc
    say(f"{sys_.key}: point particles at {sys_.coupling} = {q.value:g}")
    ref = sys_.crystal(q.value, "none", reference_n)
    g1 = q.value
    gamma1 = float(ref.lindemann_ratio(0.0))
    err = float(ref.lindemann_error(0.0)) / gamma1

    def point(g: Array | float) -> Array:
        return np.asarray(gamma1 * (np.asarray(g, dtype=float) / g1) ** sys_.exponent)

    g_star = g1 * (lindemann / gamma1) ** (1 / sys_.exponent)
    lo = min(g_star, q.value - q.error) / 10
    hi = max(g_star, q.value + q.error) * 10
    gs = np.geomspace(lo, hi, points)
    at_qmc = tuple(
        float(v) for v in point(np.array([q.value - q.error, q.value, q.value + q.error]))
    )
    probe = sys_.crystal(q.value, "gaussian", n)
    smeared_ok = probe.width_used is not None
    note = probe.smearing_note
    smeared: Array | None = None
    smeared_at: tuple[float, float, float] | None = None
    crit_s: float | None = None
    if smeared_ok:
        values = []
        for g in gs:
            say(f"{sys_.key}: Gaussian smearing at {sys_.coupling} = {g:.4g}")
            values.append(float(sys_.crystal(float(g), "gaussian", n).lindemann_ratio(0.0)))
        smeared = np.array(values)

        def smeared_gamma(g: float) -> float:
            return float(sys_.crystal(g, "gaussian", n).lindemann_ratio(0.0))

        smeared_at = (
            smeared_gamma(q.value - q.error),
            float(probe.lindemann_ratio(0.0)),
            smeared_gamma(q.value + q.error),
        )
        crit_s = _crossing(gs, smeared, lindemann, smeared_gamma, say, sys_)
    others = tuple(float(point(o.value)) for o in sys_.others)
    return Comparison(
        sys_, float(lindemann), gs, point(gs), err, smeared, note, float(g_star), crit_s,
        at_qmc, smeared_at, others,  # type: ignore[arg-type]
    )  # fmt: skip


def _crossing(
    gs: Array,
    gamma: Array,
    target: float,
    fn: Callable[[float], float],
    say: Callable[[str], None],
    sys_: System,
) -> float | None:
    """The g where the (decreasing) γ(g) crosses ``target``, by brentq in ln g between the
    curve's bracketing points; None if the curve does not cross it."""
    above = np.flatnonzero(gamma >= target)
    below = np.flatnonzero(gamma < target)
    if above.size == 0 or below.size == 0:
        return None
    i = int(above[-1])
    if i + 1 >= gs.size or gamma[i + 1] >= target:
        return None
    say(f"{sys_.key}: γ = {target:g} with smearing (root search)")
    x = optimize.brentq(
        lambda lg: fn(math.exp(lg)) - target, math.log(gs[i]), math.log(gs[i + 1]), xtol=1e-6
    )
    return float(math.exp(x))


def to_text(rows: list[Comparison]) -> str:
    """The comparison as an aligned table with its footnotes (the citations)."""
    lind = rows[0].lindemann if rows else PAPER_LINDEMANN
    head = (
        f"{'system':<11} {'lattice':<10} {'g':<4} {f'g* (γ={lind:g})':>13} {'smeared':>8} "
        f"{'g QMC':>10} {'QMC/g*':>7} {'γ at QMC':>15} {'smeared':>6}"
    )
    lines = [head, "-" * len(head)]
    for c in rows:
        s, q = c.system, c.system.qmc
        lo, mid, hi = c.gamma_at_qmc
        sm = "—" if c.gamma_smeared_at_qmc is None else f"{c.gamma_smeared_at_qmc[1]:.3f}"
        cs = "—" if c.criterion_smeared is None else f"{c.criterion_smeared:.3g}"
        lines.append(
            f"{s.key:<11} {s.geometry:<10} {s.coupling:<4} {c.criterion:>13.3g} {cs:>8} "
            f"{_value(q):>10} {q.value / c.criterion:>7.1f} "
            f"{f'{mid:.3f} ({hi:.3f}–{lo:.3f})' if q.error else f'{mid:.3f}':>15} {sm:>6}"
        )
    lines.append("")
    lines.append(
        "γ = r₀/a of (47) at T = 0, harmonic, exact Brillouin zone, all branches, point "
        "particles; 'smeared': with the Gaussian smearing of (44) (— where it diverges)."
    )
    lines.append(
        f"g*: where γ = {lind:g} (the paper's criterion: a crystal for g > g*); γ at QMC: the "
        "Lindemann number that would reproduce QMC (range over its error bar)."
    )
    for c in rows:
        s = c.system
        lines.append(
            f"{s.key}: {s.title}; {s.coupling_definition}; zone-grid error of γ "
            f"{c.gamma_error:.1e} relative. QMC: {s.qmc.citation} ({s.qmc.definition}; "
            f"{_provenance(s.qmc)})."
        )
        for o, g in zip(s.others, c.gamma_at_others, strict=True):
            lines.append(
                f"  also {o.citation}: {s.coupling} ≈ {o.value:g} ({o.definition}; "
                f"{_provenance(o)}): γ there {g:.3f}."
            )
    return "\n".join(lines)


def _value(q: QMCPoint) -> str:
    return f"{q.value:g} ± {q.error:g}" if q.error else f"≈ {q.value:g}"


def _provenance(q: QMCPoint) -> str:
    if q.read:
        return f"read: {q.read}"
    return "the value as the literature quotes it, not re-read from the paper here"


def figure(rows: list[Comparison]):
    """γ against the coupling for each system (a panel each): point particles and
    smeared, the line γ = Lindemann number, the QMC band; a matplotlib Figure."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2 * max(len(rows), 1), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, max(len(rows), 1)))
    for ax, c in zip(axes, rows, strict=False):
        s, q = c.system, c.system.qmc
        ax.plot(c.couplings, c.gamma, "-", color="C0", label="harmonic, exact zone")
        if c.gamma_smeared is not None:
            ax.plot(c.couplings, c.gamma_smeared, "--", color="C1", label="with smearing (44)")
        ax.axhline(c.lindemann, color="0.3", lw=0.8, label=f"γ = {c.lindemann:g} (paper)")
        if q.error == 0:
            ax.axvline(q.value, color="C2", lw=2, alpha=0.5, label="QMC crystallization")
        else:
            ax.axvspan(q.value - q.error, q.value + q.error, color="C2", alpha=0.25,
                       label="QMC crystallization")  # fmt: skip
        for o in s.others:
            ax.axvline(o.value, color="C2", ls=":", lw=1.2, label=o.citation.split(",")[0])
        ax.plot([c.criterion], [c.lindemann], "o", color="C0", ms=4)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(s.tex or s.coupling)
        ax.set_ylabel("$\\gamma = r_0/a$")
        ax.set_title(f"{s.key} ({s.geometry})", fontsize=10)
        ax.legend(fontsize=7)
    return fig
