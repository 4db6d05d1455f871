"""qcrystal.Crystal: model-file interactions on any geometry, all branches.

References: the Debye sphere's T = 0 and T ≫ T_D closed forms ⟨Σ_s 1/c_s⟩ and ⟨Σ_s 2/c_s²⟩
(a radial quadrature in the code, closed forms here), the stability of sc and fcc power-law
crystals found independently in tests/test_dynamics.py, and round trips.
"""

from __future__ import annotations

import math
from pathlib import Path

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
    return float(np.sum(w * per)) / g.zone_volume / (2.0 * h.mass)


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
        ({"smearing": "blurred"}, "smearing='blurred'"),
        ({"width": -1.0}, "width must be"),
        ({"filling": 0.0}, "filling must be"),
        ({"mass": -1.0}, "mass must be"),
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
        "triangular", {"kind": "power_law", "C": 20.0, "n": 3}, n=16
    ).lindemann_ratio(0.0)
    assert rows["r₀/a exact"] == pytest.approx(float(direct), rel=1e-12)  # dipoles ⊥ = C/r³
    bad = tmp_path / "bad.toml"
    bad.write_text('[crystal]\ngeometry = "hcp"\nspacing = 1.0\n[interaction]\nkind = "power_law"\n'
                   "C = 1.0\nn = 6\n")  # fmt: skip
    out = qc("model", "show", str(bad))
    assert out.returncode == 2 and "hcp" in out.stderr and "Traceback" not in out.stderr


def test_the_filling_enters_as_derived(bcc):
    """ν atoms per site: the powers of ν in ω² and in the site mass are read off the SymPy
    derivation (derive_phonon_spectrum), not typed here; with them the spectrum and r₀²
    of ν = 2 follow from ν = 1 by scaling (ω → ν^(q/2) ω, r₀²(T) = ν^(−1−q/2) r₀²(T/ν^(q/2))
    with q the power of ω²), which the zone average must reproduce to rounding (1e-12: the
    grid, the radial nodes and the sphere rule are the same; only T is rescaled)."""
    import sympy as sp

    from qcrystal.derivations import phonons as ph
    from qcrystal.derivations.symbols import nu

    dv = ph.derive_phonon_spectrum(3)
    w2, site_mass = dv.result.rhs, dv.step("site_mass").expr.rhs
    q = float(sp.cancel(nu * sp.diff(w2, nu) / w2))
    mass_power = float(sp.cancel(nu * sp.diff(site_mass, nu) / site_mass))
    assert (q, mass_power) == (1.0, 1.0)  # what the derivation says today
    two = qcrystal.Crystal("bcc", {"kind": "power_law", "C": 1.0, "n": 6}, n=8, filling=2.0)
    k = np.array([[0.3, 0.2, 0.1], [1.0, 2.0, 0.5]])
    np.testing.assert_allclose(two.frequencies(k), 2 ** (q / 2) * bcc.frequencies(k), rtol=1e-12)
    s = 2 ** (q / 2)
    for T in (0.0, 0.7):
        want = bcc.mean_square_displacement(T / s) / (2**mass_power * s)
        np.testing.assert_allclose(two.mean_square_displacement(T), want, rtol=1e-12)


def test_the_einstein_force_constants_against_a_direct_sum(bcc):
    """Σ_R Φ_αβ(R) for C r^(−6) on bcc is (C/3)·6·(6 + 2 − 3) Σ_R |R|^(−8) δ_αβ (∇²r^(−p) =
    p(p + 2 − d) r^(−p−2), cubic symmetry), here by brute force over the ball |R| < 20 with
    the continuum tail (4π/V) R^(−5)/5 beyond: that tail is 2e-7 of the sum, and its own
    error (the shells' discreteness at the surface) is below 1e-10 of the sum."""
    h = bcc._harmonic
    m = np.arange(-40, 41)
    grid = np.stack(np.meshgrid(m, m, m, indexing="ij"), axis=-1).reshape(-1, 3)
    r2 = np.sum((grid @ h.geometry.primitive_vectors) ** 2, axis=1)
    inside = (r2 > 0) & (r2 < 20.0**2)
    tail = 4 * np.pi / h.geometry.cell_volume * 20.0**-5 / 5
    want = 6 * (6 + 2 - 3) * (np.sum(r2[inside] ** -4.0) + tail) / 3
    np.testing.assert_allclose(h.force_constant_sum(), want * np.eye(3), rtol=0, atol=1e-9 * want)


def test_an_anisotropic_model_file_is_refused_by_name(tmp_path):
    text = Path("examples/power_law.toml").read_text(encoding="utf-8")
    path = tmp_path / "stretched.toml"
    path.write_text(text.replace("wavelength = [2.0, 2.0]", "wavelength = [2.0, 3.0]"))
    with pytest.raises(ValueError, match=r"spacing \[1.0, 1.5\] is anisotropic"):
        qcrystal.Crystal.from_model(path)


