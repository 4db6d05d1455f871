"""The derivation book: a static, offline web site of every derivation and verdict.

``qcrystal book --out DIR`` renders the project's Jinja2 templates (``templates/book``)
from the same derivation records the verify run uses (no second copy of the mathematics):
an index with the verdict summary, one page per section of the paper with each equation's
printed and derived forms, verdict badge, finding and numbered steps (each step links to
the equations it uses), a page of the generated functions (each linked from the equations
it computes, with the tests that check it), and a derivation map (networkx + matplotlib).

Mathematics is converted to MathML on the server by latex2mathml, which browsers render
natively: the site needs no network and no JavaScript when it is read.
"""

from __future__ import annotations

import ast
import html
import inspect
from collections.abc import Callable
from pathlib import Path

import jinja2
import latex2mathml.converter

from qcrystal import verify
from qcrystal.derivations import paper

__all__ = ["FUNCTIONS", "build"]

TEMPLATES = Path(__file__).resolve().parent / "templates" / "book"
TESTS = Path(__file__).resolve().parents[2] / "tests"

# Which generated function computes which equation. The lattice module's entries come
# from the code generator's specs; the phonon module is rendered by its own template.
FUNCTIONS = {
    "lattice_frequency": ("34",),
    "effective_frequency": ("38",),
    "gaussian_hopping": ("J_ij",),
    "debye_temperature": ("49", "k_D"),
    "debye_integral": ("48",),
    "lindemann_ratio": ("47", "48"),
    "melting_temperature": ("47",),
}


def _mathml(latex: str) -> str:
    return latex2mathml.converter.convert(latex, display="block")


def _page(section: str) -> str:
    return f"section-{section}.html"


def _tests_of(name: str) -> list[str]:
    """Test functions whose body mentions ``name`` (read from the test files' syntax trees)."""
    found = []
    for path in sorted(TESTS.glob("test_*.py")) if TESTS.is_dir() else []:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names = {getattr(n, "attr", None) or getattr(n, "id", None) for n in ast.walk(node)}
                if name in names:
                    found.append(f"tests/{path.name}::{node.name}")
    return found


def build(out_dir: str | Path, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the site into ``out_dir`` (created if needed); returns the files written."""
    import qcrystal

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    say("verifying every equation")
    findings = verify.run()
    where = {f.record.id: f.record.section for f in findings}

    def href(eq_id: str) -> str:
        return f"{_page(where[eq_id])}#eq-{eq_id}" if eq_id in where else "index.html"

    computed_by: dict[str, list[str]] = {}
    for fn, ids in FUNCTIONS.items():
        for i in ids:
            computed_by.setdefault(i, []).append(fn)
    sections = [
        {"number": sec, "title": title, "page": _page(sec), "equations": []}
        for sec, title in paper.SECTIONS.items()
    ]
    by_number = {s["number"]: s for s in sections}
    rows = []
    say("rendering the mathematics")
    for f in findings:
        steps = []
        if f.derivation:
            for s in f.derivation.steps:
                steps.append(
                    {
                        "why": s.why,
                        "uses": [{"id": u, "href": href(u)} for u in s.uses],
                        "adds": list(s.adds),
                        "math": _mathml(s.latex()),
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
    sections = [s for s in sections if s["equations"]]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    common = {"sections": sections}
    written = []

    def write(name: str, template: str, **context) -> None:
        path = out / name
        path.write_text(env.get_template(template).render(**common, **context), encoding="utf-8")
        written.append(path)

    write("index.html", "index.html.j2", title="Contents", equations=rows,
          summary=verify.summary_line(findings))  # fmt: skip
    for s in sections:
        write(s["page"], "section.html.j2", title=f"§{s['number']} {s['title']}", section=s)
    functions = []
    for name, ids in FUNCTIONS.items():
        doc = inspect.getdoc(getattr(qcrystal, name)) or ""
        functions.append({"name": name, "doc": doc, "tests": _tests_of(name),
                          "equations": [{"id": i, "href": href(i)} for i in ids]})  # fmt: skip
    write("api.html", "api.html.j2", title="Generated functions", functions=functions)
    say("drawing the derivation map")
    edges = _derivation_map(findings, out / "map.svg")
    written.append(out / "map.svg")
    links = [{"src": a, "dst": b, "src_href": href(a), "dst_href": href(b)} for a, b in edges]
    write("map.html", "map.html.j2", title="Derivation map", edges=links)
    return written


def _derivation_map(findings, path: Path) -> list[tuple[str, str]]:
    """Draw which equation's derivation uses which; discrepancies in red. Returns the edges."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

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
    fig, ax = plt.subplots(figsize=(12, 8), constrained_layout=True)
    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="0.7", arrows=True, arrowsize=8)
    nx.draw_networkx_nodes(
        graph, pos, ax=ax, node_size=650,
        node_color=[colors.get(verdicts.get(n, ""), "#bdbdbd") for n in graph.nodes],
    )  # fmt: skip
    nx.draw_networkx_labels(graph, pos, ax=ax, labels={n: f"({n})" for n in graph.nodes},
                            font_size=7, font_color="white")  # fmt: skip
    ax.set_title("derivation map: red = printed form disagrees with its derivation")
    ax.axis("off")
    fig.savefig(path)
    plt.close(fig)
    edges = sorted(graph.edges, key=lambda e: (order.get(e[1], 0), order.get(e[0], 0)))
    return [(html.unescape(a), html.unescape(b)) for a, b in edges]
