"""The Hartree term behind Ω_α (36): the factor 2 comes from smearing both sites.

⟨Φ(r − r')⟩ over |w(r)|² and |w(r' − r_j)|² expands to Φ(r_j) + ½ Σ_α l_α² ∂²_αΦ(r_j); the
l_α² (not l_α²/2) is what makes Ω² = (2ν/m) Σ ∂²Φ. For a quadratic Φ the expansion is exact,
so the derived site average must equal a direct quadrature of the double integral.
"""

import mpmath as mp
import sympy as sp

from qcrystal.derivations import energy
from qcrystal.derivations.symbols import R_v, l_v


def g2(x, width):
    return mp.exp(-(x**2) / width**2) / (mp.sqrt(mp.pi) * width)


def test_pair_variance_is_l_squared_by_quadrature():
    """⟨(r − s)²⟩ over |w(r)|²|w(s)|² is l²: the double integral factorises (Fubini) into
    2⟨r²⟩ − 2⟨r⟩², each a 1D quadrature of the density |w|² = g2 at 30 digits."""
    with mp.workdps(30):
        for width in (mp.mpf("0.3"), mp.mpf("1.7")):
            cuts = [-12 * width, 0, 12 * width]
            norm = mp.quad(lambda r, w=width: g2(r, w), cuts)
            first = mp.quad(lambda r, w=width: r * g2(r, w), cuts)
            second = mp.quad(lambda r, w=width: r * r * g2(r, w), cuts)
            pair = 2 * second * norm - 2 * first**2
            assert abs(norm - 1) < mp.mpf("1e-25")  # the density is normalised
            assert abs(pair - width**2) < mp.mpf("1e-25") * width**2  # tails beyond 12 l: e^-144


def test_site_average_exact_for_a_quadratic_potential():
    _, averaged = energy._site_average()
    v = sp.symbols("v1:4", real=True)
    quadratic = sp.Lambda(v, 3 * v[0] ** 2 + 5 * v[1] ** 2 + 7 * v[2] ** 2 + v[0] * v[1] + 2)
    got = averaged.replace(energy.Phi, quadratic).doit()
    widths = [sp.Rational(1, 2), sp.Rational(3, 4), sp.Rational(6, 5)]
    site = [sp.Rational(13, 10), -sp.Rational(7, 10), sp.Rational(21, 10)]
    vals = {l_v[a]: widths[a] for a in range(3)} | {R_v[a]: site[a] for a in range(3)}
    got = sp.nsimplify(got.xreplace(vals))
    # Independent: y_α = r_α − s_α has mean 0 and variance l_α² (tested above), independent
    # across α, so ⟨Φ(R − y)⟩ = Φ(R) + Σ_α c_αα l_α² for Φ = Σ c_αβ v_α v_β + const.
    expected = quadratic(*site) + 3 * widths[0] ** 2 + 5 * widths[1] ** 2 + 7 * widths[2] ** 2
    assert got == expected
