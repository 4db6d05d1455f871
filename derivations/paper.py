"""The paper's equation records, in reading order, with lookup by id.

Ids are the equation numbers "1" … "55" and, for the unnumbered displays, ``phi_nk`` (the
Bloch expansion after (19)), ``H1`` (the definitions after (31)), ``J_ij`` (the tunneling
expression after (38)), ``U_a`` (the smeared interaction after (44)) and ``k_D`` (the
Debye wave vector after (46)).
"""

from __future__ import annotations

from . import bands, energy, localized, phonons
from .record import EquationRecord

__all__ = ["SECTIONS", "UNNUMBERED", "get", "ids", "records"]

SECTIONS = {2: "Localized states", 3: "Energy of atoms", 4: "Phonon excitations"}
UNNUMBERED = ("phi_nk", "H1", "J_ij", "U_a", "k_D")

_ORDER = [
    *localized.RECORDS[:13],
    *bands.RECORDS[:6],  # 14–19
    *bands.RECORDS[6:],  # phi_nk, 20–26
    *energy.RECORDS,  # 27–31, H1, 32–38, J_ij
    *phonons.RECORDS,
]


def records() -> list[EquationRecord]:
    """Every displayed equation of the paper, in the order printed."""
    return list(_ORDER)


def ids() -> list[str]:
    return [r.id for r in _ORDER]


def get(eq_id: str) -> EquationRecord:
    """The record with this id; a ``KeyError`` lists the valid ids."""
    for r in _ORDER:
        if r.id == eq_id:
            return r
    raise KeyError(f"no equation {eq_id!r}; valid ids: {', '.join(ids())}")
