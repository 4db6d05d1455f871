"""A deadline that passes inside a finaliser, a garbage-collector callback or a weakref
callback waits for it to end: an exception raised there would be printed and dropped by
Python (and make pytest fail whichever test was running), never reaching the budgeted
call. (A 5 s simplify in test_verdict.py ran into hypothesis's gc callback this way.)"""

import gc
import sys
import time
import weakref

import pytest

from qcrystal.symbolic import OutOfTimeError, within


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _dropped_while_stopping(work, monkeypatch) -> list:
    """What Python dropped while ``work`` ran into a 20 ms deadline (which it must)."""
    dropped = []
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)
    start = time.monotonic()
    with pytest.raises(OutOfTimeError):
        within(0.02, work)
    assert time.monotonic() - start < 5  # stopped soon after the slow part, not at its end
    return dropped


def test_not_inside_a_gc_callback(monkeypatch):
    slow = [True]  # only the first collection is slow

    def callback(phase, info):
        if phase == "start" and slow:
            slow.clear()
            _busy(0.1)  # the deadline passes in here

    def work():
        gc.collect()
        _busy(30)

    gc.collect()  # nothing left for the slow collection to free (no weakref callbacks)
    gc.callbacks.append(callback)
    try:
        assert _dropped_while_stopping(work, monkeypatch) == []
    finally:
        gc.callbacks.remove(callback)


def test_not_inside_a_finaliser(monkeypatch):
    class Slow:
        def __del__(self):
            _busy(0.1)  # the deadline passes in here

    def work():
        Slow()  # finalised at once
        _busy(30)

    assert _dropped_while_stopping(work, monkeypatch) == []


def test_not_inside_a_weakref_callback(monkeypatch):
    class Target:
        pass

    def work():
        target = Target()
        weakref.finalize(target, _busy, 0.1)  # the deadline passes in here
        del target
        _busy(30)

    assert _dropped_while_stopping(work, monkeypatch) == []
