"""qcrystal.Crystal: model-file interactions on any geometry, all branches.

References: the Debye sphere's T = 0 and T ≫ T_D closed forms ⟨Σ_s 1/c_s⟩ and ⟨Σ_s 2/c_s²⟩
(a radial quadrature in the code, closed forms here), the stability of sc and fcc power-law
crystals found independently in tests/test_dynamics.py, and round trips.
"""

from __future__ import annotations

import numpy as np
import pytest

import qcrystal
from qcrystal.crystal import dynamics as dyn


@pytest.fixture(scope="module")
def bcc():
    return qcrystal.Crystal("bcc", {"kind": "power_law", "C": 1.0, "n": 6}, n=8)


def _sphere_closed_form(crystal, hot: bool) -> float:
    h = crystal._harmonic
    g = h.geometry
    d, kD = g.d, g.debye_wavenumber
    dirs, w = dyn._sphere_rule(d)
    c = np.sqrt(np.linalg.eigvalsh(h._long_wave(dirs)))
    if hot:
        per = np.sum(2.0 / c**2, axis=1) * kD ** (d - 2) / (d - 2)
    else:
        per = np.sum(1.0 / c, axis=1) * kD ** (d - 1) / (d - 1)
    return float(np.sum(w * per)) / g.zone_volume / (2.0 * crystal.mass)


def test_the_debye_sphere_of_all_branches_against_its_closed_forms(bcc):
    assert bcc.mean_square_displacement(0.0, "debye") == pytest.approx(
        _sphere_closed_form(bcc, False), rel=1e-10
    )
    T = 1e6
    assert bcc.mean_square_displacement(T, "debye") / T == pytest.approx(
        _sphere_closed_form(bcc, True), rel=1e-8
    )


def test_stability_and_the_whole_zone(bcc):
    assert bcc.stable
    cubic = qcrystal.Crystal("cubic", {"kind": "power_law", "C": 1.0, "n": 12}, n=8)
    assert not cubic.stable and cubic.stability().omega2 < 0
    exact, debye = bcc.lindemann_ratio(0.0), bcc.lindemann_ratio(0.0, zone="debye")
    assert 1.0 < float(exact / debye) < 1.2  # the zone's soft modes, as in the README table


def test_melting_temperature_round_trips(bcc):
    for zone in ("exact", "debye"):
        T_m = bcc.melting_temperature(zone)
        assert T_m > 0
        assert float(bcc.lindemann_ratio(T_m, zone)) == pytest.approx(0.5, rel=1e-5)


def test_from_a_model_file_and_bad_input():
    c = qcrystal.Crystal.from_model("examples/lennard_jones.toml", "fcc")
    assert c.geometry == "fcc" and c.interaction["kind"] == "lennard_jones"
    for kwargs, message in (
        ({"geometry": "hcp"}, "hcp"),
        ({"smearing": "gaussian"}, "smearing='gaussian'"),
        ({"filling": 2.0}, "filling=2.0"),
        ({"interaction": {"kind": "dipolar", "C_dd": 1.0}}, "perpendicular to a 2D lattice"),
        ({"interaction": {"kind": "contact", "g": 1.0}}, "isotropic pair potential"),
        ({"interaction": {"C": 1.0}}, "with a 'kind'"),
    ):
        args = {"geometry": "fcc", "interaction": {"kind": "power_law", "C": 1.0, "n": 12}}
        args.update(kwargs)
        with pytest.raises(ValueError, match=message):
            qcrystal.Crystal(**args)
    with pytest.raises(ValueError, match="zone must be"):
        qcrystal.Crystal("fcc", {"kind": "power_law", "C": 1.0, "n": 12}).lindemann_ratio(
            0.0, zone="sphere"
        )


def test_model_show_of_a_crystal_file_without_an_optical_lattice(qc, tmp_path):
    """[crystal] instead of [lattice]: perpendicular dipoles on a triangular lattice."""
    out = qc("model", "show", "examples/crystals/dipoles_triangular.toml", "--json")
    assert out.returncode == 0, out.stderr
    import json

    data = json.loads(out.stdout)
    rows = {q["symbol"]: q["value"] for q in data["quantities"]}
    assert rows["z"] == 6 and rows["stable"] == 1
    direct = qcrystal.Crystal(
        "triangular", {"kind": "power_law", "C": 20.0, "n": 3}, n=12
    ).lindemann_ratio(0.0)
    assert rows["r₀/a exact"] == pytest.approx(float(direct), rel=1e-12)  # dipoles ⊥ = C/r³
    bad = tmp_path / "bad.toml"
    bad.write_text('[crystal]\ngeometry = "hcp"\nspacing = 1.0\n[interaction]\nkind = "power_law"\n'
                   "C = 1.0\nn = 6\n")  # fmt: skip
    out = qc("model", "show", str(bad))
    assert out.returncode == 2 and "hcp" in out.stderr and "Traceback" not in out.stderr
