"""Equation records: one per displayed equation of a paper, and how each is judged.

A record holds the printed form exactly as printed (LaTeX) and as a SymPy transcription,
the derivation (built lazily: SymPy work happens when the record is judged, never at
import), the assumptions and approximations under which printed and derived forms are
compared, and the probe domain. :func:`judge` computes the verdict against the paper the
record belongs to (its symbol dimensions and probe settings); nothing here stores one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import sympy as sp

from .dimensions import check_relation
from .steps import Derivation, to_latex
from .verdict import Condition, Outcome, Probe, Verdict, compare_relations

if TYPE_CHECKING:
    from .paper import Paper

__all__ = ["Check", "EquationRecord", "Finding", "Kind", "judge"]

Kind = Literal["derived", "definition", "cited"]


@dataclass(frozen=True)
class Check:
    """A consistency check attached to a definition: two forms that must agree."""

    label: str
    forms: Callable[[], tuple[sp.Basic, sp.Basic]]


@dataclass(frozen=True)
class EquationRecord:
    """One displayed equation.

    ``printed`` is the SymPy transcription of ``latex`` (exactly as printed, typos kept);
    ``derive`` builds the derivation whose result is compared with ``printed`` after the
    substitutions ``given`` (the paper's own definitions the comparison relies on).
    ``hint`` is added, in parentheses, to the finding of a discrepancy: what the
    diagnosis means in this paper's terms. ``remark`` computes, from the derivation, a
    statement added to the finding whatever the verdict: what the derivation shows beyond
    the comparison of the printed form (a caveat the printed form hides, say).
    """

    id: str
    section: int
    kind: Kind
    latex: str
    topic: str
    printed: sp.Basic | None = None
    derive: Callable[[], Derivation] | None = None
    given: Mapping[sp.Basic, sp.Basic] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    probe: Probe = field(default_factory=Probe)
    conditions: Sequence[Condition] = ()
    checks: Sequence[Check] = ()
    explain: tuple[str, Callable[[sp.Expr, sp.Expr], sp.Expr]] | None = None
    source: str = ""
    note: str = ""
    hint: str = ""
    remark: Callable[[Derivation], str] | None = None

    def __post_init__(self) -> None:  # a read-only view of a private copy
        object.__setattr__(self, "given", MappingProxyType(dict(self.given)))
        object.__setattr__(self, "conditions", tuple(self.conditions))
        object.__setattr__(self, "checks", tuple(self.checks))

    def _repr_markdown_(self) -> str:
        """Jupyter: the equation as printed, and what kind of record it is."""
        kind = f"cited from {self.source}" if self.kind == "cited" else self.kind
        return f"**({self.id})** §{self.section}, {kind}\n\n$$ {self.latex} $$"


@dataclass(frozen=True)
class Finding:
    """The computed outcome for one record."""

    record: EquationRecord
    verdict: Verdict
    finding: str
    derivation: Derivation | None = None
    outcome: Outcome | None = None
    dimensions: str = ""
    dimensions_ok: bool | None = None

    @property
    def derived_latex(self) -> str:
        return to_latex(self.derivation.result) if self.derivation else ""

    @property
    def assumptions(self) -> list[str]:
        out = list(self.record.assumptions)
        if self.derivation:
            out += [a for a in self.derivation.assumptions if a not in out]
        return out


def judge(rec: EquationRecord, paper: Paper) -> Finding:
    """Compute the verdict of one record of ``paper``."""
    probe = rec.probe.settled(paper.probe, rec.id)
    dims_ok, dims_text = _dimensions(rec.printed, paper)
    derivation, outcome = None, None
    if rec.kind == "cited":
        verdict = Verdict.CITED
        text = f"taken from {rec.source}" if rec.source else "cited"
    elif rec.kind == "definition":
        verdict, text = Verdict.DEFINITION, "definition: nothing to derive"
        for chk in rec.checks:
            lhs, rhs = chk.forms()
            out = compare_relations(lhs, rhs, probe)
            if out.verdict is Verdict.CONFIRMED:
                text += f"; checked: {chk.label}"
            else:
                verdict, outcome = out.verdict, out
                text = f"fails check '{chk.label}': {out.finding}"
                break
    else:
        if rec.derive is None or rec.printed is None:
            raise ValueError(f"record {rec.id!r} is 'derived' but has no derivation or form")
        derivation = rec.derive()
        printed = rec.printed.xreplace(dict(rec.given)) if rec.given else rec.printed
        printed = _unevaluated(printed)
        outcome = compare_relations(printed, derivation.result, probe, rec.conditions)
        verdict, text = outcome.verdict, outcome.finding
        if verdict is Verdict.DISCREPANCY:
            if rec.hint:
                text += f" ({rec.hint})"
            if rec.explain:
                label, residual = rec.explain
                text += f"; {label} = {sp.sstr(residual(printed, derivation.result))}"
            if outcome.example:
                ex = outcome.example
                text += (
                    f" [e.g. at {ex['point']}: printed {ex['printed']}, derived {ex['derived']}]"
                )
        if rec.remark:
            text += f"; {rec.remark(derivation)}"
        d_ok, d_text = _dimensions(derivation.result, paper)
        if d_ok is False:
            text += f"; derived form has a dimension problem: {d_text}"
        result = derivation.result
        if dims_ok is None and isinstance(printed, sp.Expr) and isinstance(result, sp.Expr):
            # Plain expressions: printed and derived must at least carry the same dimension.
            dims_ok, dims_text = _dimensions(sp.Eq(printed, result, evaluate=False), paper)
            dims_text = "printed vs derived: " + dims_text
    if dims_ok is False:
        text += f"; printed form is dimensionally inconsistent: {dims_text}"
    return Finding(rec, verdict, text, derivation, outcome, dims_text, dims_ok)


def _unevaluated(e: sp.Basic) -> sp.Basic:
    """Sums, and derivatives evaluated at a point (``Subs``), carried out; integrals kept."""
    if isinstance(e, sp.Basic) and e.has(sp.Sum, sp.Subs) and not e.has(sp.Integral):
        return e.doit()
    return e


def _dimensions(rel: sp.Basic | None, paper: Paper) -> tuple[bool | None, str]:
    if rel is None or isinstance(rel, sp.MatrixBase):
        return None, "not checked (no scalar transcription)"
    if isinstance(rel, sp.core.relational.Relational):
        if not (rel.lhs.is_commutative and rel.rhs.is_commutative):
            return None, "not checked (operator identity)"
        return check_relation(
            rel.lhs, rel.rhs, paper.dimensions, paper.function_dimensions, paper.units
        )
    return None, "not checked (expression, not a relation)"
