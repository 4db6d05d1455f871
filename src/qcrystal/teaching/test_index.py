"""Which tests check which function: read from the test files' syntax trees.

The derivation book lists, under each generated function, the tests whose body mentions
it. In a source checkout they are read from ``tests/`` as it is; an installed package has
no tests, so the listing is recorded when the wheel is built (``setup.py`` calls
:func:`index` and writes ``test_index.json`` beside this file) and read back here. This
module uses the standard library only, so the build can load it by path.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from pathlib import Path

__all__ = ["RECORDED", "index", "tests_of"]

RECORDED = Path(__file__).resolve().parent / "test_index.json"


def index(tests_dir: Path, names: Iterable[str]) -> dict[str, list[str]]:
    """For each name, the ``tests/FILE::test_function`` whose body mentions it."""
    wanted = list(names)
    found: dict[str, list[str]] = {n: [] for n in wanted}
    for path in sorted(Path(tests_dir).glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        # A file whose text names none of them has no test that uses one: not parsed.
        if not any(name in text for name in wanted):
            continue
        tree = ast.parse(text)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                used = {getattr(n, "attr", None) or getattr(n, "id", None) for n in ast.walk(node)}
                for name in wanted:
                    if name in used:
                        found[name].append(f"tests/{path.name}::{node.name}")
    return found


def _checkout_tests() -> Path | None:
    """``tests/`` of the source checkout this package runs from, if it does."""
    root = Path(__file__).resolve().parents[3]  # src/qcrystal/teaching/ → the checkout
    tests = root / "tests"
    return tests if (root / "pyproject.toml").is_file() and tests.is_dir() else None


def tests_of(names: Iterable[str]) -> dict[str, list[str]]:
    """The tests of each name: live from a checkout, else as recorded at build time."""
    names = list(names)
    live = _checkout_tests()
    if live is not None:
        return index(live, names)
    if RECORDED.is_file():
        recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
        return {n: list(recorded.get(n, [])) for n in names}
    return {n: [] for n in names}
