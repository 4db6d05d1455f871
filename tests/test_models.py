"""Models: lattice sums, interactions and model files against independent references.

References: lattice sums of r^(−2s) from the Mellin integral of Jacobi theta functions
(mpmath, 30 digits; published values for the simple cubic lattice); the smearing integral
of (44) by one-dimensional mpmath quadrature of the radial convolution; T_D from its
closed form. Hostile and malformed model files must be refused with the file and key.
"""

import json
import math
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
from conftest import assert_generated_lints_clean

from qcrystal import models
from qcrystal.codegen import model_module as model_gen
from qcrystal.models import smearing
from qcrystal.models.lattice_sums import Lattice, LatticeSumError, lattice_sum

EXAMPLES_DIR = Path(__file__).parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.toml"))


def _theta(t, a):
    x = t * a * a
    if x >= mp.pi:
        return mp.jtheta(3, 0, mp.exp(-x))
    return mp.sqrt(mp.pi / x) * mp.jtheta(3, 0, mp.exp(-(mp.pi**2) / x))  # Jacobi's transform


def theta_sum(s, spacings):
    """Σ_{n≠0} |n·a|^(−2s) = Γ(s)^(−1) ∫ t^(s−1) (Π_α θ₃(e^(−t a_α²)) − 1) dt."""
    with mp.workdps(30):
        f = lambda t: t ** (s - 1) * (mp.fprod(_theta(t, a) for a in spacings) - 1)  # noqa: E731
        return float(mp.quad(f, [0, 0.1, 1, 10, mp.inf]) / mp.gamma(s))


@pytest.mark.parametrize(
    ("spacings", "n"),
    [((1.0,), 4), ((1.0,), 6), ((1.0, 1.0), 4), ((1.0, 1.0), 6), ((1.0, 1.0, 1.0), 6),
     ((1.0, 1.0, 1.0), 12), ((1.0, 1.3, 0.8), 6), ((0.7, 1.1), 12)],
)  # fmt: skip
def test_power_law_sums_against_theta_functions(spacings, n):
    res = lattice_sum(
        lambda x, y, z: (x * x + y * y + z * z) ** (-n / 2), Lattice(spacings), power=n
    )
    ref = theta_sum(n / 2, spacings)
    assert abs(res.value - ref) <= max(res.error, 1e-12 * abs(ref))  # the stated error holds
    assert res.error <= 1e-8 * abs(ref)


def test_simple_cubic_constants_match_published_values():
    # Lennard-Jones lattice constants of the simple cubic lattice: 8.40192, 6.20215.
    lat = Lattice((1.0, 1.0, 1.0))
    a6 = lattice_sum(lambda x, y, z: (x * x + y * y + z * z) ** -3, lat, power=6).value
    a12 = lattice_sum(lambda x, y, z: (x * x + y * y + z * z) ** -6, lat, power=12).value
    assert round(a6, 5) == 8.40192 and round(a12, 5) == 6.20215


def test_divergent_and_unconverged_sums_are_refused():
    with pytest.raises(LatticeSumError, match="diverges"):
        lattice_sum(lambda x, y, z: 1 / np.sqrt(x * x + y * y), Lattice((1.0, 1.0)), power=1)
    with pytest.raises(LatticeSumError, match="did not converge"):
        # r^-4 in 3D converges, but too slowly for 1e-12 within the point budget.
        lattice_sum(
            lambda x, y, z: (x * x + y * y + z * z) ** -2, Lattice((1.0,) * 3), power=4, rtol=1e-12
        )


def test_decay_power_is_measured_when_not_given():
    res = lattice_sum(lambda x, y, z: (x * x + y * y + z * z) ** -3, Lattice((1.0, 1.0)))
    assert abs(res.value - theta_sum(3, (1.0, 1.0))) <= res.error


def test_dipolar_energy_in_3d_converges_only_conditionally():
    text = _model("cubic", 'kind = "dipolar"\nC_dd = 0.5\ndirection = [0, 0, 1]', depth=200)
    qs = models.quantities(models.loads(text))
    notes = " ".join(qs.notes)
    assert "conditionally" in notes


def _model(kind, interaction, depth=30.0, extra=""):
    return f"""
[model]
mass = 1.0
filling = 1.0
[lattice]
kind = "{kind}"
wavelength = 2.0
depth = {depth}
{extra}
[interaction]
{interaction}
"""


