"""``qcrystal derive ID``: the derivation of one equation, step by step."""

from __future__ import annotations

import argparse

from ._common import Formatter, fail, terminal_width, wrap

NAME = "derive"
HELP = "show the derivation of one equation step by step"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="Print the derivation of one equation: each step with its name, its "
        "justification, the equations it uses and the assumptions it adds. Step names (and "
        "numbers) are what `qcrystal check-step` takes.",
        epilog="examples:\n  qcrystal derive 38\n  qcrystal derive 38 solve_for_epsilon\n"
        "  qcrystal derive J_ij --latex",
    )
    d.add_argument("id", help="equation id: 1 … 55, or an unnumbered display (phi_nk, H1, "
                   "J_ij, U_a, k_D)")  # fmt: skip
    d.add_argument("step", nargs="?", help="only this step: its name or its number")
    d.add_argument("--latex", action="store_true", help="print LaTeX instead of text")


def run(args: argparse.Namespace) -> int:
    from qcrystal.derivations.paper import PAPER

    try:
        rec = PAPER.get(args.id)
    except KeyError as exc:
        return fail(NAME, exc.args[0])
    if rec.derive is None:
        kind = "a definition" if rec.kind == "definition" else f"cited from {rec.source}"
        print(wrap(f"({rec.id}) is {kind}: nothing to derive.\nprinted: {rec.latex}"))
        return 0
    dv = rec.derive()
    if args.step is not None:
        key = int(args.step) if args.step.isdigit() else args.step
        try:
            step = dv.step(key)
        except KeyError as exc:
            return fail(NAME, exc.args[0])
        label = f"[{dv.number(step.name)}] {step.name}: "
        print(step.latex() if args.latex else label + step.text(terminal_width(), len(label)))
        return 0
    # LaTeX is source for a file: never wrapped; the text is for a terminal
    print(dv.latex() if args.latex else dv.text(terminal_width()), end="")
    if not args.latex:  # what the derivation is held against, and where its verdict is
        print(wrap(f"\nprinted in the paper as ({rec.id}): {rec.latex}"))
        print(f"verdict: qcrystal verify --only {rec.id}")
    return 0
