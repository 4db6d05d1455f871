"""Lattice dynamics (qcrystal.crystal.dynamics) against closed forms and independent sums.

References, each computed without the module's machinery:

* the zero-rest-length spring U = K r²/2 on the simple cubic nearest neighbours has
  Φ = K·1 on each bond, so D(k) = (4K/M) Σ_α sin²(k_α a/2) · 1: exactly the paper's scalar
  spectrum (43), with three equal branches. Its r₀² is then (3/4√(KM)) F_3(β), β = √(K/M)/T,
  F_3 the zone average of :mod:`qcrystal.numerics._cubic_zone` (a heat-kernel quadrature,
  not a grid); d = 2 likewise with ⟨s^(−1/2)⟩ of the square zone;
* the spring U = K(r − a)²/2 (U' = 0 at a) on the sc nearest neighbours: each branch is
  ω² = (4K/M) sin²(k_α a/2), so c = a√(K/M) along [100] (and 0 twice), a√(K/M)/√3 along
  [111], a√(K/M)/√2 twice along [110];
* U = r^(−p) on the sc nearest neighbours: D is diagonal, D_αα = (2/M)[U''(1 − cos k_α)
  + (U'/a) Σ_(β≠α)(1 − cos k_β)], negative for the transverse waves (U' < 0);
* fcc Lennard-Jones at its static equilibrium a = (2A₁₂/A₆)^(1/6) σ, with the fcc lattice
  sums A₁₂ = 12.13188, A₆ = 14.45392 (Lennard-Jones & Ingham, Proc. R. Soc. A 107, 636
  (1925); Kittel, *Introduction to Solid State Physics*, ch. 3): its D(k) from a plain
  direct sum to |R| ≤ 20a written out here (tail ≲ 3e-6 of D, from ∫ 168 r^(−8) n d³r).
"""

import math

import numpy as np
import pytest

from qcrystal.crystal import (
    HarmonicCrystal,
    PowerLaw,
    Radial,
    UnstableError,
    geometry,
    lennard_jones,
)
from qcrystal.numerics import _cubic_zone

K, M = 1.3, 0.7


def _zero_rest_spring(a=1.0):
    return Radial(lambda r: K * r**2 / 2, lambda r: K * r, lambda r: K + 0 * r, cutoff=a)


def _spring(rest, cutoff):
    return Radial(
        lambda r: K * (r - rest) ** 2 / 2, lambda r: K * (r - rest), lambda r: K + 0 * r,
        cutoff=cutoff,
    )  # fmt: skip


def _repulsive(p, cutoff=1.0):
    return Radial(
        lambda r: r**-p, lambda r: -p * r ** (-p - 1), lambda r: p * (p + 1) * r ** (-p - 2),
        cutoff=cutoff,
    )  # fmt: skip


def test_scalar_spectrum_is_the_papers_43():
    crystal = HarmonicCrystal(geometry("cubic"), _zero_rest_spring(), mass=M)
    ks = np.random.default_rng(1).uniform(-4, 4, (20, 3))
    s = np.sum(np.sin(ks / 2) ** 2, axis=1)
    expected = (4 * K / M) * s[:, None, None] * np.eye(3)
    assert np.allclose(crystal.dynamical_matrix(ks), expected, rtol=1e-14, atol=1e-14)


def test_r0_squared_of_the_scalar_spectrum_against_cubic_zone():
    crystal = HarmonicCrystal(geometry("cubic"), _zero_rest_spring(), mass=M)
    T = np.array([0.0, 0.05, 0.5, 2.0])
    r = crystal.mean_square_displacement(T, n=24)
    beta = math.sqrt(K / M) / T[1:]
    F = _cubic_zone.inverse_sqrt_average(3) + np.concatenate(
        [[0.0], _cubic_zone.thermal_part(beta)]
    )
    # (42) with ρ = 1/a³, ν = 1, d = 3 equal branches, ω = 2√(K/M) √s
    reference = 3 / (4 * math.sqrt(K * M)) * F
    assert np.all(np.abs(r.value - reference) <= r.error)  # the estimate bounds the error
    assert np.all(r.error <= 3e-4 * reference)  # and is small at n = 24 (measured ≤ 3e-4)
    assert abs(r.value[0] - reference[0]) < 2e-6 * reference[0]  # T = 0 converges faster


