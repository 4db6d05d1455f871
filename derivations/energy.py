"""Section 3, second part: optimized perturbation theory, (27)–(38), H1 and the tunneling J_ij.

From the harmonic initial Hamiltonian (27)–(28) to the Gaussian (29) and E₀ (30); the
first-order energy E₁ (31) with the Hartree term V₁ built from ρ₀ (H1), expanded to second
order in the displacement, gives (35) with Ω_α (36); the optimization condition (32) then
gives ε = √(ω² + Ω²) (38). The tunneling J_ij of (7) is computed exactly for Gaussians in
the sin² lattice (2), anisotropic, between any two centres, and then on lattice sites.

Lattice sums over sites j ≠ 0 are kept as symbols: Σ_Φ = Σ_j Φ(r_j) and
Σ_Φ2_α = Σ_j ∂²Φ/∂r_α²(r_j). The j = 0 (self-interaction) term is excluded, as it must be
for a potential singular at the origin.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from qcrystal.symbolic import (
    Builder,
    Condition,
    Derivation,
    EquationRecord,
    Probe,
    gaussian_integral,
    taylor_polynomial,
)

from . import gaussian as gauss
from .symbols import (
    E0,
    E1,
    E_R,
    S0,
    J,
    Omega,
    Omega_v,
    Phi,
    R_v,
    S2_v,
    U,
    U_v,
    X,
    eps,
    eps_v,
    k0,
    k0_v,
    l,
    l_v,
    m,
    ni_v,
    nj_v,
    nu,
    omega,
    omega_v,
    r_v,
    u0,
    x,
    xi,
    xj,
    y,
)

__all__ = ["RECORDS", "derive_hopping", "hopping_general"]

SECTION = 3
_dirs = range(3)


def _w3(widths: tuple[sp.Expr, ...]) -> sp.Expr:
    return sp.Mul(*(gauss.gaussian(r_v[a], widths[a]) for a in _dirs))


@cache
def derive_gaussian() -> Derivation:
    dv = Builder("29", "the ground state of the harmonic Hamiltonian (27)")
    g = sp.exp(-(x**2) / (2 * l**2))
    h0 = -sp.diff(g, x, 2) / (2 * m) + m * eps**2 * x**2 * g / 2
    ratio = sp.expand(h0 / g)  # the Gaussian cancels term by term once multiplied out
    dv.step(
        "ratio",
        ratio,
        "Ĥ₀ e^(−x²/2l²) / e^(−x²/2l²), one direction of (27)–(28)",
        uses=("27", "28"),
    )
    coeff = ratio.coeff(x, 2)
    dv.step("vanishing_x2", sp.Eq(coeff, 0), "an eigenfunction needs the x² term to vanish")
    # simplify=False: the roots are still checked, and come out in lowest terms as they are.
    (width,) = [s for s in sp.solve(sp.Eq(coeff, 0), l, simplify=False) if s.is_positive]
    dv.step(
        "positive_root",
        sp.Eq(l, width),
        "positive root",
        adds=("l > 0: the normalisable (positive) root",),
    )
    dv.step("normalisation", gauss.norm().result, "normalisation (π l²)^(−1/4) gives ∫ w² = 1")
    w_derived = _w3(tuple(width.subs(eps, e) for e in eps_v))
    dv.step(
        "product_over_directions",
        w_derived,
        "(27)–(28) separate: product over directions with l_α = 1/√(m ε_α)",
    )
    return dv.build()


@cache
def derive_E0() -> Derivation:
    dv = Builder("30", "energy of the harmonic Hamiltonian")
    w = _w3(l_v)
    h0w = sum(
        (-sp.diff(w, r_v[a], 2) / (2 * m) + m * eps_v[a] ** 2 * r_v[a] ** 2 * w / 2 for a in _dirs),
        u0 * w,
    )
    # Multiplied out, the Gaussian cancels term by term and the widths' powers combine.
    ratio = sp.expand((h0w / w).subs({l_v[a]: 1 / sp.sqrt(m * eps_v[a]) for a in _dirs}))
    dv.step(
        "ratio",
        ratio,
        "Ĥ₀ w / w for (29) with l_α = 1/√(m ε_α): a constant",
        uses=("27", "28", "29"),
    )
    dv.step("eigenvalue", sp.Eq(E0, ratio), "the eigenvalue")
    return dv.build()


@cache
def derive_harmonic_lattice() -> Derivation:
    dv = Builder("33", "harmonic expansion of the lattice potential")
    series = taylor_polynomial(U * sp.sin(k0 * x) ** 2, x, 4)
    dv.step(
        "taylor_series",
        series,
        "Taylor series of (2) about a minimum, to second order",
        uses=("2",),
        adds=("k₀ r ≪ 1: terms O((k₀r)⁴) dropped",),
    )
    # simplify=False: the root is still checked, and comes out in lowest terms as it is.
    om2 = sp.solve(sp.Eq(m * omega**2 * x**2 / 2, series), omega**2, simplify=False)[0]
    dv.step("harmonic_frequency", sp.Eq(omega**2, om2), "write U k₀² x² as (m/2) ω² x²")
    dv.step("harmonic_form", series, "the harmonic form, summed over α, is this series")
    return dv.build()


@cache
def derive_omega() -> Derivation:
    dv = Builder("34", "lattice frequency")
    om2 = derive_harmonic_lattice().step("harmonic_frequency").expr.rhs
    dv.step(
        "from_33",
        sp.Eq(omega, sp.sqrt(om2)),
        "from (33)",
        uses=("33",),
        adds=("ω > 0: positive root",),
    )
    dv.step(
        "recoil_energy", sp.Eq(omega, sp.sqrt(om2).subs(k0, sp.sqrt(2 * m * E_R))), "E_R = k₀²/(2m)"
    )
    return dv.build()


@cache
def _pair_moment(n: int) -> sp.Expr:
    """⟨(r − s)^n⟩ with r and s drawn from |w|² independently, in one direction."""
    g = gauss.gaussian(x) ** 2 * gauss.gaussian(y) ** 2
    return gaussian_integral(gaussian_integral((x - y) ** n * g, x), y)  # 1, 0, l² as they come


@cache
def _site_average() -> tuple[sp.Expr, sp.Expr]:
    """Second-order Taylor polynomial of Φ(R − y) and its average over both Gaussians."""
    yv = sp.symbols("y_1:4", real=True)
    phi_at = Phi(*R_v)
    taylor = phi_at - sum(yv[a] * sp.Derivative(phi_at, R_v[a]) for a in _dirs)
    taylor += sum(
        yv[a] * yv[b] * sp.Derivative(phi_at, R_v[a], R_v[b]) / 2 for a in _dirs for b in _dirs
    )
    averaged = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(taylor)):
        factor = term
        for a in _dirs:
            power = sp.degree(term, yv[a])
            factor = factor.subs(yv[a], 1) * _pair_moment(power).subs(l, l_v[a])
        averaged += factor  # the odd moments vanish: the sum is already in lowest terms
    return taylor, averaged


@cache
def derive_E1() -> Derivation:
    dv = Builder("35", "first-order energy of optimized perturbation theory")
    kin = sum((gauss.kinetic_mean().result.subs(l, l_v[a]) for a in _dirs), sp.Integer(0))
    dv.step(
        "kinetic", kin, "⟨−∇²/2m⟩ over (29): one Gaussian per direction", uses=("8", "29", "31")
    )
    exact = sum(
        (U_v[a] * gauss.sin2_mean().result.subs({l: l_v[a], k0: k0_v[a]}) for a in _dirs),
        sp.Integer(0),
    )
    dv.step("lattice_exact", exact, "⟨U_L⟩ over (29), exactly", uses=("2", "9"))
    harm = sum(
        (taylor_polynomial(exact.coeff(U_v[a]) * U_v[a], k0_v[a], 3) for a in _dirs),
        sp.Integer(0),
    )
    dv.step(
        "lattice_harmonic",
        harm,
        "leading order in k₀² l² (the harmonic lattice (33))",
        uses=("33",),
        adds=("k₀_α l_α ≪ 1 (harmonic lattice)",),
    )
    taylor, site = _site_average()
    dv.step(
        "taylor_interaction",
        taylor,
        "Φ(r − r') with r' = r_j + s, y = r − s, expanded about r_j",
        uses=("H1",),
        adds=("Φ even: Φ(−r) = Φ(r)", "Φ smooth at the sites; l_α ≪ |r_j| (2nd order)"),
    )
    dv.step(
        "site_average", site, "average over |w(r)|² and |w(s)|²: ⟨y_α⟩ = 0, ⟨y_α y_β⟩ = δ_αβ l_α²"
    )
    # Lattice sum of the computed site average: Φ(r_j) → Σ_Φ, ∂²_αΦ(r_j) → Σ_Φ2_α.
    sums = {Phi(*R_v): S0} | {sp.Derivative(Phi(*R_v), (R_v[a], 2)): S2_v[a] for a in _dirs}
    hartree = sp.expand(nu * site.xreplace(sums))
    if hartree.has(Phi):
        raise AssertionError(f"site average has terms beyond second order: {hartree}")
    dv.step(
        "lattice_sums",
        hartree,
        "sum over sites j ≠ 0 of ρ₀ (H1): lattice sums Σ_Φ, Σ_Φ2_α",
        adds=("self-interaction j = 0 excluded",),
    )
    widths = {l_v[a]: 1 / sp.sqrt(m * eps_v[a]) for a in _dirs}
    omegas = {U_v[a]: omega_v[a] ** 2 * m / (2 * k0_v[a] ** 2) for a in _dirs}
    total = sp.expand((kin + harm + hartree).xreplace(omegas).xreplace(widths))
    dv.step(
        "first_order_energy",
        sp.Eq(E1, total),
        "l_α = 1/√(m ε_α) and U_α = m ω_α²/(2 k₀_α²) from (34)",
        uses=("34",),
    )
    return dv.build()


@cache
def derive_Omega() -> Derivation:
    dv = Builder("36", "interaction frequency")
    e1 = derive_E1().result.rhs
    a = 0
    inter = e1.coeff(S2_v[a]) * S2_v[a]
    dv.step(
        "curvature_term",
        inter,
        "the interaction curvature term of E₁ for direction α",
        uses=("35",),
    )
    om2 = sp.simplify(4 * eps_v[a] * inter)
    dv.step(
        "as_frequency",
        sp.Eq(Omega_v[a] ** 2, om2),
        "written as Ω_α²/(4 ε_α), like the lattice term",
    )
    dv.step(
        "positive_root",
        sp.sqrt(om2),
        "positive root",
        adds=("Ω_α real: Σ_j ∂²Φ ≥ 0 (a stable lattice)",),
    )
    return dv.build()


@cache
def derive_epsilon() -> Derivation:
    dv = Builder("38", "effective oscillation frequency")
    dv.step(
        "gaussian_ansatz",
        derive_gaussian().result,
        "Gaussian ansatz (29), the ground state of (27)–(28)",
        uses=("29",),
    )
    e0 = derive_E0().result.rhs
    dv.step("energy_e0", sp.Eq(E0, e0), "its energy (30)", uses=("30",))
    e1 = derive_E1().result.rhs
    dv.step(
        "energy_e1",
        sp.Eq(E1, e1),
        "first-order energy (35), derived with the Hartree term of ρ₀",
        uses=("35",),
    )
    named = {S0: u0 / nu} | {S2_v[a]: m * Omega_v[a] ** 2 / (2 * nu) for a in _dirs}
    e1_named = sp.expand(e1.xreplace(named))
    dv.step(
        "name_the_sums",
        sp.Eq(E1, e1_named),
        "name the lattice sums: u₀ of (37), Ω_α of (36)",
        uses=("36", "37"),
    )
    gap = sp.expand(e1_named - e0)
    dv.step(
        "optimization_condition",
        sp.Eq(gap, 0),
        "optimization condition (32): E₁ − E₀ = 0",
        uses=("32",),
    )
    term = sum((t for t in sp.Add.make_args(gap) if t.has(eps_v[0])), sp.Integer(0))
    dv.step(
        "per_direction",
        sp.Eq(term, 0),
        "imposed direction by direction (α = 1 shown)",
        adds=("(32) imposed direction by direction",),
    )
    # simplify=False: the roots are still checked, and come out in lowest terms as they are.
    roots = sp.solve(sp.Eq(term, 0), eps_v[0], simplify=False)
    sol = [r for r in roots if r.is_positive is not False]
    one = {eps_v[0]: eps, omega_v[0]: omega, Omega_v[0]: Omega}
    dv.step(
        "solve_for_epsilon",
        sp.Eq(eps, sol[0].xreplace(one)),
        "solve for ε_α",
        adds=("ε_α > 0: positive root",),
    )
    return dv.build()


def hopping_general() -> sp.Expr:
    """J_ij of (7) for Gaussians (29) at arbitrary centres x_i^α, x_j^α (exact, d = 3)."""
    return derive_hopping_general().result


class _MatrixElement(sp.Symbol):
    """⟨w_i|Ĥ_L|w_j⟩ as one symbol: its name prints as text, and LaTeX gets a bra-ket
    (SymPy's own LaTeX would read the underscores and bars in the name as subscripts)."""

    def _latex(self, printer) -> str:
        return r"\langle w_i | \hat{H}_L | w_j \rangle"


def _over_overlap(element: sp.Expr, overlap: sp.Expr) -> sp.Expr:
    """element/overlap as one fraction with an expanded numerator, exponentials kept whole.

    The Gaussian factor of the overlap cancels against the element's; what is left is
    the form ``sp.simplify`` arrives at (the generated code is printed from it), reached
    directly: multiply out without splitting exponentials, one fraction, then split the
    exponentials so the Gaussian cancels, and pull out the common factors.
    """
    spread = sp.expand(element / overlap, power_exp=False, power_base=False, log=False)
    return sp.factor_terms(sp.expand_power_exp(sp.together(spread)))


@cache
def derive_hopping_general() -> Derivation:
    dv = Builder("J_ij-general", "tunneling between Gaussians at arbitrary centres")
    xi_v = sp.symbols("x_i1:4", real=True)
    xj_v = sp.symbols("x_j1:4", real=True)
    S1 = gauss.overlap().result
    K1 = gauss.kinetic_element().result
    L1 = gauss.sin2_element().result
    dv.step(
        "definition",
        sp.Eq(J, -_MatrixElement("⟨w_i|Ĥ_L|w_j⟩")),
        "definition (7) for real w",
        uses=("7",),
    )
    # The directions differ only in their symbols: one bracket, renamed for each.
    apart = {X: xi - xj}
    bracket = _over_overlap(K1.xreplace(apart) + U * L1, S1.xreplace(apart))
    brackets, overlaps = [], []
    for a in _dirs:
        names = {l: l_v[a], k0: k0_v[a], xi: xi_v[a], xj: xj_v[a], U: U_v[a]}
        overlaps.append(S1.xreplace(apart).xreplace(names))
        brackets.append(bracket.xreplace(names))
    dv.step(
        "per_direction",
        sp.Matrix([overlaps, brackets]).T,
        "per direction: overlap S_α and (kinetic + sin²) element over S_α (gaussian module)",
        uses=("2", "29"),
    )
    total = -sp.Mul(*overlaps) * sum(brackets, sp.Integer(0))
    dv.step(
        "product_over_directions",
        total,
        "Ĥ_L is a sum over directions, w a product: J = −Π_β S_β Σ_α (K_α + L_α)/S_α",
    )
    widths = {l_v[a]: 1 / sp.sqrt(m * eps_v[a]) for a in _dirs}
    dv.step("widths", total.xreplace(widths), "l_α = 1/√(m ε_α)")
    return dv.build()


@cache
def derive_hopping() -> Derivation:
    dv = Builder("J_ij", "tunneling between lattice sites for the Gaussian ansatz")
    general = derive_hopping_general()
    dv.include(general)
    xi_v = sp.symbols("x_i1:4", real=True)
    xj_v = sp.symbols("x_j1:4", real=True)
    sites = {xi_v[a]: ni_v[a] * sp.pi / k0_v[a] for a in _dirs}
    sites |= {xj_v[a]: nj_v[a] * sp.pi / k0_v[a] for a in _dirs}
    at_sites = general.result.xreplace(sites)
    # cos(k₀(πn_i/k₀ + πn_j/k₀)) = cos(π(n_i + n_j)) = (−1)^(n_i + n_j) for integer n.
    at_sites = at_sites.replace(sp.cos, lambda arg: sp.cos(sp.expand(arg)))
    dv.step(
        "lattice_sites",
        at_sites,
        "sites at the minima of (2): r^α = n_α λ_α/2 = n_α π/k₀_α",
        adds=("r_i, r_j lattice sites (integer n_i^α, n_j^α)",),
    )
    return dv.build()


def _printed_hopping() -> sp.Expr:
    rij = [r_v[a] for a in _dirs]
    brace = sum(
        (eps_v[a] / 8 * ((rij[a] / l_v[a]) ** 2 - 2) - U_v[a] for a in _dirs), sp.Integer(0)
    )
    return brace * sp.exp(-sum(((rij[a] / l_v[a]) ** 2 for a in _dirs), sp.Integer(0)) / 4)


def _gauss_factor() -> sp.Expr:
    return sp.exp(
        -sum(
            ((nj_v[a] - ni_v[a]) ** 2 * sp.pi**2 * m * eps_v[a] / k0_v[a] ** 2 for a in _dirs),
            sp.Integer(0),
        )
        / 4
    )


def _gap_over_gauss(printed: sp.Expr, derived: sp.Expr) -> sp.Expr:
    """(printed − derived)/exp(−Σ(r/l)²/4), expanded; powsimp joins the signs
    (−1)^(n_i) (−1)^(n_j) of cos(π(n_i + n_j))."""
    return sp.powsimp(sp.expand(_over_gauss(printed) - _over_gauss(derived)))


def _over_gauss(side: sp.Expr) -> sp.Expr:
    """One side of J_ij over exp(−Σ(r/l)²/4): both are a prefactor times exponentials that
    make up that Gaussian (checked), so dividing by it drops them."""
    factors = sp.Mul.make_args(side)
    exponent = sum((f.args[0] for f in factors if isinstance(f, sp.exp)), sp.Integer(0))
    if sp.expand(exponent - _gauss_factor().args[0]) != 0:
        raise ValueError(f"the exponential factors of {side} are not the Gaussian factor")
    return sp.Mul(*(f for f in factors if not isinstance(f, sp.exp)))


def _odd_and_shallow_smearing(printed: sp.Expr, derived: sp.Expr) -> sp.Expr:
    """Relative gap after n_j − n_i odd in every direction and k₀_α l_α → 0."""
    q = sp.symbols("q_1:4", integer=True)
    rel = _gap_over_gauss(printed, derived) / sum(U_v, sp.Integer(0))
    # (−1)^(2n_i + 2q + 1) = −1 evaluates on substitution: the smearing terms change sign.
    rel = rel.xreplace({nj_v[a]: ni_v[a] + 2 * q[a] + 1 for a in _dirs})
    # k₀_α l_α = k₀_α/√(m ε_α) → 0 at fixed ε_α: take k₀_α → 0 in what is left.
    for a in _dirs:
        rel = _limit_at_zero(rel, k0_v[a])
    return rel


def _limit_at_zero(e: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """lim_{var → 0} e: the value at 0 when no negative power of var is left and that value
    is finite (sums, products and exponentials of non-negative powers are continuous);
    ``sp.limit`` otherwise. Dividing out the Gaussian factor took the 1/k₀² away."""
    inverse = any(p.base.has(var) and p.exp.is_negative for p in e.atoms(sp.Pow))
    value = e.subs(var, 0)
    if inverse or value.is_finite is not True:
        return sp.limit(e, var, 0)
    return value


_hop_given = {r_v[a]: (ni_v[a] - nj_v[a]) * sp.pi / k0_v[a] for a in _dirs}
_hop_given |= {l_v[a]: 1 / sp.sqrt(m * eps_v[a]) for a in _dirs}

RECORDS = [
    EquationRecord(
        "27",
        SECTION,
        "definition",
        r"\hat{H}_0(\mathbf{r}) = -\frac{\nabla^2}{2m} + U_0(\mathbf{r})",
        "energy",
    ),
    EquationRecord(
        "28",
        SECTION,
        "definition",
        r"U_0(\mathbf{r}) = u_0 + \sum_\alpha \frac{m}{2} \varepsilon_\alpha^2 r_\alpha^2",
        "energy",
        printed=sp.Eq(
            sp.Function("U_0")(*r_v), u0 + sum(m * eps_v[a] ** 2 * r_v[a] ** 2 / 2 for a in _dirs)
        ),
    ),
    EquationRecord(
        "29",
        SECTION,
        "derived",
        r"w(\mathbf{r}) = \prod_\alpha \left(\frac{1}{\pi l_\alpha^2} \right)^{1/4} \exp \left("
        r"-\frac{r_\alpha^2}{2l_\alpha^2} \right)",
        "energy",
        printed=_w3(l_v),
        derive=derive_gaussian,
        given={l_v[a]: 1 / sp.sqrt(m * eps_v[a]) for a in _dirs},
        assumptions=("l_α ≡ 1/√(m ε_α) as stated after (29)",),
    ),
    EquationRecord(
        "30",
        SECTION,
        "derived",
        r"E_0 = u_0 + \frac{1}{2} \sum_\alpha \varepsilon_\alpha",
        "energy",
        printed=sp.Eq(E0, u0 + sum(eps_v) / 2),
        derive=derive_E0,
    ),
    EquationRecord(
        "31",
        SECTION,
        "definition",
        r"E_1 = \int w(\mathbf{r}) \hat{H}_1(\mathbf{r}) w(\mathbf{r}) d\mathbf{r}",
        "energy",
    ),
    EquationRecord(
        "H1",
        SECTION,
        "definition",
        r"\begin{aligned} \hat{H}_1(\mathbf{r}) &= -\frac{\nabla^2}{2m} + U_1(\mathbf{r}) , \quad"
        r" U_1(\mathbf{r}) = U_L(\mathbf{r}) + V_1(\mathbf{r}) , \\ V_1(\mathbf{r}) &= \int"
        r" \Phi(\mathbf{r} - \mathbf{r}') \rho_0(\mathbf{r}') d\mathbf{r}' , \quad"
        r" \rho_0(\mathbf{r}) = \nu \sum_j w^2(\mathbf{r} - \mathbf{r}_j) . \end{aligned}",
        "energy",
    ),
    EquationRecord("32", SECTION, "definition", r"E_1 - E_0 = 0", "energy"),
    EquationRecord(
        "33",
        SECTION,
        "derived",
        r"U_L(\mathbf{r}) \simeq \sum_{\alpha} \frac{m}{2} \omega_{\alpha}^2 r_{\alpha}^2 \quad"
        r" (\mathbf{r} \approx 0)",
        "lattice",
        printed=m * omega**2 * x**2 / 2,
        derive=derive_harmonic_lattice,
        given={omega: 2 * sp.sqrt(k0**2 / (2 * m) * U)},
        assumptions=("one direction; ω from (34) with E_R = k₀²/2m",),
    ),
    EquationRecord(
        "34",
        SECTION,
        "derived",
        r"\omega_{\alpha} = 2\sqrt{E_R^{\alpha} U_{\alpha}} \quad \left(E_R^{\alpha} \equiv"
        r" \frac{(k_0^{\alpha})^2}{2m} \right)",
        "lattice",
        printed=sp.Eq(omega, 2 * sp.sqrt(E_R * U)),
        derive=derive_omega,
    ),
    EquationRecord(
        "35",
        SECTION,
        "derived",
        r"E_1 = u_0 + \frac{1}{4} \sum_{\alpha} \left(\varepsilon_{\alpha} +"
        r" \frac{\omega_{\alpha}^2}{\varepsilon_{\alpha}} + \frac{\Omega_{\alpha}^2}"
        r"{\varepsilon_{\alpha}} \right)",
        "energy",
        printed=sp.Eq(
            E1,
            u0
            + sum(
                (eps_v[a] + omega_v[a] ** 2 / eps_v[a] + Omega_v[a] ** 2 / eps_v[a]) for a in _dirs
            )
            / 4,
        ),
        derive=derive_E1,
        given={u0: nu * S0} | {Omega_v[a]: sp.sqrt(2 * nu * S2_v[a] / m) for a in _dirs},
        assumptions=(
            "u₀ as set in (37)",
            "Ω_α as defined in (36)",
            "harmonic lattice (33)",
            "Φ expanded to second order about each site",
        ),
    ),
    EquationRecord(
        "36",
        SECTION,
        "derived",
        r"\Omega_{\alpha} \equiv \left[\frac{2\nu}{m} \sum_j \frac{\partial^2 \Phi(\mathbf{r}_j)}"
        r"{\partial r_j^{\alpha} \partial r_j^{\alpha}} \right]^{1/2}",
        "energy",
        printed=sp.sqrt(2 * nu / m * S2_v[0]),
        derive=derive_Omega,
        assumptions=("Σ_Φ2_α stands for the printed lattice sum over j ≠ 0",),
    ),
    EquationRecord(
        "37",
        SECTION,
        "definition",
        r"u_0 = \nu \sum_j \Phi(\mathbf{r}_j)",
        "energy",
        printed=sp.Eq(u0, nu * S0),
    ),
    EquationRecord(
        "38",
        SECTION,
        "derived",
        r"\varepsilon_{\alpha} = \sqrt{\omega_{\alpha}^2 + \Omega_{\alpha}^2}",
        "energy",
        printed=sp.Eq(eps, sp.sqrt(omega**2 + Omega**2)),
        derive=derive_epsilon,
    ),
    EquationRecord(
        "J_ij",
        SECTION,
        "derived",
        r"J_{ij} = \sum_{\alpha} \left\{ \frac{\varepsilon_{\alpha}}{8} \left[\left(\frac{"
        r"r_{ij}^{\alpha}}{l_{\alpha}} \right)^2 - 2 \right] - U_{\alpha} \right\} \exp \left\{"
        r" -\frac{1}{4} \sum_{\alpha} \left(\frac{r_{ij}^{\alpha}}{l_{\alpha}} \right)^2 \right\}",
        "tunneling",
        printed=_printed_hopping(),
        derive=derive_hopping,
        given=_hop_given,
        assumptions=(
            "sites at the minima of (2), r_ij^α = (n_i^α − n_j^α) π/k₀_α",
            "l_α = 1/√(m ε_α)",
            "Gaussian ansatz (29) exact, no harmonic expansion",
        ),
        probe=Probe(ranges={**{n: (-2, 2) for n in (*ni_v, *nj_v)}}),
        explain=(
            "(printed − derived)/exp(−Σ(r/l)²/4)",
            _gap_over_gauss,
        ),
        conditions=(
            Condition(
                "for odd n_j^α − n_i^α in every direction α, in the limit k₀_α l_α → 0",
                _odd_and_shallow_smearing,
            ),
        ),
    ),
]
