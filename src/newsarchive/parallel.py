"""Worker processes for the costly stages, parse and render.

Workers are forked, so they start with everything the parent has already
loaded or computed and nothing is pickled on the way in. Where forking is
not safe (another thread is running, or the system cannot fork) the work is
done in this process instead: slower, but the result is the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def map_ordered(function: Callable[[T], R], tasks: Iterable[T], jobs: int, chunksize: int = 1) -> Iterator[R]:
    """`map(function, tasks)` across `jobs` forked workers, results in task order, as they arrive."""
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1 or not can_fork():
        yield from map(function, tasks)
        return
    # Frozen, the parent's objects are left out of the workers' garbage collections, which would
    # otherwise touch, and so copy, every page of memory the workers share with it.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks))) as pool:
            yield from pool.imap(function, tasks, chunksize=chunksize)
    finally:
        gc.unfreeze()
