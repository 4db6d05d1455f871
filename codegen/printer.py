"""NumPy code printing for generated modules: ``np.`` prefixes and readable CSE names.

Four forms print as calls into :mod:`qcrystal._kernels`: √(a² + b²) as ``hypot``, a
product of two square roots as ``sqrt_product``, sin²x as ``sin_squared`` and (in the
committed modules) exp as ``fast_exp``; the module template imports what is used.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

__all__ = ["KernelPrinter", "NumpyPrinter", "cse_lines"]


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
        """√(a² + b²) as the kernel hypot(a, b): fast, and no overflow or underflow; sin²x as
        sin_squared(x)."""
        base, ex = expr.args
        if ex == 2 and isinstance(base, sp.sin):  # sin²: reduced by its period π first
            return f"sin_squared({self._print(base.args[0])})"
        if ex == sp.S.Half and isinstance(base, sp.Add) and len(base.args) == 2:
            if all(isinstance(t, sp.Pow) and t.exp == 2 for t in base.args):
                a, b = (self._print(t.base) for t in base.args)
                return f"hypot({a}, {b})"
        return super()._print_Pow(expr, rational)

    def _print_Mul(self, expr: sp.Mul) -> str:
        """c √x √y as c·sqrt_product(x, y): one square root, overflow guarded by the kernel."""
        roots = [f for f in expr.args if isinstance(f, sp.Pow) and f.exp == sp.S.Half]
        if len(roots) != 2:
            return super()._print_Mul(expr)
        rest = sp.Mul(*[f for f in expr.args if f not in roots])
        x, y = (self._print(r.base) for r in roots)
        call = f'sqrt_product({x}, {y}, names=("{x}", "{y}"))'  # names for its 0·inf error
        return call if rest == 1 else f"{self.parenthesize(rest, 50)} * {call}"


class KernelPrinter(NumpyPrinter):
    """The printer of the committed modules, which import every kernel: exp prints as
    fast_exp (the same values, without NumPy's slow underflow path). Per-model modules
    print with :class:`NumpyPrinter` and need no kernel for exp."""

    def _print_exp(self, expr: sp.exp) -> str:
        return f"fast_exp({self._print(expr.args[0])})"


def cse_lines(
    exprs: list[sp.Expr], names: dict[sp.Symbol, str], prefix: str = "t"
) -> tuple[list[str], list[str]]:
    """Common subexpressions as assignment lines, and the printed final expressions.

    ``names`` maps SymPy symbols to the Python argument names they print as.
    """
    printer = KernelPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})
    renamed = [e.xreplace({s: sp.Symbol(n) for s, n in names.items()}) for e in exprs]
    pairs, reduced = sp.cse(renamed, symbols=sp.numbered_symbols(prefix), order="canonical")
    lines = [f"{sym} = {printer.doprint(val)}" for sym, val in pairs]
    return lines, [printer.doprint(e) for e in reduced]
