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

import ast
import math
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp

from qcrystal.models import parser as safe_expr
from qcrystal.symbolic import Derivation, OutOfTimeError, Paper, Verdict, compare, tidy, within

from ._numbers import OutOfRangeError, UnsupportedError, enclosure, value

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


_DERIVED: dict[tuple[int, str], tuple[Paper, Derivation]] = {}


def _derived(eq_id: str, paper: Paper | None) -> Derivation:
    """:func:`derivation`, once per paper and equation (a derivation is immutable, and
    re-deriving (38) for every check took most of its time)."""
    key = (id(_paper(paper)), eq_id)
    hit = _DERIVED.get(key)
    if hit is None or hit[0] is not _paper(paper):
        if len(_DERIVED) > 256:
            _DERIVED.clear()
        hit = _DERIVED[key] = (_paper(paper), derivation(eq_id, paper))
    return hit[1]


def _step(eq_id: str, step: int | str, paper: Paper | None) -> tuple[sp.Basic, int]:
    """The expression of a step (by name, or by its number from 1) and its number."""
    dv = _derived(eq_id, paper)
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
    # a digit subscript as derive prints it (k₀), written k0, k_0 or k₀ (the parser reads
    # k₀ as k0): one symbol
    for name, symbol in list(names.items()):
        for spelled in _subscript_spellings(name):
            names.setdefault(spelled, symbol)
    return names


def _subscript_spellings(name: str) -> set[str]:
    """k_0 → {k0}; k0 → {k_0}; k0_1 → {k_0_1}: the spellings of a digit subscript on
    the first part of a name (the rest of it kept; k₀ reaches here as k0)."""
    head, sep, rest = name.partition("_")
    tail = sep + rest
    out = set()
    m = re.fullmatch(r"([A-Za-zΑ-ω]+)(\d+)", head)
    if m:  # k0…
        out.add(f"{m[1]}_{m[2]}{tail}")
    m = re.fullmatch(r"([A-Za-zΑ-ω]+)_(\d+)", name)
    if m:  # k_0 (the subscript is the whole rest)
        out.add(f"{m[1]}{m[2]}")
    out.discard(name)
    return out


