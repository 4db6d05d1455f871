"""Values and certain enclosures of SymPy expressions at a point, node by node with mpmath.

:func:`value` is the expression's value at working precision (an ``mpf``, or an ``mpc``
where it is not real); :func:`enclosure` is an interval of :mod:`mpmath.iv` that certainly
contains the exact value, so that an enclosure without 0 *proves* the expression nonzero
there, whatever cancellation or rounding happened on the way.

Both refuse work whose cost grows with the size of an argument: ``exp(exp(omega))`` at
ω = 10⁸ would need a hundred million bits of precision, so an argument beyond 2^4096 raises
:class:`OutOfRangeError` (the caller skips the point). A part they cannot compute (an undefined
function, an integral in an enclosure, a complex number in an interval) raises
:class:`UnsupportedError`. :func:`value` hands parts it does not know to SymPy's ``lambdify``
(``allow_lambdify``), as the checker did before it had this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp
from mpmath import iv, mp

__all__ = ["OutOfRangeError", "UnsupportedError", "enclosure", "value"]

_MAX_MAG = 4096  # bits: an argument of exp, sin, erf … or a power's exponent × log|base|


class UnsupportedError(Exception):
    """A part this module cannot compute (here)."""


class OutOfRangeError(Exception):
    """A value too large to compute cheaply; skip the point."""


Memo = dict[sp.Basic, Any]


def value(
    expr: sp.Basic,
    env: Mapping[sp.Symbol, sp.Rational],
    digits: int,
    *,
    allow_lambdify: bool,
    memo: Memo | None = None,
) -> Any:
    """``expr`` at the point ``env`` (exact rationals) with ``digits`` significant digits.

    Raises ZeroDivisionError or ValueError where mpmath does (1/0), OutOfRangeError and
    UnsupportedError.
    ``memo``: the values of parts already computed at this point and precision (shared by
    calls on expressions with common parts).
    """
    with mp.workdps(digits):
        return _Values(env, {} if memo is None else memo, allow_lambdify)(expr)


def enclosure(
    expr: sp.Basic, env: Mapping[sp.Symbol, sp.Rational], digits: int, memo: Memo | None = None
) -> Any:
    """An ``mpmath.iv`` interval that contains the exact value of ``expr`` at ``env``,
    computed at ``digits`` digits; UnsupportedError where there is none (a pole, a complex
    value, a part with no interval version), OutOfRangeError as :func:`value`. ``memo`` as for
    :func:`value`."""
    saved = iv.prec
    iv.dps = digits
    try:
        return _Intervals(env, {} if memo is None else memo)(expr)
    except (ZeroDivisionError, ValueError, ArithmeticError) as exc:
        raise UnsupportedError(str(exc)) from None
    finally:
        iv.prec = saved


def _guard(x: Any) -> None:
    if mpmath.mag(x) > _MAX_MAG:
        raise OutOfRangeError


class _Walk:
    """The shared traversal: memoized, numbers and symbols first, then the node kinds."""

    def __init__(self, env: Mapping[sp.Symbol, sp.Rational], memo: Memo):
        self.env, self.memo = env, memo

    def __call__(self, e: sp.Basic) -> Any:
        hit = self.memo.get(e)
        if hit is None:
            hit = self.memo[e] = self.node(e)
        return hit

    def rational(self, p: int, q: int) -> Any:
        raise NotImplementedError

    def node(self, e: sp.Basic) -> Any:
        if e.is_Symbol:
            if e not in self.env:
                raise UnsupportedError(f"no value for {e}")
            v = self.env[e]
            return self.rational(int(v.p), int(v.q))
        if e.is_Rational:
            return self.rational(int(e.p), int(e.q))
        if e.is_Add:
            return sum((self(a) for a in e.args[1:]), self(e.args[0]))
        if e.is_Mul:
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out * self(a)
            return out
        if e.is_Pow:
            return self.power(e.base, e.exp)
        return self.other(e)

    def power(self, base: sp.Expr, exp: sp.Expr) -> Any:
        raise NotImplementedError

    def other(self, e: sp.Basic) -> Any:
        raise NotImplementedError


_MP: dict[type, Callable[[Any], Any]] = {
    sp.exp: mp.exp, sp.log: mp.log, sp.sin: mp.sin, sp.cos: mp.cos, sp.tan: mp.tan,
    sp.cot: mp.cot, sp.sec: mp.sec, sp.csc: mp.csc, sp.sinh: mp.sinh, sp.cosh: mp.cosh,
    sp.tanh: mp.tanh, sp.coth: mp.coth, sp.asin: mp.asin, sp.acos: mp.acos,
    sp.atan: mp.atan, sp.asinh: mp.asinh, sp.acosh: mp.acosh, sp.atanh: mp.atanh,
    sp.erf: mp.erf, sp.erfc: mp.erfc, sp.gamma: mp.gamma, sp.loggamma: mp.loggamma,
    sp.Abs: abs, sp.conjugate: mp.conj, sp.re: mp.re, sp.im: mp.im,
}  # fmt: skip
_CHEAP = (sp.Abs, sp.conjugate, sp.re, sp.im, sp.atan, sp.asin, sp.acos)  # no argument guard


class _Values(_Walk):
    def __init__(self, env: Mapping[sp.Symbol, sp.Rational], memo: Memo, allow_lambdify: bool):
        super().__init__(env, memo)
        self.allow_lambdify = allow_lambdify

    def rational(self, p: int, q: int) -> Any:
        return mp.mpf(p) / q if q != 1 else mp.mpf(p)

    def power(self, base: sp.Expr, exp: sp.Expr) -> Any:
        b = self(base)
        if exp.is_Integer:
            if b == 0 and exp < 0:
                raise ZeroDivisionError("0 to a negative power")
            return b ** int(exp)
        if exp == sp.S.Half:
            return mp.sqrt(b)
        x = self(exp)
        if b == 0:
            if mpmath.re(x) > 0:
                return mp.mpf(0)
            raise ZeroDivisionError("0 to a power that is not positive")
        _guard(x * mp.log(abs(b)))
        return mp.power(b, x)

    def other(self, e: sp.Basic) -> Any:
        if e.is_Float:
            return mp.make_mpf(e._mpf_)
        if e is sp.pi:
            return +mp.pi
        if e is sp.E:
            return +mp.e
        if e is sp.I:
            return mp.mpc(0, 1)
        if e.is_NumberSymbol:
            return mp.make_mpf(sp.Float(e.evalf(mp.dps + 10), mp.dps + 10)._mpf_)
        f = _MP.get(type(e))
        if f is not None and len(e.args) == 1:
            arg = self(e.args[0])
            if not isinstance(e, _CHEAP):
                _guard(arg)
            return f(arg)
        if not self.allow_lambdify:
            raise UnsupportedError(type(e).__name__)
        symbols, fn = _lambdified(e)
        try:
            out = fn(*(self(s) for s in symbols))
            return mpmath.mpmathify(out)
        except (ZeroDivisionError, ValueError, OverflowError):
            raise
        except Exception as exc:  # NameError, TypeError …: lambdify could not do it
            raise UnsupportedError(type(e).__name__) from exc


@lru_cache(maxsize=256)
def _lambdified(e: sp.Basic) -> tuple[tuple[sp.Symbol, ...], Callable[..., Any]]:
    symbols = tuple(sorted(e.free_symbols, key=str))
    try:
        return symbols, sp.lambdify(symbols, e, "mpmath")
    except Exception as exc:  # a printer with no method for it, a syntax error …
        raise UnsupportedError(type(e).__name__) from exc


def _ends(x: Any) -> tuple[Any, Any]:
    """The exact endpoints of an interval, as mp numbers."""
    a, b = x._mpi_
    return mp.make_mpf(a), mp.make_mpf(b)


def _monotone(f: Callable[[Any], Any], x: Any, increasing: bool) -> Any:
    """An interval around f(x) for f monotone on x, from f at the endpoints (computed with
    20 more bits than the interval's precision and widened by more than their error)."""
    lo, hi = _ends(x)
    _guard(lo)
    _guard(hi)
    with mp.workprec(iv.prec + 20):
        a, b = f(lo), f(hi)
        if not increasing:
            a, b = b, a
        slack = mp.mpf(2) ** (-iv.prec)
        a, b = a - abs(a) * slack, b + abs(b) * slack
    return iv.mpf([a, b])


def _cosh(x: Any) -> Any:
    lo, hi = _ends(x)
    if lo >= 0:
        return _monotone(mp.cosh, x, True)
    if hi <= 0:
        return _monotone(mp.cosh, x, False)
    top = _monotone(mp.cosh, iv.mpf([0, max(-lo, hi)]), True)
    return iv.mpf([1, top.b])


def _coth(x: Any) -> Any:
    lo, hi = _ends(x)
    if lo <= 0 <= hi:
        raise UnsupportedError("coth at 0")
    return _monotone(mp.coth, x, False)


def _positive_only(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def g(x: Any) -> Any:
        if not _ends(x)[0] > 0:
            raise UnsupportedError("not positive")
        return f(x)

    return g


_IV: dict[type, Callable[[Any], Any]] = {
    sp.exp: iv.exp,
    sp.log: _positive_only(iv.log),
    sp.sin: iv.sin,
    sp.cos: iv.cos,
    sp.tan: iv.tan,
    sp.cot: iv.cot,
    sp.sinh: lambda x: _monotone(mp.sinh, x, True),
    sp.cosh: _cosh,
    sp.tanh: lambda x: _monotone(mp.tanh, x, True),
    sp.coth: _coth,
    sp.atan: lambda x: _monotone(mp.atan, x, True),
    sp.erf: lambda x: _monotone(mp.erf, x, True),
    sp.erfc: lambda x: _monotone(mp.erfc, x, False),
    sp.gamma: _positive_only(iv.gamma),
    sp.Abs: abs,
}


class _Intervals(_Walk):
    def __call__(self, e: sp.Basic) -> Any:
        out = super().__call__(e)
        lo, hi = _ends(out)
        if not (mpmath.isfinite(lo) and mpmath.isfinite(hi)):
            raise UnsupportedError("not finite")  # a pole, or a division by an interval with 0
        return out

    def rational(self, p: int, q: int) -> Any:
        return iv.mpf(p) / q if q != 1 else iv.mpf(p)

    def power(self, base: sp.Expr, exp: sp.Expr) -> Any:
        b = self(base)
        lo, hi = _ends(b)
        if exp.is_Integer:
            if exp < 0 and lo <= 0 <= hi:
                raise UnsupportedError("a negative power of an interval with 0")
            return b ** int(exp)
        if lo < 0:
            raise UnsupportedError("a fractional power of a negative number")
        if exp == sp.S.Half:
            return iv.sqrt(b)
        if lo == 0:
            raise UnsupportedError("a power of an interval that reaches 0")
        x = self(exp)
        t = x * iv.log(b)
        _guard(_ends(t)[0])
        _guard(_ends(t)[1])
        return iv.exp(t)

    def other(self, e: sp.Basic) -> Any:
        if e is sp.pi:
            return iv.pi
        if e is sp.E:
            return iv.e
        if e.is_Float:
            return iv.mpf(mp.make_mpf(e._mpf_))
        f = _IV.get(type(e))
        if f is None or len(e.args) != 1:
            raise UnsupportedError(type(e).__name__)
        arg = self(e.args[0])
        if not isinstance(e, sp.Abs):
            lo, hi = _ends(arg)
            _guard(lo)
            _guard(hi)
        return f(arg)
