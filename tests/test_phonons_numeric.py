"""Generated phonon functions against independent mpmath quadrature and root-finding.

Budget: relative error ≤ 1e-14 (≈ 45 ulp); the measured worst case is printed in ulp.
"""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcrystal.numerics import phonons
from qcrystal.numerics.phonons import debye_integral, debye_temperature, lindemann_ratio

BUDGET = 1e-14
ULP = np.finfo(float).eps


def I3(b):
    with mp.workdps(40):
        return mp.quad(lambda x: x * mp.coth(mp.mpf(b) * x), [0, 1])


def test_debye_integral_grid_across_the_switches_and_extremes():
    # Each branch switch of the generated module, read from it, probed on both sides.
    edges = [
        s * f for s in (phonons._SWITCH, phonons._ASYMPTOTIC) for f in (1 - 1e-6, 1.0, 1 + 1e-6)
    ]
    bs = np.concatenate([np.logspace(-12, 6, 200), np.linspace(15.0, 30.0, 31), edges])
    got = debye_integral(3, bs)
    ref = np.array([float(I3(b)) for b in bs])
    rel = np.abs(got - ref) / ref
    print(f"debye_integral(3, b) worst error {rel.max() / ULP:.1f} ulp over b in [1e-12, 1e6]")
    assert rel.max() <= BUDGET


@given(st.floats(1e-12, 1e6))
def test_debye_integral_hypothesis(b):
    ref = float(I3(b))
    assert abs(debye_integral(3, b) - ref) <= BUDGET * ref


def test_naive_closed_form_loses_digits_where_ours_does_not():
    """Negative control: π²/(12b²) + ln(1 − e^(−2b))/b + 1/2 − Li₂(e^(−2b))/(2b²)."""
    b = 1e-6  # the naive terms are ~1e12 for a result ~1e6: six digits cancel
    with mp.workdps(40):
        z = mp.exp(-2 * mp.mpf(b))
    z = float(z)
    # Li₂ at float64 via mpmath on the float input: the naive formula's own cancellation.
    naive = np.pi**2 / (12 * b * b) + np.log1p(-z) / b + 0.5 - float(mp.polylog(2, z)) / (2 * b * b)
    ref = float(I3(b))
    assert abs(naive - ref) / ref > 1e-11  # measured 1.2e-10, ~550 000 ulp
    assert abs(debye_integral(3, b) - ref) / ref <= BUDGET


def test_zero_temperature_and_divergences():
    assert debye_integral(3, np.inf) == 0.5
    assert debye_integral(2, np.inf) == 1.0
    assert np.isinf(debye_integral(2, 3.0))  # log divergence at x → 0 for T > 0
    assert np.isinf(debye_integral(1, np.inf))


def test_debye_temperature_against_root_finding():
    """T_D = c₀ k_D with k_D from (volume of the d-ball) = (2π/a)^d, solved by mpmath."""
    nu, D, m, a = 1.3, 2.7, 0.9, 1.7
    with mp.workdps(40):
        c0 = mp.sqrt(mp.mpf(nu) * D * a**2 / m)
        for d in (1, 2, 3):
            ball = mp.pi ** (mp.mpf(d) / 2) / mp.gamma(mp.mpf(d) / 2 + 1)
            kD = mp.findroot(lambda k, d=d, ball=ball: ball * k**d - (2 * mp.pi / a) ** d, 2)
            ref = float(c0 * kD)
            assert abs(debye_temperature(nu, D, m, d) - ref) <= BUDGET * ref


