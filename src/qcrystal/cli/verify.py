"""``qcrystal verify``: judge every displayed equation and print the computed verdicts."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ._common import Formatter, fail, terminal_width, wrap

NAME = "verify"
HELP = "compare every printed equation with its derivation"


def add_arguments(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser(
        NAME,
        help=HELP,
        formatter_class=Formatter,
        description="Derive every displayed equation with SymPy, compare it with the printed "
        "form (symbolic simplification backed by a 40-digit mpmath probe) and print the "
        "computed verdicts. Exit status 0 when the run completed, whatever the verdicts.",
        epilog="examples:\n  qcrystal verify --only 48 49 54\n"
        "  qcrystal verify --report report.md   (.tex for LaTeX)\n  qcrystal verify --json",
    )
    v.add_argument("--json", action="store_true", help="print JSON instead of the table")
    v.add_argument(
        "--report", metavar="PATH",
        help="also write a report: LaTeX if PATH ends in .tex, else Markdown",
    )  # fmt: skip
    v.add_argument("--force", action="store_true", help="replace an existing report file")
    v.add_argument("--only", nargs="+", metavar="ID", help="verify only these equation ids")
    v.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _progress(n: int, total: int, eq_id: str) -> None:
    print(f"\r  verifying ({eq_id}) {n}/{total} ", end="", file=sys.stderr, flush=True)


def table(findings: list, width: int | None = None) -> str:
    """One row per finding, each finding wrapped under its column to the terminal width
    (:func:`._common.terminal_width`); a single token wider than the column stays whole."""
    import textwrap

    width = width or terminal_width()
    rows = [("id", "sec", "verdict", "finding")]
    rows += [(f.record.id, str(f.record.section), f.verdict.value, f.finding) for f in findings]
    w_id = max(len(r[0]) for r in rows)
    w_v = max(len(r[2]) for r in rows)
    lines = []
    for r in rows:
        head = f"{r[0]:<{w_id}}  {r[1]:<3}  {r[2]:<{w_v}}  "
        room = max(20, width - len(head))
        parts = textwrap.wrap(r[3], room, break_long_words=False, break_on_hyphens=False)
        parts = parts or [""]
        lines.append(head + parts[0])
        lines.extend(" " * len(head) + p for p in parts[1:])
    lines.insert(1, "-" * min(width, len(lines[0]) + 40))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from qcrystal.derivations.paper import PAPER
    from qcrystal.symbolic import verification

    if args.only:
        bad = [i for i in args.only if i not in PAPER.ids()]
        if bad:
            return fail(NAME, f"unknown equation id(s) {', '.join(bad)}; valid ids: "
                        f"{', '.join(PAPER.ids())}")  # fmt: skip
    if args.report is not None:
        from qcrystal.files import check_file

        check_file(args.report, "--report", args.force)  # before the work, not after
    show = None if (args.quiet or args.json or not sys.stderr.isatty()) else _progress
    t0 = time.perf_counter()
    findings = verification.run(PAPER, args.only, progress=show)
    seconds = time.perf_counter() - t0
    if show:
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
    if args.report:
        from qcrystal.files import write_text

        if Path(args.report).suffix == ".tex":
            from qcrystal.teaching import report_latex

            # no wall time in a report: the same findings give the same bytes
            summary = verification.summary_line(findings)
            text = report_latex.to_latex_document(PAPER, findings, summary)
        else:
            from qcrystal.accuracy.approximations import report_notes
            from qcrystal.teaching import report_markdown

            text = report_markdown.to_markdown(PAPER, findings, None, report_notes())
        write_text(args.report, text, force=args.force)
    if args.json:
        print(verification.to_json(findings))
    else:
        print(table(findings))
        print()
        print(wrap(verification.summary_line(findings, seconds)))
        if args.report:
            print(f"report written to {args.report}")
    return 0
