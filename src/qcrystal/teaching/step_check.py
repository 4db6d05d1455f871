"""Is a student's expression for a step of a derivation right? The same verdict machinery.

``check_step("38", "solve_for_epsilon", "sqrt(omega**2 + Omega**2)")`` (or the step's
number, 7) parses the text with the no-eval parser of model files
(:mod:`qcrystal.models.parser`; only the symbols of that step and plain mathematics are
allowed), compares it with the derived step by SymPy simplification backed by a numeric
probe (:func:`qcrystal.symbolic.compare`), and answers
``equivalent``, ``not equivalent`` (with a point where the two differ, and by how much) or
``cannot decide``. For a step that is an equation, the student may write the whole
equation ``lhs = rhs`` or only its right-hand side.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from qcrystal.models import parser as safe_expr
from qcrystal.symbolic import Derivation, OutOfTimeError, Paper, Verdict, compare, within

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


def _paper(paper: Paper | None) -> Paper:
    if paper is not None:
        return paper
    from qcrystal.derivations.paper import PAPER

    return PAPER


def derivation(eq_id: str, paper: Paper | None = None) -> Derivation:
    """The derivation of equation ``eq_id`` (renders as steps in Jupyter); the paper is
    Yukalov's unless another :class:`~qcrystal.symbolic.Paper` is given."""
    rec = _paper(paper).get(eq_id)
    if rec.derive is None:
        kind = "a definition" if rec.kind == "definition" else f"cited ({rec.source})"
        raise ValueError(f"({eq_id}) is {kind}: it has no derivation")
    return rec.derive()


def _step(eq_id: str, step: int | str, paper: Paper | None) -> tuple[sp.Basic, int]:
    """The expression of a step (by name, or by its number from 1) and its number."""
    dv = derivation(eq_id, paper)
    if isinstance(step, str) and step.isdigit():
        step = int(step)
    try:
        found = dv.step(step)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    return found.expr, dv.number(found.name)


def allowed_names(target: sp.Basic) -> dict[str, sp.Symbol]:
    """The names a student may use for a step: the symbols it contains, by their names,
    and by the Greek letters `derive` prints (ω_1 for omega_1, Ω for Omega, ε for epsilon)."""
    names = {str(s): s for s in sorted(target.free_symbols, key=str)}
    for name, symbol in list(names.items()):
        parts = name.split("_")
        greek = "_".join(_GREEK.get(part, part) for part in parts)
        if greek != name:
            names.setdefault(greek, symbol)
    return names


# Spelled-out Greek letters in symbol names and the letters a student may type instead.
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eps": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip


def check_step(eq_id: str, step: int | str, text: str, paper: Paper | None = None) -> StepCheck:
    """Compare ``text`` with a step of the derivation of ``eq_id``: the step's name
    (``"solve_for_epsilon"``) or its number from 1.

    Raises ValueError for an unknown equation or step; ExpressionError (a ValueError) for
    text that is not plain mathematics in the step's symbols.
    """
    target, number = _step(eq_id, step, paper)
    if isinstance(target, sp.core.relational.Relational) and not isinstance(target, sp.Equality):
        return StepCheck(UNDECIDED, "this step is an inequality; the checker compares "
                         "expressions and equations")  # fmt: skip
    sides = target.args if isinstance(target, sp.Equality) else (target,)
    if isinstance(target, sp.MatrixBase) or not all(side.is_commutative for side in sides):
        return StepCheck(UNDECIDED, "this step is a matrix or an operator identity")
    names = allowed_names(target)
    lhs_text, sep, rhs_text = text.partition("=")
    if sep and isinstance(target, sp.Equality):
        right = len(lhs_text) + 2  # the column where the right side starts
        pairs = [
            (safe_expr.parse(lhs_text, names, source="step", exact=True), target.lhs),
            (safe_expr.parse(rhs_text, names, source="step", exact=True, column=right), target.rhs),
        ]
    elif sep:
        raise safe_expr.ExpressionError(
            "this step is an expression, not an equation: leave out '='", "step", 1,
            len(lhs_text) + 1, "=",
        )  # fmt: skip
    elif isinstance(target, sp.Equality) and target.rhs.is_number:
        # A condition such as "… = 0": its right side alone says nothing.
        raise safe_expr.ExpressionError(
            f"step {number} is the condition {sp.sstr(target)}: write the whole equation "
            "'left = right'", "step", 1, 1, text[:20],
        )  # fmt: skip
    else:
        mine = safe_expr.parse(text, names, source="step", exact=True)
        pairs = [(mine, target.rhs if isinstance(target, sp.Equality) else target)]
    expected = sp.sstr(target)
    result = _compare_sides(pairs, expected)
    if result.answer != EQUIVALENT and sep:
        # Not side by side; maybe the same equation rearranged, rescaled or squared.
        reason = _same_equation(pairs[0][0] - pairs[1][0], target)
        if reason:
            return StepCheck(EQUIVALENT, reason, {}, expected)
    return result