@pytest.mark.parametrize("T", [0.0, 0.05, 1.0, 30.0])
def test_lindemann_ratio_against_quadrature_of_42(T):
    """r₀/a from (42) over the Debye sphere (quadrature), d = 3."""
    from test_phonons import reference_r0sq

    c0, m, a = mp.mpf("1.1"), mp.mpf("0.7"), mp.mpf("1.3")
    with mp.workdps(30):
        if T == 0.0:
            kD = mp.cbrt(3 * (2 * mp.pi / a) ** 3 / (4 * mp.pi))
            TD = c0 * kD
            r0sq = 3 / (2 * m * c0) * 4 * mp.pi / (2 * mp.pi) ** 3 * a**3 * kD**2 / 2
        else:
            r0sq, TD = reference_r0sq(3, mp.mpf(T), c0, m, a)
        ref = float(mp.sqrt(r0sq) / a)
    got = lindemann_ratio(float(TD), float(1 / (2 * m * a**2)), T, 3)
    assert abs(got - ref) <= BUDGET * ref


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match=r"d must be 1, 2 or 3 \(got 4\)"):
        debye_integral(4, 1.0)
    with pytest.raises(ValueError, match=r"d must be 1, 2 or 3 \(got 2.5\)"):
        lindemann_ratio(1.0, 1.0, 0.0, 2.5)
    with pytest.raises(ValueError, match="T must be >= 0"):
        lindemann_ratio(1.0, 1.0, -1.0, 3)
    with pytest.raises(ValueError, match="b contains NaN"):
        debye_integral(3, np.nan)


def _melting_reference(td, ek):
    """Root of 9 (E_K/T_D) I₃(T_D/2T) = 1/4 by mpmath.findroot on quadrature, 40 digits."""
    with mp.workdps(40):
        R = mp.mpf(td) / (36 * mp.mpf(ek))

        def f(logb):
            b = mp.exp(logb)
            return mp.quad(lambda x: x * mp.coth(b * x), [0, 1]) - R

        # Start from the large-b asymptote I₃ ≈ 1/2 + ζ(2)/(2b²) where the root is far out.
        start = mp.log(mp.sqrt(mp.zeta(2) / (2 * (R - mp.mpf(1) / 2)))) if R < 1 else -mp.log(R)
        logb = mp.findroot(f, start)
        return float(mp.mpf(td) / (2 * mp.exp(logb)))


# Both sides of the switch R = T_D/(36 E_K) = MELTING_R_SWITCH (T_D/E_K = 39.6) included.
@pytest.mark.parametrize(
    "ratio",
    [18.000001, 18.001, 18.1, 18.5, 20.0, 25.0, 36.0, 39.6 * (1 - 1e-12), 39.6, 39.6 * (1 + 1e-12),
     50.0, 100.0, 300.0, 1e3, 1e4, 1e6, 1e12],
)  # fmt: skip
def test_melting_temperature_against_root_finding(ratio):
    from qcrystal.numerics.phonons import melting_temperature

    got = melting_temperature(ratio, 1.0, 3)
    ref = _melting_reference(ratio, 1.0)
    # Near the edge (ratio → 18) a rounded R = ratio/36 would cost R/(R − 1/2) ulp; the
    # generated code forms R − 1/2 exactly, so the full budget holds there too.
    assert abs(got - ref) <= BUDGET * ref


def test_melting_temperature_edges():
    from qcrystal.numerics.phonons import melting_temperature

    assert melting_temperature(17.9, 1.0, 3) == 0.0  # unstable already at T = 0, (53)
    assert melting_temperature(1e3, 1.0, 2) == 0.0  # d = 2: any T > 0 destabilizes
    assert melting_temperature(1e3, 1.0, 1) == 0.0
    big = 1e8  # T ≫ T_D: T_m → T_D²/(72 E_K), the derived (55)
    assert abs(melting_temperature(big, 1.0, 3) / (big**2 / 72) - 1) < 1e-6


def test_melting_is_where_lindemann_ratio_is_one_half():
    from qcrystal.numerics.phonons import lindemann_ratio, melting_temperature

    td = np.logspace(np.log10(18.5), 8, 50)
    tm = melting_temperature(td, 1.0, 3)
    assert np.max(np.abs(lindemann_ratio(td, 1.0, tm, 3) - 0.5)) < 1e-15 * 50


