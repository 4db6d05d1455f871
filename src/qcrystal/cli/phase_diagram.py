"""``qcrystal phase-diagram``: the four states over two axes, as a figure, CSV and JSON."""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import Formatter, add_budget, budgeted, dump_json, fail, positive_int

if TYPE_CHECKING:
    from qcrystal.states.diagram import Diagram

NAME = "phase-diagram"
HELP = "the four states over ω/E_K and T_D/E_K (or a model's U and T), as a figure, CSV, JSON"
FORMATS = ("png", "svg", "csv", "json")
# Peak memory, measured at --n 1000 and 3163 (10⁶ and 10⁷ points): 8–11 bytes a grid
# point for any output (the grid and its classification; the figure is drawn at its own
# resolution, CSV and JSON are written a block of rows at a time) above a start of 45 MB,
# and 150 MB more for a figure (matplotlib). The estimate keeps a margin on both.
_BYTES_PER_POINT = {"grid": 16, "png": 0, "svg": 0, "csv": 0, "json": 0}
_BASE_MEGABYTES = 60
_FIGURE_MEGABYTES = 160


def add_arguments(sub: argparse._SubParsersAction) -> None:
    ph = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="Classify a log grid of ω/E_K × T_D/E_K at a fixed T/E_K and d (or, with "
        "--model, of the model's depth U × temperature T), and write PREFIX.png, PREFIX.svg, "
        "PREFIX.csv and PREFIX.json.",
        epilog="examples:\n  qcrystal phase-diagram --out diagram\n"
        "  qcrystal phase-diagram --T 0.5 --n 1000 --chunks 250 --out hot\n"
        "  qcrystal phase-diagram --model examples/rydberg.toml --out rydberg",
    )
    ph.add_argument("--out", required=True, metavar="PREFIX", help="output files PREFIX.*")
    ph.add_argument(
        "--formats", default="png,svg,csv,json", metavar="LIST",
        help="which files to write, comma-separated from png, svg, csv, json (default: all; "
        "the CSV holds every point: 55 MB at --n 1000)",
    )  # fmt: skip
    ph.add_argument("--xrange", type=float, nargs=2, default=(1e-3, 1e3), metavar=("LO", "HI"),
                    help="ω/E_K range (default 1e-3 1e3)")  # fmt: skip
    ph.add_argument("--yrange", type=float, nargs=2, default=(1e-5, 1e4), metavar=("LO", "HI"),
                    help="T_D/E_K range (default 1e-5 1e4)")  # fmt: skip
    ph.add_argument("--n", type=int, default=400, help="points per axis (default 400)")
    ph.add_argument("--T", type=float, default=0.0, help="temperature T/E_K (default 0)")
    ph.add_argument("--d", type=int, default=3, help="dimension (default 3)")
    ph.add_argument("--margin", type=float, default=10.0, help="the factor read as ≪ (10)")
    ph.add_argument(
        "--zone", choices=("debye", "exact"), default="debye",
        help="r₀ of the Lindemann test over the Debye sphere (the paper's, default) or the "
        "whole zone of the spectrum (43); exact also draws the paper's boundaries and "
        "melting line",
    )  # fmt: skip
    ph.add_argument("--chunks", type=positive_int, default=None,
                    help="compute on dask arrays of this chunk size")  # fmt: skip
    ph.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    ph.add_argument("--force", action="store_true", help="replace existing PREFIX.* files")
    add_budget(ph)
    ph.add_argument("--linear", action="store_true", help="linear axes (default: log)")
    ph.add_argument("--model", type=Path, metavar="FILE",
                    help="axes U and T of this model (not the ratios)")  # fmt: skip
    ph.add_argument(
        "--Urange", type=float, nargs=2, default=None, metavar=("LO", "HI"),
        help="with --model: depth range in model units (default: 0.1 to 10 times the "
        "file's depth, widened to take in every change of state along U at T = 0)",
    )  # fmt: skip
    ph.add_argument(
        "--Trange", type=float, nargs=2, default=None, metavar=("LO", "HI"),
        help="with --model: temperature range in model units (default 1e-3 E_K to the "
        "larger of 1e3 E_K and twice the melting temperature at the deepest U)",
    )  # fmt: skip
    ph.add_argument(
        "--units", choices=("model", "lab", "recoil"), default="model",
        help="with --model: the figure's T axis in model units, lab units (nK or µK; a file "
        "in lab units) or recoil units E_R; its x axis is s = U/E_R, and CSV/JSON keep "
        "model units",
    )  # fmt: skip


def _diagram(args: argparse.Namespace, show: Callable[[int, int], None]) -> Diagram:
    from qcrystal.states import diagram

    if args.model:
        if args.chunks:
            raise ValueError("--chunks is for the ratio axes; a model grid runs in NumPy")

        def compute() -> Diagram:  # the model's user text is read and evaluated in the worker
            U_auto, T_auto = diagram.default_ranges(args.model, args.margin)
            U_range = tuple(args.Urange or U_auto)
            T_range = tuple(args.Trange or T_auto)
            return diagram.model_diagram(
                args.model, U_range, T_range, args.n, args.margin, log=not args.linear,
                zone=args.zone, units=args.units,
            )  # fmt: skip

        return budgeted(args, compute)
    if args.Urange or args.Trange or args.units != "model":
        raise ValueError("--Urange/--Trange/--units need --model")
    return diagram.ratio_diagram(
        tuple(args.xrange), tuple(args.yrange), args.n, args.T, args.d, args.margin,
        args.chunks, show, log=not args.linear, zone=args.zone,
    )  # fmt: skip


