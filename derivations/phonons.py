"""Section 4, phonons: Debye approximation and the Lindemann criterion, (39)–(55), k_D, U_a.

The chain derived here: the i ≠ j term of (6), with ν atoms on every site (12), expanded to
second order in the displacements of (39)–(40), gives the dynamical matrix of the sites; for
the simple (hyper)cubic lattice with nearest neighbours only and a central U its polarisation
average is compared with (43), and its direction-averaged force constant with D of (44). The
long-wave limit of (43) gives c₀ (45)–(46); equating the Debye
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
    Condition,
    Derivation,
    EquationRecord,
    Probe,
    half_line_gaussian_integral,
    taylor_polynomial,
    tidy,
)

from .symbols import (
    E_K,
    SIMPLIFY_SECONDS,
    T_D,
    D,
    M,
    R_v,
    T,
    U_pair,
    a,
    a_v,
    c0,
    d,
    k,
    k_D,
    k_v,
    kr,
    m,
    nu,
    omega_k,
    r_v,
    rho,
    xv,
)

__all__ = ["RECORDS", "debye_integral"]

SECTION = 4
r0sq = sp.Symbol("r_0^2", positive=True)


def debye_integral(dim: sp.Expr = d, b: sp.Expr | None = None) -> sp.Integral:
    """I_d(b) = ∫₀¹ x^(d−2) coth(b x) dx, with b = T_D/(2T) by default (unevaluated)."""
    b = T_D / (2 * T) if b is None else b
    return sp.Integral(xv ** (dim - 2) * sp.coth(b * xv), (xv, 0, 1))


# --------------------------------------------------------------------------- (43)–(44)

_U1 = sp.Derivative(U_pair(a), a)  # U'(a)
_U2 = sp.Derivative(U_pair(a), (a, 2))  # U''(a)


def _components(name: str, dim: int) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"{name}_{n}", real=True) for n in range(1, dim + 1))


def _sum_sin2(dim: int) -> sp.Expr:
    """Σ_α sin²(k_α a/2) over the first ``dim`` directions."""
    return sp.Add(*(sp.sin(kk * a / 2) ** 2 for kk in k_v[:dim]))


def _half_angle(e: sp.Expr) -> sp.Expr:
    """e^(±i k a) → cos, then 1 − cos(k a) → 2 sin²(k a/2): the form (43) is printed in."""
    e = sp.expand(e.rewrite(sp.cos))
    return sp.expand(e.xreplace({sp.cos(kk * a): 1 - 2 * sp.sin(kk * a / 2) ** 2 for kk in k_v}))


@cache
def _radial_hessian(dim: int) -> sp.Matrix:
    """∂_α∂_β U(|R|) for a central U, R = (R_1, …, R_d)."""
    R = R_v[:dim]
    return sp.hessian(U_pair(sp.sqrt(sp.Add(*(x**2 for x in R)))), R)


def _bond(dim: int, gamma: int, sign: int) -> sp.ImmutableMatrix:
    """Φ_αβ = ∂_α∂_β U(|R|) at the neighbour R = sign · a e_γ, for a central U."""
    at = {x: (sign * a if n == gamma else 0) for n, x in enumerate(R_v[:dim])}
    return sp.ImmutableMatrix(_radial_hessian(dim).xreplace(at).doit())


@cache
def derive_site_dynamics(dim: int = 3) -> Derivation:
    """The dynamical matrix of the localized sites, simple (hyper)cubic, nearest neighbours.

    ``dim`` is the dimension d (1, 2 or 3); the mass per site M is left a symbol.
    """
    if dim not in (1, 2, 3):
        raise ValueError(f"dim must be 1, 2 or 3, got {dim!r}")
    dv = Builder("D_k", f"dynamical matrix of the localized sites, d = {dim}")
    i, j = sp.symbols("i j", integer=True)
    r, n_sites = sp.IndexedBase("r"), sp.Symbol("N_L", integer=True, positive=True)
    dv.step(
        "pair_interaction",
        sp.Eq(
            sp.Symbol("H_int"),
            nu**2 / 2 * sp.Sum(U_pair(r[i] - r[j]), (i, 1, n_sites), (j, 1, n_sites)),
        ),
        "the i ≠ j term of (6) in the localized state: ĉ_i†ĉ_j†ĉ_jĉ_i → n_i n_j = ν² and"
        " U_ij → U(r_i − r_j) at the displaced sites (the sum runs over i ≠ j)",
        adds=("ν atoms on every site: n_i n_j = ν² for i ≠ j, no tunneling (12)",),
        uses=("6", "12", "U_a", "39"),
    )
    R, w = R_v[:dim], _components("w", dim)
    wv, phi = sp.Matrix(w), sp.hessian(U_pair(*R), R)
    gradient = sp.Add(*(y * sp.diff(U_pair(*R), x) for x, y in zip(R, w, strict=True)))
    quadratic = (wv.T * phi * wv)[0] / 2
    dv.step(
        "displaced_pair",
        sp.Eq(
            U_pair(*(x + y for x, y in zip(R, w, strict=True))), U_pair(*R) + gradient + quadratic
        ),
        "U(a_ij + u_i − u_j) to second order in w = u_i − u_j about R = a_ij (Taylor in d"
        " variables)",
        adds=("harmonic approximation: |u_i − u_j| ≪ a, terms O(u³) dropped",),
        uses=("39", "40"),
    )
    dv.step(
        "harmonic_pair",
        sp.Eq(sp.Symbol("E_2"), nu**2 * quadratic),
        "the pair energy ν²U to second order, Φ_αβ(R) = ∂_α∂_β U(R): the constant is the"
        " lattice energy; the linear terms ν² w·∇U(R) cancel between R and −R",
        adds=("a Bravais lattice: every R has its −R, so Σ_R ∇U(R) = 0",),
    )
    dv.step(
        "central_bonds",
        _bond(dim, 0, 1),
        "U central, U(R) = U(|R|): at R = ±a e_γ the force constants are U''(a) along the"
        " bond and U'(a)/a across it, none off the diagonal (shown for γ = 1)",
        adds=(
            "U central: U(R) = U(|R|) (isotropic Φ and w)",
            "simple (hyper)cubic lattice, nearest neighbours only: R = ±a e_γ",
        ),
    )
    u = sp.Matrix(_components("u", dim))  # the amplitude at the site R = 0
    force = sp.zeros(dim, 1)
    for gamma in range(dim):
        for sign in (1, -1):
            phase = sp.exp(sign * sp.I * k_v[gamma] * a)  # u_R = u_0 e^(i k·R)
            force += nu**2 * _bond(dim, gamma, sign) * u * (1 - phase)
    dv.step(
        "plane_waves",
        sp.Eq(M * omega_k**2 * sp.ImmutableMatrix(u), sp.ImmutableMatrix(force)),
        "M ü_0 = −∂H/∂u_0 = −ν² Σ_R Φ(R)(u_0 − u_R) with u_R = u_0 e^(i(k·R − ω t)): on any"
        " Bravais lattice M ω² u = ν² Σ_(R≠0) Φ(R)(1 − cos k·R) u",
    )
    dyn = sp.ImmutableMatrix(dim, dim, lambda p, q: _half_angle(sp.diff(force[p], u[q]) / M))
    dv.step(
        "dynamical_matrix",
        sp.Eq(sp.MatrixSymbol("D_k", dim, dim), dyn),
        "D(k) = (ν²/M) Σ_R Φ(R)(1 − cos k·R), with 1 − cos x = 2 sin²(x/2): its eigenvalues"
        " are the d branches ω²",
    )
    branches = dyn.xreplace({kk: 0 for kk in k_v[1:dim]})
    dv.step(
        "branches",
        branches,
        "k along e₁: D(k) is diagonal; D₁₁ = ω_L² (longitudinal, U'') and the d − 1 others"
        " ω_T² (transverse, U'/a)",
    )
    average = sp.expand(dyn.trace() / dim)
    compact = 4 * nu**2 / (M * dim) * (_U2 + (dim - 1) * _U1 / a) * _sum_sin2(dim)
    if sp.expand(compact - average) != 0:  # the factored form must be the trace itself
        raise ArithmeticError(f"(1/d) tr D(k) is {average}, not {compact}")
    dv.step(
        "polarisation_average",
        sp.Eq(omega_k**2, compact),
        "the average of the d branches, (1/d) tr D(k); for a central U, Σ_α ∂²U/∂a_α² ="
        " U'' + (d − 1)U'/a",
        adds=("ω_k² read as the polarisation average (1/d) tr D(k) of the d branches",),
    )
    return dv.build()


@cache
def derive_dynamic_parameter(dim: int = 3) -> Derivation:
    dv = Builder("44", "dynamic parameter in the nearest-neighbour approximation")
    average = dv.include(derive_site_dynamics(dim)).rhs
    value = sp.expand(sp.cancel(M * average / (4 * _sum_sin2(dim))))
    dv.step(
        "dynamic_parameter",
        sp.Eq(D, sp.factor_terms(value)),
        "D as the coefficient in (1/d) tr D(k) = (4/M) D Σ_α sin²(k_α a/2): the force"
        " constant ν² ∂_α∂_β U between neighbouring sites, averaged over the d directions",
    )
    return dv.build()


@cache
def derive_phonon_spectrum(dim: int = 3) -> Derivation:
    dv = Builder("43", "phonon spectrum in the nearest-neighbour approximation")
    average = dv.include(derive_site_dynamics(dim)).rhs
    v = sp.Symbol("v", real=True)  # the velocity u̇_j of a site
    mass = dv.step(
        "site_mass",
        sp.Eq(M, sp.diff(nu * m * v**2 / 2, v, 2)),
        "all ν atoms of site j sit at r_j = a_j + u_j (39): kinetic energy ν m u̇_j²/2, so"
        " the mass per site is M = ∂²T/∂u̇_j² = νm",
        adds=("the ν atoms of a site move together (one Wannier state): M = νm",),
        uses=("39", "12"),
    )
    dv.step(
        "spectrum",
        sp.Eq(omega_k**2, average.xreplace({M: mass.rhs})),
        "the polarisation average with M = νm",
    )
    return dv.build()


# --------------------------------------------------------------------------- (42)

# I_B ≡ ∫_B coth(ω_k/2T)/ω_k dk/(2π)^d, the zone integral (42) is printed with
_zone_integral = sp.Symbol("I_B", positive=True)
_zone_sum = sp.Symbol("S_B", positive=True)  # (1/N) Σ_k coth(ω_k/2T)/ω_k over the N sites
_printed_42 = sp.Eq(r0sq, nu * d / (2 * m * rho) * _zone_integral)


@cache
def derive_mean_square_displacement() -> Derivation:
    """(42) from the harmonic sites of derive_site_dynamics with Bose occupation."""
    dv = Builder("42", "mean-square deviation from harmonic phonons")
    b, bd = sp.symbols("b b†", commutative=False)
    n_B, w = sp.Symbol("n_B", nonnegative=True), omega_k
    square = sp.expand((b + bd) ** 2)
    # the thermal state is diagonal in the mode occupation: ⟨b²⟩ = ⟨b†²⟩ = 0, ⟨b†b⟩ = n_B,
    # and ⟨bb†⟩ = n_B + 1 by [b, b†] = 1
    average = square.xreplace({b**2: 0, bd**2: 0}).subs({bd * b: n_B, b * bd: n_B + 1})
    dv.step(
        "mode_square",
        sp.Eq(sp.Symbol("⟨(b + b†)²⟩"), average),
        f"expand {sp.sstr(square)} and average over a thermal state: ⟨b²⟩ = ⟨b†²⟩ = 0,"
        " ⟨b†b⟩ = n_B, ⟨bb†⟩ = n_B + 1 ([b, b†] = 1)",
        adds=("harmonic phonons in thermal equilibrium (the quadratic H of the sites)",),
    )
    bose = 1 / (sp.exp(w / T) - 1)
    coth = sp.coth(w / (2 * T))
    if sp.simplify((average.subs(n_B, bose) - coth).rewrite(sp.exp)) != 0:
        raise ArithmeticError(f"2n_B + 1 is {average.subs(n_B, bose)}, not {coth}")
    dv.step(
        "bose_occupation",
        sp.Eq(average.subs(n_B, bose), coth),
        "n_B = 1/(e^(ω/T) − 1): 2n_B + 1 = coth(ω/2T) (checked by SymPy)",
    )
    per_mode = coth / (2 * M * w)
    dv.step(
        "mode_displacement",
        sp.Eq(sp.Symbol("⟨u²_ks⟩"), per_mode),
        "one normal mode of the sites of mass M: u = (b + b†)/√(2Mω) (ħ = 1), so ⟨u²⟩ ="
        " (2n_B + 1)/(2Mω)",
        uses=("D_k",),
    )
    site = sp.Eq(r0sq, d * _zone_sum / (2 * M))
    dv.step(
        "site_average",
        site,
        "(41): u_j = N^(−1/2) Σ_(k,s) e_ks u_ks e^(ik·a_j); Σ_α |e^α_ks|² = 1 and the d branches"
        " taken equal, ω_ks = ω_k as in (43): r₀² = (d/2M)(1/N) Σ_k coth(ω_k/2T)/ω_k = d S_B/(2M)",
        uses=("41", "43"),
        adds=("the d branches replaced by one ω_k (the polarisation average of (43))",),
    )
    cell = nu / rho  # V/N: ν atoms per site at atom density ρ
    zone = site.rhs.subs(_zone_sum, cell * _zone_integral)
    dv.step(
        "zone_integral",
        sp.Eq(r0sq, zone),
        "(1/N) Σ_k → (V/N) ∫_B dk/(2π)^d with V/N = ν/ρ, the volume per site (ρ the atom"
        " density, ν atoms per site): S_B = (ν/ρ) I_B",
        adds=("N → ∞: the zone sum as an integral",),
    )
    mass = derive_phonon_spectrum(3).step("site_mass").expr.rhs
    dv.step(
        "site_mass",
        sp.Eq(r0sq, zone.subs(M, mass)),
        "the mass per site M = νm of (43)'s derivation (the ν atoms move together)",
    )
    return dv.build()


def _with_mass_m(printed: sp.Expr, derived: sp.Expr) -> sp.Expr:
    step = derive_mean_square_displacement().step("zone_integral").expr.rhs
    return printed - step.xreplace({M: m})


def _mean_square_remark(dv: Derivation) -> str:
    ratio = sp.simplify(_printed_42.rhs / dv.result.rhs)
    before = dv.step("zone_integral").expr.rhs
    m42 = sp.solve(sp.Eq(before, _printed_42.rhs), M)[0]
    return (
        f"printed/derived = {sp.sstr(ratio)}: the printed prefactor νd/(2mρ) needs a mass"
        f" M = {sp.sstr(m42)} per site, where (43) as printed needs M = m/ν and ν atoms moving"
        " together have M = νm: no single site mass makes (42) and (43) hold together (they"
        " agree at ν = 1). The chain (48)–(55) below starts from (42) as printed"
    )


def _readable(e: sp.Expr) -> str:
    """U'(a), U''(a) for the derivatives of U at a, in a finding's one-line text."""
    prime, second = sp.Symbol("U'(a)"), sp.Symbol("U''(a)")
    return sp.sstr(e.xreplace({_U2: second}).xreplace({_U1: prime}))


def _nu_power(e: sp.Expr) -> sp.Expr:
    """The power of ν in a monomial in ν: ν ∂ ln e/∂ν."""
    return sp.cancel(nu * sp.diff(e, nu) / e)


def _repulsive_sign(e: sp.Expr) -> str:
    """The sign of ``e`` when U'(a) < 0 (a repulsive U), computed from the assumptions."""
    s = sp.Symbol("s", positive=True)
    e = e.xreplace({_U1: -s})
    if e.is_negative:
        return "< 0"
    if e.is_nonpositive:
        return "≤ 0 (< 0 wherever sin(k₁a/2) ≠ 0)"
    return "of either sign"


