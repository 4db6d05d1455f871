"""A paper as one object: its title, sections, equation records and symbol dimensions.

Everything that verifies, derives, teaches or reports takes a :class:`Paper`; nothing in
the framework knows which paper it is. The paper also fixes how its comparisons are made:
the unit system of its dimensions and the probe's precision (:class:`~.verdict.Probe`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import sympy as sp

from .dimensions import Dim, UnitSystem
from .record import EquationRecord
from .verdict import Probe

__all__ = ["Paper"]


@dataclass(frozen=True)
class Paper:
    """A paper's records in reading order, and what judging them needs.

    ``unnumbered`` lists the ids of displays without an equation number (named, not
    counted); ``dimensions`` and ``function_dimensions`` give every symbol and undefined
    function its dimension in ``units``; ``probe`` holds the digits of the numeric probe.
    """

    title: str
    author: str
    sections: Mapping[int, str]
    records: tuple[EquationRecord, ...]
    units: UnitSystem
    dimensions: Mapping[sp.Basic, Dim]
    function_dimensions: Mapping[str, Dim]
    probe: Probe = field(default_factory=Probe)
    unnumbered: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Frozen all the way down: read-only views of private copies.
        object.__setattr__(self, "records", tuple(self.records))
        for name in ("sections", "dimensions", "function_dimensions"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        ids = [r.id for r in self.records]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.title}: two records share an id")
        unknown = {r.section for r in self.records} - set(self.sections)
        if unknown:
            raise ValueError(f"{self.title}: records in sections {sorted(unknown)} not listed")

    def ids(self) -> list[str]:
        return [r.id for r in self.records]

    def get(self, eq_id: str) -> EquationRecord:
        """The record with this id; a ``KeyError`` lists the valid ids."""
        for r in self.records:
            if r.id == eq_id:
                return r
        raise KeyError(f"no equation {eq_id!r}; valid ids: {', '.join(self.ids())}")
