"""Render the generated numerics modules from the registry and the derivations.

Rendering is strict (an undefined template variable is an error), deterministic (stable
symbol order, no timestamps, the formatter's configuration pinned here rather than read
from wherever it runs) and formatted with ruff so generated code reads like written code.
:func:`check` regenerates in memory and returns a unified diff against the committed
files; both need a source checkout (:func:`checkout`), which an installed wheel is not.
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

from qcrystal.symbolic import Verdict, compare

from . import measure, pieces
from .inplace import signed_sum_lines
from .printer import cse_lines
from .registry import FUNCTIONS, Function

__all__ = ["TEMPLATE_DIR", "NotACheckoutError", "check", "checkout", "render", "write"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Generated module → its template; the module docstring of the lattice functions.
TEMPLATES = {"lattice.py": "lattice.py.j2", "_phonon_tables.py": "phonon_tables.py.j2"}
LATTICE_DOC = "Frequencies (34) and (38), the Gaussian tunneling J_ij and the sound velocity (46)."
# The formatter's settings, pinned: ruff reads no configuration file (--isolated), so the
# output is the same whatever folder the generator runs in.
RUFF = ("--isolated", "--line-length", "100", "--target-version", "py311")
# Functions of qcrystal.numerics._kernels that printed code may call; as_result closes every body.
_KERNELS = (
    "as_result",
    "elementwise",
    "exp_neg_sum_of_products",
    "fast_exp",
    "finite_or_raise",
    "hypot",
    "per_direction",
    "refined_sum",
    "sin_squared",
    "sqrt_product",
    "Workspace",
)


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


class NotACheckoutError(RuntimeError):
    """The generated modules are regenerated and checked in a source checkout only."""


def checkout() -> Path | None:
    """The root of the source checkout this code runs from, or None (an installed wheel).

    The design fixes ``codegen/`` at the top of the checkout beside ``pyproject.toml`` and
    ``src/qcrystal``; an installed copy lives inside ``site-packages/qcrystal`` instead.
    """
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "src" / "qcrystal" / "numerics").is_dir():
        return root
    return None


def output_dir() -> Path:
    """Where the committed generated modules live; NotACheckoutError outside a checkout."""
    root = checkout()
    if root is None:
        raise NotACheckoutError(
            "the generated modules are committed in a source checkout (src/qcrystal/numerics); "
            f"this is an installed copy at {Path(__file__).resolve().parents[1]}: run the "
            "command inside a clone of the repository"
        )
    return root / "src" / "qcrystal" / "numerics"


def _function_context(f: Function) -> dict:
    names = {pieces.symbol(a.symbol): a.name for a in f.args}
    measured = measure.docstring_lines(f.name)
    parts = getattr(pieces, f.build)()
    helpers: list[dict] = []
    if f.reduce_last_axis:
        _prove_stable(parts["bracket_stable"], parts["bracket"], f.name)
        # The bracket as its additive terms, so that the kernel can tell where they cancel.
        terms = sp.Add.make_args(sp.expand(parts["bracket_stable"]))
        term_lines = signed_sum_lines(list(terms), names)
        arglist = ", ".join(a.name for a in f.args)
        ratio = pieces.CANCELLATION_RATIO
        if f"Σ|t| > {ratio:g}|Σt|" not in " ".join(f.notes):  # the docstring says the ratio
            raise RuntimeError(f"the notes of {f.name} do not state Σ|t| > {ratio:g}|Σt|")
        bracket = f"refined_sum(_{f.name}_terms, {arglist}, ratio={ratio!r}, work=work)"
        decay = _compensated_decay(parts["exponent"], names)
        if decay is None:  # not a monomial: the plain float64 exponent
            lines, (expo,) = cse_lines([parts["exponent"]], names)
            result = f"-np.exp(-np.sum({expo}, axis=-1)) * bracket"
        else:
            lines, result = [], decay
        directed = [a.name for a in f.args if a.name != "m"]  # the per-direction arguments
        shapes = ", ".join(f"np.shape({n})" for n in directed)
        flags = ", ".join(str(a.name != "m") for a in f.args)
        checks = [f'as_directions(np.broadcast_shapes({shapes}), "{", ".join(directed)}")']
        call = f"per_direction(_{f.name}, {arglist}, directed=({flags}), work=True)"
        extra = ", work=None"
        shape_of = [f"np.shape({a.name})" for a in f.args]
        body = [
            "# One workspace for every block (per_direction passes it): no block allocates.",
            "work = Workspace() if work is None else work",
            "m = m[..., np.newaxis]  # the mass has no direction axis",
            "# Overflow on the way is either harmless (k₀²/(mε) = inf gives e^(−inf) = 0) or",
            "# ends in NaN, which finite_or_raise turns into a ValueError: no warnings here.",
            'with np.errstate(over="ignore", divide="ignore", invalid="ignore"):',
            *(f"    {line}" for line in lines),
            f"    bracket = {bracket}",
            f"    value = {result}",
            *(["    np.negative(value, out=value)  # J = −e^(−x)·bracket"] if decay else []),
            f'return finite_or_raise(value, "{f.name}")',
        ]
        helpers.append(
            {
                "name": f"_{f.name}_terms",
                "args": f"{arglist}, work",
                "doc": textwrap.wrap(
                    f"The bracket of :func:`{f.name}` direction by direction as two sums, of "
                    "its nonnegative terms (pos) and of its nonpositive ones (neg), each "
                    "term's sign proven by the generator. Every intermediate is an array of "
                    "``work``, in the float type of the arguments (long double where the "
                    "kernel refines a cancelling sum).",
                    88,
                ),
                "body": [
                    f"shape = np.broadcast_shapes({', '.join(shape_of)})",
                    f"dtype = np.result_type({arglist})",
                    *term_lines,
                    "return pos, neg",
                ],
            }
        )
        exprs = [parts["exponent"], parts["bracket_stable"], sp.Float(ratio)]
    else:
        lines, (result,) = cse_lines([parts["result"]], names)
        if not lines and re.fullmatch(r"(\d+ \* )?(hypot|sqrt_product)\(.*\)", result):
            # One overflow-safe kernel call: no intermediate can leave float64 or be NaN.
            body = [f"return as_result({result})"]
        else:
            body = [
                "# Beyond float64 a result is inf or 0; a NaN (0·inf on the way) has no value,",
                "# which finite_or_raise says as a ValueError.",
                'with np.errstate(over="ignore", under="ignore", invalid="ignore"):',
                *(f"    {line}" for line in lines),
                f"    value = {result}",
                f'return finite_or_raise(value, "{f.name}")',
            ]
        exprs = [parts["result"]]
        checks = []
        call = f"elementwise(_{f.name}, {', '.join(a.name for a in f.args)})"
        extra = ""
    return {
        "name": f.name,
        "summary": f.summary,
        "equation": textwrap.wrap(f.equation, 88),
        "returns": f.returns,
        "args": f.args,
        "checks": checks,
        "call": call,
        "extra": extra,
        "body": body,
        "helpers": helpers,
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
    return f"exp_neg_sum_of_products({float(coeff)!r}, {args}, times=bracket, work=work)"


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
    import importlib.util

    if importlib.util.find_spec("ruff") is None:
        raise RuntimeError(
            "qcrystal codegen formats what it writes with ruff, which is not installed: "
            "pip install 'qcrystal[codegen]'"
        )
    try:
        done = subprocess.run(
            # one argument, so a file name that starts with "-" stays a file name
            [sys.executable, "-m", "ruff", "format", *RUFF, f"--stdin-filename={filename}", "-"],
            input=source,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise RuntimeError(f"ruff could not format {filename}: {detail}") from exc
    return done.stdout


def render_lattice(template_dir: Path = TEMPLATE_DIR) -> str:
    """The generated functions of ``qcrystal.numerics.lattice``, from the registry."""
    name = TEMPLATES["lattice.py"]
    env = _environment(template_dir)
    template = env.get_template(name)
    template_text = (template_dir / name).read_text(encoding="utf-8")
    entries = [f for f in FUNCTIONS if f.kind == "generated" and f.module == "lattice"]
    contexts = [_function_context(f) for f in entries]
    helper_lines = [line for c in contexts for h in c["helpers"] for line in h["body"]]
    code = "\n".join(
        [*(line for c in contexts for line in [*c["body"], *c["checks"], c["call"]]), *helper_lines]
    )
    kernels = sorted(k for k in _KERNELS if re.search(rf"\b{k}\(", code))
    validators = sorted({"as_float", *(v for v in ("as_directions",) if f"{v}(" in code)})
    source = template.render(
        template=f"codegen/templates/{name}",
        derivations=[f.derivation for f in entries],
        digest=_digest(template_text, contexts),
        doc=LATTICE_DOC,
        functions=contexts,
        kernels=kernels,
        validators=validators,
    )
    return _format(source, "lattice.py")


def render_phonon_tables(template_dir: Path = TEMPLATE_DIR) -> str:
    """The constants of the hand-written phonon numerics, computed from the derivations."""
    name = TEMPLATES["_phonon_tables.py"]
    env = _environment(template_dir)
    context = pieces.phonon_tables()
    context["accuracy"] = {
        f.name: [repr(line) for line in measure.docstring_lines(f.name)]
        for f in FUNCTIONS
        if f.module == "phonons"
    }
    text = (template_dir / name).read_text(encoding="utf-8")
    h = hashlib.sha256(text.encode())
    for key in sorted(context):
        h.update(f"{key}={context[key]}".encode())
    source = env.get_template(name).render(
        template=f"codegen/templates/{name}",
        derivations=["49", "k_D", "r0sq", "48", "51"],
        digest=h.hexdigest(),
        **context,
    )
    return _format(source, "_phonon_tables.py")


def render(template_dir: Path = TEMPLATE_DIR) -> dict[str, str]:
    """Every generated module's text, keyed by file name."""
    return {
        "lattice.py": render_lattice(template_dir),
        "_phonon_tables.py": render_phonon_tables(template_dir),
    }


def write() -> list[Path]:
    """Regenerate the committed modules in the checkout; the paths written."""
    out_dir = output_dir()
    written = []
    for name, text in render().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check(template_dir: Path = TEMPLATE_DIR) -> str:
    """Unified diff between committed and freshly generated modules ('' when current)."""
    out_dir = output_dir()
    diffs: list[str] = []
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
