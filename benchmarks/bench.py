"""`make bench`: generated functions against what a user would otherwise write, and the
commands against their targets.

Each kernel row calls the function on 10⁶ points, interleaved with its floor (np.exp over
10⁶ log-uniform points) and its baseline (sympy.lambdify of the derived expression, or a
scipy quad / brentq loop timed on a subset and scaled), and reports the median of the
per-round ratios with their range: load that drifts during the run hits all three alike.
The worst relative error of each against a 40-digit mpmath reference on 200 of the points
is shown beside it. lattice_frequency and effective_frequency are also timed as a script's
first call in a fresh interpreter, where whole-array temporaries cost page faults.

The command rows run each command in a fresh interpreter, interleaved with
``python -c pass``, and give the median wall time, its range and the peak memory, beside
the target the performance issue set.
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

import mpmath as mp
import numpy as np
import sympy as sp
from scipy import integrate, optimize, special

import qcrystal
from qcrystal.codegen import measure, pieces
from qcrystal.derivations import energy
from qcrystal.derivations.symbols import E_R, Omega, U, eps, k0, m, omega

N = 10**6
CHECK = 200  # points checked against mpmath for the error columns
ROUNDS = 7  # interleaved rounds per kernel row
rng = np.random.default_rng(12345)


def loguniform(lo: float, hi: float, n: int = N) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


_FLOOR_X = loguniform(1e-3, 1e3)


def floor() -> None:
    with np.errstate(over="ignore"):  # the points above 709 overflow, as they would for anyone
        np.exp(_FLOOR_X)


def _seconds(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


@dataclass
class Timing:
    """Per-round times of a row's function, its floor and its baseline (same rounds)."""

    ours: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)

    def ratio(self, of: str = "ours", to: str = "floor") -> tuple[float, float, float]:
        """Median of the per-round ratios, and their range."""
        r = [a / b for a, b in zip(getattr(self, of), getattr(self, to), strict=True)]
        return statistics.median(r), min(r), max(r)


def interleaved(ours, base=None, rounds: int = ROUNDS, base_scale: float = 1.0) -> Timing:
    """Each round times the floor, ours and the baseline back to back (after a warm-up)."""
    ours()
    if base is not None:
        base()
    t = Timing()
    for _ in range(rounds):
        t.floor.append(_seconds(floor))
        t.ours.append(_seconds(ours))
        t.base.append(_seconds(base) * base_scale if base is not None else np.nan)
    return t


_FRESH = """
import time, numpy as np, sympy as sp
import qcrystal
from qcrystal.derivations import energy
from qcrystal.derivations.symbols import E_R, Omega, U, omega
rng = np.random.default_rng(1)
x, y = (np.exp(rng.uniform(np.log(1e-3), np.log(1e3), {n})) for _ in range(2))
fn = {fn}
fn(x[:10], y[:10])
t0 = time.perf_counter()
fn(x, y)
print(time.perf_counter() - t0)
"""


def fresh(fn: str, processes: int = 5) -> float:
    """The first full-size call of ``fn(x, y)`` in a fresh interpreter, median of a few.

    Repeated calls in one process let malloc hand the freed temporaries straight back; a
    script's first call pays a page fault for every page of each whole-array temporary.
    Both are real uses, so the table shows both.
    """
    times = []
    for _ in range(processes):
        out = subprocess.run(
            [sys.executable, "-c", _FRESH.format(n=N, fn=fn)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.split()[-1]))
    return statistics.median(times)


def worst_rel(values, reference) -> float:
    """Worst relative error; inf where a value is not finite but the reference is."""
    values, reference = np.asarray(values, float), np.asarray(reference, float)
    with np.errstate(invalid="ignore", over="ignore"):
        rel = np.abs(values - reference) / np.abs(reference)
    return float(np.max(np.where(np.isfinite(rel), rel, np.inf)))


def naive_I3(b: np.ndarray) -> np.ndarray:
    z = np.exp(-2 * b)
    return np.pi**2 / (12 * b * b) + np.log(1 - z) / b + 0.5 - special.spence(1 - z) / (2 * b * b)


