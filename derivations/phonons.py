"""Section 4, phonons: Debye approximation and the Lindemann criterion, (39)–(55), k_D, U_a.

The chain derived here: the long-wave limit of (43) gives c₀ (45)–(46); equating the Debye
sphere with the Brillouin zone gives k_D; T_D = c₀ k_D is compared with (49); r₀² of (42)
over the Debye sphere, with ρ = ν/a^d, gives r₀² = d² I_d / (2 m T_D) and hence the
Lindemann condition (47) as 4d² (E_K/T_D) I_d < 1, compared with (48); its T = 0 and
T ≫ T_D limits are compared with (51)–(55). The dimension d stays symbolic throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import sympy as sp

from qcrystal.symbolic import (
    Builder,
    Derivation,
    EquationRecord,
    Probe,
    half_line_gaussian_integral,
    taylor_polynomial,
    tidy,
)

from .symbols import E_K, SIMPLIFY_SECONDS, T_D, D, T, a, c0, d, k, k_D, k_v, kr, m, nu, rho, xv

__all__ = ["RECORDS", "debye_integral"]

SECTION = 4
omega_k = sp.Symbol("omega_k", positive=True)
r0sq = sp.Symbol("r_0^2", positive=True)


def debye_integral(dim: sp.Expr = d, b: sp.Expr | None = None) -> sp.Integral:
    """I_d(b) = ∫₀¹ x^(d−2) coth(b x) dx, with b = T_D/(2T) by default (unevaluated)."""
    b = T_D / (2 * T) if b is None else b
    return sp.Integral(xv ** (dim - 2) * sp.coth(b * xv), (xv, 0, 1))


@cache
def derive_long_wave() -> Derivation:
    dv = Builder("45", "long-wave phonon spectrum")
    w2 = 4 * nu * D / m * sum(sp.sin(kk * a / 2) ** 2 for kk in k_v)
    dv.step("spectrum", w2, "phonon frequency (43) in d = 3", uses=("43",))
    t = sp.Symbol("t", positive=True)
    small = taylor_polynomial(w2.subs({kk: t * kk for kk in k_v}), t, 3).subs(t, 1)
    dv.step(
        "long_waves",
        sp.factor(small),
        "long waves: sin²(k_α a/2) ≈ (k_α a/2)²",
        adds=("k a ≪ 1: terms O((ka)⁴) dropped",),
    )
    ksq = sum(kk**2 for kk in k_v)
    dv.step(
        "positive_root",
        sp.sqrt(sp.factor(small).subs(ksq, k**2)),
        "k² = Σ k_α², positive root",
        adds=("ω_k > 0",),
    )
    return dv.build()


@cache
def derive_sound() -> Derivation:
    dv = Builder("46", "sound velocity")
    wk = derive_long_wave().result
    dv.step("sound_velocity", sp.Eq(c0, sp.simplify(wk / k)), "ω_k = c₀ k", uses=("45",))
    return dv.build()


@cache
def derive_debye_wavevector() -> Derivation:
    dv = Builder("k_D", "Debye wave vector")
    r = sp.Symbol("r", positive=True)
    gauss_d = sp.sqrt(sp.pi) ** d
    radial = half_line_gaussian_integral(r ** (d - 1) * sp.exp(-(r**2)), r)  # Γ(d/2)/2, d ≥ 1
    area = sp.simplify(gauss_d / radial)
    dv.step(
        "sphere_area",
        sp.Eq(sp.Symbol("S_d"), area),
        "unit-sphere area from (∫e^(−x²))^d = S_d ∫ r^(d−1) e^(−r²) dr",
    )
    volume = sp.simplify(area * sp.integrate(kr ** (d - 1), (kr, 0, k_D), conds="none"))
    dv.step("sphere_volume", volume, "volume of the Debye sphere of radius k_D")
    zone = (2 * sp.pi / a) ** d
    dv.step(
        "equal_zone",
        sp.Eq(volume, zone),
        "equal to the Brillouin zone of the cubic lattice, (2π/a)^d",
        adds=("simple (hyper)cubic lattice of spacing a",),
    )
    # One power of k_D: its root needs no check (which costs more than the solve).
    sol = sp.solve(sp.Eq(volume, zone), k_D, check=False)
    dv.step("solve_for_k_d", sp.Eq(k_D, sol[0]), "solve for k_D > 0", adds=("k_D > 0",))
    return dv.build()


def _k_D() -> sp.Expr:
    return derive_debye_wavevector().result.rhs


@cache
def derive_debye_temperature() -> Derivation:
    dv = Builder("49", "Debye temperature")
    c = derive_sound().result.rhs
    dv.step("debye_temperature", sp.Eq(T_D, c0 * k_D), "T_D = c₀ k_D (k_B = 1)", uses=("46", "k_D"))
    dv.step(
        "insert_c0_and_k_d",
        sp.Eq(T_D, sp.powsimp(c * _k_D(), force=True)),
        "insert c₀ of (46) and k_D",
    )
    return dv.build()


@cache
def derive_r0_squared() -> Derivation:
    dv = Builder("r0sq", "mean-square deviation in the Debye approximation")
    area = derive_debye_wavevector().step("sphere_area").expr.rhs
    pref = nu * d / (2 * m * rho)
    integrand = kr ** (d - 1) / (c0 * kr) * sp.coth(c0 * kr / (2 * T))
    dv.step(
        "debye_sphere",
        pref * area / (2 * sp.pi) ** d * sp.Integral(integrand, (kr, 0, k_D)),
        "(42) over the Debye sphere with ω_k = c₀ k (isotropic)",
        uses=("42", "45", "k_D"),
        adds=("Debye approximation: Brillouin zone → sphere of equal volume",),
    )
    scaled = (
        pref * area / (2 * sp.pi) ** d * k_D ** (d - 1) / c0 * debye_integral(d, c0 * k_D / (2 * T))
    )
    dv.step("substitute", scaled, "substitute κ = k_D x")
    with_td = scaled.subs(c0, T_D / k_D)
    dv.step("with_debye_temperature", with_td, "T_D = c₀ k_D", uses=("49",))
    prefactor = (with_td / debye_integral()).subs(rho, nu / a**d).subs(k_D, _k_D())
    # Multiplied out (d is an integer), the powers of 2, π, a and Γ combine: Γ(d/2 + 1)/Γ(d/2).
    prefactor = sp.gammasimp(sp.expand(prefactor))
    dv.step(
        "density_and_k_d",
        sp.Eq(r0sq, prefactor * debye_integral()),
        "ρ = ν/a^d (ν atoms per cell) and k_D from the Debye sphere",
        adds=("ρ = ν / a^d: ν atoms per lattice cell of volume a^d",),
    )
    return dv.build()


@cache
def derive_lindemann() -> Derivation:
    dv = Builder("48", "Lindemann criterion in the Debye approximation")
    r2 = derive_r0_squared()
    dv.include(r2)
    ratio = r2.result.rhs / a**2
    dv.step(
        "lindemann",
        sp.StrictLessThan(ratio, sp.Rational(1, 4)),
        "(47): r₀/a < 1/2 ⇔ r₀²/a² < 1/4",
        uses=("47",),
    )
    lhs = tidy(4 * ratio.subs(m, 1 / (2 * E_K * a**2)), SIMPLIFY_SECONDS)
    dv.step("kinetic_energy", sp.StrictLessThan(lhs, 1), "E_K = 1/(2 m a²) (50)", uses=("50",))
    return dv.build()


def _criterion_lhs() -> sp.Expr:
    return derive_lindemann().result.lhs


@cache
def derive_zero_temperature(dim: sp.Expr = d) -> Derivation:
    dv = Builder("51", "stability at T = 0")
    lhs = _criterion_lhs()
    dv.step("criterion", sp.StrictLessThan(lhs, 1), "criterion (48) as derived", uses=("48",))
    b = sp.Symbol("b", positive=True)
    dv.step(
        "coth_limit",
        sp.limit(sp.coth(b * xv), b, sp.oo),
        "T → 0: b = T_D/2T → ∞, coth(b x) → 1 for x > 0",
    )
    i0 = sp.integrate(xv ** (d - 2), (xv, 0, 1), conds="none")
    dv.step(
        "integral_zero_t",
        sp.Eq(sp.Symbol("I_d"), i0),
        "∫₀¹ x^(d−2) dx = 1/(d − 1)",
        adds=("d > 1: for d = 1 the integral diverges (no stable chain)",),
    )
    at_zero = lhs.replace(lambda e: isinstance(e, sp.Integral), lambda e: i0)
    # Linear in 1/T_D: its root needs no check (which costs more than the solve).
    threshold = sp.solve(sp.Eq(at_zero, 1), T_D, check=False)[0] / E_K
    dv.step(
        "threshold",
        sp.StrictGreaterThan(T_D / E_K, sp.factor(threshold).subs(d, dim)),
        "solve 4d² (E_K/T_D)/(d − 1) < 1 for T_D/E_K",
    )
    return dv.build()


@cache
def derive_high_temperature(dim: sp.Expr = d) -> Derivation:
    dv = Builder("54", "stability at T ≫ T_D")
    lhs = _criterion_lhs()
    dv.step("criterion", sp.StrictLessThan(lhs, 1), "criterion (48) as derived", uses=("48",))
    b = sp.Symbol("b", positive=True)
    lead = sp.series(sp.coth(b * xv), b, 0, 1).removeO()
    dv.step(
        "coth_leading",
        lead,
        "T ≫ T_D: b = T_D/2T → 0, coth(b x) ≈ 1/(b x)",
        adds=("leading order in T_D/T",),
    )
    p = sp.Symbol("p", positive=True)  # p = d − 2 > 0 keeps SymPy off the d = 2 (log) branch
    # x^p/x joined into x^(p − 1): the power rule then applies at once.
    integrand = sp.powsimp((xv ** (d - 2) * lead.subs(b, T_D / (2 * T))).subs(d, p + 2))
    ihigh = sp.simplify(sp.integrate(integrand, (xv, 0, 1), conds="none").subs(p, d - 2))  # p > 0
    dv.step(
        "integral_high_t",
        sp.Eq(sp.Symbol("I_d"), sp.simplify(ihigh)),
        "(2T/T_D) ∫₀¹ x^(d−3) dx",
        adds=("d > 2: for d ≤ 2 the integral diverges (no stable crystal)",),
    )
    hot = lhs.replace(lambda e: isinstance(e, sp.Integral), lambda e: ihigh)
    # Linear in 1/T_D²: its roots need no check; the positive one is picked here.
    roots = sp.solve(sp.Eq(hot, 1), T_D, check=False, simplify=False)
    sol = [s for s in roots if s.is_positive is not False]
    threshold = sp.simplify(sol[0] ** 2 / (T * E_K))
    dv.step(
        "threshold_squared",
        sp.StrictGreaterThan(T_D**2 / (T * E_K), threshold),
        "solve 8d² E_K T/((d − 2) T_D²) < 1",
    )
    dv.step(
        "threshold",
        sp.StrictGreaterThan(T_D / E_K, sp.factor(threshold * T / T_D).subs(d, dim)),
        "written as a bound on T_D/E_K like the printed form: it keeps a factor T/T_D",
    )
    return dv.build()


def _fixed_dim(builder: Callable[[], Derivation], dim: int, eq_id: str) -> Callable[[], Derivation]:
    def build() -> Derivation:
        general = builder()
        dv = Builder(eq_id, f"{general.title}, d = {dim}")
        dv.include(general)
        last = general.result
        dv.step("fix_d", type(last)(last.lhs, sp.simplify(last.rhs.subs(d, dim))), f"d = {dim}")
        return dv.build()

    return build


_td_printed = sp.sqrt(4 * sp.pi) * nu * D / m * (d / 2 * sp.gamma(d / 2)) ** (1 / d)
_probe_d = Probe(ranges={d: (3, 5)})  # I_d(b) diverges for d ≤ 2 at T > 0

RECORDS = [
    EquationRecord(
        "39", SECTION, "definition", r"\mathbf{r}_j = \mathbf{a}_j + \mathbf{u}_j", "phonons"
    ),
    EquationRecord(
        "40",
        SECTION,
        "definition",
        r"\mathbf{a}_j = \langle \mathbf{r}_j \rangle , \quad \langle \mathbf{u}_j"
        r" \rangle = 0",
        "phonons",
    ),
    EquationRecord(
        "41",
        SECTION,
        "definition",
        r"r_0^2 \equiv \sum_{\alpha=1}^d \langle u_j^\alpha u_j^\alpha \rangle",
        "phonons",
    ),
    EquationRecord(
        "42",
        SECTION,
        "cited",
        r"r_0^2 = \frac{\nu d}{2m\rho} \int_{\mathbb{B}} \frac{1}{\omega_k} \coth\left("
        r"\frac{\omega_k}{2T}\right) \frac{d\mathbf{k}}{(2\pi)^d}",
        "phonons",
        source="[24, 25] (harmonic phonons in the Debye approximation)",
    ),
    EquationRecord(
        "43",
        SECTION,
        "cited",
        r"\omega_k^2 = \frac{4\nu}{m} D \sum_{\alpha=1}^d \sin^2\left(\frac{k_\alpha a}{2}"
        r"\right)",
        "phonons",
        source="[24, 25] (nearest-neighbour phonon spectrum)",
    ),
    EquationRecord(
        "44",
        SECTION,
        "cited",
        r"D = \frac{\nu^2}{d} \sum_{\alpha} \frac{\partial^2 U(\mathbf{a})}{\partial a^\alpha"
        r" \partial a^\alpha}",
        "phonons",
        source="[24, 25] (dynamic parameter in the nearest-neighbour approximation)",
    ),
    EquationRecord(
        "U_a",
        SECTION,
        "definition",
        r"U(\mathbf{a}_{ij}) = \int |w(\mathbf{r} - \mathbf{a}_i)|^2 \Phi(\mathbf{r} -"
        r" \mathbf{r}') |w(\mathbf{r}' - \mathbf{a}_j)|^2 d\mathbf{r} d\mathbf{r}'",
        "interaction",
        note="the interaction matrix (10) evaluated at the effective sites a_i, a_j",
    ),
    EquationRecord(
        "45",
        SECTION,
        "derived",
        r"\omega_k \simeq c_0 k \quad \left(k^2 \equiv \sum_{\alpha=1}^d k_\alpha^2 \right)",
        "phonons",
        printed=c0 * k,
        derive=derive_long_wave,
        given={c0: sp.sqrt(nu * D * a**2 / m)},
        assumptions=("c₀ as in (46)", "d = 3 shown"),
    ),
    EquationRecord(
        "46",
        SECTION,
        "derived",
        r"c_0 = \sqrt{\frac{\nu}{m} D a^2}",
        "phonons",
        printed=sp.Eq(c0, sp.sqrt(nu / m * D * a**2)),
        derive=derive_sound,
    ),
    EquationRecord(
        "k_D",
        SECTION,
        "derived",
        r"k_D = \frac{\sqrt{4\pi}}{a} \left[\frac{d}{2} \Gamma\left(\frac{d}{2}\right)"
        r" \right]^{1/d}",
        "phonons",
        printed=sp.Eq(k_D, sp.sqrt(4 * sp.pi) / a * (d / 2 * sp.gamma(d / 2)) ** (1 / d)),
        derive=derive_debye_wavevector,
        probe=Probe(ranges={d: (1, 6)}),
    ),
    EquationRecord(
        "47",
        SECTION,
        "cited",
        r"\frac{r_0}{a} < \frac{1}{2}",
        "phonons",
        source="[26] (Lindemann criterion)",
    ),
    EquationRecord(
        "48",
        SECTION,
        "derived",
        r"12 \frac{E_K}{T_D} \int_0^1 x^{d-2} \coth\left(\frac{T_D}{2T} x\right) dx < 1",
        "phonons",
        printed=sp.StrictLessThan(12 * E_K / T_D * debye_integral(), 1),
        derive=derive_lindemann,
        probe=_probe_d,
        assumptions=("r₀² from (42) in the Debye approximation", "ρ = ν/a^d"),
    ),
    EquationRecord(
        "49",
        SECTION,
        "derived",
        r"T_D = \sqrt{4\pi} \frac{\nu D}{m} \left[\frac{d}{2} \Gamma\left(\frac{d}{2}\right)"
        r" \right]^{1/d}",
        "phonons",
        printed=sp.Eq(T_D, _td_printed),
        derive=derive_debye_temperature,
        probe=Probe(ranges={d: (1, 3)}),
    ),
    EquationRecord(
        "50",
        SECTION,
        "definition",
        r"E_K \equiv \frac{1}{2ma^2}",
        "phonons",
        printed=sp.Eq(E_K, 1 / (2 * m * a**2)),
    ),
    EquationRecord(
        "51",
        SECTION,
        "derived",
        r"\frac{T_D}{E_K} > \frac{4d^2}{d-1} \quad (T=0)",
        "phonons",
        printed=sp.StrictGreaterThan(T_D / E_K, 4 * d**2 / (d - 1)),
        derive=derive_zero_temperature,
        probe=_probe_d,
    ),
    EquationRecord(
        "52",
        SECTION,
        "derived",
        r"\frac{T_D}{E_K} > 16 \quad (d=2, T=0)",
        "phonons",
        printed=sp.StrictGreaterThan(T_D / E_K, 16),
        derive=_fixed_dim(derive_zero_temperature, 2, "52"),
    ),
    EquationRecord(
        "53",
        SECTION,
        "derived",
        r"\frac{T_D}{E_K} > 18 \quad (d=3, T=0)",
        "phonons",
        printed=sp.StrictGreaterThan(T_D / E_K, 18),
        derive=_fixed_dim(derive_zero_temperature, 3, "53"),
    ),
    EquationRecord(
        "54",
        SECTION,
        "derived",
        r"\frac{T_D}{E_K} > \frac{8d^2}{d-2} \quad (T \gg T_D)",
        "phonons",
        printed=sp.StrictGreaterThan(T_D / E_K, 8 * d**2 / (d - 2)),
        derive=derive_high_temperature,
        probe=Probe(ranges={d: (3, 6), T: (50.0, 500.0), T_D: (0.2, 5.0)}),  # T ≫ T_D
    ),
    EquationRecord(
        "55",
        SECTION,
        "derived",
        r"\frac{T_D}{E_K} > 72 \quad (d=3, T \gg T_D)",
        "phonons",
        printed=sp.StrictGreaterThan(T_D / E_K, 72),
        derive=_fixed_dim(derive_high_temperature, 3, "55"),
        probe=Probe(ranges={T: (50.0, 500.0), T_D: (0.2, 5.0)}),  # T ≫ T_D
    ),
]
