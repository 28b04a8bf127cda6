"""Search: index the rendered site with Pagefind, in the staging folder, before it goes live.

Pagefind reads the finished article pages (the elements marked
`data-pagefind-body`) and writes its index and search UI into `pagefind/`.
It runs as the `pagefind` binary that the `pagefind[bin]` package installs,
started as a separate process: the binary writes every file before it exits,
which its service mode (the Python API) did not always do before being shut
down.

Pagefind writes its filter tables in hash-map order, which changes from run
to run. `_canonicalise` sorts them and renames the files after their content,
so the same site always gets the same search bundle, byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import urls
from .errors import SearchUnavailable
from .parallel import dying_with_this_process

_MAGIC = b"pagefind_dcd"
# Only article pages carry searchable text; the glob spares Pagefind reading the list pages.
ARTICLE_GLOB = "{[0-9][0-9][0-9][0-9]/*/*/*/index.html,undated/*/index.html}"


def index_site(folder: Path, language: str) -> int:
    """Write the search bundle into `folder`/pagefind; returns the number of pages indexed."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(folder),
        "--output-subdir",
        urls.SEARCH_BUNDLE,
        "--force-language",
        language,
        "--glob",
        ARTICLE_GLOB,
        "--silent",
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=dying_with_this_process(),
        )
    except OSError as exc:
        raise SearchUnavailable(f"cannot start the search indexer: {exc.strerror}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise SearchUnavailable(f"search indexing failed: {detail[0]}")
    return _canonicalise(folder / urls.SEARCH_BUNDLE)


# -- a small CBOR codec: the subset Pagefind's index files use ------------------------------------


def _cbor_load(data: bytes, pos: int = 0) -> tuple[Any, int]:
    head = data[pos]
    major, info = head >> 5, head & 31
    pos += 1
    if info < 24:
        arg = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major == 2:
        return data[pos : pos + arg], pos + arg
    if major == 3:
        return data[pos : pos + arg].decode("utf-8"), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _cbor_load(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping = {}
        for _ in range(arg):
            key, pos = _cbor_load(data, pos)
            mapping[key], pos = _cbor_load(data, pos)
        return mapping, pos
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], pos
    raise ValueError(f"unsupported CBOR item {head:#x}")


def _cbor_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if arg < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, arg)
    raise ValueError("integer too large")


def _cbor_dump(value: Any) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_dump(v) for v in value)
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(_cbor_dump(k) + _cbor_dump(v) for k, v in value.items())
    raise TypeError(type(value).__name__)


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MAGIC):
        raise SearchUnavailable(f"{path}: not a Pagefind index file")
    value, _ = _cbor_load(raw, len(_MAGIC))
    return value


def _write(folder: Path, name: str, digits: int, value: Any) -> tuple[str, Path]:
    """Write an index file named `name` with `{}` replaced by the first `digits` of its content hash."""
    raw = _MAGIC + _cbor_dump(value)
    digest = hashlib.sha256(raw).hexdigest()
    path = folder / name.format(digest[:digits])
    path.write_bytes(gzip.compress(raw, mtime=0))
    return digest, path


def _canonicalise(bundle: Path) -> int:
    """Sort Pagefind's filter tables and name filter and meta files after their content."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    pages = 0
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        # meta = [version, pages, index chunks, filters, sorts, meta fields]; filters are [name, file] pairs
        filters = meta[3] if len(meta) > 3 else []
        renamed = []
        for name, old_hash in filters:
            old = bundle / "filter" / f"{old_hash}.pf_filter"
            table = _read(old)
            table[1] = sorted(table[1], key=lambda row: row[0])
            digest, new = _write(bundle / "filter", f"{language}_{{}}.pf_filter", 7, table)
            if new != old:
                old.unlink()
            renamed.append([name, new.stem])
        if filters:
            meta[3] = sorted(renamed)
        for stale in (bundle / "filter").glob(f"{language}_*.pf_filter"):
            if stale.stem not in {h for _, h in renamed}:
                stale.unlink()
        digest, new_meta = _write(bundle, f"pagefind.{language}_{{}}.pf_meta", 10, meta)
        for stale in bundle.glob(f"pagefind.{language}_*.pf_meta"):
            if stale != new_meta:
                stale.unlink()
        info["hash"] = f"{language}_{digest[:10]}"
        pages += int(info.get("page_count", 0))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return pages
