"""The four states: the paper's six cases, crossovers, the Lindemann rule, diagrams, CLI.

Points are placed deep inside each region of the paper's closing classification (every
ordering by a factor 1000, against the margin 10), next to each boundary (factor 3), and
checked against the independent Lindemann ratio of the generated lindemann_ratio.
"""

import json

import numpy as np
import pytest

import qcrystal
from qcrystal import states
from qcrystal.states import diagram as phase_diagram

# (ω, E_K, T_D) with every ≪ by a factor of 1000 or more; E_K = 1.
SIX_CASES = [
    ((1e-3, 1.0, 1e-7), "conducting_optical_lattice"),  # shallow, T_D ≪ ω
    ((1e-6, 1.0, 1e-3), "delocalized_quantum_crystal"),  # shallow, ω ≪ T_D ≪ E_K
    ((1e-3, 1.0, 1e3), "localized_quantum_crystal"),  # shallow, E_K ≪ T_D
    ((1e3, 1.0, 1e-3), "conducting_optical_lattice"),  # deep, T_D ≪ E_K
    ((1e6, 1.0, 1e3), "insulating_optical_lattice"),  # deep, E_K ≪ T_D ≪ ω
    ((1e3, 1.0, 1e6), "localized_quantum_crystal"),  # deep, ω ≪ T_D
]


@pytest.mark.parametrize(("scales", "expected"), SIX_CASES)
def test_the_six_cases_of_the_paper(scales, expected):
    assert states.classify(*scales) == expected
    assert states.reasons(*scales)["state"] == expected


def test_vectorized_and_broadcasting():
    omega = np.array([c[0][0] for c in SIX_CASES])
    T_D = np.array([c[0][2] for c in SIX_CASES])
    got = states.classify(omega, 1.0, T_D)
    assert got.tolist() == [c[1] for c in SIX_CASES]
    grid = states.classify(omega[:, None], 1.0, T_D[None, :])
    assert grid.shape == (6, 6)


@pytest.mark.parametrize(
    "scales",
    [
        (1.0, 1.0, 1e-6),  # ω ≈ E_K: neither shallow nor deep
        (1e-3, 1.0, 3e-3),  # shallow, T_D only 3× above ω
        (1e-3, 1.0, 3.0),  # shallow, T_D only 3× above E_K
        (1e3, 1.0, 3.0),  # deep, T_D only 3× above E_K
        (1e3, 1.0, 3e2),  # deep, T_D only 3× below ω
    ],
)
def test_crossover_near_each_boundary(scales):
    assert states.classify(*scales) == "crossover"


def test_margin_is_the_factor_read_as_much_less():
    assert states.classify(1e-3, 1.0, 30.0, margin=10.0) == "localized_quantum_crystal"
    assert states.classify(1e-3, 1.0, 30.0, margin=50.0) == "crossover"
    with pytest.raises(ValueError, match="margin must be > 1"):
        states.classify(1.0, 1.0, 1.0, margin=1.0)


def test_localized_label_agrees_with_the_lindemann_ratio():
    rng = np.random.default_rng(5)
    omega = 10 ** rng.uniform(-4, 4, 4000)
    T_D = 10 ** rng.uniform(-4, 5, 4000)
    T = 10 ** rng.uniform(-3, 3, 4000)
    got = states.classify(omega, 1.0, T_D, T, 3)
    ratio = qcrystal.lindemann_ratio(T_D, 1.0, T, 3)
    assert np.all(ratio[got == "localized_quantum_crystal"] < 0.5)
    # and the demotion happens: shallow lattice, E_K ≪ T_D, but hot enough to melt (in
    # wells deeper than T, so that the thermal test is not what decides)
    assert states.classify(1e-3, 1.0, 30.0, T=50.0, depth=1e3) == "delocalized_quantum_crystal"
    # deep: r₀²/a² ≈ 18 T/T_D² at high T, so T = 1e13 melts T_D = 1e7
    assert states.classify(1e5, 1.0, 1e7, T=1e13, depth=1e14) == "insulating_optical_lattice"
    why = states.reasons(1e-3, 1.0, 30.0, T=50.0, depth=1e3)
    assert "Lindemann" in why["notes"][0] and why["lindemann_ratio"] >= 0.5


