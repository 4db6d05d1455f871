"""Ewald sums (qcrystal.models.ewald) against published constants and independent methods.

Published constants (digits read in the entries named; compared at 1e-13, the sums' error):

* NaCl Madelung constant 1.74756459463318219063…, OEIS A085469 (Bailey, Borwein, Kapoor and
  Weisstein, Amer. Math. Monthly 113, 481 (2006); Crandall & Buhler, J. Phys. A 20, 5497
  (1987)).
* CsCl Madelung constant 1.76267477307098839793… (nearest-neighbour distance), OEIS A181152
  (Sakamoto, J. Chem. Phys. 28, 164 (1958); Zucker, J. Phys. A 8, 1734 (1975)).
* Born's basic potential Π₀ = 2.83729747948061947666…, OEIS A185576 (Sakamoto 1958; Zucker
  1975, a(1)): −Π₀ is the simple cubic Coulomb sum with a neutralising background.

The jellium (Wigner crystal) Madelung energies per particle follow from these three with
no further input: sc −Π₀ r_s/2 = −0.880059442…; bcc and fcc from CsCl and NaCl, which are
2 S_sc − S_bcc and 2 S_fcc − S_sc. They agree with the values usually quoted, bcc
−0.895929255682 and fcc −0.895873615195 e²/r_s, which are asserted here only through that
derivation (I could not read those digit strings in a source). The square and triangular
2D values come from exact Epstein-zeta factorisations, S_square(p) = 4 ζ(s) β(s) and
S_triangular(p) = 6 ζ(s) L₋₃(s), s = p/2 (classical; e.g. Borwein et al., *Lattice Sums Then
and Now*, ch. 1), at s = 1/2 by analytic continuation. The values −1.106103 and −1.100244
e²/r_s quoted from Bonsall & Maradudin, Phys. Rev. B 15, 1959 (1977) (not read: cited as
quoted) are checked to those 6 decimals only.
"""

import math

import mpmath as mp
import numpy as np
import pytest

from qcrystal.models.ewald import (
    EwaldError,
    dynamical_sum,
    hessian_sum,
    jellium_madelung,
    power_sum,
)
from qcrystal.models.lattice_sums import Lattice, LatticeSumError, lattice_sum

CHAIN = np.array([[1.0]])
SQUARE = np.eye(2)
TRIANGULAR = np.array([[1.0, 0.0], [0.5, math.sqrt(3) / 2]])
SC = np.eye(3)
BCC = 0.5 * np.array([[-1.0, 1, 1], [1, -1, 1], [1, 1, -1]])  # cube side 1
FCC = 0.5 * np.array([[0.0, 1, 1], [1, 0, 1], [1, 1, 0]])  # cube side 1

NACL = mp.mpf("1.7475645946331821906362120355443974034851614366247")  # OEIS A085469
CSCL = mp.mpf("1.7626747730709883979356733206386442911705286195885")  # OEIS A181152
PI0 = mp.mpf("2.8372974794806194766659171046")  # OEIS A185576, Born's Π₀


def _dirichlet_beta(s):
    return mp.mpf(4) ** (-s) * (mp.zeta(s, mp.mpf(1) / 4) - mp.zeta(s, mp.mpf(3) / 4))


def _l_minus3(s):
    return mp.mpf(3) ** (-s) * (mp.zeta(s, mp.mpf(1) / 3) - mp.zeta(s, mp.mpf(2) / 3))


def _square(p):
    """Σ'(m² + n²)^(−p/2) = 4 ζ(p/2) β(p/2) (continued in p for p < 2)."""
    with mp.workdps(30):
        s = mp.mpf(p) / 2
        return 4 * mp.zeta(s) * _dirichlet_beta(s)


def _triangular(p):
    """Σ'(m² + mn + n²)^(−p/2) = 6 ζ(p/2) L₋₃(p/2) (continued in p for p < 2)."""
    with mp.workdps(30):
        s = mp.mpf(p) / 2
        return 6 * mp.zeta(s) * _l_minus3(s)


def _theta_cubic(p):
    """Σ'|n|^(−p) over ℤ³ from the Mellin integral of θ₃³ (30 digits; as in test_models)."""

    def theta(t):
        if t >= mp.pi:
            return mp.jtheta(3, 0, mp.exp(-t))
        return mp.sqrt(mp.pi / t) * mp.jtheta(3, 0, mp.exp(-(mp.pi**2) / t))

    with mp.workdps(30):
        s = mp.mpf(p) / 2
        f = lambda t: t ** (s - 1) * (theta(t) ** 3 - 1)  # noqa: E731
        return mp.quad(f, [0, 0.1, 1, 10, mp.inf]) / mp.gamma(s)


