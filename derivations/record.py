"""Equation records: one per displayed equation of the paper, and how each is judged.

A record holds the printed form exactly as printed (LaTeX) and as a SymPy transcription,
the derivation (built lazily: SymPy work happens when the record is checked, never at
import), the assumptions and approximations under which printed and derived forms are
compared, and the probe domain. :func:`judge` computes the verdict; nothing here stores
one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import sympy as sp

from .core import Derivation, to_latex
from .dimensions import check_relation
from .symbols import DIMS, FUNCTION_DIMS
from .verdict import Condition, Outcome, Probe, Verdict, compare_relations

__all__ = ["Check", "EquationRecord", "Finding", "judge"]

Kind = Literal["derived", "definition", "cited"]


@dataclass(frozen=True)
class Check:
    """A consistency check attached to a definition: two forms that must agree."""

    label: str
    forms: Callable[[], tuple[sp.Basic, sp.Basic]]


@dataclass(frozen=True)
class EquationRecord:
    """One displayed equation of the paper.

    ``printed`` is the SymPy transcription of ``latex`` (exactly as printed, typos kept);
    ``derive`` builds the derivation whose result is compared with ``printed`` after the
    substitutions ``given`` (the paper's own definitions the comparison relies on).
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

    def _repr_markdown_(self) -> str:
        """Jupyter: the equation as printed, and what kind of record it is."""
        kind = f"cited from {self.source}" if self.kind == "cited" else self.kind
        return f"**({self.id})** §{self.section}, {kind}\n\n$$ {self.latex} $$"


@dataclass
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


def judge(rec: EquationRecord) -> Finding:
    """Compute the verdict of one record."""
    dims_ok, dims_text = _dimensions(rec.printed)
    if rec.kind == "cited":
        f = Finding(rec, Verdict.CITED, f"taken from {rec.source}" if rec.source else "cited")
    elif rec.kind == "definition":
        f = Finding(rec, Verdict.DEFINITION, "definition: nothing to derive")
        for chk in rec.checks:
            lhs, rhs = chk.forms()
            out = compare_relations(lhs, rhs, _seeded(rec))
            if out.verdict is Verdict.CONFIRMED:
                f.finding += f"; checked: {chk.label}"
            else:
                f.verdict, f.outcome = out.verdict, out
                f.finding = f"fails check '{chk.label}': {out.finding}"
                break
    else:
        assert rec.derive is not None and rec.printed is not None, rec.id
        dv = rec.derive()
        printed = rec.printed.xreplace(dict(rec.given)) if rec.given else rec.printed
        printed = _unevaluated(printed)
        out = compare_relations(printed, dv.result, _seeded(rec), rec.conditions)
        f = Finding(rec, out.verdict, out.finding, dv, out)
        if out.verdict is Verdict.DISCREPANCY and rec.explain:
            label, residual = rec.explain
            f.finding += f"; {label} = {sp.sstr(residual(printed, dv.result))}"
        if out.verdict is Verdict.DISCREPANCY and out.example:
            ex = out.example
            f.finding += (
                f" [e.g. at {ex['point']}: printed {ex['printed']}, derived {ex['derived']}]"
            )
        d_ok, d_text = _dimensions(dv.result)
        if d_ok is False:
            f.finding += f"; derived form has a dimension problem: {d_text}"
        if dims_ok is None and isinstance(printed, sp.Expr) and isinstance(dv.result, sp.Expr):
            # Plain expressions: printed and derived must at least carry the same dimension.
            dims_ok, dims_text = _dimensions(sp.Eq(printed, dv.result, evaluate=False))
            dims_text = "printed vs derived: " + dims_text
    f.dimensions, f.dimensions_ok = dims_text, dims_ok
    if dims_ok is False:
        f.finding += f"; printed form is dimensionally inconsistent: {dims_text}"
    return f


def _seeded(rec: EquationRecord) -> Probe:
    p = rec.probe
    return Probe(p.ranges, p.functions, p.points, p.seed or rec.id)


def _unevaluated(e: sp.Basic) -> sp.Basic:
    return e.doit() if isinstance(e, sp.Basic) and e.has(sp.Sum) and not e.has(sp.Integral) else e


def _dimensions(rel: sp.Basic | None) -> tuple[bool | None, str]:
    if rel is None or isinstance(rel, sp.MatrixBase):
        return None, "not checked (no scalar transcription)"
    if isinstance(rel, sp.core.relational.Relational):
        if not (rel.lhs.is_commutative and rel.rhs.is_commutative):
            return None, "not checked (operator identity)"
        return check_relation(rel.lhs, rel.rhs, DIMS, FUNCTION_DIMS)
    return None, "not checked (expression, not a relation)"
