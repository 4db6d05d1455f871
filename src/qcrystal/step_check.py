"""Is a student's expression for step N of a derivation right? The same verdict machinery.

``check_step("38", 7, "sqrt(omega**2 + Omega**2)")`` parses the text with the no-eval
parser of model files (:mod:`qcrystal.safe_expr`; only the symbols of that step and plain
mathematics are allowed), compares it with the derived step by SymPy simplification backed
by a 40-digit numeric probe (:func:`qcrystal.derivations.verdict.compare`), and answers
``equivalent``, ``not equivalent`` (with a point where the two differ, and by how much) or
``cannot decide``. For a step that is an equation, the student may write the whole
equation ``lhs = rhs`` or only its right-hand side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from qcrystal import safe_expr
from qcrystal.derivations import paper
from qcrystal.derivations.verdict import Verdict, compare

__all__ = ["StepCheck", "check_step", "derivation"]

EQUIVALENT, NOT_EQUIVALENT, UNDECIDED = "equivalent", "not equivalent", "cannot decide"


@dataclass(frozen=True)
class StepCheck:
    answer: str  # EQUIVALENT | NOT_EQUIVALENT | UNDECIDED
    detail: str
    point: dict = field(default_factory=dict)  # where the two differ (not equivalent)
    expected: str = ""  # the derived step, for the answer sheet

    @property
    def exit_code(self) -> int:
        return {EQUIVALENT: 0, NOT_EQUIVALENT: 1}.get(self.answer, 2)


def derivation(eq_id: str):
    """The derivation of equation ``eq_id`` (renders as steps in Jupyter)."""
    rec = paper.get(eq_id)
    if rec.derive is None:
        kind = "a definition" if rec.kind == "definition" else f"cited ({rec.source})"
        raise ValueError(f"({eq_id}) is {kind}: it has no derivation")
    return rec.derive()


def _step(eq_id: str, number: int) -> sp.Basic:
    dv = derivation(eq_id)
    if not 1 <= number <= len(dv.steps):
        raise ValueError(f"({eq_id}) has steps 1 to {len(dv.steps)} (got {number})")
    return dv.steps[number - 1].expr


def allowed_names(target: sp.Basic) -> dict[str, sp.Symbol]:
    """The names a student may use for a step: the symbols it contains, by their names."""
    return {str(s): s for s in sorted(target.free_symbols, key=str)}


def check_step(eq_id: str, number: int, text: str) -> StepCheck:
    """Compare ``text`` with step ``number`` (1-based) of the derivation of ``eq_id``.

    Raises ValueError for an unknown equation or step; ExpressionError (a ValueError) for
    text that is not plain mathematics in the step's symbols.
    """
    target = _step(eq_id, number)
    sides = target.args if isinstance(target, sp.Equality) else (target,)
    if isinstance(target, sp.MatrixBase) or not all(side.is_commutative for side in sides):
        return StepCheck(UNDECIDED, "this step is a matrix or an operator identity")
    names = allowed_names(target)
    lhs_text, sep, rhs_text = text.partition("=")
    if sep and isinstance(target, sp.Equality):
        pairs = [
            (safe_expr.parse(lhs_text, names, source="step"), target.lhs),
            (safe_expr.parse(rhs_text, names, source="step"), target.rhs),
        ]
    elif sep:
        raise safe_expr.ExpressionError(
            "this step is an expression, not an equation: leave out '='", "step", 1,
            len(lhs_text) + 1, "=",
        )  # fmt: skip
    else:
        mine = safe_expr.parse(text, names, source="step")
        pairs = [(mine, target.rhs if isinstance(target, sp.Equality) else target)]
    expected = sp.sstr(target)
    for student, derived in pairs:
        out = compare(student, derived)
        if out.verdict is Verdict.CONFIRMED:
            continue
        if out.verdict is Verdict.DISCREPANCY:
            point = out.example or {}
            how = "; ".join(out.diagnosis) if out.diagnosis else out.finding
            how = how.replace("printed", "yours")
            where = ""
            if point:
                where = (
                    f" At {point.get('point')}: yours = {point.get('printed')}, "
                    f"the derivation's = {point.get('derived')}."
                )
            return StepCheck(NOT_EQUIVALENT, f"{how}.{where}", point, expected)
        return StepCheck(UNDECIDED, out.finding, {}, expected)
    return StepCheck(EQUIVALENT, "equal to the derived step", {}, expected)
