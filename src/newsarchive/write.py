"""Write: the only module that writes the site to disk.

Takes the output folder and a mapping of output path to bytes. Paths are
checked before anything is written. The site is written into a staging
folder beside the output folder and swapped in only when complete, with an
atomic exchange where the system has one, so a failed or killed build leaves
the previous site as it was.

The staging folder starts either empty, every file then linked or written
into it, or, when the last build kept the site it replaced (`.SITE.spare-*`)
and says what it changed (`Memo`), as that spare site brought up to date: then
only the files that change are touched, and the site it replaces becomes the
next build's spare. Files are never written through: a changed file is a new
file, so a file the spare shares with the live site stays as it is.

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
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from . import urls
from .errors import UsageError, WriteError
from .model import fast_pickle

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False where unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library the interpreter runs on
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def staging_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.building"


def _retired_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.previous"


def _spare_prefix(output: Path) -> str:
    return f".{output.name}.spare-"


def spare_folders(output: Path) -> list[Path]:
    """The spare sites beside the output folder (one, normally: the site the last build replaced)."""
    return [p for p in output.parent.glob(_spare_prefix(output) + "*") if p.is_dir() and not p.is_symlink()]


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
    key: bytes | None = None
    stat: tuple[int, int, int] = (0, 0, 0)


fast_pickle(Placed)  # render workers send every page's Placed back to the build


@dataclass(frozen=True, slots=True)
class Kept:
    """Files of the current site kept as the last build made them, in bulk: what `keep` said of each of them,
    when asked with no key, was `AS_BEFORE`."""

    rels: list[str]


# What `keep` says of a file kept as the memo has it, when asked with no key (see `Kept`).
AS_BEFORE = Placed("", True, b"")

# One file of a built site: the key it was made from (None for a file made at every build), its content
# digest, and its (inode, size, modification time) once in place.
Made = tuple[bytes | None, bytes, int, int, int]


@dataclass(frozen=True, slots=True)
class Memo:
    """What a build's write leaves for the next one: every file of the site with how it was made (`files`),
    the files that differ from the site before it, written anew or gone (`changed`), and the name's token of
    the spare folder that holds that site before, if it was kept (`spare`)."""

    files: dict[str, Made] = field(default_factory=dict)
    changed: tuple[str, ...] = ()
    spare: str | None = None


@dataclass(slots=True)
class Written:
    """What a write did: files written anew, and files kept (unchanged, with their old modification time)."""

    written: int = 0
    kept: int = 0
    paths: list[str] = field(default_factory=list)
    pages_digest: str = ""
    memo: Memo = field(default_factory=Memo)
    _files: dict[str, Made] = field(default_factory=dict)
    _anew: list[str] = field(default_factory=list)

    def count(self, placed: Placed) -> None:
        self.paths.append(placed.rel)
        self._files[placed.rel] = (placed.key, placed.digest, *placed.stat)
        if placed.kept:
            self.kept += 1
        else:
            self.written += 1
            self._anew.append(placed.rel)

    def carry(self, kept: Kept, memo: Memo) -> None:
        self.paths += kept.rels
        self._files.update(zip(kept.rels, map(memo.files.__getitem__, kept.rels), strict=True))
        self.kept += len(kept.rels)


Put = Callable[[str, bytes, bytes | None], Placed]
# Keep the current site's file, by path and key; a key of None: the page's inputs are known to be unchanged.
Keep = Callable[[str, bytes | None], Placed | None]


def _file_stat(path: str | Path) -> tuple[int, int, int]:
    """A file's (inode, size, modification time); a link is not followed, so it never matches a file's."""
    stat = os.lstat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _same(old: str, data: bytes) -> bool:
    """Whether `old` is a plain file (not a link) holding `data`."""
    try:
        stat = os.lstat(old)
        if not S_ISREG(stat.st_mode) or stat.st_size != len(data):
            return False
        with open(old, "rb") as handle:
            return handle.read() == data
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
            pass  # made by another worker, or there in the spare site
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        _MADE.add(folder)
    return target


def _link(source: str | Path, target: str) -> None:
    """Make `target` the same file as `source`, whatever was at `target`."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    os.link(source, target)


