"""Build step of the wheel: record which tests check which numeric function.

The derivation book lists, under each generated function, the tests that check it; an
installed copy has no tests/ to read, so the listing is recorded into the package when it
is built (qcrystal/teaching/test_index.json). The two modules it needs are loaded by path:
both use the standard library only, so the build environment needs nothing else.
"""

import importlib.util
import json
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


class BuildWithTestIndex(build_py):
    def run(self) -> None:
        super().run()
        tests = ROOT / "tests"
        if not tests.is_dir():  # building from an sdist without tests: keep what it carries
            return
        registry = _load("_qcrystal_build_registry", ROOT / "codegen" / "registry.py")
        index = _load("_qcrystal_build_test_index", ROOT / "src/qcrystal/teaching/test_index.py")
        found = index.index(tests, [f.name for f in registry.FUNCTIONS])
        target = Path(self.build_lib) / "qcrystal" / "teaching" / "test_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")


setup(cmdclass={"build_py": BuildWithTestIndex})
