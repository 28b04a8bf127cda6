"""The build cache: what a previous build learned, kept so the next one can skip work.

`LoadCache` maps each article file to the parsed record of its content. An
entry is used only when the file's bytes (and its sidecar's) hash to the
same digest, or, without reading the file, when its size and modification
time are unchanged. The whole cache is tied to a key made of newsarchive's
version, the loader's own source code and the loader settings, so a new
loader or a changed setting starts afresh. A cache file that cannot be read
or belongs to another key is ignored and rebuilt: the cache can make a build
faster, never different. The records are kept in SHARDS files by a hash of
the file's name, so a build that parsed one file rewrites one small file.

A cache file is a pickled index followed by the articles' big fields (BIG:
the body, the line records, the sketch and the terms), each field's values
one after another. The index holds each entry's name, signature and digest,
the articles' other fields a list per field, the failed files' problems, and
where each big value lies. Reading a file maps it into memory and makes its
articles without their big fields; the first read of one of those sets it on
all of the file's articles at once (model.Stored). A build reads every
article's headline and date but few bodies, and copying the bodies out of
the file was most of the time of reading the cache.
"""

from __future__ import annotations

import gc
import hashlib
import mmap
import operator
import os
import pickle
from array import array
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import fields
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from . import __version__
from .discover import Signature
from .model import STORED_APART, Article, Blocks, Lines, Notice, records, set_field

Result = Article | tuple[Notice, ...]

_LOADER_MODULES = (
    "decode",
    "frontmatter",
    "parse",
    "markdown",
    "dates",
    "textmatch",
    "model",
    "discover",
    "load",
    "cache",
)
SHARDS = 16
Entry = tuple[Signature | None, str, Result]
Piece = bytes | memoryview

# Each big field: how many pieces one article's value is kept as, those pieces, and the values made back from the
# pieces of many articles.
BIG: dict[str, tuple[int, Callable[[Article], tuple[Piece, ...]], Callable[[list[memoryview]], list[Any]]]] = {
    "blocks": (1, lambda a: (a.blocks.packed(),), lambda pieces: list(map(Blocks.unpack_later, pieces))),
    "lines": (1, lambda a: (a.lines.packed(),), lambda pieces: list(map(Lines.unpack_later, pieces))),
    "sketch": (1, lambda a: (a.sketch,), lambda pieces: list(map(bytes, pieces))),
    "terms": (
        2,
        lambda a: (a.terms[0].encode("utf-8", "surrogatepass"), a.terms[1]),
        lambda pieces: [
            (str(words, "utf-8", "surrogatepass"), bytes(counts))
            for words, counts in zip(pieces[0::2], pieces[1::2], strict=True)
        ],
    ),
}
assert set(BIG) <= set(STORED_APART), "only a field stored apart can be left unset until read"
SMALL = tuple(f.name for f in fields(Article) if f.name not in BIG)


def load_pickle(handle: BinaryIO) -> Any:
    """`pickle.load` with the garbage collector paused. Unpickling makes many objects and no garbage, and
    the collections it would set off walk all of them again and again (most of the time of loading what
    finding copies and related articles remember)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)
    finally:
        if enabled:
            gc.enable()


T = TypeVar("T")


def read_keyed(path: Path, key: str, kind: type[T]) -> T | None:
    """The value of the `(key, value)` pickle at `path` (what the last build made under the same code, templates
    and config, or the same loader), or None when the file is missing or unreadable, or holds another key or
    not a `kind`: unreadable is as good as none."""
    try:
        with path.open("rb") as handle:
            saved = load_pickle(handle)
    except Exception:
        return None
    if not (isinstance(saved, tuple) and len(saved) == 2 and saved[0] == key and isinstance(saved[1], kind)):
        return None
    return saved[1]


def shard_name(shard: int) -> str:
    return f"articles-{shard:02d}.pickle"


def _shard(name: str) -> int:
    return hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=1).digest()[0] % SHARDS


def loader_key(settings: object) -> str:
    """A key that changes whenever the loader's code, version or settings change."""
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    here = Path(__file__).parent
    for name in _LOADER_MODULES:
        h.update((here / f"{name}.py").read_bytes())
    h.update(repr(settings).encode())
    return h.hexdigest()


