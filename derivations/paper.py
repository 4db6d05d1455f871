"""The paper as one object, ``PAPER``: its records in reading order, sections and symbols.

Ids are the equation numbers "1" … "55" and, for the unnumbered displays, ``phi_nk`` (the
Bloch expansion after (19)), ``H1`` (the definitions after (31)), ``J_ij`` (the tunneling
expression after (38)), ``U_a`` (the smeared interaction after (44)) and ``k_D`` (the
Debye wave vector after (46)).
"""

from __future__ import annotations

from qcrystal.symbolic import Paper, Probe

from . import bands, energy, localized, phonons
from .symbols import DIMS, FUNCTION_DIMS, SIMPLIFY_SECONDS, UNITS

__all__ = ["PAPER"]

PAPER = Paper(
    title="From optical lattices to quantum crystals",
    author="V. I. Yukalov",
    sections={2: "Localized states", 3: "Energy of atoms", 4: "Phonon excitations"},
    records=(
        *localized.RECORDS,  # 1–13
        *bands.RECORDS,  # 14–19, phi_nk, 20–26
        *energy.RECORDS,  # 27–31, H1, 32–38, J_ij
        *phonons.RECORDS,  # 39–44, U_a, 45, 46, k_D, 47–55
    ),
    units=UNITS,
    dimensions=DIMS,
    function_dimensions=FUNCTION_DIMS,
    # 40 working digits, agreement to 30, and 5 s for SymPy before the probe decides alone.
    probe=Probe(points=6, digits=40, agree=30, simplify_seconds=SIMPLIFY_SECONDS),
    unnumbered=("phi_nk", "H1", "J_ij", "U_a", "k_D"),
)
