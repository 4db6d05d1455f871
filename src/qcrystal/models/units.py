"""Physical units in model files: the lab unit system, and values like ``"1064 nm"`` in it.

A model file may write any quantity as a string with a unit, parsed by pint (its own
grammar, never ``eval`` or SymPy): ``"1064 nm"``, ``"1.5 um"``, ``"100.4 bohr"`` (a₀),
``"12 kHz"`` (an energy given as E/h), ``"50 nK"`` (an energy given as k_B T),
``"0.57 debye"``, ``"10 bohr_magneton"``, and ``"10 E_R"`` for a lattice depth in recoil
energies. A file that uses any such string, or names a species, is in the **lab system**:

* ħ = k_B = 1, as everywhere in qcrystal;
* length unit L₀ = 1 µm, mass unit M₀ = 1 Da (the unified atomic mass unit);
* hence the energy unit E₀ = ħ²/(M₀ L₀²) = :data:`LAB_ENERGY_J` J (h × 10.1 kHz) and the
  temperature unit E₀/k_B = :data:`LAB_TEMPERATURE_K` K (485 nK).

Plain numbers in such a file are read in these units (a mass of 87 is 87 Da, a wavelength
of 0.532 is 532 nm, a depth of 10 is 10 E₀). A file with plain numbers only keeps the
user's own units, as before (:data:`MODEL`). ``"s E_R"`` alone does not switch a file to the
lab system: E_R = k₀²/2m is defined in whatever units the file's wavelength and mass are.

Constants are CODATA values from ``scipy.constants`` (pint's own CODATA table converts the
units it parses; a test holds the two, and published CODATA 2018 values, together).
Frequencies are cycles per second: ``"12 kHz"`` is E = h × 12 kHz, not ħ × 12 kHz.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import scipy.constants as sc

__all__ = [
    "DIMENSIONLESS",
    "ENERGY",
    "LAB",
    "LAB_ENERGY_J",
    "LAB_LENGTH_M",
    "LAB_MASS_KG",
    "LAB_TEMPERATURE_K",
    "LENGTH",
    "MASS",
    "MODEL",
    "Dimension",
    "UnitError",
    "contact_coupling",
    "describe",
    "electric_dipole_coupling",
    "energy_length",
    "is_recoil",
    "magnetic_dipole_coupling",
    "recoil_multiple",
    "to_lab",
]

MODEL = "model"  # plain numbers only: the user's own units (ħ = k_B = 1)
LAB = "lab"  # µm, Da, ħ = k_B = 1

LAB_LENGTH_M = 1e-6
LAB_MASS_KG = sc.physical_constants["atomic mass constant"][0]
LAB_ENERGY_J = sc.hbar**2 / (LAB_MASS_KG * LAB_LENGTH_M**2)
LAB_TEMPERATURE_K = LAB_ENERGY_J / sc.k

# A unit string is a number and a unit name, so a short one: anything longer is not one.
_MAX_CHARS = 100
# pint evaluates powers itself; a power of a number (9**9**9) or of a bracket could take
# all memory, so a power may only raise a unit name to a literal of at most two digits.
_POWER = re.compile(r"(\*\*|\^)")
_UNIT_POWER = re.compile(r"[A-Za-zµμÅ_]\s*(\*\*|\^)\s*[+-]?\d{1,2}(?![\d.]|\s*(\*\*|\^))")


class UnitError(ValueError):
    """A unit string that cannot be used; the message says what was given and needed."""


@dataclass(frozen=True)
class Dimension:
    """energy^energy × length^length × mass^mass (ħ = k_B = 1), and its name in messages."""

    name: str
    energy: float = 0.0
    length: float = 0.0
    mass: float = 0.0

    def lab_size(self) -> float:
        """The size of this dimension's lab unit in SI (J, m, kg and their products)."""
        return LAB_ENERGY_J**self.energy * LAB_LENGTH_M**self.length * LAB_MASS_KG**self.mass


LENGTH = Dimension("a length", length=1)
MASS = Dimension("a mass", mass=1)
ENERGY = Dimension("an energy", energy=1)
DIMENSIONLESS = Dimension("a pure number")


def energy_length(n: float) -> Dimension:
    """energy × lengthⁿ, the unit of C in C/rⁿ (C_dd, C₆, g of a contact g δ³(r))."""
    power = int(n) if float(n).is_integer() else n
    return Dimension(f"an energy × length^{power}", energy=1, length=n)


@functools.cache
def _registry() -> Any:
    """pint's registry, built once on first use (importing pint and building it takes half
    a second, and it is never changed after), so model files without units never pay for
    it. E_R is a dimension of its own: the recoil energy of the model's lattice, resolved
    by the schema once the wavelength and the mass are known."""
    import pint

    ureg: Any = pint.UnitRegistry()
    ureg.define("E_R = [recoil_energy]")
    return ureg


