"""Models: a TOML file names an interaction Φ(r), the lattice and the parameters, and every
quantity of the paper follows for it.

* :mod:`.schema` — the model file, checked, as a :class:`Model`;
* :mod:`.units` — unit strings in model files ("1064 nm", "12 kHz") and the lab system
  (µm, Da, ħ = k_B = 1) a file that uses them is converted into;
* :mod:`.species` — atoms and molecules by name: isotope masses and cited moments and
  scattering lengths (``[model] species = "Rb87"``);
* :mod:`.parser` — the no-eval parser of custom Φ (and of students' steps);
* :mod:`.interactions` — the built-in interactions and their tails;
* :mod:`.lattice_sums` — lattice sums with convergence control and stated errors;
* :mod:`.ewald` — Ewald sums of power laws (also with a neutralising background) and of
  their second derivatives, for any Bravais lattice, with error bounds;
* :mod:`.smearing` — D of (44): Φ smeared by the Gaussians (29);
* :mod:`.quantities` — every quantity at the model's own depth (``qcrystal model show``);
* :mod:`.functions` — the same as vectorized functions of the depth (phase diagrams and
  the per-model generated module).
"""

from .functions import DepthFunctions
from .lattice_sums import LatticeSumError
from .quantities import Quantities, Quantity, quantities
from .schema import OMEGA_MODES, Model, ModelError, load, loads, read_text
from .smearing import SmearingError

__all__ = [
    "OMEGA_MODES",
    "DepthFunctions",
    "LatticeSumError",
    "Model",
    "ModelError",
    "Quantities",
    "Quantity",
    "SmearingError",
    "load",
    "loads",
    "quantities",
    "read_text",
]
