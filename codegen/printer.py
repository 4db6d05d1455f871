"""NumPy code printing for generated modules: ``np.`` prefixes and readable CSE names."""

from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

__all__ = ["NumpyPrinter", "cse_lines"]


class NumpyPrinter(NumPyPrinter):
    """SymPy's NumPy printer writing ``np.name`` (the generated modules import numpy as np)."""

    def _module_format(self, fqn: str, register: bool = True) -> str:
        text = super()._module_format(fqn, register)
        return "np." + text[len("numpy.") :] if text.startswith("numpy.") else text

    def _print_Rational(self, expr: sp.Rational) -> str:
        """Exact small fractions as float literals: 1/2 → 0.5, 1/3 → (1 / 3)."""
        value = float(expr)
        if sp.Rational(value) == expr:
            return repr(value)
        return f"({expr.p} / {expr.q})"

    def _print_Half(self, expr: sp.Rational) -> str:
        return "0.5"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        """√(a² + b²) as hypot(a, b): no overflow of the squares, no underflow either."""
        base, ex = expr.args
        if ex == sp.S.Half and isinstance(base, sp.Add) and len(base.args) == 2:
            if all(isinstance(t, sp.Pow) and t.exp == 2 for t in base.args):
                a, b = (self._print(t.base) for t in base.args)
                return f"{self._module_format('numpy.hypot')}({a}, {b})"
        return super()._print_Pow(expr, rational)


def cse_lines(
    exprs: list[sp.Expr], names: dict[sp.Symbol, str], prefix: str = "t"
) -> tuple[list[str], list[str]]:
    """Common subexpressions as assignment lines, and the printed final expressions.

    ``names`` maps SymPy symbols to the Python argument names they print as.
    """
    printer = NumpyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})
    renamed = [e.xreplace({s: sp.Symbol(n) for s, n in names.items()}) for e in exprs]
    pairs, reduced = sp.cse(renamed, symbols=sp.numbered_symbols(prefix), order="canonical")
    lines = [f"{sym} = {printer.doprint(val)}" for sym, val in pairs]
    return lines, [printer.doprint(e) for e in reduced]
