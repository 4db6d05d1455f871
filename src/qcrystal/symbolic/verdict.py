"""Computed verdicts: compare a printed formula with its derivation, and diagnose the gap.

The comparison never trusts one method alone:

1. **Symbolic**: the difference (and the ratio) of printed and derived forms is simplified
   under the symbols' SymPy assumptions.
2. **Numeric probe**: both forms are evaluated with mpmath at the probe's working
   precision at reproducible random points of the stated domain (the digits and the
   agreement needed are settings of the :class:`Probe`). A simplification that fails to
   close does not decide the verdict; agreement at every point does. The points are first
   evaluated directly in mpmath (:mod:`.mpeval`), which can only vouch for agreement;
   a disagreement, and its counterexample, come from exact substitution.

``confirmed`` needs the probe (or, for operator identities that cannot be probed, an exact
canonical expansion) to agree; ``discrepancy`` needs a numeric counterexample or an exact
non-zero canonical difference; anything else is ``undecided``.

A discrepancy is diagnosed: constant factor, sign, wrong power (a missing square root),
missing or extra term, or equality only on a special set (solved for) or in a limit (the
record's candidate conditions, each checked by the same machinery).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

import mpmath
import sympy as sp

from . import mpeval
from .budget import OutOfTimeError, within

__all__ = [
    "Condition",
    "Outcome",
    "Probe",
    "Verdict",
    "compare",
    "compare_relations",
    "tidy",
]


DEFAULT_POINTS = 6  # probe points where neither the record nor its paper says


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    DISCREPANCY = "discrepancy"
    DEFINITION = "definition"
    CITED = "cited"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class Probe:
    """Where and how the numeric probe samples.

    ``ranges`` maps a symbol to ``(low, high)``; positive symbols are drawn log-uniformly,
    integer symbols uniformly among the integers, other reals uniformly. Symbols not named
    get a range from their SymPy assumptions. ``functions`` replaces undefined functions
    (``Phi``) by concrete test functions (a ``sympy.Lambda``) before evaluation.

    ``points`` is how many points it evaluates (None: the paper's number, or
    ``DEFAULT_POINTS``); ``digits`` the working precision, ``agree`` the number of digits
    two values must share to count as equal, ``simplify_seconds`` how long SymPy may try to
    close a difference before the probe alone decides.
    """

    ranges: Mapping[sp.Symbol, tuple[float, float]] = field(default_factory=dict)
    functions: Mapping[sp.FunctionClass, sp.Lambda] = field(default_factory=dict)
    points: int | None = None
    seed: str = ""
    digits: int = 40
    agree: int = 30
    simplify_seconds: float = 5.0

    def __post_init__(self) -> None:  # frozen all the way down: no shared dict to mutate
        object.__setattr__(self, "ranges", MappingProxyType(dict(self.ranges)))
        object.__setattr__(self, "functions", MappingProxyType(dict(self.functions)))

    @property
    def count(self) -> int:
        """The number of points evaluated."""
        return DEFAULT_POINTS if self.points is None else self.points

    def settled(self, defaults: Probe, seed: str) -> Probe:
        """This probe's ranges and functions (and points, if it sets them) with the
        settings of ``defaults``, seeded by ``seed`` when it has no seed of its own."""
        return replace(
            self,
            points=self.points if self.points is not None else defaults.points,
            seed=self.seed or seed,
            digits=defaults.digits,
            agree=defaults.agree,
            simplify_seconds=defaults.simplify_seconds,
        )


@dataclass(frozen=True)
class Condition:
    """A special case or limit under which a discrepancy might disappear.

    ``residual`` maps ``(printed, derived)`` to an expression that vanishes exactly when the
    two agree under the condition (for example the relative difference after substituting
    an odd integer, followed by a limit).
    """

    label: str
    residual: Callable[[sp.Expr, sp.Expr], sp.Expr]


@dataclass
class Outcome:
    """The result of one comparison."""

    verdict: Verdict
    finding: str
    method: str = ""
    difference: sp.Expr | None = None
    ratio: sp.Expr | None = None
    example: dict[str, str] | None = None
    diagnosis: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- comparison


def compare(
    printed: sp.Expr,
    derived: sp.Expr,
    probe: Probe | None = None,
    conditions: Sequence[Condition] = (),
) -> Outcome:
    """Compare two expressions and return a computed verdict with its evidence."""
    probe = probe or Probe()
    printed, derived = sp.sympify(printed), sp.sympify(derived)
    operator_like = not (printed.is_commutative and derived.is_commutative)
    if operator_like:
        # Non-commuting operators cannot be probed numerically; an expanded polynomial in
        # them is canonical, so a non-zero expansion is itself a decisive counterexample.
        expanded = sp.expand(printed - derived)
        if expanded == 0:
            return Outcome(Verdict.CONFIRMED, "equal (canonical operator expansion)", "symbolic")
        out = Outcome(
            Verdict.DISCREPANCY,
            f"printed − derived = {sp.sstr(expanded)} (canonical operator expansion)",
            "symbolic",
            difference=expanded,
        )
        out.diagnosis = _diagnose_operator(printed, derived)
        if out.diagnosis:
            out.finding = out.diagnosis[0]
        return out

    # The probe goes first: once it has a counterexample the difference is not zero, and
    # the full simplify of it (which only makes it easier to read) is spared.
    agree, example = _probe(printed, derived, probe)
    seconds = probe.simplify_seconds
    difference = _simplify(printed - derived, seconds, budget=0 if agree is False else 150)
    symbolic_zero = difference == 0
    ratio = None
    if not symbolic_zero and not _is_zero(derived):
        ratio = _simplify(printed / derived, seconds)
        symbolic_zero = ratio == 1

    if agree is None:
        if symbolic_zero:
            return Outcome(
                Verdict.CONFIRMED,
                "equal (symbolic; probe could not evaluate)",
                "symbolic",
                difference=difference,
            )
        return Outcome(
            Verdict.UNDECIDED,
            f"simplify leaves {sp.sstr(difference)} and the probe could not evaluate",
            "none",
            difference=difference,
        )
    if agree:
        if symbolic_zero:
            return Outcome(
                Verdict.CONFIRMED,
                "equal (symbolic and numeric probe)",
                "symbolic+probe",
                difference=sp.Integer(0),
            )
        return Outcome(
            Verdict.CONFIRMED,
            f"equal to {probe.agree} digits at {probe.count} probe points "
            "(simplify did not close the difference)",
            "probe",
            difference=difference,
        )
    if symbolic_zero:
        return Outcome(
            Verdict.UNDECIDED,
            "simplify says equal but the probe differs (check the assumptions)",
            "conflict",
            example=example,
        )
    out = Outcome(
        Verdict.DISCREPANCY, "", "probe", difference=difference, ratio=ratio, example=example
    )
    out.diagnosis = _diagnose(printed, derived, difference, ratio, probe, conditions)
    out.finding = "; ".join(out.diagnosis[:3]) or f"printed − derived = {sp.sstr(difference)}"
    return out


def compare_relations(
    printed: sp.Basic,
    derived: sp.Basic,
    probe: Probe | None = None,
    conditions: Sequence[Condition] = (),
) -> Outcome:
    """Compare two relations of the same kind (``=``, ``<``, ``>``) side by side.

    When the left sides agree, the right sides are compared, and vice versa; plain
    expressions are compared directly.
    """
    if isinstance(printed, sp.MatrixBase):
        return _compare_matrices(printed, derived, probe or Probe())
    if not isinstance(printed, sp.core.relational.Relational):
        return compare(printed, derived, probe, conditions)
    if type(printed) is not type(derived):
        return Outcome(
            Verdict.DISCREPANCY,
            f"printed relation is {type(printed).__name__}, derived is {type(derived).__name__}",
            "symbolic",
        )
    probe = probe or Probe()
    left = compare(printed.lhs, derived.lhs, probe)
    if left.verdict is Verdict.CONFIRMED:
        return compare(printed.rhs, derived.rhs, probe, conditions)
    right = compare(printed.rhs, derived.rhs, probe)
    if right.verdict is Verdict.CONFIRMED:
        # Without conditions the left sides' comparison is the one just made: reuse it.
        return compare(printed.lhs, derived.lhs, probe, conditions) if conditions else left
    return compare(printed.lhs - printed.rhs, derived.lhs - derived.rhs, probe, conditions)


def _compare_matrices(printed: sp.MatrixBase, derived: sp.MatrixBase, probe: Probe) -> Outcome:
    if printed.shape != derived.shape:
        return Outcome(Verdict.DISCREPANCY, f"shape {printed.shape} vs {derived.shape}", "symbolic")
    methods = set()
    for idx, (p, q) in enumerate(zip(printed, derived, strict=True)):
        out = compare(p, q, probe)
        if out.verdict is not Verdict.CONFIRMED:
            row, col = divmod(idx, printed.cols)
            out.finding = f"entry ({row + 1},{col + 1}): {out.finding}"
            return out
        methods.add(out.method)
    method = "+".join(sorted(methods))
    return Outcome(Verdict.CONFIRMED, f"all {len(printed)} entries equal ({method})", method)


# --------------------------------------------------------------------------- probe


def _probe(
    printed: sp.Expr, derived: sp.Expr, probe: Probe
) -> tuple[bool | None, dict[str, str] | None]:
    """Evaluate both sides at random points; True if they agree at all, else an example."""
    exprs = [_with_functions(e, probe.functions) for e in (printed, derived)]
    free = sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda s: s.name)
    rng = random.Random(zlib.crc32((probe.seed + "|" + sp.srepr(printed)).encode()))
    points = [{s: _draw(s, probe.ranges.get(s), rng) for s in free} for _ in range(probe.count)]
    if _agree_quickly(exprs, points, probe):
        return True, None
    evaluated = 0
    for point in points:
        values = [_evaluate(e, point, probe.digits) for e in exprs]
        if any(v is None for v in values):
            continue
        evaluated += 1
        p, q = values
        if not _agree(p, q, probe):
            return False, {
                "point": ", ".join(f"{s}={_fmt(v)}" for s, v in point.items()),
                "printed": _fmt_value(p),
                "derived": _fmt_value(q),
            }
    if evaluated == 0:
        return None, None
    return True, None


def _agree_quickly(
    exprs: Sequence[sp.Expr], points: Sequence[Mapping[sp.Symbol, sp.Number]], probe: Probe
) -> bool:
    """True if a direct mpmath evaluation of both forms agrees at every point.

    A first pass only: it can vouch for agreement (the forms then agree to the probe's
    digits whatever way they are evaluated), but an inexact value, a failure or a
    disagreement is decided by the exact evaluation, which also gives the counterexample.
    """
    for point in points:
        values = [mpeval.evaluate(e, point, probe.digits + 10) for e in exprs]
        if values[0] is None or values[1] is None or not _agree(values[0], values[1], probe):
            return False
    return bool(points)


def _with_functions(e: sp.Expr, functions: Mapping[sp.FunctionClass, sp.Lambda]) -> sp.Expr:
    for f, lam in functions.items():
        e = e.replace(f, lam)
    return e.doit() if functions else e


def _draw(s: sp.Symbol, rng_spec: tuple[float, float] | None, rng: random.Random) -> sp.Number:
    if s.is_integer:
        lo, hi = rng_spec or ((1, 5) if s.is_positive else (-5, 5))
        return sp.Integer(rng.randint(int(lo), int(hi)))
    if s.is_positive or s.is_nonnegative:
        lo, hi = rng_spec or (0.2, 5.0)
        if lo > 0:
            value = lo * (hi / lo) ** rng.random()
        else:
            value = lo + (hi - lo) * rng.random()
    else:
        lo, hi = rng_spec or (-3.0, 3.0)
        value = lo + (hi - lo) * rng.random()
        if s.is_real is None:  # no assumption: probe as a complex number
            imag = lo + (hi - lo) * rng.random()
            return sp.Rational(round(value * 10**6), 10**6) + sp.I * sp.Rational(
                round(imag * 10**6), 10**6
            )
    # Exact rationals: every digit of the probe is then meaningful.
    return sp.Rational(round(value * 10**6), 10**6)


def _evaluate(e: sp.Expr, point: Mapping[sp.Symbol, sp.Number], digits: int) -> mpmath.mpc | None:
    try:
        if e.has(sp.Integral):
            # evalf of an Integral at 50 digits can take minutes; mpmath.quad takes
            # milliseconds at the same precision.
            args = sorted(point, key=lambda s: s.name)
            fn = sp.lambdify(args, e, "mpmath")
            with mpmath.workdps(digits + 10):
                value = fn(*(mpmath.mpmathify(sp.Float(point[a], digits + 10)) for a in args))
                value = mpmath.mpmathify(value)
            if not mpmath.isfinite(value):
                return None
            return mpmath.mpc(value)
        val = e.xreplace(point)
        if isinstance(val, sp.Expr) and val.has(sp.Sum, sp.Derivative, sp.Subs):
            val = val.doit()
        num = sp.N(val, digits + 10)
        if not num.is_number or num.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return None
        re_part, im_part = num.as_real_imag()
        with mpmath.workdps(digits + 10):
            return mpmath.mpc(
                mpmath.mpmathify(sp.Float(re_part, digits + 10)),
                mpmath.mpmathify(sp.Float(im_part, digits + 10)),
            )
    except (TypeError, ValueError, ZeroDivisionError, NotImplementedError):
        return None


def _agree(p: mpmath.mpc, q: mpmath.mpc, probe: Probe) -> bool:
    with mpmath.workdps(probe.digits + 10):
        scale = max(abs(p), abs(q))
        if scale == 0:
            return True
        return bool(abs(p - q) <= scale * mpmath.mpf(10) ** (-probe.agree))


def _fmt_value(v: mpmath.mpc) -> str:
    return str(mpmath.nstr(v.real if v.imag == 0 else v, 12))


def _fmt(v: sp.Number) -> str:
    return str(v) if v.is_Integer else mpmath.nstr(mpmath.mpf(sp.Float(v, 20)), 6)


# --------------------------------------------------------------------------- simplification


def _simplify(e: sp.Expr, seconds: float, budget: int = 150) -> sp.Expr:
    """Cheap rewrites first; full ``simplify`` only for expressions of moderate size.

    ``simplify`` on a large expression can take minutes; beyond ``budget`` operations the
    numeric probe decides instead, so nothing is lost but time.
    """
    # Unevaluated integrals are opaque to the algebra: hide them behind symbols so that
    # simplify neither tries to evaluate them nor crawls through their integrands.
    hidden = {i: sp.Dummy(f"I{n}") for n, i in enumerate(e.atoms(sp.Integral))}
    if hidden:
        inner = _simplify(e.xreplace(hidden), seconds, budget)
        return inner.xreplace({v: k for k, v in hidden.items()})
    best = e
    for attempt in (sp.expand, sp.cancel, sp.powsimp):
        if attempt is sp.cancel and sp.count_ops(best) > 4 * budget:
            continue  # rational cancellation of a large exp-laden quotient can run for minutes
        try:
            best = attempt(best)
        except (TypeError, NotImplementedError, RecursionError, sp.PolynomialError):
            continue
        if best == 0:
            return best
    if sp.count_ops(best) > budget:
        return best
    # simplify() can run for minutes on an innocent-looking expression (a dilogarithm);
    # the probe decides such cases, so giving up on the algebra loses nothing.
    try:
        return within(seconds, sp.simplify, best)
    except (TypeError, NotImplementedError, RecursionError, OutOfTimeError):
        return best


def tidy(e: sp.Expr, seconds: float = 5.0) -> sp.Expr:
    """Simplify with unevaluated integrals kept opaque (for use inside derivations)."""
    return _simplify(e, seconds)


def _is_zero(e: sp.Expr) -> bool:
    return e.is_zero is True


# --------------------------------------------------------------------------- diagnosis


def _diagnose(
    printed: sp.Expr,
    derived: sp.Expr,
    difference: sp.Expr,
    ratio: sp.Expr | None,
    probe: Probe,
    conditions: Sequence[Condition],
) -> list[str]:
    notes: list[str] = []
    if ratio is not None and sp.count_ops(ratio) > 150:
        ratio = None  # too large to read a factor or a power from; conditions still apply
    if ratio is not None and ratio.is_number:
        if ratio == -1:
            notes.append("sign: printed = −(derived)")
        else:
            notes.append(f"constant factor: printed = {sp.sstr(ratio)} × derived")
    if ratio is not None and not ratio.is_number and ratio.is_algebraic_expr(*ratio.free_symbols):
        power = _wrong_power(printed, derived, ratio, probe)
        if power:
            notes.append(power)
    if ratio is not None and not ratio.is_number:
        notes.append(f"printed/derived = {sp.sstr(ratio)}")
    term = _missing_term(printed, derived, difference)
    if term:
        notes.append(term)
    if not any(n.startswith(("wrong power", "constant factor", "sign")) for n in notes):
        # Once a factor or a power explains the gap, "equal where D = m/ν" only restates it.
        notes.extend(_special_sets(printed, derived, ratio))
    for cond in conditions:
        if _condition_holds(cond, printed, derived, probe):
            notes.append(f"holds only {cond.label}")
    return notes


def _wrong_power(printed: sp.Expr, derived: sp.Expr, ratio: sp.Expr, probe: Probe) -> str | None:
    """Detect printed = derived with some X^(1/2) replaced by X (or the reverse).

    If ratio = X^p for a monomial X and the derived form carries exactly X^(1/2) (so that
    derived / X^(1/2) is free of X's symbols), the printed form has X where the derivation
    has √X: a missing square root. The mirror case is an extra square root.
    """
    for r, sense in ((ratio, "missing"), (1 / ratio, "extra")):
        x = sp.powsimp(sp.expand_power_base(r**2, force=True), force=True)
        if not x.free_symbols or x.is_number:
            continue
        base_syms = x.free_symbols
        carrier = derived if sense == "missing" else printed
        rest = sp.powsimp(sp.cancel(carrier / sp.sqrt(x)))
        if rest.free_symbols & base_syms and not _rational_in(rest, base_syms):
            rest = _simplify(carrier / sp.sqrt(x), probe.simplify_seconds)
        if rest.free_symbols & base_syms:
            continue
        x_text = sp.sstr(sp.factor(x))
        if sense == "missing":
            return (
                f"wrong power: printed has ({x_text})^1 where the derivation gives "
                f"({x_text})^(1/2), a missing square root"
            )
        return (
            f"wrong power: printed has ({x_text})^(1/2) where the derivation gives "
            f"({x_text})^1, an extra square root"
        )
    return None


def _rational_in(e: sp.Expr, syms: set[sp.Basic]) -> bool:
    """Whether ``e`` is rational in ``syms``: no root or function of them. Then ``cancel``
    has already decided whether ``e`` depends on them, and ``simplify`` cannot remove them.
    """
    for p in e.atoms(sp.Pow):
        if p.free_symbols & syms and p.exp.is_integer is not True:
            return False
    for f in e.atoms(sp.Function, sp.Derivative, sp.Subs, sp.Integral, sp.Sum):
        if f.free_symbols & syms:
            return False
    return True


def _missing_term(printed: sp.Expr, derived: sp.Expr, difference: sp.Expr) -> str | None:
    if isinstance(difference, sp.Add) or difference == 0:
        return None
    if isinstance(sp.expand(difference), sp.Add):
        return None  # several terms once expanded: never one term of either side
    p_terms = set(sp.Add.make_args(sp.expand(printed)))
    d_terms = set(sp.Add.make_args(sp.expand(derived)))
    if sp.expand(difference) in p_terms and len(p_terms) > 1:
        return f"extra term in printed: {sp.sstr(difference)}"
    if sp.expand(-difference) in d_terms and len(d_terms) > 1:
        return f"missing term in printed: {sp.sstr(-difference)}"
    return None


def _special_sets(printed: sp.Expr, derived: sp.Expr, ratio: sp.Expr | None) -> list[str]:
    """Solve printed = derived for each variable the ratio depends on (small cases only)."""
    target = ratio - 1 if ratio is not None else printed - derived
    syms = sorted(target.free_symbols, key=lambda s: s.name)
    if not syms or len(syms) > 3 or not target.is_algebraic_expr(*syms):
        return []  # solve() on transcendental equations can run without end
    notes = []
    for s in syms:
        plain = sp.Symbol(s.name, positive=True)
        try:
            sols = sp.solve(target.xreplace({s: plain}), plain)
        except (NotImplementedError, ValueError, TypeError):
            continue
        if not sols or len(sols) > 3:
            continue
        shown = ", ".join(sp.sstr(v) for v in sols)
        kind = ""
        if s.is_integer and all(v.is_number and not v.is_integer for v in sols):
            kind = " (no integer solution)"
        notes.append(f"equal only where {s.name} = {shown}{kind}")
        break  # one solved form says it; the same set solved for another symbol repeats it
    return notes


def _condition_holds(cond: Condition, printed: sp.Expr, derived: sp.Expr, probe: Probe) -> bool:
    try:
        residual = cond.residual(printed, derived)
    except (NotImplementedError, ValueError, TypeError):
        return False
    residual = _simplify(residual, probe.simplify_seconds)
    if residual == 0:
        return True
    agree, _ = _probe(
        residual, sp.Integer(0), replace(probe, points=4, seed=probe.seed + cond.label)
    )
    return bool(agree)


def _diagnose_operator(printed: sp.Expr, derived: sp.Expr) -> list[str]:
    from sympy.physics.quantum import Dagger

    notes = []
    if sp.expand(Dagger(printed) - derived) == 0:
        notes.append(
            "printed side is the adjoint of the derived one: daggers and complex "
            "conjugation are missing"
        )
    if sp.expand(printed + derived) == 0:
        notes.append("sign: printed = −(derived)")
    return notes
