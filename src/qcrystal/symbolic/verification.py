"""Judge every record of a paper and summarise the verdicts (data, not presentation)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable

from .paper import Paper
from .record import Finding
from .sharing import judge_all
from .verdict import Verdict

__all__ = ["run", "summary", "summary_line", "to_json"]


def run(
    paper: Paper,
    ids: Iterable[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Finding]:
    """Judge the records (all, or those named), in the paper's order; on two cores when
    the machine has them (:mod:`.sharing`), with the same findings."""
    recs = list(paper.records) if ids is None else [paper.get(i) for i in ids]
    return judge_all(paper, recs, progress)


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    """How many records got each verdict (every verdict listed, zeros included)."""
    counts = Counter(f.verdict.value for f in findings)
    return {v.value: counts.get(v.value, 0) for v in Verdict}


def summary_line(findings: list[Finding], seconds: float | None = None) -> str:
    counts = summary(findings)
    parts = ", ".join(f"{n} {v}" for v, n in counts.items())
    timing = f" in {seconds:.1f} s" if seconds is not None else ""
    return f"{len(findings)} equations: {parts}{timing}"


def to_json(findings: list[Finding]) -> str:
    """The schema of ``qcrystal verify --json``."""
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
