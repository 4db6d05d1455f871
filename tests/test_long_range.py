"""Crystals with long-range interactions: the Coulomb plasmon and the |k|³ term of 2D dipoles.

Every reference here is independent of the code's long-wave split (the analytic part of
D(k) and its projected transverse velocities):

* the 2D plasmon ω_L²/|k| → 2πnC/M and the 3D plasma frequency ω_p² = 4πnC/M, from the
  Fourier transform of C/r (textbook: e.g. Ashcroft & Mermin ch. 26 for 3D; Bonsall &
  Maradudin, Phys. Rev. B 15, 1959 (1977) for 2D);
* Kohn's sum rule Σ_s ω_s²(k) = ω_p² at every k of the 3D Coulomb crystal (Kohn, quoted by
  Nijboer & De Wette, Physica 23, 309 (1957));
* the shear modulus μ = 0.245 e² n^(3/2) of the classical triangular Wigner crystal
  (Bonsall & Maradudin 1977; the T = 0 value used by Morf, Phys. Rev. Lett. 43, 931 (1979)),
  with μ = M n c_t²: the transverse sound velocity to the three digits quoted;
* a second method for every sound velocity: the eigenvalues of the full D(k) at two small
  k, extrapolated (ω²/k² = c² + b k + O(k²) for 2D dipoles and Coulomb transverse modes);
* the exact scaling of r₀ with the coupling for a pure power law (ω² ∝ C/(M a^(p+2)), so
  r₀²/a² ∝ (M C a^(2−p))^(−1/2) at T = 0).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qcrystal import Crystal
from qcrystal.crystal.dynamics import HarmonicCrystal, PowerLaw
from qcrystal.crystal.geometry import geometry


def _coulomb(name: str, C: float = 1.0) -> HarmonicCrystal:
    g = geometry(name, 1.0)
    return HarmonicCrystal(g, PowerLaw(C, 1.0, background=g.d == 3))


def _extrapolated_slope2(h: HarmonicCrystal, direction, branch: int, power: float) -> float:
    """lim ω_s²(k)/k^power from k = 1e-3 and 2e-3 along ``direction``, removing a linear
    term in k (the next correction of every case tested)."""
    n = np.asarray(direction, float) / np.linalg.norm(direction)
    k1, k2 = 1e-3, 2e-3
    w = h.frequencies(np.array([k1 * n, k2 * n])) ** 2
    s1, s2 = w[0, branch] / k1**power, w[1, branch] / k2**power
    return float(2 * s1 - s2)


def test_plasmon_of_the_2d_coulomb_crystal():
    h = _coulomb("triangular", C=2.5)
    A, e = h.plasmon
    expected = 2 * math.pi * h.geometry.density * 2.5  # 2πnC/M
    assert e == 1.0
    assert abs(A / expected - 1) < 1e-13
    for direction in ([1.0, 0.0], [0.3, 1.0]):
        assert abs(_extrapolated_slope2(h, direction, 1, 1.0) / expected - 1) < 1e-5


def test_plasma_frequency_and_kohn_sum_rule_of_the_bcc_coulomb_crystal():
    h = _coulomb("bcc")
    wp2 = 4 * math.pi * h.geometry.density
    assert h.plasmon == (pytest.approx(wp2, rel=1e-13), 0.0)
    ks = np.random.default_rng(7).normal(size=(6, 3)) * 2.0
    total = np.sum(h.frequencies(ks) ** 2, axis=1)
    assert np.max(np.abs(total / wp2 - 1)) < 1e-11


def test_transverse_sound_of_the_2d_wigner_crystal_against_bonsall_maradudin():
    h = _coulomb("triangular")
    n = h.geometry.density
    for direction in ([1.0, 0.0], [1.0, 1.0]):
        c = h.sound_velocities(direction)
        assert c[-1] == math.inf  # the plasmon has no finite slope
        mu = h.mass * n * c[0] ** 2 / n**1.5  # μ / (C n^(3/2))
        assert abs(mu - 0.245) < 0.0005  # the three digits quoted
        # the second method: the full D(k) at small k
        assert abs(_extrapolated_slope2(h, direction, 0, 2.0) / c[0] ** 2 - 1) < 1e-5


@pytest.mark.parametrize("name", ["bcc", "fcc"])
def test_transverse_sound_of_3d_coulomb_crystals_from_the_full_matrix(name):
    h = _coulomb(name)
    for direction in ([1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.2, 0.5, 1.0]):
        c = h.sound_velocities(direction)
        assert c[-1] == math.inf
        for s in (0, 1):
            slope = _extrapolated_slope2(h, direction, s, 2.0)
            assert abs(slope / c[s] ** 2 - 1) < 1e-5


def test_sound_of_2d_dipoles_does_not_carry_the_k3_term():
    # D(k) = k² K − 2πnC|k|³ k̂k̂ + …: a Richardson limit in k² alone left the |k|³ term
    # (1.6e-4 of c_L before the long-range term was taken out of the long-wave limit)
    g = geometry("triangular", 1.0)
    h = HarmonicCrystal(g, PowerLaw(1.0, 3.0))
    for direction in ([1.0, 0.0], [0.3, 1.0]):
        c = h.sound_velocities(direction)
        for s in (0, 1):
            slope = _extrapolated_slope2(h, direction, s, 2.0)
            assert abs(slope / c[s] ** 2 - 1) < 2e-6


@pytest.mark.parametrize(("name", "p"), [("triangular", 1.0), ("triangular", 3.0), ("bcc", 1.0)])
def test_lindemann_ratio_scales_as_the_coupling_to_the_minus_quarter(name, p):
    # r₀/a ∝ (M C a^(2−p))^(−1/4) at T = 0 for a pure power law: change C, M and a apart
    kind = {"kind": "power_law", "C": 1.0, "n": p}
    base = Crystal(name, kind, mass=50.0, spacing=1.0, smearing="none", n=12)
    moved = Crystal(name, {**kind, "C": 3.0}, mass=7.0, spacing=2.0, smearing="none", n=12)
    ratio = (3.0 * 7.0 * 2.0 ** (2 - p)) / (50.0 * 1.0)
    expected = base.lindemann_ratio(0.0) * ratio ** (-0.25)
    assert abs(moved.lindemann_ratio(0.0) / expected - 1) < 1e-9


@pytest.mark.parametrize("name", ["triangular", "bcc"])
def test_coulomb_zone_average_converges_within_its_error(name):
    c12 = Crystal(name, {"kind": "power_law", "C": 1.0, "n": 1}, mass=100.0, smearing="none", n=12)
    c32 = Crystal(name, {"kind": "power_law", "C": 1.0, "n": 1}, mass=100.0, smearing="none", n=32)
    assert abs(c12.lindemann_ratio(0.0) - c32.lindemann_ratio(0.0)) <= c12.lindemann_error(0.0)
    assert c32.lindemann_error(0.0) < c12.lindemann_error(0.0)


def test_the_debye_sphere_is_refused_for_a_plasmon():
    c = Crystal("bcc", {"kind": "power_law", "C": 1.0, "n": 1}, mass=100.0, smearing="none", n=8)
    with pytest.raises(ValueError, match="plasmon"):
        c.lindemann_ratio(0.0, zone="debye")


def test_a_logarithmic_power_is_refused():
    h = HarmonicCrystal(geometry("square", 1.0), PowerLaw(1.0, 2.0))
    with pytest.raises(ValueError, match="k² ln k"):
        h.mean_square_displacement(0.0)
