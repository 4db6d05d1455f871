"""The crystal criterion against QMC (qcrystal.crystal.qmc, ``qcrystal crystals``).

The couplings are recomputed here from the lattice densities written out by hand
(triangular n = 2/(√3 a²); bcc n = 2/a_c³ with a_c = 2a/√3; fcc n = 4/a_c³ with
a_c = √2 a), not through the geometry module; the power laws γ ∝ g^(−1/4), g^(−1/3) and
the crossing g* are checked against crystals built anew at those couplings.
"""

from __future__ import annotations

import json
import math

import pytest

from qcrystal import Crystal
from qcrystal.crystal import qmc
from tests.conftest import run_cli as qc


def _by_hand(key: str, mass: float, C: float, a: float) -> float:
    if key == "dipoles-2d":
        return mass * C * math.sqrt(2 / (math.sqrt(3) * a * a))
    if key == "coulomb-2d":
        n = 2 / (math.sqrt(3) * a * a)
        return mass * C / math.sqrt(math.pi * n)
    if key == "vdw-3d":  # fcc: a_c = √2 a, 4 sites per cube; n r₆³ with r₆ = (MC)^(1/4)
        return 4 / (math.sqrt(2) * a) ** 3 * (mass * C) ** 0.75
    n = 2 / (2 * a / math.sqrt(3)) ** 3
    return mass * C * (3 / (4 * math.pi * n)) ** (1 / 3)


@pytest.mark.parametrize("s", qmc.SYSTEMS, ids=lambda s: s.key)
def test_couplings_and_model_files(s):
    assert abs(s.coupling_of(2.0, 3.0, 1.7) / _by_hand(s.key, 2.0, 3.0, 1.7) - 1) < 1e-14
    crystal = s.crystal(s.qmc.value)
    assert abs(_by_hand(s.key, crystal.mass, 1.0, 1.0) / s.qmc.value - 1) < 1e-14
    # the example file of the system sits at the QMC point
    path = f"examples/crystals/{s.key.replace('-', '_')}_qmc.toml"
    from_file = Crystal.from_model(path)
    assert from_file.geometry == s.geometry
    assert abs(_by_hand(s.key, from_file.mass, 1.0, from_file.spacing) / s.qmc.value - 1) < 1e-14


def test_power_law_and_crossing_against_fresh_crystals():
    s = qmc.system("dipoles-2d")
    c = qmc.compare(s, points=5, n=16, reference_n=24)
    assert c.gamma_smeared is None and "diverges" in c.smearing_note
    # γ at g* is the Lindemann number, on a crystal built there (not from the power law)
    at_star = float(s.crystal(c.criterion, "none", 24).lindemann_ratio(0.0))
    assert abs(at_star / 0.5 - 1) < 3 * c.gamma_error + 1e-12
    # and a quarter-power law between two couplings a factor 16 apart: γ halves
    g = s.qmc.value
    ratio = float(s.crystal(16 * g, "none", 24).lindemann_ratio(0.0)) / c.gamma_at_qmc[1]
    assert abs(ratio - 0.5) < 1e-9
    # the Lindemann number moves g* as its fourth power
    quarter = qmc.compare(s, 0.25, points=3)
    assert abs(quarter.criterion / c.criterion - 16) < 1e-9


def test_smeared_coulomb_crossing_is_where_gamma_is_one_half():
    s = qmc.system("coulomb-3d")
    c = qmc.compare(s, points=3, n=8, reference_n=12)
    assert c.criterion_smeared is not None
    at = float(s.crystal(c.criterion_smeared, "gaussian", 8).lindemann_ratio(0.0))
    assert abs(at - 0.5) < 1e-5
    # erfc(r/√2 l) at r = a, l/a ≈ 0.13: the smearing barely moves the 3D Coulomb crystal
    assert abs(c.gamma_smeared_at_qmc[1] / c.gamma_at_qmc[1] - 1) < 0.01


def test_crystals_command():
    out = qc("crystals", "--system", "dipoles-2d", "--json")
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)
    assert row["system"] == "dipoles-2d" and row["qmc"]["value"] == 18.0
    assert row["gamma_smeared_at_qmc"] is None
    assert 0.2 < row["gamma_at_qmc"][1] < 0.3  # far below the paper's 1/2
    text = qc("crystals", "--system", "dipoles-2d")
    assert text.returncode == 0 and "Büchler" in text.stdout and "g*" in text.stdout
    for bad in (["--lindemann", "1.5"], ["--system", "helium"], ["--figure", "x.txt"]):
        res = qc("crystals", *bad)
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
        assert "Traceback" not in res.stderr


def test_the_van_der_waals_crystal_scales_as_the_density_to_the_minus_third():
    # n r₆³ = n (MC)^(3/4) ∝ (MC/a⁴)^(3/4) and γ ∝ (MC/a⁴)^(−1/4): γ ∝ g^(−1/3), so 8 g halves γ
    s = qmc.system("vdw-3d")
    g = s.qmc.value
    gamma = [float(s.crystal(x, "none", 12).lindemann_ratio(0.0)) for x in (g, 8 * g)]
    assert abs(gamma[1] / gamma[0] - 0.5) < 1e-9
    c = qmc.compare(s, points=3, n=12, reference_n=12)
    assert abs(c.gamma_at_qmc[1] / gamma[0] - 1) < 1e-12
    assert c.gamma_smeared is None  # r^-6 in 3D: no Gaussian average