def _q(qs, symbol):
    return qs[symbol]


def test_contact_model_has_no_intersite_quantities():
    qs = models.quantities(models.loads(_model("cubic", 'kind = "contact"\ng = 0.3')))
    assert _q(qs, "Ω²") == (0.0, 0.0, 0.0) and _q(qs, "D") == 0.0 and _q(qs, "T_D") == 0.0
    assert _q(qs, "u₀") == 0.0 and math.isinf(_q(qs, "r₀/a"))


@pytest.mark.parametrize(("kind", "d"), [("chain", 1), ("square", 2), ("cubic", 3)])
def test_power_law_omega_against_theta_sum(kind, d):
    # Σ_j ∂²(C r^-n)/∂x² = C n(n + 2 − d)/d Σ_j r^-(n+2) on a cubic-symmetric lattice.
    C, n = 7.0, 6
    qs = models.quantities(models.loads(_model(kind, f'kind = "power_law"\nC = {C}\nn = {n}')))
    ref = 2 * C * n * (n + 2 - d) / d * theta_sum((n + 2) / 2, (1.0,) * d)
    assert all(abs(v / ref - 1) < 1e-8 for v in _q(qs, "Ω²"))
    assert abs(_q(qs, "u₀") / (C * theta_sum(n / 2, (1.0,) * d)) - 1) < 1e-8


def _smeared_laplacian_3d(phi, a, width):
    """∇² of Φ smeared by N(0, l²) per direction, at distance a: radial convolution, 1D quad.

    U(a) = ∫₀^∞ ρΦ(ρ)[g(ρ − a) − g(ρ + a)] dρ / (a l √(2π)), g(u) = e^(−u²/2l²), and
    ∇²U = (aU)''/a moves the derivatives onto g.
    """
    with mp.workdps(30):
        a, w = mp.mpf(a), mp.mpf(width)
        g2 = lambda u: (u * u / w**4 - 1 / w**2) * mp.exp(-u * u / (2 * w * w))  # noqa: E731
        f = lambda rho: rho * phi(rho) * (g2(rho - a) - g2(rho + a))  # noqa: E731
        cuts = sorted({mp.mpf(0), max(mp.mpf(0), a - 8 * w), a, a + 8 * w})
        return float(mp.quad(f, [*cuts, mp.inf]) / (a * w * mp.sqrt(2 * mp.pi)))


def _yukawa_smeared_laplacian(A, xi, a, width):
    """∇² of A e^(−r/ξ)/r smeared by N(0, l²): its closed form (erfc), differentiated by mpmath."""
    with mp.workdps(40):
        k, w = 1 / mp.mpf(xi), mp.mpf(width)

        def U(r):
            pre = A * mp.exp(k * k * w * w / 2) / (2 * r)
            s2w = mp.sqrt(2) * w
            return pre * (
                mp.exp(-k * r) * mp.erfc((k * w * w - r) / s2w)
                - mp.exp(k * r) * mp.erfc((k * w * w + r) / s2w)
            )

        a = mp.mpf(a)
        return float(mp.diff(U, a, 2) + 2 * mp.diff(U, a, 1) / a)