def _a_nn() -> dict[sp.Symbol, sp.Expr]:
    """The vector a of (44) as the nearest-neighbour vector a e₁ (U central: any of them)."""
    return {a_v[0]: a, a_v[1]: 0, a_v[2]: 0}


def _second_derivative_at_a(axis: int) -> sp.Subs:
    """∂²U(a)/∂a^α∂a^α as printed: the derivative of U(|r|) in r_α, taken at r = a."""
    radial = U_pair(sp.sqrt(sp.Add(*(x**2 for x in r_v))))
    return sp.Subs(sp.Derivative(radial, (r_v[axis], 2)), r_v, a_v)


_printed_44 = sp.Eq(D, nu**2 / d * sp.Add(*(_second_derivative_at_a(n) for n in range(3))))


def _d44_at_neighbour() -> sp.Expr:
    """(44) as printed at a = a e₁, d = 3 (unevaluated: the derivatives are taken when judged)."""
    return _printed_44.rhs.xreplace({d: 3, **_a_nn()})


_printed_43 = sp.Eq(omega_k**2, 4 * nu / m * D * _sum_sin2(3))


def _with_mass_m_over_nu(printed: sp.Expr, derived: sp.Expr) -> sp.Expr:
    average = derive_site_dynamics(3).step("polarisation_average").expr.rhs
    return printed - average.xreplace({M: m / nu})


