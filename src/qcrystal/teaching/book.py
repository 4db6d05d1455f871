"""The derivation book: a static, offline web site of every derivation and verdict.

``qcrystal book --out DIR`` renders the project's Jinja2 templates (``templates/book``)
from the findings of one verification of a :class:`~qcrystal.symbolic.Paper` (no second
copy of the mathematics, and no second verification):
an index with the verdict summary, one page per section of the paper with each equation's
printed and derived forms, verdict badge, finding and numbered steps (each step links to
the equations it uses), a page of the generated functions (each linked from the equations
it computes, with the tests that check it), and a derivation map (networkx + matplotlib,
drawn by a helper process while the rest is rendered: see :mod:`.derivation_map`).

Mathematics is converted to MathML on the server by latex2mathml, which browsers render
natively: the site needs no network and no JavaScript when it is read.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import latex2mathml.converter

from qcrystal.codegen.registry import Function
from qcrystal.symbolic import Finding, Paper, verification

from . import derivation_map, test_index

__all__ = ["build"]

TEMPLATES = Path(__file__).resolve().parent / "templates" / "book"


def _mathml(latex: str) -> str:
    return latex2mathml.converter.convert(latex, display="block")


def _page(section: int) -> str:
    return f"section-{section}.html"


def build(
    out_dir: str | Path,
    paper: Paper,
    findings: Sequence[Finding] | None = None,
    functions: Sequence[Function] = (),
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the site of ``paper`` into ``out_dir`` (created if needed); the files written.

    ``findings`` are those of one verification of the paper (verified here if not given);
    ``functions`` the numeric functions that compute its equations, for the API page.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    # The map's helper starts first: its imports overlap the verification, its drawing
    # the rendering of the mathematics.
    with derivation_map.Helper(out / "map.svg") as drawing:
        if findings is None:
            say("verifying every equation")
            findings = verification.run(paper)
        findings = list(findings)
        drawing.send(derivation_map.graph(findings))
        site = _Site(out, paper, findings, functions)
        say("rendering the mathematics")
        site.contents()
        say("drawing the derivation map")
        edges = drawing.edges()
    site.written.append(out / "map.svg")
    links = [{"src": a, "dst": b, "src_href": site.href(a), "dst_href": site.href(b)}
             for a, b in edges]  # fmt: skip
    site.write("map.html", "map.html.j2", title="Derivation map", edges=links)
    return site.written


class _Site:
    """The pages of one book: what they share (navigation, links, templates), and writing."""

    def __init__(self, out: Path, paper: Paper, findings: list[Finding],
                 functions: Sequence[Function]) -> None:  # fmt: skip
        self.out, self.paper, self.findings, self.functions = out, paper, findings, functions
        self.where = {f.record.id: f.record.section for f in findings}
        used = set(self.where.values())
        self.sections: list[dict[str, Any]] = [
            {"number": sec, "title": title, "page": _page(sec), "equations": []}
            for sec, title in paper.sections.items() if sec in used
        ]  # fmt: skip
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(["html", "j2"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.common = {"sections": self.sections, "paper_title": paper.title,
                       "author": paper.author, "has_functions": bool(functions)}  # fmt: skip
        self.written: list[Path] = []

    def href(self, eq_id: str) -> str:
        """The link to an equation: its section's page and anchor (the index if unknown)."""
        return f"{_page(self.where[eq_id])}#eq-{eq_id}" if eq_id in self.where else "index.html"

    def write(self, name: str, template: str, **context: Any) -> None:
        path = self.out / name
        text = self.env.get_template(template).render(**self.common, **context)
        path.write_text(text, encoding="utf-8")
        self.written.append(path)

    def contents(self) -> None:
        """The index, one page per section and the page of the generated functions."""
        # One conversion per distinct formula: a derived form is often its printed form.
        mathml = functools.lru_cache(maxsize=None)(_mathml)
        computed_by: dict[str, list[str]] = {}
        for fn in self.functions:
            for i in fn.equations:
                computed_by.setdefault(i, []).append(fn.name)
        by_number = {s["number"]: s for s in self.sections}
        rows = []
        for f in self.findings:
            steps, latex = [], []
            if f.derivation:
                for step in f.derivation.steps:
                    latex.append(step.latex())
                    steps.append(
                        {
                            "name": step.name,
                            "why": step.why,
                            "uses": [{"id": u, "href": self.href(u)} for u in step.uses],
                            "adds": list(step.adds),
                            "math": mathml(latex[-1]),
                        }
                    )
            entry = {
                "id": f.record.id,
                "verdict": f.verdict.value,
                "printed": mathml(f.record.latex),
                # the result is the last step (Derivation.result): its LaTeX is that step's
                "derived": mathml(latex[-1]) if latex else "",
                "finding": f.finding,
                "steps": steps,
                "functions": computed_by.get(f.record.id, []),
            }
            by_number[f.record.section]["equations"].append(entry)
            short = f.finding if len(f.finding) < 140 else f.finding[:137] + "…"
            rows.append({**entry, "href": self.href(f.record.id), "section": f.record.section,
                         "short": short})  # fmt: skip
        self.write("index.html", "index.html.j2", title="Contents", equations=rows,
                   summary=verification.summary_line(self.findings))  # fmt: skip
        for sec in self.sections:
            self.write(sec["page"], "section.html.j2", title=f"§{sec['number']} {sec['title']}",
                       section=sec)  # fmt: skip
        if self.functions:
            self.api_page()

    def api_page(self) -> None:
        """The generated functions, each with the equations it computes and its tests."""
        from qcrystal import numerics

        tests = test_index.tests_of(f.name for f in self.functions)
        entries = []
        for fn in self.functions:
            doc = inspect.getdoc(getattr(numerics, fn.name)) or ""
            links = [{"id": i, "href": self.href(i)} for i in fn.equations]
            entries.append({"name": fn.name, "doc": doc, "tests": tests[fn.name],
                            "equations": links})  # fmt: skip
        self.write("api.html", "api.html.j2", title="Generated functions", functions=entries)


def _derivation_map(findings: Iterable[Finding], path: Path) -> list[tuple[str, str]]:
    """Draw the map of ``findings`` here, in this process; the edges (see derivation_map)."""
    return derivation_map.draw(derivation_map.graph(findings), path)
