"""Intersite interactions Φ(r) as SymPy expressions of the Cartesian components of r.

Built-in kinds (parameters in the model's units, ħ = k_B = 1):

========== ===================================================== =======================
kind       Φ(r)                                                  parameters
========== ===================================================== =======================
contact    g δ(r): onsite only, Φ = 0 at every r ≠ 0             g
power_law  C / rⁿ                                                 C, n
dipolar    C_dd (1 − 3 (ê·r)²/r²) / r³, dipoles along ê          C_dd, direction [3]
rydberg    C₆ / (R_c⁶ + r⁶), Rydberg-dressed soft core           C6, R_c
lennard_jones  4ε [(σ/r)¹² − (σ/r)⁶]                             epsilon, sigma
gaussian   V₀ exp(−r²/(2σ²)), Gaussian soft core                 V0, sigma
custom     any expression of r (and x, y, z), parsed safely      expression, parameters
========== ===================================================== =======================

A model file may give the couplings in physical terms instead (resolved by
:mod:`.schema` into the parameters above, in the lab units of :mod:`.units`): dipolar's C_dd
as ``magnetic_moment`` (μ₀μ²/4π) or ``electric_dipole`` (d²/4πε₀), contact's g as
``scattering_length`` (4πħ²a_s/m), or from the ``[model] species`` table if none is given;
rydberg's C6 and R_c from the dressing (``rydberg_C6``, ``rabi_frequency``, ``detuning``;
:func:`dressed_soft_core`).

Each :class:`Interaction` also knows how Φ behaves as r → 0 and r → ∞ (the powers that
decide whether lattice sums converge and whether Gaussian smearing diverges).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

from . import parser

__all__ = [
    "KINDS",
    "Interaction",
    "R",
    "X",
    "coordinates",
    "dressed_soft_core",
    "make",
    "to_numpy",
]

X = sp.symbols("x y z", real=True)
R = sp.Symbol("r", positive=True)


def coordinates(d: int) -> tuple[sp.Symbol, ...]:
    """The Cartesian components x, y, z of r, the first ``d`` of them."""
    return X[:d]


@dataclass(frozen=True)
class Interaction:
    """Φ as a function of the components of r, and what is known about its tails."""

    kind: str
    phi: sp.Expr  # in x, y, z (only the first d used); zero for contact
    params: dict = field(default_factory=dict)
    onsite_only: bool = False  # contact: no intersite part at all
    # Φ ~ r^(−far_power) as r → ∞ (inf: faster than any power); None: measure it.
    far_power: float | None = None
    # Φ ~ r^(−near_power) as r → 0 (0: finite); None: measure it.
    near_power: float | None = None
    angular_mean_zero: bool = False  # the r^(−far_power) tail averages to 0 over directions
    profile: sp.Expr | None = None  # Φ as a function of r alone, for isotropic kinds


def _r(d: int = 3) -> sp.Expr:
    return sp.sqrt(sum(x**2 for x in X))


def _number(params: dict, key: str, kind: str, positive: bool = False) -> float:
    if key not in params:
        raise ValueError(f"interaction '{kind}' needs parameter '{key}'")
    value = params[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            f"interaction parameter '{key}' must be a number (got {type(value).__name__})"
        )
    if not math.isfinite(value):
        raise ValueError(f"interaction parameter '{key}' must be a finite number (got {value!r})")
    if positive and not value > 0:
        raise ValueError(f"interaction parameter '{key}' must be > 0 (got {value!r})")
    return float(value)


def _contact(p: dict) -> Interaction:
    g = _number(p, "g", "contact")
    return Interaction(
        "contact", sp.Integer(0), {"g": g}, onsite_only=True, far_power=float("inf"), near_power=0
    )


def _power_law(p: dict) -> Interaction:
    c, n = _number(p, "C", "power_law"), _number(p, "n", "power_law", positive=True)
    n_sym = sp.Integer(int(n)) if float(n).is_integer() else sp.Float(n)
    return Interaction(
        "power_law",
        sp.Float(c) / _r() ** n_sym,
        {"C": c, "n": n},
        far_power=n,
        near_power=n,
        profile=sp.Float(c) / R**n_sym,
    )


def _dipolar(p: dict) -> Interaction:
    c = _number(p, "C_dd", "dipolar")
    direction = p.get("direction", [0.0, 0.0, 1.0])
    if (
        not isinstance(direction, list)
        or len(direction) != 3
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in direction)
    ):
        raise ValueError(f"dipolar 'direction' must be a list of 3 numbers (got {direction!r})")
    norm = math.hypot(*(float(v) for v in direction))  # no overflow for 1e308 components
    if not math.isfinite(norm):
        raise ValueError(f"dipolar 'direction' must be finite (got {direction!r})")
    if norm == 0:
        raise ValueError("dipolar 'direction' must not be the zero vector")
    e = [sp.Float(float(v) / norm) for v in direction]
    proj = sum(ei * xi for ei, xi in zip(e, X, strict=True))
    r = _r()
    phi = sp.Float(c) * (1 - 3 * proj**2 / r**2) / r**3
    return Interaction(
        "dipolar",
        phi,
        {"C_dd": c, "direction": [float(v) / norm for v in direction]},
        far_power=3,
        near_power=3,
        angular_mean_zero=True,
    )


def _rydberg(p: dict) -> Interaction:
    c6, rc = _number(p, "C6", "rydberg"), _number(p, "R_c", "rydberg", positive=True)
    phi = sp.Float(c6) / (sp.Float(rc) ** 6 + _r() ** 6)
    return Interaction(
        "rydberg",
        phi,
        {"C6": c6, "R_c": rc},
        far_power=6,
        near_power=0,
        profile=phi.subs(_r(), R),
    )


def dressed_soft_core(rydberg_C6: float, rabi: float, detuning: float) -> tuple[float, float]:
    """(C6, R_c) of the soft core C6/(R_c⁶ + r⁶) that weak Rydberg dressing makes.

    Two ground-state atoms coupled with Rabi frequency Ω to a Rydberg level ħΔ above the
    laser-dressed ground level (Δ > 0: the laser red of the transition), whose pair
    interacts by C₆/r⁶: to fourth order in Ω/Δ the pair's light shift gains
    U(r) = (Ω⁴/8Δ³) R_c⁶/(R_c⁶ + r⁶) with R_c⁶ = C₆/(2Δ) (Henkel, Nath and Pohl, Phys. Rev.
    Lett. 104, 195302 (2010); Johnson and Rolston, Phys. Rev. A 82, 033412 (2010)); so
    C6 = Ω⁴C₆/(16Δ⁴), the tail (Ω/2Δ)⁴ C₆/r⁶. ħ = 1: Ω and Δ are energies. The tests check it
    against the exact two-atom, four-level spectrum. ValueError where it does not hold:
    C₆/Δ ≤ 0 (a resonance at r = R_c, no soft core) or Ω ≥ |Δ| (not weak dressing).
    """
    if not (math.isfinite(rydberg_C6) and math.isfinite(rabi) and math.isfinite(detuning)):
        raise ValueError("rydberg_C6, rabi_frequency and detuning must be finite numbers")
    if not rabi > 0:
        raise ValueError(f"rabi_frequency must be > 0 (got {rabi!r})")
    if not rydberg_C6 * detuning > 0:
        raise ValueError(
            f"rydberg_C6 = {rydberg_C6:g} and detuning = {detuning:g} need one sign: otherwise "
            "the pair level crosses the dressed one at r = R_c and there is no soft core"
        )
    if not rabi < abs(detuning):
        raise ValueError(
            f"rabi_frequency = {rabi:g} is not below |detuning| = {abs(detuning):g}: the "
            "soft core is the weak-dressing (Ω ≪ |Δ|) result"
        )
    r_c = (rydberg_C6 / (2 * detuning)) ** (1 / 6)
    return rabi**4 * rydberg_C6 / (16 * detuning**4), r_c


def _lennard_jones(p: dict) -> Interaction:
    eps = _number(p, "epsilon", "lennard_jones", positive=True)
    sig = _number(p, "sigma", "lennard_jones", positive=True)
    s6 = (sp.Float(sig) ** 2 / _r() ** 2) ** 3
    phi = 4 * sp.Float(eps) * (s6**2 - s6)
    return Interaction(
        "lennard_jones",
        phi,
        {"epsilon": eps, "sigma": sig},
        far_power=6,
        near_power=12,
        profile=phi.subs(_r(), R),
    )


def _gaussian(p: dict) -> Interaction:
    v0, sig = _number(p, "V0", "gaussian"), _number(p, "sigma", "gaussian", positive=True)
    phi = sp.Float(v0) * sp.exp(-(_r() ** 2) / (2 * sp.Float(sig) ** 2))
    return Interaction(
        "gaussian",
        phi,
        {"V0": v0, "sigma": sig},
        far_power=float("inf"),
        near_power=0,
        profile=sp.Float(v0) * sp.exp(-(R**2) / (2 * sp.Float(sig) ** 2)),
    )


def _custom(p: dict, source: str = "<model>", line: int = 1) -> Interaction:
    text = p.get("expression")
    if not isinstance(text, str):
        raise ValueError("interaction 'custom' needs 'expression', a string such as \"C/r**3\"")
    values = p.get("parameters", {})
    if not isinstance(values, dict):
        raise ValueError("interaction 'parameters' must be a table of name = number")
    reserved = {"r", "x", "y", "z"}
    names: dict[str, sp.Expr] = {"r": _r(), "x": X[0], "y": X[1], "z": X[2]}
    for key in values:
        if key in reserved or key in parser.FUNCTIONS or key in ("pi", "E"):
            raise ValueError(f"parameter name '{key}' is reserved")
        names[key] = sp.Float(_number(values, key, "custom"))
    # Parsed twice: once with r as a symbol, to know whether Φ depends on r alone.
    radial_names = {**names, "r": R}
    profile = parser.parse(text, radial_names, source=source, line=line)
    phi = profile.subs(R, _r())
    if phi.free_symbols - set(X):
        raise ValueError(f"custom Φ depends on unknown symbols {phi.free_symbols - set(X)}")
    radial = not (profile.free_symbols & set(X))
    _require_real(phi, text)
    return Interaction(
        "custom", phi, {"expression": text, **values}, profile=profile if radial else None
    )


# Where a custom Φ is tried for being real, if SymPy cannot tell: along a generic
# direction (no lattice axis or diagonal), at r of order one (a tower of exponentials
# would take all memory to evaluate further out).
_REAL_PROBES = (1e-2, 0.3, 1.0, 3.7)
_REAL_DIRECTION = (0.6, 0.48, 0.64)


def _require_real(phi: sp.Expr, text: str) -> None:
    """A ValueError if Φ is not a real number at some r > 0 (a log or root of a negative
    number): Φ is an energy. Where it overflows, the lattice sums say so."""
    if phi.is_real is False:  # x, y, z are real: SymPy proves it for log(−r), √(−r)
        raise ValueError(
            f"custom Φ = {text} is not real for real positions (a log or root of a negative "
            "number?); Φ is an energy, a real function of r > 0"
        )
    f = sp.lambdify(X, phi, "mpmath")
    with mpmath.workdps(30):
        for r in _REAL_PROBES:
            try:
                value = mpmath.mpmathify(f(*(mpmath.mpf(r) * c for c in _REAL_DIRECTION)))
            except (OverflowError, ZeroDivisionError, ValueError):
                continue
            if isinstance(value, mpmath.mpc) and abs(value.imag) > 1e-20 * abs(value):
                raise ValueError(
                    f"custom Φ = {text} is not real at r = {r:g} (it is {mpmath.nstr(value, 6)}); "
                    "Φ is an energy, a real function of r > 0"
                )


KINDS = {
    "contact": _contact,
    "power_law": _power_law,
    "dipolar": _dipolar,
    "rydberg": _rydberg,
    "lennard_jones": _lennard_jones,
    "gaussian": _gaussian,
    "custom": _custom,
}


_PARAMETERS = {
    "contact": {"g"},
    "power_law": {"C", "n"},
    "dipolar": {"C_dd", "direction"},
    "rydberg": {"C6", "R_c"},
    "lennard_jones": {"epsilon", "sigma"},
    "gaussian": {"V0", "sigma"},
    "custom": {"expression", "parameters"},
}


def make(kind: str, params: dict, source: str = "<model>", line: int = 1) -> Interaction:
    """The interaction ``kind`` with ``params``; ValueError names what is wrong."""
    if kind not in KINDS:
        raise ValueError(f"unknown interaction kind '{kind}'; allowed: {', '.join(KINDS)}")
    unknown = set(params) - _PARAMETERS[kind]
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(sorted(unknown))} for interaction '{kind}'; "
            f"allowed: {', '.join(sorted(_PARAMETERS[kind]))}"
        )
    if kind == "custom":
        return _custom(params, source, line)
    return KINDS[kind](params)


def _vectorized(fn: Callable[..., float]) -> Callable[..., np.ndarray]:
    """A scalar function over arrays; an overflow gives inf (the sums then refuse it)."""

    def safe(*args: float) -> float:
        try:
            return float(fn(*args))
        except (OverflowError, ValueError):
            return math.inf

    return np.vectorize(safe, otypes=[float])


# NumPy lacks some functions the model parser allows (and their derivatives): evaluate them
# here rather than fail with a NameError from inside lambdify.
_NUMPY: list[object] = [
    {
        "erf": _vectorized(math.erf),
        "erfc": _vectorized(math.erfc),
        "gamma": _vectorized(math.gamma),
        "polygamma": _vectorized(lambda n, x: mpmath.polygamma(int(n), x)),
        "loggamma": _vectorized(math.lgamma),
        "DiracDelta": lambda x, *k: np.zeros_like(np.asarray(x, dtype=float)),
        "Heaviside": lambda x, *k: np.heaviside(x, 0.5),
    },
    "numpy",
]


def to_numpy(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> Callable[..., np.ndarray]:
    """``expr`` as a vectorized NumPy function of ``symbols`` (every parser function works).

    coth is printed as 1/tanh: SymPy's own NumPy form, (e^(2x) + 1)/(e^(2x) − 1), is
    inf/inf = NaN from x ≈ 355 on, so equal forms of Φ would not be treated alike.
    """
    expr = sp.sympify(expr).replace(sp.coth, lambda arg: 1 / sp.tanh(arg))
    return sp.lambdify(list(symbols), expr, _NUMPY)
