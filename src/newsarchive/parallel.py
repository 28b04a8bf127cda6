"""Worker processes for the costly stages, parse and render, and a process beside the build.

Workers are forked, so they start with everything the parent has already
loaded or computed and nothing is pickled on the way in. Where forking is
not safe (another thread is running, or the system cannot fork) the work is
done in this process instead: slower, but the result is the same.

Workers, and the search indexer, die with the build: a build killed with
SIGKILL leaves no process behind to write into the next build's staging
folder.
"""

from __future__ import annotations

import functools
import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    import ctypes  # only when a worker is started: a build that starts none starts quicker

    try:
        # The C library this interpreter runs on: finding it by name (ctypes.util) would run ldconfig.
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError, TypeError):
        return None
    return prctl


@functools.cache
def _prctl() -> Callable[..., int] | None:
    return _load_prctl() if os.name == "posix" else None


def dying_with_this_process() -> Callable[[], None]:
    """What a child this process starts should run first: ask the system (Linux) to kill the child when
    this process dies. Made in the parent, so the child only makes the call."""
    prctl, parent = _prctl(), os.getpid()

    def die_with_parent() -> None:
        if prctl is not None and prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0 and os.getppid() != parent:
            os._exit(1)  # the parent died before the request was made

    return die_with_parent


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether this process may fork: the system can, and no other thread runs (a thread holding a lock as
    the process forks leaves that lock held for ever in the child)."""
    return hasattr(os, "fork") and threading.active_count() == 1


# While a pool of workers runs: the function its workers apply to each task, and whether the caller has stopped
# taking results. Set before the workers fork, so that they inherit it.
_APPLYING: tuple[Callable[[Any], Any], Any] | None = None


def _apply(task: Any) -> Any:
    assert _APPLYING is not None
    function, stopped = _APPLYING
    return None if stopped.is_set() else function(task)


def _worker_start(die_with_parent: Callable[[], None]) -> Callable[[], None]:
    def start() -> None:
        die_with_parent()
        # Ctrl-C is for the caller, which then lets the workers finish: a worker it stopped would take its
        # tasks with it, and the pool would wait for their results for ever.
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return start


def map_ordered(function: Callable[[T], R], tasks: Iterable[T], jobs: int, chunksize: int = 1) -> Iterator[R]:
    """`map(function, tasks)` across `jobs` forked workers, results in task order, as they arrive.

    When the caller stops taking results (a task raised, or Ctrl-C, which the workers leave to the caller),
    the workers skip the tasks left and the pool is let finish; it is never terminated. A worker killed while
    it sends a result leaves the lock of the queue of results held, and the pool's own threads then wait on it
    for ever: a build that hung instead of failing.
    """
    global _APPLYING
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1 or not can_fork():
        yield from map(function, tasks)
        return
    # Frozen, the parent's objects are left out of the workers' garbage collections, which would
    # otherwise touch, and so copy, every page of memory the workers share with it.
    import multiprocessing.pool

    # A caller that froze objects itself keeps them frozen: only a freeze this call made is undone.
    frozen_already = gc.get_freeze_count() > 0
    gc.freeze()
    context = multiprocessing.get_context("fork")
    stopped = context.Event()
    _APPLYING = (function, stopped)
    try:
        pool = context.Pool(min(jobs, len(tasks)), _worker_start(dying_with_this_process()))
        try:
            yield from pool.imap(_apply, tasks, chunksize=chunksize)
        finally:
            stopped.set()
            pool.close()
            pool.join()
    finally:
        _APPLYING = None
        if not frozen_already:
            gc.unfreeze()


def beside(work: Callable[[], R]) -> Callable[[], R]:
    """Start `work` in a forked child process and go on. The function returned waits for the child and gives
    what `work` returned, or raises what it raised. Where forking is not safe, `work` is done here, at once."""
    if not can_fork():
        done = work()
        return lambda: done
    import pickle

    die_with_parent = dying_with_this_process()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send what came of it, and leave, never returning into the build
        try:
            os.close(reading)
            die_with_parent()
            try:
                outcome = pickle.dumps((True, work()))
            except BaseException as exc:  # sent to the parent, which raises it
                try:
                    outcome = pickle.dumps((False, exc))
                except Exception:
                    outcome = pickle.dumps((False, RuntimeError(str(exc))))
            with os.fdopen(writing, "wb") as out:
                out.write(outcome)
        finally:
            os._exit(0)
    os.close(writing)

    @functools.cache
    def result() -> R:
        with os.fdopen(reading, "rb") as source:
            outcome = source.read()
        os.waitpid(pid, 0)
        if not outcome:
            raise ChildProcessError("a process working beside the build ended without saying how it went")
        ok, value = pickle.loads(outcome)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    return result


# Below this much work, in_two does it all here: forking costs more than it would save.
SPLIT_FROM = 2000


def in_two(work: Callable[[range], list[R]], count: int, jobs: int, at: int | None = None) -> list[R]:
    """`work(range(count))`: the part from `at` (half way when not given) done at the same time by a process
    forked `beside` this one, when there are jobs for two and enough to do. If that process dies without a
    word (out of memory, say), its part is done here."""
    if jobs < 2 or count < SPLIT_FROM:
        return work(range(count))
    at = count // 2 if at is None else at
    second = beside(lambda: work(range(at, count)))
    first = work(range(at))
    try:
        return first + second()
    except ChildProcessError:
        return first + work(range(at, count))
