"""`model show --units`: lab units (Hz, nK, nm, mm/s) and recoil units at the output edge.

References: E_R/h of ⁸⁷Rb at 1064 nm is h/(2mλ²) = 2027.8 Hz (the number the Alkali
Rydberg Calculator gives), here from scipy's CODATA constants and NIST's mass typed by
hand; the exact-band J at s = 10 against the band J/E_R of the sin² lattice, 0.01918.
"""

from __future__ import annotations

import json

import pytest
import scipy.constants as sc

RB = "examples/lab/rb87_cubic.toml"


def _rows(qc, *args):
    out = qc("model", "show", *args, "--json")
    assert out.returncode == 0, out.stderr
    return {q["symbol"]: q for q in json.loads(out.stdout)["quantities"]}


def _first(value):
    """The first direction of a per-direction value (the lattice is isotropic)."""
    return value[0] if isinstance(value, list) else value


def test_lab_units_of_rubidium(qc):
    rows = {
        k: {
            **v,
            "value": _first(v["value"]),
            "si": v.get("si") and {**v["si"], "value": _first(v["si"]["value"])},
        }
        for k, v in _rows(qc, RB, "--units", "lab").items()
    }
    mass = 86.909180531 * sc.atomic_mass  # ⁸⁷Rb, NIST (AME2016)
    e_r = sc.h / (2 * mass * (1064e-9) ** 2)  # E_R/h = h/(2mλ²)
    assert rows["E_R"]["unit"] == "kHz"
    assert rows["E_R"]["value"] * 1e3 == pytest.approx(e_r, rel=1e-7)
    assert rows["E_R"]["value"] * 1e3 == pytest.approx(2027.8, abs=0.05)
    assert rows["E_R"]["si"]["unit"] == "J"
    assert rows["E_R"]["si"]["value"] == pytest.approx(e_r * sc.h, rel=1e-7)
    # J of the exact lowest band at s = 10 is 0.01918 E_R (the 1D Mathieu band)
    assert rows["J_exact"]["unit"] == "Hz"
    assert rows["J_exact"]["value"] / (e_r) == pytest.approx(0.01918, rel=1e-3)
    assert rows["l"]["unit"] == "nm" and rows["T_D"]["unit"] == "nK"


def test_recoil_units_and_refusals(qc):
    rows = _rows(qc, "examples/rydberg.toml", "--units", "recoil")
    assert rows["E_R"]["value"] == pytest.approx([1.0, 1.0, 1.0]) and rows["E_R"]["unit"] == "E_R"
    assert rows["Ω²"]["unit"] == "E_R²"
    bad = qc("model", "show", "examples/rydberg.toml", "--units", "lab")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "lab units" in bad.stderr
    crystal = qc("model", "show", "examples/crystals/dipoles_triangular.toml", "--units", "lab")
    assert crystal.returncode == 2 and "--units" in crystal.stderr


def test_state_in_lab_and_recoil_units(qc):
    """ω = 2√s E_R at s = 10 (the harmonic frequency of (34)): 2√10 × 2027.8 Hz in lab
    units, 2√10 in recoil units; the file's 1 nK back as 1 nK."""
    mass = 86.909180531 * sc.atomic_mass  # ⁸⁷Rb, NIST (AME2016)
    e_r = sc.h / (2 * mass * (1064e-9) ** 2)
    lab = json.loads(qc("state", "--model", RB, "--units", "lab", "--json").stdout)["shown"]
    value, unit = lab["omega"].split()
    assert unit == "kHz" and float(value) * 1e3 == pytest.approx(2 * 10**0.5 * e_r, rel=1e-5)
    assert lab["T"] == "1 nK"
    text = qc("state", "--model", RB, "--units", "recoil").stdout
    assert f"ω = {2 * 10**0.5:.6g} E_R" in text
    hot = qc("state", "--model", RB, "--units", "lab", "--set", "T=10 nK").stdout
    assert "T = 10 nK is not ≪ U_onsite" in hot  # both sides of the comparison in nK
    for args in (
        ("--model", "examples/rydberg.toml"),
        ("--omega", "1", "--E_K", "1", "--T_D", "1"),
    ):
        bad = qc("state", *args, "--units", "lab")
        assert bad.returncode == 2 and "--units lab" in bad.stderr


def test_set_s_is_the_depth_in_recoil_energies_and_u_an_energy(qc):
    by_s = json.loads(qc("state", "--model", RB, "--set", "s=30", "--json").stdout)
    by_u = json.loads(qc("state", "--model", RB, "--set", "U=30 E_R", "--json").stdout)
    assert by_s["recoil_depth"] == pytest.approx(30.0, rel=1e-12)
    assert by_u["omega"] == pytest.approx(by_s["omega"], rel=1e-12)
    assert "the depth in recoil" in " ".join(qc("state", "--help").stdout.split())
