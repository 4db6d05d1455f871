"""The standard Bose–Hubbard numbers beside the paper's: exact J, onsite U, U/J, the Mott point.

References: the exact-band J against the Mathieu band edges (scipy's characteristic values:
4J₁ is the lowest band's width to O(J₃/J₁)), the onsite U of the Gaussians against mpmath
quadrature of |w|⁴, and the published critical (U/J)_c crossed by the contact example.
"""

from __future__ import annotations

import json
import math

import mpmath as mp
import numpy as np
import pytest
from scipy import special

from qcrystal import models

CONTACT = """
[model]
mass = 1.0
filling = {nu}
[lattice]
kind = "{kind}"
wavelength = 2.0
depth = {depth}
temperature = {T}
[interaction]
kind = "contact"
g = 0.5
"""


def _load(tmp_path, kind="cubic", depth=50.0, nu=1.0, T=0.0):
    path = tmp_path / "contact.toml"
    path.write_text(CONTACT.format(kind=kind, depth=depth, nu=nu, T=T))
    return path, models.quantities(models.load(path))


def test_exact_j_against_the_mathieu_band_width(tmp_path):
    """E(q) of U sin²(k₀x) in E_R: the band edges are Mathieu values, E(0) = a₀(s/4) + s/2,
    E(1) = b₁(s/4) + s/2 (y'' + (a − 2q cos 2x)y = 0 with q = s/4). J₂/J₁ ~ 1e-3 at s = 10
    (the band is cos-like to that order), so 4J₁ matches the width to 2e-3."""
    _, q = _load(tmp_path, depth=50.0)
    E_R = q.vector("E_R")[0]
    s = 50.0 / E_R
    width = (special.mathieu_b(1, s / 4) - special.mathieu_a(0, s / 4)) * E_R
    assert q.vector("J_exact")[0] == pytest.approx(width / 4, rel=2e-3)
    assert q.vector("J_gauss") == q.vector("J_nn")
    assert 0.15 < q.vector("J_gauss")[0] / q.vector("J_exact")[0] < 0.2  # the ansatz, s ≈ 10


def test_onsite_u_of_the_gaussians_against_quadrature(tmp_path):
    """U_gauss = g ∫|w|⁴ d³r with |w|² = Π e^(−x²/l²)/(√π l), by mpmath per direction."""
    _, q = _load(tmp_path)
    l_width = q.vector("l")[0]
    one = mp.quad(lambda x: (mp.exp(-(x**2) / l_width**2) / (mp.sqrt(mp.pi) * l_width)) ** 2,
                  [-mp.inf, mp.inf])  # fmt: skip
    assert q.scalar("U_gauss") == pytest.approx(0.5 * float(one) ** 3, rel=1e-12)
    # the exact Wannier function is wider than the Gaussian at s ≈ 10: smaller U
    assert 0.5 < q.scalar("U_onsite") / q.scalar("U_gauss") < 1.0
    assert q.scalar("U/J") == pytest.approx(q.scalar("U_onsite") / q.vector("J_exact")[0])


def test_the_mott_point_is_crossed_where_u_over_j_passes_the_published_value(tmp_path, qc):
    """Rising depth raises U/J through 29.34 (simple cubic, QMC): superfluid below, Mott
    insulator above; the `state` command follows, and says the paper's orderings differ."""
    depths = np.linspace(20.0, 80.0, 13)
    ratios = np.array([_load(tmp_path, depth=v)[1].scalar("U/J") for v in depths])
    assert np.all(np.diff(ratios) > 0)
    crossing = depths[np.argmax(ratios > 29.34)]
    for depth, want in ((crossing - 5.0, "conducting"), (crossing, "insulating")):
        path, _ = _load(tmp_path, depth=depth)
        out = qc("state", "--model", str(path), "--json")
        data = json.loads(out.stdout)
        assert data["state"].startswith(want), (depth, data["notes"])
        assert data["paper_state"] == "conducting_optical_lattice"
        assert math.isclose(data["recoil_depth"], depth / (math.pi**2 / 2))


@pytest.mark.parametrize(
    ("nu", "T", "verdict"),
    [(1.5, 0.0, "superfluid"), (2.0, 0.0, None), (1.0, 1.0, "Mott insulator")],
)
def test_where_the_published_point_does_not_apply(tmp_path, qc, nu, T, verdict):
    """U_onsite ≈ 4.27 here (s ≈ 10): at T = 1 the margin 10 puts T above U_onsite/10,
    where the ground-state point is reported and not applied (the Mott gap melts near
    0.2 U, Gerbier, Phys. Rev. Lett. 99, 120405 (2007))."""
    path, q = _load(tmp_path, nu=nu, T=T)
    data = json.loads(qc("state", "--model", str(path), "--json").stdout)
    assert data["bose_hubbard"]["mott"] == verdict
    if T > 0:
        assert 10 * T > q.scalar("U_onsite")  # the premise of the case
        assert "paper_state" not in data and "not applied" in data["notes"][-1]


def test_the_mott_verdict_holds_at_a_temperature_well_below_u(tmp_path, qc):
    """At T = 0.1 (×10 below U_onsite ≈ 4.27) the ground-state verdict still decides."""
    path, q = _load(tmp_path, T=0.1)
    assert 10 * 0.1 <= q.scalar("U_onsite")
    data = json.loads(qc("state", "--model", str(path), "--json").stdout)
    assert data["state"] == "insulating_optical_lattice"
    assert data["paper_state"] == "conducting_optical_lattice"


def test_an_attractive_contact_gets_no_superfluid_or_mott_verdict(tmp_path, qc):
    """g < 0 (a_s < 0): U_onsite < 0, outside the U > 0 phase diagram the QMC point is of."""
    path = tmp_path / "attractive.toml"
    path.write_text(CONTACT.format(kind="cubic", depth=50.0, nu=1.0, T=0.0).replace("0.5", "-0.5"))
    q = models.quantities(models.load(path))
    assert q.scalar("U_onsite") < 0 and q.hubbard.mott is None
    assert "attractive" in q.hubbard.mott_note
    assert models.hubbard.onsite_over_depth(models.load(path), np.array([50.0])) is None
    data = json.loads(qc("state", "--model", str(path), "--json").stdout)
    assert data["bose_hubbard"]["mott"] is None and "paper_state" not in data
    assert "attractive" in data["notes"][-1]
