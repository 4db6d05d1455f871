"""What every subcommand shares: the help formatter, one-line errors, --set overrides.

Nothing heavy is imported here: ``qcrystal --help`` builds every subcommand's parser.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["Formatter", "fail", "model_overrides", "say"]


class Formatter(argparse.HelpFormatter):
    """Wraps descriptions and help to the terminal's width (COLUMNS); keeps an epilog of
    examples line for line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(("example:", "examples:")):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def fail(command: str, message: object) -> int:
    """One line on stderr, naming the command; exit status 2."""
    print(f"qcrystal {command}: {message}", file=sys.stderr)
    return 2


def say(message: str) -> None:
    """Progress on stderr (never mixed into the output on stdout)."""
    print(message, file=sys.stderr, flush=True)


_ALIASES = {"U": "lattice.depth", "T": "lattice.temperature", "m": "model.mass",
            "nu": "model.filling"}  # fmt: skip


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
    return out
