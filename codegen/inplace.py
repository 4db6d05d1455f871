"""Three-address NumPy code that writes every intermediate into a workspace array.

A kernel run block by block allocates nothing after its first block: each CSE value, each
intermediate and each output is an array of a :class:`qcrystal.numerics._kernels.Workspace`
asked for by name, and every operation is a ufunc call with ``out=``. (Fresh temporaries
of a block's size are page-faulting allocations once several are alive: measured 4.7x
slower for the same sin² in the kernels' tests of speed.)

:func:`signed_sum_lines` prints a bracket of additive terms as two sums, of its
nonnegative and of its nonpositive terms, so that the kernel knows Σ|t| = pos − neg
without an absolute value a term; each term's sign is proven by SymPy first.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1

from .printer import NumpyPrinter

__all__ = ["signed_sum_lines", "term_sign"]


def term_sign(term: sp.Expr) -> int:
    """+1 if SymPy proves ``term`` ≥ 0, −1 if ≤ 0, for the symbols' assumptions.

    expm1(x) has the sign of x (e^x − 1 = x·g(x) with g > 0), which SymPy does not know:
    it is replaced by x times a positive dummy before asking.
    """
    plain = term.replace(expm1, lambda z: z * sp.Dummy("g", positive=True))
    if plain.is_nonnegative:
        return 1
    if plain.is_nonpositive:
        return -1
    raise RuntimeError(f"the sign of the bracket term {term} is not known: cannot split it")


def signed_sum_lines(
    terms: list[sp.Expr], names: dict[sp.Symbol, str], outputs: tuple[str, str] = ("pos", "neg")
) -> list[str]:
    """Lines that leave Σ of the nonnegative terms in ``outputs[0]`` and Σ of the
    nonpositive ones in ``outputs[1]``, arrays of the workspace ``work`` of the shape
    ``shape`` and float type ``dtype`` (names the surrounding code defines)."""
    renamed = [t.xreplace({s: sp.Symbol(n) for s, n in names.items()}) for t in terms]
    pairs, reduced = sp.cse(renamed, symbols=sp.numbered_symbols("t"), order="canonical")
    emit = _Emitter()
    for sym, value in pairs:
        emit.declare(sym.name)
        emit.into(value, sym.name)
    groups: dict[int, list[sp.Expr]] = {1: [], -1: []}
    for original, term in zip(terms, reduced, strict=True):
        groups[term_sign(original)].append(term)
    for out, sign in zip(outputs, (1, -1), strict=True):
        emit.declare(out)
        if not groups[sign]:
            emit.lines.append(f"{out}.fill(0.0)")
        for n, term in enumerate(groups[sign]):
            if n == 0:
                emit.into(term, out)
            else:
                emit.accumulate(term, out, "add")
    return emit.declarations() + emit.lines


class _Emitter:
    """Walks SymPy expressions and prints one ufunc call with ``out=`` per operation.

    Intermediates go to arrays ``w0``, ``w1``, … used as a stack: an expression nested n
    deep needs n of them, whatever its size.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.named: list[str] = []
        self.depth = 0
        self.deepest = 0
        self.printer = NumpyPrinter({"fully_qualified_modules": True})

    def declare(self, name: str) -> None:
        self.named.append(name)

    def declarations(self) -> list[str]:
        names = self.named + [f"w{i}" for i in range(self.deepest)]
        return [f'{n} = work.array("{n}", shape, dtype)' for n in names]

    def _push(self) -> str:
        name = f"w{self.depth}"
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)
        return name

    def _pop(self) -> None:
        self.depth -= 1

    def operand(self, e: sp.Expr) -> str | None:
        """The printed name or literal of a symbol or number; None for anything else."""
        if e.is_Symbol:
            return e.name
        if e.is_Number:
            return self.printer.doprint(e)
        return None

    def source(self, e: sp.Expr, dst: str) -> str:
        """An operand for ``e``: its name, or ``dst`` after computing ``e`` into it."""
        op = self.operand(e)
        if op is None:
            self.into(e, dst)
            return dst
        return op

    def accumulate(self, e: sp.Expr, dst: str, how: str) -> None:
        """dst = dst <how> e, with e computed into a stack array if it is not an operand."""
        op = self.operand(e)
        pushed = op is None
        if pushed:
            op = self._push()
            self.into(e, op)
        self.lines.append(f"np.{how}({dst}, {op}, out={dst})")
        if pushed:
            self._pop()

    def into(self, e: sp.Expr, dst: str) -> None:
        op = self.operand(e)
        if op is not None:
            self.lines.append(f"np.copyto({dst}, {op})")
        elif isinstance(e, sp.Add):
            self._add(e, dst)
        elif isinstance(e, sp.Mul):
            self._mul(e, dst)
        elif isinstance(e, sp.Pow):
            self._pow(e, dst)
        elif isinstance(e, sp.exp):
            self.lines.append(f"fast_exp({self.source(e.args[0], dst)}, out={dst})")
        elif isinstance(e, expm1):
            self.lines.append(f"np.expm1({self.source(e.args[0], dst)}, out={dst})")
        else:
            raise NotImplementedError(f"no in-place form for {e.func.__name__}: {e}")

    def _add(self, e: sp.Add, dst: str) -> None:
        first, *rest = sorted(e.args, key=lambda a: self.operand(a) is not None)
        self.into(first, dst)
        for a in rest:
            coeff, _ = a.as_coeff_Mul()
            if coeff.is_negative:
                self.accumulate(-a, dst, "subtract")
            else:
                self.accumulate(a, dst, "add")

    def _mul(self, e: sp.Mul, dst: str) -> None:
        coeff, factors = e.as_coeff_mul()
        num = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        den = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
        # computed factors first (the first straight into dst), then the plain operands
        computed = [f for f in num if self.operand(f) is None]
        plain = [self.operand(f) for f in num if self.operand(f) is not None]
        if not computed and len(plain) == 1 and not den and coeff != 1:  # c·x: one call
            if coeff == -1:
                self.lines.append(f"np.negative({plain[0]}, out={dst})")
            else:
                self.lines.append(f"np.multiply({plain[0]}, {self.operand(coeff)}, out={dst})")
            return
        started = False
        for f in computed:
            if started:
                self.accumulate(f, dst, "multiply")
            else:
                self.into(f, dst)
                started = True
        if not started and len(plain) >= 2:
            self.lines.append(f"np.multiply({plain[0]}, {plain[1]}, out={dst})")
            plain, started = plain[2:], True
        elif not started and plain:
            self.lines.append(f"np.copyto({dst}, {plain.pop(0)})")
            started = True
        for op in plain:
            self.lines.append(f"np.multiply({dst}, {op}, out={dst})")
        if den:
            d = sp.Mul(*den)
            if not started:  # coeff / d
                self.into(d, dst)
                self.lines.append(f"np.divide({self.operand(coeff)}, {dst}, out={dst})")
                return
            self.accumulate(d, dst, "divide")
        if coeff == -1:
            self.lines.append(f"np.negative({dst}, out={dst})")
        elif coeff != 1:
            self.lines.append(f"np.multiply({dst}, {self.operand(coeff)}, out={dst})")

    def _pow(self, e: sp.Pow, dst: str) -> None:
        base, exponent = e.args
        if exponent == 2 and isinstance(base, sp.sin):  # sin²: the reduced polynomial kernel
            src = self.source(base.args[0], dst)
            self.lines.append(f"sin_squared({src}, out={dst}, work=work)")
        elif exponent == 2:
            op = self.operand(base)
            if op is None:
                self.into(base, dst)
                op = dst
            self.lines.append(f"np.multiply({op}, {op}, out={dst})")
        elif exponent == -1:
            self.lines.append(f"np.divide(1.0, {self.source(base, dst)}, out={dst})")
        elif exponent == sp.S.Half:
            self.lines.append(f"np.sqrt({self.source(base, dst)}, out={dst})")
        elif exponent.is_Integer:
            src = self.source(base, dst)
            self.lines.append(f"np.power({src}, {int(exponent)}, out={dst})")
        else:
            raise NotImplementedError(f"no in-place form for the power {e}")
