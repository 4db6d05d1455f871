"""r₀² over the whole simple (hyper)cubic zone (zone="exact") against independent answers.

References: Watson's integral in the closed form of Glasser & Zucker (Proc. Natl. Acad.
Sci. USA 74, 1800 (1977)); a direct cubature of the zone average (Duffy's pyramid
transformation, no heat kernel and no theta function); mpmath at 30 digits of the theta
form; the exact series of both limits; and round trips through the public functions.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import qcrystal
from qcrystal.numerics import _cubic_zone as zone

_GL = np.polynomial.legendre.leggauss(48)


def _duffy_average(g, d: int) -> float:
    """⟨g(s)⟩ over [−π, π]^d, s = Σ sin²(q/2), by symmetry on [0, π]^d split into the d
    pyramids where one q is the largest (q = πu·(1, v, w)); the Jacobian u^(d−1) cancels
    the 1/|q|^(d−1)-type singularity at the corner, and product Gauss–Legendre does the rest."""
    x, w = _GL
    # u in two panels (the integrand bends near the corner for larger β)
    u = np.concatenate([0.05 * (x + 1) / 2, 0.05 + 0.95 * (x + 1) / 2])
    wu = np.concatenate([0.05 * w / 2, 0.95 * w / 2])
    t, wt = (x + 1) / 2, w / 2
    if d == 3:
        U, V, W = np.meshgrid(u, t, t, indexing="ij")
        weights = np.einsum("i,j,k->ijk", wu, wt, wt)
        q = np.pi * np.stack([U, U * V, U * W])
        jac = U**2
    else:
        U, V = np.meshgrid(u, t, indexing="ij")
        weights = np.outer(wu, wt)
        q = np.pi * np.stack([U, U * V])
        jac = U
    s = np.sum(np.sin(q / 2) ** 2, axis=0)
    return float(d * np.sum(weights * jac * g(s)))


def _theta_reference(beta: float) -> mp.mpf:
    """C(β) = F(β) − F(∞) at 30 digits: the theta form, split at t = β², more panels."""
    with mp.workdps(30):
        b = mp.mpf(beta)
        b2 = b * b

        def K(t):
            return (mp.besseli(0, t / 2) * mp.exp(-t / 2)) ** 3

        def near(t):
            return (
                K(t)
                * 2
                * mp.fsum(mp.exp(-m * m * b2 / t) for m in range(1, 10))
                / mp.sqrt(mp.pi * t)
            )

        def far(t):
            th = 1 + 2 * mp.fsum(mp.exp(-n * n * mp.pi**2 * t / b2) for n in range(1, 10))
            return K(t) * (th / b - 1 / mp.sqrt(mp.pi * t))

        return mp.quad(near, [0] + [b2 * 2**k for k in range(-16, 1)]) + mp.quad(
            far, [b2 * 2**k for k in range(0, 34)] + [mp.inf]
        )


def test_the_average_of_one_over_s_is_twice_watsons_integral():
    """W = π⁻³∫∫∫ dq/(1 − (cos q₁ + cos q₂ + cos q₃)/3) = 1.516386059151978… (Watson 1939;
    the Γ form is Glasser & Zucker's), and s = (3 − Σ cos q)/2, so ⟨1/s⟩ = 2W/3."""
    with mp.workdps(30):
        g = [mp.gamma(mp.mpf(k) / 24) for k in (1, 5, 7, 11)]
        watson = mp.sqrt(6) / (32 * mp.pi**3) * g[0] * g[1] * g[2] * g[3]
    assert float(watson) == pytest.approx(1.516386059151978, rel=1e-15)
    assert zone.inverse_average(3) == pytest.approx(float(2 * watson / 3), rel=4e-16)


@pytest.mark.parametrize("d", [2, 3])
def test_the_zero_temperature_average_against_a_direct_cubature(d):
    direct = _duffy_average(lambda s: 1 / np.sqrt(s), d)
    assert zone.inverse_sqrt_average(d) == pytest.approx(direct, rel=1e-11)
    with mp.workdps(25):  # and the heat kernel at 25 digits
        ref = mp.quad(
            lambda t: (mp.besseli(0, t / 2) * mp.exp(-t / 2)) ** d / mp.sqrt(mp.pi * t),
            [0, 1, 10, 100, 1000, mp.inf],
        )
    assert zone.inverse_sqrt_average(d) == pytest.approx(float(ref), rel=2e-15)


@pytest.mark.parametrize("beta", [0.02, 1.0, 7.0])
def test_the_thermal_part_against_mpmath_and_a_direct_cubature(beta):
    got = zone.thermal_part(np.array([beta]))[0]
    ref = float(_theta_reference(beta))
    assert got == pytest.approx(ref, rel=3e-14)
    # F(β) = ⟨coth(β√s)/√s⟩ straight over the zone: no theta function, no fit
    direct = _duffy_average(lambda s: 1 / (np.sqrt(s) * np.tanh(beta * np.sqrt(s))), 3)
    assert zone.inverse_sqrt_average(3) + got == pytest.approx(direct, rel=1e-10)


def test_the_series_beyond_the_fit_join_it():
    """The small-β Laurent series and the large-β density-of-states terms agree with the
    fit where they take over, and with the quadrature a little beyond."""
    lo, hi = zone.BETA_RANGE
    # C ~ ⟨1/s⟩/β at the lower switch and 1/(3β²) at the upper: compare β·C and β²·C
    for b, power in ((lo, 1), (hi, 2)):
        pair = np.array([b * (1 - 1e-12), b * (1 + 1e-12)])
        below, above = zone.thermal_part(pair) * pair**power
        assert below == pytest.approx(above, rel=1e-14)
    for b in (3e-4, 3e4):
        series = zone.thermal_part(np.array([b]))[0]
        assert series == pytest.approx(zone.thermal_part_quadrature(b), rel=1e-14)


def test_newton_inverts_the_thermal_part():
    beta = np.geomspace(1e-5, 1e6, 2001)
    back = zone.solve(zone.thermal_part(beta))
    assert np.max(np.abs(back / beta - 1)) < 1e-14


def test_exact_zone_thresholds_and_their_debye_values():
    exact = qcrystal.lindemann_threshold([1, 2, 3], zone="exact")
    debye = qcrystal.lindemann_threshold([1, 2, 3])
    assert exact[0] == np.inf and list(debye) == [np.inf, 16.0, 18.0]
    for d, thr in ((2, exact[1]), (3, exact[2])):
        kappa = 2 * math.sqrt(math.pi) * math.gamma(d / 2 + 1) ** (1 / d)
        assert thr == pytest.approx(2 * d * kappa * _duffy_average(lambda s: 1 / np.sqrt(s), d))
        # at the threshold r₀/a = 1/2 at T = 0, by the public ratio
        assert qcrystal.lindemann_ratio(thr, 1.0, 0.0, d, zone="exact") == pytest.approx(0.5)
    assert exact[2] == pytest.approx(21.2979553492834, rel=1e-13)


def test_hot_limit_of_the_exact_ratio():
    """T ≫ T_D: (r₀/a)² = d κ² ⟨1/s⟩ E_K T/(2 T_D²), so the bound is T_D²/(E_K T) >
    2 d κ² ⟨1/s⟩ = 92.15 for d = 3 (72 over the Debye sphere, the derived (54))."""
    T_D, E_K, T = 3.0, 0.7, 3.0e7
    r = qcrystal.lindemann_ratio(T_D, E_K, T, 3, zone="exact")
    kappa = (6 * math.pi**2) ** (1 / 3)
    bound = 4 * r**2 * T_D**2 / (E_K * T)
    assert bound == pytest.approx(2 * 3 * kappa**2 * zone.inverse_average(3), rel=1e-6)
    debye = 4 * qcrystal.lindemann_ratio(T_D, E_K, T, 3) ** 2 * T_D**2 / (E_K * T)
    assert debye == pytest.approx(72.0, rel=1e-6)
    # far beyond, where β underflows, the same formula without β
    huge = qcrystal.lindemann_ratio(1e-200, 1.0, 1e200, 3, zone="exact")
    assert huge == pytest.approx(
        kappa * math.sqrt(1.5 * zone.inverse_average(3)) * 1e100 / 1e-200, rel=1e-14
    )


def test_exact_melting_temperature_round_trips_through_the_ratio():
    rng = np.random.default_rng(11)
    ratio = 21.2979553492834 * np.exp(rng.uniform(np.log(1.001), np.log(1e8), 400))
    E_K = np.exp(rng.uniform(-5, 5, 400))
    T_m = qcrystal.melting_temperature(ratio * E_K, E_K, 3, zone="exact")
    back = qcrystal.lindemann_ratio(ratio * E_K, E_K, T_m, 3, zone="exact")
    np.testing.assert_allclose(back, 0.5, rtol=1e-13)
    # below the exact threshold there is no localized state at T > 0; d = 1, 2 never
    assert qcrystal.melting_temperature(21.29 * 1.0, 1.0, 3, zone="exact") == 0.0
    assert qcrystal.melting_temperature(50.0, 1.0, 3, zone="exact") > 0.0
    assert list(qcrystal.melting_temperature(50.0, 1.0, [1, 2], zone="exact")) == [0.0, 0.0]
    # the hot branch (T_D/E_K beyond 1e200) continues the solved one
    a = qcrystal.melting_temperature(1e100, 1e-99, 3, zone="exact")
    b = qcrystal.melting_temperature(1e100, 1e-101, 3, zone="exact")
    assert b / a == pytest.approx(100.0, rel=1e-12)


def test_a_bad_zone_is_refused_by_name():
    with pytest.raises(ValueError, match=r'zone must be "debye" or "exact" \(got .sphere.\)'):
        qcrystal.lindemann_ratio(20.0, 1.0, 0.0, 3, zone="sphere")
    with pytest.raises(ValueError, match="zone must be"):
        qcrystal.melting_temperature(20.0, 1.0, 3, zone=None)
