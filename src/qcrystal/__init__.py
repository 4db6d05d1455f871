"""qcrystal: re-derive, verify and compute Yukalov's optical-lattice to quantum-crystal paper.

The numeric functions come from the derivations (``qcrystal codegen``); which ones there
are, and which equations each computes, is declared once in the registry
(:mod:`qcrystal.codegen.registry`):

* ``lattice_frequency`` — ω of (34); ``effective_frequency`` — ε of (38)
* ``gaussian_hopping`` — J_ij of (7) for the Gaussian ansatz (29)
* ``sound_velocity`` — c₀ of (46); ``debye_temperature`` — T_D = c₀ k_D (derived form)
* ``debye_integral`` — I_d(b) of (48); ``lindemann_ratio`` — r₀/a bounded by (47)
* ``melting_temperature`` — the T at which r₀/a reaches 1/2
* ``lindemann_threshold`` — the T = 0 bound of (51)

and, written by hand: :func:`classify` (the four states), :func:`derivation` (the steps of
an equation, rendered in Jupyter) and :func:`check_step` (is a student's step right?).
Everything is loaded on first use (PEP 562), so ``import qcrystal`` is light.
"""

from importlib import import_module
from typing import Any

from qcrystal.codegen.registry import FUNCTIONS

_EXPORTS = {f.name: f"numerics.{f.module}" for f in FUNCTIONS} | {
    "check_step": "teaching.step_check",
    "classify": "states",
    "derivation": "teaching.step_check",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"qcrystal.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'qcrystal' has no attribute {name!r}")


__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"
