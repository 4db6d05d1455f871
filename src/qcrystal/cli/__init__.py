"""The ``qcrystal`` command line: one module per subcommand, each importing what it needs
only when it runs, so that ``qcrystal --help`` answers at once."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys
import threading
import warnings

from . import (
    accuracy,
    book,
    check_step,
    codegen,
    crystals,
    derive,
    model,
    phase_diagram,
    state,
    verify,
)
from ._common import Formatter, Parser, fail

__all__ = ["main"]

COMMANDS = (
    verify, derive, check_step, model, state, phase_diagram, crystals, accuracy, codegen, book,
)  # fmt: skip

_EPILOG = """examples:
  qcrystal verify                        every equation, its computed verdict
  qcrystal derive 38                     the steps to ε = √(ω² + Ω²)
  qcrystal check-step 38 7 'sqrt(omega**2 + Omega**2)'
  qcrystal model show examples/dipolar.toml
  qcrystal state --model examples/rydberg.toml --set U=20
  qcrystal phase-diagram --out diagram   the four states over ω/E_K, T_D/E_K
  qcrystal crystals                      the crystal criterion against QMC
  qcrystal accuracy --plot acc.png       the Gaussian ansatz vs exact bands
  qcrystal codegen --model examples/rydberg.toml --out gen/
  qcrystal book --out site/              the derivation book
"""


def parser() -> argparse.ArgumentParser:
    from qcrystal import __version__

    p = Parser(
        prog="qcrystal",
        description="Re-derive and verify Yukalov, 'From optical lattices to quantum "
        "crystals'; compute, classify and teach its results.",
        epilog=_EPILOG,
        formatter_class=Formatter,
    )
    p.add_argument("--version", action="version", version=f"qcrystal {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_arguments(sub)
    return p


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that cleanups run as for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """Run ``qcrystal ARGS``; every failure is one line on stderr and an exit status:
    2 for bad input or a command that could not finish, 130 for Ctrl-C, 143 for SIGTERM."""
    if sys.stdout is None:  # started with stdout closed: nothing could be shown
        return fail("", "stdout is closed; run it with somewhere to print to")
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as done:  # --help, --version, a usage error: printed by argparse
        return _flushed(int(done.code or 0))
    except OSError as exc:  # the help or usage text could not be written
        _quiet_stdout()
        return fail("", f"could not write the output ({exc.strerror or exc})")
    if args.command is None:
        p.print_help()
        return _flushed(2)
    run = {c.NAME: c.run for c in COMMANDS}[args.command]
    previous = _install(signal.SIGTERM, _terminate)
    try:
        with warnings.catch_warnings():
            # NumPy's RuntimeWarnings about values the code handles (inf, 0/0 masked out)
            # are not for the user's terminal; library callers still see them.
            warnings.simplefilter("ignore", RuntimeWarning)
            code = run(args)
            sys.stdout.flush()
            return code
    except BrokenPipeError:  # `qcrystal … | head`: the reader left; say so, once
        _quiet_stdout()
        return fail(args.command, "the output was cut short: its reader closed the pipe")
    except KeyboardInterrupt:
        return 130
    except _Terminated:
        return 143
    except Exception as exc:
        return fail(args.command, _message(exc))
    finally:
        _install(signal.SIGTERM, previous)


def _flushed(code: int) -> int:
    """``code``, or 2 if what was printed could not be written (a full disk, a closed pipe)."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        _quiet_stdout()
        return fail("", f"could not write the output ({exc.strerror or exc})")
    return code


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's own flush at exit is silent."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _message(exc: Exception) -> str:
    """What the user is told about a failure, in one line."""
    if _budget_error(exc):  # the command ran out of its time or memory
        return f"cannot decide: too expensive ({exc}); raise --budget or --memory"
    if isinstance(exc, ValueError):  # bad input, refused outputs: the message names it
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EPIPE, errno.EIO):
        _quiet_stdout()  # most likely stdout itself: do not try to print to it again
    if isinstance(exc, OSError):  # a disk full, a file gone: say which
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, MemoryError):
        return "ran out of memory"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    if os.environ.get("QCRYSTAL_DEBUG"):  # a bug: still one line, and how to see more
        raise exc
    return f"internal error: {type(exc).__name__}: {exc} (QCRYSTAL_DEBUG=1 shows the traceback)"


def _budget_error(exc: BaseException) -> bool:
    """An exhausted budget of qcrystal.symbolic.budget (not imported unless it was used)."""
    budget = sys.modules.get("qcrystal.symbolic.budget")
    return budget is not None and isinstance(exc, budget.BudgetError)


def _install(signum: int, handler: object) -> object:
    """Set a signal handler where that is possible (the main thread); the previous one."""
    if threading.current_thread() is not threading.main_thread() or handler is None:
        return None
    return signal.signal(signum, handler)  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
