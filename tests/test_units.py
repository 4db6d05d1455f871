"""Units in model files: the lab system, unit strings, physical interactions, bad input.

References: the constants of scipy.constants against pint's own CODATA table and against
the published CODATA 2018 values (E. Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021));
E_R/h of ⁸⁷Rb at 1064 nm as h/(2mλ²) with NIST's mass; C_dd and g computed by hand in SI.
"""

import json
import math
from pathlib import Path

import pint
import pytest
import scipy.constants as sc

from qcrystal import models
from qcrystal.models import units

# CODATA 2018 (Tiesinga et al. 2021). h, ħ, k_B, c, e are exact in the SI since 2019; the
# others changed from CODATA 2018 to 2022 by < 3e-9 relative, far inside REL.
CODATA_2018 = {
    "Planck constant": 6.62607015e-34,  # J s, exact
    "reduced Planck constant": 1.054571817e-34,  # J s (h/2π, exact value truncated)
    "Boltzmann constant": 1.380649e-23,  # J/K, exact
    "speed of light in vacuum": 299792458.0,  # m/s, exact
    "atomic mass constant": 1.66053906660e-27,  # kg
    "Bohr magneton": 9.2740100783e-24,  # J/T
    "Bohr radius": 5.29177210903e-11,  # m
    "vacuum mag. permeability": 1.25663706212e-6,  # N/A²
    "vacuum electric permittivity": 8.8541878128e-12,  # F/m
}
REL = 1e-8  # the CODATA 2018 → 2022 revisions are below 3e-9; truncation of ħ is 1e-10
PINT = {  # the same constants in pint's table (its own CODATA file, not scipy's)
    "Planck constant": ("planck_constant", "J*s"),
    "reduced Planck constant": ("hbar", "J*s"),
    "Boltzmann constant": ("boltzmann_constant", "J/K"),
    "speed of light in vacuum": ("speed_of_light", "m/s"),
    "atomic mass constant": ("dalton", "kg"),
    "Bohr magneton": ("bohr_magneton", "J/T"),
    "Bohr radius": ("bohr", "m"),
    "vacuum mag. permeability": ("mu_0", "N/A**2"),
    "vacuum electric permittivity": ("epsilon_0", "F/m"),
}


@pytest.fixture(scope="module")
def ureg():
    return pint.UnitRegistry()


@pytest.mark.parametrize("name", sorted(CODATA_2018))
def test_each_constant_agrees_with_pint_and_codata_2018(name, ureg):
    scipy_value = sc.physical_constants[name][0]
    unit_name, unit = PINT[name]
    pint_value = ureg.Quantity(1, unit_name).to(unit).magnitude
    assert scipy_value == pytest.approx(CODATA_2018[name], rel=REL)
    assert pint_value == pytest.approx(scipy_value, rel=REL)


def test_debye_is_exact(ureg):
    # 1 D = 1e-21/c C·m = 3.33564e-30 C·m (astropy's is 0.07 % off and is not used)
    assert ureg.Quantity(1, "debye").to("C*m").magnitude == pytest.approx(1e-21 / sc.c, rel=1e-15)
    assert 1e-21 / sc.c == pytest.approx(3.33564095e-30, rel=1e-9)


def test_lab_units_are_hbar_squared_over_dalton_micron_squared():
    E0 = CODATA_2018["reduced Planck constant"] ** 2 / (CODATA_2018["atomic mass constant"] * 1e-12)
    assert units.LAB_ENERGY_J == pytest.approx(E0, rel=REL)
    assert units.LAB_ENERGY_J / sc.h == pytest.approx(10107.58, rel=1e-6)  # ≈ h × 10 kHz
    assert units.LAB_TEMPERATURE_K == pytest.approx(485.08e-9, rel=1e-4)


@pytest.mark.parametrize(
    ("text", "dim", "si", "unit_si"),
    [
        ("1064 nm", units.LENGTH, 1064e-9, 1e-6),
        ("1.5 um", units.LENGTH, 1.5e-6, 1e-6),
        ("1.5 µm", units.LENGTH, 1.5e-6, 1e-6),
        ("100.4 bohr", units.LENGTH, 100.4 * 5.29177210903e-11, 1e-6),
        ("86.909 Da", units.MASS, 86.909 * 1.66053906660e-27, 1.66053906660e-27),
        ("12 kHz", units.ENERGY, 6.62607015e-34 * 12e3, units.LAB_ENERGY_J),  # E = h f
        ("50 nK", units.ENERGY, 1.380649e-23 * 50e-9, units.LAB_ENERGY_J),  # E = k_B T
        ("2 peV", units.ENERGY, 2e-12 * 1.602176634e-19, units.LAB_ENERGY_J),
        ("3 kHz um^6", units.energy_length(6), 6.62607015e-34 * 3e3 * 1e-36,
         units.LAB_ENERGY_J * 1e-36),
    ],
)  # fmt: skip
def test_unit_strings_in_lab_units(text, dim, si, unit_si):
    assert units.to_lab(text, dim) == pytest.approx(si / unit_si, rel=REL)


