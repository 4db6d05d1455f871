"""Hostile input: nothing lost, nothing half written, nothing hung, nothing silently wrong.

Every writing command is run against pre-existing files, symlinks, folders it may not
replace, read-only and missing folders and empty names; every evaluating command against
inputs that are slow, huge or not what they claim (tests/hostile/). Each must give an
honest answer, or one line on stderr and exit 2, within its budget, and leave the user's
files as they were. Interrupts (SIGINT, SIGTERM) leave the old files or the new, whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
RYDBERG = ROOT / "examples" / "rydberg.toml"
CONTACT = ROOT / "examples" / "contact.toml"


def _one_line_failure(out, *needles: str) -> None:
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    for needle in needles:
        assert needle in out.stderr, out.stderr


# Each writing command, as (arguments, the output path(s) it names), with {out} the target.
WRITERS = {
    "verify --report": (["verify", "--quiet", "--only", "50", "--report", "{out}"], ""),
    "accuracy --csv": (["accuracy", "--depths", "5", "--csv", "{out}"], ""),
    "accuracy --plot": (["accuracy", "--depths", "5", "--plot", "{out}"], ".svg"),
    "phase-diagram": (["phase-diagram", "--n", "12", "--formats", "csv,json", "--out", "{prefix}"],
                      ".csv"),
}  # fmt: skip


def _args(spec: list[str], target: Path) -> list[str]:
    prefix = str(target)[: -len(target.suffix)] if target.suffix else str(target)
    return [a.format(out=target, prefix=prefix) for a in spec]


@pytest.mark.parametrize("name", WRITERS)
def test_an_existing_file_is_refused_and_kept(name, tmp_path, qc):
    spec, suffix = WRITERS[name]
    target = tmp_path / f"mine{suffix or '.txt'}"
    target.write_text("the user's own words")
    out = qc(*_args(spec, target))
    _one_line_failure(out, "exists; pass --force to replace it", str(target))
    assert target.read_text() == "the user's own words"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # nothing else left


@pytest.mark.parametrize("name", WRITERS)
def test_force_replaces_a_symlink_not_its_target(name, tmp_path, qc):
    spec, suffix = WRITERS[name]
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / f"link{suffix or '.txt'}"
    link.symlink_to(precious)
    out = qc(*_args(spec, link), "--force")
    assert out.returncode == 0, out.stderr
    assert precious.read_text() == "keep me"  # the link's target is untouched
    assert not link.is_symlink() and link.stat().st_size > 0  # the link itself was replaced
    assert not list(tmp_path.glob(".*.part"))
    mode = link.stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()  # permissions as an ordinary new file


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("name", WRITERS)
def test_bad_folders_are_refused_before_any_work(name, tmp_path, qc):
    spec, suffix = WRITERS[name]
    cases = {
        tmp_path / "missing" / f"x{suffix or '.txt'}": "does not exist",
        tmp_path / "a_file" / f"x{suffix or '.txt'}": "is not a directory",
    }
    (tmp_path / "a_file").write_text("")
    for target, message in cases.items():
        t0 = time.perf_counter()
        out = qc(*_args(spec, target))
        _one_line_failure(out, message)
        assert time.perf_counter() - t0 < 2.0  # refused up front, not after the work
    if os.geteuid() != 0:  # root writes anywhere: the read-only case needs a plain user
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        _one_line_failure(qc(*_args(spec, locked / f"x{suffix or '.txt'}")), "not writable")


def test_an_empty_name_and_a_folder_as_a_file_are_refused(tmp_path, qc):
    _one_line_failure(qc("verify", "--only", "50", "--report", ""), "give a file name")
    _one_line_failure(qc("verify", "--only", "50", "--report", str(tmp_path)), "is a directory")
    _one_line_failure(qc("codegen", "--model", str(CONTACT), "--out", ""), "give a folder name")


def test_codegen_out_refuses_to_overwrite_and_creates_only_its_folder(tmp_path, qc):
    out = tmp_path / "gen"
    first = qc("codegen", "--model", str(CONTACT), "--out", str(out))
    assert first.returncode == 0, first.stderr
    module = out / "contact.py"
    text = module.read_text()
    _one_line_failure(qc("codegen", "--model", str(CONTACT), "--out", str(out)), "--force")
    assert module.read_text() == text
    assert qc("codegen", "--model", str(CONTACT), "--out", str(out), "--force").returncode == 0
    _one_line_failure(qc("codegen", "--model", str(CONTACT), "--out", str(tmp_path / "no" / "gen")),
                      "does not exist")  # fmt: skip


def test_codegen_refuses_a_module_that_fails_its_check(tmp_path, qc):
    """Φ = e^(−r) cos(300 r) has ~70 periods under the Gaussian, more than the per-model
    Gauss–Legendre nodes resolve (D 39 % off the adaptive mpmath of `model show`): the module
    is checked before it is written, so it is not written."""
    out = qc("codegen", "--model", str(HOSTILE / "wiggly.toml"), "--out", str(tmp_path / "gen"))
    _one_line_failure(out, "disagrees with `qcrystal model show`", "not written")
    assert not (tmp_path / "gen").exists()


def test_the_book_replaces_only_a_book_it_built(tmp_path, qc):
    from qcrystal.files import BOOK_MARKER

    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    t0 = time.perf_counter()
    _one_line_failure(qc("book", "--out", str(mine)), "holds files this program did not write")
    assert time.perf_counter() - t0 < 2.0 and (mine / "thesis.tex").read_text() == "years of work"
    _one_line_failure(qc("book", "--out", str(RYDBERG)), "not a folder")
    # A book it built (the marker) is replaced whole; publish_folder is what `book` uses.
    from qcrystal.files import publish_folder

    site = tmp_path / "site"
    publish_folder(lambda d: (d / "index.html").write_text("old"), site)
    assert (site / BOOK_MARKER).is_file()
    publish_folder(lambda d: (d / "index.html").write_text("new"), site)
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "site"]  # no leftovers


def test_a_failed_build_leaves_the_old_book(tmp_path):
    from qcrystal.files import publish_folder

    site = tmp_path / "site"
    publish_folder(lambda d: (d / "index.html").write_text("old"), site)

    def broken(folder: Path) -> None:
        (folder / "index.html").write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish_folder(broken, site)
    assert (site / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_leaves_old_files_whole(tmp_path, signum):
    """A big diagram is interrupted while it works: the old PREFIX.* files stay as they
    were (no 0-byte CSV), no temporary file is left, and the exit status says why."""
    prefix = tmp_path / "pd"
    for fmt in ("csv", "json"):
        (tmp_path / f"pd.{fmt}").write_text(f"old {fmt}")
    cmd = [sys.executable, "-m", "qcrystal", "phase-diagram", "--n", "1500", "--formats",
           "csv,json", "--out", str(prefix), "--force"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)  # inside the classification or the CSV text
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert (
        proc.returncode in ({130, 143} if signum == signal.SIGTERM else {130})
        or proc.returncode == 0
    )
    assert "Traceback" not in err
    for fmt in ("csv", "json"):
        text = (tmp_path / f"pd.{fmt}").read_text()
        assert text == f"old {fmt}" or (proc.returncode == 0 and len(text) > 100)
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["check-step", "38", "7", "exp(exp(exp(exp(exp(1)))))", "--budget", "2"],
         ["cannot decide: too expensive"]),
        (["model", "show", str(HOSTILE / "slow_phi.toml"), "--budget", "2"],
         ["cannot decide: too expensive"]),
        (["model", "show", str(HOSTILE / "towering.toml"), "--budget", "2"],
         ["cannot decide: too expensive"]),
        (["state", "--model", str(HOSTILE / "slow_phi.toml"), "--budget", "2"],
         ["cannot decide: too expensive"]),
        (["model", "show", "/dev/zero"], ["not a regular file"]),
        (["model", "show", str(HOSTILE)], ["not a regular file"]),
        (["model", "show", str(HOSTILE / "growing.toml")], ["does not fall off"]),
        (["model", "show", str(HOSTILE / "huge_wavelength.toml")], ["wavelength", "E_R"]),
        (["model", "show", str(HOSTILE / "not_utf8.toml")], ["not_utf8.toml", "not UTF-8"]),
        (["model", "show", str(HOSTILE / "deep.toml")], ["deep.toml", "nested too deeply"]),
        (["model", "show", str(RYDBERG), "--set", "lattice.depth=" + "[" * 3000 + "]" * 3000],
         ["--set", "nested too deeply"]),
        (["model", "show", str(HOSTILE / "unknown_kind.toml")], ["'bcc' is not one of"]),
        (["model", "show", str(HOSTILE / "broken.toml")], ["not valid TOML"]),
        (["model", "show", str(HOSTILE / "injection.toml")], ["cannot be called"]),
        (["phase-diagram", "--n", "20000", "--out", "x"], ["need about", "--memory"]),
        (["phase-diagram", "--chunks", "0", "--out", "x"], ["must be >= 1"]),
        (["check-step", "38", "7", "log(0) + omega"], ["not a finite real"]),
        (["check-step", "38", "7", "omega/sin(pi)"], ["division by zero"]),
        (["check-step", "38", "7", "sqrt(-1) + omega"], ["not a finite real"]),
        (["check-step", "38", "7", "__import__('os')"], ["unknown function '__import__'"]),
        (["state", "--omega", "nan", "--E_K", "1", "--T_D", "1"], ["omega contains NaN"]),
        (["state", "--omega", "1", "--E_K", "1", "--T_D", "1", "--d", "7"],
         ["d must be 1, 2 or 3"]),
    ],
)  # fmt: skip
def test_evaluating_commands_answer_within_their_budget(args, needles, qc):
    t0 = time.perf_counter()
    out = qc(*args)
    _one_line_failure(out, *needles)
    assert time.perf_counter() - t0 < 8.0  # a 2 s budget, the worker's start, a margin


def test_a_fifo_is_refused_without_blocking(tmp_path, qc):
    fifo = tmp_path / "model.toml"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    _one_line_failure(qc("model", "show", str(fifo)), "not a regular file")
    assert time.perf_counter() - t0 < 2.0


def test_honest_answers_for_inputs_that_fooled_it_before(qc):
    # Equal forms of Φ give equal sums (coth was printed as a NaN-prone exponential).
    import json

    from qcrystal import models

    def u0(expression: str) -> float:
        text = RYDBERG.read_text().split("[interaction]")[0]
        text += f'[interaction]\nkind = "custom"\nexpression = "{expression}"\n'
        return models.quantities(models.loads(text))["u₀"]  # type: ignore[return-value]

    assert u0("coth(r) - 1") == pytest.approx(u0("1/tanh(r) - 1"), rel=1e-12)
    # A constant Φ has no curvature: D = 0 exactly, not quadrature noise, so r₀/a = ∞.
    text = RYDBERG.read_text().split("[interaction]")[0]
    flat = models.quantities(
        models.loads(text + '[interaction]\nkind = "custom"\nexpression = "3.0"\n')
    )
    assert flat["D"] == 0.0 and flat["r₀/a"] == float("inf")
    # Dipoles along a body diagonal of a cubic lattice: Ω² cancels by symmetry to zero.
    data = json.loads(qc("model", "show", str(HOSTILE / "huge_direction.toml"), "--json").stdout)
    omega2 = next(q for q in data["quantities"] if q["symbol"] == "Ω²")["value"]
    assert omega2 == [0.0, 0.0, 0.0]


def test_check_step_never_contradicts_its_numbers():
    from qcrystal.teaching.step_check import EQUIVALENT, NOT_EQUIVALENT, check_step

    # equal to the derived step, though 14 digits cancel at the probe's points
    tricky = ("sqrt(omega**2+Omega**2) + (omega+Omega)**5*(omega+1) - (omega+Omega)**5*omega"
              " - (omega+Omega)**5")  # fmt: skip
    assert check_step("38", 7, tricky).answer == EQUIVALENT
    # a perturbation of 1e-45 is within reach of the checker's precision: not equivalent,
    # and the values shown differ visibly
    small = check_step("38", 7, "sqrt(omega**2 + Omega**2)*(1 + 1e-45)")
    assert small.answer == NOT_EQUIVALENT
    assert small.point["printed"] != small.point["derived"] and "1.0e-45" in small.detail


def test_stdout_that_cannot_be_written_is_one_line():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "qcrystal", "derive", "38"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "No space left on device" in done.stderr


def test_ctrl_c_is_quiet_and_130():
    # The signal must land inside the command, not in the interpreter's start-up (which a
    # loaded machine can stretch past any fixed delay): the child says when main() starts.
    start = ("import sys; from qcrystal.cli import main; print('ready', flush=True); "
             "sys.exit(main(['verify']))")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", start], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.5)  # inside the verification, which takes seconds
    assert proc.poll() is None, "verify finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err


def test_a_broken_ruff_configuration_in_the_folder_changes_nothing(tmp_path, qc):
    (tmp_path / "ruff.toml").write_text("this is [not valid\n")
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        out = qc("codegen", "--model", str(RYDBERG), "--out", "gen")
    finally:
        os.chdir(here)
    assert out.returncode == 0, out.stderr
    from qcrystal.codegen import model_module

    assert (tmp_path / "gen" / "rydberg.py").read_text() == model_module.render_model(RYDBERG)


def test_figures_are_the_same_bytes_every_time(tmp_path):
    from qcrystal.files import save_figure
    from qcrystal.states import diagram

    dia = diagram.ratio_diagram(n=30)
    for name in ("a.svg", "b.svg", "a.png", "b.png"):
        save_figure(diagram.figure(dia), tmp_path / name)
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert b"<dc:date>" not in (tmp_path / "a.svg").read_bytes()


def test_no_command_prints_a_traceback(qc, tmp_path):
    """A corpus of bad arguments: each ends in one line and exit 2 (argparse's own usage
    errors included, which say 'usage:' first)."""
    corpus = [
        ["derive"], ["derive", "38", "x", "y"], ["verify", "--only"], ["state", "--omega", "x"],
        ["model"], ["model", "show"], ["phase-diagram"],
        ["phase-diagram", "--n", "-5", "--out", "x"],
        ["accuracy", "--depths", "inf"], ["check-step", "38"], ["codegen", "--model"],
        ["book"], ["state", "--model", str(RYDBERG), "--set", "nonsense"],
        ["state", "--model", str(RYDBERG), "--set", "lattice.depth=-1"],
        ["model", "show", str(RYDBERG), "--set", "model.mass=\"heavy\""],
        ["model", "show", str(RYDBERG), "--budget", "0"],
        ["model", "show", str(RYDBERG), "--memory", "x"],
    ]  # fmt: skip
    for args in corpus:
        out = qc(*args)
        assert out.returncode == 2, args
        assert "Traceback" not in out.stderr, args


def _model_text(**replace: str) -> str:
    text = RYDBERG.read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_codegen_reads_a_model_file_as_model_show_does(tmp_path, qc):
    big = tmp_path / "big.toml"
    big.write_text(RYDBERG.read_text() + "#" * 1_100_000 + "\n")
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    for path, needle in ((big, "a model file has at most"), (fifo, "not a regular file")):
        t0 = time.perf_counter()
        _one_line_failure(qc("codegen", "--model", path, "--out", tmp_path / "gen"), needle)
        assert time.perf_counter() - t0 < 2.0
    assert not (tmp_path / "gen").exists()


@pytest.mark.parametrize(
    ("stem", "module"),
    [("numpy", "model_numpy"), ("class", "model_class"), ("-x", "model__x"),
     ("qcrystal", "model_qcrystal"), ("ünï", "model__n_"), ("lattice", "lattice")],
)  # fmt: skip
def test_a_generated_module_is_importable_and_shadows_nothing(stem, module):
    import keyword

    from qcrystal.codegen import model_module

    name = model_module.module_name(Path(f"{stem}.toml"))
    assert name == module
    assert name.isascii() and name.isidentifier() and not keyword.iskeyword(name)
    assert name not in sys.stdlib_module_names and name not in ("numpy", "qcrystal")


def test_codegen_takes_a_model_file_whose_name_starts_with_a_dash(tmp_path, qc, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-x.toml").write_text(CONTACT.read_text())
    out = qc("codegen", "--model", "./-x.toml", "--out", "gen")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "gen" / "model__x.py").is_file()


@pytest.mark.parametrize(
    ("setting", "needles"),
    [
        ("U=-1", ["--set lattice.depth", "must be >= 0"]),
        ("U=" + "9" * 400, ["--set lattice.depth", "400 digits", "beyond float64"]),
        ("m=" + "9" * 5000, ["--set model.mass", "digit"]),
        ("T=-2", ["--set lattice.temperature", "must be >= 0"]),
    ],
)
def test_a_bad_set_is_blamed_on_the_set(setting, needles, qc):
    out = qc("model", "show", str(RYDBERG), "--set", setting)
    _one_line_failure(out, *needles)
    assert "rydberg.toml" not in out.stderr


def test_numbers_beyond_float64_in_a_file_are_named(tmp_path, qc):
    for digits, needle in ((400, "beyond float64"), (5000, "digits")):
        bad = tmp_path / f"big{digits}.toml"
        bad.write_text(_model_text(**{"mass = 1.0": "mass = " + "9" * digits}))
        _one_line_failure(qc("model", "show", bad), str(bad), needle)


def test_a_model_name_cannot_carry_terminal_escapes(tmp_path, qc):
    bad = tmp_path / "esc.toml"
    text = RYDBERG.read_text()
    bad.write_text(text.replace("[model]\n", '[model]\nname = "evil\\u001b[31m"\n', 1))
    out = qc("model", "show", bad)
    _one_line_failure(out, "must be printable")
    assert "\x1b" not in out.stderr  # shown escaped, not obeyed


def test_a_state_needs_a_lattice(qc):
    for depth in ("0", "-0.0"):
        _one_line_failure(qc("state", "--model", RYDBERG, "--set", f"U={depth}"), "U > 0")


def test_state_json_is_strict_json(qc):
    import json

    out = qc("state", "--omega", "100", "--E_K", "1", "--T_D", "1e5", "--d", "1", "--json")
    assert out.returncode == 0
    data = json.loads(out.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert data["lindemann_ratio"] is None  # inf (d = 1) is null in JSON


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--xrange", "0", "1"], "--xrange must be > 0 on a log axis"),
        (["--yrange", "5", "1"], "--yrange must be two finite numbers LO < HI"),
        (["--out", ""], "give a file-name prefix"),
        (["--out", "results/"], "give a file-name prefix"),
        (["--out", ".."], "give a file-name prefix"),
        (["--n", "1"], "--n must be at least 2"),
    ],
)
def test_phase_diagram_flags_are_named(flags, needle, qc, tmp_path):
    args = ["phase-diagram", "--out", str(tmp_path / "pd"), *flags]
    _one_line_failure(qc(*args), needle)
    assert list(tmp_path.iterdir()) == []


def test_python_api_errors_name_the_argument():
    import dask.array as da
    import numpy as np

    import qcrystal

    with pytest.raises(ValueError, match="U is a ragged list"):
        qcrystal.lattice_frequency([[1.0, 2.0], [3.0]], 1.0)
    for bad in (-np.inf, np.inf, np.nan):
        with pytest.raises(ValueError, match=r"d must be 1, 2 or 3 \(got (-?inf|nan)\)"):
            qcrystal.lindemann_threshold(bad)
    # a mass with its own leading axis: NumPy and dask agree (dask refused it before)
    args = (np.ones((4, 3)), 1.0, 1.0, 1.0, np.full((5, 1), 2.0))
    lazy = qcrystal.gaussian_hopping(da.from_array(args[0]), *args[1:])
    np.testing.assert_array_equal(lazy.compute(), qcrystal.gaussian_hopping(*args))


@pytest.mark.parametrize(
    ("expression", "needle"),
    [
        ("sqrt(-r)", "is not real"),
        ("log(-r)", "is not real"),
        ("sqrt(-r**2) + 1/r**6", "is not real"),
        ("exp(exp(exp(r)))", "does not fall off"),
    ],
)
def test_a_custom_phi_that_is_no_energy_is_refused(expression, needle, tmp_path, qc):
    text = RYDBERG.read_text().split("[interaction]")[0]
    bad = tmp_path / "phi.toml"
    bad.write_text(text + f'[interaction]\nkind = "custom"\nexpression = "{expression}"\n')
    _one_line_failure(qc("model", "show", bad, "--budget", "10"), needle)