def test_paper_depth_inverts_the_lattice_frequency():
    # ω = 2√(U E_R) of (34) with E_R = π² E_K (a = λ/2): the generated lattice_frequency
    # of U = paper_depth(ω, E_K) gives ω back
    omega, E_K = np.array([1e-3, 0.7, 40.0, 1e5]), 0.37
    U = states.paper_depth(omega, E_K)
    back = qcrystal.lattice_frequency(U, np.pi**2 * E_K)
    assert np.allclose(back, omega, rtol=1e-14)


def test_thermal_where_no_well_holds_an_atom():
    # deep lattice, E_K ≪ T_D ≪ ω: an insulating lattice below U, thermal from T = U on
    # (ω = 1e6, E_K = 1 gives U = 1e12/(4π²) = 2.53e10)
    U = 1e12 / (4 * np.pi**2)
    assert states.classify(1e6, 1.0, 1e3, T=0.99 * U) == "insulating_optical_lattice"
    assert states.classify(1e6, 1.0, 1e3, T=U) == "thermal"
    why = states.reasons(1e6, 1.0, 1e3, T=2 * U)
    assert why["state"] == "thermal" and "no well holds an atom" in why["notes"][-1]
    assert why["depth"] == pytest.approx(U, rel=1e-15)
    # a model's depth, given, is the one used
    assert states.classify(1e6, 1.0, 1e3, T=5.0, depth=4.0) == "thermal"
    # conducting: T ≥ U and T ≥ T_D
    assert states.classify(1e3, 1.0, 1e-3, T=1e-2, depth=1e-2) == "thermal"
    assert states.classify(1e3, 1.0, 1e-3, T=1e-4, depth=1e-5) == "conducting_optical_lattice"
    # a crystal the interactions hold (Lindemann at this T passes) stays, with a note
    got = states.reasons(1e-3, 1.0, 1e3, T=1.0, depth=1e-4)
    assert got["state"] == "localized_quantum_crystal" and got["lindemann_ratio"] < 0.5
    assert "the interactions hold the crystal" in " ".join(got["notes"])


def test_two_dimensions_never_localize_at_positive_temperature():
    assert states.classify(1e-3, 1.0, 1e3, T=0.0, d=2) == "localized_quantum_crystal"
    assert states.classify(1e-3, 1.0, 1e3, T=0.1, d=2) == "delocalized_quantum_crystal"
    # (T = 0.1 is far above the shallow lattice's U = 2.5e-8 but below T_D: not thermal)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="omega must be > 0"):
        states.classify(-1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="d must be 1, 2 or 3"):
        states.classify(1.0, 1.0, 1.0, d=4)
    with pytest.raises(ValueError, match="pass scalars"):
        states.reasons([1.0, 2.0], 1.0, 1.0)


def test_melting_line_matches_the_lindemann_ratio():
    for t in (0.1, 1.0, 10.0):
        line = phase_diagram.melting_line(t, 3)
        assert abs(float(qcrystal.lindemann_ratio(line, 1.0, t, 3)) - 0.5) < 1e-12
    assert phase_diagram.melting_line(0.0, 3) == 18.0  # 4d²/(d − 1) of (51)
    assert phase_diagram.melting_line(0.5, 2) is None


def test_ratio_diagram_regions_and_dask_agree():
    dia = phase_diagram.ratio_diagram(n=120)
    counts = dia.counts()
    # at T = 0 every state but the thermal one
    assert all(counts[s] > 0 for s in states.STATES if s != "thermal")
    assert counts["thermal"] == 0
    # every point agrees with classify at its own coordinates
    X, Y = np.meshgrid(dia.x, dia.y)
    np.testing.assert_array_equal(dia.states(), states.classify(X, 1.0, Y))
    lazy = phase_diagram.ratio_diagram(n=120, chunks=37)
    np.testing.assert_array_equal(lazy.codes, dia.codes)
    # hot: thermal where ω < 2π√(T/E_K) (T ≥ U of the paper's lattice) and T ≥ T_D
    hot = phase_diagram.ratio_diagram(n=120, T_over_EK=1.0)
    X, Y = np.meshgrid(hot.x, hot.y)
    expected = (X < 2 * np.pi) & (Y <= 1.0)
    np.testing.assert_array_equal(hot.states() == "thermal", expected)


