"""Model files of a self-organised crystal: ``[crystal]`` instead of ``[lattice]``.

Without an optical lattice (the paper's conclusion: a crystal held by the interaction
alone) the file names the crystal's geometry::

    [model]        mass, name, filling (atoms per site ν, default 1)
    [crystal]      geometry = "triangular" | "bcc" | …, spacing (a), temperature,
                   smearing = "gaussian" (the paper's (44), default) | "none", width (l)
    [interaction]  as in every model file

:func:`crystal_quantities` answers with every branch (:class:`qcrystal.Crystal`): the
geometry, coordination, k_D, stability, the sound velocities along the symmetry axes, and
r₀/a and T_melt over the whole zone beside the Debye sphere of the crystal's own sound
velocities (the paper's approximation of (42)).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .quantities import Quantity
from .schema import ModelError, read_text

if TYPE_CHECKING:
    from qcrystal.crystal import Crystal

__all__ = [
    "CrystalFile",
    "CrystalQuantities",
    "crystal_quantities",
    "is_crystal_file",
    "load_crystal",
]


@dataclass(frozen=True)
class CrystalQuantities:
    """A crystal file's quantities in the order shown, and the notes that qualify them."""

    values: tuple[Quantity, ...]
    notes: tuple[str, ...]

    def __iter__(self) -> Iterator[Quantity]:
        return iter(self.values)


_KEYS = {
    "model": {"name": str, "mass": float, "filling": float},
    "crystal": {
        "geometry": str,
        "spacing": float,
        "temperature": float,
        "smearing": str,
        "width": float,
    },
}
_DIRECTIONS = {2: ((1.0, 0.0), (1.0, 1.0)), 3: ((1.0, 0.0, 0.0), (1.0, 1.0, 0.0), (1.0, 1.0, 1.0))}


def is_crystal_file(text: str) -> bool:
    """True for a file with a [crystal] table (and no [lattice])."""
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):  # not TOML, or hostile: the model loader says why
        return False
    return "crystal" in data and "lattice" not in data


@dataclass(frozen=True)
class CrystalFile:
    """A [crystal] model file read and built: its :class:`qcrystal.Crystal`, the
    temperature it asks about, the interaction table and the file's name."""

    source: str
    crystal: Crystal
    temperature: float
    interaction: dict
    name: str


def load_crystal(path: str | Path, n: int = 16) -> CrystalFile:
    """Read a [crystal] model file and build its crystal (a ModelError names what is wrong)."""
    from qcrystal.crystal import Crystal

    source = str(path)
    try:
        data = tomllib.loads(read_text(path))
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
        raise ModelError(f"{source}: cannot read it as TOML: {exc}") from None
    values: dict[str, dict] = {}
    for section, keys in _KEYS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ModelError(f"{source}: [{section}] must be a table")
        for key in table:
            if key not in keys:
                raise ModelError(
                    f"{source}: [{section}] has no key {key!r}; allowed: {', '.join(keys)}"
                )
        values[section] = table
    for key in ("geometry", "spacing"):
        if key not in values["crystal"]:
            raise ModelError(f"{source}: [crystal] needs {key!r}")
    mass = _number(source, "model", "mass", values["model"].get("mass", 1.0))
    spacing = _number(source, "crystal", "spacing", values["crystal"]["spacing"])
    filling = _number(source, "model", "filling", values["model"].get("filling", 1.0))
    table = values["crystal"]
    smearing = table.get("smearing", "gaussian")
    width = _number(source, "crystal", "width", table["width"]) if "width" in table else None
    T = _number(source, "crystal", "temperature", values["crystal"].get("temperature", 0.0), 0)
    interaction = data.get("interaction")
    if not isinstance(interaction, dict) or "kind" not in interaction:
        raise ModelError(f"{source}: [interaction] with a 'kind' is needed")
    try:
        crystal = Crystal(
            str(values["crystal"]["geometry"]),
            dict(interaction),
            mass=mass,
            spacing=spacing,
            filling=filling,
            smearing=str(smearing),
            width=width,
            n=n,
        )
    except ValueError as exc:
        raise ModelError(f"{source}: {exc}") from None
    name = values["model"].get("name", Path(source).stem)
    return CrystalFile(source, crystal, T, dict(interaction), str(name))