def test_r0_squared_square_lattice_zero_point_and_refusals():
    crystal = HarmonicCrystal(geometry("square"), _zero_rest_spring(), mass=M)
    r = crystal.mean_square_displacement(0.0, n=32)
    reference = 1 / (2 * math.sqrt(K * M)) * _cubic_zone.inverse_sqrt_average(2)
    assert abs(r.value - reference) <= r.error
    assert r.error < 1e-4 * reference
    with pytest.raises(ValueError, match="d = 2 at T > 0"):
        crystal.mean_square_displacement([0.0, 0.1])
    chain = HarmonicCrystal(geometry("chain"), _zero_rest_spring(), mass=M)
    with pytest.raises(ValueError, match="d = 1"):
        chain.mean_square_displacement(0.0)


def test_branches_of_the_isotropic_nn_spring():
    crystal = HarmonicCrystal(geometry("cubic"), _spring(1.0, 1.0), mass=M)
    ks = np.random.default_rng(2).uniform(-3, 3, (10, 3))
    expected = np.sort(np.sqrt(4 * K / M) * np.abs(np.sin(ks / 2)), axis=1)
    assert np.allclose(crystal.frequencies(ks), expected, rtol=1e-13)


@pytest.mark.parametrize("a", [1.0, 2.5])
def test_sound_velocities_of_the_nn_spring(a):
    crystal = HarmonicCrystal(geometry("cubic", a), _spring(a, a), mass=M)
    c = a * math.sqrt(K / M)
    # Richardson on D(hk̂)/h² leaves O(h⁴) ~ 1e-10 here (h a = 2e-3 and 4e-3)
    assert np.allclose(crystal.sound_velocities([1, 0, 0]), [0, 0, c], rtol=1e-9, atol=1e-9)
    assert np.allclose(crystal.sound_velocities([1, 1, 1]), [c / math.sqrt(3)] * 3, rtol=1e-9)
    assert np.allclose(
        crystal.sound_velocities([1, -1, 0]), [0, c / math.sqrt(2), c / math.sqrt(2)],
        rtol=1e-9, atol=1e-9,
    )  # fmt: skip
    # the zero shear velocities make r₀² diverge; refused, not a number
    with pytest.raises(ValueError, match="zero sound velocity"):
        crystal.mean_square_displacement(0.0, n=4)


def test_sc_nearest_neighbour_repulsion_is_transversely_unstable():
    p = 6
    crystal = HarmonicCrystal(geometry("cubic"), _repulsive(p))
    result = crystal.stability(8)
    assert not result.stable
    assert result.branch == 0
    k = result.k
    # transverse: the grid's worst point (±7π/8, ±7π/8, ±π/8) has its unstable
    # polarization along z, at 84° to k (exactly perpendicular at (π, π, 0), below)
    assert abs(result.polarization @ k) < 0.11 * np.linalg.norm(k)
    U1, U2 = -p, p * (p + 1)  # U'(a), U''(a) at a = 1
    one = 1 - np.cos(k)
    diagonal = [2 * (U2 * one[i] + U1 * (one.sum() - one[i])) for i in range(3)]
    assert result.omega2 == pytest.approx(min(diagonal), rel=1e-13)
    with pytest.raises(UnstableError, match="unstable"):
        crystal.frequencies([math.pi, math.pi, 0.0])  # ω² = 8U'/a = −48 there
    w2, e = np.linalg.eigh(crystal.dynamical_matrix([math.pi, math.pi, 0]))
    assert w2[0] == pytest.approx(8 * U1, rel=1e-13)
    assert np.allclose(np.abs(e[:, 0]), [0, 0, 1], atol=1e-13)


def _direct_fcc_lj(a, ks, radius):
    """D(k) of 4[(1/r)¹² − (1/r)⁶] by a plain sum over the fcc lattice vectors |R| ≤ radius."""
    c = math.sqrt(2) * a  # cube edge
    n = int(radius / c * 2) + 2
    m = np.arange(-n, n + 1)
    grid = np.stack(np.meshgrid(m, m, m, indexing="ij"), -1).reshape(-1, 3)
    grid = grid[(grid.sum(1) % 2 == 0) & np.any(grid != 0, axis=1)] * (c / 2)
    r = np.linalg.norm(grid, axis=1)
    R, r = grid[r <= radius], r[r <= radius]
    du = 4 * (-12 * r**-13 + 6 * r**-7)
    d2u = 4 * (156 * r**-14 - 42 * r**-8)
    u = R / r[:, None]
    phi = (d2u - du / r)[:, None, None] * np.einsum("na,nb->nab", u, u) + (du / r)[
        :, None, None
    ] * np.eye(3)
    w = 2 * np.sin(ks @ R.T / 2) ** 2
    return np.einsum("kn,nab->kab", w, phi)


