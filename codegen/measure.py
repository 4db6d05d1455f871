"""Measured accuracy of the generated functions on fixed grids, for their docstrings.

Each registered function has one or more *regions* (declared in the registry): a fixed
grid of arguments (log-spaced, or Halton points: no RNG whose stream could change) and a
reference computed
with mpmath at 40 or more digits. The references share nothing with the generated code's
numerics: they are the derivations' SymPy expressions evaluated by mpmath, or for I₃
quadrature of (48) and its dilogarithm form, or mpmath root-finding for the melting point.
(An error in a derivation itself is for the verify run and the quadrature tests to find.)

:func:`measure_all` evaluates the regions, each through the runner of this module the
registry names; ``qcrystal codegen --measure`` stores the worst
errors in ``measured.json`` beside this file, and the generator writes the stored figures
into the docstrings. Generation therefore reads a committed file and never times or
measures anything, so it stays byte for byte the same on every machine, while
``tests/test_measured_accuracy.py`` re-measures on the machine it runs on and fails when
the record no longer describes the code.

Errors are relative, in units of float64 ulp (2⁻⁵² ≈ 2.2e-16). J_ij crosses zero where
its kinetic and lattice terms cancel, so its error is taken relative to the size of
those terms (as in the reference tests); a reference of exactly 0 must be met exactly.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import platform
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

__all__ = [
    "RECORD",
    "docstring_lines",
    "load_record",
    "measure_all",
    "run_region",
    "table",
    "worst_ulp",
    "write_record",
]

RECORD = Path(__file__).resolve().parent / "measured.json"
ULP = float(np.finfo(np.float64).eps)
# NumPy picks SIMD exp and log loops by CPU; they may round differently by a fraction of
# an ulp to an ulp. A re-measurement within this of the record still describes the code;
# anything further means the record (and so the docstrings) must be re-measured.
MACHINE_SLACK_ULP = 1.0


def _log(lo: float, hi: float, n: int) -> np.ndarray:
    return np.logspace(math.log10(lo), math.log10(hi), n)


_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


def _quasi(n: int, dims: int) -> np.ndarray:
    """The first n points of the Halton sequence in [0, 1)^dims (one prime base per axis).

    Each axis is a van der Corput sequence, evenly spread on its own; plain integer and
    float arithmetic, so the points are the same on every machine.
    """
    if dims > len(_PRIMES):
        raise ValueError(f"at most {len(_PRIMES)} dimensions (got {dims})")
    out = np.empty((n, dims))
    for j, base in enumerate(_PRIMES[:dims]):
        for i in range(n):
            k, scale, value = i + 1, 1.0, 0.0
            while k:
                k, digit = divmod(k, base)
                scale /= base
                value += digit * scale
            out[i, j] = value
    return out


def _reference(expr: sp.Expr, symbols: list[sp.Symbol], columns: list[np.ndarray]) -> np.ndarray:
    """The derived SymPy expression evaluated by mpmath at 50 digits, point by point."""
    f = sp.lambdify(symbols, expr, "mpmath")
    with mp.workdps(50):
        return np.array(
            [float(f(*(mp.mpf(float(c)) for c in row))) for row in zip(*columns, strict=True)]
        )


def _i3_quad(b: float) -> mp.mpf:
    """I₃(b) = ∫₀¹ x coth(bx) dx by quadrature at 40 digits: the defining integral (48)."""
    with mp.workdps(40):
        return mp.quad(lambda x: x * mp.coth(mp.mpf(b) * x), [0, 1])


def _i3_closed(b: mp.mpf) -> mp.mpf:
    """I₃ from its dilogarithm form at 80 digits (agrees with quadrature to ~1e-42).

    The terms cancel by about 2 log10(1/b) digits at small b, which 80 digits absorb down
    to b ~ 1e-18; used where a root search needs many evaluations.
    """
    with mp.workdps(80):
        b = mp.mpf(b)
        z = mp.exp(-2 * b)
        return (
            mp.pi**2 / (12 * b * b)
            + mp.log1p(-z) / b
            + mp.mpf(1) / 2
            - mp.polylog(2, z) / (2 * b * b)
        )


def _log_halton(n: int, *ranges: tuple[float, float]) -> list[np.ndarray]:
    """n Halton points, log-uniform over each (lo, hi) range: one array per range."""
    q = _quasi(n, len(ranges))
    return [lo * (hi / lo) ** q[:, i] for i, (lo, hi) in enumerate(ranges)]


Result = tuple[np.ndarray, np.ndarray, np.ndarray]


def _derived(name: str, columns: list[np.ndarray]) -> Result:
    """A generated function against mpmath of its derived expression (the registry's
    pieces), at the given argument columns."""
    from qcrystal import numerics
    from qcrystal.codegen import pieces, registry

    entry = registry.by_name(name)
    expr = getattr(pieces, entry.build)()["result"]
    ref = _reference(expr, [pieces.symbol(a.symbol) for a in entry.args], columns)
    return getattr(numerics, name)(*columns), ref, np.abs(ref)


def _derived_square(name: str, lo: float, hi: float, n: int, zero: bool) -> Result:
    """Two arguments on an n × n log grid over [lo, hi] (with 0 added when ``zero``)."""
    axis = _log(lo, hi, n)
    if zero:
        axis = np.concatenate([[0.0], axis])
    return _derived(name, [g.ravel() for g in np.meshgrid(axis, axis)])


def _derived_halton(name: str, n: int, lo: float, hi: float) -> Result:
    """Two arguments at n log-Halton points over [lo, hi]²."""
    return _derived(name, _log_halton(n, (lo, hi), (lo, hi)))


def _derived_cube(name: str, lo: float, hi: float, n: int) -> Result:
    """Four arguments on an n⁴ log grid over [lo, hi]."""
    axis = _log(lo, hi, n)
    return _derived(name, [g.ravel() for g in np.meshgrid(axis, axis, axis, axis)])


def _hopping_points(n: int) -> tuple[np.ndarray, ...]:
    """r ∈ [−3, 3], ε, k₀ ∈ [0.05, 20] (log), U ∈ [0, 50], m ∈ [0.05, 20] (log), d = 3."""
    q = _quasi(n, 13)

    def logmap(x):
        return 0.05 * (400.0**x)

    r = 6.0 * q[:, 0:3] - 3.0
    e = logmap(q[:, 3:6])
    u = 50.0 * q[:, 6:9]
    k = logmap(q[:, 9:12])
    mass = logmap(q[:, 12])
    return r, e, u, k, mass


def _hopping_mp(r: Any, e: Any, u: Any, k: Any, mass: Any) -> tuple[float, float]:
    """J of (7) for Gaussian Wannier functions and the size of its terms, 50 digits.

    From the derived exponent and bracket of the generator's spec (the plain bracket, not
    the stable rewrite the generated code uses).
    """
    fa, fb = _hopping_pieces_mp()
    with mp.workdps(50):
        cols = [[mp.mpf(float(v)) for v in col] for col in (r, e, u, k)]
        mm = mp.mpf(float(mass))
        s_exp = mp.fsum(fa(*(c[a] for c in cols), mm) for a in range(len(r)))
        value = -mp.exp(-s_exp) * mp.fsum(fb(*(c[a] for c in cols), mm) for a in range(len(r)))
        size = mp.exp(-s_exp) * mp.fsum(
            abs(cols[1][a] * (2 - mm * cols[1][a] * cols[0][a] ** 2) / 8) + cols[2][a]
            for a in range(len(r))
        )
        return float(value), float(size)


@functools.cache
def _hopping_pieces_mp() -> tuple[Callable, Callable]:
    from qcrystal.codegen import pieces
    from qcrystal.derivations.symbols import U, eps, k0, m

    parts = pieces.gaussian_hopping()
    args = [pieces.r_sym, eps, U, k0, m]
    return (
        sp.lambdify(args, parts["exponent"], "mpmath"),
        sp.lambdify(args, parts["bracket"], "mpmath"),
    )


def _gaussian_hopping(n: int) -> Callable:
    def run():
        from qcrystal import numerics as qcrystal

        r, e, u, k, mass = _hopping_points(n)
        got = qcrystal.gaussian_hopping(r, e, u, k, mass)
        pairs = [_hopping_mp(r[i], e[i], u[i], k[i], mass[i]) for i in range(n)]
        ref = np.array([p[0] for p in pairs])
        scale = np.maximum(np.abs(ref), [p[1] for p in pairs])
        return got, ref, scale

    return run


def _gaussian_hopping_cancelling(lo: float, hi: float, per_decade: int) -> Callable:
    """Halton points where J's terms cancel: Σ|t|/|Σt| in [lo, hi), ``per_decade`` of them
    in each decade, the error taken relative to J itself (not to its terms)."""

    def run():
        from qcrystal import numerics as qcrystal
        from qcrystal.numerics import _kernels, lattice

        r, e, u, k, mass = _hopping_points(_CANCELLING_POOL)
        # Which points cancel how much, from the float64 terms: only a choice of points.
        total, size = _kernels.term_sums(lattice._gaussian_hopping_terms, r, e, u, k, mass[:, None])
        with np.errstate(divide="ignore"):
            cancel = size / np.abs(total)
        edges = _log(lo, hi, round(math.log10(hi / lo)) + 1)
        pick = np.concatenate(
            [
                np.flatnonzero((cancel >= a) & (cancel < b))[:per_decade]
                for a, b in itertools.pairwise(edges)
            ]
        )
        got = qcrystal.gaussian_hopping(r[pick], e[pick], u[pick], k[pick], mass[pick])
        ref = np.array([_hopping_mp(r[i], e[i], u[i], k[i], mass[i])[0] for i in pick])
        return got, ref, np.abs(ref)

    return run


# Halton points searched for cancelling ones: 60000 hold ~240 with Σ|t|/|Σt| in [100, 1000).
_CANCELLING_POOL = 60000


def _gaussian_hopping_far(xs: np.ndarray) -> Callable:
    def run():
        from qcrystal import numerics as qcrystal

        e, mass, k = np.array([1.37, 2.91, 0.53]), 1.123456789, np.array([1.0, 0.7, 1.3])
        u = np.array([0.3, 0.2, 0.1])
        r = np.sqrt(4 * xs[:, None] / (3 * mass * e)) * np.array([1.0, -1.0, 1.0])
        got = qcrystal.gaussian_hopping(r, e, u, k, mass)
        ref = np.array([_hopping_mp(row, e, u, k, mass)[0] for row in r])
        return got, ref, np.abs(ref)

    return run


def _debye_temperature() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from qcrystal import numerics as qcrystal
    from qcrystal.derivations import phonons
    from qcrystal.derivations.symbols import D, m, nu
    from qcrystal.derivations.symbols import d as dsym

    expr = phonons.derive_debye_temperature().result.rhs
    grid = _log(1e-6, 1e6, 7)
    n_, d_, m_, dim = (g.ravel() for g in np.meshgrid(grid, grid, grid, [1.0, 2.0, 3.0]))
    ref = _reference(expr, [nu, D, m, dsym], [n_, d_, m_, dim])
    return qcrystal.debye_temperature(n_, d_, m_, dim.astype(int)), ref, np.abs(ref)


def _debye_integral() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from qcrystal import numerics as qcrystal
    from qcrystal.numerics import phonons

    edges = [s * f for s in (phonons._SWITCH, phonons._ASYMPTOTIC) for f in (1 - 1e-9, 1.0)]
    bs = np.concatenate([_log(1e-12, 1e6, 90), edges])
    ref = np.array([float(_i3_quad(b)) for b in bs])
    return qcrystal.debye_integral(3, bs), ref, np.abs(ref)


@functools.cache
def _criterion_3() -> tuple[Callable[..., Any], float]:
    """The derived (48) at d = 3 as L(E_K, T_D, I₃), with L = 4 r₀²/a² (so (47) is L < 1),
    and its factor C = L T_D/(E_K I₃): the references take both from the derivation."""
    from qcrystal.derivations import phonons
    from qcrystal.derivations.symbols import E_K, T_D, d

    integral = sp.Symbol("I3", positive=True)
    lhs = phonons.derive_lindemann().result.lhs.subs(d, 3)
    lhs = lhs.replace(lambda e: isinstance(e, sp.Integral), lambda e: integral)
    factor = float(sp.simplify(lhs * T_D / (E_K * integral)))
    return sp.lambdify([E_K, T_D, integral], lhs, "mpmath"), factor


def _lindemann_ratio() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from qcrystal import numerics as qcrystal

    td, ek, t = _log_halton(300, (1e-3, 1e6), (1e-3, 1e3), (1e-6, 1e6))
    t[::10] = 0.0  # T = 0, where I₃ = 1/2
    criterion, _ = _criterion_3()
    with mp.workdps(50):
        refs = []
        for a, k, c in zip(td, ek, t, strict=True):
            i3 = mp.mpf(1) / 2 if c == 0 else _i3_closed(mp.mpf(a) / (2 * mp.mpf(c)))
            refs.append(float(mp.sqrt(criterion(mp.mpf(k), mp.mpf(a), i3)) / 2))  # √L/2
        ref = np.array(refs)
    return qcrystal.lindemann_ratio(td, ek, t, 3), ref, np.abs(ref)


def _melting(ratios: np.ndarray, n_ek: int = 1) -> Callable:
    """Each T_D/E_K ratio with E_K from n_ek Halton values in [1e-3, 1e3] (1: E_K = 1).

    The reference uses T_D and E_K as the float64 numbers passed, so R = T_D/(C E_K) is
    exact there, and a rounded R in the code under test would show.
    """

    def run():
        from qcrystal import numerics as qcrystal

        ek = _log_halton(n_ek, (1e-3, 1e3))[0] if n_ek > 1 else np.ones(1)
        e_k = np.tile(ek, len(ratios))
        t_d = np.repeat(ratios, len(ek)) * e_k
        _, factor = _criterion_3()
        refs = []
        for td, kk in zip(t_d, e_k, strict=True):
            with mp.workdps(80):
                # I₃(b) at r₀/a = 1/2, i.e. L = 1 in the derived (48): T_D/(C E_K)
                target = mp.mpf(float(td)) / (factor * mp.mpf(float(kk)))
                excess = target - mp.mpf(1) / 2
                # Secant from the asymptote of the side the root lies on: I₃ ≈ 1/2 +
                # ζ(2)/(2b²) for large b, I₃ ≈ 1/b for small b.
                start = mp.sqrt(mp.zeta(2) / (2 * excess)) if excess < 1 else 1 / target
                b = mp.findroot(
                    lambda v, target=target: _i3_closed(v) - target, start, verify=False
                )
                if abs(_i3_closed(b) - target) > mp.mpf(10) ** -60 * excess:
                    raise ArithmeticError(f"melting reference did not converge at {td}, {kk}")
                refs.append(float(mp.mpf(float(td)) / (2 * b)))
        ref = np.array(refs)
        return qcrystal.melting_temperature(t_d, e_k, 3), ref, np.abs(ref)

    return run


def _lindemann_threshold_all() -> Result:
    """d = 1, 2, 3 against the derived T = 0 bound of (51) at 50 digits (inf for d = 1)."""
    from qcrystal import numerics
    from qcrystal.derivations import phonons
    from qcrystal.derivations.symbols import d

    bound = phonons.derive_zero_temperature().result.rhs
    ref = np.array([math.inf] + [float(sp.N(bound.subs(d, k), 50)) for k in (2, 3)])
    got = numerics.lindemann_threshold(np.array([1, 2, 3]))
    return got, ref, np.where(np.isinf(ref), 0.0, np.abs(ref))


def _melting_region(kind: str, lo: float, hi: float, n: int, n_ek: int) -> Callable[[], Result]:
    """T_D/E_K log-spaced over [lo, hi], or ("edge") just above the derived T = 0 bound of
    (51): threshold·(1 + δ), δ log-spaced over [lo, hi]."""
    if kind == "log":
        return _melting(_log(lo, hi, n), n_ek)
    from qcrystal.derivations import phonons
    from qcrystal.derivations.symbols import d

    threshold = float(phonons.derive_zero_temperature().result.rhs.subs(d, 3))
    return _melting(threshold * (1.0 + _log(lo, hi, n)), n_ek)


def run_region(function: str, runner: str, params: tuple[object, ...]) -> Result:
    """(computed, reference, scale) on one region of the registry."""
    derived: dict[str, Callable[..., Result]] = {
        "derived_square": _derived_square,
        "derived_halton": _derived_halton,
        "derived_cube": _derived_cube,
    }
    if runner in derived:
        return derived[runner](function, *params)
    fixed: dict[str, Callable[..., Callable[[], Result]]] = {
        "hopping_halton": _gaussian_hopping,
        "hopping_far": lambda lo, hi, n: _gaussian_hopping_far(_log(lo, hi, n)),
        "hopping_cancelling": _gaussian_hopping_cancelling,
        "melting": _melting_region,
    }
    if runner in fixed:
        return fixed[runner](*params)()
    plain: dict[str, Callable[[], Result]] = {
        "debye_temperature_grid": _debye_temperature,
        "debye_integral_quadrature": _debye_integral,
        "lindemann_halton": _lindemann_ratio,
        "lindemann_threshold_all": _lindemann_threshold_all,
    }
    return plain[runner]()


def worst_ulp(got: np.ndarray, ref: np.ndarray, scale: np.ndarray) -> float:
    """max |got − ref| / scale in ulp; where the reference is exactly 0, any miss is inf."""
    got, ref, scale = (np.asarray(v, dtype=np.float64).ravel() for v in (got, ref, scale))
    exact = scale == 0
    if np.any(got[exact] != ref[exact]):
        return math.inf
    err = np.abs(got[~exact] - ref[~exact]) / scale[~exact]
    return float(err.max(initial=0.0) / ULP)


def measure_all(progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Every region's worst error, in registry order."""
    from .registry import FUNCTIONS

    out = []
    for f in FUNCTIONS:
        for region in f.regions:
            if progress:
                progress(f"{f.name}: {region.label}")
            got, ref, scale = run_region(f.name, region.runner, region.params)
            out.append({"function": f.name, "region": region.label,
                        "worst_ulp": worst_ulp(got, ref, scale)})  # fmt: skip
    return out


