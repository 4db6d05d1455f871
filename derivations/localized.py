"""Section 2, localized states: the lattice, the Hamiltonian and the Wannier expansion, (1)–(13).

What can be derived here is checked: the sin² lattice (2) has the period (1) demands, the
adjoint of the Wannier expansion (the paper's (5) has lost its daggers: its right side is
the expansion of ψ, which (11) then uses), the density (11) and its localized limit (13).
Operator identities are checked with non-commuting symbols on three representative
sites; each identity holds term by term, so three sites stand for any number.
"""

from __future__ import annotations

from functools import cache

import sympy as sp
from sympy.physics.quantum import Dagger

from qcrystal.symbolic import Builder, Check, Derivation, EquationRecord

from .symbols import U_L, U_v, k0_v, lam_v, nu, r_v, x

__all__ = ["RECORDS"]

SECTION = 2
SITES = (1, 2, 3)
c = [sp.Symbol(f"c_{j}", commutative=False) for j in SITES]
wj = [sp.Symbol(f"w_{j}") for j in SITES]  # w(r − r_j), complex c-numbers
psi = sp.Symbol("psi", commutative=False)
psi_dag = sp.Symbol("psi^dagger", commutative=False)
# ⟨ĉ_i† ĉ_j⟩ as c-numbers
n_avg = [[sp.Symbol(f"n_{i}{j}") for j in SITES] for i in SITES]


def _lattice(r: tuple[sp.Expr, ...]) -> sp.Expr:
    return sum((U_v[a] * sp.sin(k0_v[a] * r[a]) ** 2 for a in range(3)), sp.Integer(0))


def _periodicity() -> tuple[sp.Basic, sp.Basic]:
    """U_L(r + (λ_α/2) e_α) against U_L(r) for each α, with k₀ = 2π/λ."""
    k_of_lam = {k0_v[a]: 2 * sp.pi / lam_v[a] for a in range(3)}
    shifted = [
        _lattice(tuple(r_v[b] + (lam_v[a] / 2 if a == b else 0) for b in range(3)))
        for a in range(3)
    ]
    base = _lattice(r_v)
    return (
        sp.Matrix([s.xreplace(k_of_lam) for s in shifted]),
        sp.Matrix([base.xreplace(k_of_lam)] * 3),
    )


@cache
def derive_psi_dagger() -> Derivation:
    dv = Builder("5", "expansion of ψ† over Wannier functions")
    psi_exp = sum((cj * wjj for cj, wjj in zip(c, wj, strict=True)), sp.Integer(0))
    dv.step(
        "expand_psi",
        sp.Eq(psi, psi_exp, evaluate=False),
        "expand ψ over Wannier functions, as (11) uses it",
        uses=("11",),
        adds=("three sites stand for the lattice sum (the identity is term by term)",),
    )
    dv.step(
        "adjoint",
        sp.Eq(psi_dag, Dagger(psi_exp), evaluate=False),
        "take the Hermitian adjoint: ĉ_j → ĉ_j†, w → w*",
    )
    return dv.build()


@cache
def derive_density() -> Derivation:
    dv = Builder("11", "density of atoms from the Wannier expansion")
    psi_exp = sum((cj * wjj for cj, wjj in zip(c, wj, strict=True)), sp.Integer(0))
    product = sp.expand(Dagger(psi_exp) * psi_exp)
    dv.step("psi_dagger_psi", product, "ψ†ψ with ψ = Σ_j ĉ_j w(r − r_j)", uses=("5",))
    averages = {Dagger(c[i]) * c[j]: n_avg[i][j] for i in range(3) for j in range(3)}
    rho = sp.Integer(0)
    for term in sp.Add.make_args(product):
        numbers, operators = term.args_cnc()
        rho += sp.Mul(*numbers) * averages[sp.Mul(*operators)]
    dv.step(
        "average",
        rho,
        "⟨…⟩ is linear and acts on operators only: ⟨ĉ_i†ĉ_j⟩ ≡ n_ij",
        adds=("w are c-numbers",),
    )
    return dv.build()


@cache
def derive_localized_density() -> Derivation:
    dv = Builder("13", "density of a well localized lattice")
    rho = derive_density().result
    dv.step("density", rho, "density (11)", uses=("11",))
    delta = {n_avg[i][j]: (nu if i == j else 0) for i in range(3) for j in range(3)}
    dv.step(
        "localized_average",
        sp.expand(rho.xreplace(delta)),
        "⟨ĉ_i†ĉ_j⟩ = ν δ_ij (12)",
        uses=("12",),
        adds=("tunneling neglected (strong localization)",),
    )
    return dv.build()


_printed_5 = sp.Eq(
    psi_dag, sum((cj * wjj for cj, wjj in zip(c, wj, strict=True)), sp.Integer(0)), evaluate=False
)
_printed_11 = sum(
    (n_avg[i][j] * sp.conjugate(wj[i]) * wj[j] for i in range(3) for j in range(3)), sp.Integer(0)
)
_printed_13 = nu * sum((sp.Abs(wjj) ** 2 for wjj in wj), sp.Integer(0))