# Functions a step may call besides the model files' (the Debye integrals of (48)–(49)
# bring Γ and ζ), each under the names a student types.
STEP_FUNCTIONS = {"gamma": sp.gamma, "Gamma": sp.gamma, "Γ": sp.gamma, "zeta": sp.zeta,
                  "ζ": sp.zeta}  # fmt: skip

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
    if isinstance(text, str):
        text = safe_expr.plain_digits(text)  # k₀ is k0 (the parser's reading, kept in step)
    if isinstance(target, sp.core.relational.Relational) and not isinstance(target, sp.Equality):
        return _check_inequality(target, text, allowed_names(target))
    sides = target.args if isinstance(target, sp.Equality) else (target,)
    if isinstance(target, sp.MatrixBase) or not all(side.is_commutative for side in sides):
        return StepCheck(UNDECIDED, "this step is a matrix or an operator identity")
    names = allowed_names(target)
    lhs_text, sep, rhs_text = text.partition("=")
    if sep and isinstance(target, sp.Equality):
        right = len(lhs_text) + 2  # the column where the right side starts
        pairs = [
            (_parse(lhs_text, names, target.lhs), target.lhs),
            (_parse(rhs_text, names, target.rhs, column=right), target.rhs),
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
        derived = target.rhs if isinstance(target, sp.Equality) else target
        pairs = [(_parse(text, names, derived), derived)]
    expected = sp.sstr(target)
    result = _compare_sides(pairs, expected)
    if result.answer != EQUIVALENT and sep:
        # Not side by side; maybe the same equation rearranged, rescaled or squared.
        reason = _same_equation(pairs[0][0] - pairs[1][0], target)
        if reason:
            return StepCheck(EQUIVALENT, reason, {}, expected)
    return result


# The comparison operators a student may type, longest first (so ">=" is not read as ">").
_RELATIONS = ((">=", ">", False), ("<=", "<", False), ("≥", ">", False), ("≤", "<", False),
              (">", ">", True), ("<", "<", True))  # fmt: skip


def _check_inequality(target: sp.core.relational.Relational, text: str,
                      names: Mapping[str, sp.Symbol]) -> StepCheck:  # fmt: skip
    """An inequality step against the student's: the same solution set on the domain.

    Each is written f > 0 (or f ≥ 0), f = left − right for > and right − left for <, so a
    rearranged, flipped, rescaled or squared form is the same set. If SymPy proves the
    ratio of the two f positive, that is a proof; else the truth of both is compared at
    every probe point where both are defined (60 digits, points within 1e-40 of the
    boundary skipped): the first point where one holds and the other does not is the
    counterexample. A > against a ≥ differs on the boundary f = 0 only, and is said so."""
    expected = sp.sstr(target)
    found = [(text.index(op), op, rel, strict) for op, rel, strict in _RELATIONS if op in text]
    if not found:
        raise safe_expr.ExpressionError(
            f"this step is the inequality {expected}: write yours with <, >, <= or >=",
            "step", 1, 1, text[:20],
        )  # fmt: skip
    at, op, rel, strict = min(found, key=lambda f: (f[0], -len(f[1])))
    left_text, right_text = text[:at], text[at + len(op) :]
    if any(o in right_text for o, _, _ in _RELATIONS):
        raise safe_expr.ExpressionError(
            "one comparison only: a chain such as a < b < c is two steps", "step", 1,
            at + 1 + len(op) + len(right_text.split("<")[0].split(">")[0]), op,
        )  # fmt: skip
    # either side may be where the derivation has its singularities (a flipped form)
    whole = target.lhs - target.rhs
    left = _parse(left_text, names, whole)
    right = _parse(right_text, names, whole, column=at + len(op) + 1)
    mine = left - right if rel == ">" else right - left
    op_d = target.rel_op
    theirs = target.lhs - target.rhs if op_d in (">", ">=") else target.rhs - target.lhs
    strict_d = op_d in (">", "<")
    boundary = "" if strict == strict_d else (
        f" except on the boundary: yours is {'strict' if strict else 'not strict'}, the "
        f"derivation's {'strict' if strict_d else 'not strict'}, so the sets differ where "
        "both sides are equal"
    )  # fmt: skip
    try:
        ratio = within(_SECONDS, tidy, mine / theirs, _SECONDS)
    except OutOfTimeError:
        ratio = None
    if ratio is not None and ratio.is_positive:
        how = f"the same inequality: yours is {sp.sstr(ratio)} (> 0) times the derivation's"
        return StepCheck(NOT_EQUIVALENT if boundary else EQUIVALENT, how + boundary, {},
                         expected)  # fmt: skip
    symbols = tuple(sorted(mine.free_symbols | theirs.free_symbols, key=str))
    compared = 0
    for point in _points(symbols):
        try:
            t = value(theirs, point.values, _DIGITS, allow_lambdify=False)
            m = value(mine, point.values, _DIGITS, allow_lambdify=False)
        except _UNDEFINED + _UNCOMPUTABLE:
            continue
        if not (_finite_real(t) and _finite_real(m)):
            continue
        with mpmath.workdps(_DIGITS):
            tiny = mpmath.mpf(10) ** -40
            if abs(t) < tiny * (1 + abs(m)) or abs(m) < tiny * (1 + abs(t)):
                continue  # on the boundary to the probe's precision: says nothing
            holds_d, holds_m = t > 0, m > 0
        compared += 1
        if holds_d != holds_m:
            word = {True: "holds", False: "does not hold"}
            where = point.where()
            return StepCheck(
                NOT_EQUIVALENT,
                f"not the same inequality: at {where} yours {word[bool(holds_m)]} and the "
                f"derivation's {word[bool(holds_d)]}",
                {"point": where, "yours": bool(holds_m), "derived": bool(holds_d)},
                expected,
            )
    if compared < 4:
        return StepCheck(UNDECIDED, "the inequalities could be compared at too few probe "
                         f"points ({compared})", {}, expected)  # fmt: skip
    how = (f"the same solution set at all {compared} probe points where both are defined "
           "(SymPy could not prove the two proportional)")  # fmt: skip
    return StepCheck(NOT_EQUIVALENT if boundary else EQUIVALENT, how + boundary, {}, expected)


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
    if not (definite and factor.is_finite) or _wide_probe(residual, factor * derived)[0]:
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
    every difference is proved by interval arithmetic (or, where there is none, confirmed
    at more than twice the digits), so rounding never passes for a mistake. Where the
    numbers agree, SymPy may still prove the difference nonzero (a perturbation below what
    the probe resolves), or leave a difference that interval arithmetic proves nonzero at
    a probe point: that is not equivalent either. Only a difference that SymPy cannot
    reduce and no point tells from zero passes as equal, and the answer says so.
    """
    for student, derived in pairs:
        miss, compared = _wide_probe(student, derived)
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
            found = _nonzero_somewhere(student, derived, difference)
            if found is not None:
                detail, point = found
                return StepCheck(NOT_EQUIVALENT, detail, point, expected)
            if compared == 0:
                return StepCheck(UNDECIDED, "SymPy could not close the difference, and the "
                                 "derived step cannot be evaluated at any probe point",
                                 {}, expected)  # fmt: skip
            note = "SymPy could not close the difference" if difference is not None else (
                f"SymPy ran past {_SECONDS} s")  # fmt: skip
            how = f"equal at {compared} points to {_DIGITS - 5} digits ({note})"
            return StepCheck(EQUIVALENT, how, {}, expected)
    return StepCheck(EQUIVALENT, "equal to the derived step", {}, expected)


def _not_equivalent(
    student: sp.Expr, derived: sp.Expr, miss: tuple[str, str, str], size: float, expected: str
) -> StepCheck:
    """The answer for a difference the probe found: named by the verdict's diagnosis where
    it has one (a wrong power, a constant factor …), always with the point and values.

    The values are the probe's own, shown with as many digits as it takes to see them
    differ, unless the diagnosis found a point where they differ in the first 12 digits."""
    where, mine, theirs = miss
    point = {"point": where, "printed": mine, "derived": theirs}
    how = "differs from the derived step"
    if size <= _MAX_EXPANSION:
        try:
            out = within(_DIAGNOSIS_SECONDS, compare, student, derived)
        except Exception:  # out of time, or a point it cannot print: the probe's answer stands
            out = None
        if out is not None and out.verdict is Verdict.DISCREPANCY and out.diagnosis:
            how = "; ".join(out.diagnosis).replace("printed", "yours")
            ex = out.example
            if ex and ex["printed"] != ex["derived"]:  # a point where they differ visibly
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


# --------------------------------------------------------------------------- the probe

_POINTS = 24  # points of the probe with every symbol in [1e-3, 1e3] (or [−30, 30])
_WIDE_POINTS = 24  # and points with every symbol through every decade of [1e-8, 1e8]
_DECADES = 8
_DIGITS = 60  # its working precision; a relative difference above 1e-55 is a candidate
_CONFIRM = 140  # a candidate is proved at this precision (and twice it): a mistake stays


@dataclass(frozen=True)
class _Point:
    values: dict[sp.Symbol, sp.Rational]
    wide: bool  # one of the points over 16 decades (lambdify is not trusted that far)

    def where(self) -> str:
        return ", ".join(f"{s}={mpmath.nstr(mpmath.mpf(v.p) / v.q, 6)}"
                         for s, v in self.values.items())  # fmt: skip


@lru_cache(maxsize=64)
def _points(symbols: tuple[sp.Symbol, ...]) -> tuple[_Point, ...]:
    """The probe's points, the same every run (fixed seeds; exact rationals).

    First _POINTS with positive symbols log-uniform in [1e-3, 1e3] and others uniform in
    [−30, 30]; then _WIDE_POINTS over 16 decades, 1e-8 to 1e8 (others with either sign),
    a Latin hypercube: each symbol visits every 2/3 of a decade once, so that a term such
    as erfc(10⁴ω), invisible at ω ≥ 10⁻³, shows where ω is small, and exp(ω − 10⁴) where
    it is large.
    """
    rng = random.Random("qcrystal step check")
    out = []
    for _ in range(_POINTS):
        values = {}
        for sym in symbols:
            if sym.is_positive:
                values[sym] = sp.Rational(round(10 ** rng.uniform(-3, 3) * 10**9), 10**9)
            else:
                values[sym] = sp.Rational(round(rng.uniform(-30, 30) * 10**9), 10**9)
        out.append(_Point(values, wide=False))
    rng = random.Random("qcrystal step check: decades")
    strata = {}
    for sym in symbols:
        strata[sym] = list(range(_WIDE_POINTS))
        rng.shuffle(strata[sym])
    for j in range(_WIDE_POINTS):
        values = {}
        for sym in symbols:
            u = -_DECADES + 2 * _DECADES * (strata[sym][j] + rng.random()) / _WIDE_POINTS
            sign = 1 if sym.is_positive or rng.random() < 0.5 else -1
            values[sym] = sp.Rational(f"{sign * 10**u:.9e}")
        out.append(_Point(values, wide=True))
    return tuple(out)


def _wide_probe(student: sp.Expr, derived: sp.Expr) -> tuple[tuple[str, str, str] | None, int]:
    """A point where the two differ, over a wide range of every symbol (or None), and the
    number of points where both could be compared.

    Points where the derivation itself is not a finite real number are skipped; where it
    is and the student's expression is not, that point is returned. A relative difference
    above 10^−(_DIGITS − 5) is a candidate, returned only if interval arithmetic proves the
    two apart there (or, for a part with no interval version, if it stays at _CONFIRM
    digits): cancellation at working precision never reads as a mistake, and no
    perturbation the working precision resolves is taken for equality.
    """
    symbols = tuple(sorted(student.free_symbols | derived.free_symbols, key=str))
    compared = 0
    for point in _points(symbols):
        found = _differ(student, derived, point, _DIGITS, 5)
        if found is _SKIP:
            continue
        compared += 1
        if found is None:
            continue
        if _finite_real(found[0]):
            proof = _proven_apart(student, derived, point)
            if proof is False:
                continue  # rounding at working precision, not a difference
            if proof is None:
                confirmed = _differ(student, derived, point, _CONFIRM, _CONFIRM - _DIGITS + 5)
                if confirmed is None or confirmed is _SKIP:
                    continue
        shown = _differ(student, derived, point, _CONFIRM, -(10**6))  # the values, always
        if shown is None or shown is _SKIP:
            continue
        return (point.where(), *_shown(*shown)), compared
    return None, compared


_SKIP = object()  # the derivation is not a finite real number at this point
_UNDEFINED = (ZeroDivisionError, ValueError, OverflowError)
_UNCOMPUTABLE = (UnsupportedError, OutOfRangeError)


def _differ(student: sp.Expr, derived: sp.Expr, point: _Point, digits: int, guard: int) -> Any:
    """(mine, theirs) at ``digits`` if they differ beyond 10^−(digits − guard) relative;
    _SKIP where the derivation is undefined (or cannot be computed); None where they agree."""
    lam = not point.wide
    try:
        theirs = value(derived, point.values, digits, allow_lambdify=lam)
    except _UNDEFINED + _UNCOMPUTABLE:
        return _SKIP
    if not _finite_real(theirs):
        return _SKIP
    try:
        mine = value(student, point.values, digits, allow_lambdify=lam)
    except _UNDEFINED:
        mine = mpmath.nan
    except _UNCOMPUTABLE:
        return _SKIP
    if not _finite_real(mine):
        return mine, theirs
    with mpmath.workdps(digits):
        scale = max(abs(theirs), mpmath.mpf(10) ** -30)
        if abs(mine - theirs) > mpmath.mpf(10) ** (guard - digits) * scale:
            return mine, theirs
    return None


def _proven_apart(student: sp.Expr, derived: sp.Expr, point: _Point) -> bool | None:
    """True if interval arithmetic proves the two different at ``point`` (at _CONFIRM
    digits, or twice that), False if their enclosures still overlap, None if either has
    no enclosure there."""
    for digits in (_CONFIRM, 2 * _CONFIRM):
        try:
            gap = enclosure(student, point.values, digits) - enclosure(
                derived, point.values, digits
            )
        except _UNCOMPUTABLE:
            return None
        if 0 not in gap:
            return True
    return False


def _nonzero_somewhere(
    student: sp.Expr, derived: sp.Expr, difference: sp.Expr | None
) -> tuple[str, dict] | None:
    """A point where the difference SymPy left (or yours − derived, where SymPy gave up)
    is proved nonzero by interval arithmetic, as the answer's detail and point; or None.

    The probe compares values to 55 digits relative; a difference such as
    exp(−10²⁰ω) or erfc(10⁴ω) at ω = 10⁻³ is far below that, yet its own enclosure is
    a narrow interval nowhere near 0."""
    symbols = tuple(sorted(student.free_symbols | derived.free_symbols, key=str))
    for point in _points(symbols):
        if not _defined(derived, point):
            continue
        if difference is not None:
            try:
                box = enclosure(difference, point.values, _CONFIRM)
            except _UNCOMPUTABLE:
                box = None
            if box is not None and 0 not in box:
                amount = _mid(box)
                return (
                    f"differs from the derived step by {sp.sstr(difference)}, which SymPy "
                    f"cannot reduce to 0 and which is {amount} at {point.where()} (proved "
                    f"nonzero there by interval arithmetic; too small for the {_DIGITS}-digit "
                    "comparison of the values)",
                    {"point": point.where(), "difference": amount},
                )
        if _proven_apart(student, derived, point):
            with mpmath.workdps(2 * _CONFIRM):
                mine = value(student, point.values, 2 * _CONFIRM, allow_lambdify=False)
                theirs = value(derived, point.values, 2 * _CONFIRM, allow_lambdify=False)
                amount = mpmath.nstr(mine - theirs, 3)
            return (
                f"differs from the derived step: yours − the derivation's = {amount} at "
                f"{point.where()} (proved nonzero there by interval arithmetic)",
                {"point": point.where(), "difference": amount},
            )
    return None


def _defined(expr: sp.Expr, point: _Point) -> bool:
    """Whether ``expr`` is a finite real number at ``point`` (False where it cannot be
    computed)."""
    try:
        v = value(expr, point.values, _DIGITS, allow_lambdify=not point.wide)
    except _UNDEFINED + _UNCOMPUTABLE:
        return False
    return _finite_real(v)


def _mid(box: Any) -> str:
    with mpmath.workdps(_CONFIRM):
        lo, hi = mpmath.mpf(box.a), mpmath.mpf(box.b)
        return mpmath.nstr((lo + hi) / 2, 3)


def _shown(mine: Any, theirs: Any) -> tuple[str, str]:
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


def _finite_real(v: Any) -> bool:
    """A finite real number (however large: mpmath's exponents have no limit)."""
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return False
        v = v.real
    return isinstance(v, mpmath.mpf) and bool(mpmath.isfinite(v))


# --------------------------------------------------------------------------- the domain


def _parse(text: str, names: Mapping[str, sp.Symbol], derived: sp.Expr, column: int = 1) -> sp.Expr:
    """The student's text as SymPy (the safe parser), refused where it is undefined."""
    expr = safe_expr.parse(
        text, names, source="step", exact=True, column=column, functions=STEP_FUNCTIONS
    )
    _refuse_undefined(text, names, derived, column)
    return expr


@dataclass(frozen=True)
class _Condition:
    """What a part of the student's text needs to be defined: ``expr`` (the part's argument
    or denominator, as SymPy) positive, nonnegative or nonzero on the symbols' domain."""

    need: str  # "positive" | "nonnegative" | "nonzero"
    kind: str  # a key of _WHAT: log, sqrt, fractional, variable, division, tan, coth
    expr: sp.Expr
    part: str  # the text named in the message: the call or power, or the denominator
    of: str  # the text of what must be positive …, as the student wrote it
    column: int  # where ``part`` starts in the whole input


_WHAT = {
    "log": "the logarithm of",
    "sqrt": "the square root of",
    "fractional": "a fractional power of",
    "variable": "a power with a variable exponent of",
}


def _refuse_undefined(
    text: str, names: Mapping[str, sp.Symbol], derived: sp.Expr, column: int = 1
) -> None:
    """An ExpressionError if a part of ``text`` is not real or undefined on the domain.

    SymPy's automatic simplification hides such parts (0*log(−ω) is 0, x/x is 1), so the
    parts are read from the text's syntax tree, each parsed on its own: every logarithm,
    square root, fractional power, division, negative power, tan and coth. At the probe
    points where the derived step is a finite real number, interval arithmetic decides:
    an argument certainly negative, a denominator certainly 0, one that is 0 (to 140
    digits) at every point (sin²+cos²−1), or one that is certainly positive at one point
    and negative at another (ω − Ω: continuous where defined, so it vanishes in between)
    is refused, innermost part first. The last is left alone where the derived step
    itself divides by something that changes sign (1/(d − 1)): its own singularities may
    be written in any form.
    """
    stripped = text.strip()
    base = column - 1 + len(text) - len(text.lstrip())
    conditions = sorted(_conditions(stripped, names, base), key=lambda c: (len(c.part), c.column))
    if not conditions:
        return
    symbols = set(derived.free_symbols)
    for c in conditions:
        symbols |= c.expr.free_symbols
    points = [p for p in _points(tuple(sorted(symbols, key=str))) if _defined(derived, p)]
    memos: dict[tuple[int, int], dict] = {}
    singular: bool | None = None
    for c in conditions:
        signs = [_sign(c.expr, p, _DIGITS, memos.setdefault((i, _DIGITS), {}))
                 for i, p in enumerate(points)]  # fmt: skip
        complaint = None
        if c.need != "nonzero" and "-" in signs:
            at = points[signs.index("-")]
            complaint = (f"'{c.part}' is not real: {_WHAT[c.kind]} a negative number ({c.of} = "
                         f"{_value_text(c.expr, at)} at {at.where()})")  # fmt: skip
        elif c.need != "nonnegative" and "0" in signs:
            complaint = _zero_complaint(c, f"0 at {points[signs.index('0')].where()}")
        elif c.need != "nonnegative" and _zero_everywhere(c.expr, points, signs, memos):
            complaint = _zero_complaint(c, f"identically 0 (0 to {_CONFIRM} digits at all "
                                        f"{len(points)} points tried)")  # fmt: skip
        elif c.need == "nonzero" and "+" in signs and "-" in signs:
            if singular is None:
                singular = _derived_singular(derived, points)
            if not singular:
                zero = _zero_of(c.expr)
                where = f"where {zero}" if zero else (
                    f"somewhere between {points[signs.index('+')].where()} and "
                    f"{points[signs.index('-')].where()}")  # fmt: skip
                complaint = _zero_complaint(c, f"0 {where}, as it changes sign on the domain")
        if complaint:
            raise safe_expr.ExpressionError(complaint, "step", 1, c.column, c.part)


def _zero_complaint(c: _Condition, is_: str) -> str:
    """The message for a part whose argument or denominator is 0 somewhere: ``is_`` says
    where ("0 at omega=…", "identically 0 …")."""
    if c.kind == "division":
        return f"division by '{c.of}', which is {is_}: the expression is undefined there"
    if c.kind in ("tan", "coth"):
        return f"'{c.part}' is undefined where {c.of} = 0, and {c.of} is {is_}"
    return f"'{c.part}' is undefined: {_WHAT[c.kind]} 0 ({c.of} is {is_})"


def _conditions(text: str, names: Mapping[str, sp.Symbol], base: int) -> Iterator[_Condition]:
    """The conditions of every part of ``text`` (already accepted by the safe parser)."""
    tree = ast.parse(text, mode="eval")
    raw = text.encode()

    def segment(node: ast.AST) -> str:
        return ast.get_source_segment(text, node) or ""

    def col(node: ast.AST) -> int:
        return base + len(raw[: getattr(node, "col_offset", 0)].decode(errors="replace")) + 1

    def parsed(node: ast.AST) -> sp.Expr:
        return safe_expr.parse(
            segment(node), names, source="step", exact=True, functions=STEP_FUNCTIONS
        )

    def condition(need: str, kind: str, node: ast.AST, of: ast.AST) -> _Condition:
        expr, shown = parsed(of), segment(of)
        if kind == "tan":
            expr, shown = sp.cos(expr), f"cos({shown})"
        if kind == "division":  # the denominator is the part named
            return _Condition(need, kind, expr, shown, shown, col(of))
        return _Condition(need, kind, expr, segment(node), shown, col(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
            arg, name = node.args[0], node.func.id
            if name == "log":
                yield condition("positive", "log", node, arg)
            elif name == "sqrt":
                yield condition("nonnegative", "sqrt", node, arg)
            elif name in ("tan", "coth"):  # sin/cos, cosh/sinh: sinh(x) = 0 only at x = 0
                yield condition("nonzero", name, node, arg)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            yield condition("nonzero", "division", node, node.right)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = parsed(node.right)
            if exponent.is_number and exponent.is_integer:
                if exponent.is_negative:
                    yield condition("nonzero", "division", node, node.left)
            elif exponent.is_number:
                need = "positive" if exponent.is_negative else "nonnegative"
                yield condition(need, "fractional", node, node.left)
            else:
                yield condition("nonnegative", "variable", node, node.left)


def _sign(expr: sp.Expr, point: _Point, digits: int, memo: dict) -> str:
    """'+' or '-' (certainly), '0' (exactly), '~' (an enclosure around 0), '?' (none)."""
    try:
        box = enclosure(expr, point.values, digits, memo)
    except _UNCOMPUTABLE:
        return "?"
    lo, hi = mpmath.mpf(box.a), mpmath.mpf(box.b)
    if lo > 0:
        return "+"
    if hi < 0:
        return "-"
    return "0" if lo == hi == 0 else "~"


def _zero_everywhere(expr: sp.Expr, points: list[_Point], signs: list[str], memos: dict) -> bool:
    """0 within the enclosures at every point, at _DIGITS and again at _CONFIRM digits."""
    if "+" in signs or "-" in signs or not any(s in "0~" for s in signs):
        return False
    again = [_sign(expr, p, _CONFIRM, memos.setdefault((i, _CONFIRM), {}))
             for i, p in enumerate(points) if signs[i] == "~"]  # fmt: skip
    return "+" not in again and "-" not in again


def _derived_singular(derived: sp.Expr, points: list[_Point]) -> bool:
    """Whether the derived step divides by something that changes sign at the points."""
    for node in sp.preorder_traversal(derived):
        if node.is_Pow and node.exp.is_number and node.exp.is_negative:
            den = node.base
        elif isinstance(node, sp.coth | sp.cot | sp.csc):
            den = node.args[0]
        elif isinstance(node, sp.tan | sp.sec):
            den = sp.cos(node.args[0])
        else:
            continue
        if den.is_number:
            continue
        signs = {_sign(den, p, _DIGITS, {}) for p in points}
        if {"+", "-"} <= signs or "0" in signs:
            return True
    return False


def _zero_of(expr: sp.Expr) -> str | None:
    """Where ``expr`` is 0 ("omega = Omega"), if SymPy solves it quickly; else None."""
    for sym in sorted(expr.free_symbols, key=str):
        try:
            roots = within(2, sp.solve, expr, sym)
        except Exception:  # no time, or an equation solve cannot do
            continue
        for root in roots:
            if root.is_real is not False and not (sym.is_positive and root.is_positive is False):
                return f"{sym} = {sp.sstr(root)}"
    return None


def _value_text(expr: sp.Expr, point: _Point) -> str:
    try:
        return mpmath.nstr(value(expr, point.values, 15, allow_lambdify=False), 6)
    except _UNDEFINED + _UNCOMPUTABLE:
        return "?"
