"""A wheel that works: built from the sources, installed into a fresh virtual environment
outside the checkout, and run from another folder, every user command gives the output it
gives from the checkout (the book's listing of tests included, recorded at build time).

The fresh environment takes its dependencies from this one (a .pth line naming this
environment's site-packages, which does not run this environment's editable-install hook),
so nothing is downloaded but the build backend; qcrystal itself comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
_SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                               ".*_cache", ".hypothesis", "site")  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(qcrystal executable of the fresh environment, a working folder outside the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=_SKIP)  # a clean tree: no stale build/ to ship
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(source)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    (wheel,) = (tmp / "dist").glob("qcrystal-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([python, "-c", purelib], check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip
    Path(site, "qcrystal_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    where = subprocess.run([python, "-c", "import qcrystal.codegen, qcrystal.derivations as d; "
                            "print(qcrystal.codegen.__file__); print(d.__file__)"],
                           check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
    assert all(Path(w).is_relative_to(venv) for w in where), where  # the wheel, not this checkout
    work = tmp / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "rydberg.toml", work / "rydberg.toml")
    return venv / "bin" / "qcrystal", work


COMMANDS = {
    "verify": ["verify", "--json"],
    "derive": ["derive", "J_ij"],
    "model": ["model", "show", "rydberg.toml", "--json"],
    "state": ["state", "--model", "rydberg.toml", "--set", "U=20", "--json"],
    "diagram": ["phase-diagram", "--out", "pd", "--n", "40", "--T", "2", "--formats", "json"],
    "diagram_model": ["phase-diagram", "--model", "rydberg.toml", "--n", "30", "--out", "pdm",
                      "--formats", "json,svg"],
    "codegen": ["codegen", "--model", "rydberg.toml", "--out", "gen", "--json"],
    "book": ["book", "--out", "site"],
    "accuracy": ["accuracy", "--depths", "5", "20", "--json"],
    "crystals": ["crystals", "--system", "dipoles-2d", "--json"],
    # (a generous budget: the commands run side by side, on a machine the suite also loads)
    "check_step": [
        "check-step", "38", "solve_for_epsilon", "sqrt(omega**2 + Omega**2)", "--budget", "300"
    ],
}  # fmt: skip


def _normalise(text: str) -> str:
    """Timings differ run to run; nothing else may."""
    text = re.sub(r"in \d+\.\d+ s", "in … s", text)
    return re.sub(r'"seconds": [\d.]+', '"seconds": …', text)


def test_every_command_of_the_installed_wheel_matches_the_checkout(installed, tmp_path, findings):
    from conftest import run_cli

    exe, work = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # The installed copy: every command at once, each in a folder of its own.
    procs = {}
    for name, args in COMMANDS.items():
        folder = work / name
        folder.mkdir()
        shutil.copy(work / "rydberg.toml", folder / "rydberg.toml")
        procs[name] = subprocess.Popen([exe, *args], cwd=folder, env=env, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    # The checkout, in this process, in the same folder layout.
    expected = {}
    here = Path.cwd()
    for name, args in COMMANDS.items():
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(work / "rydberg.toml", folder / "rydberg.toml")
        os.chdir(folder)
        try:
            if name == "verify":  # the session's one verification, as `verify --json` prints it
                from qcrystal.symbolic import verification

                expected[name] = verification.to_json(list(findings)) + "\n"
            elif name == "book":
                from qcrystal.codegen.registry import FUNCTIONS
                from qcrystal.derivations.paper import PAPER
                from qcrystal.teaching import book

                files = book.build(folder / "site", PAPER, findings, FUNCTIONS)
                expected[name] = f"wrote {len(files)} files; open site/index.html\n"
            else:
                out = run_cli(*args)
                assert out.returncode == 0, (name, out.stderr)
                expected[name] = out.stdout
        finally:
            os.chdir(here)
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, (name, stderr)
        got = _normalise(stdout.replace(str(work / name), "<here>"))
        want = _normalise(expected[name].replace(str(tmp_path / name), "<here>"))
        assert got == want, name
    # Files they wrote: the diagram's JSON and the model's SVG, the generated module, the book.
    for relative in ("diagram/pd.json", "diagram_model/pdm.json", "diagram_model/pdm.svg",
                     "codegen/gen/rydberg.py", "book/site/index.html", "book/site/api.html",
                     "book/site/section-4.html", "book/site/map.svg"):  # fmt: skip
        assert (work / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative
    api = (work / "book/site/api.html").read_text()
    assert "tests/test_phonons_numeric.py::" in api  # the test listing, recorded at build time
    json.loads((work / "diagram/pd.json").read_text())


def test_developer_commands_say_plainly_they_need_a_checkout(installed):
    exe, work = installed
    for args in (["codegen", "--check"], ["codegen"], ["codegen", "--measure"]):
        done = subprocess.run([exe, *args], cwd=work, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, args
        assert "source checkout" in done.stderr and done.stderr.count("\n") == 1


_DEPENDENCIES = """
import builtins, importlib.metadata as md, json, pathlib, pkgutil, sys, tempfile
direct = set()  # top-level modules that qcrystal's own code imports
real_import = builtins.__import__

def spy(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__", "")
    if importer.startswith("qcrystal") and level == 0:
        direct.add(name.split(".")[0])
    return real_import(name, globals, locals, fromlist, level)

builtins.__import__ = spy
import qcrystal
for mod in pkgutil.walk_packages(qcrystal.__path__, "qcrystal."):
    if not mod.name.endswith("__main__"):
        __import__(mod.name)  # every module of the package imports
from qcrystal.states import diagram
from qcrystal.teaching import book
from qcrystal import accuracy
diagram.figure(diagram.ratio_diagram(n=8))
accuracy.figure(accuracy.accuracy_table([5.0]))
book._derivation_map([], pathlib.Path(tempfile.mkdtemp()) / "map.svg")
third = direct - set(sys.stdlib_module_names) - {"qcrystal"}
providers = md.packages_distributions()
dists = {d.lower().replace("_", "-") for m in third for d in providers.get(m, [])}
print(json.dumps(sorted(dists)))
"""


def test_everything_the_package_imports_is_a_declared_dependency(installed):
    """The fresh environment borrows this one's libraries, so the commands above cannot see
    a missing dependency: here every module of the installed package is imported, the
    figures and the book's map are drawn, and each library that qcrystal's own code imports
    on the way must be among the wheel's declared (non-extra) dependencies."""
    exe, work = installed
    python = exe.parent / "python"
    done = subprocess.run([python, "-c", _DEPENDENCIES], cwd=work, capture_output=True,
                          text=True, timeout=600, check=True)  # fmt: skip
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    import importlib.metadata as md

    def requirements(dist: str) -> set[str]:
        try:
            reqs = md.requires(dist) or []
        except md.PackageNotFoundError:
            return set()
        return {re.split(r"[ ;<>=!\[]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs
                if "extra ==" not in r}  # fmt: skip

    declared = requirements("qcrystal")
    assert {"sympy", "numpy", "matplotlib", "networkx", "latex2mathml"} <= set(imported)
    assert sorted(set(imported) - declared) == []


def test_the_examples_ship_with_the_wheel(installed):
    exe, work = installed
    names = subprocess.run([exe, "model", "example"], cwd=work, capture_output=True, text=True,
                           check=True).stdout.split()  # fmt: skip
    assert "rydberg" in names and len(names) == len(list((ROOT / "examples").glob("*.toml")))
    text = subprocess.run([exe, "model", "example", "rydberg"], cwd=work, capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert text == (ROOT / "examples" / "rydberg.toml").read_text()