def _cli(*args: str):
    """`qcrystal ARGS` in process; a nonzero exit fails the test."""
    from conftest import run_cli

    out = run_cli(*args)
    assert out.returncode == 0, out.stderr
    return out


def test_phase_diagram_cli_writes_figure_csv_json(tmp_path):
    prefix = tmp_path / "pd"
    out = _cli("phase-diagram", "--out", str(prefix), "--n", "80", "--T", "0.5", "--json")
    summary = json.loads(out.stdout)
    assert summary["points"] == 6400
    assert (tmp_path / "pd.png").read_bytes()[:4] == b"\x89PNG"
    svg = (tmp_path / "pd.svg").read_text()
    for label in ("localized", "conducting", "insulating", "melting line"):
        assert label in svg
    data = json.loads((tmp_path / "pd.json").read_text())
    assert len(data["codes"]) == 80 and "melting line, T/E_K = 0.5" in data["lines"]
    assert (tmp_path / "pd.csv").read_text().startswith("x,y,state\n")
    # --formats writes only what it names (a 10⁶-point CSV is 55 MB).
    only = tmp_path / "only"
    out = _cli("phase-diagram", "--out", str(only), "--n", "20", "--formats", "png,json", "--json")
    assert sorted(p.name for p in tmp_path.glob("only.*")) == ["only.json", "only.png"]
    assert json.loads(out.stdout)["files"] == [f"{only}.png", f"{only}.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phase-diagram", "--out", "x", "--n", "1"], "--n must be at least 2 points per axis"),
        (
            ["phase-diagram", "--out", "x", "--xrange", "5", "1"],
            "--xrange must be two finite numbers LO < HI",
        ),
        (["phase-diagram", "--out", "/nonexistent/dir/x"], "does not exist"),
        (["phase-diagram", "--out", "x", "--formats", "png,pdf"], "allowed are png, svg"),
        (["state", "--omega", "1"], "missing --E_K, --T_D"),
        (["state", "--omega", "-1", "--E_K", "1", "--T_D", "1"], "omega must be > 0"),
        (["state", "--model", "nope.toml"], "cannot read"),
        (["state", "--omega", "1", "--E_K", "1", "--T_D", "1", "--set", "U=3"], "--set needs"),
    ],
)
def test_hostile_cli_input_exits_2_with_a_clear_error(args, message, qc):
    out = qc(*args)
    assert out.returncode == 2 and message in out.stderr


def test_state_from_a_model_file():
    """The Lindemann ratio the command reports, against (42) over the Debye sphere by
    mpmath quadrature: r₀/a = d √((E_K/T_D) ∫₀¹ x^(d−2) coth(T_D x/2T) dx), d = 3."""
    import mpmath as mp

    data = json.loads(_cli("state", "--model", "examples/rydberg.toml", "--set", "U=30",
                           "--set", "T=0.1", "--json").stdout)  # fmt: skip
    assert data["state"] in states.STATES and data["T"] == 0.1
    with mp.workdps(30):
        b = mp.mpf(data["T_D"]) / (2 * mp.mpf("0.1"))
        integral = mp.quad(lambda x: x * mp.coth(b * x), [0, 1])
        expected = 3 * mp.sqrt(mp.mpf(data["E_K"]) / mp.mpf(data["T_D"]) * integral)
    # 1e-14: the generated function is ~1 ulp; the JSON carries all 17 digits
    assert data["lindemann_ratio"] == pytest.approx(float(expected), rel=1e-14)


