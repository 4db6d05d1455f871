"""qcrystal: re-derive, verify and compute Yukalov's optical-lattice to quantum-crystal paper.

The numeric functions are generated from the derivations (``qcrystal codegen``):

* :func:`lattice_frequency` — ω of (34)
* :func:`effective_frequency` — ε of (38)
* :func:`gaussian_hopping` — J_ij of (7) for the Gaussian ansatz (29)
* :func:`debye_temperature` — T_D = c₀ k_D (the derived form, not the printed (49))
* :func:`debye_integral` — I_d(b) = ∫₀¹ x^(d−2) coth(bx) dx of (48)
* :func:`lindemann_ratio` — r₀/a in the Debye approximation, bounded by (47)
"""

from qcrystal.lattice import effective_frequency, gaussian_hopping, lattice_frequency
from qcrystal.phonons import debye_integral, debye_temperature, lindemann_ratio

__all__ = [
    "debye_integral",
    "debye_temperature",
    "effective_frequency",
    "gaussian_hopping",
    "lattice_frequency",
    "lindemann_ratio",
]
__version__ = "0.1.0"
