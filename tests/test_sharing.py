"""Two processes judge a paper as one does (qcrystal.symbolic.sharing).

The helper is forked only from a single-threaded process, which a pytest-xdist worker is
not: each check runs in a fresh interpreter, judges the records once with the helper and
once alone, and compares the findings. A helper that fails is made up for, and an error
in a record is raised where it would be raised without a helper.
"""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from qcrystal.symbolic import sharing, verification

TESTS = Path(__file__).parent

PRELUDE = f"""
import json, os, sys
sys.path.insert(0, {str(TESTS)!r})
from second_paper import OSCILLATOR
from qcrystal.symbolic import judge, sharing, verification

PARENT = os.getpid()
helped = []
real_unpack = sharing._unpack
def counting_unpack(data):
    out = real_unpack(data)
    helped.extend(n for n, _ in out)
    return out
sharing._unpack = counting_unpack

def alone(paper):
    return verification.to_json([judge(r, paper) for r in paper.records])

def shared(paper):
    return verification.to_json(sharing.judge_all(paper, list(paper.records)))
"""


def _run(body: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + body], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_with_a_helper_the_findings_are_the_same():
    out = _run(
        """
print(json.dumps({"possible": sharing._helper_possible(5),
                  "same": shared(OSCILLATOR) == alone(OSCILLATOR)}))
"""
    )
    assert out["same"]


@pytest.mark.slow
def test_the_whole_paper_with_a_helper(findings):
    """The paper verified with a helper, in a fresh interpreter, against this session's own
    verification; the helper must have judged some of it."""
    out = _run(
        """
from qcrystal.derivations.paper import PAPER
found = verification.run(PAPER)
print(json.dumps({"possible": sharing._helper_possible(len(PAPER.records)),
                  "helped": len(helped), "json": verification.to_json(found)}))
"""
    )
    assert out["json"] == verification.to_json(list(findings))
    if out["possible"]:
        assert out["helped"] > 0


def test_a_failing_helper_is_made_up_for():
    out = _run(
        """
real_judge = sharing.judge
def judge_here_only(rec, paper):
    if os.getpid() != PARENT:
        raise RuntimeError("the helper breaks")
    return real_judge(rec, paper)
sharing.judge = judge_here_only
found = shared(OSCILLATOR)
sharing.judge = real_judge
print(json.dumps({"same": found == alone(OSCILLATOR), "helped": len(helped)}))
"""
    )
    assert out == {"same": True, "helped": 0}


def test_an_error_in_a_record_is_raised_here():
    out = _run(
        """
real_judge = sharing.judge
def broken(rec, paper):
    if rec.id == "3":
        raise ValueError("record 3 is broken")
    return real_judge(rec, paper)
sharing.judge = broken
try:
    sharing.judge_all(OSCILLATOR, list(OSCILLATOR.records))
    print(json.dumps({"raised": None}))
except ValueError as exc:
    print(json.dumps({"raised": str(exc), "here": os.getpid() == PARENT}))
"""
    )
    assert out == {"raised": "record 3 is broken", "here": True}


def test_no_helper_beside_other_threads():
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not sharing._helper_possible(10)
    finally:
        stop.set()
        worker.join()


def test_one_record_is_judged_here():
    assert not sharing._helper_possible(1)


def test_progress_is_reported_for_every_record_judged_alone():
    """Sequentially (as in a test worker, which has threads) progress comes in order."""
    from second_paper import OSCILLATOR

    seen = []
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)  # keeps this process multi-threaded
    worker.start()
    try:
        verification.run(OSCILLATOR, progress=lambda n, total, i: seen.append((n, total, i)))
    finally:
        stop.set()
        worker.join()
    assert seen == [(n, 5, r.id) for n, r in enumerate(OSCILLATOR.records, 1)]