def _close(res, ref, limit=1e-13):
    """The stated error holds, and it is small (relative ``limit``)."""
    ref = float(ref)
    assert abs(res.value - ref) <= res.error, (res.value, ref, res.error)
    assert res.error <= limit * max(1.0, abs(ref))


# --- published constants -------------------------------------------------------------------


def test_nacl_and_cscl_madelung_constants():
    # Two-sublattice sums as differences of background sums (the backgrounds cancel):
    # NaCl = sc with charges (−1)^(i+j+k), even sites an fcc lattice of cube side 2;
    # CsCl = bcc with the body centres of the opposite charge, nn distance √3/2.
    s_sc = power_sum(SC, 1, background=True)
    s_fcc2 = power_sum(2 * FCC, 1, background=True)
    s_bcc = power_sum(BCC, 1, background=True)
    nacl = -(2 * s_fcc2.value - s_sc.value)
    cscl = -(2 * s_sc.value - s_bcc.value) * math.sqrt(3) / 2
    assert abs(nacl - float(NACL)) <= 2 * s_fcc2.error + s_sc.error <= 1e-13
    assert abs(cscl - float(CSCL)) <= (2 * s_sc.error + s_bcc.error) <= 1e-13
    _close(s_sc, -PI0)  # Born's basic potential


def test_jellium_madelung_energies_of_the_cubic_lattices():
    with mp.workdps(30):
        rs = {L: (mp.mpf(3) * v / (4 * mp.pi)) ** (mp.mpf(1) / 3)
              for L, v in (("sc", 1), ("bcc", mp.mpf(1) / 2), ("fcc", mp.mpf(1) / 4))}  # fmt: skip
        s_sc = -PI0
        s_bcc = 2 * s_sc + 2 * CSCL / mp.sqrt(3)
        s_fcc = s_sc - NACL  # S(fcc, cube side 1) = 2 S(fcc, side 2) = S_sc − NaCl
        expected = {"sc": s_sc * rs["sc"] / 2, "bcc": s_bcc * rs["bcc"] / 2,
                    "fcc": s_fcc * rs["fcc"] / 2}  # fmt: skip
    for name, lattice in (("sc", SC), ("bcc", BCC), ("fcc", FCC)):
        _close(jellium_madelung(lattice), expected[name])
    # The values usually quoted (12 digits; see the module docstring for their status).
    assert round(jellium_madelung(BCC).value, 12) == -0.895929255682
    assert round(jellium_madelung(FCC).value, 12) == -0.895873615195
    assert round(jellium_madelung(SC).value, 9) == -0.880059442


def test_jellium_madelung_energies_of_the_planar_lattices():
    for lattice, exact, quoted in ((SQUARE, _square(1), -1.100244),
                                   (TRIANGULAR, _triangular(1), -1.106103)):  # fmt: skip
        res = jellium_madelung(lattice)
        r_s = math.sqrt(abs(np.linalg.det(lattice)) / math.pi)
        _close(res, exact * r_s / 2)
        assert round(res.value, 6) == quoted  # as quoted from Bonsall & Maradudin (1977)


# --- independent methods -------------------------------------------------------------------


@pytest.mark.parametrize("p", [3, 4])
def test_square_lattice_against_zeta_beta_and_shells(p):
    exact = _square(p)
    if p == 4:  # 4 ζ(2) β(2), β(2) = Catalan's G
        with mp.workdps(30):
            assert abs(exact - 4 * mp.zeta(2) * mp.catalan) < mp.mpf(10) ** -25
    # The identity against the shell sum of lattice_sums.py (its own stated error).
    shells = lattice_sum(lambda x, y, z: (x * x + y * y) ** (-p / 2), Lattice((1.0, 1.0)), power=p)
    assert abs(shells.value - float(exact)) <= shells.error
    _close(power_sum(SQUARE, p), exact)


def test_dipoles_perpendicular_to_a_triangular_plane():
    # |R|^-3 in 2D: absolutely but slowly convergent; 6 ζ(3/2) L₋₃(3/2) exactly.
    _close(power_sum(TRIANGULAR, 3), _triangular(3))


@pytest.mark.parametrize("p", [4, 6])
def test_simple_cubic_against_theta_integral_and_shells(p):
    ref = _theta_cubic(p)
    res = power_sum(SC, p)
    _close(res, ref)
    f = lambda x, y, z: (x * x + y * y + z * z) ** (-p / 2)  # noqa: E731
    # r^-4 in 3D reaches only ~1e-6 by shells within their budget (accept says so).
    shells = lattice_sum(f, Lattice((1.0, 1.0, 1.0)), power=p, accept=1e-5)
    assert abs(shells.value - res.value) <= shells.error + res.error


