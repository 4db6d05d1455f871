"""Debye-approximation closed forms against quadrature of (42) over the Debye sphere."""

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from qcrystal.derivations import phonons
from qcrystal.derivations.symbols import T_D, T, a, d, m

pos = st.floats(0.2, 5.0)


NU = mp.mpf("1.3")  # filling factor; it cancels against ρ = ν/a^d


def reference_r0sq(dim, T_val, c0, mass, spacing, nu=NU):
    """(42) with ω = c₀k over a sphere of the Brillouin zone's volume, by quadrature."""
    area = {3: 4 * mp.pi, 2: 2 * mp.pi}[dim]
    zone = (2 * mp.pi / spacing) ** dim
    kD = mp.findroot(lambda kk: area * kk**dim / dim - zone, 1 / spacing)
    rho = nu / spacing**dim
    radial = mp.quad(
        lambda kk: kk ** (dim - 1) / (c0 * kk) * mp.coth(c0 * kk / (2 * T_val)), [0, kD]
    )
    return nu * dim / (2 * mass * rho) * area / (2 * mp.pi) ** dim * radial, c0 * kD


@given(T_val=pos, c0=pos, mass=pos, spacing=pos)
def test_r0_squared_d3_matches_quadrature(T_val, c0, mass, spacing):
    with mp.workdps(30):
        ref, td = reference_r0sq(3, mp.mpf(T_val), mp.mpf(c0), mp.mpf(mass), mp.mpf(spacing))
        expr = phonons.derive_r0_squared().result.rhs.subs(d, 3)
        f = sp.lambdify([T, T_D, m, a], expr, "mpmath")
        got = f(mp.mpf(T_val), td, mp.mpf(mass), mp.mpf(spacing))
        assert abs(got - ref) <= mp.mpf("1e-20") * ref


def test_zero_temperature_threshold_matches_direct_limit():
    """At T → 0, 4d²/(d − 1) for d = 2, 3, from quadrature of ∫x^(d−2) dx with coth → 1."""
    for dim in (2, 3):
        integral = mp.quad(lambda x, dim=dim: x ** (dim - 2), [0, 1])
        assert abs(4 * dim**2 * integral - 4 * dim**2 / (dim - 1)) < 1e-25
        rel = phonons.derive_zero_temperature().result
        assert sp.simplify(rel.rhs.subs(d, dim) - sp.Rational(4 * dim**2, dim - 1)) == 0


def test_high_temperature_bound_depends_on_T():
    """T ≫ T_D: r₀²/a² grows like T; the stability bound on T_D/E_K must carry T/T_D."""
    with mp.workdps(30):
        b = mp.mpf("1e-4")  # T_D/(2T)
        exact = mp.quad(lambda x: x * mp.coth(b * x), [0, 1])  # d = 3
        assert abs(exact * b - 1) < 1e-6  # I₃ ≈ 1/b = 2T/T_D
    rel = phonons.derive_high_temperature().result
    assert rel.rhs.has(T)


# --------------------------------------------------------------------------- (43)–(44)

SITE_STEPS = (
    "pair_interaction",
    "displaced_pair",
    "harmonic_pair",
    "central_bonds",
    "plane_waves",
    "dynamical_matrix",
    "branches",
    "polarisation_average",
)


def _with_u(expr, lam):
    return expr.replace(phonons.U_pair, lam).doit()


def test_site_dynamics_steps_are_named_and_feed_43_and_44():
    assert phonons.derive_site_dynamics(3).names == SITE_STEPS
    assert phonons.derive_dynamic_parameter(3).names == (*SITE_STEPS, "dynamic_parameter")
    assert phonons.derive_phonon_spectrum(3).names == (*SITE_STEPS, "site_mass", "spectrum")
    assert phonons.derive_phonon_spectrum(3).step("site_mass").expr.rhs == phonons.nu * m


