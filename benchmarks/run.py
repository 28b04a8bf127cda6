"""Whole-process build timings for the installed `newsarchive` command.

For each corpus size N this generates (or reuses) the synthetic corpus from
`benchmarks.corpus`, sets up a site folder beside it, and times separate
`newsarchive build` processes in five scenarios, run after run:

    cold      output folder removed first (and `--no-cache` passed, once the CLI has it)
    noop      the same build again, nothing changed
    edit      one article's text changed
    add       one new article added (article N of the same corpus)
    template  the site's override of `base.html` changed

Each scenario reports the median wall time over the runs, CPU time, memory
and the HTML pages in the output folder (and how many of them this build
wrote). Memory is measured two ways:

* `peak MiB`: `ru_maxrss` from `os.wait4()` on the build process. Exact, but
  for a tree of processes it is the largest single process (the build or any
  worker it waited for), not their sum.
* `tree MiB`: the summed proportional set size (PSS, from
  `/proc/PID/smaps_rollup`) of the build's whole process tree, sampled every
  `--sample-ms` milliseconds. Counts parallel workers, and shared pages only
  once, but can miss a peak shorter than the sampling interval.

The harness reads `newsarchive build --help` and only passes flags the command
has: `--no-cache` for cold builds, `--jobs` when asked for. When `--no-cache`
is used, one unmeasured build refills the cache before the no-op build.

    python -m benchmarks.run --n 1000 [--n 10000] [--runs 3] [--work DIR] [--json FILE]

Benchmarks report numbers; they never assert timings.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import corpus

SCENARIOS = ("cold", "noop", "edit", "add", "template")
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_FLAG = re.compile(r"--[a-z][a-z0-9-]*")
# An option line of argparse help: indented, starting with a dash, help text after two spaces.
_OPTION_LINE = re.compile(r"^\s+(-\S.*?)(?:\s{2,}|$)", re.MULTILINE)
_EDIT_NOTE = " This report was corrected after publication."


@dataclass(frozen=True, slots=True)
class Measure:
    """One build process."""

    wall: float
    user: float
    sys: float
    peak_mib: float
    tree_mib: float | None
    pages: int
    written: int
    # CPU seconds the rest of the machine used while this build ran: when this is
    # large, the wall time includes waiting for a core, and CPU time is the fairer figure.
    other_cpu: float | None = None

    @property
    def cpu(self) -> float:
        return self.user + self.sys


@dataclass(slots=True)
class Summary:
    """One scenario at one N, over all runs."""

    n: int
    scenario: str
    runs: list[Measure] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def median(self, key: str) -> float:
        values = [getattr(m, key) for m in self.runs if getattr(m, key) is not None]
        return statistics.median(values) if values else math.nan

    def as_json(self) -> dict[str, Any]:
        walls = [m.wall for m in self.runs]
        return {
            "n": self.n,
            "scenario": self.scenario,
            "median_s": self.median("wall"),
            "min_s": min(walls),
            "max_s": max(walls),
            "median_cpu_s": self.median("cpu"),
            "median_peak_mib": self.median("peak_mib"),
            "median_tree_mib": self.median("tree_mib"),
            "median_other_cpu_s": self.median("other_cpu"),
            "pages": self.runs[-1].pages,
            "written": self.runs[-1].written,
            "runs": [asdict(m) for m in self.runs],
            "failures": self.failures,
        }


class BuildFailed(Exception):
    pass


# --- measuring one process ------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    """Parent pid to child pids, from /proc/*/stat (this kernel may lack /proc/PID/task/TID/children)."""
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and brackets; the fields after its last ')' do not.
        fields = stat[stat.rfind(b")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(name))
    return tree


def _memory(pid: int) -> int:
    """Proportional set size in bytes (shared pages split between sharers), else resident size."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _tree_memory(root: int) -> int:
    tree = _children()
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid not in seen:
            seen.add(pid)
            total += _memory(pid)
            stack.extend(tree.get(pid, ()))
    return total


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped; keeps the largest sample."""

    def __init__(self, root: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_memory(self.root))
            self.done.wait(self.interval)


def _busy_cpu() -> float | None:
    """Seconds of CPU time the whole machine has spent busy since boot, from /proc/stat."""
    try:
        with open("/proc/stat", "rb") as handle:
            ticks = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    # guest time is already counted in user time
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _html_pages(output: Path, since_ns: int) -> tuple[int, int]:
    """HTML files in the output folder, and how many were modified at or after `since_ns`."""
    total = written = 0
    for path in output.rglob("*.html"):
        total += 1
        if path.stat().st_mtime_ns >= since_ns:
            written += 1
    return total, written


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def measure(command: Sequence[str], cwd: Path, output: Path, sample_ms: float, timeout: float) -> Measure:
    """Run one build to completion and measure it. Raises BuildFailed on a non-zero exit."""
    # File times come from the kernel's coarse clock; stamping a marker file with the
    # same clock just before the build makes "written by this build" exact.
    marker = cwd / ".bench-started"
    marker.write_bytes(b"")
    since = marker.stat().st_mtime_ns
    errors = cwd / ".bench-stderr"
    with errors.open("wb") as err:
        busy_before = _busy_cpu()
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        sampler = _TreeSampler(process.pid, sample_ms / 1000) if sample_ms > 0 and os.path.isdir("/proc") else None
        if sampler:
            sampler.start()
        killer = threading.Timer(timeout, _kill, (process.pid,))
        killer.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        busy_after = _busy_cpu()
        killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.done.set()
            sampler.join()
    if process.returncode != 0:
        tail = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise BuildFailed(f"exit {process.returncode}: {shlex.join(command)}\n" + "\n".join(tail))
    pages, written = _html_pages(output, since) if output.is_dir() else (0, 0)
    return Measure(
        wall=wall,
        user=usage.ru_utime,
        sys=usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024,  # kilobytes on Linux
        tree_mib=sampler.peak / 2**20 if sampler else None,
        pages=pages,
        written=written,
        other_cpu=busy_after - busy_before - usage.ru_utime - usage.ru_stime
        if busy_before is not None and busy_after is not None
        else None,
    )


# --- the site under test --------------------------------------------------------------------


def build_flags(newsarchive: Sequence[str]) -> set[str]:
    """The long options `newsarchive build` accepts, read from the option lines of its help.

    Only lines that start with an option are read: the examples at the end mention
    options of other commands.
    """
    done = subprocess.run([*newsarchive, "build", "--help"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"cannot run {shlex.join(newsarchive)} build --help:\n{done.stderr}")
    return {flag for line in _OPTION_LINE.findall(done.stdout) for flag in _FLAG.findall(line)}


def _version(newsarchive: Sequence[str]) -> str:
    done = subprocess.run([*newsarchive, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or done.stderr.strip()


def _source_state() -> dict[str, str | None]:
    """Where the imported newsarchive lives, and its checkout's commit (`-dirty` with local changes).

    The builds import the same copy as this process when the command is the default one and
    PYTHONPATH is shared, which is how a snapshot of a commit is timed.
    """
    try:
        import newsarchive

        folder = Path(newsarchive.__file__).resolve().parent
    except ImportError:
        return {"module": None, "commit": None}
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=folder, capture_output=True, text=True, check=False
    )
    return {"module": str(folder), "commit": (done.stdout.strip() or None) if done.returncode == 0 else None}


def _default_base_template() -> str:
    """The default theme's base.html, which the site's override starts as a copy of."""
    try:
        from newsarchive.render import default_theme

        return (default_theme() / "base.html").read_text(encoding="utf-8")
    except ImportError:
        return (Path(__file__).resolve().parents[1] / "templates" / "base.html").read_text(encoding="utf-8")


def cached_corpus(work: Path, n: int, seed: int, meta: corpus.Meta) -> Path:
    """The corpus folder for (n, seed, meta), generated unless a complete one is already there."""
    folder = work / f"corpus-n{n}-s{seed}-{meta}"
    stamp = folder / ".complete"
    wanted = {"generator": corpus.GENERATOR_VERSION, "n": n, "seed": seed, "meta": meta}
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    done = corpus.write_corpus(folder, n, seed, meta)
    stamp.write_text(json.dumps(wanted), encoding="utf-8")
    print(f"  generated {n} articles into {folder} in {done.seconds:.1f}s", flush=True)
    return folder


@dataclass(frozen=True, slots=True)
class Site:
    root: Path
    content: Path
    output: Path
    config: Path
    template: Path


def make_site(work: Path, source: Path, n: int) -> Site:
    """A fresh site folder: a copy of the corpus, a config, and a one-template override."""
    root = work / f"site-n{n}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    content = root / "content"
    shutil.copytree(source, content, ignore=shutil.ignore_patterns(".*"))
    templates = root / "templates"
    templates.mkdir()
    template = templates / "base.html"
    template.write_text(_default_base_template(), encoding="utf-8")
    # Key names as in newsarchive's config.py; `templates` overrides the default theme by name.
    config = root / "newsarchive.yaml"
    config.write_text(
        "title: Benchmark archive\nsite_url: https://bench.example/\ntemplates: templates\n", encoding="utf-8"
    )
    return Site(root, content, root / "public", config, template)


def _remove_output(site: Site) -> None:
    for folder in (
        site.output,
        site.root / f".{site.output.name}.building",
        site.root / f".{site.output.name}.previous",
    ):
        shutil.rmtree(folder, ignore_errors=True)


# --- one corpus size ------------------------------------------------------------------------


def bench_size(n: int, args: argparse.Namespace, newsarchive: list[str], flags: set[str]) -> list[Summary]:
    source = cached_corpus(args.work, n, args.seed, args.meta)
    site = make_site(args.work, source, n)
    base = [*newsarchive, "build", "--config", str(site.config), "--content", str(site.content)]
    base += ["--output", str(site.output), *args.build_arg]
    if args.jobs is not None:
        base += ["--jobs", str(args.jobs)]
    cold_extra = ["--no-cache"] if "--no-cache" in flags else []

    articles = sorted(site.content.glob("*.txt"))
    edited = articles[len(articles) // 2]
    edited_text = edited.read_bytes()
    added = corpus.files_for(corpus.article(args.seed, n), args.meta)
    template_text = site.template.read_text(encoding="utf-8")

    summaries = {s: Summary(n, s) for s in SCENARIOS}

    def timed(scenario: str, extra: Sequence[str] = ()) -> None:
        # A failed build leaves the previous site in place, so the same change can be built again.
        for attempt in range(args.retries + 1):
            try:
                result = measure([*base, *extra], site.root, site.output, args.sample_ms, args.timeout)
                break
            except BuildFailed as exc:
                summaries[scenario].failures.append(str(exc))
                print(f"    {scenario:9s} FAILED ({exc})", file=sys.stderr, flush=True)
                if attempt == args.retries:
                    raise
        summaries[scenario].runs.append(result)
        print(f"    {scenario:9s} {result.wall:8.2f}s  {result.peak_mib:6.0f} MiB  {result.pages} pages", flush=True)

    chosen = set(args.scenario or SCENARIOS)
    for run in range(1, args.runs + 1):
        print(f"  N={n} run {run}/{args.runs}", flush=True)
        # The cold build always runs: every other scenario changes the site it left.
        _remove_output(site)
        if "cold" in chosen:
            timed("cold", cold_extra)
        else:
            measure([*base, *cold_extra], site.root, site.output, 0, args.timeout)
        if cold_extra:
            measure(base, site.root, site.output, 0, args.timeout)  # refill the cache, unmeasured
        if "noop" in chosen:
            timed("noop")
        if "edit" in chosen:
            edited.write_bytes(edited_text.rstrip(b"\n") + _EDIT_NOTE.encode() + b"\n")
            timed("edit")
        if "add" in chosen:
            for name, text in added.items():
                (site.content / name).write_text(text, encoding="utf-8")
            timed("add")
        if "template" in chosen:
            marked = f"<!-- benchmark template edit, run {run} -->\n"
            changed = template_text.replace("</body>", marked + "</body>", 1)
            site.template.write_text(changed if changed != template_text else template_text + marked, encoding="utf-8")
            timed("template")
        # Back to the corpus as generated, for the next run's cold build.
        edited.write_bytes(edited_text)
        for name in added:
            (site.content / name).unlink(missing_ok=True)
        site.template.write_text(template_text, encoding="utf-8")
    return [summaries[s] for s in SCENARIOS if summaries[s].runs]


# --- reporting ------------------------------------------------------------------------------


def _fmt(value: float, spec: str) -> str:
    return "-" if math.isnan(value) else format(value, spec)


def table(summaries: Sequence[Summary], runs: int) -> str:
    lines = [
        f"median of {runs} run(s). wall, cpu (this build) and other (rest of the machine meanwhile) in seconds;",
        "peak = largest single process (wait4); tree = sampled PSS sum of the process tree; html = pages in the",
        "output, written = pages this build wrote",
    ]
    header = f"{'N':>7s} {'scenario':9s} {'wall s':>8s} {'min-max':>13s} {'cpu s':>7s} {'other':>6s}"
    header += f" {'peak MiB':>9s} {'tree MiB':>9s} {'html':>7s} {'written':>8s} {'ms/article':>11s}"
    lines.append(header)
    for s in summaries:
        walls = [m.wall for m in s.runs]
        lines.append(
            f"{s.n:7d} {s.scenario:9s} {s.median('wall'):8.2f} {f'{min(walls):.2f}-{max(walls):.2f}':>13s}"
            f" {s.median('cpu'):7.2f} {_fmt(s.median('other_cpu'), '.1f'):>6s}"
            f" {s.median('peak_mib'):9.0f} {_fmt(s.median('tree_mib'), '.0f'):>9s}"
            f" {s.runs[-1].pages:7d} {s.runs[-1].written:8d} {1000 * s.median('wall') / s.n:11.3f}"
        )
    lines += [
        f"note: N={s.n} {s.scenario}: {len(s.failures)} failed build(s) retried; see the JSON"
        for s in summaries
        if s.failures
    ]
    return "\n".join(lines)


def _slope(points: Sequence[tuple[int, float]]) -> float:
    """Least-squares slope of log(value) against log(N)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(v) for _, v in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def growth(summaries: Sequence[Summary]) -> dict[str, dict[str, Any]]:
    """Per scenario: time per article relative to the smallest N, and the log-log slope of time against N.

    A slope of 1 is linear growth; 2 is quadratic. The ratio is (t/N) / (t0/N0). Both are given for
    wall time and for CPU time, which other work on the machine disturbs less.
    """
    out: dict[str, dict[str, Any]] = {}
    for scenario in SCENARIOS:
        rows = sorted((s for s in summaries if s.scenario == scenario), key=lambda s: s.n)
        if len(rows) < 2:
            continue
        entry: dict[str, Any] = {}
        for label, value in (("wall", lambda s: s.median("wall")), ("cpu", lambda s: s.median("cpu"))):
            points = [(s.n, value(s)) for s in rows]
            n0, t0 = points[0]
            entry[f"{label}_slope"] = _slope(points)
            entry[f"{label}_per_article_ratio"] = {str(n): (t / n) / (t0 / n0) for n, t in points}
        out[scenario] = entry
    return out


def growth_table(result: dict[str, dict[str, Any]]) -> str:
    if not result:
        return ""
    sizes = list(next(iter(result.values()))["wall_per_article_ratio"])
    lines = [
        "growth with N: time per article relative to the smallest N (1.00 = linear), and the log-log slope",
        "of time against N (1 = linear, 2 = quadratic), for wall time and for CPU time",
    ]
    cells = " ".join(f"{'N=' + n:>9s}" for n in sizes)
    lines.append(f"{'scenario':9s} {'wall:':>5s} {cells} {'slope':>6s}   {'cpu:':>4s} {cells} {'slope':>6s}")
    for scenario, g in result.items():
        wall = " ".join(f"{g['wall_per_article_ratio'][n]:9.2f}" for n in sizes)
        cpu = " ".join(f"{g['cpu_per_article_ratio'][n]:9.2f}" for n in sizes)
        lines.append(f"{scenario:9s} {'':5s} {wall} {g['wall_slope']:6.2f}   {'':4s} {cpu} {g['cpu_slope']:6.2f}")
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------------


def _default_command() -> list[str]:
    beside = Path(sys.executable).with_name("newsarchive")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("newsarchive")
    return [found] if found else ["newsarchive"]


def _default_work() -> Path:
    shm = Path("/dev/shm")
    root = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(os.environ.get("TMPDIR", "/tmp"))
    return root / "newsarchive-bench"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="corpus size; repeat for several (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--meta", choices=corpus.META_CHOICES, default="frontmatter")
    parser.add_argument("--work", type=Path, default=_default_work(), help="scratch folder (default: on tmpfs)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})")
    parser.add_argument("--newsarchive", help="the command to time (default: newsarchive beside this Python)")
    parser.add_argument("--jobs", type=int, help="pass --jobs J to every build (if the command has --jobs)")
    parser.add_argument("--build-arg", action="append", default=[], metavar="ARG", help="extra build argument")
    parser.add_argument("--sample-ms", type=float, default=50, help="process-tree memory sampling (0: off)")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="measure only this scenario; repeat for several (default: all). Skipped ones make no change",
    )
    parser.add_argument("--retries", type=int, default=1, help="times a failed build is retried (default 1)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a build is killed")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.n or [1000]))
    if min(sizes) < 1 or args.runs < 1:
        parser.error("--n and --runs must be at least 1")

    newsarchive = shlex.split(args.newsarchive) if args.newsarchive else _default_command()
    flags = build_flags(newsarchive)
    if args.jobs is not None and "--jobs" not in flags:
        print("note: this newsarchive has no --jobs option; building without it", file=sys.stderr)
        args.jobs = None
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    version = _version(newsarchive)
    print(f"{version}: {shlex.join(newsarchive)}; build flags: {' '.join(sorted(flags))}")
    print(f"work folder {args.work}; cold builds {'with --no-cache' if '--no-cache' in flags else 'without a cache'}")

    summaries: list[Summary] = []
    for n in sizes:
        try:
            summaries += bench_size(n, args, newsarchive, flags)
        except BuildFailed as exc:
            print(f"build failed at N={n}: {exc}", file=sys.stderr)
            return 1

    print()
    print(table(summaries, args.runs))
    result = growth(summaries)
    if result:
        print()
        print(growth_table(result))
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "newsarchive": version,
        "source": _source_state(),
        "command": newsarchive,
        "build_flags": sorted(flags),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "settings": {
            "sizes": sizes,
            "runs": args.runs,
            "seed": args.seed,
            "meta": args.meta,
            "jobs": args.jobs,
            "build_args": args.build_arg,
            "scenarios": args.scenario or list(SCENARIOS),
            "work": str(args.work),
            "pythonpath": os.environ.get("PYTHONPATH"),
            "generator": corpus.GENERATOR_VERSION,
        },
        "results": [s.as_json() for s in summaries],
        "growth": result,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
