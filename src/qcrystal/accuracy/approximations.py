"""How good are the paper's approximations? Gaussian ansatz and asymptotics beside exact bands.

For the 1D lattice U sin²(k₀x) at depth s = U/E_R (E_R units, k₀ = 1, a = π), this module
puts side by side:

* the tunneling J: the Gaussian ansatz (29) with the paper's harmonic width ε = ω (the
  derived J_ij of (7), computed by the generated ``gaussian_hopping``), the same with the
  variational width, the deep-lattice asymptotic (4/√π) s^(3/4) e^(−2√s), and the exact
  nearest-neighbour hopping of the lowest band;
* the oscillation frequency: harmonic ω = 2√s of (34), the variational Gaussian optimum,
  and the exact spacing between the mean energies of the two lowest bands (their Wannier
  onsite energies, the lattice analogue of an oscillator's level spacing);
* the onsite overlap ∫w⁴ dx: Gaussian (harmonic and variational) and exact Wannier.

The variational width minimises the exact Gaussian expectation of −∂² + s sin²x, with the
exact ⟨sin²⟩ = (1 − e^(−l²))/2 rather than its harmonic expansion; both expectation values
come from the symbolic core (``qcrystal.derivations.gaussian``). Its stationarity condition
is s = e^λ/λ², λ = (k₀l)², which has a localized solution only for s ≥ e²/4.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from qcrystal import numerics
from qcrystal.derivations import gaussian
from qcrystal.derivations.symbols import k0, l, m

from . import bands as band_structure

__all__ = [
    "DEFAULT_DEPTHS",
    "RATIO_KEYS",
    "VARIATIONAL_MIN_DEPTH",
    "AccuracyRow",
    "accuracy_table",
    "approximation_check",
    "asymptotic_hopping",
    "exact_frequency",
    "figure",
    "gaussian_hopping_1d",
    "gaussian_overlap",
    "plot",
    "report_notes",
    "to_csv",
    "to_records",
    "to_text",
    "unresolved_from",
    "variational_width",
    "within",
]

DEFAULT_DEPTHS = (1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50)
VARIATIONAL_MIN_DEPTH = math.e**2 / 4  # min of e^λ/λ², at λ = 2


@functools.cache
def _variational_condition() -> tuple[sp.Expr, sp.Symbol, sp.Symbol]:
    """dE/dl = 0 for E(l) = ⟨−∂²/2m⟩ + U⟨sin² k₀x⟩, in E_R units with λ = (k₀l)², s = U/E_R."""
    s_sym, lam = sp.symbols("s lambda", positive=True)
    U_sym = sp.Symbol("U", positive=True)
    energy = gaussian.kinetic_mean().result + U_sym * gaussian.sin2_mean().result
    # E_R = k₀²/2m: measure E in E_R and lengths in 1/k₀ (m = 1/2, k₀ = 1, U = s).
    in_units = energy.subs({m: sp.Rational(1, 2), k0: 1, U_sym: s_sym})
    stationary = sp.diff(in_units, l).subs(l, sp.sqrt(lam))
    return sp.simplify(stationary), s_sym, lam


def variational_width(s: ArrayLike) -> NDArray[np.float64]:
    """λ = (k₀l)² of the variational Gaussian, the localized root of s = e^λ/λ² (λ < 2).

    Raises ValueError for s < e²/4 ≈ 1.85, where the Gaussian energy has no minimum at finite
    width (the variational state spreads over the lattice). Newton on ln λ from the deep-
    lattice start λ = 1/√s, checked against the symbolic stationarity condition in the tests.
    """
    s = np.asarray(s, dtype=np.float64)
    bad = ~(s >= VARIATIONAL_MIN_DEPTH) | ~np.isfinite(s)
    if np.any(bad):
        raise ValueError(
            f"the variational Gaussian needs s >= e²/4 ≈ {VARIATIONAL_MIN_DEPTH:.4f} "
            f"(got {float(np.ravel(s[bad])[0])!r}); below it no localized minimum exists"
        )
    # g(u) = u − 2 ln λ − ln s with λ = e^u, rewritten from λ² e^(−λ) = 1/s: monotone for λ < 2.
    u = np.log(np.minimum(1.0 / np.sqrt(s), 1.999))
    for _ in range(60):
        lam = np.exp(u)
        g = lam - 2.0 * u - np.log(s)
        step = g / (lam - 2.0)
        u = np.minimum(u - step, math.log(2.0))
        if np.all(np.abs(step) < 1e-15):
            break
    return np.exp(u)


def gaussian_hopping_1d(s: ArrayLike, width: str = "harmonic") -> NDArray[np.float64]:
    """J/E_R from the Gaussian ansatz, nearest neighbour, with the harmonic or variational width."""
    s = np.asarray(s, dtype=np.float64)
    eps = _gaussian_eps(s, width)
    return numerics.gaussian_hopping(
        np.full((*s.shape, 1), np.pi), eps[..., None], s[..., None], np.ones((*s.shape, 1)), 0.5
    )


def _gaussian_eps(s: NDArray[np.float64], width: str) -> NDArray[np.float64]:
    """ε/E_R of the Gaussian: 2√s (harmonic, eq. 34) or 2/λ (variational), since l² = 1/(mε)."""
    if width == "harmonic":
        return 2.0 * np.sqrt(s)
    if width == "variational":
        return 2.0 / variational_width(s)
    raise ValueError(f"width must be 'harmonic' or 'variational' (got {width!r})")


def gaussian_overlap(s: ArrayLike, width: str = "harmonic") -> NDArray[np.float64]:
    """∫ w⁴ dx = 1/(√(2π) l) for the Gaussian (29), in units of k₀."""
    s = np.asarray(s, dtype=np.float64)
    l_width = np.sqrt(2.0 / _gaussian_eps(s, width))  # k₀l with m = 1/2
    return 1.0 / (np.sqrt(2.0 * np.pi) * l_width)


def asymptotic_hopping(s: ArrayLike) -> NDArray[np.float64]:
    """The deep-lattice formula J/E_R = (4/√π) s^(3/4) e^(−2√s) (Mathieu asymptotics)."""
    s = np.asarray(s, dtype=np.float64)
    return 4.0 / np.sqrt(np.pi) * s**0.75 * np.exp(-2.0 * np.sqrt(s))


def exact_frequency(s: ArrayLike) -> NDArray[np.float64]:
    """ε/E_R: mean energy of band 1 minus that of band 0 (their Wannier onsite energies)."""
    s_arr = np.asarray(s, dtype=np.float64)
    q = band_structure.zone()
    out = np.empty(s_arr.shape)
    for idx, depth in np.ndenumerate(s_arr):
        e = band_structure.band_energies(float(depth), q, bands=2)
        out[idx] = e[:, 1].mean() - e[:, 0].mean()
    return out


@dataclass(frozen=True)
class AccuracyRow:
    """One depth: exact values and each approximation's ratio to exact."""

    s: float
    J_exact: float | None  # None where J is below the float64 resolution of the bands
    J_gauss: float  # harmonic width, as in the paper
    J_gauss_var: float | None  # None below e²/4
    J_asymptotic: float
    freq_exact: float
    freq_harmonic: float
    freq_var: float | None
    overlap_exact: float
    overlap_gauss: float
    overlap_gauss_var: float | None

    def ratios(self) -> dict[str, float | None]:
        def r(x: float | None, ref: float | None) -> float | None:
            return None if x is None or ref is None else x / ref

        return {
            "J gauss/exact": r(self.J_gauss, self.J_exact),
            "J gauss-var/exact": r(self.J_gauss_var, self.J_exact),
            "J asymptotic/exact": r(self.J_asymptotic, self.J_exact),
            "freq harmonic/exact": r(self.freq_harmonic, self.freq_exact),
            "freq var/exact": r(self.freq_var, self.freq_exact),
            "overlap gauss/exact": r(self.overlap_gauss, self.overlap_exact),
            "overlap gauss-var/exact": r(self.overlap_gauss_var, self.overlap_exact),
        }


