"""`make bench`: generated functions against what a user would otherwise write.

Each row times one call over 10⁶ log-uniform points (best of several) and the ratio to
np.exp over the same array (the floor) and to the baseline: sympy.lambdify of the
derived expression, or a scipy quad / brentq loop timed on a subset and scaled. The worst
relative error of each against a 40-digit mpmath reference on 200 of the points is shown
beside its time. lattice_frequency and effective_frequency are also timed as a script's
first call in a fresh interpreter, where whole-array temporaries cost page faults.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from dataclasses import dataclass

import mpmath as mp
import numpy as np
import sympy as sp
from scipy import integrate, optimize, special

import qcrystal
from qcrystal.codegen import measure
from qcrystal.derivations import energy
from qcrystal.derivations.symbols import E_R, Omega, U, omega

N = 10**6
CHECK = 200  # points checked against mpmath for the error columns
rng = np.random.default_rng(12345)


def loguniform(lo: float, hi: float, n: int = N) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


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
    """The first full-size call of ``fn(x, y)`` in a fresh interpreter, best of a few.

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
    return min(times)


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


@dataclass
class Row:
    name: str
    ours: float  # seconds for N points
    ours_err: float | None  # worst relative error on the checked points; None: not checked
    base: str
    base_time: float
    base_err: float | None
    overflow: float = 0.0  # the share of the N points where the baseline is not finite


def main() -> None:
    rows: list[Row] = []
    floor_x = loguniform(1e-3, 1e3)
    with np.errstate(over="ignore"):  # the points above 709 overflow, as they would for anyone
        t_floor = best(lambda: np.exp(floor_x), 9)

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
                        best(lambda: ours(x, y), 9),  # noqa: B023
                        worst_rel(ours(x[:CHECK], y[:CHECK]), ref),
                        "lambdify",
                        best(lambda: lam(x, y), 9),  # noqa: B023
                        worst_rel(lam(x[:CHECK], y[:CHECK]), ref),
                        float(np.mean(~np.isfinite(lam(x, y)))),
                    )
                )
            if lo == 1e-3:
                rows.append(
                    Row(
                        "  ″ first call, fresh",
                        fresh(f"qcrystal.{name}"),
                        rows[-1].ours_err,
                        "lambdify, fresh",
                        fresh(lam_src.format(args, derivation)),
                        rows[-1].base_err,
                    )
                )

    # debye_integral vs a scipy quad loop and the naive closed form
    bs = loguniform(1e-6, 1e3)
    ref_i3 = np.array([float(measure._i3_quad(v)) for v in bs[:CHECK]])
    t_ours = best(lambda: qcrystal.debye_integral(3, bs), 9)
    err_ours = worst_rel(qcrystal.debye_integral(3, bs[:CHECK]), ref_i3)
    sub = bs[:2000]
    t_quad = best(lambda: [quad_I3(v) for v in sub], 1) * N / len(sub)
    rows.append(
        Row(
            "debye_integral(3, b)",
            t_ours,
            err_ours,
            "scipy quad loop",
            t_quad,
            worst_rel([quad_I3(v) for v in bs[:CHECK]], ref_i3),
        )
    )
    rows.append(
        Row(
            "  ″",
            t_ours,
            err_ours,
            "naive (spence)",
            best(lambda: naive_I3(bs), 9),
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

    t_quad_r = (
        best(lambda: [quad_ratio(a, c) for a, c in zip(tds[:2000], ts[:2000], strict=True)], 1)
        * N
        / 2000
    )
    quad_r = [quad_ratio(a, c) for a, c in zip(tds[:CHECK], ts[:CHECK], strict=True)]
    rows.append(
        Row(
            "lindemann_ratio",
            best(lambda: qcrystal.lindemann_ratio(tds, 1.0, ts, 3), 9),
            worst_rel(qcrystal.lindemann_ratio(tds[:CHECK], 1.0, ts[:CHECK], 3), ref_r),
            "scipy quad loop",
            t_quad_r,
            worst_rel(quad_r, ref_r),
        )
    )
    # melting_temperature vs brentq over quad (scipy's default xtol)
    tdm = loguniform(19.0, 1e6)
    subm = tdm[:50]
    _, ref_m, _ = measure._melting(subm)()
    t_brent = best(lambda: [brentq_melting(v) for v in subm], 1) * N / len(subm)
    rows.append(
        Row(
            "melting_temperature",
            best(lambda: qcrystal.melting_temperature(tdm, 1.0, 3), 5),
            worst_rel(qcrystal.melting_temperature(subm, 1.0, 3), ref_m),
            "brentq loop",
            t_brent,
            worst_rel([brentq_melting(v) for v in subm], ref_m),
        )
    )

    # the four states over 10⁶ grid points (phase diagrams), NumPy and dask
    from qcrystal.states import diagram as phase_diagram

    t_grid = best(lambda: phase_diagram.ratio_diagram(n=1000), 3)
    t_dask = best(lambda: phase_diagram.ratio_diagram(n=1000, chunks=250), 3)

    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, "
        f"python {platform.python_version()}, numpy {np.__version__}; N = {N:,}; errors are "
        f"the worst relative error on the first {CHECK} points against mpmath"
    )
    print(f"floor np.exp over {N:,} points: {t_floor * 1e3:.1f} ms\n")
    print(
        f"{'function':<24}{'ours ms':>9}{'/ np.exp':>9}{'error':>9}  {'baseline':<18}"
        f"{'base ms':>10}{'error':>12}{'speed-up':>10}"
    )
    for r in rows:
        base_err = "" if r.base_err is None else f"{r.base_err:.0e}"
        if r.base_err == np.inf:  # a form that overflows: say on how many of the N points
            base_err = f"inf ({r.overflow:.0%})"
        ours_err = "" if r.ours_err is None else f"{r.ours_err:.0e}"
        print(
            f"{r.name:<24}{r.ours * 1e3:>9.1f}{r.ours / t_floor:>9.1f}{ours_err:>9}  "
            f"{r.base:<18}{r.base_time * 1e3:>10.1f}{base_err:>12}{r.base_time / r.ours:>10.1f}"
        )
    print(
        f"\nthe four states on a 1000 × 1000 grid: {t_grid * 1e3:.1f} ms in NumPy "
        f"({t_grid / t_floor:.0f}× np.exp), {t_dask * 1e3:.1f} ms on dask in 250² chunks"
    )
    cli_rows()


def cli_rows(runs: int = 9) -> None:
    """Start-up of the command line, as the median of interleaved runs beside the floor
    `python -c pass` (a fresh interpreter each time): the targets are 0.2 s for --help
    and 0.4 s for a state from three scales."""
    import statistics

    qc = [sys.executable, "-m", "qcrystal"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "qcrystal --help": [*qc, "--help"],
        "qcrystal state --omega 100 --E_K 1 --T_D 1e5": [*qc, "state", "--omega", "100",
                                                          "--E_K", "1", "--T_D", "1e5"],
    }  # fmt: skip
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, cmd in commands.items():  # interleaved: load drifts hit every row alike
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            times[name].append(time.perf_counter() - t0)
    floor = statistics.median(times["python -c pass"])
    print(f"\ncommand line (median of {runs} interleaved runs):")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:<48}{med * 1e3:>8.0f} ms  {med / floor:>5.1f}× python -c pass"
              f"  (range {min(ts) * 1e3:.0f}–{max(ts) * 1e3:.0f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
