"""qcrystal: re-derive, verify and compute Yukalov's optical-lattice to quantum-crystal paper.

The numeric functions are generated from the derivations (``qcrystal codegen``):

* :func:`lattice_frequency` — ω of (34)
* :func:`effective_frequency` — ε of (38)
* :func:`gaussian_hopping` — J_ij of (7) for the Gaussian ansatz (29)
"""

from qcrystal.lattice import effective_frequency, gaussian_hopping, lattice_frequency

__all__ = ["effective_frequency", "gaussian_hopping", "lattice_frequency"]
__version__ = "0.1.0"
