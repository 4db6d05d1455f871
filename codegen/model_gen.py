"""Per-model code generation: a model file → a NumPy module of its quantities against depth.

``qcrystal codegen --model FILE --out DIR`` renders ``templates/model.py.j2`` with the
model's constants (lattice sums, the interaction profile printed by the same NumPy
printer as the built-in modules) into ``DIR/<file stem>.py``. The module's functions take
the lattice depth U (the same in every direction) and, where it matters, the temperature
T, vectorized, and call the generated core functions (``qcrystal.lattice_frequency`` …)
for the paper's formulas. :func:`selfcheck` compares the generated module with
:func:`qcrystal.model.quantities`, which computes each value independently (mpmath
quadrature for the smearing of (44)), at several depths.

Output is deterministic: the same model text and template give the same bytes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import textwrap
from pathlib import Path

import numpy as np
import sympy as sp

from qcrystal import interactions
from qcrystal import model as models

from .generator import TEMPLATE_DIR, _environment, _format
from .printer import NumpyPrinter

__all__ = ["render_model", "selfcheck", "write_model"]

TEMPLATE = "model.py.j2"
# Gauss–Legendre nodes for the smearing integral over |ρ − a| ≤ 12 l (where the kernel
# lives) and over the core [0, a − 12 l] (where it is below e^(−72)): the kernel is an
# entire function times a Gaussian, so 120 nodes are exact to float64 (the selfcheck
# compares with adaptive mpmath quadrature at 30 digits).
QUAD_NODES = 120


class ModelCodegenError(ValueError):
    """A model the per-model generator cannot specialise (the message says why)."""


def _context(model: models.Model, text: str) -> dict:
    if len(set(model.spacing)) > 1 or len(set(model.depth)) > 1:
        raise ModelCodegenError(
            f"{model.source}: per-model code needs one spacing and one depth for every "
            "direction (the generated functions take the depth U as one number per point)"
        )
    inter, d = model.interaction, model.d
    if model.omega != "bare":
        raise ModelCodegenError(
            f"{model.source}: per-model code takes Ω from the bare Φ; omega = "
            f"{model.omega!r} (self-consistent smearing) is only in `qcrystal model show`"
        )
    qs = {q.symbol: q for q in models.quantities(model)}  # lattice sums, notes, checks
    omega2 = qs["Ω²"].value
    s2 = [float(v) * model.mass / (2 * model.filling) for v in omega2]  # Σ_j ∂²Φ/∂x_α²
    mode, profile_code, note = "none", "0.0", ""
    if not inter.onsite_only:
        profile = models._radial_profile(inter, d)
        if profile is None:
            raise ModelCodegenError(
                f"{model.source}: per-model code needs Φ to depend on r alone in the lattice "
                "space (this one does not); `qcrystal model show` still handles it"
            )
        q = inter.near_power
        if q is None:
            q = models._near_power(profile, model.spacing[0])
        rho = sp.Symbol("rho", positive=True)
        printer = NumpyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})
        profile_code = printer.doprint(profile.subs(interactions.R, rho))
        if inter.kind == "gaussian":
            # Gaussian core ⊗ Gaussian smearing is a Gaussian of width σ² + l²: exact.
            mode = "gaussian"
            note = "U(a): the Gaussian core smeared exactly (a Gaussian of width σ² + l²)"
            profile_code = f"{inter.params['V0']!r}, {inter.params['sigma']!r}"
        elif q >= d:
            mode = "bare"
            lap = models._radial_laplacians(profile, d, model.spacing[0], 1)[1]
            note = f"U(a) = Φ(a): smearing Φ ~ r^-{q:g} diverges in d = {d}"
            profile_code = repr(lap)  # only ∇²Φ(a) is needed, a constant
        elif d in (1, 3):
            mode = f"quadrature{d}"
            note = "U(a): the smearing integral of (44) by Gauss–Legendre quadrature"
        else:
            mode = "expansion"
            terms = models._radial_laplacians(profile, d, model.spacing[0], 3)
            profile_code = ", ".join(repr(t) for t in terms[1:4])
            note = "U(a): gradient expansion Φ + (l²/2)∇²Φ + ½((l²/2)∇²)²Φ, valid for l ≪ a"
    return {
        "source": _safe_text(Path(model.source).name),
        "name": textwrap.fill(_safe_text(model.name or Path(model.source).stem), 80),
        "kind": model.kind,
        "interaction": inter.kind,
        "d": d,
        "mass": repr(model.mass),
        "filling": repr(model.filling),
        "spacing": repr(model.spacing[0]),
        "k0": repr(2 * math.pi / model.wavelength[0]),
        "s2": ", ".join(repr(v) for v in s2),
        "mode": mode,
        "profile": profile_code,
        "note": note,
        "nodes": QUAD_NODES,
        "model_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def _safe_text(text: str) -> str:
    """User text (a model's name, a file name) made inert for a docstring or a comment.

    Only printable characters survive, without quotes or backslashes, so the text can
    neither close the docstring nor start a new line of code.
    """
    return "".join(c for c in text if c.isprintable() and c not in "\"'\\")


def render_model(path: str | Path) -> str:
    """The generated module's text for the model file at ``path``."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    model = models.loads(text, str(path))
    context = _context(model, text)
    template_text = (TEMPLATE_DIR / TEMPLATE).read_text(encoding="utf-8")
    h = hashlib.sha256(template_text.encode())
    for key in sorted(context):
        h.update(f"{key}={context[key]}".encode())
    source = (
        _environment()
        .get_template(TEMPLATE)
        .render(template=f"codegen/templates/{TEMPLATE}", digest=h.hexdigest(), **context)
    )
    return _format(source, f"{path.stem}.py")


def write_model(path: str | Path, out_dir: str | Path) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{_module_name(Path(path))}.py"
    target.write_text(render_model(path), encoding="utf-8")
    return target


def _module_name(path: Path) -> str:
    stem = "".join(c if c.isalnum() else "_" for c in path.stem)
    return stem if stem[:1].isalpha() else f"model_{stem}"


def selfcheck(model_path: str | Path, module_path: str | Path) -> list[tuple[str, float, float]]:
    """(quantity, worst relative error, tolerance) of the generated module against
    :func:`qcrystal.model.quantities` at 0.5, 1 and 2 times the model's depth."""
    spec = importlib.util.spec_from_file_location("qcrystal_generated_model", module_path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    base = models.load(model_path)
    worst: dict[str, float] = {}
    # ε, l and J are the same core functions on both sides (a wiring check: exact up to
    # rounding). D is Gauss–Legendre here and adaptive mpmath quadrature (or SymPy) there:
    # 120 nodes are exact to float64, so 1e-12 leaves room only for rounding.
    checks = {
        "ε": ("effective_frequency", False, 1e-13),
        "l": ("gaussian_width", False, 1e-13),
        "J_nn": ("hopping", False, 1e-12),
        "D": ("dynamic_parameter", False, 1e-12),
        "T_D": ("debye_temperature", False, 1e-12),
        "r₀/a": ("lindemann_ratio", True, 1e-12),
        "T_melt": ("melting_temperature", False, 1e-12),
    }
    for factor in (0.5, 1.0, 2.0):
        depth = base.depth[0] * factor
        ref_model = models.loads(
            Path(model_path).read_text(encoding="utf-8"),
            str(model_path),
            {"lattice.depth": depth},
        )
        ref = {q.symbol: q.value for q in models.quantities(ref_model)}
        for symbol, (fn, with_t, _) in checks.items():
            args = (depth, base.temperature) if with_t else (depth,)
            got = np.atleast_1d(np.asarray(getattr(mod, fn)(*args), dtype=float))
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
    return [(s, worst[s], checks[s][2]) for s in checks]