def test_unit_strings_are_parsed_without_eval(nothing_is_evaluated):
    units._registry.cache_clear()  # the registry too is built under the guard
    assert units.to_lab("532 nm", units.LENGTH) == pytest.approx(0.532)
    assert units.recoil_multiple("10 E_R") == 10


# A lab file (species and unit strings) and the same file in plain numbers
RB87 = """
[model]
species = "Rb87"
[lattice]
kind = "cubic"
wavelength = "1064 nm"
recoil_depth = 10
temperature = "10 nK"
[interaction]
kind = "contact"
"""


def test_recoil_energy_of_rubidium_87_at_1064_nm():
    model = models.loads(RB87)
    qs = models.quantities(model)
    # h/(2mλ²), m = 86.909180531 u (NIST, AME2016), λ = 1064 nm: 2027.8 Hz
    m = 86.909180531 * CODATA_2018["atomic mass constant"]
    by_hand = CODATA_2018["Planck constant"] / (2 * m * 1064e-9**2)
    assert by_hand == pytest.approx(2027.8, abs=0.05)
    E_R = qs.vector("E_R")[0] * model.energy_unit_J / sc.h
    assert E_R == pytest.approx(by_hand, rel=1e-8)  # masses of AME2016 and AME2020: 2e-11
    assert model.depth[0] == pytest.approx(10 * qs.vector("E_R")[0], rel=1e-15)
    assert model.temperature * units.LAB_TEMPERATURE_K == pytest.approx(10e-9, rel=1e-12)


def test_plain_numbers_in_a_lab_file_mean_lab_units():
    lab = models.loads(RB87)
    plain = models.loads(
        RB87.replace('species = "Rb87"', f"mass = {lab.mass!r}")
        .replace('"1064 nm"', "1.064")
        .replace('"10 nK"', repr(lab.temperature))
        .replace('kind = "contact"', f'kind = "contact"\ng = {lab.interaction.params["g"]!r}')
    )
    assert plain.units == "model" and lab.units == "lab"
    assert plain.energy_unit_J is None and lab.length_unit_m == 1e-6
    assert (plain.mass, plain.wavelength, plain.depth) == (lab.mass, lab.wavelength, lab.depth)
    mixed = models.loads(RB87.replace('species = "Rb87"', "mass = 86.909180529"), "f",
                         {"interaction.g": 0.1})  # fmt: skip
    assert mixed.units == "lab" and mixed.wavelength == (1.064,) * 3


def test_recoil_units_alone_keep_the_files_own_units():
    text = RB87.replace('species = "Rb87"', "mass = 1.0").replace('"1064 nm"', "2.0")
    text = text.replace('"10 nK"', "0.0").replace("recoil_depth = 10", 'depth = "6 E_R"')
    text = text.replace('kind = "contact"', 'kind = "contact"\ng = 0.5')
    model = models.loads(text)
    assert model.units == "model"
    assert model.depth[0] == pytest.approx(6 * math.pi**2 / 2, rel=1e-15)  # E_R = k₀²/2m


def test_a_depth_per_direction_in_mixed_units():
    text = RB87.replace("recoil_depth = 10", 'depth = ["10 E_R", "20 kHz", 3]')
    model = models.loads(text)
    E_R = models.quantities(model).vector("E_R")[0]
    expected = (10 * E_R, 6.62607015e-34 * 20e3 / units.LAB_ENERGY_J, 3.0)
    assert model.depth == pytest.approx(expected, rel=1e-9)


DY164 = """
[model]
species = "Dy164"
[lattice]
kind = "square"
wavelength = "532 nm"
recoil_depth = 20
[interaction]
kind = "dipolar"
direction = [0, 0, 1]
"""
DIPOLAR = 'kind = "dipolar"\n'


def test_dipolar_coupling_of_a_magnetic_moment_by_hand():
    # C_dd = μ₀μ²/4π, μ = 10 μ_B, in J m³, then in E₀ µm³
    mu = 10 * sc.physical_constants["Bohr magneton"][0]
    by_hand = sc.mu_0 * mu**2 / (4 * math.pi) / (units.LAB_ENERGY_J * 1e-18)
    assert by_hand == pytest.approx(1.2842e-4, rel=1e-4)
    given = models.loads(DY164.replace(DIPOLAR, DIPOLAR + 'magnetic_moment = "10 bohr_magneton"\n'))
    table = models.loads(DY164)  # the species' table: 10 μ_B, cited
    for model in (given, table):
        assert model.interaction.params["C_dd"] == pytest.approx(by_hand, rel=1e-12)
    assert "Kotochigova" in table.sources["interaction.C_dd"]


