"""Write: the only module that writes the site to disk.

Takes the output folder and a mapping of output path to bytes. Paths are
checked before anything is written. The site is written into a fresh
folder beside the output folder and swapped in only when complete, with an
atomic exchange where the system has one, so a failed or killed build leaves
the previous site as it was.

One build or clean at a time: `exclusive` holds a lock file beside the
output folder (`.SITE.lock`) for the whole build, so a second build waits
for the first, and, once it holds the lock, clears away whatever a killed
build left behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .errors import UsageError, WriteError
from .model import fast_pickle

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False where unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def staging_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.building"


def _retired_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.previous"


def _discarded_prefix(output: Path) -> str:
    return f".{output.name}.discarded-"


def lock_file(output: Path) -> Path:
    return output.parent / f".{output.name}.lock"


# How long a build waits for another build of the same site before giving up.
LOCK_WAIT_SECONDS = 600.0
_LOCK_POLL_SECONDS = 0.1


@contextlib.contextmanager
def exclusive(output: Path, cache: Path | None) -> Iterator[None]:
    """Hold the site's lock while a build or a clean runs, waiting up to LOCK_WAIT_SECONDS for another one.

    The lock is an flock on `.SITE.lock` beside the output folder: the system releases it when its holder
    exits, however it exits, so a killed build never leaves the site locked. Forked worker processes share
    it, so the lock is free only once the last of them is gone. Once it holds the lock, this build is the
    only one, and it clears away what a killed build left: its staging folder and half-written cache files.
    """
    path = lock_file(output)
    fd = _open_lock(path)
    try:
        _acquire(fd, path, output)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _clear_leftovers(output, cache)
        yield
    finally:
        os.close(fd)  # releases the lock


def _open_lock(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        # On a read-only file system an existing lock file can still be locked; the build then fails with
        # the file system's own reason where it first writes.
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and path.is_file():
            return os.open(path, os.O_RDONLY)
        raise WriteError(f"{path}: cannot create the build lock ({exc.strerror}); the site is unchanged") from None


def _acquire(fd: int, path: Path, output: Path) -> None:
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    waiting = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(path)
        if not waiting:
            print(f"newsarchive: waiting for another build of {output}/ (pid {holder}) to finish", file=sys.stderr)
            waiting = True
        if time.monotonic() >= deadline:
            raise WriteError(
                f"{output}: another build (pid {holder}) still holds {path} after {LOCK_WAIT_SECONDS:g}s; "
                "nothing was written. Try again when it has finished"
            )
        time.sleep(_LOCK_POLL_SECONDS)


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    return text if text.isdigit() else "unknown"


def _clear_leftovers(output: Path, cache: Path | None) -> None:
    """Remove what a killed build left behind, and put back a site a killed swap had moved aside."""
    retired = _retired_folder(output)
    if retired.is_dir() and not output.exists():
        with contextlib.suppress(OSError):
            retired.rename(output)
    discarded = [p for p in output.parent.glob(_discarded_prefix(output) + "*") if not p.is_symlink()]
    for folder in (staging_folder(output), retired, *discarded):
        shutil.rmtree(folder, ignore_errors=True)
    if cache is not None and cache.is_dir():
        for partial in cache.glob(".*.partial"):
            with contextlib.suppress(OSError):
                partial.unlink()


@dataclass(frozen=True, slots=True)
class Placed:
    """One file put into the staging folder: its path, whether the old file was kept, its content digest,
    the key of what it was made from (see render.Out) and the file's (inode, size, modification time)."""

    rel: str
    kept: bool
    digest: bytes
    key: str | None = None
    stat: tuple[int, int, int] = (0, 0, 0)


fast_pickle(Placed)  # render workers send every page's Placed back to the build


# The last build's keyed files: path -> (key, content digest in hex, inode, size, modification time).
Memo = dict[str, tuple[str, str, int, int, int]]


@dataclass(slots=True)
class Written:
    """What a write did: files written anew, and files kept (unchanged, with their old modification time)."""

    written: int = 0
    kept: int = 0
    paths: list[str] = field(default_factory=list)
    pages_digest: str = ""
    memo: Memo = field(default_factory=dict)

    def count(self, placed: Placed) -> None:
        self.paths.append(placed.rel)
        self.kept += placed.kept
        self.written += not placed.kept
        if placed.key is not None:
            self.memo[placed.rel] = (placed.key, placed.digest.hex(), *placed.stat)


Put = Callable[[str, bytes, str | None], Placed]
Keep = Callable[[str, str], Placed | None]