def _gauss_hermite_laplacian(lap_phi, a, width, d, nodes=60):
    """∫ ∇²Φ(a + s) N(0, l²)^d ds by a tensor Gauss–Hermite rule (Φ smooth everywhere)."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / np.sqrt(2 * np.pi)
    grids = np.meshgrid(*([x * width] * d), indexing="ij")
    weights = np.prod(np.meshgrid(*([w] * d), indexing="ij"), axis=0)
    pts = [g.ravel() for g in grids]
    pts[0] = pts[0] + a
    return float(np.sum(weights.ravel() * lap_phi(*pts)))


def _rydberg_laplacian(C6, Rc, d):
    def lap(*xs):
        r2 = sum(x * x for x in xs)
        # f = C6/(Rc⁶ + r⁶): f' = −6C6 r⁵/D², f'' = C6(72 r¹⁰/D³ − 30 r⁴/D²), ∇² = f'' + (d−1)f'/r
        den = Rc**6 + r2**3
        return C6 * (72 * r2**5 / den**3 - 30 * r2**2 / den**2) - (d - 1) * 6 * C6 * r2**2 / den**2

    return lap


def test_dynamic_parameter_yukawa_against_its_closed_form():
    qs = models.quantities(
        models.loads(
            _model("cubic", 'kind = "custom"\nexpression = "A*exp(-r/xi)/r"\n'
                   "parameters = {A = 30.0, xi = 0.8}")
        )
    )  # fmt: skip
    ref = _yukawa_smeared_laplacian(30.0, 0.8, 1.0, _q(qs, "l")[0]) / 3
    # The core overlap (∝ e^(−a²/2l²)) is 2e-4 of D here: a gradient expansion misses it.
    assert abs(_q(qs, "D") / ref - 1) < 1e-12


@pytest.mark.parametrize(("kind", "d"), [("chain", 1), ("cubic", 3)])
def test_dynamic_parameter_rydberg_against_gauss_hermite(kind, d):
    qs = models.quantities(models.loads(_model(kind, 'kind = "rydberg"\nC6 = 200.0\nR_c = 0.6')))
    ref = _gauss_hermite_laplacian(_rydberg_laplacian(200.0, 0.6, d), 1.0, _q(qs, "l")[0], d) / d
    assert abs(_q(qs, "D") / ref - 1) < 1e-10


def test_dynamic_parameter_gaussian_core_exact_against_quadrature():
    # σ = 0.45: the nearest neighbour sits where the core is convex (D > 0, phonons exist)
    qs = models.quantities(
        models.loads(_model("cubic", 'kind = "gaussian"\nV0 = 40.0\nsigma = 0.45'))
    )
    phi = lambda r: 40 * mp.exp(-r * r / (2 * mp.mpf("0.45") ** 2))  # noqa: E731
    ref = _smeared_laplacian_3d(phi, 1.0, _q(qs, "l")[0]) / 3
    assert _q(qs, "D") > 0 and abs(_q(qs, "D") / ref - 1) < 1e-12
    # T_D = √(4π) √(νD/m) [(d/2)Γ(d/2)]^(1/d), d = 3, from its closed form at 30 digits
    with mp.workdps(30):
        three = mp.mpf(3)
        td_ref = mp.sqrt(4 * mp.pi * _q(qs, "D")) * (three / 2 * mp.gamma(three / 2)) ** (1 / three)
    assert abs(_q(qs, "T_D") / float(td_ref) - 1) < 1e-14


def test_hard_core_smearing_divergence_is_reported():
    qs = models.quantities(
        models.loads(_model("cubic", 'kind = "lennard_jones"\nepsilon = 10.0\nsigma = 0.9'))
    )
    notes = " ".join(qs.notes)
    assert "diverges" in notes and "U(a) = Φ(a)" in notes


_CONTACT = _model("cubic", 'kind = "contact"\ng = 1')
BAD_MODELS = [
    ("[model]\nmass = 1\n", "missing section [lattice]"),
    (_CONTACT.replace("mass = 1.0", "mass = -1.0"), "[model] mass (line 3) must be > 0"),
    (_CONTACT.replace("mass = 1.0", 'mass = "heavy"'), "mass"),
    (_CONTACT.replace("mass = 1.0\n", ""), "missing mass"),
    (_CONTACT.replace("wavelength = 2.0", "wavelength = 0"), "wavelength (line 7) must be > 0"),
    (_model("hexagonal", 'kind = "contact"\ng = 1'), "not one of chain, square, cubic"),
    (_model("cubic", 'kind = "contact"\ng = 1', extra="colour = 3"), "unknown key"),
    (_model("cubic", 'kind = "contact"\ng = 1') + "\n[extra]\nx = 1\n", "unknown section [extra]"),
    (_model("cubic", 'kind = "yukawa"\ng = 1'), "unknown interaction kind 'yukawa'"),
    (_model("cubic", 'kind = "rydberg"\nC6 = 1.0\nRc = 1.0'), "unknown parameter(s) Rc"),
    (_model("cubic", 'kind = "custom"\nexpression = "__import__(\'os\').system(\'x\')"'),
     "cannot be called"),
    (_model("cubic", 'kind = "custom"\nexpression = "r.__class__"'), "not plain mathematics"),
    (_model("cubic", 'kind = "custom"\nexpression = "q / r"'), "unknown name 'q'"),
    (_model("square", 'kind = "contact"\ng = 1').replace("depth = 30.0", "depth = [1, 2, 3]"),
     "needs 2 values"),
    ("this is = not [toml", "not valid TOML"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_MODELS)
def test_bad_model_files_are_refused_with_the_file_and_key(text, message):
    with pytest.raises(models.ModelError) as info:
        models.loads(text, source="bad.toml")
    assert "bad.toml" in str(info.value) and message in str(info.value)


def test_custom_expression_error_points_at_its_line():
    text = _model("cubic", 'kind = "custom"\nexpression = "C / r ^ 3"\nparameters = {C = 1.0}')
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("expression"))
    with pytest.raises(models.ModelError, match=f"bad.toml:{line}:"):
        models.loads(text, source="bad.toml")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_runs_through_the_cli(path, qc):
    out = qc("model", "show", path, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    symbols = [q["symbol"] for q in data["quantities"]]
    for needed in ("ω", "E_R", "E_K", "Ω²", "ε", "l", "J_nn", "D", "c₀", "T_D", "r₀/a", "T_melt"):
        assert needed in symbols


def test_cli_set_and_errors(qc):
    path = str(EXAMPLES[0])
    ok = qc("model", "show", path, "--set", "lattice.temperature=0.3")
    assert ok.returncode == 0 and "T = 0.3" in ok.stdout
    bad = qc("model", "show", path, "--set", "lattice.depth=-4")
    assert bad.returncode == 2 and "depth must be >= 0" in bad.stderr
    missing = qc("model", "show", "nope.toml")
    assert missing.returncode == 2 and "cannot read" in missing.stderr


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_per_model_codegen_selfcheck(path, tmp_path, qc):
    out = qc("codegen", "--model", path, "--out", tmp_path, "--selfcheck")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FAIL" not in out.stdout and out.stdout.count(" ok") == len(model_gen.CHECKS)
    module = next(tmp_path.glob("*.py"))
    text = module.read_text()
    assert text.startswith("# Generated by qcrystal.codegen: do not edit by hand.")
    assert_generated_lints_clean(module)


def test_per_model_codegen_is_deterministic():
    from qcrystal.codegen import model_module as model_gen

    path = next(p for p in EXAMPLES if p.stem == "rydberg")
    assert model_gen.render_model(path) == model_gen.render_model(path)


def test_per_model_codegen_refuses_what_it_cannot_specialise(tmp_path, qc):
    bad = tmp_path / "aniso.toml"
    bad.write_text(_model("square", 'kind = "power_law"\nC = 1.0\nn = 6').replace(
        "wavelength = 2.0", "wavelength = [2.0, 3.0]"))  # fmt: skip
    out = qc("codegen", "--model", bad, "--out", tmp_path)
    assert out.returncode == 2 and "one spacing and one depth" in out.stderr
    no_out = qc("codegen", "--model", bad)
    assert no_out.returncode == 2 and "needs --out" in no_out.stderr


def test_per_model_codegen_cannot_be_injected_through_the_name(tmp_path):
    from qcrystal.codegen import model_module as model_gen

    evil = tmp_path / "evil.toml"
    text = _model("chain", 'kind = "power_law"\nC = 1.0\nn = 6')
    # name = x""" <newline> import os … in TOML escapes: a line break is refused outright
    attack = 'name = "x\\"\\"\\"\\nimport os; os.system(\\"echo pwned\\")\\n\\"\\"\\""'
    evil.write_text(text.replace("mass = 1.0", attack + "\nmass = 1.0"))
    with pytest.raises(models.ModelError, match=r"name .* must be printable"):
        models.load(evil)
    # on one line, quotes that would close the docstring are made inert
    attack = 'name = "x\\"\\"\\"; import os; os.system(\\"echo pwned\\"); \\"\\"\\""'
    evil.write_text(text.replace("mass = 1.0", attack + "\nmass = 1.0"))
    assert "import os" in models.load(evil).name  # the TOML string really holds the attack
    code = model_gen.render_model(evil)
    import ast

    tree = ast.parse(code)  # still valid Python, and the attack is no code in it
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "os" not in imported
    assert not any(isinstance(n, ast.Attribute) and n.attr == "system" for n in ast.walk(tree))
    assert '"""x' not in code


