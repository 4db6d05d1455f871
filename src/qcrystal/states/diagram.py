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


def _regions(grid: NDArray[np.int64], min_share: float = 0.003):
    """(mask, state) for each connected region of one state covering ≥ min_share of the grid.

    A 4-neighbour flood fill on a grid thinned to at most 200 × 200 (labels need no more).
    """
    step = max(1, max(grid.shape) // 200)
    small = grid[::step, ::step]
    seen = np.zeros(small.shape, dtype=bool)
    ny, nx = small.shape
    out = []
    for j0 in range(ny):
        for i0 in range(nx):
            if seen[j0, i0] or small[j0, i0] == len(STATES) - 1:  # no label for crossover
                continue
            code, stack, cells = small[j0, i0], [(j0, i0)], []
            seen[j0, i0] = True
            while stack:
                j, i = stack.pop()
                cells.append((j, i))
                for jj, ii in ((j + 1, i), (j - 1, i), (j, i + 1), (j, i - 1)):
                    if 0 <= jj < ny and 0 <= ii < nx and not seen[jj, ii] and small[jj, ii] == code:
                        seen[jj, ii] = True
                        stack.append((jj, ii))
            if len(cells) >= min_share * small.size:
                mask = np.zeros(grid.shape, dtype=bool)
                for j, i in cells:
                    mask[j * step, i * step] = True
                out.append((mask, STATES[int(code)]))
    return out


def model_diagram(
    model_path,
    U_range: tuple[float, float],
    T_range: tuple[float, float],
    n: int = 200,
    margin: float = 10.0,
    log: bool = True,
    zone: str = "debye",
) -> Diagram:
    """The states of a model over its lattice depth U (x) and temperature T (y).
    ``zone="exact"``: the Lindemann test over the whole zone of (43), and both melting
    lines drawn.

    The model's vectorized ω(U), T_D(U) and T_m(U) (:class:`~qcrystal.models.DepthFunctions`)
    feed :func:`~qcrystal.states.classify`.
    """
    from pathlib import Path

    from qcrystal import models
    from qcrystal.models.functions import localized_or_raise

    x = _axis(*U_range, n, log, "U")
    y = _axis(*T_range, n, log, "T")
    model = models.load(model_path)
    t0 = time.perf_counter()
    fns = models.DepthFunctions.from_model(model)
    omega = numerics.lattice_frequency(x, fns.E_R)
    localized_or_raise(omega[:, np.newaxis], fns.omega_squared(), str(model_path), x)
    t_d = fns.debye_temperature(x)
    grid = codes(
        omega[np.newaxis, :], fns.E_K, t_d[np.newaxis, :], y[:, np.newaxis], fns.d, margin, zone
    )
    name = Path(str(model_path)).name
    melt = fns.melting_temperature(x)
    curves = {"melting line T_m(U), r₀/a = 1/2": (x[melt > 0], melt[melt > 0])}
    if zone == "exact":
        whole = fns.melting_temperature(x, zone=zone)
        curves["melting line, whole zone of (43)"] = (x[whole > 0], whole[whole > 0])
    return Diagram(
        x, y, np.asarray(grid[0]), "U", "T",
        {"model": name, "d": fns.d, "margin": margin, "n": n, "E_K": fns.E_K, "log": log,
         "zone": zone, "warnings": _shallow_end_warnings(model_path, float(x[0]))},
        time.perf_counter() - t0, {}, curves,
    )  # fmt: skip


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
               "U": r"lattice depth $U$", "T": r"temperature $T$"}  # fmt: skip
    ax.set_xlabel(symbols.get(diagram.x_label, diagram.x_label))
    ax.set_ylabel(symbols.get(diagram.y_label, diagram.y_label))
    X, Y = np.meshgrid(xs, ys)
    for region, state in _regions(codes):
        # label at the median point of each sizeable connected region (log coordinates)
        lx = np.exp(np.median(np.log(X[region])))
        ly = np.exp(np.median(np.log(Y[region])))
        ax.text(lx, ly, _LABELS[state], ha="center", va="center", fontsize=8)
    styles = iter(["-", "--", ":", "-."])
    for name, value in diagram.lines.items():
        ax.axhline(value, color="k", lw=1.2, ls=next(styles), label=f"{name}: {value:.3g}")
    for (name, (cx, cy)), ls in zip(diagram.curves.items(), ["--", "-.", ":"], strict=False):
        ax.plot(cx, cy, color="k", lw=1.2, ls=ls, label=name)
    ax.set_ylim(diagram.y[0], diagram.y[-1])
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
    return fig


def plot(diagram: Diagram, paths) -> None:
    """Write the figure of the diagram to each path (the format from its suffix)."""
    from qcrystal.files import save_figure

    fig = figure(diagram)
    for path in paths:
        save_figure(fig, path, dpi=130)