def test_displaced_pair_is_exact_for_a_quadratic_pair_potential():
    """Second order in w is all there is for a quadratic U: the Taylor step must be exact;
    and the harmonic step is ν² times its second-order part."""
    R, w = phonons.R_v, [sp.Symbol(f"w_{n}", real=True) for n in (1, 2, 3)]
    x1, x2, x3 = sp.symbols("x1:4", real=True)
    quad = sp.Lambda((x1, x2, x3), (x1 + 2 * x2) ** 2 + x3 * x1 - 5 * x2 * x3 + 7)
    dv = phonons.derive_site_dynamics(3)
    taylor = _with_u(dv.step("displaced_pair").expr.rhs, quad)
    exact = quad(*(r + v for r, v in zip(R, w, strict=True)))
    assert sp.expand(taylor - exact) == 0
    second = sp.expand(
        exact - quad(*R) - sum(v * sp.diff(quad(*R), r) for r, v in zip(R, w, strict=True))
    )
    harmonic = _with_u(dv.step("harmonic_pair").expr.rhs, quad)
    assert sp.expand(harmonic - phonons.nu**2 * second) == 0


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_trace_average_and_dynamic_parameter_in_every_dimension(dim):
    """(1/d) tr D(k) = (4/M)(ν²/d)(U'' + (d − 1)U'/a) Σ sin²(k_γ a/2); D is its coefficient
    (44, as printed for a central U), and the spectrum with M = νm is (43)/ν²."""
    nu, U1, U2 = phonons.nu, phonons._U1, phonons._U2
    lap = U2 + (dim - 1) * U1 / a
    D_44 = phonons.derive_dynamic_parameter(dim).result.rhs
    assert sp.expand(D_44 - nu**2 / dim * lap) == 0
    printed_43 = 4 * nu / m * (nu**2 / dim * lap) * phonons._sum_sin2(dim)
    spectrum = phonons.derive_phonon_spectrum(dim).result.rhs
    assert sp.cancel(printed_43 / spectrum) == nu**2
    branches = phonons.derive_site_dynamics(dim).step("branches").expr
    assert branches.is_diagonal()


def test_dimension_outside_one_to_three_is_refused():
    with pytest.raises(ValueError, match="dim must be 1, 2 or 3, got 4"):
        phonons.derive_site_dynamics(4)


def _direct_dynamical_matrix(dim, kvec, spacing, nu, mass, U):
    """(ν²/M) Σ_(R = ±a e_γ) ∂_α∂_β U(|x|)|_(x=R) (1 − cos k·R), the Hessian by mpmath's
    numerical differentiation: independent of the SymPy derivation."""
    out = mp.matrix(dim, dim)
    for gamma in range(dim):
        for sign in (1, -1):
            R = [sign * spacing if n == gamma else mp.mpf(0) for n in range(dim)]
            phase = 1 - mp.cos(sum(kk * x for kk, x in zip(kvec, R, strict=True)))
            for p in range(dim):
                for q in range(dim):
                    order = [0] * dim
                    order[p] += 1
                    order[q] += 1
                    hess = mp.diff(lambda *x: U(mp.sqrt(sum(c**2 for c in x))), R, order)
                    out[p, q] += nu**2 / mass * hess * phase
    return out


@pytest.mark.parametrize(
    "kvec", [(0.3, 0.0, 0.0), (1.1, -0.4, 2.5), (mp.pi, mp.pi / 2, 0.05), (-2.0, 0.7, 0.7)]
)
def test_nearest_neighbour_matrix_against_a_direct_sum_for_r_minus_3(kvec):
    """D(k) of the derivation for U(r) = r⁻³ against a direct sum over the 6 neighbours."""
    spacing, nu, mass = mp.mpf("1.3"), mp.mpf("1.7"), mp.mpf("0.9")
    r = sp.Symbol("r", positive=True)
    dyn = phonons.derive_site_dynamics(3).step("dynamical_matrix").expr.rhs
    dyn = _with_u(dyn, sp.Lambda(r, r**-3))
    args = [a, phonons.nu, phonons.M, *phonons.k_v]
    f = sp.lambdify(args, dyn, "mpmath")
    with mp.workdps(30):
        kk = [mp.mpf(v) for v in kvec]
        got = mp.matrix(f(spacing, nu, mass, *kk))
        ref = _direct_dynamical_matrix(3, kk, spacing, nu, mass, lambda x: x**-3)
        cells = [(i, j) for i in range(3) for j in range(3)]
        scale = max(abs(ref[c]) for c in cells)
        # mp.diff at 30 digits is good to ~25; 1e-20 leaves room and still fails any slip
        assert max(abs(got[c] - ref[c]) for c in cells) <= mp.mpf("1e-20") * scale


