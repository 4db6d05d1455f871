"""r₀/a and the melting temperature with the optical lattice's on-site force in the phonons.

``[model] phonons = "with_lattice"``: every branch of the spectrum (43) gets the gap
ω_g² = ω² e^(−k₀²/(mε)) derived in :mod:`qcrystal.derivations.lattice_phonons` (the paper
drops it, ``phonons = "interaction"``, the default). Then, with ω_k² = ω_g² + Ω₀² s,
Ω₀ = 2T_D/κ and s = Σ sin²(k_α a/2):

* over the Debye sphere (ω = √(ω_g² + c₀²k²), k ≤ k_D):
  r₀²/a² = d² E_K ∫₀¹ x^(d−1) coth(ω/2T)/ω dx, ω = √(ω_g² + T_D² x²);
* over the whole zone: r₀²/a² = (d κ E_K/(2T_D)) ⟨coth(β√(s+g))/√(s+g)⟩, β = T_D/(κT),
  g = (ω_g/Ω₀)², by the heat kernel of :mod:`qcrystal.numerics._cubic_zone`;
* without intersite interaction (T_D = 0) both are the Einstein oscillator,
  r₀²/a² = d E_K coth(ω_g/2T)/ω_g.

The gap keeps r₀ finite in every dimension: a chain and a plane localize too. One model
at a time (scalar quadratures, ~1 ms each); T_melt by bracketing in ln T.
"""

from __future__ import annotations

import math
from functools import cache

import sympy as sp
from scipy import integrate, optimize

from qcrystal.numerics import _cubic_zone

__all__ = ["gap_frequency", "lindemann_ratio", "melting_temperature"]


@cache
def _gap_squared():
    from qcrystal.derivations import lattice_phonons, symbols

    expr = lattice_phonons.derive_lattice_gap().step("gap").expr
    return sp.lambdify((symbols.U, symbols.k0, symbols.m, symbols.eps), expr, "math")


def gap_frequency(U: float, k0: float, m: float, eps: float) -> float:
    """ω_g = √(2Uk₀²/m) e^(−k₀²/(2mε)), from the derivation's last step."""
    return math.sqrt(_gap_squared()(U, k0, m, eps))


def _coth_over(w: float, T: float) -> float:
    """coth(w/2T)/w, T = 0 allowed (coth = 1)."""
    if T == 0:
        return 1.0 / w
    x = w / (2.0 * T)
    return 1.0 / (w * math.tanh(x)) if x < 350 else 1.0 / w


def lindemann_ratio(T_D: float, E_K: float, T: float, d: int, gap: float, zone: str) -> float:
    """r₀/a with the on-site gap ω_g = ``gap`` > 0 under the spectrum (43)."""
    if not gap > 0:
        raise ValueError(f"the lattice gap must be > 0 (got {gap!r})")
    if T_D == 0:  # the Einstein oscillator of each well
        return math.sqrt(d * E_K * _coth_over(gap, T))
    if zone == "debye":

        def integrand(x: float) -> float:
            return x ** (d - 1) * _coth_over(math.hypot(gap, T_D * x), T)

        value, _ = integrate.quad(integrand, 0.0, 1.0, epsabs=0.0, epsrel=1e-13, limit=200)
        return math.sqrt(d * d * E_K * value)
    kappa = _cubic_zone.kappa(d)
    g = (gap * kappa / (2.0 * T_D)) ** 2
    average = _cubic_zone.gapped_zero_temperature(g, d)
    if T > 0:
        average += _cubic_zone.gapped_thermal_part(T_D / (kappa * T), g, d)
    return math.sqrt(0.5 * d * kappa * E_K * average / T_D)


def melting_temperature(T_D: float, E_K: float, d: int, gap: float, zone: str) -> float:
    """The T where r₀/a = 1/2 with the gap; 0.0 where r₀/a ≥ 1/2 already at T = 0."""

    def excess(log_T: float) -> float:
        return lindemann_ratio(T_D, E_K, math.exp(log_T), d, gap, zone) - 0.5

    if lindemann_ratio(T_D, E_K, 0.0, d, gap, zone) >= 0.5:
        return 0.0
    scale = max(gap, T_D, E_K)
    lo, hi = math.log(scale) - 40.0, math.log(scale)
    while excess(hi) < 0:  # r₀² grows like T at high T: the bracket closes
        hi += 2.0
        if hi > math.log(scale) + 200:
            raise ValueError("r₀/a stays below 1/2 at every T: no melting point")
    return math.exp(optimize.brentq(excess, lo, hi, xtol=1e-14, rtol=1e-14))