def _same_equation(residual: sp.Expr, target: sp.Equality) -> str | None:
    """Why the student's equation (residual = 0) is the derived one, or None.

    The two are the same equation when the student's residual is the derived residual
    times a factor that never vanishes on the symbols' domain: a nonzero number for a
    rearranged or rescaled equation, 4ε₁ for one multiplied through, ε + √(ω² + Ω²) for
    a squared one (all symbols here are positive). SymPy must prove the factor's sign from
    the symbols' assumptions, and the wide numeric probe must confirm the product.
    """
    derived = target.lhs - target.rhs
    if residual == 0 or derived == 0 or _expansion_size(residual) > _MAX_EXPANSION:
        return None
    try:
        factor = within(_SECONDS, lambda: sp.simplify(sp.cancel(sp.radsimp(residual / derived))))
    except OutOfTimeError:
        return None
    definite = factor.is_positive or factor.is_negative
    if not (definite and factor.is_finite) or _wide_probe(residual, factor * derived):
        return None
    if factor.is_number:
        return f"the derived equation rearranged (yours = {sp.sstr(factor)} × derived, sides moved)"
    return (
        f"the derived equation multiplied by {sp.sstr(factor)}, which never vanishes for "
        "the step's symbols (their assumptions prove its sign)"
    )


def _compare_sides(pairs: list[tuple[sp.Expr, sp.Expr]], expected: str) -> StepCheck:
    """Each (student, derived) pair compared: the first that differs decides."""
    for student, derived in pairs:
        # Numbers first: a wide, exact probe settles most wrong answers in milliseconds,
        # and an expression whose expansion would take minutes never reaches SymPy.
        miss = _wide_probe(student, derived)
        size = _expansion_size(student)
        if miss is None and size > _MAX_EXPANSION:
            return StepCheck(UNDECIDED, "your expression is too large to simplify safely "
                             f"(it expands to ~{size:.0e} terms)", {}, expected)  # fmt: skip
        out = None
        if size <= _MAX_EXPANSION:  # SymPy's expansion runs in C: no alarm can stop it
            try:
                out = within(_DIAGNOSIS_SECONDS if miss else _SECONDS, compare, student, derived)
            except OutOfTimeError:
                out = None
        if out is not None and out.verdict is Verdict.DISCREPANCY:
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
        if miss is not None:
            # The verdict's probe box is narrow and 30 digits; a student's answer must also
            # agree far outside it, exactly, and be defined wherever the derivation is.
            where, mine, theirs = miss
            return StepCheck(
                NOT_EQUIVALENT,
                f"differs from the derived step. At {where}: yours = {mine}, "
                f"the derivation's = {theirs}.",
                {"point": where, "printed": mine, "derived": theirs},
                expected,
            )
        if out is None:
            return StepCheck(
                UNDECIDED, f"the comparison took longer than {_SECONDS} s", {}, expected
            )
        if out.verdict is not Verdict.CONFIRMED:
            return StepCheck(UNDECIDED, out.finding, {}, expected)
    return StepCheck(EQUIVALENT, "equal to the derived step", {}, expected)


_SECONDS = 20
_MAX_EXPANSION = 2000  # terms an expansion of the student's expression may produce
_DIAGNOSIS_SECONDS = 5  # only to name the mistake when the numbers already found one


def _expansion_size(expr: sp.Basic) -> float:
    """An upper bound on the number of terms ``expand`` makes of ``expr`` (capped at 1e12)."""
    if expr.is_Atom:
        return 1.0
    args = [_expansion_size(a) for a in expr.args]
    if expr.is_Add:
        size = sum(args)
    elif expr.is_Mul:
        size = math.prod(args)
    elif expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        size = args[0] ** min(int(expr.exp), 40)
    else:
        size = 1.0 + sum(args)
    return min(size, 1e12)


def _wide_probe(student: sp.Expr, derived: sp.Expr, points: int = 24):
    """A point where the two differ, over a wide range of every symbol, at 50 digits.

    Positive symbols are drawn log-uniformly in [1e-3, 1e3], others uniformly in [−30, 30]
    (a fixed seed: the same points every run). Points where the derivation itself is not a
    finite real number are skipped; where it is and the student's expression is not, or the
    two differ beyond 1e-40 relative, that point is returned.
    """
    symbols = sorted((student.free_symbols | derived.free_symbols), key=str)
    f_mine = sp.lambdify(symbols, student, "mpmath")
    f_theirs = sp.lambdify(symbols, derived, "mpmath")
    rng = random.Random("qcrystal step check")
    with mpmath.workdps(50):
        for _ in range(points):
            values = []
            for sym in symbols:
                if sym.is_positive:
                    values.append(mpmath.mpf(10) ** rng.uniform(-3, 3))
                else:
                    values.append(mpmath.mpf(rng.uniform(-30, 30)))
            try:
                theirs = f_theirs(*values)
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
            if not _finite_real(theirs):
                continue
            try:
                mine = f_mine(*values)
            except (ZeroDivisionError, ValueError, OverflowError):
                mine = mpmath.nan
            scale = max(abs(theirs), mpmath.mpf(10) ** -30)
            if not _finite_real(mine) or abs(mine - theirs) > mpmath.mpf(10) ** -40 * scale:
                where = ", ".join(
                    f"{s}={mpmath.nstr(v, 6)}" for s, v in zip(symbols, values, strict=True)
                )
                return where, mpmath.nstr(mine, 12), mpmath.nstr(theirs, 12)
    return None


def _finite_real(value) -> bool:
    try:
        return math.isfinite(float(value)) and mpmath.im(value) == 0
    except (TypeError, ValueError, OverflowError):
        return False
