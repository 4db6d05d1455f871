"""The ``qcrystal`` command line: ``verify`` the paper, ``derive`` one equation, ``codegen``,
``accuracy`` of the paper's approximations against exact bands."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from qcrystal import verify as _verify
from qcrystal.derivations import paper

__all__ = ["main"]

_EPILOG = """examples:
  qcrystal verify                       table of every equation with its computed verdict
  qcrystal verify --json > verdicts.json
  qcrystal verify --report report.md    Markdown report with LaTeX
  qcrystal derive 38                    the steps from the Gaussian ansatz to ε = √(ω² + Ω²)
  qcrystal derive 49 --latex
  qcrystal accuracy --plot accuracy.png Gaussian ansatz vs exact bands, depths 1 to 50
  qcrystal model show examples/dipolar.toml   every quantity of the paper for a model
  qcrystal state --model examples/rydberg.toml --set U=20 --set T=0.1
  qcrystal phase-diagram --out diagram     the four states over ω/E_K and T_D/E_K
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qcrystal",
        description="Re-derive and verify Yukalov, 'From optical lattices to quantum crystals'.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser(
        "verify",
        help="compare every printed equation with its derivation",
        description="Derive every displayed equation with SymPy, compare it with the printed "
        "form (symbolic simplification backed by a 40-digit mpmath probe) and print the "
        "computed verdicts. Exit status 0 when the run completed, whatever the verdicts.",
        epilog="examples:\n  qcrystal verify\n  qcrystal verify --only 48 49 54\n"
        "  qcrystal verify --report report.md --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("--json", action="store_true", help="print JSON instead of the table")
    v.add_argument(
        "--report", type=Path, metavar="PATH",
        help="also write a report: LaTeX if PATH ends in .tex, else Markdown",
    )  # fmt: skip
    v.add_argument("--only", nargs="+", metavar="ID", help="verify only these equation ids")
    v.add_argument("--quiet", action="store_true", help="no progress on stderr")
    d = sub.add_parser(
        "derive",
        help="show the derivation of one equation step by step",
        description="Print the derivation of one equation: each step with its justification, "
        "the equations it uses and the assumptions it adds.",
        epilog="examples:\n  qcrystal derive 38\n  qcrystal derive J_ij --latex",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("id", help="equation id: 1 … 55, or " + ", ".join(paper.UNNUMBERED))
    d.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    c = sub.add_parser(
        "codegen",
        help="regenerate the NumPy modules from the derivations",
        description="Render the generated modules under src/qcrystal/ from the derivations "
        "through the Jinja2 templates in codegen/templates/.",
        epilog="examples:\n  qcrystal codegen\n  qcrystal codegen --check   "
        "(exit 1 with a diff when the committed modules are stale)\n"
        "  qcrystal codegen --measure (re-measure the accuracy the docstrings state, "
        "then regenerate)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument(
        "--check",
        action="store_true",
        help="regenerate in memory; exit 1 with a unified diff if stale",
    )
    c.add_argument(
        "--measure",
        action="store_true",
        help="measure every generated function against mpmath on its fixed grids (about "
        "10 s), record the worst errors in codegen/measured.json and regenerate, so the "
        "docstrings state them",
    )
    c.add_argument(
        "--model",
        type=Path,
        metavar="FILE",
        help="generate a module specialised to this model file (needs --out)",
    )
    c.add_argument("--out", type=Path, metavar="DIR", help="where --model writes its module")
    c.add_argument(
        "--selfcheck",
        action="store_true",
        help="with --model: compare the generated module with the library at 3 depths",
    )
    c.add_argument("--json", action="store_true", help="with --selfcheck: print JSON")
    a = sub.add_parser(
        "accuracy",
        help="the paper's Gaussian and harmonic approximations against exact bands",
        description="For the 1D lattice U sin²(k₀x) at each depth s = U/E_R, compare the "
        "tunneling J, the oscillation frequency and the onsite overlap ∫w⁴ of the Gaussian "
        "ansatz (harmonic width as in the paper, and variational) and of the deep-lattice "
        "asymptotic formula with the exact band structure; print the ratios to exact and "
        "the depth from which each is within the tolerance.",
        epilog="examples:\n  qcrystal accuracy\n  qcrystal accuracy --depths 4 8 16 32 "
        "--json\n  qcrystal accuracy --csv acc.csv --plot acc.svg",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument(
        "--depths",
        nargs="+",
        type=_depth,
        metavar="S",
        help="lattice depths U/E_R in (0, 1e4] (default: 1 2 3 5 7 10 15 20 30 40 50)",
    )
    a.add_argument("--json", action="store_true", help="print JSON instead of the table")
    a.add_argument("--csv", type=Path, metavar="PATH", help="also write the table as CSV")
    a.add_argument("--plot", type=Path, metavar="PATH", help="also write the figure (.png/.svg)")
    a.add_argument(
        "--tolerance", type=float, default=0.1, help="relative band around exact (default 0.1)"
    )
    a.add_argument("--quiet", action="store_true", help="no progress on stderr")
    mo = sub.add_parser(
        "model",
        help="every quantity of the paper for a model file (interaction, lattice, parameters)",
        description="Read a TOML model file and print ω, E_R, Ω², ε, l, u₀, the nearest-"
        "neighbour J, E_K, D, c₀, T_D, r₀/a at the given T and the melting temperature, each "
        "with its unit and equation. Examples are in examples/*.toml.",
        epilog="examples:\n  qcrystal model show examples/dipolar.toml\n  qcrystal model show "
        "examples/rydberg.toml --set lattice.temperature=2 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    msub = mo.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = msub.add_parser("show", help="print the quantities of a model file")
    show.add_argument("file", type=Path, help="the model file (TOML)")
    show.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override a value, e.g. lattice.depth=30 (a TOML value: number, list, text)",
    )
    show.add_argument("--json", action="store_true", help="print JSON instead of the table")
    st = sub.add_parser(
        "state",
        help="which of the four states: from ω, E_K, T_D or from a model file",
        description="Classify a point by the paper's closing orderings of ω, E_K and T_D, "
        "with the Lindemann ratio r₀/a < 1/2 deciding the localized label (see "
        "qcrystal.states). Give the three scales, or a model file.",
        epilog="examples:\n  qcrystal state --omega 100 --E_K 1 --T_D 1e5\n"
        "  qcrystal state --model examples/dipolar.toml --set U=20 --set T=0.1 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    st.add_argument("--omega", type=float, help="lattice frequency ω [energy]")
    st.add_argument("--E_K", type=float, help="kinetic energy 1/(2ma²) [energy]")
    st.add_argument("--T_D", type=float, help="Debye temperature [energy]")
    st.add_argument("--T", type=float, default=None, help="temperature [energy] (default 0)")
    st.add_argument("--d", type=int, default=None, help="dimension 1, 2, 3 (default 3)")
    st.add_argument("--model", type=Path, metavar="FILE", help="take ω, E_K, T_D, T, d from it")
    st.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a model value: U=…, T=…, or section.key=…")  # fmt: skip
    st.add_argument("--margin", type=float, default=10.0, help="the factor read as ≪ (10)")
    st.add_argument("--json", action="store_true", help="print JSON")
    ph = sub.add_parser(
        "phase-diagram",
        help="the four states over ω/E_K and T_D/E_K, as a figure, CSV and JSON",
        description="Classify a log grid of ω/E_K × T_D/E_K at a fixed T/E_K and d, and write "
        "PREFIX.png, PREFIX.svg, PREFIX.csv and PREFIX.json.",
        epilog="examples:\n  qcrystal phase-diagram --out diagram\n"
        "  qcrystal phase-diagram --T 0.5 --n 1000 --chunks 250 --out hot\n"
        "  qcrystal phase-diagram --model examples/rydberg.toml --out rydberg",
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "--chunks", type=int, default=None, help="compute on dask arrays of this chunk size"
    )
    ph.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    ph.add_argument("--linear", action="store_true", help="linear axes (default: log)")
    bk = sub.add_parser(
        "book",
        help="write the derivation book: a static site, readable offline",
        description="Render every derivation, verdict and generated function as a static web "
        "site (MathML, no network needed to read it). Open DIR/index.html in a browser.",
        epilog="example:\n  qcrystal book --out site/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bk.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    ck = sub.add_parser(
        "check-step",
        help="is your expression for step N of a derivation right?",
        description="Compare an expression with step N of the derivation of an equation "
        "(see `qcrystal derive ID` for the steps). Plain mathematics in the step's symbols "
        "only: + - * / **, numbers, sqrt, exp, log, sin, …; nothing is evaluated. Exit 0: "
        "equivalent, 1: not equivalent (a point where they differ is shown), 2: cannot decide "
        "or bad input.",
        epilog="examples:\n  qcrystal check-step 38 7 'sqrt(omega**2 + Omega**2)'\n"
        "  qcrystal check-step 38 7 'epsilon = omega + Omega'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ck.add_argument("id", help="equation id, e.g. 38")
    ck.add_argument("step", type=int, help="step number, from 1")
    ck.add_argument("expression", help="your expression (quote it for the shell)")
    ck.add_argument("--json", action="store_true", help="print JSON")
    ph.add_argument(
        "--model", type=Path, metavar="FILE", help="axes U and T of this model (not the ratios)"
    )
    ph.add_argument(
        "--Urange", type=float, nargs=2, default=None, metavar=("LO", "HI"),
        help="with --model: depth range (default 0.1 to 10 times the file's depth)",
    )  # fmt: skip
    ph.add_argument(
        "--Trange", type=float, nargs=2, default=None, metavar=("LO", "HI"),
        help="with --model: temperature range (default 1e-3 E_K to the larger of 1e3 E_K and "
        "twice the melting temperature at the deepest U)",
    )  # fmt: skip
    return p


_ALIASES = {"U": "lattice.depth", "T": "lattice.temperature", "m": "model.mass",
            "nu": "model.filling"}  # fmt: skip


def _cmd_book(args: argparse.Namespace) -> int:
    from qcrystal import book

    if args.out.exists() and not args.out.is_dir():
        print(f"qcrystal book: {args.out} exists and is not a directory", file=sys.stderr)
        return 2

    def say(message: str) -> None:
        print(f"  {message}", file=sys.stderr)

    files = book.build(args.out, say)
    print(f"wrote {len(files)} files; open {args.out / 'index.html'}")
    return 0


def _cmd_check_step(args: argparse.Namespace) -> int:
    import json

    from qcrystal import step_check

    try:
        result = step_check.check_step(args.id, args.step, args.expression)
    except (KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        print(f"qcrystal check-step: {message}", file=sys.stderr)
        if "unknown name" in str(exc):
            print("  (`qcrystal derive ID` shows the step and its symbols)", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"answer": result.answer, "detail": result.detail,
                          "point": result.point}, ensure_ascii=False))  # fmt: skip
    else:
        print(f"{result.answer}: {result.detail}")
    return result.exit_code


def _cmd_state(args: argparse.Namespace) -> int:
    import json

    from qcrystal import states

    try:
        if args.model:
            if args.T is not None or args.d is not None:
                flag = "--T" if args.T is not None else "--d"
                hint = "--set T=…" if args.T is not None else "the lattice kind in the file"
                raise ValueError(f"with --model, {flag} comes from the model: use {hint}")
            if any(v is not None for v in (args.omega, args.E_K, args.T_D)):
                raise ValueError("give either --model (with --set) or --omega/--E_K/--T_D")
            from qcrystal import model as models

            m = models.load(args.model, _overrides(args.set))
            qs = models.quantities(m)
            q = {x.symbol: x.value for x in qs}
            omega, E_K, T_D, T, d = q["ω"][0], q["E_K"], q["T_D"], m.temperature, m.d
            # T_D rests on D: an untrustworthy D makes the state's T_D untrustworthy too.
            warnings = [x.note for x in qs if not x.reliable]
        else:
            if args.set:
                raise ValueError("--set needs --model")
            missing = [n for n in ("omega", "E_K", "T_D") if getattr(args, n) is None]
            if missing:
                raise ValueError(
                    f"missing --{', --'.join(missing)}: give ω, E_K and T_D, or --model FILE"
                )
            omega, E_K, T_D = args.omega, args.E_K, args.T_D
            T = 0.0 if args.T is None else args.T
            d = 3 if args.d is None else args.d
            warnings = []
        why = states.reasons(omega, E_K, T_D, T, d, args.margin)
    except ValueError as exc:
        print(f"qcrystal state: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"omega": omega, "E_K": E_K, "T_D": T_D, "T": T, "d": d, **why,
                          "warnings": warnings}, ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    print(f"ω = {omega:.6g}, E_K = {E_K:.6g}, T_D = {T_D:.6g}  (T = {T:g}, d = {d})")
    print(f"lattice: {why['lattice']}")
    print(f"ordering: {why['ordering']}   (≪ means ×{why['margin']:g} or more)")
    print(f"Lindemann ratio r₀/a = {why['lindemann_ratio']:.4g} (localized needs < 1/2)")
    print(f"state: {why['state'].replace('_', ' ')}")
    for note in why["notes"]:
        print(f"note: {note}")
    for warning in warnings:
        print(f"warning: {warning}")
    if warnings:
        print("warning: the state above is built on these quantities")
    return 0


def _cmd_phase_diagram(args: argparse.Namespace) -> int:
    import json

    from qcrystal import phase_diagram

    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    if not formats or set(formats) - {"png", "svg", "csv", "json"}:
        print(f"qcrystal phase-diagram: --formats {args.formats!r}: allowed are png, svg, csv, "
              "json, comma-separated", file=sys.stderr)  # fmt: skip
        return 2
    started = time.perf_counter()

    def show(done: int, total: int) -> None:
        if time.perf_counter() - started > 1.0 and sys.stderr.isatty():
            print(f"\r  rows {done}/{total} ", end="", file=sys.stderr, flush=True)

    try:
        if args.model:
            from qcrystal import model as models

            base = models.load(args.model)
            e_k = 1 / (2 * base.mass * base.spacing[0] ** 2)
            U_range = tuple(args.Urange or (0.1 * base.depth[0], 10 * base.depth[0]))
            T_range = tuple(args.Trange or _default_T_range(args.model, U_range[1], e_k))
            if args.chunks:
                raise ValueError("--chunks is for the ratio axes; a model grid runs in NumPy")
            dia = phase_diagram.model_diagram(
                args.model, U_range, T_range, args.n, args.margin, log=not args.linear
            )
        else:
            if args.Urange or args.Trange:
                raise ValueError("--Urange/--Trange need --model")
            dia = phase_diagram.ratio_diagram(
                tuple(args.xrange), tuple(args.yrange), args.n, args.T, args.d, args.margin,
                args.chunks, show, log=not args.linear,
            )  # fmt: skip
    except ValueError as exc:
        print(f"qcrystal phase-diagram: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        print(f"qcrystal phase-diagram: directory {out.parent} does not exist", file=sys.stderr)
        return 2
    figures = [out.with_name(f"{out.name}.{f}") for f in ("png", "svg") if f in formats]
    if figures:
        phase_diagram.plot(dia, figures)
    if "csv" in formats:
        out.with_name(out.name + ".csv").write_text(phase_diagram.to_csv(dia), encoding="utf-8")
    if "json" in formats:
        out.with_name(out.name + ".json").write_text(phase_diagram.to_json(dia), encoding="utf-8")
    files = [f"{out}.{f}" for f in ("png", "svg", "csv", "json") if f in formats]
    summary = {
        "points": int(dia.codes.size),
        "seconds": round(dia.seconds, 3),
        "counts": dia.counts(),
        "files": files,
        "warnings": dia.params.get("warnings", []),
    }
    for warning in summary["warnings"]:
        print(f"qcrystal phase-diagram: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['points']:,} points classified in {dia.seconds:.2f} s")
        for state, count in summary["counts"].items():
            print(f"  {state.replace('_', ' '):<28} {count:>9,}")
        print("wrote " + ", ".join(summary["files"]))
    return 0


def _default_T_range(model_path, deepest: float, e_k: float) -> tuple[float, float]:
    """1e-3 E_K up to 1e3 E_K, or up to twice the melting temperature at the deepest U
    where that is higher, so that the melting line is on the figure."""
    from qcrystal import model as models

    m = models.load(model_path, {"lattice.depth": deepest})
    t_melt = next(q.value for q in models.quantities(m) if q.symbol == "T_melt")
    return 1e-3 * e_k, max(1e3 * e_k, 2.0 * float(t_melt))


def _overrides(items: list[str]) -> dict[str, object]:
    import tomllib

    out: dict[str, object] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = _ALIASES.get(key.strip(), key.strip())
        if not sep or not key:
            raise ValueError(f"--set {item!r}: write SECTION.KEY=VALUE, e.g. lattice.depth=30")
        try:  # a TOML value, read by the TOML parser: never evaluated
            out[key] = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            out[key] = text  # bare text; the model check says if text is wrong here
    return out


def _cmd_model(args: argparse.Namespace) -> int:
    import json
    import math

    from qcrystal import model as models

    try:
        m = models.load(args.file, _overrides(args.set))
        quantities = models.quantities(m)
    except ValueError as exc:  # ModelError, LatticeSumError, bad --set
        print(f"qcrystal model: {exc}", file=sys.stderr)
        return 2
    values = [q for q in quantities if q.symbol != "notes"]
    notes = [q.note for q in quantities if q.symbol == "notes"]

    def plain(v):
        if isinstance(v, tuple):
            return [plain(x) for x in v]
        v = float(v)
        return None if math.isnan(v) else (str(v) if math.isinf(v) else v)

    if args.json:
        print(
            json.dumps(
                {
                    "model": {"file": str(args.file), "name": m.name, "d": m.d},
                    "quantities": [
                        {
                            "symbol": q.symbol,
                            "value": plain(q.value),
                            "unit": q.unit,
                            "equation": q.equation,
                            "meaning": q.note,
                        }
                        for q in values
                    ],
                    "notes": notes,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0

    def fmt(v) -> str:
        if isinstance(v, tuple):
            same = all(math.isclose(x, v[0], rel_tol=1e-12, abs_tol=0) for x in v)
            return fmt(v[0]) if same else "(" + ", ".join(fmt(x) for x in v) + ")"
        return f"{float(v):.6g}"

    title = m.name or str(args.file)
    print(f"{title}: {m.kind} lattice (d = {m.d}), interaction {m.interaction.kind}")
    rows = [(q.symbol, fmt(q.value), q.unit, q.equation, q.note) for q in values]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print(
            "  " + "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        )
    for note in notes:
        print(f"note: {note}")
    return 0


def _depth(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1e4:
        raise argparse.ArgumentTypeError(f"depth must be in (0, 1e4] (got {text})")
    return value


def _cmd_accuracy(args: argparse.Namespace) -> int:
    import json

    from qcrystal import accuracy

    if args.plot and args.plot.suffix.lower() not in (".png", ".svg", ".pdf"):
        print(
            f"qcrystal accuracy: --plot needs .png, .svg or .pdf (got {args.plot})", file=sys.stderr
        )
        return 2
    if not 0 < args.tolerance < 1:
        print(
            f"qcrystal accuracy: --tolerance must be in (0, 1) (got {args.tolerance})",
            file=sys.stderr,
        )
        return 2

    def show(i: int, n: int) -> None:
        print(f"\r  depth {i}/{n} ", end="", file=sys.stderr, flush=True)

    quiet = args.quiet or args.json or not sys.stderr.isatty()
    rows = accuracy.accuracy_table(args.depths or accuracy.DEFAULT_DEPTHS, None if quiet else show)
    if not quiet:
        print("\r" + " " * 30 + "\r", end="", file=sys.stderr)
    if args.csv:
        args.csv.write_text(accuracy.to_csv(rows), encoding="utf-8")
    if args.plot:
        accuracy.plot(rows, args.plot)
    if args.json:
        print(json.dumps(accuracy.to_records(rows, args.tolerance), indent=2))
    else:
        print(accuracy.to_text(rows, args.tolerance))
        for what, path in (("CSV", args.csv), ("figure", args.plot)):
            if path:
                print(f"{what} written to {path}")
    return 0


def _progress(n: int, total: int, eq_id: str) -> None:
    print(f"\r  verifying ({eq_id}) {n}/{total} ", end="", file=sys.stderr, flush=True)


def _cmd_verify(args: argparse.Namespace) -> int:
    if args.only:
        bad = [i for i in args.only if i not in paper.ids()]
        if bad:
            print(
                f"qcrystal verify: unknown equation id(s) {', '.join(bad)}; valid ids: "
                f"{', '.join(paper.ids())}",
                file=sys.stderr,
            )
            return 2
    show = None if (args.quiet or args.json or not sys.stderr.isatty()) else _progress
    import time

    t0 = time.perf_counter()
    findings = _verify.run(args.only, progress=show)
    seconds = time.perf_counter() - t0
    if show:
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
    if args.report:
        if args.report.suffix == ".tex":
            from qcrystal import report_tex

            text = report_tex.to_latex_document(findings, _verify.summary_line(findings, seconds))
        else:
            text = _verify.to_markdown(findings, seconds)
        args.report.write_text(text, encoding="utf-8")
    if args.json:
        print(_verify.to_json(findings))
    else:
        # A subset is read closely: show each finding whole.
        print(_verify.to_table(findings, width=10**6 if args.only else None))
        print()
        print(_verify.summary_line(findings, seconds))
        if args.report:
            print(f"report written to {args.report}")
    return 0


def _cmd_derive(args: argparse.Namespace) -> int:
    try:
        rec = paper.get(args.id)
    except KeyError as exc:
        print(f"qcrystal derive: {exc.args[0]}", file=sys.stderr)
        return 2
    if rec.derive is None:
        kind = "a definition" if rec.kind == "definition" else f"cited from {rec.source}"
        print(f"({rec.id}) is {kind}: nothing to derive.\nprinted: {rec.latex}")
        return 0
    dv = rec.derive()
    print(dv.latex() if args.latex else dv.text(), end="")
    if not args.latex:  # what the derivation is held against, and where its verdict is
        print(f"\nprinted in the paper as ({rec.id}): {rec.latex}")
        print(f"verdict: qcrystal verify --only {rec.id}")
    return 0


def _cmd_codegen(args: argparse.Namespace) -> int:
    from qcrystal.codegen import generator

    if (args.model or args.out or args.selfcheck) and args.measure:
        print(
            "qcrystal codegen: --measure is for the built-in modules, not --model", file=sys.stderr
        )
        return 2
    if args.model or args.out or args.selfcheck:
        return _codegen_model(args)
    if args.measure and args.check:
        print("qcrystal codegen: --measure and --check do not go together", file=sys.stderr)
        return 2
    if args.measure:
        from qcrystal.codegen import measure

        results = measure.measure_all(lambda what: print(f"measuring {what}", file=sys.stderr))
        measure.write_record(results)
        print(measure.table())
        print(f"wrote {measure.RECORD}")
    if args.check:
        diff = generator.check()
        if diff:
            print(diff, end="")
            print("generated modules are stale: run `qcrystal codegen`", file=sys.stderr)
            return 1
        print("generated modules are up to date")
        return 0
    for path in generator.write():
        print(f"wrote {path}")
    return 0


def _codegen_model(args: argparse.Namespace) -> int:
    from qcrystal.codegen import model_gen

    if not args.model:
        print("qcrystal codegen: --out and --selfcheck are for --model FILE", file=sys.stderr)
        return 2
    if not args.out or args.check:
        print("qcrystal codegen: --model FILE needs --out DIR (and not --check)", file=sys.stderr)
        return 2
    try:
        path = model_gen.write_model(args.model, args.out)
    except ValueError as exc:  # ModelError, ModelCodegenError, LatticeSumError
        print(f"qcrystal codegen: {exc}", file=sys.stderr)
        return 2
    if not args.selfcheck:
        print(f"wrote {path}")
        return 0
    try:
        results = model_gen.selfcheck(args.model, path)
    except ValueError as exc:  # the library refuses one of the checked depths
        print(f"qcrystal codegen: selfcheck could not run: {exc}", file=sys.stderr)
        return 1
    failed = any(err > tol for _, err, tol in results)
    if args.json:
        import json

        rows = [{"quantity": s, "worst_relative_error": e, "tolerance": t, "ok": e <= t}
                for s, e, t in results]  # fmt: skip
        print(json.dumps({"module": str(path), "selfcheck": rows}, ensure_ascii=False))
        return 1 if failed else 0
    print(f"wrote {path}")
    print("selfcheck against qcrystal.model (mpmath quadrature) at 0.5, 1, 2 × the depth:")
    for symbol, err, tol in results:
        verdict = "ok" if err <= tol else "FAIL"
        print(f"  {symbol:<7} worst relative error {err:.2e}  (tolerance {tol:g})  {verdict}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    handler = {
        "verify": _cmd_verify,
        "derive": _cmd_derive,
        "codegen": _cmd_codegen,
        "accuracy": _cmd_accuracy,
        "model": _cmd_model,
        "state": _cmd_state,
        "phase-diagram": _cmd_phase_diagram,
        "check-step": _cmd_check_step,
        "book": _cmd_book,
    }[args.command]
    try:
        return handler(args)
    except BrokenPipeError:  # `qcrystal … | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
