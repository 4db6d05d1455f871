"""Time and memory budgets: they nest, an inner limit never disarms an outer one, an
``except`` cannot swallow an expired limit, and they hold off the main thread and through
C-level work that never returns to Python (an isolated child is killed)."""

import threading
import time

import pytest

from qcrystal.symbolic.budget import OutOfMemoryError, OutOfTimeError, isolated, remaining, within


def spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "finished"


def test_a_limit_stops_a_long_call_and_returns_a_short_one():
    t0 = time.monotonic()
    with pytest.raises(OutOfTimeError, match=r"longer than 0\.2 s"):
        within(0.2, spin, 5)
    assert time.monotonic() - t0 < 1.0
    assert within(5, lambda: 41 + 1) == 42


def test_an_inner_limit_does_not_disarm_the_outer_one():
    """The old SIGALRM limit: an inner limit's exit cancelled the outer alarm, and the
    3 s spin after it ran in full."""
    t0 = time.monotonic()
    with pytest.raises(OutOfTimeError, match=r"0\.3 s"):
        within(0.3, lambda: (within(5, lambda: None), spin(3)))
    assert time.monotonic() - t0 < 1.0


def test_an_expired_limit_cannot_be_swallowed():
    def stubborn():
        try:
            within(5, spin, 3)  # the outer limit expires in here
        except Exception:  # library code that catches too much
            pass
        spin(3)

    t0 = time.monotonic()
    with pytest.raises(OutOfTimeError):
        within(0.3, stubborn)
    assert time.monotonic() - t0 < 1.0


def test_the_inner_limit_fires_first_when_it_is_shorter():
    def inner():
        with pytest.raises(OutOfTimeError, match=r"0\.2 s"):
            within(0.2, spin, 3)
        return "outer carries on"

    assert within(5, inner) == "outer carries on"
    assert remaining() == float("inf")  # nothing left armed


def test_limits_hold_off_the_main_thread():
    seen = {}

    def worker():
        t0 = time.monotonic()
        try:
            within(0.3, spin, 3)
        except OutOfTimeError:
            seen["stopped after"] = time.monotonic() - t0
        seen["result"] = within(5, lambda: "ok")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert seen["result"] == "ok" and seen["stopped after"] < 2.0


def test_isolated_kills_c_level_work_and_caps_memory():
    t0 = time.monotonic()
    with pytest.raises(OutOfTimeError):
        isolated(lambda: 10 ** (10**9), seconds=0.5)  # one C call, no Python in between
    assert time.monotonic() - t0 < 3.0
    with pytest.raises(OutOfMemoryError, match="200 MB"):
        isolated(lambda: bytearray(600 * 2**20), seconds=5, megabytes=200)
    with pytest.raises(ZeroDivisionError):
        isolated(lambda: 1 / 0, seconds=5)
    assert isolated(lambda a, b: a * b, 6, 7, seconds=5) == 42


def test_isolated_inherits_an_enclosing_deadline():
    t0 = time.monotonic()
    with pytest.raises(OutOfTimeError):
        within(0.4, lambda: isolated(spin, 5, seconds=30))
    assert time.monotonic() - t0 < 3.0


def test_bad_budgets_are_refused():
    with pytest.raises(ValueError, match="seconds must be > 0"):
        within(0, spin, 1)
    with pytest.raises(ValueError, match="seconds must be > 0"):
        isolated(spin, 1, seconds=-1)


def test_a_function_written_in_c_is_stopped_too():
    t0 = time.monotonic()
    with pytest.raises(OutOfTimeError):
        within(0.3, time.sleep, 3)  # time.sleep is C: its frame is not Python's
    assert time.monotonic() - t0 < 1.0


def test_the_callers_own_alarm_survives_a_limit():
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(time.monotonic()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        t0 = time.monotonic()
        within(5, spin, 0.1)  # a limit comes and goes while the caller's timer runs
        spin(0.6)
        assert fired and 0.3 < fired[0] - t0 < 0.6
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_thread_is_not_bound_by_the_main_threads_limits():
    seen = {}

    def worker():
        seen["remaining"] = remaining()

    def main_side():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(5)

    within(30, main_side)
    assert seen["remaining"] == float("inf")
