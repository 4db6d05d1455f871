"""Atoms and molecules by name (``[model] species = "Rb87"``): mass and cited properties.

The mass of a species is the sum of its isotopes' masses from ``periodictable`` (the
atomic mass evaluation), in Da. The package's ``species.toml`` adds, where a value could be
found in a citable source, the magnetic moment, the electric dipole moment and the s-wave
scattering length, each with its source and the internal state it belongs to; what is not
known there is left out, and a model file gives it itself.

Values in the model file win over the species': a ``mass`` beside ``species`` is the mass
used (an isotope mixture, a tweezer's effective mass), and an interaction's own ``C_dd``,
``magnetic_moment``, ``electric_dipole``, ``g`` or ``scattering_length`` wins over the
table. Nothing is said when that happens: the file says what it means.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from types import MappingProxyType

__all__ = ["PROPERTIES", "Species", "lookup", "names"]

# The cited properties of the table, each a unit string as in a model file.
PROPERTIES = ("magnetic_moment", "electric_dipole", "scattering_length")
_ISOTOPE = re.compile(r"([A-Z][a-z]?)(\d{1,3})")


@dataclass(frozen=True)
class Species:
    """One atom or molecule of the table.

    ``mass`` is in Da; ``magnetic_moment``, ``electric_dipole`` and ``scattering_length``
    are unit strings (``"10 bohr_magneton"``, ``"1.225 debye"``, ``"92 bohr"``) or None if
    the table has no cited value; ``sources`` and ``states`` map each given property to its
    citation and the internal state it is for.
    """

    name: str
    isotopes: tuple[str, ...]
    mass: float
    magnetic_moment: str | None = None
    electric_dipole: str | None = None
    scattering_length: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    states: Mapping[str, str] = field(default_factory=dict)


def _isotope_mass(isotope: str) -> float:
    """The mass of one isotope ("Rb87") in Da, from periodictable."""
    import periodictable

    match = _ISOTOPE.fullmatch(isotope)
    if match is None:
        raise ValueError(f"species table: {isotope!r} is not an element symbol and mass number")
    element = periodictable.elements.symbol(match[1])
    return float(element[int(match[2])].mass)


@functools.cache
def _table() -> Mapping[str, Species]:
    """The species table, read once (a read-only mapping of frozen records, so nothing
    shared can change: the cache only saves re-reading the package file)."""
    text = files("qcrystal.models").joinpath("species.toml").read_text(encoding="utf-8")
    table = {}
    for name, entry in tomllib.loads(text).items():
        isotopes = tuple(entry["isotopes"])
        given = {key: entry[key] for key in PROPERTIES if key in entry}
        missing = [key for key in given if f"{key}_source" not in entry]
        if missing:  # every number in the table says where it comes from
            raise ValueError(f"species table: {name} {', '.join(missing)} without a source")
        table[name] = Species(
            name,
            isotopes,
            sum(_isotope_mass(i) for i in isotopes),
            sources=MappingProxyType({k: entry[f"{k}_source"] for k in given}),
            states=MappingProxyType({k: entry.get(f"{k}_state", "") for k in given}),
            **given,
        )
    return MappingProxyType(table)


def names() -> tuple[str, ...]:
    """The names of every species in the table."""
    return tuple(_table())


def lookup(name: str) -> Species:
    """The species ``name``; a ValueError listing close matches if there is none."""
    table = _table()
    if name in table:
        return table[name]
    lowered = {n.lower(): n for n in table}
    close = difflib.get_close_matches(name.lower(), lowered, n=4, cutoff=0.5)
    hint = f"did you mean {', '.join(lowered[c] for c in close)}? " if close else ""
    raise ValueError(f"unknown species {name!r}; {hint}known: {', '.join(table)}")