class _File:
    """The big fields of the articles read from one cache file (a model.Filler)."""

    __slots__ = ("articles", "big", "view")

    def __init__(self, view: memoryview, big: dict[str, array[int]]) -> None:
        self.view = view
        self.big = big  # each field not set yet: where its pieces lie in `view`
        self.articles: list[Article] = []

    def fill(self, name: str) -> bool:
        bounds = self.big.pop(name, None)
        if bounds is None:
            return False
        view = self.view
        values = BIG[name][2]([view[start:end] for start, end in pairwise(bounds)])
        set_field(Article, self.articles, name, values)
        if not self.big:
            self.articles = []  # each article holds its file, which need not hold them any longer
        return True


# Cache files are replaced whole (write.replace_file), never changed in place, so a mapped file stays as it was
# read while a build uses it. Elsewhere than on POSIX systems a mapped file cannot be replaced: it is read.
MAPPED = os.name == "posix"


def _contents(handle: BinaryIO) -> mmap.mmap | bytes:
    if MAPPED:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file system that cannot map files
            pass
    handle.seek(0)
    return handle.read()


def _entries(index: Mapping[str, Any], view: memoryview) -> dict[str, Entry]:
    """The entries of one cache file, given its index and what follows it. Raises on a file that does not add
    up."""
    names: list[str] = index["names"]
    count = len(names)
    if len(index["signatures"]) != count or len(index["digests"]) != count:
        raise ValueError("an inconsistent cache file")
    big: dict[str, array[int]] = {}
    end = 0
    for name, (per, _, _) in BIG.items():
        bounds = array("Q", index["big"][name])
        if len(bounds) != per * count + 1 or bounds[0] != end:
            raise ValueError(f"the values of {name} do not add up")
        big[name], end = bounds, bounds[-1]
    if end != len(view) or set(index["small"]) != set(SMALL):
        raise ValueError("a truncated or inconsistent cache file")
    file = _File(view, big)
    file.articles = records(Article, count, {**index["small"], "_stored": [file] * count})
    entries: dict[str, Entry] = dict(
        zip(names, zip(index["signatures"], index["digests"], file.articles, strict=True), strict=True)
    )
    entries.update(index["failed"])
    return entries


def _encode(key: str, entries: Mapping[str, Entry]) -> bytes:
    """One cache file: the index, pickled, then the big fields."""
    names, signatures, digests, articles = [], [], [], []
    failed: dict[str, Entry] = {}
    for name, entry in entries.items():
        if isinstance(entry[2], Article):
            names.append(name)
            signatures.append(entry[0])
            digests.append(entry[1])
            articles.append(entry[2])
        else:
            failed[name] = entry
    pieces: list[Piece] = []
    big: dict[str, bytes] = {}
    for name, (_, make, _) in BIG.items():
        mine = [piece for article in articles for piece in make(article)]
        big[name] = array("Q", accumulate(map(len, mine), initial=sum(map(len, pieces)))).tobytes()
        pieces += mine
    index = {
        "key": key,
        "names": names,
        "signatures": signatures,
        "digests": digests,
        "small": {name: list(map(operator.attrgetter(name), articles)) for name in SMALL},
        "failed": failed,
        "big": big,
    }
    return b"".join([pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL), *pieces])


