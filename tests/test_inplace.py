"""The in-place code printer (codegen/inplace.py) and the workspace it writes into.

The printed three-address code is run and compared with the same expressions evaluated
by mpmath at 30 digits; the signs it splits the terms by are checked against the terms'
values at random points; the workspace is checked to allocate nothing after its first
block, and the kernel that uses it to give each point the value it has on its own.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from sympy.codegen.cfunctions import expm1

from qcrystal.codegen import pieces
from qcrystal.codegen.inplace import signed_sum_lines, term_sign
from qcrystal.numerics import _kernels, lattice

x, y, z = sp.symbols("x y z", positive=True)
w = sp.Symbol("w", real=True)

# Terms of every form the printer handles: sums, products with coefficients, quotients,
# squares, sin², exp and expm1 of computed arguments, common subexpressions.
TERMS = [
    x / 4,
    -y * expm1(-(z**2) / (x * y)) / 2,
    y * sp.exp(-(z**2) / (x * y)) * sp.sin(z * w / 2) ** 2,
    -(x**2) * y * w**2 / 8,
    3 * x * (x + y**2),
    -x / (y + z) - w**2,
]


def _run(lines: list[str], args: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Execute printed lines with the kernels and a fresh workspace in scope."""
    scope = {
        "np": np,
        "fast_exp": _kernels.fast_exp,
        "sin_squared": _kernels.sin_squared,
        "work": _kernels.Workspace(),
        "shape": next(iter(args.values())).shape,
        "dtype": np.float64,
        **args,
    }
    exec("\n".join(lines), scope)  # the printer's own output, never user text
    return scope


def _mp(expr: sp.Expr, point: dict[str, float]) -> mp.mpf:
    plain = expr.replace(expm1, lambda a: sp.exp(a) - 1)
    f = sp.lambdify(list(point), plain, "mpmath")
    with mp.workdps(30):
        return f(*(mp.mpf(v) for v in point.values()))


def test_printed_code_computes_the_signed_sums_of_the_terms():
    rng = np.random.default_rng(3)
    args = {
        "x": rng.uniform(0.1, 5, 40),
        "y": rng.uniform(0.1, 5, 40),
        "z": rng.uniform(0.1, 5, 40),
        "w": rng.uniform(-4, 4, 40),
    }
    names = {s: s.name for s in (x, y, z, w)}
    lines = signed_sum_lines(TERMS, names)
    assert all(("out=" in ln or "np.copyto(" in ln or " = work.array(" in ln) for ln in lines)
    got = _run(lines, args)
    for i in range(40):
        point = {k: float(v[i]) for k, v in args.items()}
        values = [_mp(t, point) for t in TERMS]
        pos = mp.fsum(v for v in values if v >= 0)
        neg = mp.fsum(v for v in values if v < 0)
        # each term is a few roundings and at most one kernel call (~2 ulp): 8 ulp of the
        # sum's largest magnitude covers the additions of up to 5 terms
        for name, want in (("pos", pos), ("neg", neg)):
            size = mp.fsum(abs(v) for v in values)
            assert abs(mp.mpf(float(got[name][i])) - want) <= 8 * 2**-52 * size, (name, i)


def test_the_signs_are_proven_and_an_unknown_sign_is_refused():
    signs = [term_sign(t) for t in TERMS]
    assert signs == [1, 1, 1, -1, 1, -1]
    with pytest.raises(RuntimeError, match="sign of the bracket term"):
        term_sign(x - y)
    # the gaussian_hopping bracket: ε/4, the two lattice terms ≥ 0, the kinetic one ≤ 0
    terms = sp.Add.make_args(sp.expand(pieces.gaussian_hopping()["bracket_stable"]))
    assert sorted(term_sign(t) for t in terms) == [-1, 1, 1, 1]


def test_a_block_after_the_first_allocates_nothing():
    rng = np.random.default_rng(4)
    n = 3 * _kernels.BLOCK // 4 + 17  # three blocks and a short one
    r, e, u, k = (rng.uniform(0.5, 2, (n, 3)) for _ in range(4))
    m = rng.uniform(0.5, 2, n)
    work = _kernels.Workspace()
    seen: set[int] = set()
    for start in range(0, n, 2048):
        part = slice(start, start + 2048)
        lattice._gaussian_hopping(r[part], e[part], u[part], k[part], m[part], work=work)
        # float64 storage only: the long double arrays of the refined points grow to the
        # largest number any block refines
        arrays = [*work._held.values(), *work._free.values()]
        storage = {id(a) for a in arrays if a.dtype == np.float64}
        if start:
            assert storage <= seen, "a later block allocated new storage"
        seen |= storage


def test_a_point_has_the_same_value_alone_and_in_a_block():
    """Blocks mix refined and unrefined points and exponents on both sides of 700 (the
    scaled branch): each point must come out as it does on its own."""
    rng = np.random.default_rng(6)
    n = 300
    r = rng.uniform(-3, 3, (n, 3))
    e, k = np.exp(rng.uniform(-3, 3, (n, 3))), np.exp(rng.uniform(-3, 3, (n, 3)))
    u, m = rng.uniform(0, 50, (n, 3)), np.exp(rng.uniform(-3, 3, n))
    r[:20] *= 12.0  # exponents far beyond 700 for some points
    together = lattice.gaussian_hopping(r, e, u, k, m)
    alone = np.array([lattice.gaussian_hopping(r[i], e[i], u[i], k[i], m[i]) for i in range(n)])
    np.testing.assert_array_equal(together, alone)
    assert np.any(together[:20] != 0) and np.any(together[:20] == 0)
