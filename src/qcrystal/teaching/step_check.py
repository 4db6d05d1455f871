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
from qcrystal.symbolic import Derivation, OutOfTimeError, Paper, Verdict, compare, tidy, within

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
    """Each (student, derived) pair compared: the first that differs decides.

    The numbers decide first: a wide probe at high precision (:func:`_wide_probe`), whose
    every difference is confirmed at more than twice the digits, so rounding never passes
    for a mistake. Where the numbers agree, SymPy may still prove the difference nonzero
    (a perturbation below what the probe resolves): that is not equivalent either.
    """
    for student, derived in pairs:
        miss = _wide_probe(student, derived)
        size = _expansion_size(student)
        if miss is not None:
            return _not_equivalent(student, derived, miss, size, expected)
        if size > _MAX_EXPANSION:  # SymPy's expansion runs in C: no alarm could stop it
            return StepCheck(UNDECIDED, "your expression is too large to simplify safely "
                             f"(it expands to ~{size:.0e} terms)", {}, expected)  # fmt: skip
        try:
            difference = within(_SECONDS, tidy, student - derived, _SECONDS)
        except OutOfTimeError:
            difference = None
        if difference is not None and difference != 0 and difference.is_zero is False:
            return StepCheck(
                NOT_EQUIVALENT,
                f"differs from the derived step by {sp.sstr(difference)}, which SymPy proves "
                f"nonzero (too small for {_DIGITS} digits to show at the points tried)",
                {},
                expected,
            )
        if difference != 0:
            note = "SymPy could not close the difference" if difference is not None else (
                f"SymPy ran past {_SECONDS} s")  # fmt: skip
            how = f"equal at {_POINTS} points to {_DIGITS - 5} digits ({note})"
            return StepCheck(EQUIVALENT, how, {}, expected)
    return StepCheck(EQUIVALENT, "equal to the derived step", {}, expected)


def _not_equivalent(
    student: sp.Expr, derived: sp.Expr, miss: tuple[str, str, str], size: float, expected: str
) -> StepCheck:
    """The answer for a difference the probe found: named by the verdict's diagnosis where
    it has one (a wrong power, a constant factor …), always with the point and values."""
    where, mine, theirs = miss
    point = {"point": where, "printed": mine, "derived": theirs}
    how = "differs from the derived step"
    if size <= _MAX_EXPANSION:
        try:
            out = within(_DIAGNOSIS_SECONDS, compare, student, derived)
        except OutOfTimeError:
            out = None
        if out is not None and out.verdict is Verdict.DISCREPANCY and out.diagnosis:
            how = "; ".join(out.diagnosis).replace("printed", "yours")
            if out.example:  # the diagnosis's own point, where the values differ visibly
                ex = out.example
                point = {"point": ex["point"], "printed": ex["printed"], "derived": ex["derived"]}
    detail = (
        f"{how}. At {point['point']}: yours = {point['printed']}, "
        f"the derivation's = {point['derived']}."
    )
    return StepCheck(NOT_EQUIVALENT, detail, point, expected)


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


_POINTS = 24  # points of the wide probe
_DIGITS = 60  # its working precision; a relative difference above 1e-55 is a candidate
_CONFIRM = 140  # a candidate is recomputed at this precision: rounding shrinks, a mistake stays


def _wide_probe(student: sp.Expr, derived: sp.Expr) -> tuple[str, str, str] | None:
    """A point where the two differ, over a wide range of every symbol; None if none.

    Positive symbols are drawn log-uniformly in [1e-3, 1e3], others uniformly in [−30, 30]
    (a fixed seed: the same points every run; exact rationals, so every digit counts).
    Points where the derivation itself is not a finite real number are skipped; where it
    is and the student's expression is not, that point is returned. A relative difference
    above 10^−(_DIGITS − 5) is recomputed at _CONFIRM digits and returned only if it stays:
    cancellation at working precision never reads as a mistake, and no perturbation the
    working precision resolves is taken for equality.
    """
    symbols = sorted((student.free_symbols | derived.free_symbols), key=str)
    f_mine = sp.lambdify(symbols, student, "mpmath")
    f_theirs = sp.lambdify(symbols, derived, "mpmath")
    rng = random.Random("qcrystal step check")
    for _ in range(_POINTS):
        point = []
        for sym in symbols:
            if sym.is_positive:
                point.append(sp.Rational(round(10 ** rng.uniform(-3, 3) * 10**9), 10**9))
            else:
                point.append(sp.Rational(round(rng.uniform(-30, 30) * 10**9), 10**9))
        found = _differ(f_mine, f_theirs, point, _DIGITS, 5)
        if found is None or found is _SKIP:
            continue
        confirmed = _differ(f_mine, f_theirs, point, _CONFIRM, _CONFIRM - _DIGITS + 5)
        if confirmed is None or confirmed is _SKIP:
            continue  # rounding at working precision, not a difference
        mine, theirs = confirmed
        where = ", ".join(f"{s}={mpmath.nstr(mpmath.mpf(v.p) / v.q, 6)}"
                          for s, v in zip(symbols, point, strict=True))  # fmt: skip
        return where, *_shown(mine, theirs)
    return None


_SKIP = object()  # the derivation is not a finite real number at this point


def _differ(f_mine, f_theirs, point, digits: int, guard: int):
    """(mine, theirs) at ``digits`` if they differ beyond 10^−(digits − guard) relative;
    _SKIP where the derivation is undefined; None where they agree."""
    with mpmath.workdps(digits):
        values = [mpmath.mpf(v.p) / v.q for v in point]
        try:
            theirs = f_theirs(*values)
        except (ZeroDivisionError, ValueError, OverflowError):
            return _SKIP
        if not _finite_real(theirs):
            return _SKIP
        try:
            mine = f_mine(*values)
        except (ZeroDivisionError, ValueError, OverflowError):
            mine = mpmath.nan
        if not _finite_real(mine):
            return mine, theirs
        scale = max(abs(theirs), mpmath.mpf(10) ** -30)
        if abs(mine - theirs) > mpmath.mpf(10) ** (guard - digits) * scale:
            return mine, theirs
    return None


def _shown(mine, theirs) -> tuple[str, str]:
    """The two values with enough digits that they visibly differ (12 at least); past 12,
    the relative difference is said too."""
    with mpmath.workdps(_CONFIRM):
        for n in (12, 20, 30, 45, 60, 100, 130):
            a, b = mpmath.nstr(mine, n), mpmath.nstr(theirs, n)
            if a != b:
                break
        if n > 12 and _finite_real(mine):
            rel = abs(mine - theirs) / abs(theirs)
            b += f" (a relative difference of {mpmath.nstr(rel, 2)})"
    return a, b


def _finite_real(value) -> bool:
    try:
        return math.isfinite(float(value)) and mpmath.im(value) == 0
    except (TypeError, ValueError, OverflowError):
        return False
