"""Species: masses against NIST, the cited table, names, and the file's values winning.

Reference masses: NIST, "Atomic Weights and Isotopic Compositions for All Elements"
(J. S. Coursey et al., NIST Physical Measurement Laboratory), from the 2016 atomic mass
evaluation (M. Wang et al., Chinese Phys. C 41, 030003 (2017)), typed here by hand;
periodictable uses a later evaluation, which moved these masses by < 1e-8 u.
"""

import re

import pytest

from qcrystal import models
from qcrystal.models import species, units

NIST_MASSES = {  # u
    "Li6": 6.0151228874,
    "Na23": 22.9897692820,
    "K40": 39.963998166,
    "Rb87": 86.909180531,
    "Cs133": 132.905451961,
}
MASS_TOL = 1e-7  # u: AME2016 → AME2020 revisions of these masses are ≤ 4e-9 u

# Every species the brief names: alkalis, alkaline earths, Yb, magnetic atoms, molecules
NAMED = """Li6 Li7 Na23 K39 K40 K41 Rb85 Rb87 Cs133 Sr84 Sr86 Sr88 Ca40 Yb171 Yb173 Yb174
Dy162 Dy164 Er166 Er168 Cr52 KRb NaK NaRb RbCs NaCs""".split()


@pytest.mark.parametrize(("name", "mass"), sorted(NIST_MASSES.items()))
def test_masses_against_nist(name, mass):
    assert species.lookup(name).mass == pytest.approx(mass, abs=MASS_TOL)


def test_a_molecule_weighs_its_two_isotopes():
    assert species.lookup("RbCs").mass == pytest.approx(
        NIST_MASSES["Rb87"] + NIST_MASSES["Cs133"], abs=2 * MASS_TOL
    )
    assert species.lookup("KRb").isotopes == ("K40", "Rb87")


def test_every_named_species_is_in_the_table():
    assert set(NAMED) <= set(species.names())


DIMENSIONS = {
    "magnetic_moment": units.magnetic_dipole_coupling,
    "electric_dipole": units.electric_dipole_coupling,
    "scattering_length": lambda text: units.to_lab(text, units.LENGTH),
}


@pytest.mark.parametrize("name", species.names())
def test_every_value_has_its_source_and_the_right_dimension(name):
    entry = species.lookup(name)
    for key in species.PROPERTIES:
        text = getattr(entry, key)
        if text is None:
            assert key not in entry.sources
            continue
        source = entry.sources[key]
        assert any(str(year) in source for year in range(1990, 2030)), source  # a year
        assert re.search(r"[A-Z][\w. ]+ \d+, \d+ \(\d{4}\)", source), (
            source
        )  # journal vol, page (year)
        DIMENSIONS[key](text)  # raises UnitError if it is not of its dimension


def test_table_values_in_lab_units():
    # Dy164: a = 92 a₀ (Tang et al. 2015); Yb174: a = 5.55 nm (Kitagawa et al. 2008)
    assert units.to_lab(species.lookup("Dy164").scattering_length, units.LENGTH) == (
        pytest.approx(92 * 5.29177210903e-11 / 1e-6, rel=1e-8)
    )
    assert species.lookup("Yb174").scattering_length == "5.55 nm"


def test_unknown_species_lists_close_matches():
    with pytest.raises(ValueError, match="unknown species 'rb87'; did you mean Rb87"):
        species.lookup("rb87")
    with pytest.raises(ValueError, match="unknown species 'Dy146'; did you mean Dy164"):
        species.lookup("Dy146")


TEXT = """
[model]
species = "Cs133"
{extra}
[lattice]
kind = "chain"
wavelength = "1064 nm"
depth = "5 kHz"
[interaction]
kind = "contact"
scattering_length = "200 bohr"
"""


def test_a_mass_beside_the_species_wins():
    own = models.loads(TEXT.format(extra="mass = 133.0"))
    table = models.loads(TEXT.format(extra=""))
    assert own.mass == 133.0 and own.species == "Cs133" and "model.mass" not in own.sources
    assert table.mass == pytest.approx(NIST_MASSES["Cs133"], abs=MASS_TOL)
    assert table.sources["model.mass"].startswith("Cs133")
    # g = 4πa/m uses the model's mass, whichever it is
    ratio = own.interaction.params["g"] / table.interaction.params["g"]
    assert ratio == pytest.approx(table.mass / 133.0, rel=1e-14)
