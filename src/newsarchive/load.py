"""Discover article files and load them: paths in, parsed `Article`s and problems out.

This is the only stage that reads content from disk. It walks the content
folder in a sorted, deterministic order, pairs each `NAME.txt` with a sidecar
`NAME.yaml` when there is one, decodes, and hands text to the pure parser.
Problems are collected, never raised one by one.

Parsing is the costly part, so it is done at most once per file content: a
`LoadCache` keeps each file's record under the hash of its bytes (and its
sidecar's), and files whose size and modification time have not changed are
not even read. Files that must be parsed are shared out among worker
processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import parallel
from .cache import LoadCache, Result
from .decode import decode
from .discover import SIDECAR_SUFFIXES, Signature, Source, discover, signature_of, source_for
from .errors import ContentError
from .frontmatter import Meta, parse_yaml
from .model import Article, Notice, records
from .parse import Rules, parse_article

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 200
# discover's names are re-exported: loading starts from them.
__all__ = ["SIDECAR_SUFFIXES", "Loaded", "Source", "discover", "load", "load_all", "read_text", "source_for"]


@dataclass(frozen=True, slots=True)
class Loaded:
    source: Source
    article: Article
    # The hash of the file's bytes and its sidecar's: with the loader's code and settings, it decides the
    # article, so the renderer can tell an unchanged article's pages without looking at the article.
    digest: str


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ContentError.at(str(path), 0, f"cannot read {what}: {exc.strerror}") from None


def read_text(source: Source, max_bytes: int) -> str:
    """The decoded text of one article file. Raises ContentError."""
    return decode(source.display, _read(source.path, "file"), max_bytes)


def _parse(source: Source, data: bytes, sidecar_data: bytes | None, rules: Rules, max_bytes: int) -> Article:
    sidecar: Meta | None = None
    if source.sidecar is not None and sidecar_data is not None:
        name = str(source.sidecar)
        sidecar = parse_yaml(name, decode(name, sidecar_data, max_bytes))
    return parse_article(source.display, decode(source.display, data, max_bytes), sidecar=sidecar, rules=rules)


def load(source: Source, rules: Rules, max_bytes: int) -> Article:
    """Read, decode and parse one source. Raises ContentError."""
    data = _read(source.path, "file")
    sidecar = _read(source.sidecar, "sidecar") if source.sidecar else None
    return _parse(source, data, sidecar, rules, max_bytes)


def _digest(data: bytes, sidecar: bytes | None) -> str:
    h = hashlib.blake2b(data, digest_size=20)
    if sidecar is not None:
        h.update(b"\x00sidecar\x00" + sidecar)
    return h.hexdigest()


# Set in the parent before worker processes start, so that forked workers share them without pickling.
_WORK: tuple[Rules, int] | None = None


def _load_one(task: tuple[Source, str | None]) -> tuple[str, Result | None]:
    """Read and hash one file; parse it unless its content is the one the cache holds for it."""
    assert _WORK is not None
    rules, max_bytes = _WORK
    source, cached_digest = task
    try:
        data = _read(source.path, "file")
        sidecar = _read(source.sidecar, "sidecar") if source.sidecar else None
    except ContentError as exc:
        return "", exc.notices
    digest = _digest(data, sidecar)
    if digest == cached_digest:
        return digest, None
    try:
        return digest, _parse(source, data, sidecar, rules, max_bytes)
    except ContentError as exc:
        return digest, exc.notices


def _run(
    tasks: Sequence[tuple[Source, str | None]], jobs: int, progress: Callable[[int], None]
) -> list[tuple[str, Result | None]]:
    if len(tasks) < PARALLEL_FROM:
        jobs = 1
    chunksize = max(16, len(tasks) // (jobs * 8))
    outcomes = []
    for outcome in parallel.map_ordered(_load_one, tasks, jobs, chunksize=chunksize):
        outcomes.append(outcome)
        if len(outcomes) % chunksize == 0:
            progress(len(outcomes))
    return outcomes


def load_all(
    sources: Iterable[Source],
    rules: Rules,
    max_bytes: int,
    *,
    jobs: int = 1,
    cache: LoadCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    signatures: Mapping[str, Signature | None] | None = None,
) -> tuple[list[Loaded], list[Notice]]:
    """Load every source, from the cache where its content is unchanged, in parallel where not.

    `progress("parse", done, total)` is called as files are done, a chunk at a time. `signatures` are the
    files' `signature_of`, by `display`, when the caller has already read them."""
    global _WORK
    sources = list(sources)
    cache = cache or LoadCache(None, "")
    if signatures is None:
        signatures = {s.display: signature_of(s) for s in sources}
    found = cache.unchanged(signatures)
    pending = [(source, cache.digest(source.display)) for source in sources if source.display not in found]
    _WORK = (rules, max_bytes)
    cached = len(sources) - len(pending)
    tell = progress or (lambda stage, done, total: None)
    tell("parse", cached, len(sources))
    try:
        outcomes = _run(pending, jobs, lambda done: tell("parse", cached + done, len(sources)))
    finally:
        _WORK = None
    tell("parse", len(sources), len(sources))
    for (source, _), (digest, result) in zip(pending, outcomes, strict=True):
        key = source.display
        if result is None:  # unchanged content under a new modification time
            result = cache.get(key, None, digest)
            assert result is not None
        found[key] = (signatures[key], digest, result)
        if digest:
            cache.put(key, signatures[key], digest, result)
    cache.keep_only(found)
    entries = [found[source.display] for source in sources]
    problems: list[Notice] = []
    good = sources
    if not all(isinstance(entry[2], Article) for entry in entries):
        problems = [notice for entry in entries if not isinstance(entry[2], Article) for notice in entry[2]]
        good = [source for source, entry in zip(sources, entries, strict=True) if isinstance(entry[2], Article)]
        entries = [entry for entry in entries if isinstance(entry[2], Article)]
    # Made a field at a time: ten thousand are made on every build (see model.records).
    loaded = records(
        Loaded,
        len(entries),
        {"source": good, "article": [entry[2] for entry in entries], "digest": [entry[1] for entry in entries]},
    )
    return loaded, problems