@given(
    td=st.floats(1e-3, 1e6),
    ek=st.floats(1e-3, 1e3),
    t=st.one_of(st.just(0.0), st.floats(1e-6, 1e6)),
)
def test_lindemann_ratio_hypothesis(td, ek, t):
    """r₀/a = 3 √((E_K/T_D) I₃(T_D/2T)) with I₃ by quadrature (d = 3; its prefactor is
    checked against quadrature of (42) above)."""
    with mp.workdps(40):
        integral = mp.mpf(1) / 2 if t == 0.0 else I3(mp.mpf(td) / (2 * mp.mpf(t)))
        ref = float(3 * mp.sqrt(mp.mpf(ek) / td * integral))
    assert abs(lindemann_ratio(td, ek, t, 3) - ref) <= BUDGET * ref


@given(
    nu=st.floats(1e-3, 1e3),
    D=st.floats(1e-6, 1e6),
    m=st.floats(1e-3, 1e3),
    d=st.sampled_from([1, 2, 3]),
)
def test_debye_temperature_hypothesis(nu, D, m, d):
    with mp.workdps(40):
        ref = float(
            mp.sqrt(4 * mp.pi)
            * mp.sqrt(mp.mpf(nu) * D / m)
            * (mp.mpf(d) / 2 * mp.gamma(mp.mpf(d) / 2)) ** (mp.mpf(1) / d)
        )
    assert abs(debye_temperature(nu, D, m, d) - ref) <= BUDGET * ref


# Extremes of the documented domain (found by an independent review). References in mpmath;
# where b < 1e-10, I₃ = 1/b + b/9 to a relative b³/675 (its series), which needs no quadrature.
def _melting_far(td, ek):
    with mp.workdps(50):
        return float(mp.mpf(td) ** 2 / (72 * mp.mpf(ek)))  # b = 1/R to b²/9 for R ≥ 1e20


@pytest.mark.parametrize(
    "td, ek",
    [
        (4.243321199409715e306, 2.3574006663387305e305),  # E_K past the Dekker split's range
        (1e-10, 1e-320),  # T_D/E_K overflows, T_m does not
        (1.0, 1 / 5e155),  # 1/R² of the series side is subnormal
        (1.0, 1e-300),
        (1.8e305, 5e301),  # T_D·T_s of the series side overflows, T_m ≈ 9e306 does not
    ],
)
def test_melting_temperature_at_extreme_ratios(td, ek):
    from qcrystal.numerics.phonons import melting_temperature

    got = float(melting_temperature(td, ek, 3))
    if td / 36 / ek < 1e20 and np.isfinite(td / ek):
        ref = _melting_reference(td, ek)
    else:
        ref = _melting_far(td, ek)
    assert abs(got - ref) <= BUDGET * ref


def test_melting_temperature_infinite_cases_are_inf_not_nan():
    from qcrystal.numerics.phonons import melting_temperature

    assert melting_temperature(np.inf, 1.0, 3) == np.inf
    assert melting_temperature(1e200, 1e-200, 3) == np.inf  # T_D²/(72 E_K) overflows
    assert melting_temperature(1e300, 1e281, 3) == np.inf  # the same, R = 2.8e17


@pytest.mark.parametrize(
    "td, ek, t",
    [
        (1e-10, 1e300, 1.0),  # E_K/T_D overflows
        (1e-200, 1e-300, 1e200),  # b = T_D/2T underflows to 0
        (1e-300, 1.0, 1e-300),  # (E_K/T_D)·I₃ overflows
        (2.0, 1e-250, 1e-100),
    ],
)
def test_lindemann_ratio_where_intermediates_leave_float64(td, ek, t):
    with mp.workdps(60):
        b = mp.mpf(td) / (2 * mp.mpf(t))
        integral = 1 / b + b / 9 if b < mp.mpf("1e-10") else I3(b)
        ref = float(3 * mp.sqrt(mp.mpf(ek) / td * integral))
    got = float(lindemann_ratio(td, ek, t, 3))
    assert abs(got - ref) <= BUDGET * ref


def test_debye_integral_overflows_to_inf_quietly():
    # I₃ > 1/b, which exceeds every float64 below b ≈ 5.6e-309: inf is its rounding.
    assert debye_integral(3, 5e-324) == np.inf
    assert np.isfinite(debye_integral(3, 1e-300))


