"""Every printed form is transcribed exactly as printed: its LaTeX occurs in the paper."""

import re
from pathlib import Path

import pytest

from qcrystal.derivations.paper import PAPER

TEXT = Path(__file__).resolve().parents[2] / "shared/paper/optical-lattices-to-quantum-crystals.txt"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not TEXT.exists(), reason="../shared/paper not beside the clone")
@pytest.mark.parametrize("eq_id", PAPER.ids())
def test_latex_occurs_in_the_paper(eq_id):
    rec = PAPER.get(eq_id)
    assert _squash(rec.latex) in _squash(TEXT.read_text(encoding="utf-8"))
