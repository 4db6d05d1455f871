"""Run the verification of every equation record and present the findings.

Formats: a plain-text table with a summary line, JSON (the schema of ``qcrystal verify
--json``), and a Markdown report with the printed and derived forms in LaTeX.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterable

from qcrystal.derivations import paper
from qcrystal.derivations.record import Finding, judge
from qcrystal.derivations.verdict import Verdict

__all__ = ["run", "summary", "summary_line", "to_json", "to_markdown", "to_table"]


def run(
    ids: Iterable[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Finding]:
    """Judge the records (all, or those named) in the paper's order."""
    recs = paper.records() if ids is None else [paper.get(i) for i in ids]
    out = []
    for n, rec in enumerate(recs, 1):
        if progress:
            progress(n, len(recs), rec.id)
        out.append(judge(rec))
    return out


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.verdict.value for f in findings)
    return {v.value: counts.get(v.value, 0) for v in Verdict}


def summary_line(findings: list[Finding], seconds: float | None = None) -> str:
    counts = summary(findings)
    parts = ", ".join(f"{n} {v}" for v, n in counts.items())
    timing = f" in {seconds:.1f} s" if seconds is not None else ""
    return f"{len(findings)} equations: {parts}{timing}"


def to_table(findings: list[Finding], width: int | None = None) -> str:
    width = width or max(100, shutil.get_terminal_size((120, 20)).columns)
    rows = [("id", "sec", "verdict", "finding")]
    rows += [(f.record.id, str(f.record.section), f.verdict.value, f.finding) for f in findings]
    w_id = max(len(r[0]) for r in rows)
    w_v = max(len(r[2]) for r in rows)
    lines = []
    for r in rows:
        head = f"{r[0]:<{w_id}}  {r[1]:<3}  {r[2]:<{w_v}}  "
        room = max(20, width - len(head))
        text = r[3] if len(r[3]) <= room else r[3][: room - 1] + "…"
        lines.append(head + text)
    lines.insert(1, "-" * min(width, len(lines[0]) + 40))
    return "\n".join(lines)


def to_json(findings: list[Finding]) -> str:
    eqs = [
        {
            "id": f.record.id,
            "section": f.record.section,
            "verdict": f.verdict.value,
            "paper_latex": f.record.latex,
            "derived_latex": f.derived_latex,
            "assumptions": f.assumptions,
            "finding": f.finding,
            "dimensions": f.dimensions,
            "method": f.outcome.method if f.outcome else "",
        }
        for f in findings
    ]
    return json.dumps(
        {"equations": eqs, "summary": summary(findings)}, indent=2, ensure_ascii=False
    )


def to_markdown(findings: list[Finding], seconds: float | None = None) -> str:
    out = [
        "# Verification of “From optical lattices to quantum crystals”",
        "",
        f"{summary_line(findings, seconds)}.",
        "",
        "Verdicts are computed: printed and derived forms are compared by SymPy and by an",
        "mpmath probe at 40 digits (see README, *What the verdicts mean*).",
        "",
        "| id | section | verdict | finding |",
        "|---|---|---|---|",
    ]
    for f in findings:
        finding = f.finding.replace("|", "\\|")
        out.append(f"| ({f.record.id}) | {f.record.section} | **{f.verdict.value}** | {finding} |")
    for sec, title in paper.SECTIONS.items():
        in_section = [f for f in findings if f.record.section == sec]
        if in_section:
            out += ["", f"## Section {sec}: {title}"]
        for f in in_section:
            out += [
                "",
                f"### ({f.record.id}) — {f.verdict.value}",
                "",
                "Printed:",
                "",
                f"$$ {f.record.latex} $$",
            ]
            if f.derivation:
                out += ["", "Derived:", "", f"$$ {f.derived_latex} $$"]
            if f.assumptions:
                out += ["", "Assumptions: " + "; ".join(f.assumptions) + "."]
            out += ["", f"Finding: {f.finding}", "", f"Dimensions: {f.dimensions}"]
            if f.record.note:
                out += ["", f"Note: {f.record.note}"]
            if f.record.id in _APPROXIMATION_CHECKS:
                out += ["", _approximation_check(f.record.id)]
    return "\n".join(out) + "\n"


# Equations that rest on the Gaussian ansatz or the harmonic expansion, and which ratio of
# `qcrystal accuracy` measures each: (29) the ansatz (its onsite overlap), (34) the
# harmonic frequency, J_ij the tunneling.
_APPROXIMATION_CHECKS = {
    "29": ("overlap gauss/exact", "∫w⁴ of the Gaussian (29) / exact Wannier"),
    "34": ("freq harmonic/exact", "harmonic ω of (34) / exact band spacing"),
    "J_ij": ("J gauss/exact", "Gaussian-ansatz J / exact nearest-neighbour J"),
}
_CHECK_DEPTHS = (3.0, 10.0, 20.0, 50.0)


def _approximation_check(eq_id: str) -> str:
    """One sentence of measured accuracy for an equation that rests on an approximation."""
    key, label = _APPROXIMATION_CHECKS[eq_id]
    ratios = ", ".join(f"{r.ratios()[key]:.3g} at s = {r.s:g}" for r in _accuracy_rows())
    return f"Approximation check (`qcrystal accuracy`, 1D lattice, s = U/E_R): {label} = {ratios}."


@functools.cache
def _accuracy_rows() -> tuple:
    from qcrystal import accuracy  # the band solver is needed only for a report

    return tuple(accuracy.accuracy_table(_CHECK_DEPTHS))
