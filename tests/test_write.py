"""Writing the site survives what can happen to a build: SIGKILL at any moment, two builds at once, a full
disk and a read-only output folder. Each test runs the real `newsarchive` program in child processes."""

from __future__ import annotations

import fcntl
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO_ROOT, cli_command, settled, snapshot
from newsarchive import write

KILL_POINTS = 20
ARTICLES = 200


def _corpus(folder: Path, n: int = ARTICLES) -> Path:
    """The benchmark corpus generator's first `n` articles (deterministic), written into `folder`."""
    subprocess.run(
        [sys.executable, "-m", "benchmarks.corpus", "--n", str(n), "--out", str(folder)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    return folder


def _revise(content: Path, version: str) -> None:
    """Give every article a closing line naming `version`, so every file and every page changes with it."""
    for path in sorted(content.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if lines[-1].startswith("Revision note"):
            lines.pop()
        lines.append(f"Revision note {version}: the desk checked this story again and found nothing to correct.")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _command(root: Path, output: str = "site", *extra: str) -> list[str]:
    return [
        *cli_command(),
        "build",
        "-q",
        "--jobs",
        "2",
        "--content",
        str(root / "content"),
        "--output",
        output,
        *extra,
    ]


def _build(root: Path, output: str = "site", *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(root, output, *extra), cwd=root, capture_output=True, text=True, timeout=300, check=False
    )


def _survivors(group: int) -> list[str]:
    """Live (not zombie) processes in the process group `group`, as `pid cmdline`."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            alive.append(f"{stat.parent.name} {cmdline}")
    return alive


def _wait_for_no_survivors(group: int) -> list[str]:
    deadline = time.monotonic() + 15
    while (left := _survivors(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        os.killpg(group, signal.SIGKILL)
    return left


def _leftovers(root: Path) -> list[str]:
    """Anything a build leaves beside the site and its cache other than the lock file and one spare site (the
    site the last build replaced, which the next one starts from).

    A replaced site is deleted by a process the build does not wait for: give it a minute to finish."""
    settled(root)
    cache = root / ".site.cache"
    names = [
        p.name for p in root.iterdir() if p.name.startswith(".site.") and p.name not in (".site.cache", ".site.lock")
    ]
    spares = [n for n in names if n.startswith(".site.spare-")]
    assert len(spares) <= 1, f"one spare site at most: {spares}"
    names = [n for n in names if n not in spares]
    return names + [p.name for p in cache.glob(".*")] if cache.is_dir() else names


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find a build's processes")


@needs_proc
def test_sigkill_at_any_moment_leaves_the_previous_site_and_the_next_build_is_clean(tmp_path: Path) -> None:
    content = _corpus(tmp_path / "content")
    references = {}
    for version in ("A", "B"):
        _revise(content, version)
        done = _build(tmp_path, f"reference-{version}", "--no-cache")
        assert done.returncode == 0, done.stderr
        references[version] = snapshot(tmp_path / f"reference-{version}")
    assert references["A"] != references["B"]

    _revise(content, "A")
    started = time.monotonic()
    assert _build(tmp_path).returncode == 0
    duration = time.monotonic() - started
    assert snapshot(tmp_path / "site") == references["A"]

    rng = random.Random(20240611)
    # One kill in each twentieth of the build's measured duration (and a little past it), at a seeded point.
    delays = [duration * 1.1 * (i + rng.random()) / KILL_POINTS for i in range(KILL_POINTS)]
    previous = "A"
    for point, delay in enumerate(delays):
        version = "B" if previous == "A" else "A"
        _revise(content, version)
        build = subprocess.Popen(
            _command(tmp_path),
            cwd=tmp_path,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)  # the build alone, as `kill -9 PID` would: its helpers must follow it
        build.wait()
        assert not _wait_for_no_survivors(build.pid), f"kill {point} at {delay:.2f}s left processes running"
        after_kill = snapshot(tmp_path / "site")
        assert after_kill in (references[previous], references[version]), (
            f"kill {point} at {delay:.2f}s left a site that is neither the old one nor the new one"
        )

        recovery = _build(tmp_path)
        assert recovery.returncode == 0, f"the build after kill {point} failed: {recovery.stderr}"
        assert "Traceback" not in recovery.stderr
        assert snapshot(tmp_path / "site") == references[version], f"the build after kill {point} differs"
        assert _leftovers(tmp_path) == [], f"kill {point} left files the next build did not clear"
        previous = version


@needs_proc
def test_a_build_killed_while_the_search_index_is_made_leaves_no_indexer_behind(tmp_path: Path) -> None:
    content = _corpus(tmp_path / "content")
    _revise(content, "A")
    assert _build(tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    _revise(content, "B")
    build = subprocess.Popen(
        _command(tmp_path), cwd=tmp_path, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    indexer = []
    while build.poll() is None and not indexer:
        indexer = [p for p in _survivors(build.pid) if "pagefind" in p]
        time.sleep(0.01)
    assert indexer, "the build finished before its search indexer was seen; the corpus is too small"
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert not _wait_for_no_survivors(build.pid), "the search indexer outlived the killed build"
    assert snapshot(tmp_path / "site") == before
    assert (tmp_path / ".site.building").is_dir(), "the kill came before the swap, so staging is left"

    recovery = _build(tmp_path)
    assert recovery.returncode == 0, recovery.stderr
    assert not (tmp_path / ".site.building").exists()
    fresh = _build(tmp_path, "fresh", "--no-cache")
    assert fresh.returncode == 0, fresh.stderr
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "fresh")


def test_the_next_build_clears_a_killed_builds_leftovers(tmp_path: Path) -> None:
    content = _corpus(tmp_path / "content", 5)
    assert _build(tmp_path, "site", "--no-search").returncode == 0
    (tmp_path / ".site.cache" / f".articles.pickle.{2**22 + 1}.partial").write_bytes(b"half a pickle")
    (tmp_path / ".site.cache" / f".build.json.{2**22 + 2}.partial").write_bytes(b"{")
    (tmp_path / ".site.building" / "2001").mkdir(parents=True)
    (tmp_path / ".site.building" / "2001" / "stale.html").write_text("from a killed build")
    replaced = tmp_path / ".site.discarded-1-2" / "2001"  # a replaced site whose removal was cut short
    replaced.mkdir(parents=True)
    (replaced / "old.html").write_text("from the site before last")
    _revise(content, "A")
    done = _build(tmp_path, "site", "--no-search")
    assert done.returncode == 0, done.stderr
    assert not replaced.parent.exists(), "cleared by the build itself, before its own swap"
    assert _leftovers(tmp_path) == []
    assert not list((tmp_path / "site").rglob("stale.html"))


def test_a_site_moved_aside_by_a_killed_swap_is_put_back(tmp_path: Path) -> None:
    """Where the system has no atomic exchange, the swap moves the old site aside first; a build killed
    between the two renames leaves no site/ at all, and the next build or clean must not lose it."""
    _corpus(tmp_path / "content", 5)
    assert _build(tmp_path, "site", "--no-search").returncode == 0
    before = snapshot(tmp_path / "site")
    (tmp_path / "site").rename(tmp_path / ".site.previous")
    with write.exclusive(tmp_path / "site", tmp_path / ".site.cache"):
        assert snapshot(tmp_path / "site") == before
    assert not (tmp_path / ".site.previous").exists()


# -- two builds at once --------------------------------------------------------------------------------


def _wait_for_lock_holder(lock: Path, build: subprocess.Popen[str]) -> None:
    while build.poll() is None:
        if lock.is_file() and lock.read_text().strip() == str(build.pid):
            return
        time.sleep(0.01)
    raise AssertionError(f"the first build exited ({build.returncode}) before it was seen holding the lock")


def test_a_second_build_waits_for_the_first_and_both_leave_a_correct_site(tmp_path: Path) -> None:
    content = _corpus(tmp_path / "content")
    _revise(content, "A")
    first = subprocess.Popen(
        _command(tmp_path), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _wait_for_lock_holder(tmp_path / ".site.lock", first)
    second = subprocess.Popen(
        _command(tmp_path), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, err1 = first.communicate(timeout=300)
    _, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    waiting = f"waiting for another build of site/ (pid {first.pid}) to finish"
    assert err2.count(waiting) == 1, f"the second build must say once whom it waits for; it said: {err2!r}"
    assert "Traceback" not in err1 + err2

    fresh = _build(tmp_path, "fresh", "--no-cache")
    assert fresh.returncode == 0, fresh.stderr
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "fresh")


def test_clean_waits_for_a_running_build(tmp_path: Path) -> None:
    _corpus(tmp_path / "content")
    build = subprocess.Popen(
        _command(tmp_path), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _wait_for_lock_holder(tmp_path / ".site.lock", build)
    clean = subprocess.run(
        [*cli_command(), "clean", "--output", "site"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert build.wait(timeout=300) == 0
    assert clean.returncode == 0, clean.stderr
    assert f"(pid {build.pid})" in clean.stderr
    # The clean ran after the build, so it removed the whole finished site, not half of it.
    assert not (tmp_path / "site").exists() and not (tmp_path / ".site.cache").exists()
    assert not (tmp_path / ".site.building").exists()


@pytest.mark.parametrize("command", ["build", "clean"])
def test_a_build_that_cannot_get_the_lock_in_time_fails_clearly(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsarchive.cli import main

    _corpus(tmp_path / "content", 5)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "-q", "--no-search"]) == 0
    before = snapshot(tmp_path / "site")
    monkeypatch.setattr(write, "LOCK_WAIT_SECONDS", 0.3)
    capsys.readouterr()
    with (tmp_path / ".site.lock").open("r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        code = main([command] + (["-q", "--no-search", "--no-cache"] if command == "build" else []))
    err = capsys.readouterr().err
    assert code == 1
    assert "waiting for another build of site/ (pid 4242)" in err
    assert "site: another build (pid 4242) still holds .site.lock after 0.3s; nothing was written" in err
    assert snapshot(tmp_path / "site") == before


# -- a full disk, a read-only folder ----------------------------------------------------------------------


def _file_size_limit(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit then fail with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _limited_build(root: Path, limit: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(root, "site", *extra),
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=lambda: _file_size_limit(limit),
    )


@pytest.mark.parametrize(
    ("articles", "extra", "message"),
    [
        (40, ("--no-cache", "--no-search"), "cannot write the site (File too large)"),
        (ARTICLES, ("--no-search",), "cannot save the build cache (File too large)"),
    ],
    ids=["site-file", "cache-file"],
)
def test_a_file_the_system_refuses_to_grow_fails_clearly_and_keeps_the_old_site(
    tmp_path: Path, articles: int, extra: tuple[str, ...], message: str
) -> None:
    content = _corpus(tmp_path / "content", articles)
    assert _build(tmp_path, "site", *extra).returncode == 0
    before = snapshot(tmp_path / "site")
    _revise(content, "A")
    # Pages stay under 64 KiB; the feeds (full bodies of 20 articles) and the cache of 200 articles do not.
    done = _limited_build(tmp_path, 64 * 1024, *extra)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert message in done.stderr, done.stderr
    assert re.search(r"^newsarchive: \.site\.(building|cache)/[\w.-]+: cannot", done.stderr, re.M), "names the file"
    assert snapshot(tmp_path / "site") == before
    assert _leftovers(tmp_path) == []


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small file system of its own (512 KiB) mounted at tmp_path/disk; skips where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    tried = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True, text=True, check=False
    )
    if tried.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up (needs root): {tried.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_clearly_and_keeps_the_old_site(tmp_path: Path, tmpfs: Path) -> None:
    content = _corpus(tmp_path / "content", 3)
    command = [*cli_command(), "build", "--content", str(content), "--output", str(tmpfs / "site"), "--no-search"]
    command.append("--no-cache")  # the cache has its own test below: here the site's own files fill the disk
    assert subprocess.run(command, cwd=tmp_path, capture_output=True, check=False).returncode == 0
    before = snapshot(tmpfs / "site")
    _corpus(content, 200)
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert "No space left on device" in done.stderr and str(tmpfs) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(tmpfs / "site") == before
    assert "cannot write the site" in done.stderr
    assert sorted(p.name for p in tmpfs.iterdir()) == [".site.lock", "site"]


def test_a_full_disk_under_the_cache_fails_clearly_and_keeps_the_old_site(tmp_path: Path, tmpfs: Path) -> None:
    content = _corpus(tmp_path / "content", 3)
    (tmp_path / "newsarchive.yaml").write_text(f"cache: {tmpfs / 'cache'}\nsearch: false\n")
    command = [*cli_command(), "build"]
    assert subprocess.run(command, cwd=tmp_path, capture_output=True, check=False).returncode == 0
    before = snapshot(tmp_path / "site")
    _corpus(content, 400)
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert (
        f"{tmpfs / 'cache'}" in done.stderr and "cannot save the build cache (No space left on device)" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert snapshot(tmp_path / "site") == before
    assert not list((tmpfs / "cache").glob(".*"))


def test_a_full_disk_under_the_cache_after_an_edit_fails_clearly_and_keeps_the_old_site(
    tmp_path: Path, tmpfs: Path
) -> None:
    """After an edit the build saves what it learned in a process beside the one rendering: its failure stops
    the build all the same, before the new site is swapped in."""
    content = _corpus(tmp_path / "content", 4)
    (tmp_path / "newsarchive.yaml").write_text(f"cache: {tmpfs / 'cache'}\nsearch: false\n")
    command = [*cli_command(), "build"]
    for _ in range(2):  # the second build keeps the first site as the spare the next one starts from
        assert subprocess.run(command, cwd=tmp_path, capture_output=True, check=False).returncode == 0
        _revise(content, "A")
    before = snapshot(tmp_path / "site")
    room = os.statvfs(tmpfs)
    (tmpfs / "filler").write_bytes(b"x" * (room.f_bavail * room.f_frsize))
    edited = sorted(content.glob("*.txt"))[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "One more sentence.\n", encoding="utf-8")
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert f"{tmpfs / 'cache'}" in done.stderr and "No space left on device" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(tmp_path / "site") == before
    (tmpfs / "filler").unlink()
    assert subprocess.run(command, cwd=tmp_path, capture_output=True, check=False).returncode == 0
    assert "One more sentence." in "".join(p.read_text("utf-8") for p in (tmp_path / "site").rglob("index.html"))


def test_a_read_only_output_folder_fails_clearly_and_keeps_the_old_site(tmp_path: Path, tmpfs: Path) -> None:
    content = _corpus(tmp_path / "content", 3)
    command = [*cli_command(), "build", "--content", str(content), "--output", str(tmpfs / "site"), "--no-search"]
    assert subprocess.run(command, cwd=tmp_path, capture_output=True, check=False).returncode == 0
    before = snapshot(tmpfs / "site")
    _revise(content, "A")
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert done.returncode == 1, done.stderr
    assert "Read-only file system" in done.stderr and str(tmpfs) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(tmpfs / "site") == before
