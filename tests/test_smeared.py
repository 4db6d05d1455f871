"""The smeared pair potential U_l of (44) as dynamics' terms (qcrystal.crystal.smeared).

References, none of them the module's own formulas: mpmath quadrature at 30 digits of the
d-dimensional Gaussian average with both derivatives put on the Gaussian (Cartesian in
d = 1, polar/spherical tensor Gauss–Legendre in d = 2, 3 — the module instead puts them on
Φ, and uses ₁F₁, a 1D odd extension or a Bessel kernel); the closed forms erf(r/√2l)/r for
Coulomb in 3D and the Gaussian convolution for the Gaussian core; the bare dynamical matrix
as l → 0; and the dynamical matrix from the reciprocal-space sum of the Fourier transform
times exp(−l²q²/2), which converges like a Gaussian and shares nothing with Ewald.

Errors are relative to the force-constant scale max(|U''|, |U'/r|) at each r.
"""

from __future__ import annotations

import functools
import math

import mpmath as mp
import numpy as np
import pytest
from mpmath.calculus.quadrature import GaussLegendre

from qcrystal.crystal import HarmonicCrystal, PowerLaw, Radial, geometry
from qcrystal.crystal.crystal import _potential
from qcrystal.crystal.smeared import SmearedPotential, smear_potential
from qcrystal.models import interactions

DPS = 30


def _parts(terms, r: float) -> tuple[float, float]:
    """(U'', U'/r) of the summed terms at r."""
    d2u = du = 0.0
    x = np.array([r])
    for t in terms:
        if isinstance(t, PowerLaw):
            du += -t.p * t.C * r ** (-t.p - 1)
            d2u += t.p * (t.p + 1) * t.C * r ** (-t.p - 2)
        else:
            du += float(t.du(x)[0])
            d2u += float(t.d2u(x)[0])
    return d2u, du / r


def _rel(got: tuple[float, float], ref) -> float:
    scale = max(abs(float(ref[0])), abs(float(ref[1])))
    return max(abs(got[0] - float(ref[0])), abs(got[1] - float(ref[1]))) / scale


def _smear(kind: str, params: dict, d: int, ell: float, a: float = 1.0) -> SmearedPotential:
    inter = interactions.make(kind, params)
    return smear_potential(inter, d, ell, _potential(inter, d), a)


@functools.lru_cache(maxsize=4)
def _gl_nodes(prec: int):
    return GaussLegendre(mp.mp).calc_nodes(6, prec)


def _gl(a, b):
    """mpmath's 96-node Gauss–Legendre rule (degree 6) on [a, b], at the working precision
    (48 nodes are not enough: 1e-7 off for the peaked kernels below)."""
    h = (b - a) / 2
    return [(a + h * (x + 1), h * w) for x, w in _gl_nodes(mp.mp.prec)]


