"""Vectorized float64 numerics of the paper, from the derivations.

``lattice`` is generated whole (``qcrystal codegen``); ``phonons`` is written by hand on
the generated ``_phonon_tables``. Which function lives where, and which equations it
computes, is declared once in :mod:`qcrystal.codegen.registry`; the functions are loaded
on first use, so that ``qcrystal codegen`` still runs when a generated module is stale.
"""

from collections.abc import Callable
from importlib import import_module
from typing import Any

from qcrystal.codegen.registry import FUNCTIONS

__all__ = sorted(f.name for f in FUNCTIONS)
_MODULE = {f.name: f.module for f in FUNCTIONS}


def __getattr__(name: str) -> Callable[..., Any]:
    if name in _MODULE:
        return getattr(import_module(f"qcrystal.numerics.{_MODULE[name]}"), name)
    raise AttributeError(f"module 'qcrystal.numerics' has no attribute {name!r}")