def _file_stat(path: str | Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _same(old: Path, data: bytes) -> bool:
    try:
        return old.stat().st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


# The folders this process has made in the staging folder, so that each is made once.
_MADE: set[str] = set()


def _target(staging: Path, rel: str) -> str:
    if not urls.is_safe(rel):
        raise UsageError(f"refusing to write outside the output folder: {rel!r}")
    target = f"{staging}/{rel}"
    folder = target.rpartition("/")[0]
    if folder not in _MADE:
        try:
            os.mkdir(folder)  # most folders hold one page, and their parent is made already
        except FileExistsError:
            pass  # made by another worker
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        _MADE.add(folder)
    return target


def place(staging: Path, output: Path, rel: str, data: bytes, key: str | None = None) -> Placed:
    """Put one file into the staging folder, or link the current site's file there when its bytes are the same.

    Safe to call from several worker processes at once: each writes its own files.
    """
    target = Path(_target(staging, rel))
    old = output / rel
    digest = hashlib.blake2b(data, digest_size=20).digest()
    if _same(old, data):
        try:
            os.link(old, target)
            return Placed(rel, True, digest, key, _file_stat(target))
        except OSError:
            pass
    try:
        target.write_bytes(data)
    except OSError as exc:  # a failed write() (a full disk) does not say which file it was writing
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    return Placed(rel, False, digest, key, _file_stat(target))


def reuse(staging: Path, output: Path, memo: Memo, rel: str, key: str) -> Placed | None:
    """Link the current site's file into the staging folder if the last build made it from the same inputs
    (`key`) and it is untouched since; None when it must be made again."""
    old = memo.get(rel)
    if old is None or old[0] != key:
        return None
    source = f"{output}/{rel}"
    try:
        if _file_stat(source) != old[2:]:
            return None
        os.link(source, _target(staging, rel))
    except OSError:
        return None
    return Placed(rel, True, bytes.fromhex(old[1]), key, old[2:])


def _keep_unchanged(staging: Path, output: Path, folder: str, done: Written) -> None:
    """Swap files another tool wrote into the staging folder for the old ones where they are identical."""
    for path in sorted((staging / folder).rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            path.unlink()
            done.count(place(staging, output, path.relative_to(staging).as_posix(), data))


def write_site(
    output: Path,
    produce: Callable[[Put, Keep], Iterable[Placed]],
    finish: Callable[[Path, str], str | None] | None = None,
    memo: Memo | None = None,
) -> Written:
    """Let `produce` put the site's files into a staging folder, let `finish` add to it (the search index),
    then swap it in. `produce` may keep a file of the current site that `memo` says was made from the same
    inputs, instead of making it again; the new site's memo is returned with the rest.

    Files are written as they are made, by whichever process makes them, so the whole site never sits in
    memory. A file whose bytes equal the current site's is linked rather than rewritten, so it keeps its
    modification time and rsync or a CDN sees no change. Two files claiming one path, or a path leaving
    the output folder, stop the build before anything is swapped in.
    """
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output}: output path exists and is not a folder")
    staging = staging_folder(output)
    done = Written()
    pages: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if staging.is_symlink():
            staging.unlink()  # a link where the staging folder goes: remove the link, never what it points to
        elif staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        _MADE.clear()  # folders made for an earlier build (serve builds again and again in one process)
        put = functools.partial(place, staging, output)
        keep = functools.partial(reuse, staging, output, memo or {})
        for placed in produce(put, keep):
            if placed.rel in seen:
                raise UsageError(f"two pages would be written to {placed.rel}; nothing was published")
            seen.add(placed.rel)
            done.count(placed)
            if placed.rel.endswith(".html"):
                pages.append((placed.rel, placed.digest))
        summary = hashlib.blake2b(digest_size=20)
        for rel, digest in sorted(pages):
            summary.update(rel.encode() + b"\x00" + digest)
        done.pages_digest = summary.hexdigest()
        if finish is not None and (added := finish(staging, done.pages_digest)):
            _keep_unchanged(staging, output, added, done)
        _swap(staging, output)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if not isinstance(exc, OSError):
            raise
        where = exc.filename or output
        raise WriteError(f"{where}: cannot write the site ({exc.strerror}); the previous site is unchanged") from None
    return done


def link_tree(source: Path, target: Path) -> None:
    """Give the staging folder the same files as `source` (a folder of the current site), as hard links."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, destination)


def replace_file(path: Path, data: bytes) -> None:
    """Replace one file atomically (the build cache): readers see the old or the new file, never half."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        where = exc.filename or path
        raise WriteError(f"{where}: cannot save the build cache ({exc.strerror})") from None


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        _discard(staging, output)
        return
    retired = _retired_folder(output)
    shutil.rmtree(retired, ignore_errors=True)
    output.rename(retired)
    staging.rename(output)
    _discard(retired, output)


def _discard(old_site: Path, output: Path) -> None:
    """Delete the replaced site without waiting for it: the new one is already in place.

    The old tree is renamed out of the way first, so the next build's staging folder is free at once, and
    removed by a separate `rm` process that outlives the build (holding no lock); whatever it has not
    removed when the next build or clean starts, that one removes (`_clear_leftovers`)."""
    import subprocess

    discarded = output.parent / f"{_discarded_prefix(output)}{os.getpid()}-{time.monotonic_ns()}"
    old_site.rename(discarded)
    try:
        subprocess.Popen(
            ["rm", "-rf", "--", str(discarded)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:  # no rm to run: remove it here
        shutil.rmtree(discarded, ignore_errors=True)
