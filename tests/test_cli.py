"""The command line, run in process (``main([...])``) as a user would type it, plus a few
smoke tests through a real interpreter (the entry point, exit codes, a closed pipe)."""

import json
import subprocess
import sys

import pytest

from qcrystal import __version__


def test_verify_json_schema(qc, findings):
    from qcrystal.symbolic import verification

    whole = json.loads(verification.to_json(list(findings)))  # the session's verification
    assert sum(whole["summary"].values()) == len(whole["equations"]) == 60
    out = qc("verify", "--json", "--only", "38", "49")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    eq = data["equations"][0]
    assert set(eq) >= {"id", "section", "verdict", "paper_latex", "derived_latex",
                       "assumptions", "finding"}  # fmt: skip
    assert [e["verdict"] for e in data["equations"]] == ["confirmed", "discrepancy"]
    assert data["equations"] == [e for e in whole["equations"] if e["id"] in ("38", "49")]


def test_the_shared_findings_are_the_findings(findings):
    """What the xdist workers pass each other (conftest) comes back equal, every field, and
    with the paper's own records."""
    from conftest import dump_findings, load_findings

    from qcrystal.derivations.paper import PAPER

    back = load_findings(dump_findings(findings), PAPER)
    assert back == tuple(findings)
    assert all(b.record is PAPER.get(f.record.id) for b, f in zip(back, findings, strict=True))


def test_verify_table_and_reports(qc, tmp_path, session_verification):
    """How verify prints and writes a verification (the session's, for the ids asked)."""
    report = tmp_path / "report.md"
    out = qc("verify", "--only", "38", "49", "--report", report)
    assert out.returncode == 0, out.stderr
    assert "2 equations:" in out.stdout and "discrepancy" in out.stdout
    assert f"report written to {report}" in out.stdout
    text = report.read_text()
    assert "$$" in text and "(49)" in text
    tex = tmp_path / "report.tex"
    assert qc("verify", "--quiet", "--only", "49", "--report", tex).returncode == 0
    assert tex.read_text().startswith(r"\documentclass")
    assert session_verification == [["38", "49"], ["49"]]


def test_the_book_command_verifies_once_and_writes_the_book(qc, tmp_path, findings,
                                                             session_verification):  # fmt: skip
    """`qcrystal book` asks for one verification of the whole paper and builds the book of
    it: the same files, byte for byte, as book.build given those findings."""
    from qcrystal.codegen.registry import FUNCTIONS
    from qcrystal.derivations.paper import PAPER
    from qcrystal.files import BOOK_MARKER
    from qcrystal.teaching import book

    out = qc("book", "--out", tmp_path / "site")
    assert out.returncode == 0, out.stderr
    assert session_verification == [None]
    built = book.build(tmp_path / "direct", PAPER, findings, FUNCTIONS)
    assert out.stdout == f"wrote {len(built)} files; open {tmp_path / 'site' / 'index.html'}\n"
    names = sorted(p.name for p in (tmp_path / "site").iterdir())
    assert names == sorted([BOOK_MARKER, *(p.name for p in built)])
    for path in built:
        assert (tmp_path / "site" / path.name).read_bytes() == path.read_bytes(), path.name


