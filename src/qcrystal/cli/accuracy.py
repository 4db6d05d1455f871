"""``qcrystal accuracy``: the paper's Gaussian and harmonic approximations against exact bands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ._common import Formatter, dump_json, fail, number_in

NAME = "accuracy"
HELP = "the paper's Gaussian and harmonic approximations against exact bands"


# depths U/E_R in (0, 1e4]
_depth = number_in("depth", 1e4, closed=True, shown="1e4")


def add_arguments(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="For the 1D lattice U sin²(k₀x) at each depth s = U/E_R, compare the "
        "tunneling J, the oscillation frequency and the onsite overlap ∫w⁴ of the Gaussian "
        "ansatz (harmonic width as in the paper, and variational) and of the deep-lattice "
        "asymptotic formula with the exact band structure; print the ratios to exact and "
        "the depth from which each is within the tolerance.",
        epilog="examples:\n  qcrystal accuracy --depths 4 8 16 32 --json\n"
        "  qcrystal accuracy --csv acc.csv --plot acc.svg",
    )
    a.add_argument("--depths", nargs="+", type=_depth, metavar="S",
                   help="lattice depths U/E_R in (0, 1e4] (default: 1 2 3 5 7 10 15 20 30 40 "
                   "50)")  # fmt: skip
    a.add_argument("--json", action="store_true", help="print JSON instead of the table")
    # Output paths stay text until checked: Path("") would be the current folder.
    a.add_argument("--csv", metavar="PATH", help="also write the table as CSV")
    a.add_argument("--plot", metavar="PATH", help="also write the figure (.png/.svg)")
    a.add_argument("--tolerance", type=float, default=0.1,
                   help="relative band around exact (default 0.1)")  # fmt: skip
    a.add_argument("--force", action="store_true", help="replace existing --csv/--plot files")
    a.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    if args.plot is not None and Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
        return fail(NAME, f"--plot needs .png, .svg or .pdf (got {args.plot})")
    if not 0 < args.tolerance < 1:
        return fail(NAME, f"--tolerance must be in (0, 1) (got {args.tolerance})")
    from qcrystal import accuracy
    from qcrystal.files import Outputs, check_file

    if args.csv is not None and args.plot is not None:
        if os.path.abspath(args.csv) == os.path.abspath(args.plot):
            return fail(NAME, f"--csv and --plot name the same file {args.csv!r}; give two")
    for flag, path in (("--csv", args.csv), ("--plot", args.plot)):
        if path is not None:
            check_file(path, flag, args.force)  # before the work, not after

    def show(i: int, n: int) -> None:
        print(f"\r  depth {i}/{n} ", end="", file=sys.stderr, flush=True)

    quiet = args.quiet or args.json or not sys.stderr.isatty()
    rows = accuracy.accuracy_table(args.depths or accuracy.DEFAULT_DEPTHS, None if quiet else show)
    if not quiet:
        print("\r" + " " * 30 + "\r", end="", file=sys.stderr)
    with Outputs(args.force) as out:
        if args.csv is not None:
            out.write_text(args.csv, accuracy.to_csv(rows))
        if args.plot is not None:
            out.save_figure(accuracy.figure(rows), args.plot)
        out.commit()
    if args.json:
        print(dump_json(accuracy.to_records(rows, args.tolerance)))
    else:
        print(accuracy.to_text(rows, args.tolerance))
        for what, path in (("CSV", args.csv), ("figure", args.plot)):
            if path:
                print(f"{what} written to {path}")
    return 0