def test_self_consistent_smeared_omega_against_the_exact_gaussian_fixed_point():
    # Gaussian core smeared by N(0, l²): again a Gaussian, of width s² = σ² + l². Its exact
    # lattice sum Σ ∂²_x U_l, summed directly to |n| ≤ 8 (terms < e^-60), and the fixed point
    # ε = √(ω² + 2ν/m Σ ∂²_x U_l), l² = 1/(mε), found by mpmath.findroot.
    V0, sigma, depth = 40.0, 0.45, 30.0
    text = _model("cubic", f'kind = "gaussian"\nV0 = {V0}\nsigma = {sigma}', depth=depth)
    qs = models.quantities(
        models.loads(text.replace("filling = 1.0", 'filling = 1.0\nomega = "smeared"'))
    )
    eps_ours = _q(qs, "ε")[0]
    notes = " ".join(qs.notes)
    assert "self-consistent" in notes and "converged" in notes
    n = np.arange(-8, 9)
    X, Y, Z = (g.ravel() for g in np.meshgrid(n, n, n, indexing="ij"))
    keep = (X != 0) | (Y != 0) | (Z != 0)
    X, Y, Z = (mp.matrix(list(map(int, v[keep]))) for v in (X, Y, Z))
    with mp.workdps(30):
        omega = 2 * mp.sqrt(depth * mp.pi**2 / 2)  # ω = 2√(U E_R), E_R = π²/2 for a = 1, m = 1

        def residual(eps):
            s2 = mp.mpf(sigma) ** 2 + 1 / eps
            pre = V0 * (mp.mpf(sigma) ** 2 / s2) ** mp.mpf(1.5)
            total = mp.fsum(
                pre * mp.exp(-(x * x + y * y + z * z) / (2 * s2)) * (x * x / s2**2 - 1 / s2)
                for x, y, z in zip(X, Y, Z, strict=True)
            )
            return eps**2 - omega**2 - 2 * total

        eps_exact = float(mp.findroot(residual, mp.mpf(eps_ours)))
    # The expansion stops at l⁴; the note states the first omitted term, which must cover
    # the true error (an asymptotic series: within a small factor of the next term).
    stated = float(notes.split("uncertain by ≈ ")[1].split(" ")[0])
    assert abs(eps_ours - eps_exact) <= 3 * stated
    # and it moved ε away from the bare value by far more than that
    bare = _q(models.quantities(models.loads(text)), "ε")[0]
    assert abs(bare / eps_exact - 1) > 1e-2


