"""How good are the paper's approximations? Exact bands beside the Gaussian ansatz.

* :mod:`.bands` — exact Bloch bands, hopping and Wannier functions of the sin² lattice;
* :mod:`.approximations` — the Gaussian ansatz, its variational width and the asymptotic
  J set beside them (``qcrystal accuracy``).
"""

from . import bands
from .approximations import (
    DEFAULT_DEPTHS,
    RATIO_KEYS,
    VARIATIONAL_MIN_DEPTH,
    AccuracyRow,
    accuracy_table,
    asymptotic_hopping,
    exact_frequency,
    figure,
    gaussian_hopping_1d,
    gaussian_overlap,
    plot,
    to_csv,
    to_records,
    to_text,
    unresolved_from,
    variational_width,
    within,
)

__all__ = [
    "DEFAULT_DEPTHS",
    "RATIO_KEYS",
    "VARIATIONAL_MIN_DEPTH",
    "AccuracyRow",
    "accuracy_table",
    "asymptotic_hopping",
    "bands",
    "exact_frequency",
    "figure",
    "gaussian_hopping_1d",
    "gaussian_overlap",
    "plot",
    "to_csv",
    "to_records",
    "to_text",
    "unresolved_from",
    "variational_width",
    "within",
]
