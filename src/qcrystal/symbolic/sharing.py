"""Judging a paper's records on two cores: this process and one forked helper share them.

This process takes records from the front of the paper, the helper from the back, each
the next one nobody has taken (two indices in shared memory), until they meet: the work
balances itself whatever the records cost, and each process derives a stretch of the paper
whose derivations build on one another (cached there, not derived twice). The helper
sends its findings back pickled when it runs out of records; this process puts
everything in the paper's order. Judging is deterministic (the helper starts as a copy of
this process), so the findings are those one process would give.

The helper is an optimisation only: anything it fails to deliver (it crashed, it ran
into the caller's deadline, a finding would not pickle) this process judges itself, so
an error in a record is raised here as it would be without a helper. A helper is forked
only from the main thread, when no other Python thread runs (forking while one holds a
lock, the import lock say, would leave the helper waiting for it forever; a native thread
such as BLAS's holds none of Python's), on a machine that gives this process two cores
or more.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .budget import remaining, within
from .record import EquationRecord, Finding, judge

if TYPE_CHECKING:
    from .paper import Paper

__all__ = ["judge_all"]

Progress = Callable[[int, int, str], None]


def judge_all(
    paper: Paper, records: Sequence[EquationRecord], progress: Progress | None = None
) -> list[Finding]:
    """The findings of ``records`` (of ``paper``), in their order; a helper process shares
    the work when that is possible. ``progress(n, total, id)`` is called before this
    process judges the n-th record."""
    found = _with_helper(paper, records, progress) if _helper_possible(len(records)) else {}
    out = []
    for n, rec in enumerate(records):
        if n not in found:
            if progress:
                progress(n + 1, len(records), rec.id)
            found[n] = judge(rec, paper)
        out.append(found[n])
    return out


def _helper_possible(count: int) -> bool:
    if count < 2 or not hasattr(os, "fork"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    if threading.active_count() > 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) >= 2


def _with_helper(
    paper: Paper, records: Sequence[EquationRecord], progress: Progress | None
) -> dict[int, Finding]:
    """Judge records here while a forked helper judges others; both sets of findings."""
    import multiprocessing

    try:
        # The first record nobody has taken and the last: this process works forward, the
        # helper backward, each through a stretch of the paper whose derivations build on
        # one another (and are cached in that process), until they meet.
        ends = multiprocessing.get_context("fork").Array("l", [0, len(records) - 1])
        read, write = os.pipe()
    except OSError:  # no shared memory or no descriptors to spare: judge alone
        return {}

    def take(forward: bool) -> int:
        with ends.get_lock():
            first, last = ends[0], ends[1]
            if first > last:
                return len(records)  # none left
            if forward:
                ends[0] = first + 1
                return int(first)
            ends[1] = last - 1
            return int(last)

    try:
        with warnings.catch_warnings():  # Python 3.12 warns about fork beside native threads
            warnings.simplefilter("ignore", DeprecationWarning)  # (BLAS's); the helper uses none
            pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return {}
    if pid == 0:  # the helper: judge, report, leave; never return into the caller's code
        os.close(read)
        _helper(write, paper, records, lambda: take(forward=False))
    os.close(write)
    found: dict[int, Finding] = {}
    reaped = False
    try:
        while (n := take(forward=True)) < len(records):
            if progress:
                progress(n + 1, len(records), records[n].id)
            found[n] = judge(records[n], paper)
        with os.fdopen(read, "rb", closefd=False) as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        reaped = True
    finally:
        if not reaped:  # this process failed or was interrupted: the helper goes too
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(read)
    for n, payload in _unpack(data):
        found.setdefault(n, Finding(records[n], *payload))
    return found


def _helper(
    write: int, paper: Paper, records: Sequence[EquationRecord], take: Callable[[], int]
) -> None:
    parts: list[bytes] = []

    def work() -> None:
        while (n := take()) < len(records):
            f = judge(records[n], paper)
            payload = (f.verdict, f.finding, f.derivation, f.outcome, f.dimensions, f.dimensions_ok)
            try:
                parts.append(pickle.dumps((n, payload)))
            except Exception:  # this process then judges it again
                continue

    try:
        # The caller's deadlines hold here too (its interval timer did not survive the fork).
        left = remaining()
        if math.isfinite(left):
            within(left, work)
        else:
            work()
    except BaseException:  # an error or a deadline: what was done is still reported
        pass
    try:
        view = memoryview(pickle.dumps(parts))
        while view:
            view = view[os.write(write, view) :]
    finally:
        os._exit(0)


def _unpack(data: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    """The helper's findings, as (index, Finding fields after the record); what cannot be
    read back is left out (and judged again)."""
    try:
        parts = pickle.loads(data) if data else []
    except Exception:
        return []
    out = []
    for part in parts:
        try:
            out.append(pickle.loads(part))
        except Exception:
            continue
    return out
