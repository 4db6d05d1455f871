"""Derivations as frozen sequences of named steps, and their text and LaTeX rendering.

A :class:`Derivation` is immutable: a tuple of :class:`Step` objects, each with a name that
is unique within the derivation (``"solve_for_epsilon"``), a SymPy expression or relation,
a one-line justification, the equation ids it uses and the assumptions it adds. The last
step is the result. Steps are looked up by name; their 1-based position is only for display
and for callers that still count (``derivation.step(7)``).

Derivations are written top to bottom with a :class:`Builder`::

    b = Builder("38", "effective oscillation frequency")
    eps = b.step("solve", sp.Eq(e, sp.sqrt(w**2 + W**2)), "solve for ε", uses=("32",))
    return b.build()
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Builder", "Derivation", "Step", "to_latex", "to_text"]

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def to_text(obj: object, width: int | None = None) -> str:
    """Unicode rendering of a SymPy object (or a plain string) on one or more lines; with
    ``width``, SymPy's printer breaks a wider expression into blocks of that width."""
    if isinstance(obj, str):
        return obj if width is None else _fill(obj, width, "")
    if width is None:
        return str(sp.pretty(obj, use_unicode=True, wrap_line=False))
    return str(sp.pretty(obj, use_unicode=True, wrap_line=True, num_columns=max(width, 20)))


def _fill(text: str, width: int, indent: str) -> str:
    """Prose wrapped at spaces (a single longer token kept whole), later lines indented."""
    import textwrap

    lines = textwrap.wrap(text, width, subsequent_indent=indent, break_long_words=False,
                          break_on_hyphens=False)  # fmt: skip
    return "\n".join(lines) or text


def to_latex(obj: object) -> str:
    """LaTeX rendering of a SymPy object (strings are taken as LaTeX already)."""
    if isinstance(obj, str):
        return obj
    return str(sp.latex(obj))


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    Parameters
    ----------
    name
        Identifier of the step within its derivation: lower case, digits and ``_``.
    expr
        The SymPy expression or relation this step arrives at.
    why
        One-line justification.
    adds
        Assumptions or side conditions this step introduces (``"l_α > 0"``).
    uses
        Equation ids this step relies on.
    """

    name: str
    expr: sp.Basic
    why: str
    adds: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"step name {self.name!r} must be lower case letters, digits and '_', "
                "starting with a letter"
            )

    def text(self, width: int | None = None, lead: int = 0) -> str:
        """The justification, then the expression, then what it assumes; with ``width``,
        every line fits it (``lead``: the characters that will precede the first line)
        except a single token that is wider."""
        uses = f"   [uses ({'), ('.join(self.uses)})]" if self.uses else ""
        head = self.why + uses
        if width is not None:
            head = _fill(" " * lead + head, width, "    ")[lead:]
        lines = [head, ""]
        body = to_text(self.expr, None if width is None else width - 4)
        lines += ["    " + line for line in body.splitlines()]
        lines.append("")
        for a in self.adds:
            text = f"    assumes {a}"
            lines.append(text if width is None else _fill(text, width, "        "))
        return "\n".join(lines).rstrip()

    def latex(self) -> str:
        return to_latex(self.expr)

    def _repr_latex_(self) -> str:
        """Jupyter: the step's expression, with its justification as a LaTeX text line."""
        why = latex_escape(self.why)
        return rf"$\displaystyle {self.latex()} \quad \text{{({why})}}$"


@dataclass(frozen=True)
class Derivation:
    """An immutable sequence of named steps ending in a result."""

    eq_id: str
    title: str
    steps: tuple[Step, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))  # never the caller's list
        if not self.steps:
            raise ValueError(f"derivation {self.eq_id!r} has no steps")
        seen: set[str] = set()
        for s in self.steps:
            if s.name in seen:
                raise ValueError(f"derivation {self.eq_id!r} names two steps {s.name!r}")
            seen.add(s.name)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.steps)

    def step(self, key: str | int) -> Step:
        """The step called ``key``, or the ``key``-th step (1-based) when it is a number.

        A ``KeyError`` lists the step names.
        """
        if isinstance(key, int) and not isinstance(key, bool):
            if not 1 <= key <= len(self.steps):
                raise KeyError(
                    f"({self.eq_id}) has steps 1 to {len(self.steps)} (got {key}); "
                    f"by name: {', '.join(self.names)}"
                )
            return self.steps[key - 1]
        for s in self.steps:
            if s.name == key:
                return s
        raise KeyError(f"({self.eq_id}) has no step {key!r}; steps: {', '.join(self.names)}")

    def number(self, name: str) -> int:
        """The 1-based position of the step called ``name``."""
        return self.names.index(self.step(name).name) + 1

    @property
    def result(self) -> sp.Basic:
        return self.steps[-1].expr

    @property
    def assumptions(self) -> tuple[str, ...]:
        """Every assumption added along the way, in order, without repeats."""
        return _unique(a for s in self.steps for a in s.adds)

    @property
    def uses(self) -> tuple[str, ...]:
        return _unique(u for s in self.steps for u in s.uses)

    def text(self, width: int | None = None) -> str:
        """Every step in order; with ``width`` every line fits it (see :meth:`Step.text`)."""
        title = f"Derivation of ({self.eq_id}): {self.title}"
        out = [title if width is None else _fill(title, width, "    "), ""]
        for i, s in enumerate(self.steps, 1):
            label = f"[{i}] {s.name}: "
            body = s.text(width, len(label)).splitlines()
            out.append(label + body[0])
            out.extend(body[1:])
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def latex(self) -> str:
        """A LaTeX ``enumerate`` of the steps, each with its justification."""
        out = [r"\begin{enumerate}"]
        for s in self.steps:
            why = latex_escape(s.why)
            adds = "".join(rf"\\ \emph{{assumes}} {latex_escape(a)}" for a in s.adds)
            out.append(rf"\item $\displaystyle {s.latex()}$ \\ {why}{adds}")
        out.append(r"\end{enumerate}")
        return "\n".join(out) + "\n"

    def _repr_latex_(self) -> str:
        """LaTeX consumers (nbconvert to PDF): a bold title, then :meth:`latex`."""
        title = latex_escape(f"({self.eq_id}) {self.title}")
        return rf"\textbf{{{title}}}" + "\n" + self.latex()

    def _repr_markdown_(self) -> str:
        """Jupyter front ends, which prefer Markdown: numbered steps with inline math."""
        return "\n".join(
            [f"**({self.eq_id}) {self.title}**", ""]
            + [f"{i}. ${s.latex()}$ — {s.why}" for i, s in enumerate(self.steps, 1)]
        )


class Builder:
    """Collects steps top to bottom and freezes them into a :class:`Derivation`."""

    def __init__(self, eq_id: str, title: str) -> None:
        self.eq_id, self.title = eq_id, title
        self._steps: list[Step] = []

    def step(
        self,
        name: str,
        expr: sp.Basic,
        why: str,
        adds: Iterable[str] = (),
        uses: Iterable[str] = (),
    ) -> sp.Basic:
        """Append a step and return its expression, so derivations read top to bottom."""
        self._steps.append(Step(name, expr, why, tuple(adds), tuple(uses)))
        return expr

    def include(self, other: Derivation) -> sp.Basic:
        """Take over every step of another derivation (names must not clash); its result."""
        self._steps.extend(other.steps)
        return other.result

    def build(self) -> Derivation:
        return Derivation(self.eq_id, self.title, tuple(self._steps))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


_TEX_SPECIALS = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX specials in justification prose (not in mathematics)."""
    return "".join(_TEX_SPECIALS.get(ch, ch) for ch in text)
