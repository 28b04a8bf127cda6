"""Discover article files and load them: paths in, parsed `Article`s and problems out.

This is the only stage that reads content from disk. It walks the content
folder in a sorted, deterministic order, pairs each `NAME.txt` with a sidecar
`NAME.yaml` when there is one, decodes, and hands text to the pure parser.
Problems are collected, never raised one by one.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .decode import decode
from .errors import ContentError
from .frontmatter import Meta, parse_yaml
from .model import Article, Notice
from .parse import Rules, parse_article

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
SIDECAR_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Source:
    path: Path
    rel: str
    sidecar: Path | None = None

    @property
    def display(self) -> str:
        return str(self.path)


@dataclass(frozen=True, slots=True)
class Loaded:
    source: Source
    article: Article


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
        for name in sorted(files):
            if name.startswith(".") or any(fnmatch.fnmatch(name, p) for p in patterns):
                continue
            path = Path(folder, name)
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                problems.append(Notice(str(path), 0, "symlink points outside the content folder; not followed"))
                continue
            found.append(replace(source_for(path), rel=path.relative_to(content).as_posix()))
    found.sort(key=lambda s: s.rel)
    return found, problems


def read_text(source: Source, max_bytes: int) -> str:
    """The decoded text of one article file. Raises ContentError."""
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise ContentError.at(source.display, 0, f"cannot read file: {exc.strerror}") from None
    return decode(source.display, data, max_bytes)


def load(source: Source, rules: Rules, max_bytes: int) -> Article:
    """Read, decode and parse one source. Raises ContentError."""
    sidecar = _sidecar(source, max_bytes) if source.sidecar else None
    return parse_article(source.display, read_text(source, max_bytes), sidecar=sidecar, rules=rules)


def source_for(path: Path) -> Source:
    """A Source for a file named on the command line."""
    sidecar = next((s for s in (path.with_suffix(x) for x in SIDECAR_SUFFIXES) if s.is_file()), None)
    return Source(path, path.as_posix(), sidecar)


def _sidecar(source: Source, max_bytes: int) -> Meta:
    assert source.sidecar is not None
    name = str(source.sidecar)
    try:
        data = source.sidecar.read_bytes()
    except OSError as exc:
        raise ContentError.at(name, 0, f"cannot read sidecar: {exc.strerror}") from None
    return parse_yaml(name, decode(name, data, max_bytes))


def load_all(sources: Iterable[Source], rules: Rules, max_bytes: int) -> tuple[list[Loaded], list[Notice]]:
    loaded: list[Loaded] = []
    problems: list[Notice] = []
    for source in sources:
        try:
            loaded.append(Loaded(source, load(source, rules, max_bytes)))
        except ContentError as exc:
            problems.extend(exc.notices)
    return loaded, problems
