"""Gaussian closed forms of the ansatz (29) against mpmath quadrature of their integrals.

References are computed at 30 digits with mpmath.quad on the defining integral; the
closed forms are evaluated at the same precision. Agreement to 1e-20 relative leaves ten
digits of margin for quadrature error at 30 working digits.
"""

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from qcrystal.derivations import gaussian as g
from qcrystal.derivations.symbols import X, k0, l, m, xi, xj

REL = mp.mpf("1e-20")
positive = st.floats(0.2, 5.0)
centre = st.floats(-4.0, 4.0)


def g_num(x, width, c=0):
    return (1 / (mp.pi * width**2)) ** mp.mpf("0.25") * mp.exp(-((x - c) ** 2) / (2 * width**2))


def d2g_num(x, width, c=0):
    """Second derivative of g_num, written out by hand (not by the code under test)."""
    u = (x - c) / width**2
    return (u**2 - 1 / width**2) * g_num(x, width, c)


def quad(f, *centres):
    pts = sorted({mp.mpf(c) for c in centres} | {mp.mpf(-60), mp.mpf(60)})
    return mp.quad(f, pts)


def ev(expr, values):
    """Closed form at a point, evaluated at 40 digits."""
    return mp.mpf(sp.N(expr.xreplace({s: sp.Float(v, 40) for s, v in values.items()}), 40))


ABS = mp.mpf("1e-25")  # floor for values that are themselves ~0 (far-apart Gaussians)


def close(a, b, rel=REL, abs_=ABS):
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


@pytest.fixture(autouse=True)
def _digits():
    with mp.workdps(30):
        yield


def test_norm_is_one():
    assert g.norm().result == 1


@given(width=positive, mass=positive)
def test_kinetic_mean(width, mass):
    w, mm = mp.mpf(width), mp.mpf(mass)
    ref = quad(lambda x: -g_num(x, w) * d2g_num(x, w) / (2 * mm), 0)
    assert close(ev(g.kinetic_mean().result, {l: width, m: mass}), ref)


@given(width=positive)
def test_second_moment(width):
    w = mp.mpf(width)
    ref = quad(lambda x: x**2 * g_num(x, w) ** 2, 0)
    assert close(ev(g.second_moment().result, {l: width}), ref)


@given(width=positive, k=st.floats(0.05, 6.0))
def test_sin2_mean_exact(width, k):
    w, kk = mp.mpf(width), mp.mpf(k)
    ref = quad(lambda x: g_num(x, w) ** 2 * mp.sin(kk * x) ** 2, 0)
    got = ev(g.sin2_mean().result, {l: width, k0: k})
    assert close(got, ref)


@given(width=positive, shift=centre)
def test_overlap(width, shift):
    w, s = mp.mpf(width), mp.mpf(shift)
    ref = quad(lambda x: g_num(x, w) * g_num(x, w, s), 0, s)
    got = ev(g.overlap().result, {l: width, X: shift})
    assert close(got, ref)


@given(width=positive, shift=centre, mass=positive)
def test_kinetic_element(width, shift, mass):
    w, s, mm = mp.mpf(width), mp.mpf(shift), mp.mpf(mass)
    ref = quad(lambda x: -g_num(x, w) * d2g_num(x, w, s) / (2 * mm), 0, s)
    got = ev(g.kinetic_element().result, {l: width, X: shift, m: mass})
    assert close(got, ref)


@given(width=positive, a=centre, b=centre, k=st.floats(0.05, 6.0))
def test_sin2_element_arbitrary_centres(width, a, b, k):
    w, ca, cb, kk = mp.mpf(width), mp.mpf(a), mp.mpf(b), mp.mpf(k)
    ref = quad(lambda x: g_num(x, w, ca) * mp.sin(kk * x) ** 2 * g_num(x, w, cb), ca, cb)
    got = ev(g.sin2_element().result, {l: width, xi: a, xj: b, k0: k})
    assert close(got, ref)
