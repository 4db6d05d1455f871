"""Debye-approximation closed forms against quadrature of (42) over the Debye sphere."""

import mpmath as mp
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
