"""`make bench`: generated functions against what a user would otherwise write.

Each row times one call over 10⁶ log-uniform points (best of 3) and reports the ratio to
np.exp over the same array (the floor) and to the baseline: sympy.lambdify of the
derived expression, or a scipy quad / brentq loop timed on a subset and scaled. The worst
relative error of each against a 40-digit mpmath reference on 200 of the points is shown.
"""

from __future__ import annotations

import platform
import time

import mpmath as mp
import numpy as np
import sympy as sp
from scipy import integrate, optimize, special

import qcrystal
from qcrystal.derivations import energy
from qcrystal.derivations.symbols import E_R, Omega, U, omega

N = 10**6
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


def worst_rel(values: np.ndarray, reference: np.ndarray) -> float:
    return float(np.max(np.abs(values - reference) / np.abs(reference)))


def I3_ref(b: float) -> float:
    with mp.workdps(40):
        return float(mp.quad(lambda x: x * mp.coth(mp.mpf(b) * x), [0, 1]))


def naive_I3(b: np.ndarray) -> np.ndarray:
    z = np.exp(-2 * b)
    return np.pi**2 / (12 * b * b) + np.log(1 - z) / b + 0.5 - special.spence(1 - z) / (2 * b * b)


def main() -> None:
    rows = []
    floor_x = loguniform(1e-3, 1e3)
    with np.errstate(over="ignore"):  # the points above 709 overflow, as they would for anyone
        t_floor = best(lambda: np.exp(floor_x))

    # lattice_frequency vs lambdify of the derived ω
    Us, ERs = loguniform(1e-3, 1e3), loguniform(1e-3, 1e3)
    lam = sp.lambdify([U, E_R], energy.derive_omega().result.rhs, "numpy")
    rows.append(
        (
            "lattice_frequency",
            best(lambda: qcrystal.lattice_frequency(Us, ERs)),
            "lambdify",
            best(lambda: lam(Us, ERs)),
        )
    )
    # effective_frequency vs lambdify: on frequencies of any lab (1e-3..1e3), and over the
    # whole float64 range, where lambdify's √(ω² + Ω²) overflows
    lam_e = sp.lambdify([omega, Omega], energy.derive_epsilon().result.rhs, "numpy")
    a, b_ = loguniform(1e-3, 1e3), loguniform(1e-3, 1e3)
    rows.append(
        (
            "effective_frequency",
            best(lambda: qcrystal.effective_frequency(a, b_)),
            "lambdify",
            best(lambda: lam_e(a, b_)),
        )
    )
    a, b_ = loguniform(1e-200, 1e200), loguniform(1e-200, 1e200)
    with np.errstate(over="ignore", under="ignore"):
        rows.append(
            (
                "  ″ over 1e±200",
                best(lambda: qcrystal.effective_frequency(a, b_)),
                "lambdify",
                best(lambda: lam_e(a, b_)),
            )
        )
        bad = int(np.sum(~np.isfinite(lam_e(a, b_))))
    # debye_integral vs scipy quad loop and the naive closed form
    bs = loguniform(1e-6, 1e3)
    sub = bs[:2000]
    t_quad = (
        best(lambda: [integrate.quad(lambda x, bb=bb: x / np.tanh(bb * x), 0, 1) for bb in sub], 1)
        * N
        / len(sub)
    )
    rows.append(
        (
            "debye_integral(3, b)",
            best(lambda: qcrystal.debye_integral(3, bs)),
            "scipy quad loop",
            t_quad,
        )
    )
    rows.append(
        (
            "  vs naive closed form",
            best(lambda: qcrystal.debye_integral(3, bs)),
            "naive (spence)",
            best(lambda: naive_I3(bs)),
        )
    )
    # lindemann_ratio
    tds, ts = loguniform(1.0, 1e4), loguniform(1e-3, 1e3)
    rows.append(
        (
            "lindemann_ratio",
            best(lambda: qcrystal.lindemann_ratio(tds, 1.0, ts, 3)),
            "scipy quad loop",
            t_quad,
        )
    )
    # melting_temperature vs brentq over quad
    tdm = loguniform(19.0, 1e6)
    subm = tdm[:50]

    def brentq_loop() -> None:
        for td in subm:
            R = td / 36.0
            f = lambda bb, R=R: integrate.quad(lambda x: x / np.tanh(bb * x), 0, 1)[0] - R  # noqa: E731
            optimize.brentq(f, 1 / R, 1 / (R - 0.5))

    t_brent = best(brentq_loop, 1) * N / len(subm)
    rows.append(
        (
            "melting_temperature",
            best(lambda: qcrystal.melting_temperature(tdm, 1.0, 3), 3),
            "brentq loop",
            t_brent,
        )
    )

    # the four states over 10⁶ grid points (phase diagrams), NumPy and dask
    from qcrystal import phase_diagram

    rows.append(
        (
            "phase diagram 1000²",
            best(lambda: phase_diagram.ratio_diagram(n=1000), 3),
            "same on dask (250²)",
            best(lambda: phase_diagram.ratio_diagram(n=1000, chunks=250), 3),
        )
    )

    # accuracy on 200 points
    pts = bs[:200]
    ref = np.array([I3_ref(v) for v in pts])
    err_ours = worst_rel(qcrystal.debye_integral(3, pts), ref)
    err_naive = worst_rel(naive_I3(pts), ref)

    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, "
        f"python {platform.python_version()}, numpy {np.__version__}; N = {N:,}"
    )
    print(f"floor np.exp over {N:,} points: {t_floor * 1e3:.1f} ms\n")
    print(
        f"{'function':<26}{'ours ms':>10}{'/ np.exp':>10}  {'baseline':<18}{'base ms':>12}"
        f"{'speed-up':>10}"
    )
    for name, t_ours, base, t_base in rows:
        print(
            f"{name:<26}{t_ours * 1e3:>10.1f}{t_ours / t_floor:>10.1f}  {base:<18}"
            f"{t_base * 1e3:>12.1f}{t_base / t_ours:>10.1f}"
        )
    print(
        f"\nworst relative error of I_3 on 200 points: ours {err_ours:.1e}, naive {err_naive:.1e}"
    )
    print(f"lambdify of sqrt(omega**2 + Omega**2): {bad:,} of {N:,} results overflow; hypot: 0")


if __name__ == "__main__":
    main()