def test_state_from_a_model_repeats_an_unreliable_D(tmp_path):
    """A steep Yukawa core in 2D with wide Gaussians: the gradient expansion of (44) is out
    of its range, which `model show` says; `state` must say it too (text and JSON)."""
    path = tmp_path / "steep.toml"
    path.write_text(
        '[model]\nmass = 1.0\n[lattice]\nkind = "square"\nwavelength = 2.0\ndepth = 2.0\n'
        'temperature = 0.1\n[interaction]\nkind = "custom"\n'
        'expression = "A * exp(-r / xi) / r"\nparameters = { A = 1.0, xi = 0.3 }\n'
    )
    text = _cli("state", "--model", str(path)).stdout
    assert "D is not reliable here" in text and "built on these quantities" in text
    data = json.loads(_cli("state", "--model", str(path), "--json").stdout)
    assert any("not reliable" in w for w in data["warnings"])
    # The phase diagram over depths from this one says it too (its shallow end is worst).
    dia = phase_diagram.model_diagram(path, (2.0, 20.0), (0.01, 1.0), n=6)
    assert any("not reliable" in w for w in dia.params["warnings"])
    # A well-localized model carries no warning.
    ok = _cli("state", "--model", "examples/rydberg.toml", "--json")
    assert json.loads(ok.stdout)["warnings"] == []
    ryd = phase_diagram.model_diagram("examples/rydberg.toml", (20.0, 200.0), (0.01, 1.0), n=6)
    assert ryd.params["warnings"] == []


def test_model_diagram_agrees_with_the_model_quantities(tmp_path):
    from qcrystal import models

    dia = phase_diagram.model_diagram("examples/rydberg.toml", (2.0, 200.0), (0.01, 2000.0), n=12)
    for i in (0, 5, 11):
        for j in (0, 6, 11):
            m = models.load(
                "examples/rydberg.toml",
                {"lattice.depth": float(dia.x[i]), "lattice.temperature": float(dia.y[j])},
            )
            q = {x.symbol: x.value for x in models.quantities(m)}
            expected = states.classify(
                q["ω"][0], q["E_K"], q["T_D"], float(dia.y[j]), 3, depth=float(dia.x[i])
            )
            assert dia.states()[j, i] == expected
    melt_x, melt_y = dia.curves["melting line T_m(U), r₀/a = 1/2"]
    assert np.all(melt_y > 0) and len(melt_x) == len(melt_y)
    phase_diagram.plot(dia, [tmp_path / "model.svg"])
    assert "lattice depth" in (tmp_path / "model.svg").read_text()


def test_model_diagram_refuses_depths_without_a_localized_state(tmp_path):
    weak = tmp_path / "weak.toml"
    weak.write_text(
        '[model]\nmass = 1.0\n[lattice]\nkind = "cubic"\nwavelength = 2.0\ndepth = 60.0\n'
        '[interaction]\nkind = "power_law"\nC = -3.0\nn = 6\n'
    )
    with pytest.raises(ValueError, match="no localized state"):
        phase_diagram.model_diagram(weak, (1.0, 600.0), (0.01, 1.0), n=10)
    ok = phase_diagram.model_diagram(weak, (30.0, 600.0), (0.01, 1.0), n=10)
    assert ok.codes.shape == (10, 10)


def test_a_fine_diagram_is_drawn_at_the_figures_resolution():
    """Each drawn cell is the state of the grid point nearest it: found here independently
    by searching the full axes for the drawn coordinates."""
    from qcrystal.states import diagram

    dia = diagram.ratio_diagram(n=2001)
    xs, ys, codes = diagram._raster(dia)
    assert len(xs) <= diagram.RASTER and len(ys) <= diagram.RASTER
    assert xs[0] == dia.x[0] and xs[-1] == dia.x[-1]  # the whole range is drawn
    ix = np.searchsorted(dia.x, xs)
    iy = np.searchsorted(dia.y, ys)
    np.testing.assert_array_equal(codes, dia.codes[np.ix_(iy, ix)])
    # every state present on the grid is still visible in the raster
    assert set(np.unique(codes)) == set(np.unique(dia.codes))


