"""Exact bands, hopping and Wannier functions of U sin²(k₀x), and the approximation trends.

The references are independent of the plane-wave solver: Mathieu characteristic values
(scipy.special, a continued-fraction method), adaptive quadrature (scipy.integrate.quad)
of the Wannier integrals, the symbolic stationarity condition of the Gaussian energy, and
the known deep-lattice asymptotics. Energies in E_R, lengths in 1/k₀, a = π.
"""

import json

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy.special import mathieu_a, mathieu_b

from qcrystal import accuracy
from qcrystal.accuracy import approximations
from qcrystal.accuracy import bands as band_structure

DEPTHS = [0.5, 1.0, 5.0, 10.0, 20.0, 50.0, 100.0]


@pytest.mark.parametrize("s", DEPTHS)
def test_band_edges_are_mathieu_characteristic_values(s):
    # −ψ'' + s sin²x ψ = Eψ is Mathieu's equation with a = E − s/2, q = s/4 (x shifted by
    # π/2): π-periodic solutions (q = 0) have a_0, b_2; π-antiperiodic (zone edge) b_1, a_1.
    e = band_structure.band_energies(s, [0.0, 1.0], bands=2)
    qm = s / 4
    expected = (
        np.array(
            [
                [mathieu_a(0, qm), mathieu_b(2, qm)],
                [mathieu_b(1, qm), mathieu_a(1, qm)],
            ]
        )
        + s / 2
    )
    np.testing.assert_allclose(e, expected, rtol=1e-10, atol=1e-10)


def test_free_particle_limit():
    q = np.linspace(-1, 1, 9)
    np.testing.assert_allclose(band_structure.band_energies(0.0, q)[:, 0], q**2, atol=1e-14)


@pytest.mark.parametrize("s", [1.0, 50.0, 1000.0])
def test_plane_wave_truncation_converged(s):
    q = np.linspace(-1, 1, 7)
    n = band_structure.plane_waves(s, bands=2)
    base = band_structure.band_energies(s, q, bands=2)
    more = band_structure.band_energies(s, q, bands=2, n_pw=n + 10)
    np.testing.assert_allclose(base, more, rtol=1e-13)
    # Negative control: a basis that is too small is visibly wrong at depth.
    if s >= 50:
        few = band_structure.band_energies(s, q, bands=2, n_pw=2)
        assert np.max(np.abs(few - base) / base) > 1e-6


@pytest.mark.parametrize("s", [2.0, 10.0, 40.0])
def test_hopping_fourier_coefficients_sum_to_the_mathieu_bandwidth(s):
    # E(1) − E(0) = 4 Σ_{n odd} J_n: the odd coefficients must add up to the width b₁ − a₀.
    # Eigenvalues are good to a few ulp of the band energy (≈ s/2), not of the narrow width,
    # so the bound is absolute on that scale: 1e-13 (s/2 + 1) is ~100 ulp.
    width = mathieu_b(1, s / 4) - mathieu_a(0, s / 4)
    odd = sum(float(band_structure.exact_hopping(s, n)) for n in range(1, 40, 2))
    assert abs(4 * odd - width) <= 1e-13 * (s / 2 + 1)
    # and J₁ alone is the bandwidth/4 shortcut only up to J₃, which is small but not zero
    j1, j3 = (float(band_structure.exact_hopping(s, n)) for n in (1, 3))
    assert 0 < abs(j3) < 0.1 * j1


def test_asymptotic_formula_approaches_exact_from_above():
    # (4/√π) s^(3/4) e^(−2√s) is the leading term; the next is O(1/√s), so (ratio − 1)·√s
    # should settle to a constant while the ratio falls to 1 from above.
    s = np.array([5.0, 10.0, 20.0, 50.0, 100.0, 200.0])
    ratio = accuracy.asymptotic_hopping(s) / band_structure.exact_hopping(s)
    assert np.all(ratio > 1) and np.all(np.diff(ratio) < 0)
    scaled = (ratio - 1) * np.sqrt(s)
    assert abs(scaled[-1] / scaled[-2] - 1) < 0.1  # constant to 10 % between s = 100 and 200


def test_gaussian_hopping_falls_further_below_exact_as_the_lattice_deepens():
    s = np.array([1.0, 3.0, 10.0, 30.0, 50.0])
    ratio = accuracy.gaussian_hopping_1d(s) / band_structure.exact_hopping(s)
    assert np.all(ratio < 1) and np.all(np.diff(ratio) < 0)


@pytest.mark.parametrize("s", [1.0, 10.0, 50.0])
def test_wannier_function_is_normalised_orthogonal_and_even(s):
    x = np.linspace(-30 * np.pi, 30 * np.pi, 60 * 64 + 1)
    w = band_structure.wannier_function(s, x)
    shifted = band_structure.wannier_function(s, x - np.pi)
    dx = x[1] - x[0]
    assert abs(np.sum(w * w) * dx - 1) < 1e-12
    assert abs(np.sum(w * shifted) * dx) < 1e-12
    np.testing.assert_allclose(w, w[::-1], atol=1e-14)