def accuracy_table(depths: ArrayLike = DEFAULT_DEPTHS, progress=None) -> list[AccuracyRow]:
    """One :class:`AccuracyRow` per depth (each s in (0, 1e4]); ``progress(i, n)`` if given."""
    depths = np.atleast_1d(np.asarray(depths, dtype=np.float64))
    if depths.ndim != 1 or not np.all((depths > 0) & (depths <= 1e4)):
        raise ValueError(f"depths must be numbers in (0, 1e4] (got {depths.tolist()!r})")
    rows = []
    for i, s in enumerate(depths):
        var = s >= VARIATIONAL_MIN_DEPTH
        j_exact = float(band_structure.exact_hopping(s))
        rows.append(
            AccuracyRow(
                s=float(s),
                J_exact=j_exact if abs(j_exact) >= band_structure.hopping_resolution(s) else None,
                J_gauss=float(gaussian_hopping_1d(s)),
                J_gauss_var=float(gaussian_hopping_1d(s, "variational")) if var else None,
                J_asymptotic=float(asymptotic_hopping(s)),
                freq_exact=float(exact_frequency(s)),
                freq_harmonic=float(2.0 * np.sqrt(s)),
                freq_var=float(_gaussian_eps(np.asarray(s), "variational")) if var else None,
                overlap_exact=float(band_structure.wannier_overlap(s)),
                overlap_gauss=float(gaussian_overlap(s)),
                overlap_gauss_var=float(gaussian_overlap(s, "variational")) if var else None,
            )
        )
        if progress is not None:
            progress(i + 1, depths.size)
    return rows