def _ref_tensor(phi2, d: int, ell: float, r: float, about: str):
    """(∂x², ∂y²) at R = r e_x of E Φ(|R + s|), s ~ N(0, l² 1_d), d = 2, 3, at 30 digits.

    Both derivatives act on the Gaussian: ∂_α∂_β N(y − R) = N [(y−R)_α(y−R)_β/l⁴ − δ_αβ/l²].
    ``about`` = "R": polar (d = 2) / spherical (d = 3, the azimuth done exactly) coordinates
    centred on R, s ≤ 13 l (the mass beyond is below 1e-35), for Φ smooth in ρ² (``phi2(ρ²)``);
    "origin": centred on 0 over ρ ∈ [r − 13l, r + 13l] (needs r > 13 l), for a power-law
    core. Degree 6 agrees with degree 7 to 3e-22 here (checked when written).
    """
    with mp.workdps(DPS):
        ell, r = mp.mpf(ell), mp.mpf(r)
        l2 = ell * ell
        pre = 1 / (2 * mp.pi * l2) if d == 2 else (2 * mp.pi * l2) ** mp.mpf(-1.5)
        first = _gl(mp.mpf(0), 13 * ell) if about == "R" else _gl(r - 13 * ell, r + 13 * ell)
        angles = [(mp.cos(th), mp.sin(th), wt) for th, wt in _gl(mp.mpf(0), mp.pi)]
        hxx = hyy = mp.mpf(0)
        for s, ws in first:
            for c, sn, wt in angles:
                if about == "R":  # y − R = s (cos θ, sin θ …)
                    dx, dt = s * c, s * sn
                    gauss = mp.exp(-s * s / (2 * l2))
                    value = phi2(r * r + s * s + 2 * r * s * c)
                else:  # y = ρ (cos θ, sin θ …)
                    dx, dt = s * c - r, s * sn
                    gauss = mp.exp(-(dx * dx + dt * dt) / (2 * l2))
                    value = phi2(s * s)
                jac = 2 * s if d == 2 else 2 * mp.pi * s * s * sn
                f = jac * pre * gauss * value * ws * wt
                perp = dt * dt if d == 2 else dt * dt / 2  # ⟨y_y²⟩ over the azimuth
                hxx += f * (dx * dx / l2**2 - 1 / l2)
                hyy += f * (perp / l2**2 - 1 / l2)
        return hxx, hyy


def _ref_line(phi, ell: float, r: float, cuts=()):
    """(U'', U'/r) in d = 1 at 30 digits: adaptive mpmath quadrature, derivatives on the
    Gaussian; ``cuts`` are extra split points (a singular core at 0)."""
    with mp.workdps(DPS):
        ell, r = mp.mpf(ell), mp.mpf(r)
        l2 = ell * ell

        def gauss(y):
            return mp.exp(-((y - r) ** 2) / (2 * l2)) / mp.sqrt(2 * mp.pi * l2)

        pts = sorted({-mp.inf, r - 13 * ell, r, r + 13 * ell, mp.inf, *map(mp.mpf, cuts)})
        h2 = mp.quad(lambda y: phi(abs(y)) * gauss(y) * ((y - r) ** 2 / l2**2 - 1 / l2), pts)
        h1 = mp.quad(lambda y: phi(abs(y)) * gauss(y) * (y - r) / l2, pts)
        return h2, h1 / r


def _closed_power(C: float, p: float, d: int, ell: float, r: float):
    """(U'', U'/r) of C r^(−p) smeared, from the ₁F₁ closed form at 30 digits (mp.diff)."""
    with mp.workdps(DPS):
        alpha, beta, ell = mp.mpf(p) / 2, mp.mpf(d) / 2, mp.mpf(ell)
        A = C * (2 * ell * ell) ** (-alpha) * mp.gamma(beta - alpha) / mp.gamma(beta)

        def u(x):
            return A * mp.hyp1f1(alpha, beta, -x * x / (2 * ell * ell))

        r = mp.mpf(r)
        return mp.diff(u, r, 2), mp.diff(u, r, 1) / r


# -- power laws -------------------------------------------------------------------------


@pytest.mark.parametrize(("d", "p"), [(2, 1.0), (3, 0.5)])
def test_power_law_against_quadrature(d, p):
    # At r = 2, l = 0.15 the ρ-window [0.05, 3.95] avoids the core, so the quadrature is
    # exact to its 30 digits; the closed form itself agrees to 1e-20 (a check of the ₁F₁
    # formula, not of the code), and the terms to 1e-14 (float64, a few roundings).
    ref = _ref_tensor(lambda q: 1.5 * q ** (-mp.mpf(p) / 2), d, 0.15, 2.0, "origin")
    assert _rel(tuple(map(float, _closed_power(1.5, p, d, 0.15, 2.0))), ref) < 1e-15
    with mp.workdps(DPS):
        closed = _closed_power(1.5, p, d, 0.15, 2.0)
        assert max(abs(closed[i] - ref[i]) / abs(ref[0]) for i in (0, 1)) < 1e-20
    sp_ = _smear("power_law", {"C": 1.5, "n": p}, d, 0.15)
    assert sp_.smeared
    assert _rel(_parts(sp_.terms, 2.0), ref) < 1e-14


