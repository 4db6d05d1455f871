"""What every subcommand shares: the help formatter, one-line errors, --set overrides.

Nothing heavy is imported here: ``qcrystal --help`` builds every subcommand's parser.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")

__all__ = [
    "Formatter",
    "Parser",
    "add_budget",
    "budgeted",
    "dump_json",
    "fail",
    "model_overrides",
    "say",
]

# The budget of a command that evaluates user text: wall-clock seconds and megabytes of
# address space for the worker process that does the evaluation.
BUDGET_SECONDS = 20.0
BUDGET_MEGABYTES = 4096.0


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line (the usage is one --help away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse drops a failed write (help into a full disk) without a word; let the
        # OSError through, so that the command can say it and exit 2
        if message:
            (file or sys.stderr).write(message)


class Formatter(argparse.HelpFormatter):
    """Wraps descriptions and help to the terminal's width (COLUMNS); keeps an epilog of
    examples line for line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(("example:", "examples:")):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def terminal_width() -> int:
    """The width output is wrapped to: COLUMNS if it is a positive integer, else the
    terminal's width when stdout is one, else 100 (a pipe or a file)."""
    import os
    import shutil

    text = os.environ.get("COLUMNS", "")
    if text.isdigit() and int(text) > 0:
        return max(int(text), 20)
    if sys.stdout is not None and sys.stdout.isatty():
        return max(shutil.get_terminal_size((100, 20)).columns, 20)
    return 100


def wrap(text: str, width: int | None = None) -> str:
    """Every line of ``text`` wrapped to ``width`` (default :func:`terminal_width`) at
    spaces, continuation lines indented four past the line's own indentation; a single
    token longer than the width (a long formula without spaces) is left whole."""
    import textwrap

    width = width or terminal_width()
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        out.extend(
            textwrap.wrap(
                line,
                width,
                initial_indent="",
                subsequent_indent=indent + "    ",
                break_long_words=False,
                break_on_hyphens=False,
                drop_whitespace=True,
            )
            or [line]
        )
    return "\n".join(out)


def fail(command: str, message: object) -> int:
    """One line on stderr, naming the command; exit status 2.

    A message that carries line breaks (a tool's usage text) is joined into one line, and
    control characters from user text (terminal escapes) are shown escaped, not obeyed.
    """
    text = " ".join(str(message).split("\n"))
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if sys.stderr is not None:  # a closed stderr: the exit status says it alone
        print(f"qcrystal{' ' + command if command else ''}: {text}", file=sys.stderr)
    return 2


def dump_json(value: object) -> str:
    """``value`` as strict JSON (UTF-8 text, indented): JSON has no Infinity or NaN, so an
    infinite or NaN number is written as null."""
    import json

    return json.dumps(_finite_or_null(value), ensure_ascii=False, indent=2, allow_nan=False)


def _finite_or_null(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_null(v) for v in value]
    return value


def say(message: str) -> None:
    """Progress on stderr (never mixed into the output on stdout)."""
    print(message, file=sys.stderr, flush=True)


_ALIASES = {"U": "lattice.depth", "T": "lattice.temperature", "m": "model.mass",
            "nu": "model.filling", "s": "lattice.recoil_depth"}  # fmt: skip
# One help text for every --set: U is the depth as an energy, s the depth in E_R.
SET_HELP = (
    "override a model value, as SECTION.KEY=VALUE (a TOML value: number, list, text) or "
    "U=… (the depth, an energy: U=30, U='10 E_R'), s=… (the depth in recoil energies), "
    "T=…, m=…, nu=…; in a lab file a unit may be given: T='5 nK'"
)


def model_overrides(items: list[str]) -> dict[str, object]:
    """``--set KEY=VALUE`` items as model-file overrides; each value is read as TOML."""
    import tomllib

    out: dict[str, object] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = _ALIASES.get(key.strip(), key.strip())
        if not sep or not key:
            raise ValueError(f"--set {item!r}: write SECTION.KEY=VALUE, e.g. lattice.depth=30")
        try:  # a TOML value, read by the TOML parser: never evaluated
            out[key] = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            out[key] = text  # bare text; the model check says if text is wrong here
        except RecursionError:
            raise ValueError(f"--set {key}: the value is nested too deeply") from None
        except ValueError as exc:  # an integer of more digits than Python converts
            raise ValueError(f"--set {key}: {exc}") from None
    return out


def number_in(
    what: str, high: float, *, closed: bool, shown: str | None = None
) -> Callable[[str], float]:
    """An argparse type: a number in (0, high] (``closed``) or (0, high), else an error
    naming ``what``, the interval (its bound written as ``shown``) and the text given."""
    right = "]" if closed else ")"
    bound = shown or f"{high:g}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (0 < value <= high if closed else 0 < value < high):
            raise argparse.ArgumentTypeError(f"{what} must be in (0, {bound}{right} (got {text})")
        return value

    return parse


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0 (got {text})")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 (got {text})")
    return value


def add_budget(parser: argparse.ArgumentParser) -> None:
    """--budget and --memory: the limits of the worker that evaluates the user's input."""
    parser.add_argument(
        "--budget", type=_positive, default=BUDGET_SECONDS, metavar="SECONDS",
        help=f"wall-clock limit of the evaluation (default {BUDGET_SECONDS:g} s); past it the "
        "answer is 'cannot decide: too expensive'",
    )  # fmt: skip
    parser.add_argument(
        "--memory", type=_positive, default=BUDGET_MEGABYTES, metavar="MB",
        help=f"memory limit of the evaluation (default {BUDGET_MEGABYTES:g} MB)",
    )  # fmt: skip


def budgeted(args: argparse.Namespace, fn: Callable[..., T], *fn_args: Any) -> T:
    """``fn(*fn_args)`` in a worker process under the command's --budget and --memory: a
    C-level loop that never returns to Python is stopped as surely as a slow simplify."""
    from qcrystal.symbolic.budget import isolated

    return isolated(fn, *fn_args, seconds=args.budget, megabytes=args.memory)