def crystal_quantities(path: str | Path, n: int = 16) -> tuple[str, CrystalQuantities]:
    """The title line and the quantities of a [crystal] model file."""
    from qcrystal.crystal import UnstableError

    loaded = load_crystal(path, n)
    source, crystal, T, interaction = (
        loaded.source,
        loaded.crystal,
        loaded.temperature,
        loaded.interaction,
    )
    g = crystal._harmonic.geometry
    out = [
        Quantity("d", float(g.d), "1", "", f"{g.name} lattice"),
        Quantity("z", float(g.coordination), "1", "", "coordination (nearest neighbours)"),
        Quantity("k_D", g.debye_wavenumber, "1/length", "(46)", "Debye wave number of the zone"),
    ]
    notes: list[str] = [f"interaction between sites: {crystal.smearing_note}"]
    if crystal.width_used is not None:
        out.append(Quantity("l", crystal.width_used, "length", "(29)", "Gaussian width of U_l"))
    scan = crystal.stability()
    out.append(Quantity("stable", float(scan.stable), "1", "", "no ω² < 0 on the zone grid"))
    if not scan.stable:
        k = ", ".join(f"{v:.3g}" for v in scan.k)
        notes.append(
            f"unstable: ω² = {scan.omega2:.3g} at k = ({k}), branch {scan.branch}: no crystal "
            "of this geometry with this Φ (r₀/a and T_melt not reported)"
        )
        return _title(source, g, interaction), CrystalQuantities(tuple(out), tuple(notes))
    plasmon = crystal._harmonic.plasmon
    if plasmon is not None:
        A, e = plasmon
        if e == 0:
            out.append(
                Quantity(
                    "ω_p",
                    math.sqrt(A),
                    "energy",
                    "",
                    "plasma frequency: ω_L → ω_p at k → 0 (Σ_s ω_s² = ω_p², Kohn)",
                )
            )
        else:
            out.append(
                Quantity(
                    "√(A k_D)",
                    math.sqrt(A * g.debye_wavenumber**e),
                    "energy",
                    "",
                    f"long-wave plasmon ω_L² → A|k|^{e:g} taken at k_D",
                )
            )
        notes.append(
            "the interaction is long-ranged (r^-p, p < d): the longitudinal branch is a "
            "plasmon with no sound velocity (shown as inf), the transverse ones are sound; "
            "the Debye sphere of (42) needs sound on every branch and is not reported"
        )
    for direction in _DIRECTIONS.get(g.d, ()):
        c = crystal.sound_velocities(direction)
        label = "[" + "".join(str(int(v)) for v in direction) + "]"
        out.append(
            Quantity(f"c {label}", tuple(float(v) for v in c), "energy·length", "(46)",
                     f"sound velocities of every branch along {label}")
        )  # fmt: skip
    ratios: dict[str, float] = {}
    try:
        zones = (("exact", "whole zone"), ("debye", "Debye sphere, all branches"))
        for zone, what in zones[: 1 if plasmon is not None else 2]:
            ratios[zone] = float(crystal.lindemann_ratio(T, zone))
            if zone == "exact":
                err = float(crystal.lindemann_error(T))
                what += f" (± {err:.1g}: {n}^{g.d} grid against half of it)"
            out.append(Quantity(f"r₀/a {zone}", ratios[zone], "1", "(47)", f"at T = {T:g}, {what}"))
        if g.d == 3:
            for zone in ("exact",) if plasmon is not None else ("exact", "debye"):
                out.append(
                    Quantity(f"T_melt {zone}", crystal.melting_temperature(zone), "energy",
                             "(47)", "r₀/a = 1/2")
                )  # fmt: skip
        else:
            notes.append(f"d = {g.d}: r₀ diverges at every T > 0 (52)–(54): no melting point")
    except (ValueError, UnstableError) as exc:
        notes.append(f"r₀/a not reported: {exc}")
    if len(ratios) == 2 and all(np.isfinite(list(ratios.values()))):
        notes.append(
            f"the Debye sphere (the paper's approximation of (42), here with this crystal's "
            f"own sound velocities) gives r₀/a {ratios['debye'] / ratios['exact'] - 1:+.1%} "
            f"against the whole zone (grid {n}^{g.d})"
        )
    return _title(source, g, interaction), CrystalQuantities(tuple(out), tuple(notes))


def _title(source: str, g, interaction: dict) -> str:
    kind = interaction["kind"]
    return f"{source}: {g.name} crystal (d = {g.d}, no optical lattice), interaction {kind}"


def _number(source: str, section: str, key: str, value: object, lowest: float = 1e-300) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelError(f"{source}: [{section}] {key} must be a finite number (got {value!r})")
    if value < lowest or (lowest > 0 and value <= 0):
        bound = "> 0" if lowest > 0 else ">= 0"
        raise ModelError(f"{source}: [{section}] {key} must be {bound} (got {value!r})")
    return float(value)