def place(
    staging: Path, output: Path, rel: str, data: bytes, key: bytes | None = None, *, digests: bool = True
) -> Placed:
    """Put one file into the staging folder, or link the current site's file there when its bytes are the same.

    Safe to call from several worker processes at once: each writes its own files. A file already in the
    staging folder (a spare site's) is replaced, never written through. Files' digests tell the search step
    whether any page changed (`Written.pages_digest`): without `digests`, for a site with no search index, the
    Placed's digest is empty, and the site's bytes are not hashed for nothing.
    """
    target = _target(staging, rel)
    old = f"{output}/{rel}"  # a string: a Path made for each of thousands of files costs more than the write
    digest = hashlib.blake2b(data, digest_size=20).digest() if digests else b""
    if _same(old, data):
        try:
            stat = _file_stat(old)
            with contextlib.suppress(FileNotFoundError):
                if _file_stat(target)[0] == stat[0]:
                    return Placed(rel, True, digest, key, stat)
            _link(old, target)
            return Placed(rel, True, digest, key, stat)
        except OSError:
            pass
    try:
        new = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        try:
            fd = os.open(target, new, 0o666)
        except FileExistsError:  # a spare site's file: replaced, not written through (it may be the live one's)
            os.unlink(target)
            fd = os.open(target, new, 0o666)
        with open(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            made = os.fstat(fd)  # the file just made: no link to follow, no path to look up
    except OSError as exc:  # a failed write() (a full disk) does not say which file it was writing
        raise OSError(exc.errno, exc.strerror, target) from None
    return Placed(rel, False, digest, key, (made.st_ino, made.st_size, made.st_mtime_ns))


def touched_files(output: Path, memo: Memo) -> Callable[[], set[str]]:
    """The files of the current site that are not as the last build left them (changed, replaced or gone), by
    their (inode, size, modification time) against the memo's: found by a process beside the build, started
    now, as a big site has many files to look at."""

    def survey() -> set[str]:
        touched = set()
        for rel, made in memo.files.items():
            try:
                if _file_stat(f"{output}/{rel}") != made[2:]:
                    touched.add(rel)
            except OSError:
                touched.add(rel)
        return touched

    from .parallel import beside

    return beside(survey)


def reuse(
    staging: Path, output: Path, memo: Memo, prefilled: bool, touched: set[str] | None, rel: str, key: bytes | None
) -> Placed | None:
    """Keep the current site's file if the last build made it from the same inputs (`key`, or None when the
    caller knows they are the same) and it is untouched since (not in `touched`, when that is known, see
    `touched_files`); None when it must be made again. In a fresh staging folder the file is linked there; in
    a spare site brought up to date it is there already. Asked with no key, it says `AS_BEFORE` rather than
    what it kept, for the caller to gather such files (`Kept`)."""
    old = memo.files.get(rel)
    if old is None or old[0] is None or (key is not None and old[0] != key):
        return None
    source = f"{output}/{rel}"
    try:
        if rel in touched if touched is not None else _file_stat(source) != old[2:]:
            return None
        if not prefilled:
            os.link(source, _target(staging, rel))
    except OSError:
        return None
    return AS_BEFORE if key is None else Placed(rel, True, old[1], old[0], old[2:])


def _keep_unchanged(staging: Path, output: Path, folder: str, done: Written) -> None:
    """Swap files another tool wrote into the staging folder for the old ones where they are identical."""
    for path in sorted((staging / folder).rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            path.unlink()
            done.count(place(staging, output, path.relative_to(staging).as_posix(), data))


def _remove(staging: Path, rel: str) -> None:
    """Remove a file (or an empty folder) from the staging folder, and the folders that leaves empty."""
    try:
        os.unlink(f"{staging}/{rel}")
    except IsADirectoryError:
        os.rmdir(f"{staging}/{rel}")
    except FileNotFoundError:
        pass
    folder = rel.rpartition("/")[0]
    while folder:
        try:
            os.rmdir(f"{staging}/{folder}")
        except OSError:
            return  # not empty (or gone): so are the folders above it
        folder = folder.rpartition("/")[0]


class Spare:
    """The spare site a memo names, if it is there, surveyed by a `find` process that runs beside the build
    (a walk of every folder of a big site takes a while) for what the memo does not account for: files put
    into the site by hand, and symbolic links, which are removed before anything is written among them."""

    def __init__(self, output: Path, memo: Memo) -> None:
        self.memo = memo
        folder = output.parent / f"{_spare_prefix(output)}{memo.spare}"
        self.folder = folder if memo.spare and folder.is_dir() and not folder.is_symlink() else None
        self._survey: subprocess.Popen[bytes] | None = None
        # Into a file, not a pipe: the survey then runs to its end while the build does other work.
        self._found = tempfile.TemporaryFile() if self.folder else None  # noqa: SIM115 (closed by close())
        with contextlib.suppress(OSError):
            if self.folder:
                self._survey = subprocess.Popen(
                    [
                        *("find", str(self.folder), "-mindepth", "1", "(", "-type", "d"),
                        *("(", "-empty", "-printf", "e %P\\0", "-o", "-true", ")", "-o", "-printf", "%y %P\\0", ")"),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=self._found,
                    stderr=subprocess.DEVNULL,
                )

    def strays(self) -> list[str] | None:
        """Paths in the spare folder that are not files the memo accounts for: other files, links, empty
        folders; None when the survey failed."""
        found: list[tuple[str, str]] = []
        if self._survey is not None and self._found is not None:
            if self._survey.wait() != 0:
                return None
            self._found.seek(0)
            for line in self._found.read().decode("utf-8", "surrogateescape").split("\0")[:-1]:
                kind, _, rel = line.partition(" ")
                found.append((kind, rel))
        else:  # no `find` to run: walk the folders here
            assert self.folder is not None
            for top, folders, files in os.walk(self.folder):
                where = Path(top).relative_to(self.folder)
                if not folders and not files and top != str(self.folder):
                    found.append(("e", where.as_posix()))
                found += [("l", (where / name).as_posix()) for name in folders if os.path.islink(f"{top}/{name}")]
                found += [(_kind(f"{top}/{name}"), (where / name).as_posix()) for name in files]
                folders[:] = [n for n in folders if not os.path.islink(f"{top}/{n}")]
        known = self.memo.files.keys() | set(self.memo.changed)
        return [rel for kind, rel in found if kind != "f" or rel not in known]

    def close(self) -> None:
        if self._survey is not None and self._survey.poll() is None:
            self._survey.kill()
            self._survey.wait()
        if self._found is not None:
            self._found.close()


def _kind(path: str) -> str:
    return "l" if os.path.islink(path) else "f" if os.path.isfile(path) else "?"


def _take_spare(output: Path, staging: Path, spare: Spare) -> bool:
    """Make the spare site the staging folder, brought up to the current site: its files are the site before
    the current one (the memo's `spare`), so the files the last build changed are linked from the current
    site, or removed. False, and no staging folder, when there is no spare this memo describes or it cannot
    be brought up to date."""
    memo, strays = spare.memo, spare.strays() if spare.folder else None
    if spare.folder is None or strays is None:
        return False
    try:
        spare.folder.rename(staging)
        for rel in strays:
            _remove(staging, rel)
        for rel in memo.changed:
            if not urls.is_safe(rel):
                raise UsageError(f"refusing to write outside the output folder: {rel!r}")
            if rel in memo.files:
                with contextlib.suppress(FileNotFoundError):  # gone from the site: made again, as it is unkept
                    _link(output / rel, _target(staging, rel))
            else:
                _remove(staging, rel)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return False
    return True


def write_site(
    output: Path,
    produce: Callable[[Put, Keep], Iterable[Placed | Kept]],
    finish: Callable[[Path, str], str | None] | None = None,
    memo: Memo | None = None,
    keep_spare: bool = False,
    spare: Spare | None = None,
    touched: set[str] | None = None,
    ready: Callable[[], object] | None = None,
) -> Written:
    """Let `produce` put the site's files into a staging folder, let `finish` add to it (the search index),
    then swap it in. `produce` may keep a file of the current site that `memo` (the last build's) says was
    made from the same inputs, instead of making it again; the new site's memo is returned with the rest.
    With `keep_spare`, the replaced site is kept beside the output folder, for the next build to start from;
    `spare` is the one the last build kept (see `Spare`), which this one starts from when it can. `touched`
    is the files of the current site changed since the memo (see `touched_files`); without it, each file is
    looked at as it is kept. `ready`, when given, is waited for before the new site is swapped in: what
    else must be done first (its error stops the build, and the site stays as it was).

    Files are written as they are made, by whichever process makes them, so the whole site never sits in
    memory. A file whose bytes equal the current site's is linked rather than rewritten, so it keeps its
    modification time and rsync or a CDN sees no change. Two files claiming one path, or a path leaving
    the output folder, stop the build before anything is swapped in.
    """
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output}: output path exists and is not a folder")
    staging = staging_folder(output)
    done = Written()
    last = memo or Memo()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if staging.is_symlink():
            staging.unlink()  # a link where the staging folder goes: remove the link, never what it points to
        elif staging.exists():
            shutil.rmtree(staging)
        prefilled = spare is not None and memo is spare.memo and output.is_dir() and _take_spare(output, staging, spare)
        if not prefilled:
            staging.mkdir()
        _MADE.clear()  # folders made for an earlier build (serve builds again and again in one process)
        put = functools.partial(place, staging, output, digests=finish is not None)
        keep = functools.partial(reuse, staging, output, last, prefilled, touched)
        for placed in produce(put, keep):
            if isinstance(placed, Kept):
                if not done._files.keys().isdisjoint(placed.rels) or len(set(placed.rels)) < len(placed.rels):
                    raise UsageError("two pages would be written to one path; nothing was published")
                done.carry(placed, last)
                continue
            if placed.rel in done._files:
                raise UsageError(f"two pages would be written to {placed.rel}; nothing was published")
            done.count(placed)
        if prefilled:  # the spare site's files this build does not make go, before anything indexes the folder
            for rel in last.files:
                if rel not in done._files:
                    _remove(staging, rel)
            shutil.rmtree(staging / urls.SEARCH_BUNDLE, ignore_errors=True)  # indexed again or linked whole
        if finish is not None:
            summary = hashlib.blake2b(digest_size=20)
            for rel in sorted(r for r in done._files if r.endswith(".html")):
                summary.update(rel.encode() + b"\x00" + done._files[rel][1])
            done.pages_digest = summary.hexdigest()
            if added := finish(staging, done.pages_digest):
                _keep_unchanged(staging, output, added, done)
        changed = (*done._anew, *(rel for rel in last.files if rel not in done._files))
        if ready is not None:
            ready()
        token = _swap(staging, output, keep_spare)
        done.memo = Memo(done._files, changed, token)
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


def _swap(staging: Path, output: Path, keep_spare: bool) -> str | None:
    """Swap the staging folder in. The replaced site is kept as the spare (and its token returned) or
    discarded; so is an older spare, which no memo will describe again."""
    for old_spare in spare_folders(output):
        _discard(old_spare, output)
    if not output.exists():
        staging.rename(output)
        return None
    if _exchange(staging, output):
        replaced = staging
    else:
        replaced = _retired_folder(output)
        shutil.rmtree(replaced, ignore_errors=True)
        output.rename(replaced)
        staging.rename(output)
    if not keep_spare:
        _discard(replaced, output)
        return None
    token = secrets.token_hex(8)
    replaced.rename(output.parent / f"{_spare_prefix(output)}{token}")
    return token


def _discard(old_site: Path, output: Path) -> None:
    """Delete the replaced site without waiting for it: the new one is already in place.

    The old tree is renamed out of the way first, so the next build's staging folder is free at once, and
    removed by a separate `rm` process that outlives the build (holding no lock); whatever it has not
    removed when the next build or clean starts, that one removes (`_clear_leftovers`)."""
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
