"""The registry of numeric functions: each one declared once, and everything reads it.

An entry names the function, the numerics module it lives in, the equations it computes,
the record whose derivation it comes from, its arguments, the text of its docstring, and
the fixed grids its accuracy is measured on. The code generator renders the generated
entries from it; the accuracy measurement, ``qcrystal/__init__``, the derivation book and
the README's function table (a test compares them) all read it.

Two kinds of entry:

* ``generated``: the whole function is rendered by ``templates/lattice.py.j2`` from the
  SymPy pieces ``build`` names in :mod:`qcrystal.codegen.pieces`;
* ``tables``: the function is written by hand in its module and uses constants generated
  from the derivations (``templates/phonon_tables.py.j2``).

This module imports nothing heavy: ``qcrystal --help`` and ``import qcrystal`` read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["FUNCTIONS", "MODULES", "Arg", "Function", "Option", "Region", "by_name"]

Domain = Literal["positive", "nonnegative", "real", "dimension"]


@dataclass(frozen=True)
class Arg:
    """One argument: its Python name, the SymPy symbol (by name, from the paper's
    symbols) it stands for, what it is, its unit and its allowed range."""

    name: str
    symbol: str
    doc: str
    unit: str
    domain: Domain

    @property
    def domain_text(self) -> str:
        return {
            "positive": "> 0",
            "nonnegative": ">= 0",
            "real": "finite",
            "dimension": "1, 2 or 3",
        }[self.domain]


@dataclass(frozen=True)
class Option:
    """A keyword-only choice of method (not an array argument); the first is the default."""

    name: str
    choices: tuple[str, ...]
    doc: str

    @property
    def default(self) -> str:
        return self.choices[0]


@dataclass(frozen=True)
class Region:
    """A fixed grid the accuracy is measured on: a label, and the runner of
    :mod:`qcrystal.codegen.measure` (with its parameters) that computes the function
    there beside an mpmath reference."""

    label: str
    runner: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True)
class Function:
    name: str
    module: str  # numerics module: qcrystal.numerics.<module>
    kind: Literal["generated", "tables"]
    equations: tuple[str, ...]  # the displays it computes (book links)
    derivation: str  # the record whose derivation it comes from
    quantity: str  # one line for the README and the book
    args: tuple[Arg, ...]
    regions: tuple[Region, ...]
    # generated entries only: docstring parts and the SymPy pieces to print
    summary: str = ""
    equation: str = ""
    returns: str = ""
    build: str = ""  # a function of qcrystal.codegen.pieces
    reduce_last_axis: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    options: tuple[Option, ...] = ()

    @property
    def signature(self) -> str:
        names = [a.name for a in self.args]
        if self.options:
            names += ["*", *(f'{o.name}="{o.default}"' for o in self.options)]
        return f"{self.name}({', '.join(names)})"


_E = "energy"
_U = Arg("U", "U", "lattice depth U_α", _E, "nonnegative")
_D = Arg("d", "d", "dimension", "1", "dimension")
_T_D = Arg("T_D", "T_D", "Debye temperature", _E, "positive")
_E_K = Arg("E_K", "E_K", "kinetic energy 1/(2ma²) of (50)", _E, "positive")
_ZONE = Option(
    "zone",
    ("debye", "exact"),
    "r₀² of (42) over the Debye sphere (the paper's) or over the whole simple (hyper)cubic "
    "zone with the spectrum (43) itself",
)


def _derived_grids(*grids: tuple[str, tuple[object, ...], str]) -> tuple[Region, ...]:
    return tuple(Region(label, runner, params) for runner, params, label in grids)


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "lattice_frequency",
        "lattice",
        "generated",
        ("34",),
        "34",
        "ω of (34), overflow-safe 2√(E_R U)",
        (_U, Arg("E_R", "E_R", "recoil energy k₀²/2m", _E, "positive")),
        _derived_grids(
            (
                "derived_square",
                (1e-12, 1e6, 40, False),
                "U, E_R on a 40 × 40 log grid over [1e-12, 1e6]",
            ),
            (
                "derived_halton",
                (400, 1e-3, 1e3),
                "400 log-Halton points, U ∈ [1e-3, 1e3], E_R ∈ [1e-3, 1e3]",
            ),
            (
                "derived_square",
                (1e-300, 1e300, 25, False),
                "U, E_R on a 25 × 25 log grid over [1e-300, 1e300]",
            ),
        ),
        summary="Harmonic frequency ω of the sin² lattice.",
        equation="Eq. (34): ω = 2 √(E_R U), derived from the expansion (33) of (2).",
        returns="ω [energy], same shape as the broadcast arguments.",
        build="lattice_frequency",
    ),
    Function(
        "effective_frequency",
        "lattice",
        "generated",
        ("38",),
        "38",
        "ε of (38), overflow-safe (the naive √(ω² + Ω²) overflows from 1e154)",
        (
            Arg("omega", "omega", "lattice frequency ω_α", _E, "nonnegative"),
            Arg("Omega", "Omega", "interaction frequency Ω_α", _E, "nonnegative"),
        ),
        _derived_grids(
            (
                "derived_square",
                (1e-300, 1e300, 30, True),
                "ω, Ω on a 31 × 31 grid, 0 and log-spaced over [1e-300, 1e300]",
            ),
            ("derived_halton", (400, 1e-3, 1e3), "400 log-Halton points, ω, Ω ∈ [1e-3, 1e3]"),
        ),
        summary="Effective oscillation frequency ε.",
        equation="Eq. (38): ε = √(ω² + Ω²), from the optimization condition (32).",
        returns="ε [energy]; computed as hypot(ω, Ω), which neither overflows nor underflows.",
        build="effective_frequency",
    ),
    Function(
        "gaussian_hopping",
        "lattice",
        "generated",
        ("J_ij",),
        "J_ij",
        "J_ij of (7) for the Gaussians (29), derived (not the printed form); exponent in "
        "double-double",
        (
            Arg("r", "r", "displacement r_j − r_i, site i at a lattice minimum", "length", "real"),
            Arg("eps", "epsilon", "effective frequency ε_α", _E, "positive"),
            _U,
            Arg("k0", "k_0", "lattice wave number k₀^α = 2π/λ_α", "1/length", "positive"),
            Arg("m", "m", "atomic mass (no direction axis)", "mass", "positive"),
        ),
        (
            Region(
                "300 Halton points (d = 3, r ∈ [−3, 3], ε, k₀, m ∈ [0.05, 20], U ∈ [0, 50]), "
                "relative to the size of J's terms",
                "hopping_halton",
                (300,),
            ),
            Region(
                "Gaussian exponent Σ mεr²/4 from 10 to 700 (J down to 1e-304)",
                "hopping_far",
                (10.0, 700.0, 12),
            ),
            Region(
                "relative to J itself where its terms cancel, Σ|t|/|Σt| from 1 to 10³ "
                "(30 Halton points a decade)",
                "hopping_cancelling",
                (1.0, 1e3, 30),
            ),
            Region(
                "relative to J itself, Σ|t|/|Σt| from 10³ to 10⁴ (30 Halton points)",
                "hopping_cancelling",
                (1e3, 1e4, 30),
            ),
        ),
        summary="Tunneling J_ij of (7) for the Gaussian ansatz (29).",
        equation="Exact for Gaussians in the sin² lattice (2); not the printed J_ij, which the "
        "verify run finds wrong.",
        returns="J [energy]; the last axis of r, eps, U, k0 (the d directions) is summed out.",
        build="gaussian_hopping",
        reduce_last_axis=True,
        notes=(
            "1 − cos(k₀r)e^(−q), q = k₀²/(mε), is evaluated as "
            "−expm1(−q) + 2e^(−q)sin²(k₀r/2) to avoid cancellation.",
            "J changes sign where its kinetic and lattice terms t cancel; relative to J a "
            "float64 sum is then off by up to about Σ|t|/(2|Σt|) ulp. Where Σ|t| > 7|Σt| the "
            "bracket is summed again in long double (11 more bits on x86), which keeps J "
            "within a few ulp of itself up to Σ|t|/|Σt| ~ 10⁴ and loses about "
            "Σ|t|/(2·10⁴|Σt|) ulp beyond. Where long double is float64 (e.g. ARM macOS) "
            "nothing is refined.",
            "The Gaussian exponent Σ mεr²/4 is carried in double-double, so exp(−x) keeps "
            "its ~1 ulp even at x ~ 700, where a float64 exponent would cost x ulp. "
            "Beyond x = 700, where J turns subnormal, exp(−x) is scaled by 2^k and the "
            "product with the bracket is rounded once into the subnormal range.",
        ),
    ),
    Function(
        "sound_velocity",
        "lattice",
        "generated",
        ("46",),
        "46",
        "c₀ of (46), a√(νD/m)",
        (
            Arg("nu", "nu", "filling factor ν", "1", "positive"),
            Arg("D", "D", "dynamic parameter D of (44)", "energy/length²", "nonnegative"),
            Arg("m", "m", "atomic mass", "mass", "positive"),
            Arg("a", "a", "nearest-neighbour distance", "length", "positive"),
        ),
        _derived_grids(
            ("derived_cube", (1e-6, 1e6, 7), "ν, D, m, a on a 7⁴ log grid over [1e-6, 1e6]"),
        ),
        summary="Sound velocity c₀ of the long-wave phonons.",
        equation="Eq. (46): c₀ = √(ν D a²/m), from the long-wave limit (45) of (43).",
        returns="c₀ [energy·length] (a velocity with ħ = 1).",
        build="sound_velocity",
    ),
    Function(
        "debye_temperature",
        "phonons",
        "tables",
        ("49", "k_D"),
        "49",
        "T_D = c₀k_D (derived; the printed (49) lacks a square root)",
        (
            Arg("nu", "nu", "filling factor ν", "1", "positive"),
            Arg("D", "D", "dynamic parameter D of (44)", "energy/length²", "nonnegative"),
            Arg("m", "m", "atomic mass", "mass", "positive"),
            _D,
        ),
        (
            Region(
                "ν, D, m on a 7³ log grid over [1e-6, 1e6], d = 1, 2, 3", "debye_temperature_grid"
            ),
        ),
    ),
    Function(
        "debye_integral",
        "phonons",
        "tables",
        ("48",),
        "48",
        "I_d(b) of (48); `b = inf` is T = 0; `inf` where it diverges (d = 1; d = 2 at T > 0)",
        (_D, Arg("b", "b", "T_D/(2T)", "1", "positive")),
        (
            Region(
                "d = 3, 90 b log-spaced over [1e-12, 1e6] and both sides of each branch switch, "
                "against quadrature of (48)",
                "debye_integral_quadrature",
            ),
        ),
    ),
    Function(
        "lindemann_ratio",
        "phonons",
        "tables",
        ("47", "48"),
        "48",
        "r₀/a from (42) in the Debye approximation, T = 0 allowed",
        (_T_D, _E_K, Arg("T", "T", "temperature", _E, "nonnegative"), _D),
        (
            Region(
                "d = 3, 300 log-Halton points, T_D ∈ [1e-3, 1e6], E_K ∈ [1e-3, 1e3], "
                "T ∈ [1e-6, 1e6] (every tenth T = 0)",
                "lindemann_halton",
            ),
        ),
        options=(_ZONE,),
    ),
    Function(
        "melting_temperature",
        "phonons",
        "tables",
        ("47",),
        "48",
        "the T where r₀/a = 1/2, solved vectorized; 0.0 where no localized state survives T > 0",
        (_T_D, _E_K, _D),
        (
            Region(
                "T_D/E_K from 30 to 1e12 (80 log-spaced) × 2 log-Halton E_K ∈ [1e-3, 1e3]",
                "melting",
                ("log", 30.0, 1e12, 80, 2),
            ),
            Region(
                "T_D/E_K = 18(1 + δ), δ from 1e-8 to 0.5 (15 log-spaced) × 4 log-Halton "
                "E_K ∈ [1e-3, 1e3]: the edge T_m → 0",
                "melting",
                ("edge", 1e-8, 0.5, 15, 4),
            ),
        ),
        options=(_ZONE,),
    ),
    Function(
        "lindemann_threshold",
        "phonons",
        "tables",
        ("51", "52", "53"),
        "51",
        "T_D/E_K above which the localized state is stable at T = 0: 4d²/(d − 1) of (51); "
        "inf for d = 1",
        (_D,),
        (Region("d = 1, 2, 3 against the derived (51)", "lindemann_threshold_all"),),
        options=(_ZONE,),
    ),
)

MODULES: tuple[str, ...] = tuple(dict.fromkeys(f.module for f in FUNCTIONS))


def by_name(name: str) -> Function:
    for f in FUNCTIONS:
        if f.name == name:
            return f
    raise KeyError(
        f"no registered function {name!r}; known: {', '.join(f.name for f in FUNCTIONS)}"
    )
