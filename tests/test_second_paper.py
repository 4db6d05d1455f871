"""The framework knows no paper: a second one (the harmonic oscillator, tests/second_paper.py)
runs through verify, the book and both reports, and its deliberate misprint is diagnosed."""

import shutil
import subprocess

import pytest
from second_paper import OSCILLATOR

from qcrystal.symbolic import Verdict, verification
from qcrystal.teaching import book, report_latex, report_markdown, step_check


@pytest.fixture(scope="module")
def findings():
    return verification.run(OSCILLATOR)


def test_verdicts_and_the_misprint(findings):
    verdicts = {f.record.id: f.verdict for f in findings}
    assert verdicts == {
        "1": Verdict.DEFINITION,
        "2": Verdict.CONFIRMED,
        "3": Verdict.CONFIRMED,
        "4": Verdict.DISCREPANCY,
        "5": Verdict.CONFIRMED,
    }
    misprint = next(f for f in findings if f.record.id == "4")
    assert "constant factor: printed = 2 × derived" in misprint.finding
    # its own unit system: both sides of (3) carry energy, mass·length²/time²
    assert next(f for f in findings if f.record.id == "3").dimensions == "both sides energy"
    assert verification.summary_line(findings).startswith("5 equations: 3 confirmed, 1 discrepancy")


def test_probe_settings_come_from_the_paper(monkeypatch):
    """The probe runs with the paper's points and digits (5 and 30 here, not 6 and 40)."""
    from qcrystal.symbolic import verdict

    seen = []
    real = verdict._probe

    def spy(printed, derived, probe):
        seen.append((probe.count, probe.digits, probe.agree))
        return real(printed, derived, probe)

    monkeypatch.setattr(verdict, "_probe", spy)
    finding = verification.run(OSCILLATOR, ["3"])[0]
    assert finding.verdict is Verdict.CONFIRMED
    assert seen and set(seen) == {(5, 30, 20)}


def test_the_book_of_the_second_paper(tmp_path, findings, monkeypatch):
    from qcrystal.teaching import derivation_map

    def not_here(*args):
        raise AssertionError("the map is drawn by the helper process, not in this one")

    with monkeypatch.context() as patch:
        patch.setattr(derivation_map, "draw", not_here)
        files = book.build(tmp_path, OSCILLATOR, findings)
    # the helper's map is the one drawn here, byte for byte
    book._derivation_map(findings, tmp_path / "here.svg")
    assert (tmp_path / "map.svg").read_bytes() == (tmp_path / "here.svg").read_bytes()
    names = {p.name for p in files}
    assert names == {"index.html", "section-1.html", "section-2.html", "map.svg", "map.html"}
    index = (tmp_path / "index.html").read_text()
    assert "The quantum harmonic oscillator: the derivations" in index and "A. Student" in index
    assert "Generated functions" not in index  # it has none
    section = (tmp_path / "section-2.html").read_text()
    assert "<math" in section and "constant factor" in section and "second_moment" in section


def test_the_map_is_drawn_in_process_when_no_helper_can_start(tmp_path, findings, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    book.build(tmp_path / "site", OSCILLATOR, findings)
    monkeypatch.undo()
    book._derivation_map(findings, tmp_path / "here.svg")
    assert (tmp_path / "site" / "map.svg").read_bytes() == (tmp_path / "here.svg").read_bytes()


def test_the_reports_of_the_second_paper(tmp_path, findings):
    md = report_markdown.to_markdown(OSCILLATOR, findings)
    assert md.startswith("# Verification of “The quantum harmonic oscillator”")
    assert "mpmath probe at 30 digits" in md and "## Section 2: Ground-state averages" in md
    tex = report_latex.to_latex_document(OSCILLATOR, findings, verification.summary_line(findings))
    assert tex.isascii() and "(4): discrepancy" in tex
    path = tmp_path / "oscillator.tex"
    path.write_text(tex)
    if shutil.which("pdflatex"):
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               path.name], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:]


def test_check_step_against_the_second_paper():
    right = step_check.check_step("4", "second_moment", "hbar/(2*m*omega)", paper=OSCILLATOR)
    assert right.answer == step_check.EQUIVALENT
    wrong = step_check.check_step("4", "second_moment", "hbar/(m*omega)", paper=OSCILLATOR)
    assert wrong.answer == step_check.NOT_EQUIVALENT and "constant factor" in wrong.detail