@pytest.mark.parametrize("s", [1.0, 10.0, 50.0])
def test_onsite_overlap_against_gauss_legendre(s):
    # A different rule from the library's trapezoid: 80-point Gauss–Legendre on each site
    # over ±10 sites (w⁴ is below 1e-25 beyond at s ≥ 1).
    nodes, weights = np.polynomial.legendre.leggauss(80)
    total = 0.0
    for k in range(-10, 11):
        x = k * np.pi + 0.5 * np.pi * nodes
        total += 0.5 * np.pi * np.sum(weights * band_structure.wannier_function(s, x) ** 4)
    assert abs(float(band_structure.wannier_overlap(s)) / total - 1) < 1e-10


def test_gaussian_overlap_against_quadrature():
    s = 10.0
    lam = 2.0 / (2.0 * np.sqrt(s))  # (k₀l)² for ε = ω = 2√s E_R, m = 1/2
    with mp.workdps(30):
        lw = mp.sqrt(lam)
        ref = mp.quad(
            lambda x: (mp.exp(-(x**2) / (2 * lw**2)) / mp.sqrt(mp.sqrt(mp.pi) * lw)) ** 4,
            [-mp.inf, mp.inf],
        )
    assert abs(float(accuracy.gaussian_overlap(s)) / float(ref) - 1) < 1e-14


@pytest.mark.parametrize("s", [accuracy.VARIATIONAL_MIN_DEPTH + 0.01, 3.0, 10.0, 100.0, 1e4])
def test_variational_width_is_stationary_for_the_symbolic_energy(s):
    condition, s_sym, lam = approximations._variational_condition()
    root = float(accuracy.variational_width(s))
    assert 0 < root <= 2
    with mp.workdps(30):
        value = sp.N(condition.subs({s_sym: s, lam: root}), 30)
        scale = sp.N(condition.subs({s_sym: s, lam: root * (1 + 1e-6)}), 30)
    # A zero at the float root: the residual is far below the change a 1e-6 shift makes.
    assert abs(float(value)) < 1e-7 * abs(float(scale))


def test_symbolic_stationarity_is_s_equals_exp_lambda_over_lambda_squared():
    condition, s_sym, lam = approximations._variational_condition()
    ratio = sp.simplify(condition / (s_sym * lam**2 * sp.exp(-lam) - 1))
    assert not ratio.has(s_sym) and ratio.is_positive  # a positive factor, no other root


def test_variational_width_refuses_shallow_lattices():
    with pytest.raises(ValueError, match="e²/4"):
        accuracy.variational_width(1.0)


def test_frequency_ratios_tend_to_one_in_deep_lattices():
    rows = accuracy.accuracy_table([10.0, 50.0, 200.0])
    harm = [r.ratios()["freq harmonic/exact"] for r in rows]
    assert harm[0] > harm[1] > harm[2] > 1  # harmonic overestimates, less so deeper
    assert abs(rows[-1].ratios()["freq var/exact"] - 1) < 0.01


def test_bad_depths_are_clear_errors():
    with pytest.raises(ValueError, match="lattice depth"):
        band_structure.band_energies(-1.0, 0.0)
    with pytest.raises(ValueError, match="bands must be"):
        band_structure.band_energies(1.0, 0.0, bands=0)
    with pytest.raises(ValueError, match="depths must be"):
        accuracy.accuracy_table([0.0, 5.0])


def test_cli_accuracy_json_csv_and_figure(tmp_path, qc):
    png, csv = tmp_path / "acc.png", tmp_path / "acc.csv"
    cmd = ["accuracy", "--depths", "5", "20", "50"]
    out = qc(*cmd, "--json", "--plot", png, "--csv", csv)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [r["s"] for r in data["rows"]] == [5.0, 20.0, 50.0]
    assert data["within_from_depth"]["J gauss/exact"] is None  # never within 10 %
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert csv.read_text().splitlines()[0].startswith("s,J_exact")
    text = qc(*cmd).stdout
    assert "within ±10% of exact from depth" in text
    bad = qc("accuracy", "--depths", "-3")
    assert bad.returncode == 2 and "depth must be in (0, 1e4]" in bad.stderr


def test_verify_report_cites_the_measured_accuracy_where_the_paper_approximates(by_id):
    from qcrystal.derivations.paper import PAPER
    from qcrystal.teaching import report_markdown

    report = report_markdown.to_markdown(
        PAPER, [by_id["J_ij"], by_id["34"]], notes=approximations.report_notes()
    )
    rows = accuracy.accuracy_table([10.0])
    expected = f"{rows[0].ratios()['J gauss/exact']:.3g} at s = 10"
    assert "Approximation check" in report and expected in report


