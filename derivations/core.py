"""The derivation data model: steps, derivations and their Unicode / LaTeX rendering.

A :class:`Derivation` is an ordered list of :class:`Step` objects. Each step holds a SymPy
expression or equation, a one-line justification, the equation ids it uses, and the
assumptions or side conditions it adds (a division records its non-zero divisor, a square
root records its branch). The last step is the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Derivation", "Step", "to_latex", "to_text"]


def to_text(obj: object) -> str:
    """Unicode rendering of a SymPy object (or a plain string) on one or more lines."""
    if isinstance(obj, str):
        return obj
    return sp.pretty(obj, use_unicode=True, wrap_line=False)


def to_latex(obj: object) -> str:
    """LaTeX rendering of a SymPy object (strings are taken as LaTeX already)."""
    if isinstance(obj, str):
        return obj
    return sp.latex(obj)


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    Parameters
    ----------
    expr
        The SymPy expression or ``sympy.Eq`` this step arrives at.
    why
        One-line justification.
    adds
        Assumptions or side conditions this step introduces (``"l_α > 0"``,
        ``"ε > 0: positive root"``).
    uses
        Paper equation ids this step relies on.
    """

    expr: sp.Basic
    why: str
    adds: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()

    def text(self) -> str:
        """The justification, then the expression, then what it assumes."""
        uses = f"   [uses ({'), ('.join(self.uses)})]" if self.uses else ""
        lines = [self.why + uses, ""]
        lines += ["    " + line for line in to_text(self.expr).splitlines()]
        lines.append("")
        lines += [f"    assumes {a}" for a in self.adds]
        return "\n".join(lines).rstrip()

    def latex(self) -> str:
        return to_latex(self.expr)

    def _repr_latex_(self) -> str:
        """Jupyter: the step's expression, with its justification as a LaTeX text line."""
        why = _latex_escape(self.why)
        return rf"$\displaystyle {self.latex()} \quad \text{{({why})}}$"


@dataclass
class Derivation:
    """An ordered list of steps ending in a result.

    Build it with :meth:`step`; the result is the last step's expression.
    """

    eq_id: str
    title: str
    steps: list[Step] = field(default_factory=list)

    def step(
        self,
        expr: sp.Basic,
        why: str,
        adds: Iterable[str] = (),
        uses: Iterable[str] = (),
    ) -> sp.Basic:
        """Append a step and return its expression, so derivations read top to bottom."""
        self.steps.append(Step(expr, why, tuple(adds), tuple(uses)))
        return expr

    @property
    def result(self) -> sp.Basic:
        if not self.steps:
            raise ValueError(f"derivation {self.eq_id!r} has no steps")
        return self.steps[-1].expr

    @property
    def assumptions(self) -> tuple[str, ...]:
        """Every assumption added along the way, in order, without repeats."""
        seen: dict[str, None] = {}
        for s in self.steps:
            for a in s.adds:
                seen.setdefault(a, None)
        return tuple(seen)

    @property
    def uses(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.steps:
            for u in s.uses:
                seen.setdefault(u, None)
        return tuple(seen)

    def text(self) -> str:
        out = [f"Derivation of ({self.eq_id}): {self.title}", ""]
        for i, s in enumerate(self.steps, 1):
            body = s.text().splitlines()
            out.append(f"[{i}] " + body[0])
            out.extend(body[1:])
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def latex(self) -> str:
        """A LaTeX ``enumerate`` of the steps, each with its justification."""
        out = [r"\begin{enumerate}"]
        for s in self.steps:
            why = _latex_escape(s.why)
            adds = "".join(rf"\\ \emph{{assumes}} {_latex_escape(a)}" for a in s.adds)
            out.append(rf"\item $\displaystyle {s.latex()}$ \\ {why}{adds}")
        out.append(r"\end{enumerate}")
        return "\n".join(out) + "\n"

    def _repr_latex_(self) -> str:
        """LaTeX consumers (nbconvert to PDF): a bold title, then :meth:`latex`."""
        title = _latex_escape(f"({self.eq_id}) {self.title}")
        return rf"\textbf{{{title}}}" + "\n" + self.latex()

    def _repr_markdown_(self) -> str:
        """Jupyter front ends, which prefer Markdown: numbered steps with inline math."""
        return "\n".join(
            [f"**({self.eq_id}) {self.title}**", ""]
            + [f"{i}. ${s.latex()}$ — {s.why}" for i, s in enumerate(self.steps, 1)]
        )


_TEX_SPECIALS = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def _latex_escape(text: str) -> str:
    """Escape LaTeX specials in justification prose (not in mathematics)."""
    return "".join(_TEX_SPECIALS.get(ch, ch) for ch in text)
