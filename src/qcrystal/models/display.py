"""Quantities shown in the units a reader asks for: the model's, the lab's, or recoil units.

Inside, ħ = k_B = 1 and every number is in the model's units (for a file in lab units,
:mod:`.units`: length 1 µm, mass 1 Da, energy E₀ = ħ²/(Da·µm²)). At the edge,
:func:`convert` turns one :class:`~.quantities.Quantity` into

* ``"lab"`` (files in lab units only): energies as E/h in Hz, kHz or MHz, temperatures
  (the rows T_…) as k_B T in nK or µK, lengths in nm or µm, velocities in mm/s, wave
  numbers in 1/µm, and D of (44) as (E/h)/µm²; with the SI value beside it;
* ``"recoil"``: energies in units of the recoil energy E_R of the first direction (and
  energy² in E_R²), the rest unchanged;
* ``"model"``: as computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import scipy.constants as sc

from .schema import Model

__all__ = ["SYSTEMS", "Shown", "convert"]

SYSTEMS = ("model", "lab", "recoil")
# A frequency or a temperature gets the largest prefix that leaves it ≥ 1.
_HZ = ((1e6, "MHz"), (1e3, "kHz"), (1.0, "Hz"))
_KELVIN = ((1e-6, "µK"), (1e-9, "nK"))


@dataclass(frozen=True)
class Shown:
    """A value (number or tuple) in its displayed unit, and its SI value and unit (or None)."""

    value: float | tuple[float, ...]
    unit: str
    si: float | tuple[float, ...] | None = None
    si_unit: str | None = None


def _scaled(value, factor: float):
    if isinstance(value, tuple):
        return tuple(float(v) * factor for v in value)
    return float(value) * factor


def _largest(value, steps: tuple[tuple[float, str], ...]) -> tuple[float, str]:
    """The prefix for ``value`` (SI): the largest step not above |value| (the last if none)."""
    values = value if isinstance(value, tuple) else (value,)
    finite = [abs(v) for v in values if math.isfinite(v) and v != 0]
    size = max(finite, default=0.0)
    for step, name in steps:
        if size >= step:
            return step, name
    return steps[-1]


def convert(symbol: str, value, unit: str, model: Model, system: str, E_R: float) -> Shown:
    """``value`` of the quantity ``symbol`` (its model ``unit``) in ``system``; ``E_R`` is
    the recoil energy of the first direction in model units (for ``"recoil"``)."""
    if system not in SYSTEMS:
        raise ValueError(f"units must be one of {', '.join(SYSTEMS)} (got {system!r})")
    if system == "model":
        return Shown(value, unit)
    if system == "recoil":
        if unit == "energy":
            return Shown(_scaled(value, 1 / E_R), "E_R")
        if unit == "energy²":
            return Shown(_scaled(value, 1 / E_R**2), "E_R²")
        return Shown(value, unit)
    energy, length = model.energy_unit_J, model.length_unit_m
    if energy is None or length is None:
        raise ValueError(
            f"{model.source}: --units lab needs a file in lab units (a species or a number "
            "with a unit in it); this one is in its own units: use --units model or recoil"
        )
    if unit == "energy" and symbol.startswith("T_"):
        si = _scaled(value, energy / sc.k)
        step, name = _largest(si, _KELVIN)
        return Shown(_scaled(si, 1 / step), name, si, "K")
    if unit == "energy":
        si = _scaled(value, energy)
        hz = _scaled(value, energy / sc.h)
        step, name = _largest(hz, _HZ)
        return Shown(_scaled(hz, 1 / step), name, si, "J")
    if unit == "energy²":
        si = _scaled(value, energy**2)
        hz2 = _scaled(value, (energy / sc.h) ** 2)
        root = (
            tuple(math.sqrt(abs(v)) for v in hz2) if isinstance(hz2, tuple) else math.sqrt(abs(hz2))
        )  # the prefix of the frequency whose square this is
        step, name = _largest(root, _HZ)
        return Shown(_scaled(hz2, 1 / step**2), f"{name}²", si, "J²")
    if unit == "length":
        si = _scaled(value, length)
        step, name = _largest(si, ((1e-6, "µm"), (1e-9, "nm")))
        return Shown(_scaled(si, 1 / step), name, si, "m")
    if unit == "1/length":
        si = _scaled(value, 1 / length)
        return Shown(_scaled(si, 1e-6), "1/µm", si, "1/m")
    if unit == "energy·length":  # a velocity: E·L/ħ
        si = _scaled(value, energy * length / sc.hbar)
        return Shown(_scaled(si, 1e3), "mm/s", si, "m/s")
    if unit == "energy/length²":
        si = _scaled(value, energy / length**2)
        return Shown(_scaled(value, energy / sc.h / (length / 1e-6) ** 2), "Hz/µm²", si, "J/m²")
    return Shown(value, unit)