def test_fcc_lennard_jones_is_stable_and_matches_a_direct_sum():
    a = (2 * 12.13188 / 14.45392) ** (1 / 6)  # σ = 1, the static equilibrium
    crystal = HarmonicCrystal(geometry("fcc", a), lennard_jones(1.0, 1.0))
    ks = np.array([[0.3, 0.1, -0.2], [2.0, 1.0, 0.5], [math.pi / a, 0, 0], [1.5, 1.5, 1.5]])
    direct = _direct_fcc_lj(a, ks, 20 * a)
    D = crystal.dynamical_matrix(ks)
    assert np.allclose(D, direct, rtol=0, atol=1e-5 * np.max(np.abs(direct)))
    result = crystal.stability(8)
    assert result.stable and result.omega2 > 0
    # the lowest ω² of the scan (an acoustic branch near k = 0), again by the direct sum
    lowest = np.linalg.eigvalsh(_direct_fcc_lj(a, result.k[None, :], 20 * a)[0])[0]
    assert result.omega2 == pytest.approx(lowest, rel=1e-5)


def test_error_estimate_bounds_a_much_finer_grid():
    # nn springs at rest plus stretched next-nearest springs: anisotropic, all shears stiff
    g = geometry("cubic")
    crystal = HarmonicCrystal(g, _spring(1.0, math.sqrt(2)), mass=M)
    T = np.array([0.0, 0.3])
    coarse = crystal.mean_square_displacement(T, n=12)
    fine = crystal.mean_square_displacement(T, n=48)
    assert np.all(np.abs(coarse.value - fine.value) <= coarse.error)
    assert np.all(fine.error < coarse.error)


def test_refusals():
    with pytest.raises(ValueError, match="decay"):
        HarmonicCrystal(
            geometry("cubic"), Radial(np.exp, np.exp, np.exp, decay=3.0)
        )  # fmt: skip
    crystal = HarmonicCrystal(geometry("fcc"), PowerLaw(1.0, 3.0))
    with pytest.raises(ValueError, match="k² ln k"):
        crystal.sound_velocities([1, 0, 0])
    with pytest.raises(ValueError, match="mass"):
        HarmonicCrystal(geometry("fcc"), PowerLaw(1.0, 12.0), mass=0.0)
    with pytest.raises(ValueError, match="T must be"):
        HarmonicCrystal(geometry("cubic"), _zero_rest_spring()).mean_square_displacement(-1.0)


@pytest.mark.parametrize(("name", "stable"), [("fcc", True), ("bcc", False), ("cubic", False)])
def test_full_inverse_power_sums(name, stable):
    # U = r^-12 summed over the whole lattice (Ewald). fcc is stable; simple cubic is not
    # (its shear, everywhere); bcc is unstable at the zone's N point (½, ½, 0)·2π/a_c, a
    # transverse mode that softens as the repulsion steepens (stable for p ≤ 7, unstable
    # from p = 8): an 8³ even grid has no node at N and called bcc r^-12 stable until the
    # scan took in the special points. The reported ω² is recomputed below either way.
    g = geometry(name)
    result = HarmonicCrystal(g, PowerLaw(1.0, 12.0)).stability(8)
    assert result.stable is stable
    # the reported extreme ω², again by a plain direct sum (|R| ≤ 8a: tail ~ 8^-11 ≲ 1e-9)
    R = g.neighbours(8.0)
    r = np.linalg.norm(R, axis=1)
    du, d2u = -12 * r**-13, 156 * r**-14
    u = R / r[:, None]
    phi = (d2u - du / r)[:, None, None] * np.einsum("na,nb->nab", u, u) + (du / r)[
        :, None, None
    ] * np.eye(3)
    D = np.einsum("n,nab->ab", 2 * np.sin(R @ result.k / 2) ** 2, phi)
    assert result.omega2 == pytest.approx(np.linalg.eigvalsh(D)[result.branch], rel=1e-8)


