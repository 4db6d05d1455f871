"""The ``qcrystal`` command line: one module per subcommand, each importing what it needs
only when it runs, so that ``qcrystal --help`` answers at once."""

from __future__ import annotations

import argparse
import os
import sys

from . import accuracy, book, check_step, codegen, derive, model, phase_diagram, state, verify
from ._common import Formatter

__all__ = ["main"]

COMMANDS = (verify, derive, check_step, model, state, phase_diagram, accuracy, codegen, book)

_EPILOG = """examples:
  qcrystal verify                       table of every equation with its computed verdict
  qcrystal derive 38                    the steps from the Gaussian ansatz to ε = √(ω² + Ω²)
  qcrystal check-step 38 solve_for_epsilon 'sqrt(omega**2 + Omega**2)'
  qcrystal model show examples/dipolar.toml   every quantity of the paper for a model
  qcrystal state --model examples/rydberg.toml --set U=20 --set T=0.1
  qcrystal phase-diagram --out diagram     the four states over ω/E_K and T_D/E_K
  qcrystal accuracy --plot accuracy.png    Gaussian ansatz vs exact bands, depths 1 to 50
  qcrystal book --out site/                the derivation book
"""


def parser() -> argparse.ArgumentParser:
    from qcrystal import __version__

    p = argparse.ArgumentParser(
        prog="qcrystal",
        description="Re-derive and verify Yukalov, 'From optical lattices to quantum "
        "crystals'; compute, classify and teach its results.",
        epilog=_EPILOG,
        formatter_class=Formatter,
    )
    p.add_argument("--version", action="version", version=f"qcrystal {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_arguments(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help()
        return 2
    run = {c.NAME: c.run for c in COMMANDS}[args.command]
    try:
        return run(args)
    except BrokenPipeError:  # `qcrystal … | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
