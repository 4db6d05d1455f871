"""Dimensional analysis with ħ = k_B = 1: every quantity is mass^p · length^q.

With ħ = 1 an energy is 1/(mass · length²), a time is 1/energy, and with k_B = 1 a
temperature is an energy. Exponents are SymPy expressions so that a density in d
dimensions (length^-d) is expressed exactly.

:func:`dimension` walks an expression: sums must agree term by term, arguments of
transcendental functions must be dimensionless, integrals multiply by the dimension of
the integration variable, derivatives divide by it. A mismatch raises
:class:`DimensionError` naming the offending subexpression.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.physics.quantum import Dagger

__all__ = [
    "DIMENSIONLESS",
    "ENERGY",
    "LENGTH",
    "MASS",
    "Dim",
    "DimensionError",
    "UnknownDimensionError",
    "check_relation",
    "dimension",
]


@dataclass(frozen=True)
class Dim:
    """Mass and length exponents of a quantity."""

    mass: sp.Expr
    length: sp.Expr

    def __mul__(self, other: Dim) -> Dim:
        return Dim(sp.simplify(self.mass + other.mass), sp.simplify(self.length + other.length))

    def __truediv__(self, other: Dim) -> Dim:
        return Dim(sp.simplify(self.mass - other.mass), sp.simplify(self.length - other.length))

    def __pow__(self, p: sp.Expr) -> Dim:
        return Dim(sp.simplify(self.mass * p), sp.simplify(self.length * p))

    def same(self, other: Dim) -> bool:
        return sp.simplify(self.mass - other.mass) == 0 and (
            sp.simplify(self.length - other.length) == 0
        )

    @property
    def is_dimensionless(self) -> bool:
        return self.same(DIMENSIONLESS)

    def __str__(self) -> str:
        known = {
            DIMENSIONLESS: "dimensionless",
            ENERGY: "energy",
            LENGTH: "length",
            MASS: "mass",
            ENERGY**2: "energy²",
        }
        for k, name in known.items():
            if self.same(k):
                return name
        return f"mass^({self.mass})·length^({self.length})"


DIMENSIONLESS = Dim(sp.Integer(0), sp.Integer(0))
MASS = Dim(sp.Integer(1), sp.Integer(0))
LENGTH = Dim(sp.Integer(0), sp.Integer(1))
ENERGY = Dim(sp.Integer(-1), sp.Integer(-2))  # ħ = 1: E = ħ²/(m L²)


class DimensionError(ValueError):
    """An expression mixes dimensions (a sum of unlike terms, exp of a length, ...)."""


class UnknownDimensionError(DimensionError):
    """A symbol or function whose dimension was never declared: no verdict either way."""


def dimension(
    expr: sp.Basic,
    symbols: Mapping[sp.Basic, Dim],
    functions: Mapping[str, Dim] | None = None,
) -> Dim:
    """Dimension of ``expr`` given the dimensions of its symbols and undefined functions.

    ``functions`` maps the name of an undefined function (``Phi``, ``w``) to the dimension
    of its value; its arguments are not constrained.
    """
    functions = functions or {}
    return _dim(sp.sympify(expr), symbols, functions)


def check_relation(
    lhs: sp.Basic,
    rhs: sp.Basic,
    symbols: Mapping[sp.Basic, Dim],
    functions: Mapping[str, Dim] | None = None,
) -> tuple[bool | None, str]:
    """Whether ``lhs`` and ``rhs`` carry the same dimension (None: cannot tell), and why."""
    try:
        dl = dimension(lhs, symbols, functions)
        dr = dimension(rhs, symbols, functions)
    except UnknownDimensionError as exc:
        return None, f"not checked ({exc})"
    except DimensionError as exc:
        return False, f"inhomogeneous: {exc}"
    if dl.same(dr) or (_is_zero(lhs) or _is_zero(rhs)):
        return True, f"both sides {dl}"
    return False, f"left side is {dl}, right side is {dr}"


def _is_zero(e: sp.Basic) -> bool:
    return isinstance(e, sp.Expr) and e.is_zero is True


def _dim(e: sp.Basic, syms: Mapping[sp.Basic, Dim], funcs: Mapping[str, Dim]) -> Dim:
    if e in syms:
        return syms[e]
    if isinstance(e, sp.Number) or e in (sp.pi, sp.E, sp.I, sp.oo, -sp.oo, sp.EulerGamma):
        return DIMENSIONLESS
    if isinstance(e, sp.Symbol):
        raise UnknownDimensionError(f"no dimension declared for symbol {e}")
    if isinstance(e, sp.Add):
        dims = [(t, _dim(t, syms, funcs)) for t in e.args]
        first_term, first = dims[0]
        for term, dd in dims[1:]:
            if not dd.same(first):
                raise DimensionError(f"sum of {first} ({first_term}) and {dd} ({term})")
        return first
    if isinstance(e, sp.Mul):
        out = DIMENSIONLESS
        for f in e.args:
            out = out * _dim(f, syms, funcs)
        return out
    if isinstance(e, sp.Pow):
        base, ex = e.args
        if not _dim(ex, syms, funcs).is_dimensionless:
            raise DimensionError(f"exponent {ex} is not dimensionless")
        return _dim(base, syms, funcs) ** ex
    if isinstance(e, Dagger | sp.conjugate | sp.Abs):
        return _dim(e.args[0], syms, funcs)
    if isinstance(e, sp.DiracDelta):
        return DIMENSIONLESS / _dim(e.args[0], syms, funcs)
    if isinstance(e, sp.KroneckerDelta):
        return DIMENSIONLESS
    if isinstance(e, AppliedUndef):
        name = e.func.__name__
        if name not in funcs:
            raise UnknownDimensionError(f"no dimension declared for function {name}")
        return funcs[name]
    if isinstance(e, sp.Integral):
        out = _dim(e.function, syms, funcs)
        for lim in e.limits:
            out = out * _dim(lim[0], syms, funcs)
            for bound in lim[1:]:
                if bound.is_infinite or bound.is_zero:
                    continue
                if not _dim(bound, syms, funcs).same(_dim(lim[0], syms, funcs)):
                    raise DimensionError(f"integration bound {bound} does not match {lim[0]}")
        return out
    if isinstance(e, sp.Sum):
        return _dim(e.function, syms, funcs)
    if isinstance(e, sp.Derivative):
        out = _dim(e.expr, syms, funcs)
        for var, count in e.variable_count:
            out = out / _dim(var, syms, funcs) ** count
        return out
    if isinstance(e, sp.Subs):
        return _dim(e.expr, syms, funcs)
    if isinstance(e, sp.Function):
        # exp, sin, coth, gamma, log ...: arguments must be pure numbers.
        for arg in e.args:
            if not _dim(arg, syms, funcs).is_dimensionless:
                raise DimensionError(
                    f"{e.func.__name__} of a dimensioned argument {arg} ({_dim(arg, syms, funcs)})"
                )
        return DIMENSIONLESS
    if isinstance(e, sp.Tuple):
        raise DimensionError(f"cannot take the dimension of a tuple {e}")
    raise DimensionError(f"no dimension rule for {type(e).__name__}: {e}")