def test_unknown_omega_mode_is_refused():
    text = _model("cubic", 'kind = "contact"\ng = 1').replace(
        "filling = 1.0", 'filling = 1.0\nomega = "both"'
    )
    with pytest.raises(models.ModelError, match="omega must be one of bare, smeared"):
        models.loads(text, source="bad.toml")


def _power_curvature_sum(n, d):
    """Σ_j ∂²_x r^-n over the unit chain/square/cubic lattice: n(n + 2 − d)/d Σ_j r^-(n+2)."""
    return n * (n + 2 - d) / d * theta_sum((n + 2) / 2, (1.0,) * d)


def test_lennard_jones_omega_is_two_power_laws():
    eps, sig = 10.0, 0.9
    qs = models.quantities(
        models.loads(_model("cubic", f'kind = "lennard_jones"\nepsilon = {eps}\nsigma = {sig}'))
    )
    ref = (
        2 * 4 * eps * (sig**12 * _power_curvature_sum(12, 3) - sig**6 * _power_curvature_sum(6, 3))
    )
    assert all(abs(v / ref - 1) < 1e-8 for v in _q(qs, "Ω²"))
    # bare U(a) (the r^-12 core makes smearing diverge): D = ν²/d ∇²Φ(a), Φ radial, a = 1
    lap = 4 * eps * (sig**12 * 12 * 11 - sig**6 * 6 * 5)  # ∇²r^-n = n(n + 2 − d) r^-(n+2), r = 1
    assert abs(_q(qs, "D") / (lap / 3) - 1) < 1e-12


def test_dipoles_perpendicular_to_a_square_lattice_are_a_power_law():
    qs = models.quantities(
        models.loads(_model("square", 'kind = "dipolar"\nC_dd = 2.0\ndirection = [0, 0, 1]'))
    )
    ref = 2 * 2.0 * _power_curvature_sum(3, 2)
    assert all(abs(v / ref - 1) < 1e-8 for v in _q(qs, "Ω²"))