def test_csv_and_json_written_in_pieces_hold_the_whole_grid():
    from qcrystal.states import diagram
    from qcrystal.states.classify import STATES

    dia = diagram.ratio_diagram(n=70)
    lines = "".join(diagram.csv_chunks(dia, rows=3)).splitlines()
    assert lines[0] == "x,y,state" and len(lines) == 1 + 70 * 70
    x, y, state = lines[1 + 69 * 70 + 5].split(",")  # row 69 (last y), column 5
    assert float(x) == dia.x[5] and float(y) == dia.y[69]
    assert state == STATES[dia.codes[69, 5]]
    data = json.loads("".join(diagram.json_chunks(dia, rows=7)))
    np.testing.assert_array_equal(np.array(data["codes"]), dia.codes)
    assert data["x"]["values"] == dia.x.tolist() and data["counts"] == dia.counts()


def test_the_whole_zone_moves_the_lindemann_boundary():
    """zone="exact": a shallow lattice with T_D/E_K = 20 at T = 0 is localized over the
    paper's Debye sphere (bound 18) and not over the whole zone of (43) (bound 21.30)."""
    assert states.classify(1e-3, 1.0, 20.0) == "localized_quantum_crystal"
    assert states.classify(1e-3, 1.0, 20.0, zone="exact") == "delocalized_quantum_crystal"
    dia = phase_diagram.ratio_diagram(n=40, T_over_EK=2.0, zone="exact")
    lines = dia.lines
    assert lines["Lindemann boundary 4d²/(d−1), T = 0"] == 18.0
    whole = lines["Lindemann boundary, whole zone of (43), T = 0"]
    assert whole == pytest.approx(21.2979553492834, rel=1e-12)
    # the whole zone's melting line at T/E_K = 2 inverts its own melting temperature
    melt = lines["melting line, whole zone, T/E_K = 2"]
    assert qcrystal.melting_temperature(melt, 1.0, 3, zone="exact") == pytest.approx(2.0)


def test_a_model_grid_with_the_whole_zone_draws_both_melting_lines():
    dia = phase_diagram.model_diagram("examples/rydberg.toml", (3.0, 300.0), (1.0, 1e3), n=30,
                                      zone="exact")  # fmt: skip
    paper_x, paper = dia.curves["melting line T_m(U), r₀/a = 1/2"]
    whole_x, whole = dia.curves["melting line, whole zone of (43)"]
    assert len(whole) and np.all(whole <= paper[np.isin(paper_x, whole_x)])
    from qcrystal import models

    fns = models.DepthFunctions.from_model(models.load("examples/rydberg.toml"))
    ratio = fns.lindemann_ratio(whole_x[:3], whole[:3], zone="exact")
    np.testing.assert_allclose(ratio, 0.5, rtol=1e-10)


def test_the_lindemann_number_is_a_parameter():
    # d = 3, T = 0: r₀/a = 1/2 at T_D/E_K = 18 (the paper's bound (53)) and r₀ ∝ (T_D/E_K)^-1/2,
    # so T_D/E_K = 50 gives r₀/a = 0.3: localized under the paper's 1/2, not under 1/4
    from qcrystal import states

    args = dict(omega=10.0, E_K=1.0, T_D=50.0, T=0.0, d=3, margin=2.0)
    why = states.reasons(**args)
    assert abs(why["lindemann_ratio"] - 0.3) < 1e-12
    assert states.classify(**args) == "localized_quantum_crystal"
    assert states.classify(**args, lindemann=0.25) == "insulating_optical_lattice"
    strict = states.reasons(**args, lindemann=0.25)
    assert strict["lindemann_number"] == 0.25 and "≥ 0.25" in strict["notes"][0]
    for bad in (0.0, 1.0, -0.5, float("nan"), True):
        with pytest.raises(ValueError, match="lindemann"):
            states.classify(**args, lindemann=bad)
