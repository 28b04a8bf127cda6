"""Scale limits: does any cost grow faster than the input?

Each case is measured at 1x, 2x, 4x and 8x its base size (8x is the full
size named below), and the growth exponent is the least-squares slope of
log(time) against log(size): 1 is linear, 2 quadratic.

    big      one article of 5 MiB (the default max_file_bytes) at 8x, one paragraph per blank-line block
    lines    one file of 100,000 lines at 8x, one paragraph per line (the scraped-page shape)
    copies   10,000 copies of one paragraph at 8x: one paragraph kept, every other line dropped
    twice    a list of 50,000 short lines scraped twice at 8x: the repeats are structure and all stay
    files    a site of 50,000 articles at 8x (benchmarks.corpus), built with the search index

For the one-file cases `parse s` is `parse_article` alone, in this process
(the median of --runs runs), and `build s` a whole `newsarchive build
--no-cache --no-search --jobs 1` process around that one file, start-up
included. For `files` it is a whole `newsarchive build --no-cache` process.

    python -m benchmarks.scale [--case big ...] [--scale 1 --scale 2 ...] [--files 50000] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsarchive.parse import parse_article

from . import corpus, run

MIB = 1024 * 1024
FULL_BYTES = 5 * MIB - 4096  # just under the default max_file_bytes
FULL_LINES = 100_000
FULL_COPIES = 10_000
FULL_LIST = 50_000
COPIED = "The council voted on Tuesday to rebuild the river wall before the winter storms reach the harbour."


def _paragraphs() -> Callable[[int], list[str]]:
    """Body lines of the benchmark corpus, article after article, as many as asked for (cached)."""
    lines: list[str] = []
    index = 0

    def take(n: int) -> list[str]:
        nonlocal index
        while len(lines) < n:
            text = corpus.article(3, index).text
            lines.extend(line for line in text.splitlines()[4:] if line.strip() and not line.endswith("|"))
            index += 1
        return lines[:n]

    return take


_TAKE = _paragraphs()


def big(scale: float) -> str:
    head = "Headline of a very long article\n\n"
    target = int(FULL_BYTES * scale / 8)
    lines = _TAKE(target // 100)
    while sum(len(line.encode()) + 2 for line in lines) < target:
        lines = _TAKE(len(lines) * 2)
    out, size = [], len(head)
    for line in lines:
        size += len(line.encode()) + 2
        if size > target:
            break
        out.append(line)
    return head + "\n\n".join(out) + "\n"


def lines(scale: float) -> str:
    """Short lines (about 50 bytes: 100,000 of them make 5 MB), cut from the corpus's paragraphs."""
    wanted = int(FULL_LINES * scale / 8) - 1
    out: list[str] = []
    taken = 0
    while len(out) < wanted:
        taken += 1000
        words = " ".join(_TAKE(taken)[taken - 1000 :]).split()
        out.extend(" ".join(words[i : i + 8]).rstrip(".,") + "." for i in range(0, len(words) - 8, 8))
    return "Headline of a long file\n" + "\n".join(out[:wanted]) + "\n"


def copies(scale: float) -> str:
    return "Headline of a copied article\n\n" + "\n\n".join([COPIED] * int(FULL_COPIES * scale / 8)) + "\n"


def twice(scale: float) -> str:
    items = [f"Item {i} of the fixtures" for i in range(int(FULL_LIST * scale / 8))]
    return "Headline of a list scraped twice\n\n" + "\n".join(items + items) + "\n"


CASES: dict[str, Callable[[float], str]] = {"big": big, "lines": lines, "copies": copies, "twice": twice}


def _time_parse(text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        parse_article("case.txt", text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _time_build(work: Path, files: dict[str, str], newsarchive: list[str], extra: Sequence[str]) -> run.Measure:
    root = work / "scale-case"
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    for name, text in files.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return _build(root, root / "content", newsarchive, extra)


def _build(root: Path, content: Path, newsarchive: list[str], extra: Sequence[str]) -> run.Measure:
    root.mkdir(parents=True, exist_ok=True)
    # The one-file cases stay under the default limit; a larger one keeps the benchmark from stopping there.
    config = f"templates: {root / 'no-templates'}\nmax_file_bytes: {64 * MIB}\n"
    (root / "newsarchive.yaml").write_text(config, encoding="utf-8")
    command = [*newsarchive, "build", "-q", "--no-cache", "--content", str(content), "--output", "out", *extra]
    shutil.rmtree(root / "out", ignore_errors=True)
    return run.measure(command, root, root / "out", sample_ms=0, timeout=3600)


def _row(name: str, size: str, parse_s: float | None, build: run.Measure) -> str:
    parse = f"{parse_s:9.3f}" if parse_s is not None else f"{'-':>9}"
    return f"{name:<8} {size:>20} {parse} {build.wall:9.2f} {build.cpu:9.2f}"


def _slopes(points: list[tuple[float, float | None, float, float]]) -> dict[str, float | None]:
    parse = [(s, p) for s, p, _, _ in points if p is not None]
    enough = len(points) > 1
    return {
        "parse": run._slope(parse) if len(parse) > 1 and all(p > 0 for _, p in parse) else None,
        "build wall": run._slope([(s, w) for s, _, w, _ in points]) if enough else None,
        "build cpu": run._slope([(s, c) for s, _, _, c in points]) if enough else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=[*CASES, "files"], help="cases to run (default: all)")
    parser.add_argument("--scale", action="append", type=float, help="sizes, as eighths of the full size (1 2 4 8)")
    parser.add_argument("--files", type=int, default=50_000, help="articles in the files case at 8x (default 50000)")
    parser.add_argument("--runs", type=int, default=3, help="parse timings per size; the median is reported")
    parser.add_argument("--work", type=Path, default=run._default_work(), help="work folder (default: on /dev/shm)")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    cases = args.case or [*CASES, "files"]
    scales = args.scale or [1.0, 2.0, 4.0, 8.0]
    newsarchive = run._default_command()
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(args, cases, scales, newsarchive)
    except run.BuildFailed as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, cases: list[str], scales: list[float], newsarchive: list[str]) -> int:
    print(f"{'case':<8} {'size':>20} {'parse s':>9} {'build s':>9} {'cpu s':>9}", flush=True)
    results: dict[str, Any] = {}
    for name in cases:
        points: list[tuple[float, float | None, float, float]] = []
        for scale in scales:
            if name == "files":
                n = int(args.files * scale / 8)
                content = run.cached_corpus(args.work, n, 1, "frontmatter")
                build = _build(args.work / "scale-files", content, newsarchive, ())
                points.append((n, None, build.wall, build.cpu))
                print(_row(name, f"{n:,} files", None, build), flush=True)
                continue
            text = CASES[name](scale)
            parse_s = _time_parse(text, args.runs)
            build = _time_build(args.work, {"case.txt": text}, newsarchive, ("--no-search", "--jobs", "1"))
            size = f"{len(text.encode()) / MIB:.2f} MiB, {text.count(chr(10)):,} lines"
            points.append((len(text), parse_s, build.wall, build.cpu))
            print(_row(name, size, parse_s, build), flush=True)
        slopes = _slopes(points)
        results[name] = {"points": points, "slopes": slopes}
        shown = ", ".join(f"{k} {v:.2f}" for k, v in slopes.items() if v is not None)
        print(f"{name:<8} growth exponent: {shown}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
