"""Section 3, first part: Hartree eigenproblem, Bloch and Wannier functions, (14)–(26).

The Bloch–Wannier identities (20), (23), (24) are checked exactly on a periodic ring of
N_L = 4 sites with generic band energies E_k: the Wannier-basis matrix of Ĥ is built from
its Bloch eigenvectors and compared entry by entry with the printed E_ij of (21). The
identities are the discrete Fourier transform on any ring, so one ring size stands for all.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from qcrystal.symbolic import Builder, Derivation, EquationRecord

from .symbols import E, a, k0, m, nu, s_int, x

__all__ = ["RECORDS"]

SECTION = 3
N_RING = 4
phi = sp.Function("varphi")
V_H = sp.Function("V_H")
U_Lf = sp.Function("U_L")
Phi1 = sp.Function("Phi")
wf = sp.Function("w")
xp = sp.Symbol("x'", real=True)
j = sp.Symbol("j", integer=True)
E_k = [sp.Symbol(f"E_k{q}", real=True) for q in range(N_RING)]
_k = [2 * sp.pi * q / N_RING for q in range(N_RING)]  # ring momenta, spacing 1


@cache
def derive_hartree_equation() -> Derivation:
    dv = Builder("18", "the eigenproblem (14) with the Hartree self-energy")
    kernel_kin = sp.Integral(sp.DiracDelta(x - xp) * phi(xp), (xp, -sp.oo, sp.oo))
    dv.step(
        "kinetic_kernel",
        kernel_kin,
        "the δ(r − r') of (15) under the integral of (14)",
        uses=("14", "15"),
    )
    kin = -sp.diff(kernel_kin.doit(), x, 2) / (2 * m)
    dv.step("kinetic_term", kin, "∇² acts on r, outside the r' integral")
    pot = sp.integrate((U_Lf(x) + V_H(x)) * sp.DiracDelta(x - xp) * phi(xp), (xp, -sp.oo, sp.oo))
    dv.step("hartree_term", pot, "Hartree self-energy (16) is local", uses=("16", "17"))
    dv.step(
        "eigenproblem",
        sp.Eq(kin + pot, E * phi(x)),
        "the eigenproblem (14) becomes a differential equation",
    )
    return dv.build()


@cache
def derive_periodicity() -> Derivation:
    dv = Builder("19", "periodicity of the Hartree Hamiltonian")
    lattice = sp.Symbol("U", positive=True) * sp.sin(k0 * x) ** 2
    step_a = {a: sp.pi / k0}
    lattice_shift = dv.step(
        "lattice_shift",
        # sin(k₀x + π) = −sin(k₀x) once the argument is multiplied out: the shift cancels.
        sp.expand((lattice.subs(x, x + a) - lattice).subs(step_a)),
        "U_L(x + a) − U_L(x) for (2) with a = λ/2 = π/k₀",
        uses=("2",),
    )
    rho = nu * sp.Sum(wf(s_int - j * a) ** 2, (j, -sp.oo, sp.oo))
    shift_sum = sp.Sum(wf(s_int + a - j * a) ** 2, (j, -sp.oo, sp.oo))
    rho_shift = nu * shift_sum
    dv.step(
        "hartree_shift",
        sp.Integral(Phi1(x - s_int) * (rho_shift - rho), (s_int, -sp.oo, sp.oo)),
        "V_H(x + a) − V_H(x) after s = x' − a in (17)",
        uses=("13", "17"),
    )
    reindexed = nu * shift_sum.change_index(j, j - 1)
    hartree_shift = dv.step(
        "relabel_sites",
        sp.expand(reindexed - rho),  # the summands agree once their arguments are expanded
        "relabel j → j + 1 over the infinite lattice",
        adds=("infinite lattice (or periodic boundary conditions)",),
    )
    total = lattice_shift + hartree_shift
    dv.step("total_shift", total, "Ĥ(r + a) − Ĥ(r) = [U_L(r + a) − U_L(r)] + [V_H(r + a) − V_H(r)]")
    return dv.build()


def _bloch_matrix() -> sp.Matrix:
    """Columns: Bloch functions φ_k in the Wannier basis, φ_k = N^(-1/2) Σ_j e^(ik r_j) w_j."""
    return sp.Matrix(N_RING, N_RING, lambda jj, q: sp.exp(sp.I * _k[q] * jj) / sp.sqrt(N_RING))


@cache  # (20), (23) and (24) all start from it
def _hamiltonian_in_wannier_basis() -> sp.ImmutableMatrix:
    B = _bloch_matrix()
    # Every entry is linear in the E_k with numeric coefficients: expanded, it is canonical.
    return sp.ImmutableMatrix((B * sp.diag(*E_k) * B.inv()).applyfunc(sp.expand))


def _printed_E_ij() -> sp.Matrix:
    return sp.Matrix(
        N_RING,
        N_RING,
        lambda i, jj: sum(E_k[q] * sp.exp(sp.I * _k[q] * (i - jj)) for q in range(N_RING)) / N_RING,
    )


@cache
def derive_wannier_action() -> Derivation:
    dv = Builder("20", "Ĥ acting on one Wannier function")
    B = _bloch_matrix()
    dv.step(
        "bloch_matrix",
        B,
        "Bloch functions in the Wannier basis on a ring of 4 sites",
        uses=("phi_nk",),
        adds=("periodic ring of N_L = 4 sites, spacing 1, generic E_k",),
    )
    dv.step("unitarity", sp.simplify(B.H * B), "the Bloch transform is unitary: B†B = 1")
    H = _hamiltonian_in_wannier_basis()
    dv.step(
        "hamiltonian_in_wannier_basis",
        H,
        "Ĥ w_j = Σ_k E_k φ_k ⟨φ_k|w_j⟩: column j holds the coefficients of w_i",
        uses=("18",),
    )
    return dv.build()


@cache
def derive_lattice_sum_eigen() -> Derivation:
    dv = Builder("23", "the lattice sum of Wannier functions is an eigenfunction")
    H = _hamiltonian_in_wannier_basis()
    ones = sp.ones(N_RING, 1)
    dv.step("lattice_sum", ones, "ψ_n = Σ_j w_j: all coefficients 1 (22)", uses=("22",))
    dv.step("apply_hamiltonian", sp.simplify(H * ones), "apply Ĥ using (20)", uses=("20",))
    return dv.build()


@cache
def derive_band_bottom() -> Derivation:
    dv = Builder("24", "eigenvalue of the lattice sum")
    H = _hamiltonian_in_wannier_basis()
    dv.step(
        "row_sums",
        sp.simplify(H * sp.ones(N_RING, 1)),
        "row sums Σ_j E_ij of (21)",
        uses=("21", "23"),
    )
    dv.step(
        "k_zero_term", sp.Matrix([E_k[0]] * N_RING), "only the k = 0 term survives Σ_j e^(ik r_ij)"
    )
    return dv.build()


RECORDS = [
    EquationRecord(
        "14",
        SECTION,
        "definition",
        r"\int H(\mathbf{r}, \mathbf{r}', \omega) \varphi_{nk}(\mathbf{r}') d\mathbf{r}' ="
        r" E_{nk} \varphi_{nk}(\mathbf{r})",
        "bands",
    ),
    EquationRecord(
        "15",
        SECTION,
        "definition",
        r"H(\mathbf{r}, \mathbf{r}', \omega) = - \frac{\nabla^2}{2m} \delta(\mathbf{r} -"
        r" \mathbf{r}') + \Sigma(\mathbf{r}, \mathbf{r}', \omega)",
        "bands",
    ),
    EquationRecord(
        "16",
        SECTION,
        "cited",
        r"\Sigma(\mathbf{r}, \mathbf{r}', \omega) = [U_L(\mathbf{r}) + V_H(\mathbf{r})]"
        r" \delta(\mathbf{r} - \mathbf{r}')",
        "bands",
        source="[15–17] (Hartree approximation for well localized particles)",
    ),
    EquationRecord(
        "17",
        SECTION,
        "definition",
        r"V_H(\mathbf{r}) = \int \Phi(\mathbf{r} - \mathbf{r}') \rho(\mathbf{r}') d\mathbf{r}'",
        "bands",
    ),
    EquationRecord(
        "18",
        SECTION,
        "derived",
        r"\hat{H}(\mathbf{r}) \varphi_{nk}(\mathbf{r}) = E_{nk} \varphi_{nk}(\mathbf{r})",
        "bands",
        printed=sp.Eq(
            -sp.Derivative(phi(x), (x, 2)) / (2 * m) + (U_Lf(x) + V_H(x)) * phi(x), E * phi(x)
        ),
        derive=derive_hartree_equation,
        assumptions=("Ĥ = Ĥ_L + V_H (19) with Ĥ_L of (4); shown in one dimension",),
    ),
    EquationRecord(
        "19",
        SECTION,
        "derived",
        r"\hat{H}(\mathbf{r}) = \hat{H}_L(\mathbf{r}) + V_H(\mathbf{r}) = \hat{H}(\mathbf{r} +"
        r" \mathbf{r}_j)",
        "bands",
        printed=sp.Integer(0),
        derive=derive_periodicity,
        assumptions=("compared as Ĥ(r + a) − Ĥ(r) = 0 along one direction, a = λ/2",),
    ),
    EquationRecord(
        "phi_nk",
        SECTION,
        "definition",
        r"\varphi_{nk}(\mathbf{r}) = \frac{1}{\sqrt{N_L}} \sum_j w_n(\mathbf{r} - \mathbf{r}_j)"
        r" e^{i\mathbf{k} \cdot \mathbf{r}_j}",
        "bands",
    ),
    EquationRecord(
        "20",
        SECTION,
        "derived",
        r"\hat{H}(\mathbf{r})w_n(\mathbf{r} - \mathbf{r}_j) = \sum_i E_{ij}^n w_n(\mathbf{r} -"
        r" \mathbf{r}_i)",
        "bands",
        printed=_printed_E_ij(),
        derive=derive_wannier_action,
        given={},
        assumptions=("E_ij as defined in (21)",),
    ),
    EquationRecord(
        "21",
        SECTION,
        "definition",
        r"E_{ij}^n \equiv \frac{1}{N_L} \sum_k E_{nk} e^{i\mathbf{k} \cdot \mathbf{r}_{ij}}"
        r" \quad (\mathbf{r}_{ij} \equiv \mathbf{r}_i - \mathbf{r}_j)",
        "bands",
    ),
    EquationRecord(
        "22",
        SECTION,
        "definition",
        r"\psi_n(\mathbf{r}) = \sum_j w_n(\mathbf{r} - \mathbf{r}_j)",
        "bands",
    ),
    EquationRecord(
        "23",
        SECTION,
        "derived",
        r"\hat{H}(\mathbf{r})\psi_n(\mathbf{r}) = E_n \psi_n(\mathbf{r})",
        "bands",
        printed=sp.Matrix([E_k[0]] * N_RING),
        derive=derive_lattice_sum_eigen,
        assumptions=("E_n = lim_{k→0} E_nk as (24) states",),
    ),
    EquationRecord(
        "24",
        SECTION,
        "derived",
        r"E_n \equiv \sum_j E_{ij}^n = \lim_{k \rightarrow 0} E_{nk}",
        "bands",
        printed=sp.Matrix([sum(_printed_E_ij()[i, :]) for i in range(N_RING)]),
        derive=derive_band_bottom,
        assumptions=("the row sum of (21) is compared with E_{k=0} for every row i",),
    ),
    EquationRecord(
        "25",
        SECTION,
        "definition",
        r"\psi_n(\mathbf{r}) \approx w_n(\mathbf{r} - \mathbf{r}_j) \quad (\mathbf{r} \approx"
        r" \mathbf{r}_j)",
        "bands",
    ),
    EquationRecord(
        "26",
        SECTION,
        "definition",
        r"\hat{H}(\mathbf{r})w(\mathbf{r}) = Ew(\mathbf{r}) \quad (\mathbf{r} \approx 0)",
        "bands",
    ),
]
