"""qcrystal: re-derive, verify and compute Yukalov's optical-lattice to quantum-crystal paper.

The numeric functions are generated from the derivations (``qcrystal codegen``):

* :func:`lattice_frequency` — ω of (34)
* :func:`effective_frequency` — ε of (38)
* :func:`gaussian_hopping` — J_ij of (7) for the Gaussian ansatz (29)
* :func:`debye_temperature` — T_D = c₀ k_D (the derived form, not the printed (49))
* :func:`debye_integral` — I_d(b) = ∫₀¹ x^(d−2) coth(bx) dx of (48)
* :func:`lindemann_ratio` — r₀/a in the Debye approximation, bounded by (47)
* :func:`melting_temperature` — the T at which r₀/a reaches 1/2

and, hand-written: :func:`classify` (the four states), :func:`derivation` (the steps of an
equation, rendered in Jupyter) and :func:`check_step` (is a student's step right?).
"""

from importlib import import_module

# Exported lazily (PEP 562): `qcrystal codegen` must run even when a generated module is
# missing or stale, so importing the package never imports the generated code.
_EXPORTS = {
    "check_step": "step_check",
    "classify": "states",
    "derivation": "step_check",
    "debye_integral": "phonons",
    "debye_temperature": "phonons",
    "effective_frequency": "lattice",
    "gaussian_hopping": "lattice",
    "lattice_frequency": "lattice",
    "lindemann_ratio": "phonons",
    "melting_temperature": "phonons",
}


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(import_module(f"qcrystal.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'qcrystal' has no attribute {name!r}")


__all__ = [
    "check_step",
    "classify",
    "debye_integral",
    "debye_temperature",
    "derivation",
    "effective_frequency",
    "gaussian_hopping",
    "lattice_frequency",
    "lindemann_ratio",
    "melting_temperature",
]
__version__ = "0.1.0"
