"""Dimensional analysis over a unit system the caller defines.

A :class:`UnitSystem` names its base dimensions (for a theory with ħ = k_B = 1, mass and
length) and, for display, some derived ones (energy = 1/(mass·length²)). A :class:`Dim`
holds one exponent per base dimension; exponents are SymPy expressions, so a density in
d dimensions (length^-d) is exact.

:func:`dimension` walks an expression: sums must agree term by term, arguments of
transcendental functions must be dimensionless, integrals multiply by the dimension of
the integration variable, derivatives divide by it. A mismatch raises
:class:`DimensionError` naming the offending subexpression; a symbol or function whose
dimension was never declared raises :class:`UnknownDimensionError` (no verdict either way).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.physics.quantum import Dagger

__all__ = [
    "Dim",
    "DimensionError",
    "UnitSystem",
    "UnknownDimensionError",
    "check_relation",
    "dimension",
]


@dataclass(frozen=True)
class UnitSystem:
    """Base dimensions by name, and names for derived dimensions (for display only)."""

    bases: tuple[str, ...]
    named: Mapping[str, tuple[object, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bases", tuple(self.bases))
        object.__setattr__(self, "named", MappingProxyType(dict(self.named)))

    def base(self, name: str) -> Dim:
        """The base dimension ``name`` (exponent 1 on it, 0 elsewhere)."""
        if name not in self.bases:
            raise KeyError(f"{name!r} is not a base dimension of {self.bases}")
        return Dim(self, tuple(sp.Integer(int(b == name)) for b in self.bases))

    def of(self, *powers: object) -> Dim:
        """The dimension with these exponents, one per base, in order."""
        if len(powers) != len(self.bases):
            raise ValueError(f"{len(self.bases)} exponents needed, got {len(powers)}")
        return Dim(self, tuple(sp.sympify(p) for p in powers))

    @property
    def dimensionless(self) -> Dim:
        return Dim(self, tuple(sp.Integer(0) for _ in self.bases))


@cache  # the same few symbolic exponents (−d/2 − 2) recur in every product of dimensions
def _tidy(power: sp.Expr) -> sp.Expr:
    """An exponent in simplest form. Nearly all are rationals, which already are (and which
    ``simplify`` returns as they are): it is called only for symbolic ones (−d/2)."""
    return power if power.is_Rational else sp.simplify(power)


@dataclass(frozen=True)
class Dim:
    """Exponents of the base dimensions of ``system``."""

    system: UnitSystem = field(compare=False, repr=False)
    powers: tuple[sp.Expr, ...]

    def _check(self, other: Dim) -> None:
        if other.system.bases != self.system.bases:
            raise DimensionError(f"dimensions of two unit systems: {self} and {other}")

    def __mul__(self, other: Dim) -> Dim:
        self._check(other)
        return Dim(
            self.system,
            tuple(_tidy(a + b) for a, b in zip(self.powers, other.powers, strict=True)),
        )

    def __truediv__(self, other: Dim) -> Dim:
        self._check(other)
        return Dim(
            self.system,
            tuple(_tidy(a - b) for a, b in zip(self.powers, other.powers, strict=True)),
        )

    def __pow__(self, p: object) -> Dim:  # p a SymPy exponent
        return Dim(self.system, tuple(_tidy(a * p) for a in self.powers))

    def same(self, other: Dim) -> bool:
        self._check(other)
        return all(_tidy(a - b) == 0 for a, b in zip(self.powers, other.powers, strict=True))

    @property
    def is_dimensionless(self) -> bool:
        return all(_tidy(a) == 0 for a in self.powers)

    def __str__(self) -> str:
        if self.is_dimensionless:
            return "dimensionless"
        for name, powers in self.system.named.items():
            if self.same(self.system.of(*powers)):
                return name
        for base in self.system.bases:
            if self.same(self.system.base(base)):
                return base
        return "·".join(f"{b}^({p})" for b, p in zip(self.system.bases, self.powers, strict=True))


class DimensionError(ValueError):
    """An expression mixes dimensions (a sum of unlike terms, exp of a length, ...)."""


class UnknownDimensionError(DimensionError):
    """A symbol or function whose dimension was never declared: no verdict either way."""


def dimension(
    expr: sp.Basic,
    symbols: Mapping[sp.Basic, Dim],
    functions: Mapping[str, Dim],
    system: UnitSystem,
) -> Dim:
    """Dimension of ``expr`` given the dimensions of its symbols and undefined functions.

    ``functions`` maps the name of an undefined function (``Phi``, ``w``) to the dimension
    of its value; its arguments are not constrained.
    """
    return _Walker(symbols, functions, system).dim(sp.sympify(expr))


def check_relation(
    lhs: sp.Basic,
    rhs: sp.Basic,
    symbols: Mapping[sp.Basic, Dim],
    functions: Mapping[str, Dim],
    system: UnitSystem,
) -> tuple[bool | None, str]:
    """Whether ``lhs`` and ``rhs`` carry the same dimension (None: cannot tell), and why."""
    try:
        dl = dimension(lhs, symbols, functions, system)
        dr = dimension(rhs, symbols, functions, system)
    except UnknownDimensionError as exc:
        return None, f"not checked ({exc})"
    except DimensionError as exc:
        return False, f"inhomogeneous: {exc}"
    if dl.same(dr) or (_is_zero(lhs) or _is_zero(rhs)):
        return True, f"both sides {dl}"
    return False, f"left side is {dl}, right side is {dr}"


def _is_zero(e: sp.Basic) -> bool:
    return isinstance(e, sp.Expr) and e.is_zero is True


_NUMBERS = (sp.pi, sp.E, sp.I, sp.oo, -sp.oo, sp.EulerGamma)


class _Walker:
    def __init__(
        self, syms: Mapping[sp.Basic, Dim], funcs: Mapping[str, Dim], system: UnitSystem
    ) -> None:
        self.syms, self.funcs, self.system = syms, funcs, system
        self.one = system.dimensionless

    def dim(self, e: sp.Basic) -> Dim:
        if e in self.syms:
            return self.syms[e]
        if isinstance(e, sp.Number) or e in _NUMBERS:
            return self.one
        if isinstance(e, sp.Symbol):
            raise UnknownDimensionError(f"no dimension declared for symbol {e}")
        if isinstance(e, sp.Add):
            dims = [(t, self.dim(t)) for t in e.args]
            first_term, first = dims[0]
            for term, dd in dims[1:]:
                if not dd.same(first):
                    raise DimensionError(f"sum of {first} ({first_term}) and {dd} ({term})")
            return first
        if isinstance(e, sp.Mul):
            out = self.one
            for f in e.args:
                out = out * self.dim(f)
            return out
        if isinstance(e, sp.Pow):
            base, ex = e.args
            if not self.dim(ex).is_dimensionless:
                raise DimensionError(f"exponent {ex} is not dimensionless")
            power: Dim = self.dim(base) ** ex
            return power
        if isinstance(e, Dagger | sp.conjugate | sp.Abs):
            return self.dim(e.args[0])
        if isinstance(e, sp.DiracDelta):
            return self.one / self.dim(e.args[0])
        if isinstance(e, sp.KroneckerDelta):
            return self.one
        if isinstance(e, AppliedUndef):
            name = e.func.__name__
            if name not in self.funcs:
                raise UnknownDimensionError(f"no dimension declared for function {name}")
            return self.funcs[name]
        if isinstance(e, sp.Integral):
            return self._integral(e)
        if isinstance(e, sp.Subs):
            # f(ξ) at ξ = p: inside, ξ carries the dimension of p (a derivative in ξ, say)
            syms = dict(self.syms)
            for var, point in zip(e.variables, e.point, strict=True):
                syms[var] = self.dim(point)
            return _Walker(syms, self.funcs, self.system).dim(e.expr)
        if isinstance(e, sp.Sum):
            return self.dim(e.args[0])
        if isinstance(e, sp.Derivative):
            out = self.dim(e.expr)
            for var, count in e.variable_count:
                out = out / self.dim(var) ** count
            return out
        if isinstance(e, sp.Function):
            # exp, sin, coth, gamma, log ...: arguments must be pure numbers.
            for arg in e.args:
                if not self.dim(arg).is_dimensionless:
                    raise DimensionError(
                        f"{e.func.__name__} of a dimensioned argument {arg} ({self.dim(arg)})"
                    )
            return self.one
        if isinstance(e, sp.Tuple):
            raise DimensionError(f"cannot take the dimension of a tuple {e}")
        raise DimensionError(f"no dimension rule for {type(e).__name__}: {e}")

    def _integral(self, e: sp.Integral) -> Dim:
        out = self.dim(e.function)
        for lim in e.limits:
            var = self.dim(lim[0])
            out = out * var
            for bound in lim[1:]:
                if bound.is_infinite or bound.is_zero:
                    continue
                if not self.dim(bound).same(var):
                    raise DimensionError(f"integration bound {bound} does not match {lim[0]}")
        return out