def test_gaussian_smearing_of_a_gaussian_core_is_a_wider_gaussian():
    """U_l of V₀e^(−r²/2σ²) is V₀(σ²/(σ²+l²))^(3/2) e^(−r²/2(σ²+l²)) (a Gaussian convolved
    with a Gaussian): the smeared crystal's branches equal those of point particles with that
    potential, summed independently (1e-11 of the largest ω: the same lattice sums of two
    closed forms; the soft branch at small k carries the sums' absolute rounding). The
    default l is 1/√(mΩ) with Ω² = (2ν/m)(1/3)Σ_R ∇²Φ(R) of (36), here by a direct sum."""
    V0, sigma, m = 5.0, 0.6, 1.3
    c = qcrystal.Crystal("fcc", {"kind": "gaussian", "V0": V0, "sigma": sigma}, mass=m, n=8)
    geo = c._harmonic.geometry
    R = geo.neighbours(8.0)
    r2 = np.sum(R**2, axis=1)
    # ∇²(V₀e^(−r²/2σ²)) = V₀e^(−r²/2σ²)(r²/σ⁴ − 3/σ²)
    lap = np.sum(V0 * np.exp(-r2 / (2 * sigma**2)) * (r2 / sigma**4 - 3 / sigma**2))
    ell = 1 / np.sqrt(m * np.sqrt(2 / m * lap / 3))
    assert c.width_used == pytest.approx(ell, rel=1e-10)
    s2 = sigma**2 + ell**2
    wide = {"kind": "gaussian", "V0": V0 * (sigma**2 / s2) ** 1.5, "sigma": float(np.sqrt(s2))}
    point = qcrystal.Crystal("fcc", wide, mass=m, smearing="none", n=8)
    k = np.array([[0.4, 0.1, -0.3], [2.0, 1.0, 0.5], [np.pi, 0.0, 0.0]])
    want = point.frequencies(k)
    np.testing.assert_allclose(c.frequencies(k), want, rtol=0, atol=1e-11 * np.max(want))
    assert "Gaussian core" in c.smearing_note
    lj = qcrystal.Crystal("fcc", {"kind": "lennard_jones", "epsilon": 1.0, "sigma": 0.89})
    assert "diverges" in lj.smearing_note and lj.width_used is None


def test_the_width_of_a_model_file_is_the_models_own_l():
    """Crystal.from_model: l = 1/√(mε) with ε² = ω² + Ω² from Crystal's lattice sums (Ewald
    tail + direct) against `model show`'s l from its own sums (direct with tail
    extrapolation, to 1e-8): two summations of (36), equal to their stated 1e-8."""
    from qcrystal import models

    c = qcrystal.Crystal.from_model("examples/rydberg.toml")
    q = models.quantities(models.load("examples/rydberg.toml"))
    assert c.width_used == pytest.approx(q.vector("l")[0], rel=1e-8)
    assert "rydberg smeared in d = 3" in c.smearing_note


@pytest.mark.parametrize(
    ("geometry_name", "interaction", "extra", "match"),
    [
        ("bcc", {"kind": "power_law", "C": 1.0, "n": 3}, {}, r"n = 3 equals d = 3 \(bcc\)"),
        ("square", {"kind": "power_law", "C": 1.0, "n": 2}, {}, r"n = 2 equals d = 2"),
        ("bcc", {"kind": "power_law", "C": 1.0, "n": 1}, {"width": 5.0}, r"width: .* 5 times"),
        ("bcc", {"kind": "power_law", "C": 1.0, "n": 6}, {"smearing": "none", "width": 0.1},
         r"width = 0.1 .* ignored"),
        ("bcc", {"kind": "power_lw", "C": 1.0, "n": 6}, {}, r"did you mean 'power_law'"),
    ],
)  # fmt: skip
def test_bad_crystals_are_refused_naming_the_key(geometry_name, interaction, extra, match):
    with pytest.raises(ValueError, match=match):
        qcrystal.Crystal(geometry_name, interaction, mass=10.0, **extra)


def test_infinite_temperature_is_the_limit_in_both_zones():
    # r₀² ~ T/M ⟨Σ 1/ω²⟩ grows without bound: T = inf gives inf (as the generated module does)
    c = qcrystal.Crystal("fcc", {"kind": "lennard_jones", "epsilon": 1.0, "sigma": 1.0},
                         mass=50.0, spacing=1.09, n=8)  # fmt: skip
    for zone in ("exact", "debye"):
        r = c.lindemann_ratio(np.array([1.0, np.inf]), zone)
        assert math.isfinite(r[0]) and r[1] == math.inf
    with pytest.raises(ValueError, match="T must be"):
        c.lindemann_ratio(float("nan"))