def _spectrum_remark(dv: Derivation) -> str:
    printed = _printed_43.rhs.xreplace({D: _d44_at_neighbour()}).doit()
    derived = dv.result.rhs
    branches = dv.step("branches").expr.xreplace({M: dv.step("site_mass").expr.rhs})
    dim = branches.rows
    transverse = branches[1, 1] if dim > 1 else sp.Integer(0)
    return (
        f"ν-dependence: printed ω_k² ∝ ν^{_nu_power(printed)}, derived ∝ ν^{_nu_power(derived)}"
        " (the pair occupation ν² of (12) over the mass νm of a site's ν atoms; the"
        f" printed ν³ needs mass m/ν per site); trace average only: for k along e₁ the"
        f" branches are ω_L² = {_readable(branches[0, 0])} and ω_T² = {_readable(transverse)}"
        f" ({dim - 1} of them), and ω_T² is {_repulsive_sign(transverse)} for a repulsive U"
        " (U' < 0): an instability the average (43) hides"
    )


def _dynamic_parameter_remark(dv: Derivation) -> str:
    bond = dv.step("central_bonds").expr
    across = bond[1, 1] if bond.rows > 1 else sp.Integer(0)
    average = dv.step("polarisation_average").expr.rhs.xreplace({M: nu * m})
    via_printed = sp.cancel(m * average / (4 * nu * _sum_sin2(bond.rows)))
    return (
        "ν² is the pair occupation n_i n_j = ν² of (12), so it follows; D averages over the"
        f" directions the force constants {_readable(nu**2 * bond[0, 0])} along a bond and"
        f" {_readable(nu**2 * across)} across it, the latter {_repulsive_sign(across)} for a"
        " repulsive U (U' < 0), which the average hides; read off (43) with its printed 4ν/m"
        f" instead of 4/M = 4/(νm), D would be ∝ ν^{_nu_power(via_printed)}"
    )


