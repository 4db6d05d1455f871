"""Per-crystal code generation (codegen/crystal_module.py): a [crystal] file → r₀²(T).

One 3D module (the bcc C/r⁶ example on the smallest zone grid, n = 4) is generated once
for the file: its set-up is 2 × 80 zone averages of qcrystal.Crystal at ~0.2 s each (the
long-wave and Debye-sphere quadratures, whatever n), the bulk of this file's time. The
CLI and the d = 2 conventions use the triangular dipoles (only T = 0 is finite there).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from conftest import assert_generated_lints_clean

from qcrystal.codegen import crystal_module as cg
from qcrystal.codegen.model_module import ModelCodegenError
from qcrystal.models.crystal_file import load_crystal

ROOT = Path(__file__).resolve().parents[1]
BCC = ROOT / "examples" / "crystals" / "bcc_power_law.toml"
DIPOLES = ROOT / "examples" / "crystals" / "dipoles_triangular.toml"
N = 4  # the zone grid of the 3D module (Crystal's smallest)

# A simple cubic crystal of a repulsive C/r⁶: mechanically unstable (shear along [110]).
UNSTABLE = """[model]
mass = 1.0

[crystal]
geometry = "cubic"
spacing = 1.0

[interaction]
kind = "power_law"
C = 1.0
n = 6
"""


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"crystal_test_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def bcc(tmp_path_factory) -> tuple[ModuleType, list[tuple[str, float, float]]]:
    out = tmp_path_factory.mktemp("bcc")
    path, rows = cg.write_crystal(BCC, out, n=N)
    return _import(path), rows


@pytest.fixture(scope="module")
def crystal():
    return load_crystal(BCC, N).crystal


def test_the_module_passes_its_selfcheck(bcc):
    _, rows = bcc
    assert [r[0] for r in rows] == ["r₀/a exact", "r₀/a debye", "T_melt exact", "T_melt debye"]
    assert all(err <= tol == 1e-12 for _, err, tol in rows), rows


def test_off_node_values_agree_with_crystal(bcc, crystal):
    mod, _ = bcc
    # neither nodes nor the selfcheck's points: a log-spread set and T = 0
    T = np.concatenate([[0.0, 1e-200], np.geomspace(1e-3, 1e3, 7) * mod.T0 * math.pi])
    for zone in ("exact", "debye"):
        want = crystal.mean_square_displacement(T, zone)
        got = mod.mean_square_displacement(T, zone)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
        np.testing.assert_allclose(
            mod.lindemann_ratio(T.reshape(3, 3), zone), np.sqrt(want.reshape(3, 3)), rtol=1e-12
        )
    # past Crystal's overflow (T ~ 1e285) the module keeps r₀² = AT, finite
    big = mod.mean_square_displacement(np.array([1e200, 1e300, np.inf]))
    assert big[1] == pytest.approx(big[0] * 1e100, rel=1e-13) and big[2] == np.inf


def test_the_high_temperature_asymptote(bcc):
    """On the Debye sphere r₀² = AT + B/T + O(T⁻³) with, from coth y = 1/y + y/3 − …,
    A = (k_D/(M V_zone)) ∮ Σ_s 1/c_s² dΩ (the radial integral ∫_0^(k_D) k² dk/(c² k²) done
    by hand) and B = d/(12M) (⟨Σ_s 1⟩ = d: the sphere's volume is the zone's). The fit,
    the radial quadrature and coth are not involved: only the sound velocities, from a
    HarmonicCrystal built here on its own sphere rule."""
    from qcrystal.crystal import HarmonicCrystal, PowerLaw, geometry

    mod, _ = bcc
    g = geometry("bcc", mod.SPACING)
    _, weights, c2 = HarmonicCrystal(g, PowerLaw(50.0, 6.0), mod.MASS).sphere_velocities_squared()
    A_closed = g.debye_wavenumber * float(np.sum(weights * np.sum(1 / c2, axis=1)))
    A_closed /= mod.MASS * g.zone_volume
    A = float(mod.mean_square_displacement(1e200, "debye")) / 1e200
    assert A == pytest.approx(A_closed, rel=1e-11)
    T1, T2 = 500 * mod.T0, 1000 * mod.T0  # where the 1/T² series has converged
    y1, y2 = (t * (float(mod.mean_square_displacement(t, "debye")) - A * t) for t in (T1, T2))
    B = (T2**2 * y2 - T1**2 * y1) / (T2**2 - T1**2)  # the T⁻³ term eliminated
    assert B == pytest.approx(mod.D / (12 * mod.MASS), rel=1e-7)


def test_melting_temperature_is_a_root_of_47(bcc, crystal):
    mod, _ = bcc
    for zone in ("exact", "debye"):
        tm = mod.melting_temperature(zone)
        assert float(mod.lindemann_ratio(tm, zone)) == pytest.approx(0.5, rel=1e-14)
        # and of Crystal's own r₀/a (its melting_temperature stops at one secant step,
        # ~1e-10 relative, and costs ~4 s)
        assert float(crystal.lindemann_ratio(tm, zone)) == pytest.approx(0.5, rel=1e-12)


def test_constants_and_bad_input(bcc):
    mod, _ = bcc
    assert (mod.GEOMETRY, mod.D, mod.COORDINATION, mod.STABLE) == ("bcc", 3, 8, True)
    assert set(mod.SOUND_VELOCITIES) == {"[100]", "[110]", "[111]"}
    for bad, shown in ((-1.0, "-1.0"), (float("nan"), "nan")):
        with pytest.raises(ValueError, match=f"got {shown}"):
            mod.mean_square_displacement(bad)
    with pytest.raises(ValueError, match=r"got -2.0 at index \(1,\)"):
        mod.lindemann_ratio([1.0, -2.0])
    with pytest.raises(ValueError, match="zone must be"):
        mod.lindemann_ratio(1.0, "sphere")


def test_generation_is_deterministic_and_2d_follows_crystal(tmp_path):
    assert cg.render_crystal(DIPOLES, N) == cg.render_crystal(DIPOLES, N)
    path, rows = cg.write_crystal(DIPOLES, tmp_path, n=N)
    assert all(err == 0.0 for _, err, _ in rows)  # T = 0 only: the same sums
    mod = _import(path)
    c = load_crystal(DIPOLES, N).crystal
    for zone in ("exact", "debye"):
        assert float(mod.mean_square_displacement(0.0, zone)) == pytest.approx(
            float(c.mean_square_displacement(0.0, zone)), rel=1e-15
        )
        with pytest.raises(ValueError) as theirs:
            c.mean_square_displacement(0.5, zone)
        with pytest.raises(ValueError) as mine:
            mod.mean_square_displacement(np.array([0.0, 0.5]), zone)
        assert str(mine.value) == str(theirs.value) and "diverges in d = 2" in str(mine.value)
        assert mod.melting_temperature(zone) == 0.0
    assert_generated_lints_clean(path)


def test_cli_writes_the_module_and_force_replaces_it(tmp_path, qc):
    out = qc("codegen", "--model", DIPOLES, "--out", tmp_path / "gen", "--selfcheck")
    assert out.returncode == 0, out.stderr
    module = tmp_path / "gen" / "dipoles_triangular.py"
    assert module.is_file() and f"wrote {module}" in out.stdout
    assert out.stdout.count("  ok") == 4 and "qcrystal.Crystal" in out.stdout
    again = qc("codegen", "--model", DIPOLES, "--out", tmp_path / "gen")
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1
    module.write_text("# stale\n")
    forced = qc("codegen", "--model", DIPOLES, "--out", tmp_path / "gen", "--force", "--json")
    assert forced.returncode == 0 and '"quantity": "r₀/a exact"' in forced.stdout
    assert module.read_text().startswith("# Generated by qcrystal.codegen")


def test_cli_refuses_an_unstable_crystal_in_one_line(tmp_path, qc):
    bad = tmp_path / "sc_r6.toml"
    bad.write_text(UNSTABLE)
    out = qc("codegen", "--model", bad, "--out", tmp_path / "gen")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "unstable: ω² = " in out.stderr and "branch" in out.stderr and "at k = (" in out.stderr
    assert not (tmp_path / "gen").exists()
    with pytest.raises(ModelCodegenError, match="unstable"):
        cg.render_crystal(bad, N)


def test_a_coulomb_crystal_module_has_its_plasmon_and_refuses_the_debye_sphere(tmp_path):
    # bcc Coulomb at the QMC point: the longitudinal slope is infinite (a plasmon), so the
    # module's sound velocities carry inf and its Debye sphere says why it is refused
    path, rows = cg.write_crystal(ROOT / "examples" / "crystals" / "coulomb_3d_qmc.toml",
                                  tmp_path, n=N)  # fmt: skip
    assert all(err <= tol for _, err, tol in rows)
    mod = _import(path)
    assert_generated_lints_clean(path)
    assert all(v[-1] == math.inf and math.isfinite(v[0]) for v in mod.SOUND_VELOCITIES.values())
    with pytest.raises(ValueError, match="plasmon"):
        mod.lindemann_ratio(0.0, "debye")
    crystal = load_crystal(ROOT / "examples" / "crystals" / "coulomb_3d_qmc.toml", N).crystal
    T = np.array([0.0, 0.05, 3.0])
    want = crystal.lindemann_ratio(T)
    assert np.max(np.abs(mod.lindemann_ratio(T) / want - 1)) < 1e-12