def test_exact_J_is_marked_unresolved_where_float64_bands_cannot_carry_it():
    """Below hopping_resolution the band energies' rounding (a few ulp of s/2) swamps J:
    at s = 500 J ≈ 1e-17 E_R, and the Fourier coefficient is noise of either sign."""
    from qcrystal import accuracy

    deep = [100.0, 200.0, 500.0, 2000.0]
    rows = accuracy.accuracy_table(deep)
    resolved = [r for r in rows if r.J_exact is not None]
    assert [r.s for r in resolved] == [100.0, 200.0]
    for r in resolved:  # what is kept agrees with the independent asymptote to its 5 %
        assert abs(r.J_exact / float(accuracy.asymptotic_hopping(r.s)) - 1) < 0.05
    assert accuracy.unresolved_from(rows) == 500.0
    text = accuracy.to_text(rows)
    assert "unresolved" in text and "from s = 500 on" in text
    # The J columns judge only the resolved depths (they used to say "never" from noise).
    assert accuracy.within(rows, "J asymptotic/exact") == 100.0


# The lowest band by Newton's method on det(H − E) (what exact_hopping uses) against two
# independent references: scipy's Mathieu characteristic values at the band edges (a
# continued fraction) and LAPACK's MRRR eigenvalues of the same matrix inside the zone.
NEWTON_DEPTHS = np.array([0.0, 1e-9, 1e-4, 0.03, 0.7, 3.0, 17.0, 80.0, 400.0, 2500.0, 1e4])


def test_newton_lowest_band_edges_are_mathieu_values():
    edges = band_structure._lowest_band(NEWTON_DEPTHS, np.array([0.0, 1.0]))
    qm = NEWTON_DEPTHS / 4
    expected = np.stack([mathieu_a(0, qm), mathieu_b(1, qm)], axis=1) + NEWTON_DEPTHS[:, None] / 2
    # scipy's values carry ~1e-14 relative error at s = 1e4 (measured against 50-digit
    # eigenvalues); 1e-13 relative is ~450 ulp, well above both methods' rounding.
    np.testing.assert_allclose(edges, expected, rtol=1e-13, atol=1e-15)


def test_newton_lowest_band_matches_lapack_inside_the_zone():
    q = np.linspace(0.0, 1.0, 17)
    newton = band_structure._lowest_band(NEWTON_DEPTHS, q)
    lapack = np.array([band_structure._eigenvalues(float(s), q, 1)[:, 0] for s in NEWTON_DEPTHS])
    # both are backward stable: a few ulp of the band energy (≤ ~s/2 + 1)
    scale = NEWTON_DEPTHS[:, None] / 2 + 1
    assert np.max(np.abs(newton - lapack) / scale) < 2e-15


def test_newton_falls_back_to_lapack_when_a_block_does_not_settle(monkeypatch):
    q = band_structure.zone()
    depths = np.array([2.0, 30.0])
    expected = band_structure.exact_hopping(depths)
    monkeypatch.setattr(band_structure, "_NEWTON_STEPS", 1)  # nothing settles in one step
    calls = []
    original = band_structure._eigenvalues
    monkeypatch.setattr(
        band_structure, "_eigenvalues", lambda *a: calls.append(a[0]) or original(*a)
    )
    np.testing.assert_allclose(band_structure.exact_hopping(depths), expected, atol=1e-15)
    assert calls == [2.0, 30.0]
    assert q.size == 128


def test_newton_restarts_from_zero_when_the_start_is_not_below_the_band(monkeypatch):
    depths = np.array([5.0, 60.0])
    expected = band_structure._lowest_band(depths, np.array([0.0, 0.5, 1.0]))
    # a start above the band: the pivots there are not all positive, so the block restarts
    monkeypatch.setattr(band_structure.special, "mathieu_a", lambda n, q: 4.0 * q + 50.0)
    again = band_structure._lowest_band(depths, np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(again, expected, rtol=1e-15)


def test_lapack_solves_run_on_one_blas_thread(monkeypatch):
    from threadpoolctl import threadpool_info

    seen = []
    original = band_structure.linalg.eigvalsh_tridiagonal

    def spy(*args, **kwargs):
        seen.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return original(*args, **kwargs)

    monkeypatch.setattr(band_structure.linalg, "eigvalsh_tridiagonal", spy)
    band_structure.band_energies(10.0, [0.0, 0.5])
    assert seen and set(seen) == {1}


def test_band_energies_use_the_zone_symmetries():
    # E(q) = E(−q) = E(q + 2): the same numbers however q is written (dyadic q, so that
    # folding them into [0, 1] is exact)
    q = np.array([0.25, -0.25, 1.75, -2.25, 4.25])
    e = band_structure.band_energies(7.0, q, bands=2)
    np.testing.assert_array_equal(e, np.broadcast_to(e[0], e.shape))


def test_wannier_overlap_by_fft_matches_the_direct_series():
    # the FFT evaluation of the series against the direct sum of wannier_function, on the
    # same grid of the whole ring: one series, two ways of summing it
    for s, band in ((3.0, 0), (40.0, 0), (12.0, 1)):
        per_site = 64
        ring = band_structure._wannier_on_ring(s, band, 128, per_site)
        x = np.arange(ring.size) * (np.pi / per_site)
        picks = np.arange(0, ring.size, 97)
        direct = band_structure.wannier_function(s, x[picks], band)
        np.testing.assert_allclose(ring[picks], direct, atol=1e-14)