def _parse(text: str) -> Any:
    """The pint Quantity a unit string means; UnitError if it is not one."""
    shown = text if len(text) <= _MAX_CHARS else text[:_MAX_CHARS] + "…"
    if len(text) > _MAX_CHARS or not text.isprintable():
        raise UnitError(f"{shown!r} is not a number with a unit (at most {_MAX_CHARS} characters)")
    if len(_POWER.findall(text)) != len(_UNIT_POWER.findall(text)):
        raise UnitError(
            f'{text!r}: a power may only raise a unit name to a small whole number, e.g. "kHz um^6"'
        )
    ureg = _registry()
    try:
        quantity = ureg.parse_expression(text)
    # pint raises many kinds (UndefinedUnitError, DefinitionSyntaxError, TokenError,
    # TypeError, …) for text it cannot read; each means "not a unit string".
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnitError(
            f"{text!r} is not a number with a unit that pint knows ({reason})"
        ) from None
    if not isinstance(quantity, ureg.Quantity) or quantity.unitless:
        raise UnitError(
            f"must be a number, not text (got {text!r}): write it without quotes, or give a unit"
        )
    try:
        magnitude = float(quantity.magnitude)
    except (TypeError, ValueError, OverflowError):
        raise UnitError(f"{text!r}: its number is not a real number") from None
    if not math.isfinite(magnitude):
        raise UnitError(f"{text!r}: its number must be finite")
    return quantity


# What a given value is called in messages, by its pint dimensionality.
_NAMES = {
    (("[length]", 1),): "a length",
    (("[mass]", 1),): "a mass",
    (("[length]", 2), ("[mass]", 1), ("[time]", -2)): "an energy",
    (("[time]", -1),): "a frequency (an energy E/h)",
    (("[temperature]", 1),): "a temperature (an energy k_B T)",
    (("[time]", 1),): "a time",
    (("[current]", 1), ("[length]", 2)): "a magnetic moment",
    (("[current]", 1), ("[length]", 1), ("[time]", 1)): "an electric dipole moment",
    (("[recoil_energy]", 1),): "a multiple of E_R",
    (): "a pure number",
}


def _describe(quantity: Any) -> str:
    key = tuple(sorted(dict(quantity.dimensionality).items()))
    return _NAMES.get(key, f"a quantity of dimension {quantity.dimensionality}")


def describe(text: str) -> str:
    """What a unit string is ("a length", "a frequency (an energy E/h)"); UnitError if none."""
    return _describe(_parse(text))


def _si(quantity: Any, dim: Dimension) -> float | None:
    """``quantity`` in SI units of ``dim`` (an energy may come as E/h or as k_B T), or None
    if it has another dimension."""
    ureg = _registry()
    target = ureg.joule**dim.energy * ureg.meter**dim.length * ureg.kilogram**dim.mass
    candidates = [quantity]
    if dim.energy:  # E = h f, E = k_B T (also inside C₆ = "h × 10 kHz um^6")
        candidates += [quantity * ureg.planck_constant, quantity * ureg.boltzmann_constant]
    for q in candidates:
        if q.dimensionality == target.dimensionality:
            try:
                return float(q.to(target).magnitude)
            # an offset unit (degC) cannot be multiplied by k_B: refused, not guessed
            except Exception as exc:
                raise UnitError(f"cannot convert it ({str(exc).splitlines()[0]})") from None
    return None


def is_recoil(text: str) -> bool:
    """Whether a unit string is a multiple of E_R (without parsing anything else)."""
    return recoil_multiple(text) is not None


def recoil_multiple(text: str) -> float | None:
    """s of ``"s E_R"``, or None if ``text`` is another quantity (UnitError if not one)."""
    quantity = _parse(text)
    if str(quantity.dimensionality) != "[recoil_energy]":
        return None
    return float(quantity.to("E_R").magnitude)


def to_lab(text: str, dim: Dimension) -> float:
    """The value of a unit string in lab units (µm, Da, ħ = k_B = 1) of dimension ``dim``.

    Raises
    ------
    UnitError
        ``text`` is not a unit string, or has another dimension: the message names what
        it is and what is needed (``"12 kHz" is a frequency …; a length is needed``).
    """
    quantity = _parse(text)
    try:
        si = _si(quantity, dim)
    except UnitError as exc:
        raise UnitError(f"{text!r}: {exc}") from None
    if si is None:
        raise UnitError(f'"{text}" is {_describe(quantity)}; {dim.name} is needed')
    value = si / dim.lab_size()
    if not math.isfinite(value):
        raise UnitError(f"{text!r} is beyond float64's range in lab units")
    return value + 0.0


def _si_of(text: str, unit: str, name: str) -> float:
    quantity = _parse(text)
    ureg = _registry()
    if quantity.dimensionality != ureg.Unit(unit).dimensionality:
        raise UnitError(f'"{text}" is {_describe(quantity)}; {name} is needed')
    return float(quantity.to(unit).magnitude)


def magnetic_dipole_coupling(text: str) -> float:
    """C_dd = μ₀μ²/4π of two magnetic moments μ (``"10 bohr_magneton"``), in E₀L₀³."""
    mu = _si_of(text, "J/T", "a magnetic moment (e.g. 10 bohr_magneton)")
    return sc.mu_0 * mu**2 / (4 * math.pi) / energy_length(3).lab_size()


def electric_dipole_coupling(text: str) -> float:
    """C_dd = d²/4πε₀ of two electric dipoles d (``"0.57 debye"``), in E₀L₀³."""
    d = _si_of(text, "C*m", "an electric dipole moment (e.g. 0.57 debye)")
    return d**2 / (4 * math.pi * sc.epsilon_0) / energy_length(3).lab_size()


def contact_coupling(scattering_length: float, mass: float) -> float:
    """g = 4πħ²a_s/m of the contact g δ³(r), in the units a_s and m are given in (ħ = 1).

    The same in any units with ħ = 1: a_s in L₀ and m in M₀ give g in ħ²L₀/M₀ = E₀L₀³.
    """
    return 4 * math.pi * scattering_length / mass
