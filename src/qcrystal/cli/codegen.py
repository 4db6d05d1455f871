"""``qcrystal codegen``: regenerate the numerics modules, or a module for one model file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import Formatter, add_budget, budgeted, fail, say

NAME = "codegen"
HELP = "regenerate the generated numerics, or generate a module for a model file"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="With --model: render a NumPy module specialised to a model file, check "
        "it against the library at 0.5, 1 and 2 times the model's depth, and write it only "
        "if it passes. Without: regenerate (or --check) the committed modules under "
        "src/qcrystal/numerics from the derivations and the registry; a developer command "
        "that needs a source checkout.",
        epilog="examples:\n  qcrystal codegen --model examples/rydberg.toml --out gen/\n"
        "  qcrystal codegen --check     exit 1 with a diff when the modules are stale\n"
        "  qcrystal codegen --measure   re-measure the accuracy, then regenerate",
    )
    c.add_argument(
        "--check", action="store_true",
        help="regenerate in memory; exit 1 with a unified diff if stale",
    )  # fmt: skip
    c.add_argument(
        "--measure",
        action="store_true",
        help="measure every registered function against mpmath on its fixed grids (about "
        "10 s), record the worst errors in codegen/measured.json and regenerate, so the "
        "docstrings state them",
    )
    c.add_argument(
        "--model", type=Path, metavar="FILE",
        help="generate a module specialised to this model file (needs --out)",
    )  # fmt: skip
    c.add_argument("--out", metavar="DIR", help="where --model writes its module")
    c.add_argument(
        "--selfcheck", action="store_true",
        help="with --model: print the check against the library (it always runs)",
    )  # fmt: skip
    c.add_argument("--json", action="store_true", help="with --model: print the check as JSON")
    c.add_argument("--force", action="store_true", help="with --model: replace an existing module")
    add_budget(c)


def run(args: argparse.Namespace) -> int:
    if (args.model or args.out is not None or args.selfcheck or args.json) and args.measure:
        return fail(NAME, "--measure is for the built-in modules, not --model")
    if args.model or args.out is not None or args.selfcheck or args.json:
        return _model(args)
    if args.measure and args.check:
        return fail(NAME, "--measure and --check do not go together")
    from qcrystal.codegen import render

    if render.checkout() is None:
        return fail(NAME, _not_a_checkout())
    if args.measure:
        from qcrystal.codegen import measure

        results = measure.measure_all(lambda what: say(f"measuring {what}"))
        measure.write_record(results)
        print(measure.table())
        print(f"wrote {measure.RECORD}")
    if args.check:
        diff = render.check()
        if diff:
            print(diff, end="")
            print("generated modules are stale: run `qcrystal codegen`", file=sys.stderr)
            return 1
        print("generated modules are up to date")
        return 0
    for path in render.write():
        print(f"wrote {path}")
    return 0


def _not_a_checkout() -> str:
    from qcrystal.codegen import render

    try:
        render.output_dir()
    except render.NotACheckoutError as exc:
        return str(exc)
    return ""


def _model(args: argparse.Namespace) -> int:
    if not args.model:
        return fail(NAME, "--out, --selfcheck and --json are for --model FILE")
    if args.out is None or args.check:
        return fail(NAME, "--model FILE needs --out DIR (and not --check)")
    from qcrystal.codegen import crystal_module, model_module
    from qcrystal.models.crystal_file import is_crystal_file
    from qcrystal.models.schema import read_text

    try:
        # a [crystal] file (a self-organised crystal) has its own generator: r₀²(T) per zone
        crystal = is_crystal_file(read_text(args.model))
        write = crystal_module.write_crystal if crystal else model_module.write_model
        path, rows = budgeted(args, write, args.model, args.out, args.force)
    except ValueError as exc:  # ModelError, ModelCodegenError, LatticeSumError
        return fail(NAME, exc)
    except RuntimeError as exc:  # the formatter is missing or broken
        return fail(NAME, exc)
    if args.json:
        print(model_module.selfcheck_json(path, rows))
        return 0
    print(f"wrote {path}")
    if args.selfcheck:
        if crystal:
            print("selfcheck against qcrystal.Crystal at temperatures off the fit's nodes:")
        else:
            print("selfcheck against qcrystal.models (mpmath quadrature) at 0.5, 1, 2 × the depth:")
        width = max(7, *(len(symbol) for symbol, _, _ in rows))
        for symbol, err, tol in rows:
            print(f"  {symbol:<{width}} worst relative error {err:.2e}  (tolerance {tol:g})  ok")
    return 0