def test_dipolar_coupling_of_an_electric_dipole_by_hand():
    d = 0.57 * 1e-21 / sc.c  # C m
    by_hand = d**2 / (4 * math.pi * sc.epsilon_0) / (units.LAB_ENERGY_J * 1e-18)
    text = DY164.replace("Dy164", "KRb").replace(
        DIPOLAR, DIPOLAR + 'electric_dipole = "0.57 debye"\n'
    )
    model = models.loads(text)
    assert model.interaction.params["C_dd"] == pytest.approx(by_hand, rel=1e-12)
    assert model.mass == pytest.approx(39.963998166 + 86.909180531, abs=1e-7)  # NIST


def test_contact_coupling_of_a_scattering_length_by_hand():
    # g = 4πħ²a_s/m in J m³, a_s = 100.4 a₀, m = ⁸⁷Rb
    m = models.loads(RB87).mass * sc.physical_constants["atomic mass constant"][0]
    a = 100.4 * sc.physical_constants["Bohr radius"][0]
    by_hand = 4 * math.pi * sc.hbar**2 * a / m / (units.LAB_ENERGY_J * 1e-18)
    text = RB87.replace('kind = "contact"', 'kind = "contact"\nscattering_length = "100.4 bohr"')
    assert models.loads(text).interaction.params["g"] == pytest.approx(by_hand, rel=1e-12)


RYDBERG = DY164.replace(
    DIPOLAR + "direction = [0, 0, 1]",
    'kind = "rydberg"\nrydberg_C6 = "1 GHz um^6"\nrabi_frequency = "5 MHz"\ndetuning = "50 MHz"',
)


def test_rydberg_dressing_by_hand():
    """R_c⁶ = C₆/(2ħΔ) and C6 = Ω⁴C₆/(16Δ⁴) with frequencies for energies (the h cancels):
    R_c = (1000 MHz µm⁶ / 100 MHz)^(1/6) µm and C6/h = 1e-4/16 × 1000 MHz µm⁶."""
    params = models.loads(RYDBERG).interaction.params
    assert params["R_c"] == pytest.approx(10 ** (1 / 6), rel=1e-12)  # µm, the lab length
    e0_hz = units.LAB_ENERGY_J / sc.h  # the lab energy unit as a frequency
    assert params["C6"] * e0_hz == pytest.approx(0.1**4 / 16 * 1e9, rel=1e-12)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_rydberg_dressing_against_the_exact_two_atom_spectrum(sign):
    """Two atoms, each {g, r} with |r⟩ ħΔ above the dressed |g⟩ and Ω/2 coupling them,
    V = C₆/r⁶ on |rr⟩: the lowest (Δ > 0) or highest (Δ < 0) pair level, less twice the
    one-atom light shift, is the dressed interaction. At Ω/Δ = 0.02 the fourth-order form
    holds to (Ω/Δ)² ~ 1e-3 relative (of its value at r = 0)."""
    import numpy as np

    from qcrystal.models.interactions import dressed_soft_core

    c6_bare, rabi, delta = sign * 3.0, 0.02, sign * 1.0
    c6, r_c = dressed_soft_core(c6_bare, rabi, delta)

    def pair_shift(r: float) -> float:
        v = c6_bare / r**6
        h = np.diag([0.0, delta, delta, 2 * delta + v])  # gg, gr, rg, rr
        for i, j in ((0, 1), (0, 2), (1, 3), (2, 3)):
            h[i, j] = h[j, i] = rabi / 2
        levels = np.linalg.eigvalsh(h)
        return levels[0] if delta > 0 else levels[-1]

    one = np.linalg.eigvalsh(np.array([[0.0, rabi / 2], [rabi / 2, delta]]))
    light_shift = one[0] if delta > 0 else one[-1]
    for r in (0.3 * r_c, r_c, 2.0 * r_c):
        exact = pair_shift(r) - 2 * light_shift
        assert exact == pytest.approx(c6 / (r_c**6 + r**6), abs=2e-3 * abs(c6) / r_c**6)


def test_an_override_of_the_coupling_replaces_the_moment():
    text = DY164.replace(DIPOLAR, DIPOLAR + 'magnetic_moment = "10 bohr_magneton"\n')
    model = models.loads(text, "f", {"interaction.C_dd": 0.5})
    assert model.interaction.params["C_dd"] == 0.5


