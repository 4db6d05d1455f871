"""A second, small paper for the framework: the one-dimensional harmonic oscillator.

It shares nothing with Yukalov's paper — its own symbols, its own unit system (mass,
length, time, with ħ kept explicit), its own records — and runs through the same verify,
book and reports. Display (4) carries a deliberate misprint: ⟨x²⟩ printed as ħ/(mω),
where the derivation gives ħ/(2mω).
"""

from __future__ import annotations

import sympy as sp

from qcrystal.symbolic import Builder, Derivation, EquationRecord, Paper, Probe, UnitSystem

UNITS = UnitSystem(("mass", "length", "time"), named={"energy": (1, 2, -2), "action": (1, 2, -1)})
MASS, LENGTH, TIME = (UNITS.base(b) for b in UNITS.bases)

m, omega, hbar = sp.symbols("m omega hbar", positive=True)
x = sp.Symbol("x", real=True)
E0, X2, T_mean, V_mean = sp.symbols("E_0 X2 T V", real=True)
psi = sp.Function("psi")

DIMS = {
    m: MASS,
    omega: UNITS.dimensionless / TIME,
    hbar: UNITS.of(1, 2, -1),
    x: LENGTH,
    E0: UNITS.of(1, 2, -2),
    X2: LENGTH**2,
    T_mean: UNITS.of(1, 2, -2),
    V_mean: UNITS.of(1, 2, -2),
}
FUNCTION_DIMS = {"psi": UNITS.of(0, sp.Rational(-1, 2), 0)}

_ground = (m * omega / (sp.pi * hbar)) ** sp.Rational(1, 4) * sp.exp(-m * omega * x**2 / (2 * hbar))


def _hamiltonian_on(f: sp.Expr) -> sp.Expr:
    return -(hbar**2) / (2 * m) * sp.diff(f, x, 2) + m * omega**2 * x**2 / 2 * f


def _mean(operator_value: sp.Expr) -> sp.Expr:
    return sp.simplify(sp.integrate(operator_value, (x, -sp.oo, sp.oo)))


def derive_ground_state() -> Derivation:
    dv = Builder("2", "the Gaussian ground state")
    trial = sp.exp(-sp.Symbol("alpha", positive=True) * x**2)
    alpha = sp.Symbol("alpha", positive=True)
    ratio = dv.step("ratio", sp.expand(sp.simplify(_hamiltonian_on(trial) / trial)),
                    "H e^(−αx²) / e^(−αx²)", uses=("1",))  # fmt: skip
    (root,) = sp.solve(sp.Eq(ratio.coeff(x, 2), 0), alpha)
    dv.step("no_x_squared", sp.Eq(alpha, root), "an eigenfunction: the x² term vanishes",
            adds=("α > 0: normalisable",))  # fmt: skip
    norm = sp.integrate(trial.subs(alpha, root) ** 2, (x, -sp.oo, sp.oo))
    dv.step("normalised", trial.subs(alpha, root) / sp.sqrt(norm), "normalise: ∫ψ² = 1")
    return dv.build()


def derive_energy() -> Derivation:
    dv = Builder("3", "the ground-state energy")
    ground = derive_ground_state().result
    dv.step("eigenvalue", sp.simplify(_hamiltonian_on(ground) / ground), "H ψ₀ / ψ₀",
            uses=("1", "2"))  # fmt: skip
    dv.step("energy", sp.Eq(E0, sp.simplify(_hamiltonian_on(ground) / ground)), "E₀ is it")
    return dv.build()


def derive_spread() -> Derivation:
    dv = Builder("4", "the mean square displacement")
    ground = derive_ground_state().result
    value = dv.step("second_moment", _mean(x**2 * ground**2), "⟨x²⟩ = ∫ x² ψ₀² dx",
                    uses=("2",))  # fmt: skip
    dv.step("result", sp.Eq(X2, value), "name it")
    return dv.build()


def derive_virial() -> Derivation:
    dv = Builder("5", "the virial theorem")
    ground = derive_ground_state().result
    kinetic = dv.step("kinetic", _mean(ground * (-(hbar**2) / (2 * m)) * sp.diff(ground, x, 2)),
                      "⟨T⟩ = ∫ ψ₀ (−ħ²/2m) ψ₀″ dx", uses=("2",))  # fmt: skip
    potential = dv.step("potential", _mean(m * omega**2 * x**2 / 2 * ground**2),
                        "⟨V⟩ = ∫ (mω²x²/2) ψ₀² dx")  # fmt: skip
    dv.step("equal", sp.Eq(T_mean, potential), "⟨T⟩ = ⟨V⟩: both are ħω/4",
            adds=(f"⟨T⟩ = {sp.sstr(kinetic)}",))  # fmt: skip
    return dv.build()


RECORDS = (
    EquationRecord("1", 1, "definition", r"H = \frac{p^2}{2m} + \frac{m\omega^2 x^2}{2}", "model"),
    EquationRecord(
        "2", 1, "derived",
        r"\psi_0(x) = \left(\frac{m\omega}{\pi\hbar}\right)^{1/4} e^{-m\omega x^2/2\hbar}",
        "ground state", printed=_ground, derive=derive_ground_state,
    ),
    EquationRecord("3", 2, "derived", r"E_0 = \frac{\hbar\omega}{2}", "energy",
                   printed=sp.Eq(E0, hbar * omega / 2), derive=derive_energy),
    # The misprint: the paper prints ħ/(mω); the derivation gives ħ/(2mω).
    EquationRecord("4", 2, "derived", r"\langle x^2 \rangle = \frac{\hbar}{m\omega}", "spread",
                   printed=sp.Eq(X2, hbar / (m * omega)), derive=derive_spread),
    EquationRecord("5", 2, "derived", r"\langle T \rangle = \langle V \rangle", "virial",
                   printed=sp.Eq(T_mean, hbar * omega / 4), derive=derive_virial),
)  # fmt: skip

OSCILLATOR = Paper(
    title="The quantum harmonic oscillator",
    author="A. Student",
    sections={1: "The model", 2: "Ground-state averages"},
    records=RECORDS,
    units=UNITS,
    dimensions=DIMS,
    function_dimensions=FUNCTION_DIMS,
    probe=Probe(points=5, digits=30, agree=20, simplify_seconds=5.0),
)
