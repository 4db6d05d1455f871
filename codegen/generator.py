"""Render the generated NumPy modules from the derivations through Jinja2 templates.

Rendering is strict (an undefined template variable is an error), deterministic (stable
symbol order, no timestamps) and formatted with ruff so generated code reads like
written code. ``check`` regenerates in memory and returns a unified diff against the
committed files.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jinja2
import sympy as sp
from sympy.codegen.cfunctions import expm1

from qcrystal.derivations.verdict import Verdict, compare

from . import measure
from .printer import cse_lines
from .specs import MODULES, Function, Module, debye_constants

__all__ = ["OUTPUT_DIR", "TEMPLATE", "check", "render", "write"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "module.py.j2"
OUTPUT_DIR = Path(__file__).resolve().parents[1] / "src" / "qcrystal"
# Functions of qcrystal._kernels that printed code may call; as_result closes every body.
_KERNELS = ("as_result", "exp_neg_sum_of_products", "finite_or_raise", "hypot", "sqrt_product")


def _environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def _prove_stable(stable: sp.Expr, derived: sp.Expr, what: str) -> None:
    """Refuse to emit a stable rewrite that is not equal to the derived form."""
    plain = stable.replace(expm1, lambda z: sp.exp(z) - 1)
    out = compare(plain, derived)
    if out.verdict is not Verdict.CONFIRMED:
        raise RuntimeError(f"stable form of {what} is not the derived one: {out.finding}")


def _function_context(f: Function) -> dict:
    names = {a.symbol: a.name for a in f.args}
    measured = measure.docstring_lines(f.name)
    pieces = f.build()
    if f.reduce_last_axis:
        _prove_stable(pieces["bracket_stable"], pieces["bracket"], f.name)
        decay = _compensated_decay(pieces["exponent"], names)
        if decay is None:  # not a monomial: the plain float64 exponent
            lines, (expo, bracket) = cse_lines(
                [pieces["exponent"], pieces["bracket_stable"]], names
            )
            result = f"-np.exp(-np.sum({expo}, axis=-1)) * np.sum(bracket, axis=-1)"
        else:
            lines, (bracket,) = cse_lines([pieces["bracket_stable"]], names)
            result = f"-{decay}"
        body = [
            "m = m[..., np.newaxis]  # the mass has no direction axis",
            "# Overflow on the way is either harmless (k₀²/(mε) = inf gives e^(−inf) = 0) or",
            "# ends in NaN, which finite_or_raise turns into a ValueError: no warnings here.",
            'with np.errstate(over="ignore", divide="ignore", invalid="ignore"):',
            *(f"    {line}" for line in lines),
            f"    bracket = {bracket}",
            f"    value = {result}",
            f'return finite_or_raise(value, "{f.name}")',
        ]
        exprs = [pieces["exponent"], pieces["bracket_stable"]]
    else:
        lines, (result,) = cse_lines([pieces["result"]], names)
        body = [*lines, f"return as_result({result})"]
        exprs = [pieces["result"]]
    return {
        "name": f.name,
        "summary": f.summary,
        "equation": textwrap.wrap(f.equation, 88),
        "returns": f.returns,
        "args": f.args,
        "body": body,
        "notes": [
            *(
                line
                for note in (*f.notes, f"Generated from derivation ({f.derivation}).")
                for line in textwrap.wrap(note, 88)
            ),
            *measured,
        ],
        "_inputs": [*(sp.srepr(e) for e in exprs), *measured],
    }


def _compensated_decay(exponent: sp.Expr, names: dict[sp.Symbol, str]) -> str | None:
    """exp(−Σ c·∏ symbols)·Σ bracket through the double-double kernel, for a monomial exponent.

    A float64 exponent x costs x ulp in exp(−x); the kernel carries it exactly. Needs a
    power-of-two coefficient (an exact scaling) and symbols to positive integer powers.
    """
    coeff, rest = exponent.as_coeff_Mul()
    if not coeff.is_Rational or coeff <= 0 or sp.log(coeff, 2).is_integer is not True:
        return None
    factors = []
    for term in sp.Mul.make_args(rest):
        base, power = term.as_base_exp()
        if not (base.is_Symbol and power.is_Integer and power > 0):
            return None
        factors += [names[base]] * int(power)
    args = ", ".join(factors)
    return f"exp_neg_sum_of_products({float(coeff)!r}, {args}, times=np.sum(bracket, axis=-1))"


def _digest(template_text: str, contexts: list[dict]) -> str:
    h = hashlib.sha256(template_text.encode())
    for c in contexts:
        h.update(c["name"].encode())
        for text in c["_inputs"]:
            h.update(text.encode())
        for a in c["args"]:
            h.update(f"{a.name}|{a.unit}|{a.domain}".encode())
    return h.hexdigest()


def _format(source: str, filename: str) -> str:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--stdin-filename", filename, "-"],
            input=source,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise RuntimeError(f"ruff could not format {filename}: {detail}") from exc
    return done.stdout


def render_module(mod: Module, template_dir: Path = TEMPLATE_DIR) -> str:
    env = _environment(template_dir)
    template = env.get_template(TEMPLATE)
    template_text = (template_dir / TEMPLATE).read_text(encoding="utf-8")
    contexts = [_function_context(f) for f in mod.functions]
    code = "\n".join(line for c in contexts for line in c["body"])
    kernels = sorted(k for k in _KERNELS if re.search(rf"\b{k}\(", code))
    source = template.render(
        template=f"codegen/templates/{TEMPLATE}",
        derivations=[f.derivation for f in mod.functions],
        digest=_digest(template_text, contexts),
        doc=mod.doc,
        functions=contexts,
        kernels=kernels,
    )
    return _format(source, f"{mod.name}.py")


def render_debye(template_dir: Path = TEMPLATE_DIR) -> str:
    """The phonon module: constants and series coefficients computed from the derivations."""
    name = "debye.py.j2"
    env = _environment(template_dir)
    context = debye_constants()
    context["accuracy"] = {
        f: measure.docstring_lines(f)
        for f in ("debye_temperature", "debye_integral", "lindemann_ratio", "melting_temperature")
    }
    text = (template_dir / name).read_text(encoding="utf-8")
    h = hashlib.sha256(text.encode())
    for key in sorted(context):
        h.update(f"{key}={context[key]}".encode())
    source = env.get_template(name).render(
        template=f"codegen/templates/{name}",
        derivations=["49", "k_D", "r0sq", "48"],
        digest=h.hexdigest(),
        **context,
    )
    return _format(source, "phonons.py")


def render(template_dir: Path = TEMPLATE_DIR) -> dict[str, str]:
    """Every generated module's text, keyed by file name."""
    out = {f"{mod.name}.py": render_module(mod, template_dir) for mod in MODULES}
    out["phonons.py"] = render_debye(template_dir)
    return out


def write(out_dir: Path = OUTPUT_DIR) -> list[Path]:
    written = []
    for name, text in render().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check(out_dir: Path = OUTPUT_DIR, template_dir: Path = TEMPLATE_DIR) -> str:
    """Unified diff between committed and freshly generated modules ('' when current)."""
    diffs = []
    for name, fresh in render(template_dir).items():
        path = out_dir / name
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old != fresh:
            diffs.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    fresh.splitlines(keepends=True),
                    f"committed/{name}",
                    f"generated/{name}",
                )
            )
    return "".join(diffs)
