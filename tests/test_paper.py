"""The paper's records: coverage, and the verdicts our hand analysis predicts.

The expected discrepancies were worked out by hand before the code existed (see the README):
(5) lost daggers, J_ij drops the Gaussian smearing of the lattice term, (48) has 12 where
the derivation gives 4d², (49) lacks a square root, (54)–(55) drop a factor T/T_D.
"""

import pytest

from qcrystal import verify
from qcrystal.derivations import paper
from qcrystal.derivations.dimensions import ENERGY
from qcrystal.derivations.verdict import Verdict


@pytest.fixture(scope="module")
def findings():
    return {f.record.id: f for f in verify.run()}


def test_every_displayed_equation_has_a_record():
    expected = {str(n) for n in range(1, 56)} | set(paper.UNNUMBERED)
    assert set(paper.ids()) == expected
    assert len(paper.ids()) == len(expected)


def test_records_keep_the_papers_order():
    numbered = [int(i) for i in paper.ids() if i.isdigit()]
    assert numbered == sorted(numbered)


def test_nothing_is_undecided(findings):
    assert [i for i, f in findings.items() if f.verdict is Verdict.UNDECIDED] == []


def test_discrepancies_are_the_ones_found_by_hand(findings):
    found = {i for i, f in findings.items() if f.verdict is Verdict.DISCREPANCY}
    assert found == {"5", "J_ij", "48", "49", "54", "55"}


@pytest.mark.parametrize(
    "eq_id",
    [
        "29",
        "30",
        "33",
        "34",
        "35",
        "36",
        "38",
        "45",
        "46",
        "k_D",
        "51",
        "52",
        "53",
        "11",
        "13",
        "20",
        "23",
        "24",
    ],
)
def test_confirmed(findings, eq_id):
    assert findings[eq_id].verdict is Verdict.CONFIRMED


def test_diagnoses(findings):
    assert "missing square root" in findings["49"].finding
    assert "dimensionally inconsistent" in findings["49"].finding
    assert "3/d**2" in findings["48"].finding and "no integer solution" in findings["48"].finding
    assert "T = T_D" in findings["54"].finding
    assert "adjoint" in findings["5"].finding
    assert "odd" in findings["J_ij"].finding and "k₀_α l_α → 0" in findings["J_ij"].finding


def test_dimensions_checked_where_transcribed(findings):
    assert findings["38"].dimensions_ok is True
    assert findings["49"].dimensions_ok is False
    assert findings["46"].dimensions_ok is True


def test_derivations_record_assumptions(findings):
    assumptions = " ".join(findings["38"].assumptions)
    assert "positive root" in assumptions
    assert any("j = 0" in a for a in findings["35"].assumptions)


def test_derivation_renders_as_text_and_latex():
    dv = paper.get("38").derive()
    assert "[7]" in dv.text() and "assumes ε_α > 0" in dv.text()
    assert r"\begin{enumerate}" in dv.latex()


def test_unknown_id_lists_valid_ones():
    with pytest.raises(KeyError, match="valid ids: 1, 2"):
        paper.get("99")


def test_energy_unit():
    assert str(ENERGY) == "energy"
