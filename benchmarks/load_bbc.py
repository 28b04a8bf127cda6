"""Loader throughput on the BBC full-text corpus (2,225 plain-text articles).

Times what `newsarchive build` does before deduplication and rendering:
`load.discover` on the corpus folder, then `load.load_all` (read, decode and
parse every file with `Rules.make()`), all in this process, several times,
and reports the median. The first run reads files the page cache may not
hold yet; the median of several runs is the warm figure.

It then times the same load as a whole process (`python -m
benchmarks.load_bbc --child`), so interpreter start-up and imports are
included, and reports that process's median wall time and peak RSS (wait4).

A per-stage pass (discover; read bytes; decode; parse) shows where the time goes.

The corpus is looked for at `../shared/corpora/bbc-fulltext` beside the
checkout, or `--corpus DIR`; when it is absent the benchmark says so and
exits 0. The articles stay copyright of their publisher: nothing is written.

    python -m benchmarks.load_bbc [--corpus DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from newsarchive import load
from newsarchive.config import Config
from newsarchive.decode import decode
from newsarchive.errors import ContentError
from newsarchive.parse import Rules, parse_article

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc-fulltext"
EXPECTED_FILES = 2225

T = TypeVar("T")


def load_corpus(corpus: Path) -> tuple[int, int, int]:
    """Discover and load every article: (files found, articles loaded, problems)."""
    config = Config()
    sources, problems = load.discover(corpus, config.ignore)
    rules = Rules.make(config.boilerplate, config.near_duplicate_threshold)
    loaded, failed = load.load_all(sources, rules, config.max_file_bytes)
    return len(sources), len(loaded), len(problems) + len(failed)


def _timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def stages(corpus: Path) -> dict[str, float]:
    """Seconds spent in each stage of one load, measured separately."""
    config = Config()
    seconds: dict[str, float] = {}
    seconds["discover"], (sources, _) = _timed(lambda: load.discover(corpus, config.ignore))
    seconds["read"], raw = _timed(lambda: [s.path.read_bytes() for s in sources])
    seconds["decode"], texts = _timed(
        lambda: [decode(s.display, data, config.max_file_bytes) for s, data in zip(sources, raw, strict=True)]
    )
    rules = Rules.make(config.boilerplate, config.near_duplicate_threshold)

    def parse_all() -> int:
        done = 0
        for source, text in zip(sources, texts, strict=True):
            try:
                parse_article(source.display, text, rules=rules)
                done += 1
            except ContentError:  # a refused file costs its parse time all the same
                pass
        return done

    seconds["parse"], _ = _timed(parse_all)
    return seconds


def whole_process(corpus: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, from wait4) of one child process that loads the corpus."""
    command = [sys.executable, "-m", "benchmarks.load_bbc", "--child", "--corpus", str(corpus)]
    root = Path(__file__).resolve().parents[1]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the child load exited with {process.returncode}")
    return wall, usage.ru_maxrss / 1024


def _line(label: str, values: Sequence[float], unit: str = "s", digits: int = 3) -> str:
    return (
        f"{label:34s} median {statistics.median(values):7.{digits}f} {unit}"
        f"   (min {min(values):.{digits}f}, max {max(values):.{digits}f}, {len(values)} runs)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_bbc", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, metavar="DIR")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: the BBC full-text corpus is not at {args.corpus}; pass --corpus DIR to time it")
        return 0
    if args.child:
        load_corpus(args.corpus)
        return 0

    runs = max(1, args.runs)
    timings: list[float] = []
    counts = (0, 0, 0)
    for _ in range(runs):
        seconds, counts = _timed(lambda: load_corpus(args.corpus))
        timings.append(seconds)
    found, loaded, problems = counts
    size = sum(p.stat().st_size for p in args.corpus.rglob("*.txt"))
    print(f"corpus {args.corpus}: {found} article files ({size / 1e6:.2f} MB), {loaded} loaded, {problems} problems")
    if found != EXPECTED_FILES:
        print(f"note: expected {EXPECTED_FILES} files; this copy of the corpus differs")
    median = statistics.median(timings)
    print(_line("in-process discover + load_all", timings))
    print(f"{'':34s} {found / median:,.0f} files/s, {size / median / 1e6:.2f} MB/s, {1e3 * median / found:.3f} ms/file")
    per_stage = [stages(args.corpus) for _ in range(runs)]
    for stage in per_stage[0]:
        print(_line(f"  stage: {stage}", [s[stage] for s in per_stage]))
    walls, peaks = zip(*(whole_process(args.corpus) for _ in range(runs)), strict=True)
    print(_line("whole process (start-up + load)", walls))
    print(_line("whole process peak RSS", peaks, "MiB", 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
