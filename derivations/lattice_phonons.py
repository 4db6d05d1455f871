"""The optical lattice in the phonons: the on-site restoring force the paper drops.

Section 4 expands only the interaction part of (6) in the displacements u_j about the
sites a_j of (39)–(40). The lattice part, Σ_j ∫ |w(r − a_j − u_j)|² U_L(r) dr, depends on
u_j too. For the sin² lattice (2) and the Gaussians (29) it is derived here per direction:
the Gaussian average of U sin²(k₀x) about a displaced centre, its second order in u (a site
a_j at a minimum of U_L), the spring constant, and the gap it puts under every phonon
branch, ω_g² = ω² e^(−k₀²/(mε)), with ω = 2√(E_R U) the lattice frequency (34): the
harmonic frequency of the well itself, reduced by the Gaussian's spread over it. Not a
derivation of the paper (no record): a model option, off by default as the paper has it.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from qcrystal.symbolic import Builder, Derivation, taylor_polynomial
from qcrystal.symbolic.gaussian_integral import gaussian_integral

from .symbols import E_R, U, eps, k0, m

__all__ = ["derive_lattice_gap", "u_disp"]

u_disp = sp.Symbol("u", real=True)  # the displacement of a site along one direction
_x = sp.Symbol("x", real=True)
_l = sp.Symbol("l", positive=True)  # the Gaussian width of (29)


@cache
def derive_lattice_gap() -> Derivation:
    dv = Builder("lattice_gap", "the optical lattice's on-site restoring force")
    density = sp.exp(-((_x - u_disp) ** 2) / _l**2) / (sp.sqrt(sp.pi) * _l)  # |w|² of (29)
    energy = dv.step(
        "energy",
        sp.Integral(density * U * sp.sin(k0 * _x) ** 2, (_x, -sp.oo, sp.oo)),
        "the lattice term of (6) for one site, one direction: |w(x − u)|² of (29) times "
        "U sin²(k₀x) of (2), the site at the minimum x = 0",
        uses=("2", "6", "29"),
    )
    # the closed-form Gaussian rule (sin² through exponentials, the square completed)
    closed = sp.expand(gaussian_integral(energy.function, _x)).rewrite(sp.cos)
    # the rewrite leaves e^(−k₀²l²) as cosh − sinh: back to one exponential
    closed = sp.factor(sp.simplify(closed.rewrite(sp.sinh, sp.exp).rewrite(sp.cosh, sp.exp)))
    closed = dv.step(
        "averaged",
        closed,
        "the Gaussian average: U/2 (1 − e^(−k₀²l²) cos 2k₀u)",
    )
    quadratic = dv.step(
        "second_order",
        taylor_polynomial(closed, u_disp, 3),
        "to second order in the displacement u (harmonic, as (43) is)",
        adds=("k₀u ≪ 1: terms O(u⁴) dropped",),
    )
    spring = dv.step(
        "spring",
        sp.diff(quadratic, u_disp, 2),
        "the spring constant ∂²E/∂u² at u = 0",
    )
    dv.step(
        "gap",
        sp.simplify((spring / m).subs(_l, 1 / sp.sqrt(m * eps))),
        "per unit mass, with l = 1/√(mε) of (29): ω_g² = (2Uk₀²/m) e^(−k₀²/(mε))",
        uses=("29",),
    )
    omega_sq = 4 * E_R * U  # (34), E_R = k₀²/(2m)
    dv.step(
        "in_lattice_frequency",
        sp.Symbol("omega", positive=True) ** 2 * sp.exp(-(k0**2) / (m * eps)),
        "the same as ω² e^(−k₀²/(mε)), ω² = 4E_R U of (34) with E_R = k₀²/(2m)",
        uses=("34",),
    )
    built = dv.build()
    check = sp.simplify(
        built.step("gap").expr
        - built.step("in_lattice_frequency").expr.subs(
            sp.Symbol("omega", positive=True) ** 2, omega_sq.subs(E_R, k0**2 / (2 * m))
        )
    )
    if check != 0:  # the two forms of the last steps must agree exactly
        raise RuntimeError(f"the lattice gap's two forms differ by {check}")
    return built