def test_chain_is_twice_riemann_zeta_also_continued():
    for p in (1.5, 2.0, 5.0):
        _close(power_sum(CHAIN, p), 2 * mp.zeta(p))
    # 0 < p < 1 with a background: the analytic continuation 2 ζ(p).
    _close(power_sum(CHAIN, 0.5, background=True), 2 * mp.zeta(0.5))


# --- second derivatives --------------------------------------------------------------------


def test_hessian_trace_and_entries():
    # tr Σ' ∂∂|R|^-p = p (p + 2 − d) S_(p+2); off the axes it vanishes by symmetry.
    for lattice, p in ((SQUARE, 1.0), (TRIANGULAR, 3.0), (SC, 2.0), (BCC, 6.0)):
        d = lattice.shape[0]
        T = hessian_sum(lattice, p)
        S = power_sum(lattice, p + 2)
        assert abs(np.trace(T.value) - p * (p + 2 - d) * S.value) <= d * T.error + 5 * S.error
    # A rectangular lattice against the shell sum of the xx entry (r^-5 tail in 2D).
    a, b, p = 1.0, 1.3, 3.0
    T = hessian_sum(np.diag([a, b]), p)
    xx = lattice_sum(
        lambda x, y, z: (
            p * (x * x + y * y) ** (-p / 2 - 1) * ((p + 2) * x * x / (x * x + y * y) - 1)
        ),
        Lattice((a, b)),
        power=p + 2,
    )
    assert abs(T.value[0, 0] - xx.value) <= T.error + xx.error
    assert abs(T.value[0, 1]) <= T.error


def test_coulomb_hessian_with_background_is_one_third_of_the_plasma_frequency():
    # Σ' ∂∂(1/R) plus the background, on a cubic lattice: (4πn/3) δ (Einstein ω² = ω_p²/3).
    for lattice in (SC, BCC, FCC):
        n = 1 / abs(np.linalg.det(lattice))
        T = hessian_sum(lattice, 1.0, background=True)
        assert np.max(np.abs(T.value - 4 * math.pi * n / 3 * np.eye(3))) <= T.error <= 1e-12


def test_dynamical_sum_against_a_direct_sum():
    # p = 10 on the simple cubic lattice: |∂∂ R^-10 (1 − cos)| ≤ 2·120 R^-12, so the terms
    # outside the cube |n_α| ≤ 20 (all beyond R = 20) add up to < 2·120·4π/(9·19^9) < 1e-9.
    k, p = np.array([0.7, 0.4, 0.2]), 10.0
    a = np.arange(-20, 21.0)
    X = np.stack([g.ravel() for g in np.meshgrid(a, a, a, indexing="ij")], axis=1)
    X = X[np.any(X != 0, axis=1)]
    r2 = np.sum(X * X, axis=1)
    w = (1 - np.cos(X @ k)) * p * r2 ** (-p / 2 - 1)
    direct = (p + 2) * np.einsum("n,na,nb->ab", w / r2, X, X) - np.sum(w) * np.eye(3)
    D = dynamical_sum(SC, p, k)
    assert np.max(np.abs(D.value - direct)) <= D.error + 1e-9
    # Periodic in k over the reciprocal lattice (2π ℤ³ here); zero at k = 0.
    shifted = dynamical_sum(SC, p, k + np.array([0, 2 * math.pi, 0]))
    assert np.max(np.abs(shifted.value - D.value)) <= shifted.error + D.error
    assert np.max(np.abs(dynamical_sum(SC, p, [0, 0, 0]).value)) <= 1e-12


def test_coulomb_dynamical_matrix_obeys_the_kohn_sum_rule():
    # Jellium Wigner crystal (bcc): Σ_branches ω² = ω_p², i.e. tr D(k) = 4πn at every k, and
    # the longitudinal mode goes to ω_p (D → 4πn k̂k̂) as k → 0.
    n = 1 / abs(np.linalg.det(BCC))
    for k in ([0.3, 1.1, -0.7], [2.0, 0.0, 0.0], [1e-3, 0.0, 0.0]):
        D = dynamical_sum(BCC, 1.0, k, background=True)
        assert abs(np.trace(D.value) - 4 * math.pi * n) <= 3 * D.error <= 1e-11
    small = dynamical_sum(BCC, 1.0, [0.0, 1e-3, 0.0], background=True)
    # off the plasma limit by O(k²): the transverse curvature ~ k² Σ' R² ∂∂/R ~ 1e-6 here
    assert abs(small.value[1, 1] / (4 * math.pi * n) - 1) < 1e-6
    assert abs(small.value[0, 0]) < 1e-5 * 4 * math.pi * n


