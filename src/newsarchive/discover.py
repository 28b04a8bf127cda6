"""Discover: the content folder in, the sorted list of article files (and their sidecars) out.

Cheap by design: it lists folders and reads file metadata, never content, so
that a build can tell quickly whether anything changed at all.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import Notice

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
SIDECAR_SUFFIXES = (".yaml", ".yml")
Signature = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Source:
    path: Path
    rel: str
    sidecar: Path | None = None

    @property
    def display(self) -> str:
        return str(self.path)


def discover(content: Path, ignore: Iterable[str] = ()) -> tuple[list[Source], list[Notice]]:
    """Every article file under `content`, sorted by relative path."""
    if not content.is_dir():
        return [], [Notice(str(content), 0, "content folder not found; pass --content DIR or create it")]
    root = content.resolve()
    patterns = tuple(ignore)
    found: list[Source] = []
    problems: list[Notice] = []
    for folder, dirs, files in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = set(files)
        for name in sorted(files):
            stem, dot, suffix = name.rpartition(".")
            if not dot or "." + suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            if name.startswith(".") or any(fnmatch.fnmatch(name, p) for p in patterns):
                continue
            path = Path(folder, name)
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                problems.append(Notice(str(path), 0, "symlink points outside the content folder; not followed"))
                continue
            sidecar = next((Path(folder, stem + s) for s in SIDECAR_SUFFIXES if stem + s in names), None)
            found.append(Source(path, path.relative_to(content).as_posix(), sidecar))
    found.sort(key=lambda s: s.rel)
    return found, problems


def source_for(path: Path) -> Source:
    """A Source for a file named on the command line."""
    sidecar = next((s for s in (path.with_suffix(x) for x in SIDECAR_SUFFIXES) if s.is_file()), None)
    return Source(path, path.as_posix(), sidecar)


def signature_of(source: Source) -> Signature | None:
    try:
        main = source.path.stat()
        side = source.sidecar.stat() if source.sidecar else None
    except OSError:
        return None
    return (main.st_size, main.st_mtime_ns, side.st_size if side else -1, side.st_mtime_ns if side else -1)
