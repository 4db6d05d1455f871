"""The derivation book: a static, offline web site of every derivation and verdict.

``qcrystal book --out DIR`` renders the project's Jinja2 templates (``templates/book``)
from the findings of one verification of a :class:`~qcrystal.symbolic.Paper` (no second
copy of the mathematics, and no second verification):
an index with the verdict summary, one page per section of the paper with each equation's
printed and derived forms, verdict badge, finding and numbered steps (each step links to
the equations it uses), a page of the generated functions (each linked from the equations
it computes, with the tests that check it), and a derivation map (networkx + matplotlib).

Mathematics is converted to MathML on the server by latex2mathml, which browsers render
natively: the site needs no network and no JavaScript when it is read.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import latex2mathml.converter

from qcrystal.codegen.registry import Function
from qcrystal.symbolic import Finding, Paper, verification

from . import test_index

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
    if findings is None:
        say("verifying every equation")
        findings = verification.run(paper)
    findings = list(findings)
    where = {f.record.id: f.record.section for f in findings}

    def href(eq_id: str) -> str:
        return f"{_page(where[eq_id])}#eq-{eq_id}" if eq_id in where else "index.html"

    computed_by: dict[str, list[str]] = {}
    for fn in functions:
        for i in fn.equations:
            computed_by.setdefault(i, []).append(fn.name)
    sections: list[dict[str, Any]] = [
        {"number": sec, "title": title, "page": _page(sec), "equations": []}
        for sec, title in paper.sections.items()
    ]
    by_number = {s["number"]: s for s in sections}
    rows = []
    say("rendering the mathematics")
    for f in findings:
        steps = []
        if f.derivation:
            for step in f.derivation.steps:
                steps.append(
                    {
                        "name": step.name,
                        "why": step.why,
                        "uses": [{"id": u, "href": href(u)} for u in step.uses],
                        "adds": list(step.adds),
                        "math": _mathml(step.latex()),
                    }
                )
        entry = {
            "id": f.record.id,
            "verdict": f.verdict.value,
            "printed": _mathml(f.record.latex),
            "derived": _mathml(f.derived_latex) if f.derivation else "",
            "finding": f.finding,
            "steps": steps,
            "functions": computed_by.get(f.record.id, []),
        }
        by_number[f.record.section]["equations"].append(entry)
        short = f.finding if len(f.finding) < 140 else f.finding[:137] + "…"
        rows.append({**entry, "href": href(f.record.id), "section": f.record.section,
                     "short": short})  # fmt: skip
    sections = [sec for sec in sections if sec["equations"]]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    common = {"sections": sections, "paper_title": paper.title, "author": paper.author,
              "has_functions": bool(functions)}  # fmt: skip
    written = []

    def write(name: str, template: str, **context: Any) -> None:
        path = out / name
        path.write_text(env.get_template(template).render(**common, **context), encoding="utf-8")
        written.append(path)

    write("index.html", "index.html.j2", title="Contents", equations=rows,
          summary=verification.summary_line(findings))  # fmt: skip
    for sec in sections:
        write(sec["page"], "section.html.j2", title=f"§{sec['number']} {sec['title']}", section=sec)
    if functions:
        from qcrystal import numerics

        tests = test_index.tests_of(f.name for f in functions)
        entries = []
        for fn in functions:
            doc = inspect.getdoc(getattr(numerics, fn.name)) or ""
            links = [{"id": i, "href": href(i)} for i in fn.equations]
            entries.append({"name": fn.name, "doc": doc, "tests": tests[fn.name],
                            "equations": links})  # fmt: skip
        write("api.html", "api.html.j2", title="Generated functions", functions=entries)
    say("drawing the derivation map")
    edges = _derivation_map(findings, out / "map.svg")
    written.append(out / "map.svg")
    links = [{"src": a, "dst": b, "src_href": href(a), "dst_href": href(b)} for a, b in edges]
    write("map.html", "map.html.j2", title="Derivation map", edges=links)
    return written


def _derivation_map(findings, path: Path) -> list[tuple[str, str]]:
    """Draw which equation's derivation uses which; discrepancies in red. Returns the edges."""
    import networkx as nx
    from matplotlib.figure import Figure

    from qcrystal.files import save_figure

    graph = nx.DiGraph()
    verdicts = {f.record.id: f.verdict.value for f in findings}
    for f in findings:
        if f.derivation:
            graph.add_node(f.record.id)
            for u in f.derivation.uses:
                if u != f.record.id:
                    graph.add_edge(u, f.record.id)
    order = {eq_id: i for i, eq_id in enumerate(verdicts)}
    if nx.is_directed_acyclic_graph(graph):
        for layer, nodes in enumerate(nx.topological_generations(graph)):
            for n in nodes:
                graph.nodes[n]["layer"] = layer
        pos = nx.multipartite_layout(graph, subset_key="layer", align="horizontal")
        pos = {n: (x, -y) for n, (x, y) in pos.items()}
    else:  # a cycle would be a bug in the records; still draw something readable
        pos = nx.spring_layout(graph, seed=0)
    colors = {"confirmed": "#2e7d32", "discrepancy": "#c62828", "definition": "#90a4ae",
              "cited": "#8e24aa"}  # fmt: skip
    fig = Figure(figsize=(12, 8), layout="constrained")
    ax = fig.subplots()
    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="0.7", arrows=True, arrowsize=8)
    nx.draw_networkx_nodes(
        graph, pos, ax=ax, node_size=650,
        node_color=[colors.get(verdicts.get(n, ""), "#bdbdbd") for n in graph.nodes],
    )  # fmt: skip
    nx.draw_networkx_labels(graph, pos, ax=ax, labels={n: f"({n})" for n in graph.nodes},
                            font_size=7, font_color="white")  # fmt: skip
    ax.set_title("derivation map: red = printed form disagrees with its derivation")
    ax.axis("off")
    save_figure(fig, path)
    edges = sorted(graph.edges, key=lambda e: (order.get(e[1], 0), order.get(e[0], 0)))
    return [(html.unescape(a), html.unescape(b)) for a, b in edges]
