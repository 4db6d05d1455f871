"""The paper's symbols, with SymPy assumptions and physical dimensions (ħ = k_B = 1).

One place defines every symbol so that derivations, printed transcriptions and the
dimension check agree on what ``epsilon_1`` or ``T_D`` is. Per-direction quantities
exist both unsubscripted (one direction, for separable 1D steps) and as 3-tuples
``*_v`` (anisotropic d = 3 forms).
"""

from __future__ import annotations

import sympy as sp

from qcrystal.symbolic.dimensions import Dim, UnitSystem

__all__ = [
    "DIMENSIONLESS",
    "DIMS",
    "ENERGY",
    "FUNCTION_DIMS",
    "LENGTH",
    "MASS",
    "SIMPLIFY_SECONDS",
    "UNITS",
]

# ħ = k_B = 1: every quantity is mass^p · length^q. An energy is ħ²/(m L²), i.e.
# 1/(mass·length²); a time is 1/energy; a temperature is an energy.
UNITS = UnitSystem(("mass", "length"), named={"energy": (-1, -2), "energy²": (-2, -4)})
MASS = UNITS.base("mass")
LENGTH = UNITS.base("length")
ENERGY = UNITS.of(-1, -2)
DIMENSIONLESS = UNITS.dimensionless
# How long SymPy may try to close a difference before the numeric probe alone decides; the
# paper's probe and the simplifications inside its derivations use the same limit.
SIMPLIFY_SECONDS = 5.0

pos = {"positive": True}

# Scalars
m = sp.Symbol("m", **pos)
nu = sp.Symbol("nu", **pos)
d = sp.Symbol("d", integer=True, positive=True)
T = sp.Symbol("T", **pos)
T_D = sp.Symbol("T_D", **pos)
E_K = sp.Symbol("E_K", **pos)
D = sp.Symbol("D", **pos)
a = sp.Symbol("a", **pos)
c0 = sp.Symbol("c_0", **pos)
k = sp.Symbol("k", **pos)
k_D = sp.Symbol("k_D", **pos)
rho = sp.Symbol("rho", **pos)
u0 = sp.Symbol("u_0", real=True)
E = sp.Symbol("E", real=True)
r0 = sp.Symbol("r_0", **pos)
E0 = sp.Symbol("E_0", real=True)
E1 = sp.Symbol("E_1", real=True)
J = sp.Symbol("J_ij", real=True)
M = sp.Symbol("M", **pos)  # mass carried by one lattice site (section 4)
omega_k = sp.Symbol("omega_k", **pos)  # phonon frequency (43)

# One direction (separable 1D steps)
x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
X = sp.Symbol("X", real=True)  # displacement between two Gaussian centres
xi = sp.Symbol("x_i", real=True)  # Gaussian centres
xj = sp.Symbol("x_j", real=True)
l = sp.Symbol("l", **pos)  # noqa: E741 (the paper's Gaussian width)
eps = sp.Symbol("epsilon", **pos)
omega = sp.Symbol("omega", **pos)
Omega = sp.Symbol("Omega", **pos)
U = sp.Symbol("U", **pos)
k0 = sp.Symbol("k_0", **pos)
lam = sp.Symbol("lambda", **pos)
E_R = sp.Symbol("E_R", **pos)
s_int = sp.Symbol("s", real=True)  # dummy integration variable
xv = sp.Symbol("x", positive=True)  # k/k_D in the Debye integral
kr = sp.Symbol("kappa", positive=True)  # radial wave number in the Debye sphere


def _vec(name: str, **kw: bool) -> tuple[sp.Symbol, sp.Symbol, sp.Symbol]:
    return (
        sp.Symbol(f"{name}_1", **kw),
        sp.Symbol(f"{name}_2", **kw),
        sp.Symbol(f"{name}_3", **kw),
    )


# Anisotropic d = 3
r_v = _vec("r", real=True)
eps_v = _vec("epsilon", **pos)
omega_v = _vec("omega", **pos)
Omega_v = _vec("Omega", **pos)
U_v = _vec("U", **pos)
k0_v = _vec("k0", **pos)
l_v = _vec("l", **pos)
lam_v = _vec("lambda", **pos)
E_R_v = _vec("E_R", **pos)
k_v = _vec("k", real=True)
ni_v = _vec("n_i", integer=True)  # lattice-site indices of r_i and r_j
nj_v = _vec("n_j", integer=True)
R_v = _vec("R", real=True)  # a lattice-site position r_j (the Taylor point of Φ)
a_v = _vec("a", real=True)  # the vector argument a of U(a) in (44)
# Lattice sums Σ_j Φ(r_j) and Σ_j ∂²Φ/∂r_α² (r_j), j ≠ 0, kept as symbols
S0 = sp.Symbol("Sigma_Phi", real=True)
S2_v = _vec("Sigma_Phi2", real=True)

Phi = sp.Function("Phi")
w = sp.Function("w")
U_L = sp.Function("U_L")
U_pair = sp.Function("U")  # the smeared pair interaction U(a_ij) after (44), one argument |a_ij|

_energy = [T, T_D, E_K, u0, E, E0, E1, J, eps, omega, Omega, U, E_R, S0, omega_k]
_energy += [*eps_v, *omega_v, *Omega_v, *U_v, *E_R_v]
_length = [a, x, y, X, xi, xj, l, lam, s_int, r0, *r_v, *l_v, *lam_v, *R_v, *a_v]
_inv_length = [k, kr, k_D, k0, *k0_v, *k_v]

DIMS: dict[sp.Basic, Dim] = {}
DIMS.update({s: ENERGY for s in _energy})
DIMS.update({s: LENGTH for s in _length})
DIMS.update({s: DIMENSIONLESS / LENGTH for s in _inv_length})
DIMS.update({s: DIMENSIONLESS for s in [nu, d, xv, *ni_v, *nj_v]})
DIMS[m] = MASS
DIMS[M] = MASS
DIMS[D] = ENERGY / LENGTH**2  # a curvature of an interaction energy, (44)
DIMS[c0] = ENERGY * LENGTH  # a velocity with ħ = 1: energy × length
DIMS[rho] = UNITS.of(0, -d)  # number density in d dimensions
DIMS.update({s: ENERGY / LENGTH**2 for s in S2_v})

FUNCTION_DIMS: dict[str, Dim] = {
    "Phi": ENERGY,
    "U_L": ENERGY,
    "U": ENERGY,
    "U_0": ENERGY,
    "V_H": ENERGY,
    "w": UNITS.of(0, -d / 2),
    "varphi": UNITS.of(0, -d / 2),
}
