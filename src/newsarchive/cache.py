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
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Container, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from . import __version__
from .discover import Signature
from .model import Article, Notice

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


class LoadCache:
    def __init__(self, folder: Path | None, key: str) -> None:
        self.folder = folder
        self.key = key
        self.entries: dict[str, Entry] = {}
        self.changed: set[int] = set()  # the shards to write
        if folder is not None:
            for shard in range(SHARDS):
                self.entries.update(self._read(folder / shard_name(shard), key))

    @staticmethod
    def _read(path: Path, key: str) -> dict[str, Entry]:
        try:
            with path.open("rb") as handle:
                stored: Any = load_pickle(handle)
        except Exception:  # missing, truncated or corrupt: start afresh
            return {}
        if not isinstance(stored, dict) or stored.get("key") != key or not isinstance(stored.get("entries"), dict):
            return {}
        entries: dict[str, Entry] = stored["entries"]
        return entries

    def get(self, name: str, signature: Signature | None, digest: str | None = None) -> Result | None:
        """The cached result for `name` if its signature (or, when given, its digest) still matches."""
        entry = self.entries.get(name)
        if entry is None:
            return None
        if digest is not None:
            return entry[2] if entry[1] == digest else None
        return entry[2] if signature is not None and entry[0] == signature else None

    def digest(self, name: str) -> str | None:
        entry = self.entries.get(name)
        return entry[1] if entry else None

    def put(self, name: str, signature: Signature | None, digest: str, result: Result) -> None:
        old = self.entries.get(name)
        if old is None or old[0] != signature or old[1] != digest:
            self.entries[name] = (signature, digest, result)
            self.changed.add(_shard(name))

    def keep_only(self, names: Container[str]) -> None:
        """Forget files that are gone."""
        stale = [n for n in self.entries if n not in names]
        for name in stale:
            del self.entries[name]
            self.changed.add(_shard(name))

    def dump(self) -> Iterator[tuple[str, bytes]]:
        """The new content of each cache file that changed, with its file name, a file at a time: pickled at
        once, the whole cache would take as much memory again as the articles it holds."""
        if self.folder is None:
            return
        shards: dict[int, dict[str, Entry]] = {shard: {} for shard in self.changed}
        for name, entry in self.entries.items():
            if (shard := _shard(name)) in shards:
                shards[shard][name] = entry
        for shard, entries in sorted(shards.items()):
            yield (
                shard_name(shard),
                pickle.dumps({"key": self.key, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL),
            )


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
        try:
            with (self.folder / self.name(shard)).open("rb") as handle:
                stored: Any = load_pickle(handle)
        except Exception:  # missing, truncated or corrupt: as good as empty
            return {}
        if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.key):
            return {}
        texts = stored[1]
        return texts if isinstance(texts, dict) else {}

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
