"""qcrystal: re-derive, verify and compute Yukalov's optical-lattice to quantum-crystal paper.

``qcrystal.lattice_frequency``, ``qcrystal.debye_temperature`` and the other numeric
functions are the registry's (:mod:`qcrystal.codegen.registry` declares each once: the
equations it computes, its derivation, its arguments; ``dir(qcrystal)`` lists them). Beside
them, written by hand: :func:`classify` (the four states), :func:`derivation` (the steps of
an equation, rendered in Jupyter), :func:`check_step` (is a student's step right?) and
:class:`Crystal` (a geometry and an interaction, with all its phonon branches).
Everything is loaded on first use (PEP 562), so ``import qcrystal`` is light.
"""

from importlib import import_module
from typing import Any

from qcrystal.codegen.registry import FUNCTIONS

_EXPORTS = {f.name: f"numerics.{f.module}" for f in FUNCTIONS} | {
    "Crystal": "crystal",
    "check_step": "teaching.step_check",
    "classify": "states",
    "derivation": "teaching.step_check",
}


def __dir__() -> list[str]:
    return sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"qcrystal.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'qcrystal' has no attribute {name!r}")


__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"
