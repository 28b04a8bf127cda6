"""parallel.py: a child the build starts (a worker, the search indexer) dies with the build."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

PARENT = """
import subprocess, sys, time
from newsarchive.parallel import dying_with_this_process
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=dying_with_this_process())
print(child.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting to be reaped by whoever adopted it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux lets a child die with its parent")
def test_a_child_started_by_a_killed_process_dies_with_it() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()  # SIGKILL: the parent runs no clean-up of its own
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child), "the child outlived the process that started it"


BESIDE = """
import os, threading
from newsarchive.errors import WriteError
from newsarchive.parallel import beside

result = beside(lambda: (os.getpid(), [1, 2, 3]))
pid, value = result()
assert pid != os.getpid() and value == [1, 2, 3], (pid, value)
assert result() == (pid, value), "asked again, the same result (the child is waited for once)"

def failing():
    raise WriteError("disk full, somewhere")

try:
    beside(failing)()
except WriteError as exc:
    assert str(exc) == "disk full, somewhere"
else:
    raise AssertionError("the child's error was not raised")

# With another thread running, forking is not safe: the work is done here.
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
try:
    assert beside(os.getpid)() == os.getpid()
finally:
    stop.set()
    other.join()
print("ok")
"""


def test_work_beside_runs_in_another_process_and_gives_back_its_result_or_its_error() -> None:
    # In a process of its own: a test run may have threads of its own running, and then nothing forks.
    done = subprocess.run([sys.executable, "-c", BESIDE], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr


IN_TWO = """
import os
from newsarchive import parallel

parallel.SPLIT_FROM = 10
here = os.getpid()
work = lambda part: [(i * i, os.getpid()) for i in part]
made = parallel.in_two(work, 50, 2, at=30)
assert [value for value, _ in made] == [i * i for i in range(50)], made
assert {pid for _, pid in made[:30]} == {here}, "the first part is done here"
assert len({pid for _, pid in made[30:]} - {here}) == 1, "the rest in one other process"
assert {pid for _, pid in parallel.in_two(work, 50, 1)} == {here}, "one job: all here"
assert {pid for _, pid in parallel.in_two(work, 9, 2)} == {here}, "too little to share: all here"

def dies_away(part):
    if os.getpid() != here:
        os._exit(3)  # without a word
    return work(part)

made = parallel.in_two(dies_away, 50, 2)
assert made == [(i * i, here) for i in range(50)], "what the process that died did not do is done here"
print("ok")
"""


def test_work_in_two_is_shared_with_a_second_process_and_done_here_if_that_one_dies() -> None:
    done = subprocess.run([sys.executable, "-c", IN_TWO], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr


FAILING_TASK = """
import multiprocessing, multiprocessing.pool, os
from newsarchive import parallel

def terminated(pool):
    os._exit(7)  # terminating a pool can hang for ever (a worker killed holding the results' lock)

multiprocessing.pool.Pool.terminate = terminated

def work(n):
    if n == 0:
        raise ValueError("task 0 failed")
    return n

try:
    list(parallel.map_ordered(work, range(40), 2))
except ValueError as exc:
    assert str(exc) == "task 0 failed"
else:
    raise AssertionError("the task's error did not reach the caller")
assert multiprocessing.active_children() == [], "every worker has finished"
assert list(parallel.map_ordered(work, range(1, 40), 2)) == list(range(1, 40)), "the next pool works"
print("ok")
"""


def test_a_task_that_raises_stops_the_pool_without_terminating_it() -> None:
    done = subprocess.run([sys.executable, "-c", FAILING_TASK], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == "ok\n", (done.returncode, done.stderr)


INTERRUPTED = """
import multiprocessing, os, signal
from newsarchive import parallel

def work(n):
    if n == 5:
        os.killpg(0, signal.SIGINT)  # Ctrl-C, as a terminal sends it: to every process of the group
    return n

try:
    list(parallel.map_ordered(work, range(40), 2))
except KeyboardInterrupt:
    pass
else:
    raise AssertionError("Ctrl-C did not reach the caller")
assert multiprocessing.active_children() == [], "every worker has finished"
print("ok")
"""


def test_ctrl_c_reaches_the_caller_and_the_workers_finish() -> None:
    # A session of its own, so that the signal reaches only its processes; the timeout only guards against a hang.
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED],
        capture_output=True,
        text=True,
        check=False,
        start_new_session=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", (done.returncode, done.stderr)