def _check_arguments(args: argparse.Namespace) -> str | None:
    """What is wrong with the flags, named by flag, before any work; None if nothing."""
    raw = str(args.out)
    if not raw.strip() or raw.endswith(("/", os.sep)) or Path(raw).name in ("", ".", ".."):
        return (f"--out {raw!r}: give a file-name prefix, e.g. --out results/diagram "
                "(it writes results/diagram.png, .svg, .csv, .json)")  # fmt: skip
    if args.n < 2:
        return f"--n must be at least 2 points per axis (got {args.n})"
    for flag in ("xrange", "yrange", "Urange", "Trange"):
        pair = getattr(args, flag)
        if pair is None:
            continue
        lo, hi = pair
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            return f"--{flag} must be two finite numbers LO < HI (got {lo:g} {hi:g})"
        if not args.linear and lo <= 0:
            return f"--{flag} must be > 0 on a log axis (got LO = {lo:g}; or pass --linear)"
    return None


def run(args: argparse.Namespace) -> int:
    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    if not formats or set(formats) - set(FORMATS):
        return fail(NAME, f"--formats {args.formats!r}: allowed are png, svg, csv, json, "
                    "comma-separated")  # fmt: skip
    from qcrystal.files import check_file

    problem = _check_arguments(args)
    if problem:
        return fail(NAME, problem)
    per_point = _BYTES_PER_POINT["grid"] + sum(_BYTES_PER_POINT[f] for f in set(formats))
    needed = _BASE_MEGABYTES + args.n**2 * per_point / 2**20
    if {"png", "svg"} & set(formats):
        needed += _FIGURE_MEGABYTES
    if needed > args.memory:
        return fail(NAME, f"--n {args.n}: {args.n**2:,} points with {', '.join(formats)} need "
                    f"about {needed:,.0f} MB, above --memory {args.memory:g}; lower --n or "
                    "leave csv/png/svg out of --formats")  # fmt: skip
    out = Path(args.out)
    targets = {f: check_file(out.with_name(f"{out.name}.{f}"), "--out", args.force)
               for f in FORMATS if f in formats}  # fmt: skip
    started = time.perf_counter()

    def show(done: int, total: int) -> None:
        if time.perf_counter() - started > 1.0 and sys.stderr.isatty():
            print(f"\r  rows {done}/{total} ", end="", file=sys.stderr, flush=True)

    try:
        dia = _diagram(args, show)
    except ValueError as exc:
        return fail(NAME, exc)
    from qcrystal.files import Outputs
    from qcrystal.states import diagram

    with Outputs(args.force) as written:  # all four files appear together, or none of them
        if "png" in targets or "svg" in targets:
            fig = diagram.figure(dia)
            for fmt in ("png", "svg"):
                if fmt in targets:
                    written.save_figure(fig, targets[fmt], dpi=130)
        if "csv" in targets:
            written.write_chunks(targets["csv"], diagram.csv_chunks(dia))
        if "json" in targets:
            written.write_chunks(targets["json"], diagram.json_chunks(dia))
        written.commit()
    files = [f"{out}.{f}" for f in FORMATS if f in formats]
    summary = {
        "points": int(dia.codes.size),
        "seconds": round(dia.seconds, 3),
        "counts": dia.counts(),
        "files": files,
        "warnings": dia.params.get("warnings", []),
    }
    if "model" in dia.params:
        E_R = dia.params["E_R"]
        summary["recoil_depths"] = [float(dia.x[0] / E_R), float(dia.x[-1] / E_R)]
    if "bose_hubbard" in dia.params:
        summary["bose_hubbard"] = dia.params["bose_hubbard"]
    for warning in summary["warnings"]:
        print(f"qcrystal phase-diagram: warning: {warning}", file=sys.stderr)
    if args.json:
        print(dump_json(summary))
    else:
        print(f"{summary['points']:,} points classified in {dia.seconds:.2f} s")
        if "recoil_depths" in summary:
            lo, hi = summary["recoil_depths"]
            scale, unit = dia.params["display"]["y"]
            print(f"  depths s = U/E_R from {lo:.3g} to {hi:.3g}, T from {dia.y[0] * scale:.3g} "
                  f"to {dia.y[-1] * scale:.3g} {unit}")  # fmt: skip
        _print_bose_hubbard(dia)
        for state, count in summary["counts"].items():
            print(f"  {state.replace('_', ' '):<28} {count:>9,}")
        print("wrote " + ", ".join(summary["files"]))
    return 0


def _print_bose_hubbard(dia: Diagram) -> None:
    """Where the onsite interaction decided (a contact model), say so and from what."""
    found = dia.params.get("bose_hubbard")
    if found is None:
        return
    if found["critical"] is None:
        print(f"  Bose–Hubbard below T = U_onsite/{dia.params['margin']:g}: superfluid "
              f"({found['source']})")  # fmt: skip
        return
    where = (f"at s = {found['U_c'] / dia.params['E_R']:.4g}" if "U_c" in found
             else "outside these depths")  # fmt: skip
    print(f"  Mott point (U/J)_c = {found['critical']:.4g} {where}, applied below "
          f"T = U_onsite/{dia.params['margin']:g} ({found['source']})")  # fmt: skip
