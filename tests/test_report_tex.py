"""The LaTeX export of the verification: well formed everywhere, compiled where pdflatex is."""

import re
import shutil
import subprocess

import pytest

from qcrystal.derivations.paper import PAPER
from qcrystal.symbolic.verification import summary_line
from qcrystal.teaching import report_latex as report_tex


@pytest.fixture(scope="module")
def tex(tmp_path_factory, findings):
    """The whole paper's report, from the session's one verification."""
    path = tmp_path_factory.mktemp("report") / "report.tex"
    path.write_text(
        report_tex.to_latex_document(PAPER, list(findings), summary_line(list(findings)))
    )
    return path


def _strip_escapes(text: str) -> str:
    return re.sub(r"\\[{}$%&#_]", "", text)


def test_tex_is_ascii_with_balanced_braces_environments_and_math(tex):
    text = tex.read_text()
    assert text.isascii()  # every Unicode character went through the table
    plain = _strip_escapes(text)
    depth = 0
    for ch in plain:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    begins = re.findall(r"\\begin\{(\w+)\}", text)
    ends = re.findall(r"\\end\{(\w+)\}", text)
    assert sorted(begins) == sorted(ends) and "document" in begins
    assert text.count(r"\[") == text.count(r"\]")
    for line in plain.splitlines():  # inline math opens and closes on each line
        if not line.startswith("\\[") and not line.startswith("\\]"):
            assert line.count("$") % 2 == 0, line
    assert "(49): discrepancy" in text and "Finding:" in text


def test_text_to_latex_covers_symbols_and_escapes():
    out = report_tex.text_to_latex("ε ≤ 4d² × T_D, 50% & #1 — ω₀ ≪ ħ")
    assert out.isascii()
    assert r"\varepsilon" in out and r"\leq" in out and r"\_" in out and r"\%" in out
    assert r"\ll" in out and "^{2}" in out and "_{0}" in out
    assert "U+" in report_tex.text_to_latex("☃")  # unknown: visible code point, no crash


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_tex_compiles_with_pdflatex(tex):
    out = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:]
    assert (tex.parent / "report.pdf").stat().st_size > 10_000