def test_lindemann_ratio_and_shapes():
    crystal = HarmonicCrystal(geometry("cubic", 2.0), _zero_rest_spring(2.0), mass=M)
    T = np.array([[0.0, 0.1], [0.2, 0.4]])
    msd = crystal.mean_square_displacement(T, n=8)
    ratio = crystal.lindemann_ratio(T, n=8)
    assert msd.value.shape == msd.error.shape == T.shape
    assert np.allclose(ratio.value, np.sqrt(msd.value) / 2.0, rtol=1e-15)
    assert np.all(np.diff(msd.value.ravel()) > 0)  # r₀² grows with T


def test_the_stability_scan_reaches_the_zone_corner():
    """Nearest-neighbour bonds with U'' = 0 and U' = −1 on the simple cubic lattice (a = M = 1):
    D_xx(k) = 2U'(2 − cos k_y − cos k_z), most negative at k = (0, π, π) with ω² = 8U' = −8
    (Ashcroft & Mermin's central-force Φ, worked by hand). An even 4³ grid has no node there
    (its best is 2U'(2 − 2cos(3π/4)) ≈ −6.83): the scan must add the zone's special points."""
    bond = Radial(lambda r: -r, lambda r: -np.ones_like(r), lambda r: np.zeros_like(r), cutoff=1.0)
    scan = HarmonicCrystal(geometry("cubic", 1.0), bond, 1.0).stability(4)
    assert not scan.stable
    assert scan.omega2 == pytest.approx(-8.0, rel=1e-12)
    np.testing.assert_allclose(np.sort(np.abs(scan.k)), [0.0, np.pi, np.pi], atol=1e-12)


def test_the_long_wave_radial_parts_against_mpmath():
    """G(c, T) = ∫_0^k_c χ(k/k_c) k² coth(ck/2T)/(ck) dk (d = 3) by the interpolant in ln β
    (many c at once) and by mpmath's tanh–sinh quadrature at 30 digits with breaks where
    coth turns over, one c at a time: 1e-13 relative (the interpolant is good to ~3e-14).
    scipy's adaptive quad was tried first and is off by 4e-9 at β = ck_c/2T ~ 4e4."""
    import mpmath as mp

    from qcrystal.crystal import dynamics as dyn

    c = np.geomspace(0.3, 30.0, 200)  # > 64 values: the interpolated path
    kc = 2.5
    T = np.array([0.0, 1e-3, 0.7, 40.0])
    got = dyn._radial_parts(c, T, kc, 3)

    def bump(x):
        if x >= 1:
            return mp.mpf(0)
        a, b = mp.exp(-1 / x), mp.exp(-1 / (1 - x))
        return b / (a + b)

    with mp.workdps(30):
        for j, t in enumerate(T):
            for i in (0, 133, 199):
                ci, tm = mp.mpf(c[i]), mp.mpf(t)

                def f(k, ci=ci, t=tm):
                    phi = 1 / (ci * k) if t == 0 else 1 / (mp.tanh(ci * k / (2 * t)) * ci * k)
                    return bump(k / kc) * k**2 * phi

                scale = 2 * t / ci if t else kc
                breaks = sorted({0, *(min(kc, scale * 10.0**e) for e in range(-1, 3)), kc})
                want = mp.quad(f, breaks)
                assert got[j, i] == pytest.approx(float(want), rel=1e-13), (t, c[i])


@pytest.mark.parametrize("name", ["triangular", "bcc", "fcc"])
def test_the_long_wave_form_against_the_direct_limit(name):
    """K(k̂) through the quadratic form (from d(d + 1)/2 directions) against the Richardson
    limit taken along each of 40 random directions: they agree to the limit's own accuracy,
    1e-7 of |K| (its O(h^(p−d)) remainder for the r^-6 tail at h a = 2e-3)."""
    g = geometry(name)
    crystal = HarmonicCrystal(g, PowerLaw(1.0, 6.0))
    rng = np.random.default_rng(7)
    n = rng.normal(size=(40, g.d))
    n /= np.linalg.norm(n, axis=1)[:, None]
    direct = crystal._long_wave_direct(n)
    assert n.shape[0] > g.d * (g.d + 1)  # the form's path
    np.testing.assert_allclose(
        crystal._long_wave(n), direct, rtol=0, atol=1e-7 * np.max(np.abs(direct))
    )