def test_power_law_chain_against_quadrature():
    # 1D, |x|^(−1/2): the integrable core split off at 0 for tanh–sinh
    ref = _ref_line(lambda y: 0.7 / mp.sqrt(y), 0.3, 1.0, cuts=(0,))
    sp_ = _smear("power_law", {"C": 0.7, "n": 0.5}, 1, 0.3)
    assert _rel(_parts(sp_.terms, 1.0), ref) < 1e-14


@pytest.mark.parametrize(("d", "p"), [(1, 0.5), (2, 1.0), (2, 1.5), (3, 2.0), (3, 0.5)])
def test_power_law_branches_against_mpmath(d, p):
    # l = 0.3: r < 3 is the ₁F₁ branch, r ≥ 3 (x ≥ 50) the asymptotic tail; both sides of
    # the switch, from the first shell to far out. Measured worst 2.9e-15 here (6.3e-15 over
    # l = 0.05 … 0.5); the bound 2e-14 leaves room for a few roundings of the ~7 parts.
    sp_ = _smear("power_law", {"C": 1.3, "n": p}, d, 0.3)
    worst = 0.0
    for r in (1.0, 1.5, 2.0, 2.95, 3.0, 3.05, 4.0, 7.0, 20.0, 100.0):
        worst = max(worst, _rel(_parts(sp_.terms, r), _closed_power(1.3, p, d, 0.3, r)))
    assert worst < 2e-14
    assert worst < 10 * sp_.error < 2e-13  # the split's cancellation at l = 0.3 a is small
    radial = [t for t in sp_.terms if isinstance(t, Radial)]
    assert len(radial) == 1 and radial[0].decay >= max(d + 11, 12)
    # the bare Ewald term keeps the background only where the bare sum needs it
    powers = [t for t in sp_.terms if isinstance(t, PowerLaw)]
    assert [t.background for t in powers] == [t.p == p and p <= d - 2 for t in powers]


def test_coulomb_3d_is_erf():
    sp_ = _smear("power_law", {"C": 2.0, "n": 1}, 3, 0.3)
    kinds = [type(t) for t in sp_.terms]
    assert kinds == [PowerLaw, Radial] and sp_.terms[0].background
    assert sp_.terms[1].decay == math.inf and sp_.error == 0.0
    with mp.workdps(DPS):

        def u(x):
            return 2 * mp.erf(x / (mp.sqrt(2) * mp.mpf("0.3"))) / x

        for r in (0.5, 1.0, 2.0, 3.0, 6.0):
            ref = (mp.diff(u, r, 2), mp.diff(u, r, 1) / r)
            assert _rel(_parts(sp_.terms, r), ref) < 2e-15, r


# -- Gaussian core ----------------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 3])
def test_gaussian_core(d):
    sp_ = _smear("gaussian", {"V0": -1.7, "sigma": 0.5}, d, 0.3)
    assert sp_.smeared and sp_.error == 0.0
    for r in (0.4, 1.0, 2.0):
        with mp.workdps(DPS):
            s2 = mp.mpf("0.25") + mp.mpf("0.09")

            def u(x, s2=s2):
                return -1.7 * (mp.mpf("0.25") / s2) ** (mp.mpf(d) / 2) * mp.exp(-x * x / (2 * s2))

            ref = (mp.diff(u, r, 2), mp.diff(u, r, 1) / r)
        assert _rel(_parts(sp_.terms, r), ref) < 1e-14
    if d == 1:  # the closed form itself, against quadrature
        ref = _ref_line(lambda y: -1.7 * mp.exp(-y * y / (2 * mp.mpf("0.25"))), 0.3, 1.0)
        assert _rel(_parts(sp_.terms, 1.0), ref) < 1e-14


