"""Per-crystal code generation: a ``[crystal]`` model file → a NumPy module of r₀²(T).

``qcrystal codegen --model FILE --out DIR`` on a [crystal] file renders
``templates/crystal_module.py.j2`` into ``DIR/<file stem>.py``: the zone quadratures of
:meth:`qcrystal.Crystal.mean_square_displacement` (41)–(42), whole zone and Debye sphere,
held as one Chebyshev series per zone over T ∈ [0, ∞), with the Lindemann ratio (47) and
the melting temperature built on them, and the crystal's constants.

The fit. With s = √(T/(T + T₀)) ∈ [0, 1) and x = 2s − 1, the fitted function is the bounded
g(x) = r₀² T₀/(T + T₀) = (1 − s²) r₀². Its ends are known: at T = 0, g = r₀²(0) with an
O(T²) = O(s⁴) thermal part in 3D; at T → ∞, coth y = 1/y + y/3 − y³/45 + … (y = ω/2T)
gives r₀² = T⟨Σ_s 1/ω_s²⟩/M + ⟨Σ_s 1⟩/(12 M T) + O(T⁻³), with ⟨Σ_s 1⟩ = d, so g tends to
T₀⟨Σ_s 1/ω_s²⟩/M analytically in 1 − s (the expansion in 1/T converges for T > ω_max/2π).
What limits the series is the cut of coth(ω/2T) along T ∈ ±i[0, ω_max/2π] (its poles
T = iω/2πn of every ω in the spectrum) and, in the zone sum itself, terms e^(−ω/T) of single
frequencies at T → 0. The square root in s spreads the nodes near T = 0, and a T₀ well
below c_max k_D keeps the cut's image away from the interval. Measured on the examples
(coefficients down to 1e-14 of g): s = T/(T + T₀) with T₀ = c_max k_D needs degree ~190
(bcc C/r⁶); the square root ~120; with T₀ = c_max k_D/(8π) ~55 (bcc, fcc Lennard-Jones;
/(16π) is better for bcc and worse for fcc). The coefficients come from ONE vectorized
call per zone at ``NODES`` first-kind Chebyshev nodes (none at T = 0 or ∞) by the discrete
cosine transform; the degree is where the dropped tail falls below ``TRUNCATE`` × min g, and a
series whose last coefficients are not below ``CONVERGED`` × min g is refused. The set-up
is the crystal's zone grid and long-wave spectrum (built once, 1–3 s in 3D); the 80
temperatures of each fit then cost ~0.1 s.

Before the module is put in place it is imported and checked (:func:`selfcheck_crystal`)
against :class:`qcrystal.Crystal` at temperatures that are not nodes, the extremes
included; a module that fails is not written. Output is deterministic, and user text
reaches only comments, made inert (as :mod:`.model_module`).
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qcrystal.models import read_text
from qcrystal.models.crystal_file import _DIRECTIONS, CrystalFile, load_crystal

from .model_module import ModelCodegenError, _load, _safe_text, render_template, write_checked

__all__ = ["render_crystal", "selfcheck_crystal", "write_crystal"]

TEMPLATE = "crystal_module.py.j2"
ZONES = ("exact", "debye")
NODES = 80  # Chebyshev nodes per zone: the degree ~60 the examples need, and room
TRUNCATE = 1e-13  # the dropped tail of the series, relative to min g
CONVERGED = 1e-13  # the last NODES // 8 coefficients must be below this × min g
# 1e-12 relative: the dropped tail (≤ TRUNCATE) and the aliasing error (of the size of the
# last coefficients, ≤ CONVERGED) of g are 2e-13 together; what is left is rounding, in the
# reference (sums of ~10⁶ terms, ~1e-15) and in Clenshaw (~degree × 1e-16). Measured worst:
# 3e-14, at T = 0 (an end of the series). The check is against qcrystal.Crystal itself, so
# 1e-12 tests the representation, not the zone quadrature (whose own error against the
# true integral is ~1e-6, see qcrystal.crystal.dynamics).
TOLERANCE = 1e-12
GRID = 16  # zone points per direction, as `qcrystal model show` uses


def _refuse_unstable(loaded: CrystalFile) -> None:
    scan = loaded.crystal.stability()
    if not scan.stable:
        k = ", ".join(f"{v:.3g}" for v in scan.k)
        raise ModelCodegenError(
            f"{loaded.source}: unstable: ω² = {scan.omega2:.3g} at k = ({k}), branch "
            f"{scan.branch}: no crystal of this geometry with this Φ; no module generated"
        )


def _scale(loaded: CrystalFile) -> tuple[float, list[tuple[str, NDArray[np.float64]]]]:
    """T₀ = c_max k_D/(8π) (or the plasmon's ω_L(k_D)/(8π) if larger) and the sound
    velocities along the file's symmetry directions."""
    from qcrystal.crystal import geometry

    c = loaded.crystal
    g = geometry(c.geometry, c.spacing)
    sound = []
    for direction in _DIRECTIONS.get(g.d, ((1.0,),)):
        label = "[" + "".join(str(int(v)) for v in direction) + "]"
        sound.append((label, np.asarray(c.sound_velocities(direction), dtype=float)))
    # a plasmon (Coulomb) has an infinite slope: its frequency at k_D sets the scale instead
    top = max(float(np.max(v[np.isfinite(v)], initial=0.0)) for _, v in sound) * g.debye_wavenumber
    plasmon = c._harmonic.plasmon
    if plasmon is not None:
        top = max(top, math.sqrt(plasmon[0] * g.debye_wavenumber ** plasmon[1]))
    return top / (8 * math.pi), sound


def _number(v: float) -> str:
    """A float as Python source: a plasmon's infinite slope as float("inf")."""
    return repr(float(v)) if math.isfinite(v) else 'float("inf")'


def _nodes() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """θ_j and x_j = cos θ_j, the first-kind Chebyshev nodes (x = ±1, T = 0 and ∞, excluded)."""
    theta = math.pi * (np.arange(NODES) + 0.5) / NODES
    return theta, np.cos(theta)


def _temperature(x: NDArray[np.float64], t0: float) -> NDArray[np.float64]:
    """T of x = 2s − 1, s = √(T/(T + T₀)): T = T₀ s²/(1 − s²)."""
    s = (x + 1.0) / 2.0
    return np.asarray(t0 * s**2 / ((1.0 - s) * (1.0 + s)))


def _divergence(loaded: CrystalFile, zone: str) -> tuple[str | None, str | None]:
    """Where the fit's call raised: Crystal's own error at T = 0 (None: finite there) and at
    T > 0 (d = 2: only T = 0 is finite (52)–(54); d = 1: neither)."""
    try:
        loaded.crystal.mean_square_displacement(np.array([0.0]), zone)
    except ValueError as exc:
        at_zero: str | None = str(exc)
    else:
        at_zero = None
    try:
        loaded.crystal.mean_square_displacement(np.array([1.0]), zone)
    except ValueError as exc:
        return at_zero, str(exc)
    raise ModelCodegenError(f"{loaded.source}: r₀² is finite at T = 1 but not at the nodes")


def _fit(loaded: CrystalFile, zone: str, t0: float) -> NDArray[np.float64]:
    """The Chebyshev coefficients of g(x) = r₀² T₀/(T + T₀), truncated to their decay."""
    theta, x = _nodes()
    T = _temperature(x, t0)
    r2 = np.asarray(loaded.crystal.mean_square_displacement(T, zone), dtype=float)  # one call
    g = r2 * (t0 / (T + t0))
    k = np.arange(NODES)
    c = (2.0 / NODES) * (np.cos(np.outer(k, theta)) @ g)
    c[0] /= 2
    scale = float(np.min(np.abs(g)))
    tail = np.cumsum(np.abs(c[::-1]))[::-1]  # tail[m] = Σ_(k ≥ m) |c_k|
    if not tail[-(NODES // 8)] <= CONVERGED * scale:
        raise ModelCodegenError(
            f"{loaded.source}: the {zone} r₀²(T) series has not converged at {NODES} nodes "
            f"(its last coefficients sum to {tail[-(NODES // 8)] / scale:.2g} of min g)"
        )
    small = np.flatnonzero(tail <= TRUNCATE * scale)  # degrees whose tail may be dropped
    return c[: max(int(small[0]), 1)] if small.size else c


def _literal(text: str | None) -> str:
    """A message as Python source: implicitly joined pieces, so no line passes 100."""
    if text is None:
        return "None"
    pieces, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) > 60:
            pieces.append(line)
            line = ""
        line += word + " "
    pieces.append(line[:-1])
    return "(" + " ".join(repr(p) for p in pieces) + ")"


def _context(loaded: CrystalFile, text: str, n: int) -> dict[str, object]:
    from qcrystal.crystal import geometry

    _refuse_unstable(loaded)
    c = loaded.crystal
    g = geometry(c.geometry, c.spacing)
    t0, sound = _scale(loaded)
    zones, degrees = [], []
    for zone in ZONES:
        at_zero: str | None = None
        above_zero: str | None = None
        try:
            coefficients = _fit(loaded, zone, t0)
        except ModelCodegenError:
            raise
        except ValueError:  # UnstableError is refused above: r₀² diverges (d ≤ 2)
            at_zero, above_zero = _divergence(loaded, zone)
            # d = 2: only T = 0, the series' constant; d = 1: nothing
            coefficients = np.zeros(0)
            if at_zero is None:
                coefficients = np.asarray(c.mean_square_displacement(np.array([0.0]), zone))
        degrees.append(f"{zone} degree {len(coefficients) - 1}")
        zones.append(
            {
                "name": zone,
                "coefficients": "".join(f"{float(v)!r}, " for v in coefficients),
                "at_zero": _literal(at_zero),
                "above_zero": _literal(above_zero),
            }
        )
    fit_note = textwrap.fill(
        f"Series: {', '.join(degrees)} (tail ≤ {TRUNCATE:g} of g); checked against "
        f"qcrystal.Crystal to {TOLERANCE:g} relative at temperatures off the nodes.",
        88,
    )
    return {
        "source": _safe_text(loaded.source),
        "name": textwrap.fill(_safe_text(loaded.name), 80),
        "geometry": g.name,
        "smearing": textwrap.fill(f"Interaction between sites: {_safe_text(c.smearing_note)}.", 88),
        "geometry_repr": repr(c.geometry),
        "interaction": _safe_text(str(loaded.interaction["kind"])),
        "d": g.d,
        "mass": repr(float(c.mass)),
        "spacing": repr(float(c.spacing)),
        "coordination": g.coordination,
        "k_debye": repr(float(g.debye_wavenumber)),
        "sound": [(repr(label), "".join(f"{_number(v)}, " for v in vs)) for label, vs in sound],
        "stable": "True",
        "grid": n,
        "t0": repr(t0),
        "nodes": NODES,
        "zones": zones,
        "fit_note": fit_note,
        "model_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def render_crystal(path: str | Path, n: int = GRID) -> str:
    """The generated module's text for the [crystal] file at ``path`` (zone grid n^d, as
    ``qcrystal model show``); a ModelCodegenError for an unstable crystal or a fit that
    does not converge, a ModelError for a file that is not a crystal."""
    return _render(Path(path), load_crystal(path, n), n)


def _render(path: Path, loaded: CrystalFile, n: int) -> str:
    return render_template(TEMPLATE, _context(loaded, read_text(path), n), f"{path.stem}.py")


def write_crystal(
    path: str | Path, out_dir: str | Path, force: bool = False, n: int = GRID
) -> tuple[Path, list[tuple[str, float, float]]]:
    """Render, check and write the module of a [crystal] file; its path and the rows.

    As :func:`.model_module.write_model`: written only when every row passes (else a
    ModelCodegenError and nothing written); an existing module is replaced only with
    ``force``; both checked before any work.
    """
    loaded: list[CrystalFile] = []  # one crystal (its zone grid and spectrum) for both

    def render() -> str:
        loaded.append(load_crystal(path, n))
        return _render(Path(path), loaded[0], n)

    return write_checked(
        path, out_dir, force, render, lambda trial: _selfcheck(loaded[0], trial),
        "qcrystal.Crystal",
    )  # fmt: skip


def check_temperatures(t0: float) -> NDArray[np.float64]:
    """Temperatures off the fit's nodes: T = 0 and 1e-300, the midpoints between every
    eighth pair of nodes, and far beyond both ends (to 1e300, past the reference's range)."""
    theta, _ = _nodes()
    mid = np.cos(0.5 * (theta[3::8] + theta[4::8]))  # between nodes 3 and 4, 11 and 12, …
    inner = _temperature(mid, t0)
    ends = [0.0, 1e-300, 1e-100, 1e-8 * t0, 1e4 * t0, 1e100, 1e250, 1e300]
    return np.unique(np.concatenate([ends, inner]))


def _relative(got: NDArray[np.float64], want: NDArray[np.float64]) -> float:
    if got.shape != want.shape or np.any(np.isnan(got)):
        return math.inf
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(got == want, 0.0, np.abs(got - want) / np.abs(want))
    return float(np.max(rel))


def selfcheck_crystal(
    path: str | Path, module_path: str | Path, n: int = GRID
) -> list[tuple[str, float, float]]:
    """(quantity, worst relative error, tolerance) of the generated module against
    :class:`qcrystal.Crystal` at :func:`check_temperatures` (none of them a node).

    r₀/a: against Crystal.lindemann_ratio (where Crystal raises, the module must raise the
    same message, else the row is inf). T_melt: the relative error of the module's T_melt
    as a root of Crystal's own r₀²(T) = (a/2)² (47), δT/T = δ(ln r₀²)/(d ln r₀²/d ln T):
    the residual itself, not a second root finder's stopping rule.
    """
    return _selfcheck(load_crystal(path, n), module_path)


def _selfcheck(loaded: CrystalFile, module_path: str | Path) -> list[tuple[str, float, float]]:
    mod: Any = _load(module_path)  # the generated module: its names are known, not typed
    crystal = loaded.crystal
    T = check_temperatures(float(mod.T0))
    rows = []
    for zone in ZONES:
        try:
            want = np.sqrt(crystal.mean_square_displacement(T, zone)) / crystal.spacing
            got = np.asarray(mod.lindemann_ratio(T, zone), dtype=float)
            err = _relative(got, want)
        except ValueError:
            err = _diverging(mod, loaded, T, zone)
        rows.append((f"r₀/a {zone}", err, TOLERANCE))
    for zone in ZONES:
        rows.append((f"T_melt {zone}", _melting_error(mod, loaded, zone), TOLERANCE))
    return rows


def _diverging(mod: Any, loaded: CrystalFile, T: NDArray[np.float64], zone: str) -> float:
    """Where Crystal raises (d ≤ 2): the same values at each T where it answers, the same
    error where it raises; inf for any difference."""
    worst = 0.0
    for t in T:
        try:
            want = float(np.sqrt(loaded.crystal.mean_square_displacement(np.array([t]), zone))[0])
        except ValueError as exc:
            try:
                mod.lindemann_ratio(t, zone)
            except ValueError as mine:
                if str(mine) == str(exc):
                    continue
            return math.inf
        got = float(mod.lindemann_ratio(t, zone)) * loaded.crystal.spacing
        worst = max(worst, _relative(np.array([got]), np.array([want])))
    return worst


def _melting_error(mod: Any, loaded: CrystalFile, zone: str) -> float:
    crystal = loaded.crystal
    try:
        mine = float(mod.melting_temperature(zone))
    except ValueError as exc:  # r₀² undefined at every T (a plasmon's Debye sphere)
        try:
            crystal.melting_temperature(zone)
        except ValueError as theirs:
            return 0.0 if str(theirs) == str(exc) else math.inf
        return math.inf
    if mine == 0.0:  # d ≤ 2, or r₀/a ≥ 1/2 at T = 0: Crystal must say the same
        return 0.0 if crystal.melting_temperature(zone) == 0.0 else math.inf
    target = (0.5 * crystal.spacing) ** 2
    pair = mine * np.array([1.0, 1.0 + 1e-6])
    r2 = np.asarray(crystal.mean_square_displacement(pair, zone), dtype=float)
    slope = (math.log(r2[1]) - math.log(r2[0])) / math.log1p(1e-6)  # d ln r₀²/d ln T
    return abs(math.log(r2[0] / target)) / slope
