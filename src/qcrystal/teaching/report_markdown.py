"""The verification as a Markdown report: the summary, then each equation's printed and
derived forms in LaTeX, its verdict, finding and assumptions (``verify --report x.md``).

``notes`` adds, under an equation, a sentence computed when the report is written (for
Yukalov's paper: how good the approximation under it is measured to be, from
:func:`qcrystal.accuracy.approximations.report_notes`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from qcrystal.symbolic import Finding, Paper
from qcrystal.symbolic.verification import summary_line

__all__ = ["to_markdown"]


def to_markdown(
    paper: Paper,
    findings: list[Finding],
    seconds: float | None = None,
    notes: Mapping[str, Callable[[], str]] | None = None,
) -> str:
    out = [
        f"# Verification of “{paper.title}”",
        "",
        f"{summary_line(findings, seconds)}.",
        "",
        "Verdicts are computed: printed and derived forms are compared by SymPy and by an",
        f"mpmath probe at {paper.probe.digits} digits (see README, *What the verdicts mean*).",
        "",
        "| id | section | verdict | finding |",
        "|---|---|---|---|",
    ]
    for f in findings:
        finding = f.finding.replace("|", "\\|")
        out.append(f"| ({f.record.id}) | {f.record.section} | **{f.verdict.value}** | {finding} |")
    for sec, title in paper.sections.items():
        in_section = [f for f in findings if f.record.section == sec]
        if in_section:
            out += ["", f"## Section {sec}: {title}"]
        for f in in_section:
            out += ["", f"### ({f.record.id}) — {f.verdict.value}", "", "Printed:", "",
                    f"$$ {f.record.latex} $$"]  # fmt: skip
            if f.derivation:
                out += ["", "Derived:", "", f"$$ {f.derived_latex} $$"]
            if f.assumptions:
                out += ["", "Assumptions: " + "; ".join(f.assumptions) + "."]
            out += ["", f"Finding: {f.finding}", "", f"Dimensions: {f.dimensions}"]
            if f.record.note:
                out += ["", f"Note: {f.record.note}"]
            if notes and f.record.id in notes:
                out += ["", notes[f.record.id]()]
    return "\n".join(out) + "\n"