# -- smooth finite profiles: quadrature -------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 3])
def test_rydberg_against_quadrature(d):
    # Φ = C₆/(R_c⁶ + r⁶), R_c = 0.8 a, l = 0.3 a: poles 0.4 a off the real axis, the hard
    # case for the module's rule. Measured 4e-15 (d = 1) … 5e-14 (d = 3) at r = a, where the
    # Ewald/direct split cancels ~300-fold, below 5e-16 at r = 8 a (the far route); the
    # bound is 1e-13, and `error` (n vs 2n nodes plus the split's rounding, ~3e-13) must
    # bound the true error.
    c6, rc = 2.0, 0.8
    sp_ = _smear("rydberg", {"C6": c6, "R_c": rc}, d, 0.3)
    assert sp_.smeared and sp_.error < 1e-12
    # the tail 2 r^-6 and its l-corrections on Ewald, the rest direct
    assert [t.p for t in sp_.terms if isinstance(t, PowerLaw)][:2] == [6.0, 8.0]
    # r = 8 a ≥ 26 l is the far route (Φ − C r^-6 smeared, plus the tail series beyond K)
    for r in (1.0, 8.0) if d == 1 else (1.0,):
        if d == 1:
            ref = _ref_line(lambda y: c6 / (mp.mpf(rc) ** 6 + y**6), 0.3, r)
        else:
            ref = _ref_tensor(lambda q: c6 / (mp.mpf(rc) ** 6 + q**3), d, 0.3, r, "R")
        err = _rel(_parts(sp_.terms, r), ref)
        assert err < 1e-13
        assert err < sp_.error


def test_custom_even_profile():
    # 1/(1 + r²)³: even, no power-law tail declared (far_power None), so one Radial
    sp_ = _smear("custom", {"expression": "1/(1 + r**2)**3"}, 1, 0.4)
    assert [type(t) for t in sp_.terms] == [Radial]
    ref = _ref_line(lambda y: 1 / (1 + y * y) ** 3, 0.4, 1.0)
    assert _rel(_parts(sp_.terms, 1.0), ref) < 1e-13


# -- divergent smearing and refusals ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "d", "q"),
    [
        ("lennard_jones", {"epsilon": 1.0, "sigma": 1.0}, 3, "12"),
        ("power_law", {"C": 1.0, "n": 3}, 3, "3"),
        ("power_law", {"C": 1.0, "n": 2}, 2, "2"),
        ("power_law", {"C": 1.0, "n": 1}, 1, "1"),
        ("dipolar", {"C_dd": 1.0}, 2, "3"),
    ],
)
def test_divergent_core_keeps_bare(kind, params, d, q):
    inter = interactions.make(kind, params)
    bare = _potential(inter, d)
    sp_ = smear_potential(inter, d, 0.2, bare, 1.0)
    assert not sp_.smeared
    assert sp_.terms == (bare if isinstance(bare, tuple) else (bare,))
    assert f"r^-{q}" in sp_.note and "diverges" in sp_.note and f"d = {d}" in sp_.note


@pytest.mark.parametrize("width", [0.0, -0.1, math.nan, math.inf])
def test_bad_width(width):
    with pytest.raises(ValueError, match="width must be a finite length > 0"):
        _smear("gaussian", {"V0": 1.0, "sigma": 1.0}, 3, width)


def test_bad_spacing_and_bare():
    inter = interactions.make("gaussian", {"V0": 1.0, "sigma": 1.0})
    with pytest.raises(ValueError, match="spacing must be a finite length > 0"):
        smear_potential(inter, 3, 0.2, _potential(inter, 3), 0.0)
    with pytest.raises(ValueError, match="bare must be a PowerLaw, a Radial"):
        smear_potential(inter, 3, 0.2, (), 1.0)
    with pytest.raises(ValueError, match="d must be 1, 2 or 3"):
        smear_potential(inter, 4, 0.2, _potential(inter, 3), 1.0)


@pytest.mark.parametrize(
    ("expression", "why"), [("exp(-r)", "not an even function"), ("exp(-r**2)/r", "singular")]
)
def test_unsupported_profiles_refused(expression, why):
    with pytest.raises(ValueError, match=f"(?s)custom.*{why}.*smearing='none'"):
        _smear("custom", {"expression": expression}, 3, 0.3)


