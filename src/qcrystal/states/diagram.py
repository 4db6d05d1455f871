"""Phase diagrams of the four states over two axes: grids, CSV/JSON, and a figure.

The default axes are the paper's ratios ω/E_K and T_D/E_K (log grids), at a fixed T/E_K
and d. A model's depth U and temperature T are the other choice: the model's vectorized
functions of the depth (:class:`~qcrystal.models.DepthFunctions`, built in process) feed
:func:`~qcrystal.states.classify`. Grids can be computed on dask arrays (``chunks``),
which stay lazy until the end. Figures are :class:`matplotlib.figure.Figure` objects: no
pyplot state and no backend switch, so a Jupyter session keeps its own.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from qcrystal import numerics

from .classify import STATES, codes

__all__ = [
    "Diagram",
    "csv_chunks",
    "default_ranges",
    "figure",
    "json_chunks",
    "melting_line",
    "model_diagram",
    "plot",
    "ratio_diagram",
    "to_csv",
    "to_json",
]

_COLORS = {
    "conducting_optical_lattice": "#9ecae1",
    "insulating_optical_lattice": "#fdae6b",
    "delocalized_quantum_crystal": "#c7e9c0",
    "localized_quantum_crystal": "#74c476",
    "thermal": "#fcbba1",
    "crossover": "#f0f0f0",
}
_LABELS = {
    "conducting_optical_lattice": "conducting\noptical lattice",
    "insulating_optical_lattice": "insulating\noptical lattice",
    "delocalized_quantum_crystal": "delocalized\nquantum crystal",
    "localized_quantum_crystal": "localized\nquantum crystal",
    "thermal": "thermal\n(T ≥ U)",
    "crossover": "crossover",
}


@dataclass
class Diagram:
    x: NDArray[np.float64]  # axis values
    y: NDArray[np.float64]
    codes: NDArray[np.int64]  # (len(y), len(x)) indices into STATES
    x_label: str
    y_label: str
    params: dict
    seconds: float
    lines: dict  # name → y value of a horizontal line (Lindemann boundary, melting line)
    curves: dict = field(default_factory=dict)  # name → (x, y) of a line across the diagram

    def states(self) -> NDArray[np.str_]:
        return np.asarray(STATES)[self.codes]

    def counts(self) -> dict[str, int]:
        return {s: int(np.sum(self.codes == i)) for i, s in enumerate(STATES)}


def _axis(lo: float, hi: float, n: int, log: bool, name: str) -> NDArray[np.float64]:
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} range must be two finite numbers lo < hi (got {lo}, {hi})")
    if log and lo <= 0:
        raise ValueError(f"{name} range must be > 0 on a log axis (got {lo})")
    if not 2 <= n <= 20000:
        raise ValueError(f"points per axis must be in 2..20000 (got {n})")
    return np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)


def melting_line(T_over_EK: float, d: int, zone: str = "debye") -> float | None:
    """T_D/E_K at which r₀/a = 1/2 at temperature T (the Lindemann boundary when T = 0).

    None where no T_D gives a localized state (d = 1; d = 2 at T > 0). At T = 0 it is the
    generated bound :func:`qcrystal.lindemann_threshold` of (51); at T > 0 it inverts the
    generated :func:`qcrystal.melting_temperature` (with E_K = 1), which grows with T_D:
    bisection in ln(T_D/E_K) until T_m crosses T. ``zone``: r₀ over the Debye sphere
    ("debye", the paper's) or the whole zone of (43) ("exact").
    """
    threshold = float(numerics.lindemann_threshold(d, zone=zone))
    if math.isinf(threshold) or (d == 2 and T_over_EK > 0):
        return None
    if T_over_EK == 0:
        return threshold

    def above(log_td: float) -> bool:  # still localized at T: the line lies lower
        return float(numerics.melting_temperature(math.exp(log_td), 1.0, d, zone=zone)) > T_over_EK

    lo, hi = math.log(threshold), math.log(threshold) + 1.0
    while not above(hi):
        hi += 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if above(mid) else (mid, hi)
        if hi - lo < 1e-14:
            break
    return math.exp(0.5 * (lo + hi))


def ratio_diagram(
    x_range: tuple[float, float] = (1e-3, 1e3),
    y_range: tuple[float, float] = (1e-5, 1e4),
    n: int = 400,
    T_over_EK: float = 0.0,
    d: int = 3,
    margin: float = 10.0,
    chunks: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    log: bool = True,
    zone: str = "debye",
) -> Diagram:
    """The states over ω/E_K (x) and T_D/E_K (y), grids of n × n points (log by default).

    ``zone="exact"`` runs the Lindemann test with r₀ over the whole zone of (43) and draws
    its boundaries beside the paper's Debye-sphere ones."""
    x = _axis(*x_range, n, log, "ω/E_K")
    y = _axis(*y_range, n, log, "T_D/E_K")
    if T_over_EK < 0 or not math.isfinite(T_over_EK):
        raise ValueError(f"T/E_K must be a finite number >= 0 (got {T_over_EK})")
    t0 = time.perf_counter()
    if chunks is not None and chunks < 1:
        raise ValueError(f"chunks must be a positive number of points (got {chunks})")
    if chunks:
        try:
            import dask.array as da
        except ImportError:
            raise ValueError(
                "--chunks computes on dask arrays, and dask is not installed: "
                "pip install 'qcrystal[dask]'"
            ) from None

        X = da.from_array(x, chunks=chunks)[np.newaxis, :]
        Y = da.from_array(y, chunks=chunks)[:, np.newaxis]
        grid = np.asarray(codes(X, 1.0, Y, T_over_EK, d, margin, zone)[0].compute())
    else:
        grid = np.empty((n, n), dtype=np.int64)
        rows = max(1, 250_000 // n)  # blocks of ~2.5e5 points, for progress
        for start in range(0, n, rows):
            part = slice(start, start + rows)
            grid[part] = codes(
                x[np.newaxis, :], 1.0, y[part, np.newaxis], T_over_EK, d, margin, zone
            )[0]
            if progress is not None:
                progress(min(start + rows, n), n)
    lines = {}
    melt = melting_line(T_over_EK, d)
    if melt is not None:
        lines["Lindemann boundary 4d²/(d−1), T = 0"] = float(numerics.lindemann_threshold(d))
        if T_over_EK > 0:
            lines[f"melting line, T/E_K = {T_over_EK:g}"] = melt
    if zone == "exact":  # the whole zone's boundaries beside the paper's
        whole = melting_line(T_over_EK, d, zone)
        if whole is not None:
            lines["Lindemann boundary, whole zone of (43), T = 0"] = float(
                numerics.lindemann_threshold(d, zone=zone)
            )
            if T_over_EK > 0:
                lines[f"melting line, whole zone, T/E_K = {T_over_EK:g}"] = whole
    return Diagram(
        x, y, grid, "ω / E_K", "T_D / E_K",
        {"T/E_K": T_over_EK, "d": d, "margin": margin, "n": n, "log": log, "zone": zone},
        time.perf_counter() - t0, lines,
    )  # fmt: skip


def _label_points(grid: NDArray[np.int64], min_share: float = 0.003):
    """(row, column, state) of a label for each connected region of one state covering
    ≥ min_share of the grid (crossover unlabelled): the region's point farthest from its
    edge and from the grid's (scipy.ndimage: 4-neighbour regions, Euclidean distance)."""
    from scipy import ndimage

    out = []
    for code in np.unique(grid):
        if STATES[int(code)] == "crossover":
            continue
        regions, count = ndimage.label(grid == code)
        for k in range(1, count + 1):
            mask = regions == k
            if mask.sum() < min_share * grid.size:
                continue
            # padding: the grid's edge is an edge too, so a label stays inside the axes
            depth = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
            # of the points nearly as deep as the deepest, the one nearest the centroid
            # (a long strip has a whole line of deepest points)
            rows, cols = np.nonzero(depth >= 0.8 * depth.max())
            centre = np.argwhere(mask).mean(axis=0)
            k = int(np.argmin((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2))
            out.append((int(rows[k]), int(cols[k]), STATES[int(code)]))
    return out


def model_diagram(
    model_path,
    U_range: tuple[float, float],
    T_range: tuple[float, float],
    n: int = 200,
    margin: float = 10.0,
    log: bool = True,
    zone: str = "debye",
    units: str = "model",
) -> Diagram:
    """The states of a model over its lattice depth U (x) and temperature T (y).
    ``zone="exact"``: the Lindemann test over the whole zone of (43), and both melting
    lines drawn.

    The model's vectorized ω(U), T_D(U) and T_m(U) (:class:`~qcrystal.models.DepthFunctions`)
    feed :func:`~qcrystal.states.codes`, with U itself for the thermal test (T ≥ U). For
    a contact interaction at filling 1 (or a non-integer one) the Bose–Hubbard verdict
    decides where T ≪ U_onsite (:func:`~qcrystal.states.onsite_codes`), and the Mott
    point and the line T = U_onsite/margin are drawn. The grid is in model units; the
    figure shows s = U/E_R and T in ``units`` ("model", "lab": nK or µK, "recoil": E_R).
    """
    from pathlib import Path

    from qcrystal import models
    from qcrystal.models import hubbard
    from qcrystal.models.functions import localized_or_raise

    from .classify import onsite_codes

    x = _axis(*U_range, n, log, "U")
    y = _axis(*T_range, n, log, "T")
    model = models.load(model_path)
    t0 = time.perf_counter()
    fns = models.DepthFunctions.from_model(model)
    omega = numerics.lattice_frequency(x, fns.E_R)
    localized_or_raise(omega[:, np.newaxis], fns.omega_squared(), str(model_path), x)
    t_d = fns.debye_temperature(x)
    grid = codes(
        omega[np.newaxis, :], fns.E_K, t_d[np.newaxis, :], y[:, np.newaxis], fns.d, margin,
        zone, depth=x[np.newaxis, :],
    )[0]  # fmt: skip
    name = Path(str(model_path)).name
    melt = fns.melting_temperature(x)
    curves = {"melting line T_m(U), r₀/a = 1/2": (x[melt > 0], melt[melt > 0])}
    if zone == "exact":
        whole = fns.melting_temperature(x, zone=zone)
        curves["melting line, whole zone of (43)"] = (x[whole > 0], whole[whole > 0])
    params = {"model": name, "d": fns.d, "margin": margin, "n": n, "E_K": fns.E_K,
              "E_R": fns.E_R, "log": log, "zone": zone,
              "warnings": _shallow_end_warnings(model_path, float(x[0]))}  # fmt: skip
    onsite = hubbard.onsite_over_depth(model, x)
    if onsite is not None:
        grid, _ = onsite_codes(
            grid, y[:, np.newaxis], onsite.U_onsite[np.newaxis, :],
            onsite.U_over_J[np.newaxis, :], onsite.critical, margin,
        )  # fmt: skip
        line = onsite.U_onsite / margin
        shown = np.isfinite(line)
        curves[f"T = U_onsite/{margin:g}: Bose–Hubbard below"] = (x[shown], line[shown])
        # no critical value (None in JSON) at a non-integer filling: superfluid at any U/J
        finite = math.isfinite(onsite.critical)
        bose_hubbard: dict[str, object] = {
            "critical": onsite.critical if finite else None,
            "source": onsite.source,
        }
        params["bose_hubbard"] = bose_hubbard
        crossing = _crossing(x, onsite.U_over_J, onsite.critical)
        if crossing is not None:
            top = float(np.interp(crossing, x, line))
            curves[f"Mott point (U/J)_c = {onsite.critical:.4g}"] = (
                np.array([crossing, crossing]),
                np.array([float(y[0]), top]),
            )
            bose_hubbard["U_c"] = crossing
    params["display"] = _display(model, units, fns.E_R, y)
    return Diagram(x, y, np.asarray(grid), "U", "T", params, time.perf_counter() - t0, {}, curves)


def default_ranges(
    model_path, margin: float = 10.0
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Depth and temperature ranges that show a model's states: U from a tenth of the
    file's depth to ten times it, widened to take in every change of state along U at
    T = 0 (scanned over s = U/E_R in 1e-3..1e4, the Mott point included); T from 1e-3 E_K
    to the larger of 1e3 E_K and twice the melting temperature at the deepest U."""
    from qcrystal import models
    from qcrystal.models import hubbard

    from .classify import onsite_codes

    model = models.load(model_path)
    fns = models.DepthFunctions.from_model(model)
    U0 = float(model.depth[0])
    lo, hi = 0.1 * U0, 10.0 * U0
    U = np.geomspace(1e-3, 1e4, 281) * fns.E_R
    try:
        omega = numerics.lattice_frequency(U, fns.E_R)
        grid = codes(omega, fns.E_K, fns.debye_temperature(U), 0.0, fns.d, margin, depth=U)[0]
    except ValueError:  # no localized state somewhere on the scan: keep the file's decade
        grid = None
    if grid is not None:
        onsite = hubbard.onsite_over_depth(model, U)
        if onsite is not None:
            grid, _ = onsite_codes(grid, 0.0, onsite.U_onsite, onsite.U_over_J,
                                   onsite.critical, margin)  # fmt: skip
        changes = U[1:][np.diff(grid) != 0]
        if len(changes):
            lo = min(lo, 0.5 * float(changes[0]))
            hi = max(hi, 3.0 * float(changes[-1]))
    if U0 <= 0:
        lo, hi = 1e-2 * fns.E_R, 1e2 * fns.E_R
    deepest = models.load(model_path, {"lattice.depth": hi})
    t_melt = models.quantities(deepest).scalar("T_melt")
    return (lo, hi), (1e-3 * fns.E_K, max(1e3 * fns.E_K, 2.0 * t_melt))


def _crossing(x: NDArray[np.float64], ratio: NDArray[np.float64], critical: float) -> float | None:
    """The depth where U/J passes ``critical`` (log–log interpolation between the two grid
    points around it); None if it does not within the grid."""
    above = ratio > critical
    if not math.isfinite(critical) or not np.any(above) or np.all(above | ~np.isfinite(ratio)):
        return None
    i = int(np.argmax(above))
    if i == 0 or not np.isfinite(ratio[i - 1]):
        return None
    lo, hi = np.log(ratio[i - 1]), np.log(min(ratio[i], 1e300))
    t = (math.log(critical) - lo) / (hi - lo)
    return float(np.exp(np.log(x[i - 1]) + t * (np.log(x[i]) - np.log(x[i - 1]))))


def _display(model, units: str, E_R: float, T: NDArray[np.float64]) -> dict:
    """How the figure shows its axes: x as s = U/E_R, T scaled into ``units``."""
    from qcrystal.models.display import convert

    top = convert("T_axis", float(np.max(T)), "energy", model, units, E_R)
    assert isinstance(top.value, float)  # one number in, one out
    scale = top.value / float(np.max(T))
    unit = {"energy": "model units"}.get(top.unit, top.unit)
    return {"x": [1.0 / E_R, "s = U / E_R"], "y": [scale, unit]}


def _shallow_end_warnings(model_path, shallowest: float) -> list[str]:
    """What `model show` would warn about at the shallowest depth of the diagram.

    The Gaussians are widest there (l = 1/√(mε) shrinks as U grows), so an expansion of
    (44) in l that holds at the shallow end holds across the whole diagram.
    """
    from qcrystal import models

    m = models.load(model_path, {"lattice.depth": shallowest})
    return [f"at U = {shallowest:.6g}: {note}" for note in models.quantities(m).warnings]


def to_csv(diagram: Diagram) -> str:
    """Every point as ``x,y,state`` rows (the whole grid; see :func:`csv_chunks`)."""
    return "".join(csv_chunks(diagram))


def csv_chunks(diagram: Diagram, rows: int = 64) -> Iterator[str]:
    """:func:`to_csv` in pieces of ``rows`` grid rows, to be written as they come: a grid of
    10⁷ points is a 500 MB file that need never be in memory whole."""
    xs = [repr(float(v)) for v in diagram.x]
    names = list(STATES)
    yield "x,y,state\n"
    for start in range(0, diagram.codes.shape[0], rows):
        block = diagram.codes[start : start + rows]
        parts = []
        for y, row in zip(diagram.y[start : start + rows], block, strict=True):
            ys = repr(float(y))
            parts.append(
                "".join(f"{x},{ys},{names[c]}\n" for x, c in zip(xs, row.tolist(), strict=True))
            )
        yield "".join(parts)


def to_json(diagram: Diagram) -> str:
    """The grid, its axes, counts and parameters as one JSON object (see :func:`json_chunks`)."""
    return "".join(json_chunks(diagram))


def json_chunks(diagram: Diagram, rows: int = 256) -> Iterator[str]:
    """:func:`to_json` in pieces: the codes a block of rows at a time."""
    head = {
        "x": {"label": diagram.x_label, "values": diagram.x.tolist()},
        "y": {"label": diagram.y_label, "values": diagram.y.tolist()},
        "states": list(STATES),
    }
    tail = {
        "counts": diagram.counts(),
        "params": diagram.params,
        "lines": diagram.lines,
        "curves": {k: [v[0].tolist(), v[1].tolist()] for k, v in diagram.curves.items()},
    }
    # rows follow y, columns follow x
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "codes": ['
    for start in range(0, diagram.codes.shape[0], rows):
        block = diagram.codes[start : start + rows].tolist()
        text = ", ".join(json.dumps(row) for row in block)
        yield text if start == 0 else ", " + text
    yield "], " + json.dumps(tail, ensure_ascii=False)[1:]


# Grid points per axis the figure draws at most: about its pixels (9 × 5.6 in at 130 dpi
# is 1170 × 730 px in all, the axes less). A finer grid is drawn at this resolution,
# each pixel the state at the grid point nearest it.
RASTER = 800


def _raster(diagram: Diagram) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """x, y and codes thinned to at most RASTER points per axis (evenly spaced indices)."""
    ny, nx = diagram.codes.shape
    ix = np.unique(np.rint(np.linspace(0, nx - 1, min(nx, RASTER))).astype(np.intp))
    iy = np.unique(np.rint(np.linspace(0, ny - 1, min(ny, RASTER))).astype(np.intp))
    return diagram.x[ix], diagram.y[iy], diagram.codes[np.ix_(iy, ix)]


def figure(diagram: Diagram):
    """The diagram as a :class:`matplotlib.figure.Figure`: states shaded and labelled, the
    boundary lines drawn."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    fig = Figure(figsize=(9.0, 5.6), layout="constrained")
    ax = fig.subplots()
    cmap = ListedColormap([_COLORS[s] for s in STATES])
    xs, ys, codes = _raster(diagram)
    shown = diagram.params.get("display", {"x": (1.0, ""), "y": (1.0, "")})
    (x_scale, _), (y_scale, y_unit) = shown["x"], shown["y"]
    xs, ys = xs * x_scale, ys * y_scale
    ax.pcolormesh(
        xs,
        ys,
        codes,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(STATES) - 0.5,
        shading="nearest",
        rasterized=True,
    )
    if diagram.params.get("log", True):
        ax.set_xscale("log")
        ax.set_yscale("log")
    symbols = {"ω / E_K": r"$\omega / E_K$", "T_D / E_K": r"$T_D / E_K$",
               "U": r"lattice depth $s = U / E_R$", "T": f"temperature $T$ ({y_unit})"}  # fmt: skip
    ax.set_xlabel(symbols.get(diagram.x_label, diagram.x_label))
    ax.set_ylabel(symbols.get(diagram.y_label, diagram.y_label))
    labels = [
        ax.text(xs[i], ys[j], _LABELS[state], ha="center", va="center", fontsize=8)
        for j, i, state in _label_points(codes)
    ]
    styles = iter(["-", "--", ":", "-."])
    for name, value in diagram.lines.items():
        ax.axhline(value, color="k", lw=1.2, ls=next(styles), label=f"{name}: {value:.3g}")
    drawn = [(k, v) for k, v in diagram.curves.items() if len(v[0])]
    for (name, (cx, cy)), ls in zip(drawn, ["--", "-.", ":", "-"], strict=False):
        ax.plot(cx * x_scale, cy * y_scale, color="k", lw=1.2, ls=ls, label=name)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    if diagram.x_label == "ω / E_K":
        ax.axvline(1.0, color="0.3", lw=0.6)  # ω = E_K: shallow to the left, deep to the right
    handles = [Patch(color=_COLORS[s], label=s.replace("_", " ")) for s in STATES]
    line_handles, _ = ax.get_legend_handles_labels()
    ax.legend(
        handles=handles + line_handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0)
    )
    p = diagram.params
    where = f"model {p['model']}" if "model" in p else f"T/E_K = {p['T/E_K']:g}"
    zone = ", r₀ over the whole zone of (43)" if p.get("zone") == "exact" else ""
    ax.set_title(f"states: {where}, d = {p['d']}, ≪ read as ×{p['margin']:g}{zone}", fontsize=10)
    _inside(fig, ax, labels)
    return fig


def _inside(fig, ax, labels) -> None:
    """Shift each label whose box crosses the axes' edge back inside (a narrow region at
    the edge has its deepest point near it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # a canvas of its own to measure text with (no pyplot, no global backend)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()
    frame = ax.get_window_extent(renderer)
    for text in labels:
        box = text.get_window_extent(renderer)
        if box.x0 < frame.x0:
            text.set_horizontalalignment("left")
        elif box.x1 > frame.x1:
            text.set_horizontalalignment("right")
        if box.y0 < frame.y0:
            text.set_verticalalignment("bottom")
        elif box.y1 > frame.y1:
            text.set_verticalalignment("top")


def plot(diagram: Diagram, paths) -> None:
    """Write the figure of the diagram to each path (the format from its suffix)."""
    from qcrystal.files import save_figure

    fig = figure(diagram)
    for path in paths:
        save_figure(fig, path, dpi=130)