class LoadCache:
    def __init__(self, folder: Path | None, key: str) -> None:
        self.folder = folder
        self.key = key
        self.entries: dict[str, Entry] = {}
        self.shard_of: dict[str, int] = {}  # each entry's file
        self.changed: set[int] = set()  # the shards to write
        if folder is None:
            return
        enabled = gc.isenabled()
        gc.disable()  # reading makes many objects and no garbage (see load_pickle)
        try:
            for shard in range(SHARDS):
                entries = self._read(folder / shard_name(shard), key)
                self.entries.update(entries)
                self.shard_of.update(dict.fromkeys(entries, shard))
        finally:
            if enabled:
                gc.enable()

    @staticmethod
    def _read(path: Path, key: str) -> dict[str, Entry]:
        try:
            with path.open("rb") as handle:
                index: Any = pickle.load(handle)
                if not isinstance(index, dict) or index.get("key") != key:
                    return {}
                start = handle.tell()
                contents = _contents(handle)
            return _entries(index, memoryview(contents)[start:])
        except Exception:  # missing, truncated or corrupt: start afresh
            return {}

    def get(self, name: str, signature: Signature | None, digest: str | None = None) -> Result | None:
        """The cached result for `name` if its signature (or, when given, its digest) still matches."""
        entry = self.entries.get(name)
        if entry is None:
            return None
        if digest is not None:
            return entry[2] if entry[1] == digest else None
        return entry[2] if signature is not None and entry[0] == signature else None

    def unchanged(self, signatures: Mapping[str, Signature | None]) -> dict[str, Entry]:
        """The entry of each file whose signature is known and unchanged."""
        entries = self.entries
        return {
            name: entry
            for name, signature in signatures.items()
            if (entry := entries.get(name)) is not None and entry[0] == signature and signature is not None
        }

    def digest(self, name: str) -> str | None:
        entry = self.entries.get(name)
        return entry[1] if entry else None

    def put(self, name: str, signature: Signature | None, digest: str, result: Result) -> None:
        old = self.entries.get(name)
        if old is None or old[0] != signature or old[1] != digest:
            self.entries[name] = (signature, digest, result)
            shard = self.shard_of.get(name)
            if shard is None:
                shard = self.shard_of[name] = _shard(name)
            self.changed.add(shard)

    def keep_only(self, names: Container[str]) -> None:
        """Forget files that are gone."""
        stale = [n for n in self.entries if n not in names]
        for name in stale:
            del self.entries[name]
            self.changed.add(self.shard_of.pop(name))

    def dump(self) -> Iterator[tuple[str, bytes]]:
        """The new content of each cache file that changed, with its file name, a file at a time: made at once,
        the whole cache would take as much memory again as the articles it holds."""
        if self.folder is None:
            return
        members: dict[int, dict[str, Entry]] = {shard: {} for shard in self.changed}
        for name, shard in self.shard_of.items():
            if shard in members:
                members[shard][name] = self.entries[name]
        for shard, entries in sorted(members.items()):
            yield shard_name(shard), _encode(self.key, entries)


class Shelf:
    """Texts by article version (the source path and file hash, as enrich names them), kept in SHARDS files by
    a hash of that id and read a file at a time as they are asked for. For what a build needs of the articles
    that changed only (the words of those gone), so that the bulk is neither read nor written again.

    What an id names never changes, so a text is never wrong, only missing: a missing text means the memory
    that asked for it cannot be used. Pickled with a memory, a shelf is empty; its texts live in its own files.
    """

    def __init__(self, folder: Path | None = None, key: str = "", stem: str = "words") -> None:
        self.folder, self.key, self.stem = folder, key, stem
        self.shards: dict[int, dict[str, str]] = {}  # those read or started afresh
        self.changed: set[int] = set()

    def __reduce__(self) -> tuple[type[Shelf], tuple[()]]:
        return Shelf, ()

    def name(self, shard: int) -> str:
        return f"{self.stem}-{shard:02d}.pickle"

    def _texts(self, shard: int) -> dict[str, str]:
        texts = self.shards.get(shard)
        if texts is None:
            texts = self.shards[shard] = self._read(shard)
        return texts

    def _read(self, shard: int) -> dict[str, str]:
        if self.folder is None:
            return {}
        return read_keyed(self.folder / self.name(shard), self.key, dict) or {}  # missing or spoilt: empty

    def get(self, name: str) -> str | None:
        text = self._texts(_shard(name)).get(name)
        return text if isinstance(text, str) else None

    def put(self, name: str, text: str) -> None:
        shard = _shard(name)
        self._texts(shard)[name] = text
        self.changed.add(shard)

    def clear(self) -> None:
        """Forget every text, as if the files were empty (before putting every article's)."""
        self.shards = {shard: {} for shard in range(SHARDS)}
        self.changed = set(self.shards)

    def dump(self, alive: Container[str]) -> Iterator[tuple[str, bytes]]:
        """The new content of each file that changed, with its name, keeping the texts of `alive` ids only. A file
        left with none is not written: what an old one holds is never wrong, and a small archive makes few files."""
        if self.folder is None:
            return
        for shard in sorted(self.changed):
            if texts := {name: text for name, text in self.shards[shard].items() if name in alive}:
                yield self.name(shard), pickle.dumps((self.key, texts), protocol=pickle.HIGHEST_PROTOCOL)
