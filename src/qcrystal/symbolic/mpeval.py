"""Direct mpmath evaluation of a SymPy expression tree: the numeric probe's quick first pass.

The probe's reference evaluation substitutes exact rationals into the expression and lets
SymPy evaluate (``xreplace`` then ``N``): exact, so that sin(nπ) is 0 and (−1)ⁿ is ±1, but
SymPy rebuilds the whole expression with exact numbers at every point, and that dominates
the probe's time. :func:`evaluate` walks the tree once per point with mpmath numbers at
the working precision instead, a few microseconds a node.

Only a known set of nodes is evaluated (arithmetic, powers, the elementary functions,
Γ, |·|, conjugates, the constants); anything else (integrals, sums, derivatives, undefined
functions, piecewise) and any non-finite value gives ``None``, so a caller can fall back
to the exact evaluation. The values are not exact: a caller may trust agreement found
this way, never a disagreement (cancellation, or an exact zero that comes out as 10⁻⁵⁰).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import mpmath
import sympy as sp

__all__ = ["evaluate"]

# SymPy function classes and their mpmath counterparts (one argument each).
_FUNCTIONS: dict[type, Callable[[Any], Any]] = {
    sp.exp: mpmath.exp,
    sp.log: mpmath.log,
    sp.sin: mpmath.sin,
    sp.cos: mpmath.cos,
    sp.tan: mpmath.tan,
    sp.cot: mpmath.cot,
    sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh,
    sp.tanh: mpmath.tanh,
    sp.coth: mpmath.coth,
    sp.asin: mpmath.asin,
    sp.acos: mpmath.acos,
    sp.atan: mpmath.atan,
    sp.gamma: mpmath.gamma,
    sp.Abs: abs,
    sp.conjugate: mpmath.conj,
    sp.re: mpmath.re,
    sp.im: mpmath.im,
}
_CONSTANTS: dict[sp.Basic, Callable[[], Any]] = {
    sp.pi: lambda: +mpmath.pi,  # unary + rounds the constant at the current precision
    sp.E: lambda: +mpmath.e,
    sp.EulerGamma: lambda: +mpmath.euler,
    sp.I: lambda: mpmath.mpc(0, 1),
}


class _UnsupportedError(Exception):
    """A node the walk does not evaluate."""


def evaluate(expr: sp.Basic, values: Mapping[sp.Symbol, sp.Expr], digits: int) -> mpmath.mpc | None:
    """``expr`` at ``values`` (exact SymPy numbers) with ``digits`` working digits, or None.

    None when the expression has a node outside the supported set, a symbol without a
    value, or a value that is not finite (a pole, an overflow).
    """
    with mpmath.workdps(digits):
        try:
            numbers = {s: _number(sp.sympify(v)) for s, v in values.items()}
            value = mpmath.mpmathify(_walk(expr, numbers))
        except (_UnsupportedError, ZeroDivisionError, ValueError, TypeError, OverflowError):
            return None
        if not mpmath.isfinite(value):
            return None
        return mpmath.mpc(value)


def _number(v: sp.Expr) -> Any:
    """An exact SymPy number as a Python int (kept exact: (−1)ⁿ), mpf or mpc."""
    if v.is_Integer:
        return int(v)
    if v.is_Rational:
        return mpmath.mpf(int(v.p)) / int(v.q)
    if v.is_Float:
        return mpmath.mpf(v._mpf_)
    re_part, im_part = v.as_real_imag()
    if re_part.is_Rational and im_part.is_Rational:
        return mpmath.mpc(_number(re_part), _number(im_part))
    raise _UnsupportedError(v)


def _walk(e: sp.Basic, numbers: Mapping[sp.Basic, Any]) -> Any:
    if e.is_Symbol:
        if e not in numbers:
            raise _UnsupportedError(e)
        return numbers[e]
    if e.is_Number:
        return _number(e)
    if e.is_NumberSymbol or e is sp.I:
        if e not in _CONSTANTS:
            raise _UnsupportedError(e)
        return _CONSTANTS[e]()
    if e.is_Add:
        return mpmath.fsum(_walk(a, numbers) for a in e.args)
    if e.is_Mul:
        return mpmath.fprod(_walk(a, numbers) for a in e.args)
    if e.is_Pow:
        base, power = _walk(e.base, numbers), _walk(e.exp, numbers)
        if isinstance(base, int) and isinstance(power, int) and power >= 0:
            return base**power  # exact, as SymPy's
        return mpmath.power(base, power)
    fn = _FUNCTIONS.get(type(e))
    if fn is None or len(e.args) != 1:
        raise _UnsupportedError(e)
    return fn(_walk(e.args[0], numbers))