_probe_u = Probe(functions={U_pair: sp.Lambda(kr, sp.exp(-kr) / kr**3)})  # a test U(r)


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
        "derived",
        r"r_0^2 = \frac{\nu d}{2m\rho} \int_{\mathbb{B}} \frac{1}{\omega_k} \coth\left("
        r"\frac{\omega_k}{2T}\right) \frac{d\mathbf{k}}{(2\pi)^d}",
        "phonons",
        printed=_printed_42,
        derive=derive_mean_square_displacement,
        assumptions=("I_B ≡ ∫_B coth(ω_k/2T)/ω_k dk/(2π)^d, the zone integral as printed",),
        conditions=(Condition("with mass m per site", _with_mass_m),),
        remark=_mean_square_remark,
    ),
    EquationRecord(
        "43",
        SECTION,
        "derived",
        r"\omega_k^2 = \frac{4\nu}{m} D \sum_{\alpha=1}^d \sin^2\left(\frac{k_\alpha a}{2}"
        r"\right)",
        "phonons",
        printed=_printed_43,
        derive=derive_phonon_spectrum,
        given={D: _d44_at_neighbour()},
        assumptions=("D as printed in (44)", "d = 3 shown (d = 1, 2 in the tests)"),
        probe=_probe_u,
        conditions=(
            Condition(
                "with mass m/ν per site (the kinetic term ν p_j²/2m of (6) read with p_j"
                " conjugate to r_j)",
                _with_mass_m_over_nu,
            ),
        ),
        remark=_spectrum_remark,
    ),
    EquationRecord(
        "44",
        SECTION,
        "derived",
        r"D = \frac{\nu^2}{d} \sum_{\alpha} \frac{\partial^2 U(\mathbf{a})}{\partial a^\alpha"
        r" \partial a^\alpha}",
        "phonons",
        printed=_printed_44,
        derive=derive_dynamic_parameter,
        given={d: 3, **_a_nn()},
        assumptions=(
            "U central, U(a) = U(|a|); a = a e₁, a nearest-neighbour vector",
            "d = 3 shown (d = 1, 2 in the tests)",
        ),
        probe=_probe_u,
        remark=_dynamic_parameter_remark,
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