def quad_I3(b: float) -> float:
    return integrate.quad(lambda x: x / np.tanh(b * x), 0, 1)[0]


def brentq_melting(td: float) -> float:
    R = td / 36.0
    b = optimize.brentq(lambda bb: quad_I3(bb) - R, 1 / R, 1 / (R - 0.5))
    return td / (2 * b)


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes NumPy and Python allocated during one call (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@dataclass
class Row:
    name: str
    timing: Timing
    ours_err: float | None  # worst relative error on the checked points; None: not checked
    base: str
    base_err: float | None
    overflow: float = 0.0  # the share of the N points where the baseline is not finite
    note: str = ""


def hopping_lambdify(d: int):
    """lambdify of the derived J (exponent and bracket of the generator's spec, the plain
    bracket) summed over d directions, one column per argument and direction."""
    parts = pieces.gaussian_hopping()
    args, exponent, bracket = [], sp.Integer(0), sp.Integer(0)
    for a in range(d):
        own = [sp.Symbol(f"{n}{a}", real=True) for n in ("r", "e", "u", "k")]
        sub = dict(zip((pieces.r_sym, eps, U, k0), own, strict=True))
        exponent += parts["exponent"].xreplace(sub)
        bracket += parts["bracket"].xreplace(sub)
        args += own
    return sp.lambdify([*args, m], -sp.exp(-exponent) * bracket, "numpy")


def hopping_rows(rows: list[Row]) -> list[str]:
    """gaussian_hopping in d = 1 and 3 on the measured Halton domain (r ∈ [−3, 3], ε, k₀,
    m ∈ [0.05, 20], U ∈ [0, 50]), against lambdify; and its peak memory."""
    notes = []
    for d in (1, 3):
        r = rng.uniform(-3, 3, (N, d))
        e, k = loguniform(0.05, 20, N * d).reshape(N, d), loguniform(0.05, 20, N * d).reshape(N, d)
        u, mass = rng.uniform(0, 50, (N, d)), loguniform(0.05, 20)
        lam = hopping_lambdify(d)
        columns = [np.ascontiguousarray(x[:, a]) for a in range(d) for x in (r, e, u, k)]
        sub = slice(0, CHECK)
        ref = np.array([measure._hopping_mp(r[i], e[i], u[i], k[i], mass[i]) for i in range(CHECK)])
        scale = np.maximum(np.abs(ref[:, 0]), ref[:, 1])  # relative to the size of J's terms
        with np.errstate(all="ignore"):
            ours_err = float(
                np.max(
                    np.abs(
                        qcrystal.gaussian_hopping(r[sub], e[sub], u[sub], k[sub], mass[sub])
                        - ref[:, 0]
                    )
                    / scale
                )
            )
            lam_err = float(
                np.max(np.abs(lam(*(c[sub] for c in columns), mass[sub]) - ref[:, 0]) / scale)
            )
            timing = interleaved(
                lambda: qcrystal.gaussian_hopping(r, e, u, k, mass),  # noqa: B023
                lambda: lam(*columns, mass),  # noqa: B023
            )
        rows.append(Row(f"gaussian_hopping d = {d}", timing, ours_err, "lambdify", lam_err))
        peak = peak_memory(lambda: qcrystal.gaussian_hopping(r, e, u, k, mass))  # noqa: B023
        with np.errstate(all="ignore"):
            lam_peak = peak_memory(lambda: lam(*columns, mass))  # noqa: B023
        notes.append(
            f"gaussian_hopping d = {d}: peak memory {peak / (8 * N):.2f}× the output "
            f"(lambdify {lam_peak / (8 * N):.1f}×)"
        )
    return notes


def kernel_rows() -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    # lattice_frequency and effective_frequency vs lambdify of the derived ω and ε, on
    # energies of any lab (1e-3..1e3): repeated calls in one process, and a script's first
    # call in a fresh one
    lam_src = 'sp.lambdify([{}], energy.derive_{}().result.rhs, "numpy")'
    for name, symbols, args, derivation in (
        ("lattice_frequency", [U, E_R], "U, E_R", "omega"),
        ("effective_frequency", [omega, Omega], "omega, Omega", "epsilon"),
    ):
        ours = getattr(qcrystal, name)
        expr = getattr(energy, f"derive_{derivation}")().result.rhs
        lam = sp.lambdify(symbols, expr, "numpy")
        for lo, hi, label in ((1e-3, 1e3, name), (1e-200, 1e200, "  ″ over 1e±200")):
            if lo < 1e-100 and name == "lattice_frequency":
                continue
            x, y = loguniform(lo, hi), loguniform(lo, hi)
            ref = measure._reference(expr, symbols, [x[:CHECK], y[:CHECK]])
            with np.errstate(over="ignore", under="ignore"):
                rows.append(
                    Row(
                        label,
                        interleaved(lambda: ours(x, y), lambda: lam(x, y)),  # noqa: B023
                        worst_rel(ours(x[:CHECK], y[:CHECK]), ref),
                        "lambdify",
                        worst_rel(lam(x[:CHECK], y[:CHECK]), ref),
                        float(np.mean(~np.isfinite(lam(x, y)))),
                    )
                )
            if lo == 1e-3:
                t_ours, t_lam = fresh(f"qcrystal.{name}"), fresh(lam_src.format(args, derivation))
                t_floor = statistics.median(_seconds(floor) for _ in range(5))
                timing = Timing([t_ours], [t_floor], [t_lam])
                rows.append(
                    Row("  ″ first call, fresh", timing, rows[-1].ours_err, "lambdify, fresh",
                        rows[-1].base_err)
                )  # fmt: skip
    notes = hopping_rows(rows)

    # debye_integral vs a scipy quad loop and the naive closed form
    bs = loguniform(1e-6, 1e3)
    ref_i3 = np.array([float(measure._i3_quad(v)) for v in bs[:CHECK]])
    sub = bs[:2000]
    err_ours = worst_rel(qcrystal.debye_integral(3, bs[:CHECK]), ref_i3)
    rows.append(
        Row(
            "debye_integral(3, b)",
            interleaved(
                lambda: qcrystal.debye_integral(3, bs),
                lambda: [quad_I3(v) for v in sub],
                rounds=3,
                base_scale=N / len(sub),
            ),
            err_ours,
            "scipy quad loop",
            worst_rel([quad_I3(v) for v in bs[:CHECK]], ref_i3),
        )
    )
    rows.append(
        Row(
            "  ″",
            interleaved(lambda: qcrystal.debye_integral(3, bs), lambda: naive_I3(bs)),
            err_ours,
            "naive (spence)",
            worst_rel(naive_I3(bs[:CHECK]), ref_i3),
        )
    )
    # lindemann_ratio vs the same quad loop inside 3 √((E_K/T_D) I₃)
    tds, ts = loguniform(1.0, 1e4), loguniform(1e-3, 1e3)
    with mp.workdps(50):
        ref_r = np.array(
            [
                float(3 * mp.sqrt(measure._i3_closed(mp.mpf(a) / (2 * mp.mpf(c))) / a))
                for a, c in zip(tds[:CHECK], ts[:CHECK], strict=True)
            ]
        )

    def quad_ratio(a: float, c: float) -> float:
        return 3 * np.sqrt(quad_I3(a / (2 * c)) / a)

    pairs = list(zip(tds[:2000], ts[:2000], strict=True))
    rows.append(
        Row(
            "lindemann_ratio",
            interleaved(
                lambda: qcrystal.lindemann_ratio(tds, 1.0, ts, 3),
                lambda: [quad_ratio(a, c) for a, c in pairs],
                rounds=3,
                base_scale=N / len(pairs),
            ),
            worst_rel(qcrystal.lindemann_ratio(tds[:CHECK], 1.0, ts[:CHECK], 3), ref_r),
            "scipy quad loop",
            worst_rel(
                [quad_ratio(a, c) for a, c in zip(tds[:CHECK], ts[:CHECK], strict=True)], ref_r
            ),
        )
    )
    # lindemann_ratio over the whole zone (zone="exact") vs the theta quadrature per point,
    # which is what the fit stands for; the reference is that quadrature too (it is within
    # ~1e-15 of mpmath, tests/test_cubic_zone.py)
    from qcrystal.numerics import _cubic_zone

    qcrystal.lindemann_ratio(1.0, 1.0, 1.0, 3, zone="exact")  # the one-time fit, not timed
    kappa = _cubic_zone.kappa(3)

    def quadrature_ratio(a: float, c: float) -> float:
        average = _cubic_zone.inverse_sqrt_average(3) + _cubic_zone.thermal_part_quadrature(
            a / (kappa * c)
        )
        return float(np.sqrt(1.5 * kappa * average / a))

    ref_z = np.array([quadrature_ratio(a, c) for a, c in zip(tds[:CHECK], ts[:CHECK], strict=True)])
    zpairs = pairs[:200]
    rows.append(
        Row(
            "lindemann_ratio, zone = exact",
            interleaved(
                lambda: qcrystal.lindemann_ratio(tds, 1.0, ts, 3, zone="exact"),
                lambda: [quadrature_ratio(a, c) for a, c in zpairs],
                rounds=3,
                base_scale=N / len(zpairs),
            ),
            worst_rel(
                qcrystal.lindemann_ratio(tds[:CHECK], 1.0, ts[:CHECK], 3, zone="exact"), ref_z
            ),
            "theta quadrature loop",
            0.0,
        )
    )
    # melting_temperature vs brentq over quad (scipy's default xtol)
    tdm = loguniform(19.0, 1e6)
    subm = tdm[:50]
    _, ref_m, _ = measure._melting(subm)()
    rows.append(
        Row(
            "melting_temperature",
            interleaved(
                lambda: qcrystal.melting_temperature(tdm, 1.0, 3),
                lambda: [brentq_melting(v) for v in subm],
                rounds=3,
                base_scale=N / len(subm),
            ),
            worst_rel(qcrystal.melting_temperature(subm, 1.0, 3), ref_m),
            "brentq loop",
            worst_rel([brentq_melting(v) for v in subm], ref_m),
        )
    )
    notes += crystal_rows(rows)
    return rows, notes


def crystal_rows(rows: list[Row]) -> list[str]:
    """The module `qcrystal codegen --model` writes for a [crystal] file (bcc C/r⁶, zone
    grid 16³ as `model show`), generated here into a temporary folder: lindemann_ratio over
    the whole zone at 10⁶ temperatures against qcrystal.Crystal, which it stands for (the
    reference of its error column too, on 20 points), timed on 5 and scaled."""
    import importlib.util
    from pathlib import Path

    from qcrystal.codegen import crystal_module
    from qcrystal.models.crystal_file import load_crystal

    source = Path(__file__).resolve().parents[1] / "examples" / "crystals" / "bcc_power_law.toml"
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path, _ = crystal_module.write_crystal(source, tmp)
        generated = time.perf_counter() - t0
        spec = importlib.util.spec_from_file_location("bench_crystal_module", path)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    crystal = load_crystal(source).crystal
    temperatures = loguniform(1e-3, 1e3)
    few = temperatures[:5]
    rows.append(
        Row(
            "crystal module lindemann_ratio, 10⁶ T",
            interleaved(
                lambda: mod.lindemann_ratio(temperatures),
                lambda: crystal.lindemann_ratio(few),
                rounds=3,
                base_scale=N / len(few),
            ),
            worst_rel(
                mod.lindemann_ratio(temperatures[:20]), crystal.lindemann_ratio(temperatures[:20])
            ),
            "qcrystal.Crystal",
            0.0,
        )
    )
    return [
        f"crystal module: generated (2 zones × {crystal_module.NODES} zone averages, selfcheck, "
        f"ruff) in {generated:.1f} s; its error column is against qcrystal.Crystal"
    ]


# The kernel rows with a target of the performance issue: (row, most × np.exp, least
# speed-up over the baseline). None: no target.
KERNEL_TARGETS = {
    "gaussian_hopping d = 3": (60.0, 1.0),
    "melting_temperature": (30.0, None),
}
# Rows whose target is a wall time for the N points (the crystal issue: r₀/a over the whole
# zone for 10⁶ temperatures in ≤ 1 s).
SECONDS_TARGETS = {
    "lindemann_ratio, zone = exact": 1.0,
    "crystal module lindemann_ratio, 10⁶ T": 1.0,
}


def print_kernels(rows: list[Row], notes: list[str]) -> None:
    """The kernel rows as a Markdown table (the README's, pasted as printed)."""
    print("| function | / np.exp, median (range) | error | baseline | error | speed-up over "
          "the baseline, median (range) | target |")  # fmt: skip
    print("|---|---:|---:|---|---:|---:|---|")
    for r in rows:
        base_err = "" if r.base_err is None else f"{r.base_err:.0e}"
        if r.base_err == np.inf:  # a form that overflows: say on how many of the N points
            base_err = f"inf ({r.overflow:.0%})"
        ours_err = "" if r.ours_err is None else f"{r.ours_err:.0e}"
        med, lo, hi = r.timing.ratio()
        bmed, blo, bhi = r.timing.ratio("base", "ours")  # > 1: ours is faster
        target = ""
        if r.name in KERNEL_TARGETS:
            most_floor, least_speedup = KERNEL_TARGETS[r.name]
            ok = med <= most_floor and (least_speedup is None or bmed >= least_speedup)
            target = f"≤ {most_floor:g}× np.exp"
            if least_speedup is not None:
                target += f", ≥ {least_speedup:g}× speed-up"
            target += f": {_met(ok)}"
        if r.name in SECONDS_TARGETS:
            seconds = statistics.median(r.timing.ours)
            ok = seconds <= SECONDS_TARGETS[r.name]
            target = f"{seconds:.2f} s for {N:,}; ≤ {SECONDS_TARGETS[r.name]:g} s: {_met(ok)}"
        print(f"| {r.name} | {med:.1f} ({lo:.1f}–{hi:.1f}) | {ours_err} | {r.base} | {base_err} "
              f"| {bmed:.3g} ({blo:.3g}–{bhi:.3g}) | {target} |")  # fmt: skip
    print()
    for line in notes:
        print(f"- {line}")


# Commands beside their targets: name → (argv after `qcrystal`, target seconds or None).
def commands(tmp: str) -> dict[str, tuple[list[str], float | None]]:
    return {
        "qcrystal --help": (["--help"], 0.2),
        "qcrystal state (three scales)": (
            ["state", "--omega", "100", "--E_K", "1", "--T_D", "1e5"], 0.4),
        "qcrystal verify": (["verify", "--quiet"], 4.0),
        "qcrystal book": (["book", "--out", f"{tmp}/book"], None),
        "qcrystal accuracy": (["accuracy", "--quiet"], 2.0),
        "phase-diagram, 10⁷ points": (
            ["phase-diagram", "--out", f"{tmp}/pd", "--n", "3163", "--formats", "png", "--force"],
            3.0,
        ),
    }  # fmt: skip


# The peak resident memory from /proc (VmHWM, in kB): ru_maxrss would carry over the
# parent's peak through fork and exec.
_RUN = """
import re, sys
from pathlib import Path
from qcrystal.cli import main
code = main(sys.argv[1:])
status = Path("/proc/self/status").read_text()
print(re.search(r"VmHWM:\\s+(\\d+)", status).group(1), file=sys.stderr)
sys.exit(code)
"""


def run_command(argv: list[str]) -> tuple[float, float]:
    """Wall seconds of ``qcrystal ARGV`` in a fresh interpreter, and its peak RSS in MB."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _RUN, *argv], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"qcrystal {' '.join(argv)} failed: {out.stderr[-500:]}")
    return seconds, int(out.stderr.split()[-1]) / 1024


def command_rows(runs: int = 3) -> None:
    """Each command `runs` times, interleaved with `python -c pass` (a fresh interpreter)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmds = commands(tmp)
        times: dict[str, list[float]] = {k: [] for k in ["python -c pass", *cmds]}
        peaks: dict[str, float] = dict.fromkeys(cmds, 0.0)
        for _ in range(runs):
            times["python -c pass"].append(_seconds(
                lambda: subprocess.run([sys.executable, "-c", "pass"], check=True)))  # fmt: skip
            for name, (argv, _) in cmds.items():
                seconds, peak = run_command(argv)
                times[name].append(seconds)
                peaks[name] = max(peaks[name], peak)
        # exact_hopping for 10⁴ depths, in process (the library call the issue names)
        from qcrystal.accuracy.bands import exact_hopping

        depths = np.linspace(1.0, 60.0, 10_000)
        exact_hopping(depths[:10])
        times["exact_hopping, 10⁴ depths (in process)"] = [
            _seconds(lambda: exact_hopping(depths)) for _ in range(runs)
        ]
    verify = statistics.median(times["qcrystal verify"])
    print(f"\n| command (median of {runs} interleaved runs) | wall time (range) | peak memory "
          "| target |")  # fmt: skip
    print("|---|---:|---:|---|")
    for name, ts in times.items():
        med = statistics.median(ts)
        target = cmds[name][1] if name in cmds else (1.0 if name.startswith("exact") else None)
        verdict = ""
        if name == "qcrystal book":
            verdict = f"{med / verify:.2f}× verify; ≤ 1.3×: {_met(med <= 1.3 * verify)}"
        elif target is not None:
            verdict = f"≤ {target:g} s: {_met(med <= target)}"
        peak = f"{peaks[name]:.0f} MB" if name in peaks else ""
        if name == "phase-diagram, 10⁷ points":
            verdict += f"; ≤ 500 MB: {_met(peaks[name] <= 500)}"
        print(f"| {name} | {med:.2f} s ({min(ts):.2f}–{max(ts):.2f}) | {peak} | {verdict} |")


def machine() -> str:
    """The CPU model, its core count and the SIMD level NumPy dispatches to."""
    from pathlib import Path

    cpu = platform.machine()
    info = Path("/proc/cpuinfo")
    if info.exists():
        names = [ln.split(":", 1)[1].strip() for ln in info.read_text().splitlines()
                 if ln.startswith("model name")]  # fmt: skip
        if names:
            cpu = f"{len(names)}-core {names[0]} ({platform.machine()})"
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features

        simd = next((f for f in ("AVX512_SKX", "AVX2", "SSE42", "ASIMD") if features.get(f)), "")
    except ImportError:  # a NumPy without that table: say nothing of SIMD
        simd = ""
    return f"{cpu}, NumPy SIMD {simd}" if simd else cpu


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    print(
        f"machine: {machine()}, python {platform.python_version()}, numpy {np.__version__}; "
        f"N = {N:,}; errors are the worst relative error on the first {CHECK} points "
        "against mpmath"
    )
    floor_times = [_seconds(floor) for _ in range(9)]
    print(f"floor np.exp over {N:,} points: median {statistics.median(floor_times) * 1e3:.1f} ms\n")
    rows, notes = kernel_rows()
    print_kernels(rows, notes)

    # the four states over 10⁶ grid points (phase diagrams), NumPy and dask
    from qcrystal.states import diagram as phase_diagram

    grid = interleaved(
        lambda: phase_diagram.ratio_diagram(n=1000),
        lambda: phase_diagram.ratio_diagram(n=1000, chunks=250),
        rounds=3,
    )
    med, lo, hi = grid.ratio()
    print(
        f"\nthe four states on a 1000 × 1000 grid: {med:.0f}× np.exp ({lo:.0f}–{hi:.0f}) in "
        f"NumPy; dask in 250² chunks {grid.ratio('base', 'ours')[0]:.2f}× NumPy"
    )
    command_rows()


if __name__ == "__main__":
    main()
