"""``qcrystal model show FILE``: every quantity of the paper for a model file."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ._common import SET_HELP, Formatter, add_budget, budgeted, dump_json, fail, model_overrides

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
help=SET_HELP,
    )  # fmt: skip
    show.add_argument("--json", action="store_true", help="print JSON instead of the table")
    show.add_argument(
        "--units", choices=("model", "lab", "recoil"), default="model",
        help="model: as computed (default); lab: Hz, nK, nm, mm/s for a file in lab units "
        "(a species or numbers with units), SI beside them in --json; recoil: energies in E_R",
    )  # fmt: skip
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
    try:
        shown = _in_units(args.units, m, found)
        temperature = _temperature(args.units, m, found)
    except ValueError as exc:
        return fail(NAME, exc)
    title = (f"{m.name or args.file}: {m.kind} lattice (d = {m.d}), interaction "
             f"{m.interaction.kind}, T = {temperature}")  # fmt: skip
    return _print(args, title, {"name": m.name, "d": m.d, "units": args.units}, found, shown)


def _in_units(system: str, model, found) -> list:
    """Every quantity in the chosen units (qcrystal.models.display)."""
    from qcrystal.models.display import convert

    E_R = found.vector("E_R")[0]
    return [convert(q.symbol, q.value, q.unit, model, system, E_R) for q in found]


def _show_crystal(args: argparse.Namespace, compute) -> int:
    """``model show`` for a [crystal] file (a self-organised crystal, no optical lattice)."""
    if args.set:
        return fail(NAME, "--set is for [lattice] model files; edit the [crystal] file instead")
    if args.units != "model":
        return fail(NAME, "--units is for [lattice] model files for now; a [crystal] file "
                    "shows its own units")  # fmt: skip
    try:
        title, found = budgeted(args, compute, args.file)
    except ValueError as exc:
        return fail(NAME, exc)
    return _print(args, title, {"crystal": title}, found)


def _temperature(units: str, m, found) -> str:
    """The file's temperature in ``units`` (the r₀/a row is at this T)."""
    from qcrystal.models.display import convert

    shown = convert("T_file", m.temperature, "energy", m, units, found.vector("E_R")[0])
    unit = "" if shown.unit == "energy" else f" {shown.unit}"
    return f"{_fmt(shown.value)}{unit}"


def _print(args: argparse.Namespace, title: str, about: dict, found, shown=None) -> int:
    """The quantities as a table (or JSON) and their notes; ``shown``: their values in the
    chosen units (None: the model's own)."""
    if shown is None:
        from qcrystal.models.display import Shown

        shown = [Shown(q.value, q.unit) for q in found]
    if args.json:
        quantities = []
        for q, s in zip(found, shown, strict=True):
            row = {"symbol": q.symbol, "value": _plain(s.value), "unit": s.unit,
                   "equation": q.equation, "meaning": q.meaning}  # fmt: skip
            if s.si is not None:
                row["si"] = {"value": _plain(s.si), "unit": s.si_unit}
            quantities.append(row)
        print(dump_json({"model": {"file": str(args.file), **about},
                         "quantities": quantities, "notes": list(found.notes)}))  # fmt: skip
        return 0
    print(title)
    rows = [
        (q.symbol, _fmt(s.value), s.unit, q.equation, q.meaning)
        for q, s in zip(found, shown, strict=True)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print(
            "  " + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        )
    for note in found.notes:
        print(f"note: {note}")
    return 0
