"""Crystals: the Bravais geometries a localized state can take, and their Brillouin zones.

* :mod:`.geometry` — the chain, square, triangular, simple cubic, bcc and fcc lattices at
  nearest-neighbour distance a: primitive and reciprocal vectors, cell and zone volumes,
  coordination, shells of lattice vectors, the Debye wave number and Monkhorst–Pack grids
  for zone averages.

>>> from qcrystal.crystal import geometry
>>> [geometry(name).coordination for name in ("chain", "square", "cubic", "bcc", "fcc")]
[2, 4, 6, 8, 12]
"""

from .geometry import GEOMETRIES, Geometry, Shell, geometry

__all__ = ["GEOMETRIES", "Geometry", "Shell", "geometry"]
