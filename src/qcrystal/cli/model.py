"""``qcrystal model show FILE``: every quantity of the paper for a model file."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ._common import Formatter, add_budget, budgeted, dump_json, fail, model_overrides

NAME = "model"
HELP = "every quantity of the paper for a model file (interaction, lattice, parameters)"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    mo = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="Read a TOML model file and print ω, E_R, Ω², ε, l, u₀, the nearest-"
        "neighbour J, E_K, D, c₀, T_D, r₀/a at the given T and the melting temperature, each "
        "with its unit and equation. Examples are in examples/*.toml.",
        epilog="examples:\n  qcrystal model show examples/dipolar.toml\n  qcrystal model show "
        "examples/rydberg.toml --set lattice.temperature=2 --json",
    )
    msub = mo.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = msub.add_parser("show", help="print the quantities of a model file",
                           formatter_class=Formatter,
                           epilog="example:\n  qcrystal model show examples/rydberg.toml --set "
                           "lattice.depth=40")  # fmt: skip
    show.add_argument("file", type=Path, help="the model file (TOML)")
    example = msub.add_parser(
        "example", help="print an example model file (or list them)", formatter_class=Formatter,
        epilog="example:\n  qcrystal model example rydberg > rydberg.toml",
    )  # fmt: skip
    example.add_argument("name", nargs="?", help="the example's name; none: list them")
    show.add_argument(
        "--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
        help="override a value, e.g. lattice.depth=30 (a TOML value: number, list, text)",
    )  # fmt: skip
    show.add_argument("--json", action="store_true", help="print JSON instead of the table")
    add_budget(show)


def _plain(v):
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    v = float(v)
    return None if math.isnan(v) else (str(v) if math.isinf(v) else v)


def _fmt(v) -> str:
    if isinstance(v, tuple):
        same = all(math.isclose(x, v[0], rel_tol=1e-12, abs_tol=0) for x in v)
        return _fmt(v[0]) if same else "(" + ", ".join(_fmt(x) for x in v) + ")"
    return f"{float(v):.6g}"


def _example(name: str | None) -> int:
    from importlib.resources import files

    shipped = files("qcrystal.examples")
    names = sorted(p.name[: -len(".toml")] for p in shipped.iterdir() if p.name.endswith(".toml"))
    if name is None:
        print("\n".join(names))
        return 0
    if name not in names:
        return fail(NAME, f"no example {name!r}; the examples: {', '.join(names)}")
    print(shipped.joinpath(f"{name}.toml").read_text(encoding="utf-8"), end="")
    return 0


def _quantities(path: Path, overrides: dict[str, object]):
    from qcrystal import models

    model = models.load(path, overrides)
    return model, models.quantities(model)


def run(args: argparse.Namespace) -> int:
    if args.action == "example":
        return _example(args.name)

    from qcrystal.models.crystal_file import crystal_quantities, is_crystal_file
    from qcrystal.models.schema import read_text

    try:
        crystal_file = is_crystal_file(read_text(args.file))
    except ValueError as exc:
        return fail(NAME, exc)
    if crystal_file:
        return _show_crystal(args, crystal_quantities)
    try:
        overrides = model_overrides(args.set)
        # Reading the file parses user text too (a custom Φ): all of it inside the budget.
        m, found = budgeted(args, _quantities, args.file, overrides)
    except ValueError as exc:  # ModelError, LatticeSumError, bad --set
        return fail(NAME, exc)
    title = f"{m.name or args.file}: {m.kind} lattice (d = {m.d}), interaction {m.interaction.kind}"
    return _print(args, title, {"name": m.name, "d": m.d}, found)


def _show_crystal(args: argparse.Namespace, compute) -> int:
    """``model show`` for a [crystal] file (a self-organised crystal, no optical lattice)."""
    if args.set:
        return fail(NAME, "--set is for [lattice] model files; edit the [crystal] file instead")
    try:
        title, found = budgeted(args, compute, args.file)
    except ValueError as exc:
        return fail(NAME, exc)
    return _print(args, title, {"crystal": title}, found)


def _print(args: argparse.Namespace, title: str, about: dict, found) -> int:
    """The quantities as a table (or JSON) and their notes."""
    if args.json:
        quantities = [{"symbol": q.symbol, "value": _plain(q.value), "unit": q.unit,
                       "equation": q.equation, "meaning": q.meaning} for q in found]  # fmt: skip
        print(dump_json({"model": {"file": str(args.file), **about},
                         "quantities": quantities, "notes": list(found.notes)}))  # fmt: skip
        return 0
    print(title)
    rows = [(q.symbol, _fmt(q.value), q.unit, q.equation, q.meaning) for q in found]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print(
            "  " + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        )
    for note in found.notes:
        print(f"note: {note}")
    return 0