# -- dynamical matrices -----------------------------------------------------------------

_KS = np.array([[0.7, 0.3, 0.2], [math.pi, 0.1, 0.0], [0.05, 0.02, 0.01]])


def _reciprocal(geo, C: float, d: int, ell: float, ks):
    """D(k) = (1/V) Σ_G [(k+G)(k+G) Ũ(|k+G|) − G G Ũ(G)] for U = C/r smeared, with
    Ũ(q) = 2πC/q (d = 2) or 4πC/q² (d = 3) times exp(−l²q²/2): Σ_R≠0 ∂∂U(R)(1 − cos k·R)
    by Poisson summation (U_l finite at R = 0). |G| ≤ 12·2π/a: exp(−l²G²/2) < 1e-120."""
    A = np.asarray(geo.primitive_vectors, dtype=float)
    B = 2 * math.pi * np.linalg.inv(A).T
    V = abs(np.linalg.det(A))
    m = np.arange(-12, 13)
    G = np.array(np.meshgrid(*[m] * d, indexing="ij")).reshape(d, -1).T @ B

    def ft(q):
        return (2 * math.pi * C / q if d == 2 else 4 * math.pi * C / q**2) * np.exp(
            -ell * ell * q * q / 2
        )

    Gn = np.linalg.norm(G, axis=1)
    keep = Gn > 0
    static = np.einsum("n,na,nb->ab", ft(Gn[keep]), G[keep], G[keep])
    out = []
    for k in ks:
        q = G + k
        out.append((np.einsum("n,na,nb->ab", ft(np.linalg.norm(q, axis=1)), q, q) - static) / V)
    return np.array(out)


@pytest.mark.parametrize(("name", "d"), [("square", 2), ("triangular", 2), ("bcc", 3)])
def test_coulomb_dynamical_matrix_against_reciprocal_sum(name, d):
    # Ewald (tail terms) + direct sum (remainder) against the Gaussian-convergent
    # reciprocal sum: measured 1.3e-15 of max|D|; the bound 1e-11 is the lattice sums'
    # own rtol (1e-12) with room.
    geo = geometry(name, 1.0)
    sp_ = _smear("power_law", {"C": 1.0, "n": 1}, d, 0.3)
    ks = _KS[:, :d]
    D = HarmonicCrystal(geo, sp_.terms, 1.0).dynamical_matrix(ks)
    ref = _reciprocal(geo, 1.0, d, 0.3, ks)
    assert np.max(np.abs(D - ref)) < 1e-11 * np.max(np.abs(ref))


@pytest.mark.parametrize(
    ("kind", "params"),
    [("rydberg", {"C6": 2.0, "R_c": 0.8}), ("power_law", {"C": 1.0, "n": 1})],
)
def test_small_width_tends_to_bare(kind, params):
    # U_l = Φ + (l²/2)∇²Φ + O(l⁴): D_l − D_0 ∝ l². Halving l must quarter the change, to
    # 1%: the O(l⁴) part makes the ratio 4(1 + 3Bl²/A), measured 4.05 at l = 0.02 a/0.01 a
    # for this Rydberg core (R_c = 0.8 a), hence l = 0.01 a and 0.005 a here.
    geo = geometry("square", 1.0)
    inter = interactions.make(kind, params)
    bare = _potential(inter, 2)
    ks = _KS[:, :2]
    D0 = HarmonicCrystal(geo, bare, 1.0).dynamical_matrix(ks)
    diffs = []
    for ell in (0.01, 0.005):
        sp_ = smear_potential(inter, 2, ell, bare, 1.0)
        diffs.append(HarmonicCrystal(geo, sp_.terms, 1.0).dynamical_matrix(ks) - D0)
    big, small = (float(np.max(np.abs(x))) for x in diffs)
    assert big < 1e-2 * float(np.max(np.abs(D0)))
    assert abs(big / small - 4.0) < 0.04