BAD = [
    (RB87.replace('"1064 nm"', '"12 kHz"'),
     '[lattice] wavelength (line 6): "12 kHz" is a frequency (an energy E/h); a length is needed'),
    (RB87.replace('"1064 nm"', '"-532 nm"'), "[lattice] wavelength (line 6) must be > 0"),
    (RB87.replace('"1064 nm"', '"3"'), "[lattice] wavelength (line 6): must be a number"),
    (RB87.replace('"1064 nm"', '"12 parsecs of fudge"'), "not a number with a unit that pint"),
    (RB87.replace('"1064 nm"', '"9**9**9 nm"'), "a power may only raise a unit name"),
    (RB87.replace('"1064 nm"', '"__import__(\'os\')"'), "[lattice] wavelength (line 6)"),
    (RB87.replace('"10 nK"', '"20 degC"'), "[lattice] temperature (line 8)"),
    (RB87.replace("recoil_depth = 10", 'recoil_depth = "5 kHz"'),
     's = U/E_R is a number or "s E_R"; "5 kHz" is a frequency'),
    (RB87.replace("recoil_depth = 10", 'depth = "5 nm"'),
     '"5 nm" is a length; an energy is needed'),
    (RB87.replace("Rb87", "Rb78"),
     "[model] species (line 3): unknown species 'Rb78'; did you mean Rb87"),
    (RB87.replace('kind = "contact"', 'kind = "dipolar"'),
     "Rb87 has no magnetic moment or electric dipole in qcrystal's species table"),
    (RB87.replace("Rb87", "Li6"), "Li6 has no scattering length"),
    (RB87.replace('kind = "contact"', 'kind = "contact"\ng = 1\nscattering_length = "90 bohr"'),
     "[interaction] scattering_length (line 12): give one of g, scattering_length, not both"),
    (DY164.replace(DIPOLAR, DIPOLAR + 'C_dd = 1\nelectric_dipole = "1 debye"\n'),
     "not both C_dd and electric_dipole"),
    (DY164.replace(DIPOLAR, DIPOLAR + 'magnetic_moment = 10\n'),
     'give it with a unit, e.g. "10 bohr'),
    (DY164.replace(DIPOLAR, DIPOLAR + 'magnetic_moment = "1 debye"\n'),
     '"1 debye" is an electric dipole moment; a magnetic moment'),
    (DY164.replace(DIPOLAR + "direction = [0, 0, 1]",
                   'kind = "rydberg"\nC6 = "1 kHz um^6"\nR_c = "-1 um"'),
     "'R_c' must be > 0"),
    (RYDBERG.replace('detuning = "50 MHz"', ""), "the dressing needs rydberg_C6, "
     "rabi_frequency, detuning together (missing: detuning)"),
    (RYDBERG.replace('"50 MHz"', '"-50 MHz"'), "need one sign"),
    (RYDBERG.replace('"5 MHz"', '"60 MHz"'), "not below |detuning|"),
    (RYDBERG + 'R_c = "1 um"\n', "R_c follows from rydberg_C6 and detuning"),
    (RYDBERG + 'C6 = "1 kHz um^6"\n', "give one of C6, rydberg_C6, not both"),
    (RYDBERG.replace('"5 MHz"', '"5 nm"'), '"5 nm" is a length; an energy is needed'),
    (DY164.replace('kind = "dipolar"', 'kind = "power_law"\nC = "1 kHz um^3"\nn = "3"'),
     "[interaction] n (line 11): must be a number"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_units_are_one_line_errors_naming_the_key(text, message):
    with pytest.raises(models.ModelError) as info:
        models.loads(text, source="bad.toml")
    assert message in str(info.value) and "bad.toml" in str(info.value)
    assert "\n" not in str(info.value)


def test_model_show_exits_2_with_one_line(tmp_path, qc):
    for number, (text, message) in enumerate(BAD[:4] + BAD[9:12]):
        path = tmp_path / f"bad{number}.toml"
        path.write_text(text)
        out = qc("model", "show", path)
        assert out.returncode == 2 and out.stdout == ""
        assert len(out.stderr.strip().splitlines()) == 1 and message in out.stderr
    out = qc("model", "show", tmp_path / "bad0.toml", "--set", "lattice.wavelength=532 nm")
    assert out.returncode == 0, out.stderr  # a unit string through --set


LAB_EXAMPLES = sorted((Path(__file__).parents[1] / "examples" / "lab").glob("*.toml"))


@pytest.mark.parametrize("path", LAB_EXAMPLES, ids=lambda p: p.stem)
def test_lab_examples_run_through_the_cli(path, qc):
    out = qc("model", "show", path, "--json")
    assert out.returncode == 0, out.stderr
    values = {q["symbol"]: q["value"] for q in json.loads(out.stdout)["quantities"]}
    assert models.load(path).units == "lab" and values["E_R"][0] > 0
