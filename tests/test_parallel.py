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
