"""``qcrystal book --out DIR``: the derivation book, a static site readable offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import Formatter, say

NAME = "book"
HELP = "write the derivation book: a static site, readable offline"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    bk = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="Render every derivation, verdict and generated function as a static web "
        "site (MathML, no network needed to read it). Open DIR/index.html in a browser.",
        epilog="example:\n  qcrystal book --out site/",
    )
    bk.add_argument(
        "--out", required=True, metavar="DIR",
        help="output folder: new, empty, or a book written before (replaced)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from qcrystal.files import check_folder, publish_folder

    out = check_folder(args.out, "--out")
    from qcrystal.codegen.registry import FUNCTIONS
    from qcrystal.derivations.paper import PAPER
    from qcrystal.teaching import book

    def build(folder: Path) -> list[Path]:
        return book.build(folder, PAPER, functions=FUNCTIONS, progress=lambda m: say(f"  {m}"))

    files = publish_folder(build, out)
    print(f"wrote {len(files)} files; open {out / 'index.html'}")
    return 0