def within(rows: list[AccuracyRow], key: str, tolerance: float = 0.1) -> float | None:
    """The smallest tabulated depth from which on ``key``'s ratio stays within ±tolerance of 1.

    None when it is not within tolerance at the deepest tabulated depth ("never" on this grid).
    """
    found = None
    for row in reversed(rows):
        if row.J_exact is None and key.startswith("J "):
            continue  # no exact J to compare with at this depth (see unresolved_from)
        ratio = row.ratios()[key]
        if ratio is None or abs(ratio - 1.0) > tolerance:
            break
        found = row.s
    return found


def unresolved_from(rows: list[AccuracyRow]) -> float | None:
    """The smallest tabulated depth whose exact J is below the bands' float64 resolution."""
    return min((row.s for row in rows if row.J_exact is None), default=None)


_COLUMNS = (
    ("s", "s = U/E_R"),
    ("J_exact", "J exact/E_R"),
    ("J gauss/exact", "J Gauss (ε=ω)"),
    ("J gauss-var/exact", "J Gauss (var.)"),
    ("J asymptotic/exact", "J asympt."),
    ("freq harmonic/exact", "ω harm."),
    ("freq var/exact", "ε var."),
    ("overlap gauss/exact", "∫w⁴ Gauss"),
    ("overlap gauss-var/exact", "∫w⁴ Gauss var."),
)
RATIO_KEYS = tuple(k for k, _ in _COLUMNS[2:])


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def to_text(rows: list[AccuracyRow], tolerance: float = 0.1) -> str:
    """The table of ratios to exact, and from which depth each is within ±tolerance."""
    head = [label for _, label in _COLUMNS]
    body = []
    for row in rows:
        ratios = row.ratios()
        exact = "unresolved" if row.J_exact is None else f"{row.J_exact:.4e}"
        body.append([f"{row.s:g}", exact] + [_fmt(ratios[k]) for k in RATIO_KEYS])
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    lines += ["", f"ratios to exact; within ±{tolerance:.0%} of exact from depth (on this grid):"]
    for key, label in _COLUMNS[2:]:
        s = within(rows, key, tolerance)
        lines.append(f"  {label:<16} " + ("never" if s is None else f"s ≥ {s:g}"))
    deep = unresolved_from(rows)
    if deep is not None:
        lines.append(
            f"exact J is below the float64 resolution of the band energies from s = {deep:g} "
            "on (J ≪ 1000 ulp of s): the J columns leave those depths out"
        )
    return "\n".join(lines)


