"""Time and memory budgets that nest and hold in every thread.

One mechanism, two entry points:

* :func:`within` runs a function under a wall-clock limit. On the main thread the limit is
  a ``SIGALRM`` interval timer shared by all active limits: the timer is armed for the
  earliest deadline, and an inner limit neither disarms nor extends an outer one. When a
  deadline passes, the signal handler raises in the interrupted frame, is re-armed every
  few milliseconds while the expired limit is still active (so an ``except`` in between
  cannot swallow it for good), and the owning :func:`within` turns it into
  :class:`OutOfTimeError`. Off the main thread, where no signal can reach, the call runs in a
  forked child process instead, under the same rules.
* :func:`isolated` always runs the function in a forked child process, with a wall-clock
  deadline enforced from outside (a C-level loop that never returns to Python is killed)
  and, optionally, a memory limit (``RLIMIT_AS``). This is for work on user input that may
  be arbitrarily expensive: the caller gets :class:`OutOfTimeError` or :class:`OutOfMemoryError`,
  never a hang.

A child process inherits the deadlines active in its parent, so nesting holds across
processes too. The result (or the exception) comes back pickled; a function run in a child
(always by :func:`isolated`, and by :func:`within` off the main thread) keeps its side
effects there. A caller's own ``SIGALRM`` timer is put back, with the time it had left,
when the last limit ends.
"""

from __future__ import annotations

import _weakrefset
import gc
import math
import os
import pickle
import select
import signal
import threading
import time
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["BudgetError", "OutOfMemoryError", "OutOfTimeError", "isolated", "remaining", "within"]

T = TypeVar("T")

# While an expired limit is active, the handler fires again after this many seconds, and
# it defers this long when the signal lands inside this module's own bookkeeping.
_REFIRE = 0.005
# The parent of an isolated child waits this long past the deadline for the child to
# report its own OutOfTimeError before it kills it.
_GRACE = 1.0


class BudgetError(Exception):
    """A budgeted call ran out of time or memory."""


class OutOfTimeError(BudgetError, TimeoutError):
    """A call passed its wall-clock limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"took longer than {seconds:g} s")

    def __reduce__(self) -> tuple[type, tuple[float]]:
        return type(self), (self.seconds,)


class OutOfMemoryError(BudgetError, MemoryError):
    """A call in an isolated child process passed its memory limit."""

    def __init__(self, megabytes: float) -> None:
        self.megabytes = megabytes
        super().__init__(f"needed more than {megabytes:g} MB")

    def __reduce__(self) -> tuple[type, tuple[float]]:
        return type(self), (self.megabytes,)


class _Expired(BaseException):
    """Raised by the timer in the interrupted frame; a BaseException so that a plain
    ``except Exception`` in library code cannot swallow it."""

    def __init__(self, limit: _Limit) -> None:
        self.limit = limit
        super().__init__(f"deadline of {limit.seconds:g} s passed")


@dataclass(eq=False)
class _Limit:
    seconds: float
    deadline: float


def _call(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    return fn(*args, **kwargs)


# The signal handler defers while this module does its own bookkeeping (frames of this
# file), but must raise while the budgeted function runs, also when that function is
# written in C: its interrupted frame is then the one that called it. That caller carries
# a file name of its own.
_call.__code__ = _call.__code__.replace(co_filename="<qcrystal budgeted call>")


class _Timer:
    """The active limits of this process's main thread, and the one interval timer."""

    def __init__(self) -> None:
        self.active: list[_Limit] = []
        self.previous: Any = None
        self.previous_timer: tuple[float, float] = (0.0, 0.0)
        self.saved_at = 0.0

    def push(self, limit: _Limit) -> None:
        if not self.active:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            self.previous_timer = signal.setitimer(signal.ITIMER_REAL, 0)  # the caller's own
            self.saved_at = time.monotonic()
        self.active.append(limit)
        self._arm()

    def pop(self, limit: _Limit) -> None:
        self.active.remove(limit)
        if self.active:
            self._arm()
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        value, interval = self.previous_timer
        if value > 0 or interval > 0:  # the caller's timer, with the time it had left
            left = value - (time.monotonic() - self.saved_at)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)

    def _arm(self) -> None:
        wait = min(lim.deadline for lim in self.active) - time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, max(wait, _REFIRE))

    def _fire(self, signum: int, frame: Any) -> None:
        if frame is not None and (frame.f_code.co_filename == __file__ or _dropped_there(frame)):
            # Inside this module's own bookkeeping (push, pop, the finally of within):
            # raising here would leave a limit registered; inside a finaliser or a garbage
            # collector callback, Python would print the exception and drop it. Try again
            # in a moment.
            signal.setitimer(signal.ITIMER_REAL, _REFIRE)
            return
        now = time.monotonic()
        expired = [lim for lim in self.active if lim.deadline <= now]
        if not expired:
            self._arm()
            return
        signal.setitimer(signal.ITIMER_REAL, _REFIRE)  # again, until its owner has it
        raise _Expired(expired[0])  # the outermost: every inner limit lets it pass


