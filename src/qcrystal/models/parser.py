"""Plain mathematics from untrusted text, without ``eval``: model files and student steps.

The text is parsed by Python's ``ast`` (which only builds a tree, it runs nothing) and the
tree is translated node by node into SymPy. Only numbers, whitelisted names, whitelisted
functions and the operators + − × / ** are accepted; everything else (attribute access,
subscripts, keywords, lambdas, strings, comparisons, unknown names or functions) is an
:class:`ExpressionError` that names the source, the line, the column and the token. No
user text ever reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType

import sympy as sp

__all__ = ["FUNCTIONS", "ExpressionError", "parse", "plain_digits"]

# Function names a physicist writes, mapped to SymPy. Nothing else can be called.
FUNCTIONS: Mapping[str, Callable[..., sp.Expr]] = MappingProxyType(
    {
        "sqrt": sp.sqrt,
        "exp": sp.exp,
        "log": sp.log,
        "sin": sp.sin,
        "cos": sp.cos,
        "tan": sp.tan,
        "sinh": sp.sinh,
        "cosh": sp.cosh,
        "tanh": sp.tanh,
        "coth": sp.coth,
        "atan": sp.atan,
        "erf": sp.erf,
        "erfc": sp.erfc,
        "abs": sp.Abs,
    }
)
_CONSTANTS = {"pi": sp.pi, "E": sp.E}
_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def plain_digits(text: str) -> str:
    """Subscript digits as the digits they stand for (k₀ → k0), one character for one."""
    return text.translate(_SUBSCRIPT_DIGITS)


_MAX_LENGTH = 2000  # characters: a model's potential, or one step of a derivation
_MAX_NODES = 400
_MAX_POWER = 64  # |exponent| of a numeric power: 10**10**10 must not be computed
_MAX_DIGITS = 60  # an exact integer or fraction with more digits is refused (nested powers)


class ExpressionError(ValueError):
    """Bad expression text; ``str()`` reads ``source:line:column: message``."""

    def __init__(self, message: str, source: str, line: int, column: int, token: str):
        self.message = message
        self.source, self.line, self.column, self.token = source, line, column, token
        super().__init__(f"{source}:{line}:{column}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, str, int, int, str]]:
        # rebuilt from its parts (a worker process hands it back pickled)
        return type(self), (self.message, self.source, self.line, self.column, self.token)


def parse(
    text: str,
    symbols: Mapping[str, sp.Symbol],
    *,
    source: str = "<expression>",
    line: int = 1,
    exact: bool = False,
    column: int = 1,
    functions: Mapping[str, Callable[..., sp.Expr]] | None = None,
) -> sp.Expr:
    """``text`` as a SymPy expression in ``symbols`` (name → Symbol), or an ExpressionError.

    ``line`` is the line of ``text`` in ``source`` (a model file), so errors point there.
    ``exact``: decimal literals become the fractions they spell (0.25 → 1/4), as a student
    writing 0.5 means one half, not the nearest float64. ``column`` is where ``text``
    starts on its line (a part of a longer input), so errors point into the whole line.
    ``functions``: names callable besides :data:`FUNCTIONS` (the step checker's Γ and ζ,
    which a model's potential has no use for).
    """
    if not isinstance(text, str):
        raise ExpressionError(
            f"expected an expression as text, got {type(text).__name__}", source, line, 1, ""
        )
    if len(text) > _MAX_LENGTH:
        raise ExpressionError(
            f"expression longer than {_MAX_LENGTH} characters", source, line, 1, text[:20]
        )
    if "\n" in text or "\r" in text:
        raise ExpressionError("an expression is one line", source, line, 1, text[:20])
    # subscript digits (k₀, as derive prints it) are not valid in Python names: read them
    # as the digits they stand for (k0), one character for one, so columns stay right
    text = plain_digits(text)
    base = column - 1 + len(text) - len(text.lstrip())  # characters before the expression
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        at = exc.offset or 1
        token = text.strip()[at - 1 : at + 9] if exc.offset else ""
        raise ExpressionError(f"syntax error: {exc.msg}", source, line, base + at, token) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > _MAX_NODES:
        raise ExpressionError(f"expression has more than {_MAX_NODES} parts", source, line, 1, "")
    known = {**FUNCTIONS, **(functions or {})}
    return _Translator(text.strip(), symbols, source, line, exact, base, known).visit(tree.body)


class _Translator:
    def __init__(
        self,
        text: str,
        symbols: Mapping[str, sp.Symbol],
        source: str,
        line: int,
        exact: bool,
        base: int = 0,
        functions: Mapping[str, Callable[..., sp.Expr]] = FUNCTIONS,
    ):
        self.text, self.symbols, self.source, self.line = text, symbols, source, line
        self.functions = functions
        self.exact, self.base = exact, base

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        # ast offsets count UTF-8 bytes; the column and token are in characters (ω is two
        # bytes, and slicing the text by bytes showed 'ω*' for 'ω').
        raw = self.text.encode()
        col = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", None) or col + 1
        token = raw[col:end].decode(errors="replace")
        column = self.base + len(raw[:col].decode(errors="replace")) + 1
        return ExpressionError(message.format(token=token), self.source, self.line, column, token)

    def visit(self, node: ast.AST) -> sp.Expr:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(node, f"'{{token}}' is not plain mathematics ({type(node).__name__})")
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, "'{token}' is not a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(node, "'{token}' is not a finite number")
        if isinstance(value, int) and abs(value) > 10**30:
            raise self.fail(node, "'{token}' is too large an integer")
        if isinstance(value, int):
            return sp.Integer(value)
        return sp.Rational(repr(value)) if self.exact else sp.Float(value)

    def visit_Name(self, node: ast.Name) -> sp.Expr:
        if node.id in self.symbols:
            return self.symbols[node.id]
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        allowed = ", ".join(sorted([*self.symbols, *_CONSTANTS]))
        hint = " (a function: call it)" if node.id in self.functions else ""
        raise self.fail(node, f"unknown name '{{token}}'{hint}; allowed: {allowed}")

    def visit_UnaryOp(self, node: ast.UnaryOp) -> sp.Expr:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(node, "operator in '{token}' is not allowed (use + − * / **)")

    def visit_BinOp(self, node: ast.BinOp) -> sp.Expr:
        if isinstance(node.op, ast.BitXor):
            raise self.fail(node, "'^' in '{token}' is not a power here: write **")
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Add):
            return self.checked(node, left + right)
        if isinstance(node.op, ast.Sub):
            return self.checked(node, left - right)
        if isinstance(node.op, ast.Mult):
            return self.checked(node, left * right)
        if isinstance(node.op, ast.Div):
            if right.is_zero:
                raise self.fail(node, "division by zero in '{token}'")
            return self.checked(node, left / right)
        if isinstance(node.op, ast.Pow):
            if right.is_number:
                if not right.is_real or not right.is_finite:
                    raise self.fail(node, "exponent in '{token}' is not a finite real number")
                if abs(float(right)) > _MAX_POWER:
                    raise self.fail(node, f"exponent in '{{token}}' exceeds ±{_MAX_POWER}")
            return self.checked(node, left**right)
        raise self.fail(node, "operator in '{token}' is not allowed (use + − * / **)")

    def checked(self, node: ast.AST, value: sp.Expr) -> sp.Expr:
        """Refuse exact numbers too large to be mathematics a model needs (and slow to build)."""
        for atom in value.atoms(sp.Rational):
            if len(str(abs(atom.p))) > _MAX_DIGITS or len(str(atom.q)) > _MAX_DIGITS:
                raise self.fail(
                    node, f"'{{token}}' makes a number of more than {_MAX_DIGITS} digits"
                )
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
            raise self.fail(node, "'{token}' is not a finite real expression")
        return value

    def visit_Call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, "'{token}' cannot be called: only plain function names")
        name = node.func.id
        if name not in self.functions:
            raise self.fail(
                node.func,
                f"unknown function '{{token}}'; allowed: {', '.join(sorted(self.functions))}",
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(node, "'{token}': positional arguments only")
        if len(node.args) != 1:
            raise self.fail(node, f"{name} takes one argument")
        arg = self.visit(node.args[0])
        if arg.is_number:
            # A constant argument is evaluated, so that log(0), sqrt(-1) or 1/sin(pi) are
            # seen for what they are (zoo, I, a division by 0) and refused, not carried as
            # opaque terms that a simplification would cancel. None of these functions
            # does costly work on a number (SymPy leaves exp(10**30) as it is).
            return self.checked(node, self.functions[name](arg))
        return self.checked(node, self.functions[name](arg, evaluate=False))