RECORDS = [
    EquationRecord(
        "1",
        SECTION,
        "definition",
        r"U_L\left(\mathbf{r} + \frac{\lambda_\alpha}{2}\right) = U_L(\mathbf{r})",
        "lattice",
        printed=sp.Eq(U_L(x + lam_v[0] / 2), U_L(x)),
    ),
    EquationRecord(
        "2",
        SECTION,
        "definition",
        r"U_L(\mathbf{r}) = \sum_{\alpha=1}^d U_\alpha \sin^2(k_0^\alpha r_\alpha)",
        "lattice",
        printed=sp.Eq(U_L(*r_v), _lattice(r_v)),
        checks=(Check("periodic with the spacing λ_α/2 of (1) when k₀ = 2π/λ", _periodicity),),
    ),
    EquationRecord(
        "3",
        SECTION,
        "definition",
        r"\hat{H} = \int \psi^\dagger(\mathbf{r}) \hat{H}_L(\mathbf{r}) \psi(\mathbf{r})"
        r" d\mathbf{r}"
        r" + \frac{1}{2} \int \psi^\dagger(\mathbf{r}) \psi^\dagger(\mathbf{r}') \Phi(\mathbf{r}"
        r" - \mathbf{r}') \psi(\mathbf{r}') \psi(\mathbf{r}) d\mathbf{r} d\mathbf{r}'",
        "hamiltonian",
    ),
    EquationRecord(
        "4",
        SECTION,
        "definition",
        r"\hat{H}_L(\mathbf{r}) = -\frac{\nabla^2}{2m} + U_L(\mathbf{r})",
        "hamiltonian",
    ),
    EquationRecord(
        "5",
        SECTION,
        "derived",
        r"\psi^\dagger(\mathbf{r}) = \sum_{j=1}^{N_L} \hat{c}_j w(\mathbf{r} - \mathbf{r}_j)",
        "wannier",
        printed=_printed_5,
        derive=derive_psi_dagger,
        assumptions=("ψ = Σ_j ĉ_j w(r − r_j), the expansion (11) relies on",),
        hint="it expands ψ, not ψ†",
    ),
    EquationRecord(
        "6",
        SECTION,
        "cited",
        r"\hat{H} = -\sum_{i \neq j} J_{ij} \hat{c}_i^\dagger \hat{c}_j + \sum_j \left("
        r"\frac{\mathbf{p}_j^2}{2m} + U_L \right) \hat{c}_j^\dagger \hat{c}_j + \frac{1}{2}"
        r" \sum_j U_{jj} \hat{c}_j^\dagger \hat{c}_j^\dagger \hat{c}_j \hat{c}_j + \frac{1}{2}"
        r" \sum_{i \neq j} U_{ij} \hat{c}_i^\dagger \hat{c}_j^\dagger \hat{c}_j \hat{c}_i",
        "hamiltonian",
        source="[19] (lattice Hamiltonian in the single-band approximation)",
    ),
    EquationRecord(
        "7",
        SECTION,
        "definition",
        r"J_{ij} = -\int w^*(\mathbf{r} - \mathbf{r}_i) \hat{H}_L(\mathbf{r}) w(\mathbf{r} -"
        r" \mathbf{r}_j) d\mathbf{r} \quad (i \neq j)",
        "tunneling",
    ),
    EquationRecord(
        "8",
        SECTION,
        "definition",
        r"\mathbf{p}_j^2 = \int w^*(\mathbf{r} - \mathbf{r}_j) (-\nabla^2) w(\mathbf{r} -"
        r" \mathbf{r}_j) d\mathbf{r}",
        "hamiltonian",
    ),
    EquationRecord(
        "9",
        SECTION,
        "definition",
        r"U_L = \int |w(\mathbf{r})|^2 U_L(\mathbf{r}) d\mathbf{r}",
        "hamiltonian",
    ),
    EquationRecord(
        "10",
        SECTION,
        "definition",
        r"U_{ij} = \int |w(\mathbf{r} - \mathbf{r}_i)|^2 \Phi(\mathbf{r} - \mathbf{r}')"
        r" |w(\mathbf{r}' - \mathbf{r}_j)|^2 d\mathbf{r} d\mathbf{r}'",
        "interaction",
    ),
    EquationRecord(
        "11",
        SECTION,
        "derived",
        r"\rho(\mathbf{r}) = \langle \hat{\psi}^\dagger(\mathbf{r})\hat{\psi}(\mathbf{r}) \rangle"
        r" = \sum_{ij} \langle \hat{c}_i^\dagger \hat{c}_j \rangle w^*(\mathbf{r} - \mathbf{r}_i)"
        r"w(\mathbf{r} - \mathbf{r}_j)",
        "wannier",
        printed=_printed_11,
        derive=derive_density,
    ),
    EquationRecord(
        "12",
        SECTION,
        "definition",
        r"\hat{c}_i^\dagger \hat{c}_j = \nu \delta_{ij} \quad \left(\nu \equiv \frac{N}{N_L}"
        r" \right)",
        "wannier",
        note="read as an average ⟨ĉ_i†ĉ_j⟩ = ν δ_ij; as printed it equates an operator to a number",
    ),
    EquationRecord(
        "13",
        SECTION,
        "derived",
        r"\rho(\mathbf{r}) = \nu \sum_j |w(\mathbf{r} - \mathbf{r}_j)|^2",
        "wannier",
        printed=_printed_13,
        derive=derive_localized_density,
    ),
]