# Where the weak containers' callbacks live: they run when an object dies, anywhere.
_WEAKREF_FILES = frozenset({weakref.__file__, _weakrefset.__file__})


def _dropped_there(frame: Any) -> bool:
    """Whether ``frame`` runs (or is called from) a ``__del__``, a ``gc.callbacks`` entry or
    a weak container's callback, where an exception never reaches the interrupted code
    (Python prints it, and pytest fails the test during which it was printed)."""
    callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or code in callbacks or code.co_filename in _WEAKREF_FILES:
            return True
        frame = frame.f_back
    return False


_TIMER = _Timer()
# Deadlines of the parent process, handed to a forked child (monotonic clock values are
# shared by parent and child on the same machine).
_INHERITED: list[float] = []


def remaining() -> float:
    """Seconds left before the earliest deadline that binds the calling thread (inf if
    none): the main thread's active limits there, and what a parent process handed down."""
    own = _TIMER.active if threading.current_thread() is threading.main_thread() else []
    deadlines = [lim.deadline for lim in own] + _INHERITED
    return min(deadlines, default=math.inf) - time.monotonic()


def within(seconds: float, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, or :class:`OutOfTimeError` after ``seconds`` of wall-clock time.

    Nests: the call also ends when an enclosing limit expires (that limit's own
    :func:`within` then raises). ``math.inf`` means no limit of its own.
    """
    if not seconds > 0:
        raise ValueError(f"seconds must be > 0 (got {seconds!r})")
    if math.isinf(seconds) and not _TIMER.active and not _INHERITED:
        return fn(*args, **kwargs)
    if threading.current_thread() is not threading.main_thread():
        return isolated(fn, *args, seconds=seconds, **kwargs)
    limit = _Limit(seconds, time.monotonic() + seconds)
    _TIMER.push(limit)
    try:
        return _call(fn, args, kwargs)
    except _Expired as exc:
        if exc.limit is limit:
            raise OutOfTimeError(seconds) from None
        raise
    finally:
        _TIMER.pop(limit)


def isolated(
    fn: Callable[..., T],
    *args: Any,
    seconds: float,
    megabytes: float | None = None,
    **kwargs: Any,
) -> T:
    """``fn(*args, **kwargs)`` in a forked child process with a deadline and a memory cap.

    Raises :class:`OutOfTimeError` past ``seconds`` (or an enclosing deadline), and
    :class:`OutOfMemoryError` when the child needs more than ``megabytes`` of address space.
    Any other exception of ``fn`` is raised here as it was raised there. The result and
    the arguments must be picklable (SymPy expressions and NumPy arrays are).
    """
    if not seconds > 0:
        raise ValueError(f"seconds must be > 0 (got {seconds!r})")
    own = min(seconds, remaining())
    if own <= 0:
        raise OutOfTimeError(seconds)
    deadline = time.monotonic() + own
    read, write = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns about fork in a threaded process;
        warnings.simplefilter("ignore", DeprecationWarning)  # the child runs one function
        pid = os.fork()
    if pid == 0:  # the child: report and leave, never return into the caller's code
        os.close(read)
        _child(write, deadline, seconds, megabytes, fn, args, kwargs)
    os.close(write)
    try:
        data = _collect(read, pid, deadline + _GRACE)
    finally:
        os.close(read)
    if data is None:
        raise OutOfTimeError(seconds)
    try:
        kind, value = pickle.loads(data)
    except Exception as exc:  # e.g. an exception type that cannot be rebuilt from its args
        raise RuntimeError(f"the worker's answer could not be read back: {exc}") from None
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "memory":
        raise OutOfMemoryError(float(megabytes or 0))
    if kind == "time":
        raise OutOfTimeError(seconds)
    raise value


def _child(
    write: int,
    deadline: float,
    seconds: float,
    megabytes: float | None,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    code = 0
    try:
        # The forking thread is this process's main thread now: signals reach it.
        _TIMER.active.clear()
        _INHERITED[:] = [deadline]
        if megabytes is not None:
            import resource

            size = int(megabytes * 2**20)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))
        try:
            result: tuple[str, Any] = (
                "ok",
                within(max(deadline - time.monotonic(), 1e-3), fn, *args, **kwargs),
            )
        except OutOfTimeError:
            result = ("time", None)
        except MemoryError:
            result = ("memory", None)
        except BaseException as exc:
            result = ("error", exc)
        try:
            data = pickle.dumps(result)
        except Exception as exc:
            data = pickle.dumps(("error", RuntimeError(f"result could not be pickled: {exc}")))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _collect(read: int, pid: int, hard_deadline: float) -> bytes | None:
    """Everything the child writes, or None if it is still at work at the hard deadline
    (then it is killed). Reaps the child either way."""
    chunks: list[bytes] = []
    try:
        while True:
            wait = hard_deadline - time.monotonic()
            if wait <= 0:
                os.kill(pid, signal.SIGKILL)
                return None
            ready, _, _ = select.select([read], [], [], wait)
            if not ready:
                continue
            chunk = os.read(read, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.waitpid(pid, 0)
    return (
        b"".join(chunks)
        if chunks
        else pickle.dumps(("error", RuntimeError("the worker process ended without a result")))
    )
