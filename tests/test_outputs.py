"""qcrystal.files under pressure: all outputs or none, nothing of the user's lost.

The failures are made real where an ordinary user can make them (a FIFO, a file that
appears during the work, a name at the file system's limit) and injected where they need
privileges (a rename that fails half way, as over an immutable file): either way the test
checks the files on disk afterwards, not what the code says it did.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcrystal import files
from qcrystal.files import OutputError, Outputs, check_file, check_folder, publish_folder


def _contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def test_a_failure_half_way_puts_every_old_file_back(tmp_path, monkeypatch):
    """The third of four renames fails (as over an immutable file, or in a sticky folder
    over another user's file): the two already replaced are restored, the fourth never
    touched, no temporary file is left."""
    for name in "abcd":
        (tmp_path / f"pd.{name}").write_text(f"old {name}")
    real_replace, calls = os.replace, []

    def failing(src, dst):
        calls.append(dst)
        if Path(dst).name == "pd.c" and len(calls) == 3:
            raise PermissionError(1, "Operation not permitted", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with Outputs(force=True) as out:
        for name in "abcd":
            out.write_text(tmp_path / f"pd.{name}", f"new {name}")
        with pytest.raises(OutputError, match=r"pd\.c.*Operation not permitted.*no output"):
            out.commit()
    assert _contents(tmp_path) == {f"pd.{n}": f"old {n}" for n in "abcd"}


def test_without_force_a_file_that_appeared_during_the_work_is_kept(tmp_path):
    target = tmp_path / "pd.csv"
    with Outputs() as out:
        out.write_text(target, "ours")
        out.write_text(tmp_path / "pd.json", "ours too")
        target.write_text("the user's, written meanwhile")
        with pytest.raises(OutputError, match="appeared while this command worked"):
            out.commit()
    assert _contents(tmp_path) == {"pd.csv": "the user's, written meanwhile"}


def test_two_runs_racing_for_one_name_do_not_overwrite_each_other(tmp_path):
    first, second = Outputs(), Outputs()
    first.write_text(tmp_path / "x.txt", "first")
    second.write_text(tmp_path / "x.txt", "second")
    first.commit()
    with pytest.raises(OutputError, match="appeared"):
        second.commit()
    assert _contents(tmp_path) == {"x.txt": "first"}


def test_two_outputs_may_not_name_one_file(tmp_path, qc):
    with Outputs() as out:
        out.write_text(tmp_path / "same.svg", "a")
        with pytest.raises(OutputError, match="named for two outputs"):
            out.write_text(tmp_path / "sub" / ".." / "same.svg", "b")
    assert list(tmp_path.iterdir()) == []
    t0 = time.perf_counter()
    same = str(tmp_path / "same.svg")
    run = qc("accuracy", "--depths", "4", "--csv", same, "--plot", same)
    assert run.returncode == 2 and "name the same file" in run.stderr
    assert time.perf_counter() - t0 < 2 and list(tmp_path.iterdir()) == []


def test_force_does_not_replace_what_is_not_a_regular_file(tmp_path, qc):
    fifo = tmp_path / "report.md"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        check_file(fifo, "--report", force=True)
    run = qc("verify", "--only", "50", "--report", fifo, "--force")
    assert run.returncode == 2 and "not a regular file" in run.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the FIFO


def test_a_name_at_the_file_system_limit_still_has_room_for_its_temporary(tmp_path):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    longest = tmp_path / ("n" * (limit - 3) + ".md")
    files.write_text(longest, "fits")
    assert longest.read_text() == "fits" and len(list(tmp_path.iterdir())) == 1
    too_long = tmp_path / ("n" * limit + ".md")
    with pytest.raises(OutputError, match=f"longer than the {limit}"):
        check_file(too_long, "--report")


@pytest.mark.parametrize("name", ["", ".", "..", "dir/"])
def test_names_that_are_not_files_are_refused(tmp_path, name):
    with pytest.raises(OutputError, match="give a file name"):
        check_file(name, "--report")


def test_the_current_folder_is_never_a_book_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for name in (".", str(tmp_path), "..", "sub/.."):
        with pytest.raises(OutputError, match="current folder or one above"):
            check_folder(name, "--out")


def test_a_book_keeps_its_folders_permissions(tmp_path):
    site = tmp_path / "site"
    site.mkdir(mode=0o700)
    site.chmod(0o700)
    publish_folder(lambda d: (d / "index.html").write_text("x"), check_folder(site))
    assert stat.S_IMODE(site.stat().st_mode) == 0o700
    assert (site / "index.html").read_text() == "x"


def test_a_file_put_into_the_book_folder_during_the_build_is_kept(tmp_path):
    site = tmp_path / "site"
    site.mkdir()

    def build(folder: Path) -> None:
        (folder / "index.html").write_text("book")
        (site / "important.txt").write_text("precious")  # the user, meanwhile

    with pytest.raises(OutputError, match="did not write"):
        publish_folder(build, check_folder(site))
    assert _contents(site) == {"important.txt": "precious"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary left


@pytest.mark.skipif(os.geteuid() != 0, reason="chattr +i needs root")
def test_an_immutable_file_is_refused_before_any_work(tmp_path, qc):
    target = tmp_path / "pd.json"
    target.write_text("old")
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode:
        pytest.skip("this file system has no immutable flag")
    try:
        t0 = time.perf_counter()
        run = qc("phase-diagram", "--n", "20", "--out", tmp_path / "pd", "--force")
        assert run.returncode == 2 and "cannot be replaced" in run.stderr, run.stderr
        assert time.perf_counter() - t0 < 2 and target.read_text() == "old"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pd.json"]
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)


def test_pdf_and_svg_figures_are_the_same_bytes_every_time(tmp_path):
    from matplotlib.figure import Figure

    for suffix in (".pdf", ".svg", ".png"):
        blobs = []
        for i in range(2):
            fig = Figure()
            fig.add_subplot().plot([0, 1], [1, 0])
            path = tmp_path / f"f{i}{suffix}"
            files.save_figure(fig, path)
            blobs.append(path.read_bytes())
            time.sleep(1.1 if suffix == ".pdf" and i == 0 else 0)  # a new second for a date
        assert blobs[0] == blobs[1], suffix


def test_a_report_is_the_same_bytes_on_every_run(tmp_path, qc):
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    assert qc("verify", "--quiet", "--only", "50", "--report", first).returncode == 0
    assert qc("verify", "--quiet", "--only", "50", "--report", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qcrystal", *args], capture_output=True, text=True, **kwargs
    )


@pytest.mark.slow
def test_a_closed_or_full_stdout_is_one_line_and_exit_2(tmp_path):
    closed = subprocess.run(
        [sys.executable, "-m", "qcrystal", "derive", "48"],
        stdout=None, stderr=subprocess.PIPE, text=True, pass_fds=(), close_fds=True,
        preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert closed.returncode == 2 and closed.stderr.count("\n") == 1, closed.stderr
    assert "stdout is closed" in closed.stderr
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            run = subprocess.run([sys.executable, "-m", "qcrystal", "--help"], stdout=full,
                                 stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert run.returncode == 2 and "No space left" in run.stderr