def test_the_tabulated_melting_start_is_within_1e_10_of_the_root():
    """Below R = MELTING_R_SWITCH melting_temperature takes one Newton step from its
    tabulated start, so the start must hold the root b of I₃(b) − 1/2 = X to ~1e-10 (the
    step squares that to 1e-20) over every X it is given there, 0 < X ≤ R_SWITCH − 1/2:
    each piece of the table at its ends and middle, the asymptote below it and the largest
    X, against mpmath's root of the quadrature of (48) at 40 digits. The step takes the
    slope of I₃'s dilogarithm branches, so every start must lie beyond b = SWITCH."""
    width = (phonons.tables.MELTING_T_HI - phonons.tables.MELTING_T_LO) / len(phonons._MELT_TABLE)
    ends = phonons.tables.MELTING_T_LO + width * np.arange(len(phonons._MELT_TABLE) + 1)
    inner = np.concatenate([ends - 1e-9, ends[:-1] + 1e-9, ends[:-1] + width / 2])
    t = np.concatenate([inner, np.linspace(-20.0, -6.3, 8)])
    X = np.concatenate([np.exp(t), [phonons._R_SWITCH - 0.5]])
    assert X.max() < np.exp(phonons.tables.MELTING_T_HI)  # the table covers the Newton side
    start = phonons._melting_start(X)
    assert np.all(start > phonons._SWITCH)
    worst = 0.0
    for x, b0 in zip(X, start, strict=True):
        with mp.workdps(40):
            target = mp.mpf(float(x)) + mp.mpf(1) / 2
            guess = mp.mpf(float(b0))  # secant from two points near the start
            b = mp.findroot(
                lambda v, target=target: I3(v) - target, (guess, guess * (1 + mp.mpf(10) ** -6))
            )
            worst = max(worst, float(abs(b0 / b - 1)))
    print(f"tabulated melting start: worst relative error {worst:.1e}")
    assert worst <= 1e-10


def test_the_melting_series_is_the_root_above_the_switch():
    """From R = MELTING_R_SWITCH up melting_temperature takes 1/(bR) = 1 + w g(w), w = 1/R²,
    from the generated fit g as the root itself (no Newton step). The fit, its float64
    coefficients evaluated exactly, against mpmath's root of I₃(b) = R by quadrature of
    (48) at 40 digits: evenly over w ∈ (0, 1/R_SWITCH²] (the switch included) and at large
    R. The bound 3e-17 (0.14 ulp) is the generator's fit error, 5e-18, and the rounding of
    the coefficients."""
    w_max = 1 / phonons._R_SWITCH**2
    R = np.concatenate([1 / np.sqrt(w_max * np.linspace(1 / 12, 1, 12)), [1e3, 1e6]])
    R[11] = phonons._R_SWITCH  # exactly, not through the square root
    worst = 0.0
    for r in R:
        with mp.workdps(40):
            w = 1 / mp.mpf(float(r)) ** 2
            fit = 1 + w * mp.polyval([mp.mpf(c) for c in phonons._SERIES], w)
            b = mp.findroot(lambda v, r=r: I3(v) - mp.mpf(float(r)), 1 / mp.mpf(float(r)))
            worst = max(worst, float(abs(fit * (b * mp.mpf(float(r))) - 1)))
    print(f"melting series: worst relative error {worst:.1e}")
    assert worst <= 3e-17


def test_melting_temperature_does_not_depend_on_its_neighbours():
    """Both sides of the switch, the edge, the overflow fix and d ≠ 3 in one block give,
    bit for bit, what each point gives alone."""
    from qcrystal.numerics.phonons import melting_temperature

    td = np.array([17.0, 18.5, 30.0, 39.6, 40.0, 1e3, 1e25, 1.8e305, 1e300, 50.0, 50.0])
    ek = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5e301, 1e281, 1.0, 1.0])
    d = np.array([3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1])
    together = melting_temperature(td, ek, d)
    alone = [melting_temperature(a, b, c) for a, b, c in zip(td, ek, d, strict=True)]
    assert together.tobytes() == np.array(alone).tobytes()
