"""Per-model code generation: a model file → a NumPy module of its quantities against depth.

``qcrystal codegen --model FILE --out DIR`` renders ``templates/model_module.py.j2`` with
the model's constants (lattice sums, the smearing plan of (44), the interaction profile
printed from its SymPy tree by the same NumPy printer as the built-in modules) into
``DIR/<file stem>.py``. The module builds a :class:`qcrystal.models.DepthFunctions` from
those constants, so it runs the same code as the in-process model functions.

Before the module is put in place it is imported and checked (:func:`selfcheck`) against
:func:`qcrystal.models.quantities`, which computes each value independently (mpmath
quadrature for the smearing of (44)) at 0.5, 1 and 2 times the depth; a module that fails
is not written. Output is deterministic: the same model text and template give the same
bytes, and user text (a model's name, a file name) reaches only comments, made inert.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import keyword
import math
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sympy as sp

from qcrystal import models
from qcrystal.models.quantities import lattice_curvature
from qcrystal.models.smearing import plan

from .printer import NumpyPrinter
from .render import TEMPLATE_DIR, _environment, _format

__all__ = ["ModelCodegenError", "render_model", "selfcheck", "write_model"]

TEMPLATE = "model_module.py.j2"
# ε, l and J are the same generated functions on both sides (a wiring check: exact up to
# rounding). D is Gauss–Legendre here and adaptive mpmath quadrature (or SymPy) there: 120
# nodes are exact to float64, so 1e-12 leaves room only for rounding.
CHECKS = {
    "ε": ("effective_frequency", False, 1e-13),
    "l": ("gaussian_width", False, 1e-13),
    "J_nn": ("hopping", False, 1e-12),
    "D": ("dynamic_parameter", False, 1e-12),
    "T_D": ("debye_temperature", False, 1e-12),
    "r₀/a": ("lindemann_ratio", True, 1e-12),
    "T_melt": ("melting_temperature", False, 1e-12),
    # the same over the whole zone of (43) (zone="exact"): the cubic-zone kernels on both sides
    "r₀/a zone": ("lindemann_ratio", True, 1e-12),
    "T_melt zone": ("melting_temperature", False, 1e-12),
}


class ModelCodegenError(ValueError):
    """A model the per-model generator cannot specialise, or whose module fails its check."""


def _context(model: models.Model, text: str) -> dict[str, object]:
    if len(set(model.spacing)) > 1 or len(set(model.depth)) > 1:
        raise ModelCodegenError(
            f"{model.source}: per-model code needs one spacing and one depth for every "
            "direction (the generated functions take the depth U as one number per point)"
        )
    if model.omega != "bare":
        raise ModelCodegenError(
            f"{model.source}: per-model code takes Ω from the bare Φ; omega = "
            f"{model.omega!r} (self-consistent smearing) is only in `qcrystal model show`"
        )
    try:
        smearing, profile = plan(model)
    except models.SmearingError as exc:
        raise ModelCodegenError(str(exc)) from None
    profile_code = ""
    if profile is not None:
        from qcrystal.models.interactions import R

        printer = NumpyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})
        profile_code = printer.doprint(profile.subs(R, _RHO))
    return {
        "source": _safe_text(str(model.source)),
        "name": textwrap.fill(_safe_text(model.name or Path(model.source).stem), 80),
        "kind": model.kind,
        "interaction": model.interaction.kind,
        "d": model.d,
        "mass": repr(model.mass),
        "filling": repr(model.filling),
        "spacing": repr(model.spacing[0]),
        "k0": repr(2 * math.pi / model.wavelength[0]),
        "curvature": "".join(f"{float(v)!r}, " for v in lattice_curvature(model)),
        "mode": repr(smearing.mode),
        "constants": "".join(f"{float(v)!r}, " for v in smearing.constants),
        "profile": profile_code,
        "note": smearing.note,
        "note_repr": repr(smearing.note),
        "model_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


_RHO = sp.Symbol("rho", positive=True)  # the radial variable of the printed profile


def _safe_text(text: str) -> str:
    """User text (a model's name, a file name) made inert for a docstring or a comment.

    Only printable characters survive, without quotes or backslashes, so the text can
    neither close the docstring nor start a new line of code.
    """
    return "".join(c for c in text if c.isprintable() and c not in "\"'\\")


def render_model(path: str | Path) -> str:
    """The generated module's text for the model file at ``path``."""
    path = Path(path)
    text = models.read_text(path)  # a regular file of at most 1 MB, as `model show` reads
    model = models.loads(text, str(path))
    return render_template(TEMPLATE, _context(model, text), f"{path.stem}.py")


def render_template(template: str, context: dict[str, object], filename: str) -> str:
    """A per-model template rendered and formatted; the header's inputs digest hashes the
    template's text and every context value, so equal inputs give equal bytes."""
    template_text = (TEMPLATE_DIR / template).read_text(encoding="utf-8")
    h = hashlib.sha256(template_text.encode())
    for key in sorted(context):
        h.update(f"{key}={context[key]}".encode())
    source = (
        _environment()
        .get_template(template)
        .render(template=f"codegen/templates/{template}", digest=h.hexdigest(), **context)
    )
    return _format(source, filename)


def module_name(path: Path) -> str:
    """The module's file stem: the model file's, reduced to an ASCII Python identifier.

    A stem that is a keyword (``class``) or the name of a module the generated code or a
    user's script imports (``numpy``, ``qcrystal``, the standard library's) gets the
    prefix ``model_``, so the module can be imported and shadows nothing beside it.
    """
    stem = "".join(c if c.isascii() and c.isalnum() else "_" for c in Path(path).stem)
    if not stem[:1].isalpha() or keyword.iskeyword(stem) or stem in _TAKEN_NAMES:
        return f"model_{stem}"
    return stem


_TAKEN_NAMES = frozenset(sys.stdlib_module_names) | {
    "numpy", "qcrystal", "sympy", "mpmath", "scipy", "jinja2", "matplotlib", "dask",
}  # fmt: skip


def write_model(
    path: str | Path, out_dir: str | Path, force: bool = False
) -> tuple[Path, list[tuple[str, float, float]]]:
    """Render, check and write the module of a model; its path and the selfcheck rows.

    The module is written only when every quantity passes its selfcheck tolerance; a
    failure is a :class:`ModelCodegenError` naming the quantities, and nothing is written.
    ``out_dir`` is created if its parent exists; an existing module is replaced only with
    ``force``. Both are checked before any work.
    """
    return write_checked(
        path, out_dir, force, lambda: render_model(path), lambda trial: selfcheck(path, trial),
        "`qcrystal model show`",
    )  # fmt: skip


def write_checked(
    path: str | Path,
    out_dir: str | Path,
    force: bool,
    render: Callable[[], str],
    check: Callable[[Path], list[tuple[str, float, float]]],
    reference: str,
) -> tuple[Path, list[tuple[str, float, float]]]:
    """The write rules every per-model generator shares: ``out_dir`` (created if its parent
    exists) and the target (replaced only with ``force``) are checked before any work;
    ``render()`` gives the source, ``check(trial)`` its selfcheck rows on a trial copy; the
    module is written only if every row is within its tolerance, else a ModelCodegenError
    naming the rows and ``reference``, and nothing is written."""
    from qcrystal.files import OutputError, check_file, write_text

    if not str(out_dir).strip():  # before Path(), which reads "" as the current folder
        raise OutputError("--out '': give a folder name")
    out_dir = Path(out_dir)
    target = out_dir / f"{module_name(Path(path))}.py"
    if out_dir.is_dir():
        check_file(target, "--out", force)
    else:
        check_file(out_dir, "--out")  # its parent must exist and be writable
    source = render()
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / f"{module_name(Path(path))}.py"
        trial.write_text(source, encoding="utf-8")
        rows = check(trial)
    failed = [f"{s} (worst relative error {e:.2g} > {t:g})" for s, e, t in rows if not e <= t]
    if failed:
        raise ModelCodegenError(
            f"{path}: the generated module disagrees with {reference} on "
            f"{', '.join(failed)}; not written"
        )
    out_dir.mkdir(exist_ok=True)
    write_text(target, source, force=force)
    return target, rows


def _load(module_path: str | Path) -> object:
    spec = importlib.util.spec_from_file_location("qcrystal_generated_model", module_path)
    if spec is None or spec.loader is None:
        raise ModelCodegenError(f"cannot import the generated module {module_path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def selfcheck(model_path: str | Path, module_path: str | Path) -> list[tuple[str, float, float]]:
    """(quantity, worst relative error, tolerance) of the generated module against
    :func:`qcrystal.models.quantities` at 0.5, 1 and 2 times the model's depth."""
    mod = _load(module_path)
    text = models.read_text(model_path)
    base = models.loads(text, str(model_path))
    worst: dict[str, float] = {}
    for factor in (0.5, 1.0, 2.0):
        depth = base.depth[0] * factor
        ref = models.quantities(models.loads(text, str(model_path), {"lattice.depth": depth}))
        for symbol, (fn, with_t, _) in CHECKS.items():
            args = (depth, base.temperature) if with_t else (depth,)
            zone = {"zone": "exact"} if symbol.endswith(" zone") else {}
            got = np.atleast_1d(np.asarray(getattr(mod, fn)(*args, **zone), dtype=float))
            want = np.atleast_1d(np.asarray(ref[symbol], dtype=float))
            if symbol == "J_nn":
                want = want[:1]
            if got.shape != want.shape or np.any(np.isnan(got)):
                worst[symbol] = math.inf  # a NaN or a wrong shape fails, whatever the rest
                continue
            both_inf = np.isinf(got) & np.isinf(want)
            scale = np.where(want == 0, 1.0, np.abs(want))
            with np.errstate(invalid="ignore"):
                rel = np.where(both_inf | (got == want), 0.0, np.abs(got - want) / scale)
            worst[symbol] = max(worst.get(symbol, 0.0), float(np.max(rel)))
    return [(s, worst[s], CHECKS[s][2]) for s in CHECKS]


def selfcheck_json(module: Path, rows: list[tuple[str, float, float]]) -> str:
    out = [{"quantity": s, "worst_relative_error": e, "tolerance": t, "ok": e <= t}
           for s, e, t in rows]  # fmt: skip
    return json.dumps({"module": str(module), "selfcheck": out}, ensure_ascii=False)