def to_records(rows: list[AccuracyRow], tolerance: float = 0.1) -> dict:
    """JSON-ready: the values, the ratios, and the within-tolerance depths."""
    return {
        "units": "energies in E_R = k0^2/2m, lengths in 1/k0, overlap in k0",
        "rows": [{**row.__dict__, "ratios": row.ratios()} for row in rows],
        "tolerance": tolerance,
        "within_from_depth": {k: within(rows, k, tolerance) for k in RATIO_KEYS},
        "exact_J_unresolved_from_depth": unresolved_from(rows),
    }


def to_csv(rows: list[AccuracyRow]) -> str:
    fields = list(AccuracyRow.__dataclass_fields__)
    out = [",".join(fields + list(RATIO_KEYS))]
    for row in rows:
        values = [getattr(row, f) for f in fields] + [row.ratios()[k] for k in RATIO_KEYS]
        out.append(",".join("" if v is None else repr(float(v)) for v in values))
    return "\n".join(out) + "\n"


def figure(rows: list[AccuracyRow]):
    """Ratios to exact against s, one panel each for J, the frequency and ∫w⁴, as a
    :class:`matplotlib.figure.Figure`."""
    from matplotlib.figure import Figure

    s = np.array([r.s for r in rows])
    panels = (
        ("tunneling J", ("J gauss/exact", "J gauss-var/exact", "J asymptotic/exact")),
        ("oscillation frequency", ("freq harmonic/exact", "freq var/exact")),
        ("onsite overlap ∫w⁴", ("overlap gauss/exact", "overlap gauss-var/exact")),
    )
    labels = dict(_COLUMNS)
    fig = Figure(figsize=(12, 3.8), layout="constrained")
    axes = fig.subplots(1, 3)
    for ax, (title, keys) in zip(axes, panels, strict=True):
        for key in keys:
            values = [r.ratios()[key] for r in rows]
            # None (no variational minimum) and ratios ≤ 0 (a sign flip) have no log.
            ratio = np.array([np.nan if v is None or v <= 0 else v for v in values])
            ax.plot(s, ratio, marker="o", ms=3, label=labels[key])
        ax.axhspan(0.9, 1.1, color="0.9", zorder=0, label="±10 %")
        ax.axhline(1.0, color="0.4", lw=0.8)
        ax.set_xscale("log")
        if keys[0].startswith("J"):  # J's ratios span decades; the others stay near 1
            ax.set_yscale("log")
        ax.set_xlabel("lattice depth $s = U/E_R$")
        ax.set_title(title)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("approximation / exact")
    return fig


def plot(rows: list[AccuracyRow], path) -> None:
    """Write :func:`figure` to ``path`` (PNG, SVG or PDF by its suffix)."""
    from qcrystal.files import save_figure

    save_figure(figure(rows), path)


_CHECK_DEPTHS = (3.0, 10.0, 20.0, 50.0)
# The paper's displays that rest on the Gaussian ansatz or the harmonic expansion, and the
# ratio of this table that measures each: (29) its onsite overlap, (34) the harmonic
# frequency, J_ij the tunneling.
_REPORT_CHECKS = {
    "29": ("overlap gauss/exact", "∫w⁴ of the Gaussian (29) / exact Wannier"),
    "34": ("freq harmonic/exact", "harmonic ω of (34) / exact band spacing"),
    "J_ij": ("J gauss/exact", "Gaussian-ansatz J / exact nearest-neighbour J"),
}


@functools.cache
def _check_rows() -> tuple[AccuracyRow, ...]:
    return tuple(accuracy_table(_CHECK_DEPTHS))


def approximation_check(key: str, label: str) -> str:
    """One sentence of measured accuracy for an equation that rests on an approximation:
    the ratio ``key`` of :meth:`AccuracyRow.ratios` at four depths (for the reports)."""
    ratios = ", ".join(f"{r.ratios()[key]:.3g} at s = {r.s:g}" for r in _check_rows())
    return f"Approximation check (`qcrystal accuracy`, 1D lattice, s = U/E_R): {label} = {ratios}."


def report_notes() -> dict[str, Callable[[], str]]:
    """For the verification report: record id → its measured approximation check (each
    computed only when the report asks for it)."""
    return {eq_id: functools.partial(approximation_check, *check)
            for eq_id, check in _REPORT_CHECKS.items()}  # fmt: skip