# --- the splitting parameter ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lattice", "p", "background"),
    [(SC, 1.0, True), (BCC, 4.0, False), (TRIANGULAR, 1.0, True), (TRIANGULAR, 3.0, False),
     (CHAIN, 2.5, False), (np.array([[1.0, 0.2], [0.3, 1.7]]), 0.5, True)],
)  # fmt: skip
def test_result_does_not_depend_on_eta(lattice, p, background):
    auto = power_sum(lattice, p, background=background)
    for factor in (0.5, 2.0):
        other = power_sum(lattice, p, background=background, eta=factor * auto.eta)
        assert abs(other.value - auto.value) <= other.error + auto.error
    T = hessian_sum(lattice, p, background=background)  # p > d − 2 or a background: all here
    k = np.linspace(0.4, 1.1, lattice.shape[0])
    D = dynamical_sum(lattice, p, k, background=background)
    for factor in (0.5, 2.0):
        U = hessian_sum(lattice, p, background=background, eta=factor * T.eta)
        assert np.max(np.abs(U.value - T.value)) <= U.error + T.error
        E = dynamical_sum(lattice, p, k, background=background, eta=factor * D.eta)
        assert np.max(np.abs(E.value - D.value)) <= E.error + D.error


def test_naive_truncation_is_measurably_worse():
    # Negative control: the plain sum of |R|^-3 over the triangular lattice to |R| ≤ 30
    # misses a tail ~ 2π/(V·30) ≈ 0.24; Ewald's error is below 1e-12.
    pts = np.array([[m, n] for m in range(-40, 41) for n in range(-40, 41) if (m, n) != (0, 0)])
    r = np.linalg.norm(pts @ TRIANGULAR, axis=1)
    naive = float(np.sum(r[r <= 30] ** -3.0))
    res = power_sum(TRIANGULAR, 3)
    assert abs(naive - float(_triangular(3))) > 0.1 > 1e11 * res.error


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(("lattice", "p"), [(CHAIN, 1.0), (CHAIN, 0.5), (SQUARE, 2.0),
                                            (SQUARE, 1.0), (SC, 3.0), (SC, 1.0)])  # fmt: skip
def test_divergent_sums_are_refused_naming_p_and_d(lattice, p):
    d = lattice.shape[0]
    with pytest.raises(EwaldError, match=rf"diverges for p = {p:g} ≤ d = {d}"):
        power_sum(lattice, p)
    assert issubclass(EwaldError, LatticeSumError)


def test_bad_input_is_refused():
    with pytest.raises(EwaldError, match="p < d only"):
        power_sum(SQUARE, 3.0, background=True)
    with pytest.raises(EwaldError, match="logarithmically"):
        power_sum(SC, 3.0, background=True)
    with pytest.raises(EwaldError, match=r"d − 2 = 1"):
        hessian_sum(SC, 1.0)
    with pytest.raises(EwaldError, match="p must be a finite number > 0"):
        power_sum(SC, -1.0)
    with pytest.raises(EwaldError, match="d×d"):
        power_sum(np.ones((2, 3)), 4.0)
    with pytest.raises(EwaldError, match="linearly dependent"):
        power_sum([[1.0, 1.0], [2.0, 2.0]], 4.0)
    with pytest.raises(EwaldError, match="eta"):
        power_sum(SC, 4.0, eta=0.0)
    with pytest.raises(EwaldError, match="rtol must be between"):
        power_sum(SC, 4.0, rtol=1e-30)
    with pytest.raises(EwaldError, match="k must be 3 finite numbers"):
        dynamical_sum(SC, 4.0, [1.0, 2.0])
    with pytest.raises(EwaldError, match="chain"):
        jellium_madelung(CHAIN)


def test_dynamical_sums_agree_with_dynamical_sum():
    from qcrystal.models.ewald import dynamical_sums

    rng = np.random.default_rng(5)
    for primitive, p, background in [(FCC, 6.0, False), (SC, 1.0, True), (SQUARE, 3.0, False)]:
        d = primitive.shape[0]
        ks = rng.uniform(-8, 8, (5, d))
        many = dynamical_sums(primitive, p, ks, background=background, rtol=1e-12)
        one = [dynamical_sum(primitive, p, k, background=background, rtol=1e-12) for k in ks]
        for value, single in zip(many.value, one, strict=True):
            assert np.allclose(value, single.value, rtol=0, atol=many.error + single.error)
