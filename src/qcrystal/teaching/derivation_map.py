"""The derivation map of the book: which equation's derivation uses which.

:func:`draw` lays the graph out with networkx and draws it with Matplotlib (discrepancies
in red). Importing the two and drawing take about a second, more than the rest of the
book's own work together, so the book runs :func:`draw` in a helper process
(:class:`Helper`, ``python -m qcrystal.teaching.derivation_map PATH``) that it starts
before the map is needed: the imports run while the paper is verified, the drawing while
the mathematics is rendered. The helper draws with the same function and the same data
(its graph goes in as a line of JSON on stdin, the edges come back as JSON on stdout), so the SVG
has the same bytes either way; if the helper cannot run, the map is drawn in process.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcrystal.symbolic import Finding

__all__ = ["Helper", "Node", "draw", "graph"]

# One equation: its id, its verdict, and the ids its derivation uses (None: not derived).
Node = tuple[str, str, Sequence[str] | None]

_COLORS = {"confirmed": "#2e7d32", "discrepancy": "#c62828", "definition": "#90a4ae",
           "cited": "#8e24aa"}  # fmt: skip


def graph(findings: Iterable[Finding]) -> list[Node]:
    """What the map shows of each finding, in the paper's order (plain data, JSON-able)."""
    return [
        (f.record.id, f.verdict.value, list(f.derivation.uses) if f.derivation else None)
        for f in findings
    ]


def draw(nodes: Sequence[Node], path: Path) -> list[tuple[str, str]]:
    """Draw the map of ``nodes`` as an SVG at ``path``; the edges, in reading order."""
    import networkx as nx
    from matplotlib.figure import Figure

    from qcrystal.files import save_figure

    g = nx.DiGraph()
    verdicts = {eq_id: verdict for eq_id, verdict, _ in nodes}
    for eq_id, _, uses in nodes:
        if uses is not None:
            g.add_node(eq_id)
            for u in uses:
                if u != eq_id:
                    g.add_edge(u, eq_id)
    order = {eq_id: i for i, eq_id in enumerate(verdicts)}
    if nx.is_directed_acyclic_graph(g):
        # The layers as lists, in the graph's order: given a node attribute instead,
        # networkx groups each layer into a set, whose order (hence the drawing) would
        # change with the interpreter's string-hash seed from one process to the next.
        layers = dict(enumerate(nx.topological_generations(g)))
        pos = nx.multipartite_layout(g, subset_key=layers, align="horizontal")
        pos = {n: (x, -y) for n, (x, y) in pos.items()}
    else:  # a cycle would be a bug in the records; still draw something readable
        pos = nx.spring_layout(g, seed=0)
    fig = Figure(figsize=(12, 8), layout="constrained")
    ax = fig.subplots()
    nx.draw_networkx_edges(g, pos, ax=ax, edge_color="0.7", arrows=True, arrowsize=8)
    nx.draw_networkx_nodes(
        g, pos, ax=ax, node_size=650,
        node_color=[_COLORS.get(verdicts.get(n, ""), "#bdbdbd") for n in g.nodes],
    )  # fmt: skip
    nx.draw_networkx_labels(g, pos, ax=ax, labels={n: f"({n})" for n in g.nodes},
                            font_size=7, font_color="white")  # fmt: skip
    ax.set_title("derivation map: red = printed form disagrees with its derivation")
    ax.axis("off")
    save_figure(fig, path)
    edges = sorted(g.edges, key=lambda e: (order.get(e[1], 0), order.get(e[0], 0)))
    return [(html.unescape(a), html.unescape(b)) for a, b in edges]


class Helper:
    """:func:`draw` in a helper process, started now and given its graph later.

    Use as a context manager: leaving the block stops a helper that is still running (an
    error or Ctrl-C part way through the book leaves no process behind).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._nodes: list[Node] | None = None
        try:
            # -P: the folder the user runs from is not put on the helper's import path, so a
            # file there cannot shadow a library; everything else is inherited.
            self._proc: subprocess.Popen[str] | None = subprocess.Popen(
                [sys.executable, "-P", "-m", __name__, str(self.path)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, encoding="utf-8",
            )  # fmt: skip
        except OSError:  # no interpreter to start (an embedded or frozen Python)
            self._proc = None

    def send(self, nodes: Sequence[Node]) -> None:
        """Give the helper its graph: it draws while the caller goes on."""
        self._nodes = list(nodes)
        if self._proc is None or self._proc.stdin is None:
            return
        try:
            # one line, flushed, not closed: communicate() closes it (and minds if it is)
            self._proc.stdin.write(json.dumps(self._nodes) + "\n")
            self._proc.stdin.flush()
        except OSError:  # it has died already: edges() draws in process instead
            pass

    def edges(self, timeout: float = 300.0) -> list[tuple[str, str]]:
        """Wait for the map; its edges. Drawn here if the helper failed for any reason."""
        if self._nodes is None:
            raise RuntimeError("Helper.edges() before send()")
        if self._proc is not None:
            try:
                out, _ = self._proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.close()
            else:
                if self._proc.returncode == 0:
                    return [(a, b) for a, b in json.loads(out)]
        return draw(self._nodes, self.path)

    def close(self) -> None:
        """Stop the helper if it still runs, and reap it."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _main(argv: list[str]) -> int:
    """The helper: read the graph from stdin, draw it at ``argv[0]``, print the edges."""
    import tempfile

    # Behind the verification it overlaps: that uses both cores (a forked helper), and
    # this one's imports must not slow it down, only fill the time it leaves free.
    if hasattr(os, "nice"):
        os.nice(10)
    # Before the graph arrives (see above): a first drawing also loads the fonts, the
    # layout engine and the SVG writer, half the time of drawing the map itself.
    with tempfile.TemporaryDirectory() as scratch:
        draw([("a", "confirmed", None), ("b", "discrepancy", ["a"])], Path(scratch, "m.svg"))
    line = sys.stdin.readline()
    nodes = [(eq_id, verdict, uses) for eq_id, verdict, uses in json.loads(line)]
    json.dump(draw(nodes, Path(argv[0])), sys.stdout)
    return 0


if __name__ == "__main__":
    status = _main(sys.argv[1:])
    sys.stdout.flush()
    # The map is written and closed, the edges sent: skip the interpreter's teardown (a
    # quarter of a second with Matplotlib loaded), which the book would wait for.
    os._exit(status)