def write_record(results: list[dict[str, Any]], path: Path = RECORD) -> None:
    """Store results, each worst error rounded up to 0.1 ulp, with the machine."""
    record = {
        "about": "worst errors of the generated functions on fixed grids, in float64 ulp; "
        "written by `qcrystal codegen --measure`, read by the generator",
        "machine": f"{platform.machine()}, numpy {np.__version__}, {_simd()}",
        "regions": [
            {**r, "worst_ulp": math.ceil(float(r["worst_ulp"]) * 10) / 10} for r in results
        ],
    }
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_record(path: Path = RECORD) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def docstring_lines(function: str, record: dict[str, Any] | None = None) -> list[str]:
    """The docstring lines for ``function`` from the record, wrapped to 84 columns."""
    record = record if record is not None else load_record()
    regions = [r for r in record["regions"] if r["function"] == function]
    if not regions:  # a new function: the next `qcrystal codegen --measure` records it
        return ["Measured worst error: not measured yet (``qcrystal codegen --measure``)."]
    lines = ["Measured worst error against mpmath on fixed grids (``qcrystal codegen --measure``):"]
    for r in regions:
        lines += textwrap.wrap(
            f"- {r['worst_ulp']:.1f} ulp: {r['region']}.",
            84,
            subsequent_indent="  ",
            break_on_hyphens=False,
        )
    return lines


def table(record: dict[str, Any] | None = None) -> str:
    """The record as a Markdown table, as the README shows it."""
    record = record if record is not None else load_record()
    rows = ["| function | fixed grid | worst error |", "|---|---|---|"]
    for r in record["regions"]:
        rows.append(f"| `{r['function']}` | {r['region']} | {r['worst_ulp']:.1f} ulp |")
    return "\n".join(rows)


def _simd() -> str:
    try:
        from numpy._core._multiarray_umath import (  # type: ignore[import-not-found]
            __cpu_features__ as features,
        )
    except ImportError:  # older NumPy
        return "SIMD unknown"
    best = [f for f in ("AVX512_SKX", "AVX512F", "AVX2", "SSE42", "ASIMD") if features.get(f)]
    return best[0] if best else "no SIMD"