def test_derive_shows_named_steps(qc, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # lines whole (the width test is below)
    out = qc("derive", "38")
    assert out.returncode == 0
    assert "[1] gaussian_ansatz:" in out.stdout and "uses (32)" in out.stdout
    assert "[7] solve_for_epsilon:" in out.stdout and "positive root" in out.stdout
    # the printed form it is held against, and where to find the verdict
    assert "printed in the paper as (38):" in out.stdout
    assert "qcrystal verify --only 38" in out.stdout


def test_derive_latex(qc):
    out = qc("derive", "49", "--latex")
    assert out.returncode == 0 and r"\item" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("derive", "99"), "no equation '99'"),
        (("verify", "--only", "nope"), "unknown equation id"),
        (("check-step", "38", "nope", "x"), "has no step 'nope'"),
        (("check-step", "38", "99", "x"), "has steps 1 to 7"),
        (("state", "--omega", "1"), "missing --E_K, --T_D"),
        (("state", "--set", "U=1", "--omega", "1", "--E_K", "1", "--T_D", "1"), "needs --model"),
        (("phase-diagram", "--out", "x", "--formats", "gif"), "allowed are png, svg, csv, json"),
        (("phase-diagram", "--out", "/nonexistent/dir/x"), "does not exist"),
        (
            ("phase-diagram", "--out", "x", "--Urange", "1", "2"),
            "--Urange/--Trange/--units need --model",
        ),
        (("accuracy", "--plot", "x.gif"), "--plot needs .png, .svg or .pdf"),
        (("accuracy", "--tolerance", "2"), "--tolerance must be in (0, 1)"),
        (("codegen", "--out", "x"), "are for --model FILE"),
        (("codegen", "--model", "examples/rydberg.toml"), "needs --out DIR"),
        (("codegen", "--measure", "--check"), "do not go together"),
        (("codegen", "--measure", "--model", "x"), "--measure is for the built-in modules"),
        (("model", "show", "missing.toml"), "cannot read the model file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(qc, args, message):
    out = qc(*args)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert message in out.stderr
    assert out.stderr.startswith("qcrystal ") and "Traceback" not in out.stderr


def test_definition_has_nothing_to_derive(qc):
    out = qc("derive", "50")
    assert out.returncode == 0 and "nothing to derive" in out.stdout


def test_help_has_one_example_per_subcommand(qc):
    from qcrystal.cli import COMMANDS

    out = qc("--help")
    assert out.returncode == 0 and "examples:" in out.stdout
    for command in COMMANDS:
        sub = qc(*([command.NAME] if command.NAME != "model" else ["model", "show"]), "--help")
        assert sub.returncode == 0
        examples = sub.stdout.split("\nexample")
        assert len(examples) == 2 and "  qcrystal " in examples[1], command.NAME


def test_help_wraps_to_the_terminal(qc, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    out = qc("verify", "--help")
    prose = [line for line in out.stdout.split("examples:")[0].splitlines()]
    assert max(len(line) for line in prose) <= 60


def test_version(qc):
    out = qc("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"qcrystal {__version__}"


def test_no_command_prints_help_and_exits_2(qc):
    out = qc()
    assert out.returncode == 2 and "usage: qcrystal" in out.stdout


def test_model_show_json_and_table(qc):
    out = qc("model", "show", "examples/rydberg.toml", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    symbols = [q["symbol"] for q in data["quantities"]]
    assert symbols[:2] == ["E_R", "ω"] and "T_melt" in symbols and data["model"]["d"] == 3
    assert data["notes"]
    table = qc("model", "show", "examples/rydberg.toml", "--set", "lattice.temperature=2")
    assert "interaction rydberg, T = 2\n" in table.stdout and "note:" in table.stdout


def test_state_from_a_model_and_from_scales(qc):
    out = qc("state", "--model", "examples/rydberg.toml", "--set", "U=20", "--set", "T=0.1")
    assert out.returncode == 0, out.stderr
    assert "lattice: deep" in out.stdout and "state:" in out.stdout
    data = json.loads(qc("state", "--omega", "100", "--E_K", "1", "--T_D", "1e5", "--json").stdout)
    assert data["state"] == "localized_quantum_crystal" and data["warnings"] == []
    bad = qc("state", "--model", "examples/rydberg.toml", "--T", "1")
    assert bad.returncode == 2 and "--set T=" in bad.stderr


# A few runs through a real interpreter: the installed entry point and the process's exit code.


def test_entry_point_runs_and_exits_with_the_status():
    done = subprocess.run([sys.executable, "-m", "qcrystal.cli", "derive", "99"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1


def test_closed_pipe_is_quiet():
    script = "import sys; sys.stdin.readline()"
    cli = subprocess.Popen([sys.executable, "-m", "qcrystal.cli", "verify", "--only", "38"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    head = subprocess.run([sys.executable, "-c", script], stdin=cli.stdout, timeout=120)
    cli.stdout.close()
    _, err = cli.communicate(timeout=120)
    assert head.returncode == 0 and b"Traceback" not in err


def test_codegen_check_in_a_checkout(qc):
    out = qc("codegen", "--check")
    assert out.returncode == 0 and "up to date" in out.stdout


def test_the_command_line_imports_nothing_heavy_before_it_runs():
    """`qcrystal --help` must answer at once: building the parser imports no SymPy, NumPy
    or Matplotlib (each subcommand imports what it needs when it runs)."""
    probe = (
        "import sys, qcrystal.cli as c; c.parser(); "
        "print(sorted(m for m in ('sympy', 'numpy', 'matplotlib', 'mpmath') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    assert done.stdout.strip() == "[]"


def test_derive_one_step_by_name_or_number(qc):
    by_name = qc("derive", "38", "solve_for_epsilon")
    by_number = qc("derive", "38", "7")
    assert by_name.returncode == by_number.returncode == 0
    assert by_name.stdout == by_number.stdout and by_name.stdout.startswith(
        "[7] solve_for_epsilon:"
    )
    bad = qc("derive", "38", "nope")
    assert bad.returncode == 2 and "has no step 'nope'" in bad.stderr


def test_model_example_lists_and_prints(qc):
    names = qc("model", "example").stdout.split()
    assert "rydberg" in names
    out = qc("model", "example", "rydberg")
    assert out.returncode == 0 and "[interaction]" in out.stdout
    bad = qc("model", "example", "nope")
    assert bad.returncode == 2 and "rydberg" in bad.stderr


@pytest.mark.parametrize("columns", ["60", "100"])
def test_derive_and_verify_fit_the_terminal_width(qc, monkeypatch, columns):
    # every line within COLUMNS (a pretty-printed expression broken by SymPy's printer,
    # prose at spaces), except a line that is one unbreakable token after its indentation
    import unicodedata

    monkeypatch.setenv("COLUMNS", columns)
    width = int(columns)
    for args in (["derive", "J_ij"], ["derive", "49"], ["verify", "--quiet", "--only", "38", "49"]):
        out = qc(*args)
        assert out.returncode == 0, out.stderr
        for line in out.stdout.splitlines():
            shown = sum(0 if unicodedata.combining(ch) else 1 for ch in line)
            assert shown <= width or len(line.split()) == 1, (args, line)


def test_output_is_100_wide_when_not_a_terminal(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    from qcrystal.cli._common import terminal_width

    assert terminal_width() == 100  # the suite's stdout is captured, not a terminal
