"""Phase diagrams of a model over its depth and temperature: the thermal region, the Mott
point, the default ranges, and a figure for every example that shows more than one state.

References: the thermal rule T ≥ U read off the grid's own axes; the Mott crossing against
the exact per-point U/J of :func:`qcrystal.models.quantities` (a second route: no
interpolation) and against the depth at which Greiner et al., Nature 415, 39 (2002) saw
⁸⁷Rb at 1064 nm turn insulating (about 13 E_R); the interpolated U_onsite and U/J against
the exact per-depth numbers.
"""

from __future__ import annotations

import glob
import json

import numpy as np
import pytest

from qcrystal import models
from qcrystal.models import hubbard
from qcrystal.states import diagram
from qcrystal.states.classify import STATES

RB = "examples/lab/rb87_cubic.toml"
EXAMPLES = sorted(glob.glob("examples/*.toml") + glob.glob("examples/lab/*.toml"))


def _exact(path: str, depth: float):
    q = models.quantities(models.load(path, {"lattice.depth": depth}))
    return q.scalar("U_onsite"), q.scalar("U/J")


def test_interpolated_onsite_numbers_match_the_exact_ones():
    """64 exact nodes over two decades in U, log–log spline between: 1e-6 relative
    (a cubic spline through nodes 0.07 apart in ln U)."""
    m = models.load(RB)
    E_R = models.DepthFunctions.from_model(m).E_R
    U = np.geomspace(1.0, 100.0, 301) * E_R
    curve = hubbard.onsite_over_depth(m, U)
    assert curve is not None and curve.critical == pytest.approx(29.34)
    for i in (3, 77, 150, 222, 299):  # between nodes
        on, ratio = _exact(RB, float(U[i]))
        assert curve.U_onsite[i] == pytest.approx(on, rel=1e-6)
        assert curve.U_over_J[i] == pytest.approx(ratio, rel=1e-6)


def test_no_bose_hubbard_curve_without_a_contact_interaction_or_at_filling_two(tmp_path):
    assert hubbard.onsite_over_depth(models.load("examples/rydberg.toml"), np.ones(3)) is None
    m = models.load(RB, {"model.filling": 2.0})
    assert hubbard.onsite_over_depth(m, np.ones(3)) is None


def test_rb87_diagram_mott_point_and_thermal_region():
    E_R = models.DepthFunctions.from_model(models.load(RB)).E_R
    dia = diagram.model_diagram(RB, (1.0 * E_R, 100.0 * E_R), (1e-4, 30.0), n=90)
    U_c = dia.params["bose_hubbard"]["U_c"]
    # the exact U/J at the interpolated crossing is the published critical value
    _, ratio = _exact(RB, U_c)
    assert ratio == pytest.approx(29.34, rel=2e-3)
    assert 12.0 < U_c / E_R < 15.0  # Greiner et al. 2002: about 13 E_R
    names = dia.states()  # row 0: the coldest T, far below U_onsite/10 at every depth
    assert set(names[0][dia.x < 0.99 * U_c]) == {"conducting_optical_lattice"}
    assert set(names[0][dia.x > 1.01 * U_c]) == {"insulating_optical_lattice"}
    # contact: T_D = 0, never localized: thermal exactly where T ≥ U
    thermal = names == "thermal"
    np.testing.assert_array_equal(thermal, dia.y[:, np.newaxis] >= dia.x[np.newaxis, :])


def test_mott_applies_only_well_below_the_onsite_u():
    """Above T = U_onsite/10 the paper's orderings stand: conducting at every depth."""
    m = models.load(RB)
    E_R = models.DepthFunctions.from_model(m).E_R
    U = np.array([30.0 * E_R])
    on = float(hubbard.onsite_over_depth(m, U).U_onsite[0])
    dia = diagram.model_diagram(RB, (29.0 * E_R, 31.0 * E_R), (0.05 * on, 0.5 * on), n=5)
    names = dia.states()
    assert set(names[0]) == {"insulating_optical_lattice"}  # T = 0.05 U_onsite
    assert set(names[-1]) == {"conducting_optical_lattice"}  # T = 0.5 U_onsite


def _label_boxes(fig):
    fig.draw_without_rendering()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    return frame, [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts]


@pytest.mark.parametrize("path", EXAMPLES)
def test_every_example_has_a_diagram_worth_drawing(path, tmp_path):
    """The default ranges show more than one state (no class over 90 % of the grid) and
    every label sits inside the axes."""
    U_range, T_range = diagram.default_ranges(path)
    units = "lab" if "/lab/" in path else "recoil"
    dia = diagram.model_diagram(path, U_range, T_range, n=60, units=units)
    counts = dia.counts()
    top = max(counts, key=counts.get)
    assert counts[top] <= 0.9 * dia.codes.size, (path, counts)
    fig = diagram.figure(dia)
    frame, boxes = _label_boxes(fig)
    assert boxes, path
    for text, box in boxes:
        assert frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5, (path, text)
        assert frame.y0 - 0.5 <= box.y0 and box.y1 <= frame.y1 + 0.5, (path, text)
    assert "s = U / E_R" in fig.axes[0].get_xlabel()
    assert ("nK" in fig.axes[0].get_ylabel() or "µK" in fig.axes[0].get_ylabel()) == (
        units == "lab"
    )


def test_phase_diagram_cli_units_and_default_ranges(qc, tmp_path):
    out = qc("phase-diagram", "--model", RB, "--units", "lab", "--n", "40",
             "--formats", "svg,json", "--out", tmp_path / "rb", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    svg = (tmp_path / "rb.svg").read_text()
    assert "µK" in svg or "nK" in svg
    data = json.loads((tmp_path / "rb.json").read_text())
    assert data["params"]["bose_hubbard"]["critical"] == pytest.approx(29.34)
    assert set(data["states"]) == set(STATES)
    bad = qc("phase-diagram", "--model", "examples/rydberg.toml", "--units", "lab",
             "--out", tmp_path / "ry")  # fmt: skip
    assert bad.returncode == 2 and "lab units" in bad.stderr