def test_rydberg_omega_by_its_power_series():
    # C6/(R_c⁶ + r⁶) = C6 Σ_k (−R_c⁶)^k r^-(6+6k) for r ≥ a = 1 > R_c: each term a theta sum.
    C6, Rc = 200.0, 0.6
    qs = models.quantities(
        models.loads(_model("cubic", f'kind = "rydberg"\nC6 = {C6}\nR_c = {Rc}'))
    )
    ref = 2 * C6 * sum((-(Rc**6)) ** k * _power_curvature_sum(6 + 6 * k, 3) for k in range(14))
    assert all(abs(v / ref - 1) < 1e-8 for v in _q(qs, "Ω²"))


@pytest.mark.parametrize(
    ("interaction", "message"),
    [
        ('kind = "power_law"\nC = nan\nn = 6', "must be a finite number"),
        ('kind = "rydberg"\nC6 = inf\nR_c = 1.0', "must be a finite number"),
        ('kind = "dipolar"\nC_dd = 1.0\ndirection = [nan, 0, 1]', "must be finite"),
    ],
)
def test_non_finite_interaction_parameters_are_refused(interaction, message):
    with pytest.raises(models.ModelError, match=message):
        models.loads(_model("cubic", interaction), source="bad.toml")


def test_filling_has_a_physical_bound():
    with pytest.raises(models.ModelError, match=r"filling \(line 4\) must be in \(0, 1e6\]"):
        models.loads(_CONTACT.replace("filling = 1.0", "filling = 1e308"), source="bad.toml")


def test_functions_numpy_lacks_still_evaluate():
    text = _model(
        "cubic", 'kind = "custom"\nexpression = "A*erf(r/s)/r**6 + B*abs(x)*exp(-r)"\n'
        "parameters = {A = 2.0, s = 0.5, B = 0.1}",
    )  # fmt: skip
    qs = models.quantities(models.loads(text))
    assert all(math.isfinite(v) for v in _q(qs, "Ω²"))


def test_custom_anisotropic_core_is_detected_like_the_builtin():
    custom = _model("square", 'kind = "custom"\nexpression = "(1 - 3*x**2/r**2)/r**3"')
    builtin = _model("square", 'kind = "dipolar"\nC_dd = 1.0\ndirection = [1, 0, 0]')
    d1 = _q(models.quantities(models.loads(custom)), "D")
    d2 = _q(models.quantities(models.loads(builtin)), "D")
    assert abs(d1 - d2) <= 1e-12 * abs(d2)


def test_a_summand_that_vanishes_at_every_site_sums_to_zero():
    res = lattice_sum(lambda x, y, z: 0.0 * x, Lattice((1.0,)), power=math.inf)
    assert res.value == 0.0 and res.shells <= 3


def test_per_model_codegen_refuses_smeared_omega_and_what_fails_its_check(tmp_path, qc):
    smeared = tmp_path / "smeared.toml"
    smeared.write_text(
        _model("cubic", 'kind = "rydberg"\nC6 = 200.0\nR_c = 0.6').replace(
            "filling = 1.0", 'filling = 1.0\nomega = "smeared"'
        )
    )  # fmt: skip
    out = qc("codegen", "--out", tmp_path / "gen", "--model", smeared)
    assert out.returncode == 2 and "only in `qcrystal model show`" in out.stderr
    weak = tmp_path / "weak.toml"
    weak.write_text(_model("cubic", 'kind = "power_law"\nC = -3.0\nn = 6'))
    # At half the depth the attraction wins (ω² + Ω² ≤ 0): the check cannot pass there,
    # so nothing is written.
    out = qc("codegen", "--out", tmp_path / "gen", "--model", weak, "--selfcheck")
    assert out.returncode == 2 and "no localized state" in out.stderr
    assert not (tmp_path / "gen").exists()


def test_gaussian_core_on_a_square_lattice_is_generated_exactly(tmp_path):
    from qcrystal.codegen import model_module as model_gen

    path = tmp_path / "gsq.toml"
    path.write_text(_model("square", 'kind = "gaussian"\nV0 = 10.0\nsigma = 0.35', depth=2.0))
    module, _ = model_gen.write_model(path, tmp_path)
    assert all(err <= tol for _, err, tol in model_gen.selfcheck(path, module))


