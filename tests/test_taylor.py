"""Taylor polynomials by differentiation against SymPy's series, for the expansions the
derivations make (the lattice about a minimum, ⟨sin²⟩ at small k₀l, the phonon spectrum at
long waves) and a few others; a pole is refused, not expanded."""

import pytest
import sympy as sp

from qcrystal.derivations.symbols import U, a, k0, l, x
from qcrystal.symbolic import taylor_polynomial

t = sp.Symbol("t", positive=True)
k1, k2 = sp.symbols("k_1 k_2", real=True)

CASES = [
    (U * sp.sin(k0 * x) ** 2, x, 4),  # (33)
    (U * (1 - sp.exp(-(k0**2) * l**2)) / 2, k0, 3),  # (35), the harmonic lattice term
    (sp.sin(t * k1 * a / 2) ** 2 + sp.sin(t * k2 * a / 2) ** 2, t, 3),  # (45)
    (sp.exp(x) * sp.cos(2 * x), x, 6),
    (1 / (1 - x), x, 5),
    (sp.sqrt(1 + x), x, 4),
    (sp.log(1 + x) * sp.atan(x), x, 7),
]


@pytest.mark.parametrize(("expr", "var", "order"), CASES)
def test_equals_series(expr, var, order):
    got = taylor_polynomial(expr, var, order)
    assert sp.expand(got - sp.series(expr, var, 0, order).removeO()) == 0


@pytest.mark.parametrize(("expr", "var", "order"), CASES[:3])
def test_same_expression_as_series_where_derivations_use_it(expr, var, order):
    """Not only equal: the derivations' steps (and the code printed from them) keep the
    form series gave, which this is."""
    assert taylor_polynomial(expr, var, order) == sp.series(expr, var, 0, order).removeO()


def test_a_pole_is_refused():
    b = sp.Symbol("b", positive=True)
    with pytest.raises(ValueError):
        taylor_polynomial(sp.coth(b * x), b, 2)
    with pytest.raises(ValueError):
        taylor_polynomial(sp.log(x), x, 1)
