"""The command line, run as a user would: through a subprocess."""

import json
import subprocess
import sys

import pytest

RUN = [sys.executable, "-m", "qcrystal.cli"]


def qc(*args):
    return subprocess.run([*RUN, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def verify_json():
    out = qc("verify", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_verify_json_schema(verify_json):
    eq = verify_json["equations"][0]
    assert set(eq) >= {
        "id",
        "section",
        "verdict",
        "paper_latex",
        "derived_latex",
        "assumptions",
        "finding",
    }
    assert sum(verify_json["summary"].values()) == len(verify_json["equations"]) == 60


def test_verify_table_and_report(tmp_path):
    report = tmp_path / "report.md"
    out = qc("verify", "--only", "38", "49", "--report", str(report))
    assert out.returncode == 0, out.stderr
    assert "2 equations:" in out.stdout and "discrepancy" in out.stdout
    text = report.read_text()
    assert "$$" in text and "(49)" in text


def test_derive_38_shows_steps():
    out = qc("derive", "38")
    assert out.returncode == 0
    assert "[1]" in out.stdout and "uses (32)" in out.stdout and "positive root" in out.stdout
    # the printed form it is held against, and where to find the verdict
    assert "printed in the paper as (38):" in out.stdout
    assert "qcrystal verify --only 38" in out.stdout


def test_derive_latex():
    out = qc("derive", "49", "--latex")
    assert out.returncode == 0 and r"\item" in out.stdout


def test_derive_unknown_id_is_a_clear_error():
    out = qc("derive", "99")
    assert out.returncode == 2
    assert "no equation '99'" in out.stderr and "J_ij" in out.stderr


def test_verify_unknown_id_is_a_clear_error():
    out = qc("verify", "--only", "nope")
    assert out.returncode == 2 and "unknown equation id" in out.stderr


def test_definition_has_nothing_to_derive():
    out = qc("derive", "50")
    assert out.returncode == 0 and "nothing to derive" in out.stdout


def test_help_has_examples():
    out = qc("--help")
    assert "examples:" in out.stdout
