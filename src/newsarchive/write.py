"""Write: the only module that writes the site to disk.

Takes the output folder and a mapping of output path to bytes. Paths are
checked before anything is written. The site is written into a fresh
folder beside the output folder and swapped in only when complete, with an
atomic exchange where the system has one, so a failed or killed build leaves
the previous site as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from . import urls
from .errors import UsageError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class WriteError(Exception):
    """The site could not be written; the previous site is untouched."""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def staging_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.building"


def write_site(output: Path, files: Mapping[str, bytes], finish: Callable[[Path], object] | None = None) -> None:
    """Write `files` into a staging folder, let `finish` add to it (the search index), then swap it in."""
    unsafe = sorted(p for p in files if not urls.is_safe(p))
    if unsafe:
        raise UsageError(f"refusing to write outside the output folder: {unsafe[0]!r}")
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output}: output path exists and is not a folder")
    staging = staging_folder(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        made: set[Path] = set()
        for rel in sorted(files):
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(files[rel])
        if finish is not None:
            finish(staging)
        _swap(staging, output)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if not isinstance(exc, OSError):
            raise
        where = exc.filename or output
        raise WriteError(f"{where}: cannot write the site ({exc.strerror}); the previous site is unchanged") from None


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging)
        return
    retired = output.parent / f".{output.name}.previous"
    shutil.rmtree(retired, ignore_errors=True)
    output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired)