def test_transverse_branch_is_negative_for_a_repulsive_r_minus_3():
    """k along e₁: ω_T² = 4ν U'(a) sin²(ka/2)/(m a) < 0 for U = r⁻³ (U' < 0); the
    longitudinal branch and the trace average (43) stay positive: the average hides it."""
    r = sp.Symbol("r", positive=True)
    dv = phonons.derive_phonon_spectrum(3)
    mass = dv.step("site_mass").expr.rhs
    branches = _with_u(dv.step("branches").expr.xreplace({phonons.M: mass}), sp.Lambda(r, r**-3))
    point = {a: sp.Rational(13, 10), phonons.nu: 2, m: 1, phonons.k_v[0]: sp.Rational(7, 10)}
    longitudinal, transverse = (float(branches[n, n].subs(point)) for n in (0, 1))
    assert transverse < 0 < longitudinal
    assert float(branches[2, 2].subs(point)) == transverse
    average = _with_u(dv.result.rhs, sp.Lambda(r, r**-3)).subs(point).subs(phonons.k_v[1], 0)
    assert float(average.subs(phonons.k_v[2], 0)) > 0
    # with the direct numerical sum too
    with mp.workdps(30):
        ref = _direct_dynamical_matrix(
            3, [mp.mpf("0.7"), 0, 0], mp.mpf("1.3"), 2, 2, lambda x: x**-3
        )
        assert ref[1, 1] < 0 < ref[0, 0]


def test_the_thermal_mode_square_of_42_against_a_truncated_oscillator():
    """⟨u²⟩ of one mode, coth(ω/2T)/(2Mω) in derive_mean_square_displacement, against the
    trace tr(e^(−H/T) u²)/Z with b a 400-level matrix, H = ω(b†b + ½), u = (b + b†)/√(2Mω):
    the occupation of the last kept level is below e^(−399ω/T) < 1e-38 here (ω/T ≥ 0.22),
    so the truncation leaves only rounding (1e-13 relative)."""
    import numpy as np

    from qcrystal.derivations.symbols import M, omega_k

    expr = phonons.derive_mean_square_displacement().step("mode_displacement").expr.rhs
    levels = 400
    b = np.diag(np.sqrt(np.arange(1, levels)), 1)
    for w, mass, temp in ((1.3, 0.7, 0.4), (0.2, 2.0, 0.9)):
        u = (b + b.T) / np.sqrt(2 * mass * w)
        n = np.arange(levels)
        weights = np.exp(-(n + 0.5) * w / temp)
        # u² is the square of the matrix, taken before the last level is dropped
        trace = np.sum(weights[:-1] * np.diag(u @ u)[:-1]) / np.sum(weights[:-1])
        want = float(expr.subs({omega_k: w, M: mass, T: temp}))
        assert trace == pytest.approx(want, rel=1e-13)


def test_42_needs_a_site_mass_no_other_equation_shares():
    """The derived (42) is ν times smaller than printed; the remark names the masses."""
    from qcrystal.derivations.symbols import nu, rho

    dv = phonons.derive_mean_square_displacement()
    assert sp.simplify(dv.result.rhs * 2 * m * rho / (d * phonons._zone_integral)) == 1
    printed = phonons._printed_42.rhs
    assert sp.simplify(printed / dv.result.rhs) == nu
    remark = phonons._mean_square_remark(dv)
    assert "M = m per site" in remark and "m/ν" in remark
