"""Crystals: the Bravais geometries a localized state can take, and their Brillouin zones.

* :mod:`.geometry` — the chain, square, triangular, simple cubic, bcc and fcc lattices at
  nearest-neighbour distance a: primitive and reciprocal vectors, cell and zone volumes,
  coordination, shells of lattice vectors, the Debye wave number and Monkhorst–Pack grids
  for zone averages.
* :mod:`.dynamics` — the dynamical matrix of a central pair potential (power laws by Ewald,
  short-range radial functions directly), phonon branches, stability scans, sound
  velocities, and r₀² of (41)–(42) over the whole zone with its error.

>>> from qcrystal.crystal import geometry
>>> [geometry(name).coordination for name in ("chain", "square", "cubic", "bcc", "fcc")]
[2, 4, 6, 8, 12]
"""

from .crystal import Crystal
from .dynamics import (
    HarmonicCrystal,
    PowerLaw,
    Radial,
    Stability,
    UnstableError,
    ZoneAverage,
    dynamical_matrix,
    lennard_jones,
)
from .geometry import GEOMETRIES, Geometry, Shell, geometry

__all__ = [
    "GEOMETRIES",
    "Crystal",
    "Geometry",
    "HarmonicCrystal",
    "PowerLaw",
    "Radial",
    "Shell",
    "Stability",
    "UnstableError",
    "ZoneAverage",
    "dynamical_matrix",
    "geometry",
    "lennard_jones",
]
