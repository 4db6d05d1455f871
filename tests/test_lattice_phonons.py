"""The optical lattice's on-site force in the phonons (``[model] phonons = "with_lattice"``).

References: mpmath quadrature of the Gaussian-averaged lattice energy and its second
derivative; the 1D zone average as a complete elliptic integral; scipy/mpmath quadrature
of the gapped spectrum over the zone and the sphere; the Einstein oscillator in closed
form; the paper's gapless values as the gap → 0.
"""

from __future__ import annotations

import math
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy.integrate import quad

import qcrystal
from qcrystal import models
from qcrystal.derivations import lattice_phonons, symbols
from qcrystal.models import lattice_phonons as lp
from qcrystal.numerics import _cubic_zone as zone

ROOT = Path(__file__).resolve().parents[1]


def test_the_derived_gap_is_the_lattice_frequency_reduced_by_the_gaussian():
    dv = lattice_phonons.derive_lattice_gap()
    omega2 = 4 * symbols.E_R * symbols.U  # (34)
    want = omega2.subs(symbols.E_R, symbols.k0**2 / (2 * symbols.m)) * sp.exp(
        -(symbols.k0**2) / (symbols.m * symbols.eps)
    )
    assert sp.simplify(dv.step("gap").expr - want) == 0
    # the averaged energy and the spring constant against mpmath, at one set of numbers
    U, k0, width = 2.3, 1.7, 0.4
    values = {symbols.U: U, symbols.k0: k0, sp.Symbol("l", positive=True): width}
    averaged = dv.step("averaged").expr.subs(values)
    spring = float(dv.step("spring").expr.subs(values))

    def energy(u):
        def f(x):
            return (
                mp.exp(-((x - u) ** 2) / width**2)
                / (mp.sqrt(mp.pi) * width)
                * U
                * mp.sin(k0 * x) ** 2
            )

        return mp.quad(f, [-mp.inf, u - 3, u, u + 3, mp.inf])

    with mp.workdps(30):
        for u in (0.0, 0.3, 1.1):
            assert float(averaged.subs(lattice_phonons.u_disp, u)) == pytest.approx(
                float(energy(u)), rel=1e-14
            )
        curvature = mp.diff(energy, 0)  # the first derivative vanishes at the minimum
        assert abs(curvature) < 1e-20
        assert spring == pytest.approx(float(mp.diff(energy, 0, 2)), rel=1e-12)


@pytest.mark.parametrize("g", [1e-6, 1e-2, 1.0, 30.0])
def test_the_gapped_chain_at_zero_temperature_is_an_elliptic_integral(g):
    """⟨1/√(g + sin²(q/2))⟩ = (2/π) K(−1/g)/√g: finite, where the gapless chain diverges."""
    with mp.workdps(25):
        ref = 2 / mp.pi * mp.ellipk(-1 / mp.mpf(g)) / mp.sqrt(g)
    assert zone.gapped_zero_temperature(g, 1) == pytest.approx(float(ref), rel=2e-15)


@pytest.mark.parametrize(("beta", "g"), [(0.5, 0.1), (3.0, 1e-3), (2.0, 1.0)])
def test_the_gapped_thermal_part_against_a_direct_quadrature(beta, g):
    def f(q):
        w = np.sqrt(np.sin(q / 2) ** 2 + g)
        return (1 / np.tanh(beta * w) - 1) / w / np.pi

    ref = quad(f, 0, np.pi, epsabs=0, epsrel=1e-13, limit=200)[0]
    assert zone.gapped_thermal_part(beta, g, 1) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("T", [0.0, 3.0])
def test_a_vanishing_gap_gives_the_papers_values(T):
    T_D, E_K = 40.0, 0.8
    for z in ("debye", "exact"):
        gapped = lp.lindemann_ratio(T_D, E_K, T, 3, 1e-7 * T_D, z)
        paper = float(qcrystal.lindemann_ratio(T_D, E_K, T, 3, zone=z))
        assert gapped == pytest.approx(paper, rel=1e-6)


def test_the_debye_sphere_with_a_gap_against_mpmath():
    T_D, E_K, T, gap, d = 30.0, 1.0, 5.0, 7.0, 3
    with mp.workdps(25):

        def f(x):
            return (
                x**2
                * mp.coth(mp.sqrt(gap**2 + (T_D * x) ** 2) / (2 * T))
                / mp.sqrt(gap**2 + (T_D * x) ** 2)
            )

        ref = mp.sqrt(d * d * E_K * mp.quad(f, [0, 1]))
    assert lp.lindemann_ratio(T_D, E_K, T, d, gap, "debye") == pytest.approx(float(ref), rel=1e-12)


def test_without_intersite_interaction_each_well_is_an_einstein_oscillator():
    """T_D = 0: r₀²/a² = d E_K coth(ω_g/2T)/ω_g, so r₀/a = 1/2 at
    T_m = ω_g / (2 artanh(4 d E_K/ω_g))."""
    gap, E_K, d = 20.0, 0.5, 3
    assert lp.lindemann_ratio(0.0, E_K, 0.0, d, gap, "exact") == pytest.approx(
        math.sqrt(d * E_K / gap)
    )
    want = gap / (2 * math.atanh(4 * d * E_K / gap))
    assert lp.melting_temperature(0.0, E_K, d, gap, "debye") == pytest.approx(want, rel=1e-12)
    assert lp.melting_temperature(0.0, 1.0, d, 2.0, "debye") == 0.0  # r₀/a ≥ 1/2 at T = 0


def test_the_model_option(tmp_path):
    text = (ROOT / "examples" / "contact.toml").read_text()
    plain = models.quantities(models.loads(text, "contact.toml"))
    assert "ω_g" not in [q.symbol for q in plain]
    on = models.loads(text, "contact.toml", {"model.phonons": "with_lattice"})
    qs = models.quantities(on)
    rows = {q.symbol: q.value for q in qs}
    assert rows["r₀/a"] == math.inf and 0 < rows["r₀/a +L"] < math.inf
    with pytest.raises(models.ModelError, match="phonons must be one of"):
        models.loads(text, "contact.toml", {"model.phonons": "sometimes"})