@pytest.mark.parametrize(
    "text, d",
    [
        ("5 / (13/10 + 37/100*r**2 + r**4)**2", 3),
        ("5 / (13/10 + 37/100*r**2 + r**4)**2", 2),
        ("2 / (r * (1 + r))", 1),
        ("r**2 / (1 + r**5)", 3),
    ],
)
def test_radial_rational_laplacians_agree_with_the_cancelling_chain(text, d):
    """The GCD-free P/(Q^m r^j) chain against the general path (each ∇² cancelled to
    lowest terms by SymPy), by mpmath at 50 digits at distances a lattice sum visits."""
    import mpmath as mp
    import sympy as sp

    from qcrystal.models import interactions

    r = interactions.R
    g = sp.sympify(text, locals={"r": r})  # a test-owned literal, not user input
    reference = g
    for g1, g2 in smearing._radial_rational_derivatives(g, d, 3):
        ref1, ref2 = sp.diff(reference, r), sp.diff(reference, r, 2)
        for got, ref in ((g1, ref1), (g2, ref2)):
            f_got, f_ref = sp.lambdify(r, got, "mpmath"), sp.lambdify(r, ref, "mpmath")
            with mp.workdps(50):
                for x in ("0.7", "1", "2.5", "9"):
                    want = f_ref(mp.mpf(x))
                    assert abs(f_got(mp.mpf(x)) - want) <= mp.mpf(10) ** -40 * (1 + abs(want))
        reference = sp.cancel(ref2 + (d - 1) * ref1 / r)


def test_a_slow_absolutely_convergent_sum_is_reported_with_its_error():
    """Σ_j ∂²_x r^-3 over the simple cubic lattice: the shells fall like n^-3, so 1e-8 is not
    reached within the point budget. By symmetry it is (1/3) Σ ∇² r^-3 = 2 Σ r^-5."""
    lat = Lattice((1.0, 1.0, 1.0))

    def curvature(x, y, z):
        r2 = x * x + y * y + z * z
        return 3 * (5 * x * x / r2 - 1) * r2**-2.5

    with pytest.raises(LatticeSumError, match="did not converge"):
        lattice_sum(curvature, lat, power=5)
    res = lattice_sum(curvature, lat, power=5, accept=1e-6)
    ref = 2 * theta_sum(2.5, (1.0, 1.0, 1.0))
    assert abs(res.value - ref) <= res.error <= 1e-6 * abs(ref)
    assert "relative error" in res.note


def test_wide_gaussians_are_flagged_as_unreliable():
    """l/a > 1/2: neighbouring Gaussians overlap and the localized picture is not to be
    trusted; model show (and so state) must say so, and a localized model must not."""
    light = models.load(EXAMPLES_DIR / "dipolar.toml", {"model.mass": 0.01})
    flagged = list(models.quantities(light).warnings)
    assert any("l/a = 0.53 > 1/2" in note for note in flagged)
    assert not models.quantities(models.load(EXAMPLES_DIR / "rydberg.toml")).warnings


def test_depth_in_recoil_energies():
    """recoil_depth = s gives U_α = s·E_R,α, E_R,α = (2π/λ_α)²/2m, computed here by hand."""
    base = (EXAMPLES_DIR / "rydberg.toml").read_text()
    s, lam, mass = 6.0, 2.0, 1.0
    e_r = (2 * math.pi / lam) ** 2 / (2 * mass)
    by_s = models.loads(base.replace("depth = 30.0", f"recoil_depth = {s}"))
    by_u = models.loads(base.replace("depth = 30.0", f"depth = {s * e_r!r}"))
    assert by_s.depth == pytest.approx(by_u.depth, rel=1e-15)
    q_s = {q.symbol: q.value for q in models.quantities(by_s)}
    assert q_s["ω"][0] == pytest.approx(2 * math.sqrt(e_r * s * e_r), rel=1e-14)  # (34)
    # Exactly one of the two; an override of the depth replaces either.
    with pytest.raises(models.ModelError, match="exactly one of depth"):
        models.loads(base.replace("depth = 30.0", "depth = 30.0\nrecoil_depth = 6.0"))
    with pytest.raises(models.ModelError, match="got neither"):
        models.loads(base.replace("depth = 30.0", ""))
    over = models.loads(
        base.replace("depth = 30.0", "recoil_depth = 6.0"), "f", {"lattice.depth": 3}
    )
    assert over.depth == (3.0, 3.0, 3.0)
