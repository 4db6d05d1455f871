"""``qcrystal crystals``: the paper's crystal criterion against quantum Monte Carlo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import Formatter, dump_json, fail, number_in, say

NAME = "crystals"
HELP = "self-organised quantum crystals: the paper's r₀/a < 1/2 against QMC, as a table"


_lindemann = number_in("the Lindemann number", 1.0, closed=False)


def add_arguments(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="For 2D dipoles, 2D and 3D Coulomb bosons: the harmonic Lindemann ratio "
        "γ = r₀/a (exact zone, T = 0, with the paper's Gaussian smearing beside it where it "
        "converges) against the coupling; where γ = 1/2 (the paper's criterion), where "
        "quantum Monte Carlo puts the crystal, and γ there.",
        epilog="examples:\n  qcrystal crystals\n  qcrystal crystals --figure crystals.png\n"
        "  qcrystal crystals --system coulomb-3d --lindemann 0.25 --json",
    )
    c.add_argument("--system", action="append", metavar="KEY",
                   help="only this system (repeatable), a key of the table's first column: "
                   "dipoles-2d, coulomb-2d, …")  # fmt: skip
    c.add_argument(
        "--lindemann", type=_lindemann, default=0.5,
        help="the Lindemann number of the criterion (default 0.5, the paper's)",
    )  # fmt: skip
    c.add_argument(
        "--figure", metavar="PATH", help="also write γ against coupling (.png/.svg/.pdf)"
    )
    c.add_argument("--json", action="store_true", help="print JSON instead of the table")
    c.add_argument("--force", action="store_true", help="replace an existing --figure file")
    c.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    from qcrystal.crystal import qmc
    from qcrystal.files import Outputs, check_file

    if args.figure is not None:
        if Path(args.figure).suffix.lower() not in (".png", ".svg", ".pdf"):
            return fail(NAME, f"--figure needs .png, .svg or .pdf (got {args.figure})")
        check_file(args.figure, "--figure", args.force)  # before the work, not after
    try:
        systems = [qmc.system(k) for k in args.system] if args.system else list(qmc.SYSTEMS)
    except ValueError as exc:
        return fail(NAME, f"--system: {exc}")
    quiet = args.quiet or args.json or not sys.stderr.isatty()
    rows = [qmc.compare(s, args.lindemann, progress=None if quiet else say) for s in systems]
    if args.figure is not None:
        with Outputs(args.force) as out:
            out.save_figure(qmc.figure(rows), args.figure)
            out.commit()
    if args.json:
        print(dump_json([r.as_dict() for r in rows]))
    else:
        print(qmc.to_text(rows))
        if args.figure:
            print(f"figure written to {args.figure}")
    return 0
