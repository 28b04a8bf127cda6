"""The build, as a list of steps: discover, load, dedupe, enrich, render, write.

Everything is gathered first, then rendered and written, so nothing reaches
the output folder unless the whole site could be made. When nothing the site
is made from has changed since the last build (the article files, the
config, the templates, newsarchive itself), the build says so and stops.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import pickle
import shutil
import stat
import struct
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from itertools import starmap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, urls
from .cache import SHARDS, LoadCache, Shelf, loader_key, read_keyed, shard_name
from .config import Config
from .discover import Signature, Source, discover, signature_of
from .errors import ContentError, UsageError
from .model import Notice, plain_pickle

if TYPE_CHECKING:
    from . import dedupe, render, write
    from .enrich import Memory
    from .load import Loaded

STAMP = "build.json"
SEARCH_STAMP = "search.json"
MEMO = "pages.pickle"  # what was written (write.Memo) and what its pages showed (render.Memory), together
RELATED = "related.pickle"
COPIES = "copies.pickle"
COMPILED = "compiled-templates"  # a folder of the templates' compiled code
SERVED = "serve"  # the folder `serve` builds in, inside the cache folder


@dataclass(frozen=True, slots=True)
class Report:
    articles: int
    pages: int
    files: int
    dropped: dict[str, int]
    copies: tuple[tuple[str, tuple[str, ...]], ...]
    drafts: int
    warnings: tuple[Notice, ...]
    skipped: tuple[Notice, ...] = field(default=())
    seconds: float = 0.0
    written: int = 0
    kept: int = 0
    up_to_date: bool = False


def check_output(config: Config) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a built site."""
    output, content = config.output.resolve(), config.content.resolve()
    home = Path.home().resolve()
    reason = None
    if config.output.is_symlink():
        reason = f"it is a symbolic link (to {output}); give that folder itself"
    elif output == content or content.is_relative_to(output):
        reason = "it is, or contains, the content folder"
    elif output in (Path(output.anchor), home):
        reason = "it is the file system root or your home folder"
    elif (output / ".git").exists() or (output / "pyproject.toml").exists():
        reason = "it is the root of a repository or project"
    elif (output / "newsarchive.yaml").exists():
        reason = "it holds a newsarchive.yaml, so it is a project folder"
    if reason:
        raise UsageError(f"{config.output}: refusing to build into this folder: {reason}; choose another --output")


def build(
    config: Config,
    keep_going: bool = False,
    use_cache: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Build the site. `progress(stage, done, total)`, when given, hears how each long stage goes.

    One build of an output folder at a time (see `write.exclusive`).
    """
    check_output(config)
    from .write import exclusive

    with exclusive(config.output, config.cache), contextlib.ExitStack() as cleanup:
        try:
            return _build(config, keep_going, use_cache, progress, cleanup)
        finally:
            gc.unfreeze()  # what _build froze can be collected again (serve builds again and again in one process)


def _build(
    config: Config,
    keep_going: bool,
    use_cache: bool,
    progress: Callable[[str, int, int], None] | None,
    cleanup: contextlib.ExitStack,
) -> Report:
    started = time.perf_counter()
    sources, problems = discover(config.content, config.ignore)
    cache_folder = config.cache if use_cache else None
    salt = _salt(config)
    signatures = {source.display: signature_of(source) for source in sources}
    stamp = _stamp(salt, sources, signatures, keep_going) if cache_folder else None
    if cache_folder and stamp and (previous := _up_to_date(cache_folder, config.output, stamp)):
        return replace(previous, seconds=time.perf_counter() - started)

    from . import load, write
    from .parallel import beside, default_jobs
    from .parse import Rules

    # What the last build wrote, and the site it replaced, kept to start this one's from: surveyed from now on.
    memo, shown = _read_memo(cache_folder / MEMO, salt) if cache_folder else (None, None)
    spare = write.Spare(config.output, memo) if memo is not None and memo.spare else None
    if spare is not None:
        cleanup.callback(spare.close)
    touched = write.touched_files(config.output, memo) if memo is not None else None

    rules = Rules.make(config.boilerplate, config.near_duplicate_threshold)
    jobs = config.jobs or default_jobs()
    cache = LoadCache(cache_folder, loader_key(_loader_settings(config)))
    gc.freeze()  # the records read live to the end of the build too (see below), and are many
    loaded, failed = load.load_all(
        sources, rules, config.max_file_bytes, jobs=jobs, cache=cache, progress=progress, signatures=signatures
    )
    problems += failed
    # The loaded articles live to the end of the build: frozen, the garbage collector stops walking them
    # again at every full collection (a second of a cold build of 10,000 articles). So does the site, below.
    gc.freeze()
    if problems and (not keep_going or not sources):
        _save_cache(cache)
        raise ContentError(problems)

    from . import dedupe, render
    from .enrich import Memory, enrich

    published = [item for item in loaded if not item.article.draft]
    tell = progress or _no_progress
    tell("enrich", 0, 1)
    # Finding copies and related articles makes many objects and no cycles, and what it keeps is frozen below:
    # paused, the garbage collector does not walk the memories it reads, again and again, while it works.
    gc.disable()
    try:
        stories, copies_memory = dedupe.across_with_memory(
            published, read_keyed(cache_folder / COPIES, salt, dedupe.Memory) if cache_folder else None
        )
        related = None
        if cache_folder:
            related = (read_keyed(cache_folder / RELATED, salt, Memory) or Memory()).kept_in(cache_folder, salt)
        site = enrich(stories, config, related, jobs)
    finally:
        gc.enable()
    tell("enrich", 1, 1)
    gc.freeze()
    indexer = _indexer(config, cache_folder, tell) if config.search else None
    by_hand = touched() if touched else None  # surveyed while the build loaded and enriched: done by now
    if by_hand and len(by_hand) > render.ARTICLES_PER_TASK:
        shown = None  # the site is not the one the last build left: every page is keyed, and made in parallel
    plan = render.Plan(site, salt, shown, keys=cache_folder is not None)

    save = functools.partial(_save_learned, cache, salt, site.memory, copies_memory)
    # Before the site is swapped in, so that a full disk stops the build with the old site in place. What
    # finding copies and related articles learned holds for the next build whether or not this one publishes.
    # When few pages are to be made (and so no render workers share the cores), saved by a process beside.
    saved = beside(save) if plan.few else None
    if saved is None:
        save()
    # From here on the build needs the site and the report's counts only. The render workers are forked from
    # this process, so what it still held would be held in the whole tree while they run.
    dropped, drafts = _dropped(loaded), sum(1 for item in loaded if item.article.draft)
    warnings = tuple(w for item in loaded for w in item.article.warnings)
    site = replace(site, memory=Memory())
    del loaded, published, stories, copies_memory, cache, sources, signatures, related
    written = write.write_site(
        config.output,
        lambda put, keep: render.render_site(
            site, put, keep, jobs, salt, progress, cache_folder / COMPILED if cache_folder else None, plan
        ),
        indexer,
        memo,
        keep_spare=cache_folder is not None,
        spare=spare,
        touched=by_hand,
        ready=saved,
    )
    if cache_folder:
        _save_pickle(cache_folder / MEMO, salt, (written.memo, plan.memory), shared=False)
    if cache_folder and config.search:
        stamp_data = {"pages": [written.pages_digest, config.language]}
        write.replace_file(cache_folder / SEARCH_STAMP, json.dumps(stamp_data).encode())
    report = Report(
        articles=len(site.entries),
        pages=sum(1 for p in written.paths if p.endswith(".html")),
        files=len(written.paths),
        dropped=dropped,
        copies=tuple((e.rel, e.copies) for e in site.entries if e.copies),
        drafts=drafts,
        warnings=warnings,
        skipped=tuple(problems),
        seconds=time.perf_counter() - started,
        written=written.written,
        kept=written.kept,
    )
    if cache_folder and stamp:
        _save_stamp(cache_folder, config.output, stamp, report)
    return report


def _loader_settings(config: Config) -> tuple[object, ...]:
    return config.boilerplate, config.near_duplicate_threshold, config.max_file_bytes


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _indexer(
    config: Config, cache_folder: Path | None, progress: Callable[[str, int, int], None]
) -> Callable[[Path, str], str]:
    """The search step: index the staged site, or reuse the current index when no page changed."""
    from . import search, write

    def index(staging: Path, pages_digest: str) -> str:
        current = config.output / urls.SEARCH_BUNDLE
        same_pages = [pages_digest, config.language]
        if (
            cache_folder
            and _read_json(cache_folder / SEARCH_STAMP).get("pages") == same_pages
            and (current / "pagefind-entry.json").is_file()
        ):
            write.link_tree(current, staging / urls.SEARCH_BUNDLE)
            return urls.SEARCH_BUNDLE
        progress("search", 0, 1)
        search.index_site(staging, config.language)
        progress("search", 1, 1)
        return urls.SEARCH_BUNDLE

    def index_and_forget(staging: Path, pages_digest: str) -> str:
        added = index(staging, pages_digest)
        # The stamp describes the live index, which is about to be replaced: a build killed before it
        # writes the new stamp must not leave the old one vouching for the new index.
        if cache_folder:
            (cache_folder / SEARCH_STAMP).unlink(missing_ok=True)
        return added

    return index_and_forget


def _read_memo(path: Path, salt: str) -> tuple[write.Memo | None, render.Memory | None]:
    from . import render, write

    saved = read_keyed(path, salt, tuple)
    if saved and len(saved) == 2 and isinstance(saved[0], write.Memo) and isinstance(saved[1], render.Memory):
        return saved[0], saved[1]
    return None, None


def _save_pickle(path: Path, salt: str, value: object, shared: bool = True) -> None:
    """`shared=False` for a value with no object in it twice that matters (nor any cycle): it is pickled without
    noting every object it holds, several times quicker, and an object it holds twice is loaded as two."""
    from .write import replace_file

    pair = (salt, value)
    replace_file(path, pickle.dumps(pair, protocol=pickle.HIGHEST_PROTOCOL) if shared else plain_pickle(pair))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _dropped(loaded: list[Loaded]) -> dict[str, int]:
    dropped: Counter[str] = Counter()
    for item in loaded:
        for reason, n in item.article.drops:
            dropped[reason] += n
    return dict(dropped)


def _save_learned(cache: LoadCache, salt: str, related: Memory, copies: dedupe.Memory) -> None:
    """The loaded records (`cache`), and what finding related articles and copies learned, in the cache folder."""
    from .write import replace_file

    _save_cache(cache)
    if cache.folder is not None:
        for name, data in related.found.words.dump(set(related.found.ids)):
            replace_file(cache.folder / name, data)
        _save_pickle(cache.folder / RELATED, salt, related, shared=False)
        _save_pickle(cache.folder / COPIES, salt, copies, shared=False)


def _save_cache(cache: LoadCache) -> None:
    from .write import replace_file

    for name, data in cache.dump():
        assert cache.folder is not None
        replace_file(cache.folder / name, data)


# -- knowing when there is nothing to do -----------------------------------------------------------


def _files_signature(folder: Path) -> list[tuple[str, int, int]]:
    """Every file under `folder` (links to folders not followed, __pycache__ left out): its path, size, time."""
    found = []
    for top, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__"]
        rel = os.path.relpath(top, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in files:
            try:
                meta = os.stat(os.path.join(top, name))
            except OSError:  # a broken link, or gone since the folder was listed
                continue
            if stat.S_ISREG(meta.st_mode) and name != "__pycache__":
                found.append((prefix + name, meta.st_size, meta.st_mtime_ns))
    return sorted(found)


def _salt(config: Config) -> str:
    """A digest of what the site is made from besides its articles, read from file metadata only:
    the config, the templates and newsarchive's own code (the loader's included), so that changed code
    never leaves an old site "up to date" nor an old page kept."""
    from .theme import default_theme

    h = hashlib.blake2b(digest_size=20)
    h.update(repr((__version__, replace(config, jobs=0))).encode())
    for folder in (config.templates, default_theme(), Path(__file__).parent):
        h.update(repr(_files_signature(folder)).encode())
    return h.hexdigest()


# A file's signature packed as bytes; a file that cannot be read is given a size no file has.
_PACKED_SIGNATURE = struct.Struct("4q").pack
_NO_SIGNATURE = (-1, 0, 0, 0)


def _stamp(salt: str, sources: list[Source], signatures: dict[str, Signature | None], keep_going: bool) -> str:
    """A digest of everything the site is made from, read from file metadata only.

    Made before every build, so from a few long strings rather than one short one per file: no file name
    holds a NUL, and the signatures are packed as numbers rather than written out as text."""
    h = hashlib.blake2b(digest_size=20)
    sidecars = [(n, str(source.sidecar)) for n, source in enumerate(sources) if source.sidecar is not None]
    h.update(repr((salt, keep_going, len(sources), sidecars)).encode())
    h.update("\0".join([source.display for source in sources]).encode("utf-8", "surrogatepass"))
    rows = [signatures[source.display] or _NO_SIGNATURE for source in sources]
    try:
        h.update(b"".join(starmap(_PACKED_SIGNATURE, rows)))
    except struct.error:  # a time after the year 2262
        h.update(b"\0" + repr(rows).encode())
    return h.hexdigest()


def _output_identity(output: Path) -> list[int] | None:
    try:
        stat = output.stat()
    except OSError:
        return None
    return [stat.st_ino, stat.st_mtime_ns]


def _up_to_date(cache_folder: Path, output: Path, stamp: str) -> Report | None:
    try:
        saved = json.loads((cache_folder / STAMP).read_text(encoding="utf-8"))
        if saved["stamp"] != stamp or saved["output"] != _output_identity(output):
            return None
        data = saved["report"]
        notices = {k: tuple(Notice(**n) for n in data[k]) for k in ("warnings", "skipped")}
        copies = tuple((rel, tuple(c)) for rel, c in data["copies"])
        return Report(**{**data, **notices, "copies": copies, "written": 0, "up_to_date": True})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_stamp(cache_folder: Path, output: Path, stamp: str, report: Report) -> None:
    from .write import replace_file

    record = {"stamp": stamp, "output": _output_identity(output), "report": asdict(report)}
    replace_file(cache_folder / STAMP, json.dumps(record).encode("utf-8"))


def clean(config: Config) -> list[Path]:
    """Remove the build cache and the built site (with the same care as a build). Returns what was removed.

    The output and staging folders are newsarchive's to replace, so they go whole (a link inside them is
    removed, never followed). The cache folder may be any folder the config names, so only the files the
    build writes there are removed, and the folder itself only when that leaves it empty.
    """
    check_output(config)
    from .write import exclusive, lock_file, spare_folders, staging_folder

    removed: list[Path] = []
    traces = (config.cache, config.output, staging_folder(config.output), lock_file(config.output))
    if not any(p is not None and p.exists() for p in traces):
        return removed  # never built here: no lock file to make
    with exclusive(config.output, config.cache):  # waits for a running build, and clears what a killed one left
        for path in (config.output, staging_folder(config.output), *spare_folders(config.output)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
                removed.append(path)
        if config.cache is not None and config.cache.is_dir() and not config.cache.is_symlink():
            served = config.cache / SERVED
            if served.is_dir() and not served.is_symlink():
                from .serve import served_config

                copy = served_config(config, "127.0.0.1", 0)
                clean(copy)
                lock_file(copy.output).unlink(missing_ok=True)  # inside the cache, which goes too
                with contextlib.suppress(OSError):
                    served.rmdir()
            for name in (
                *map(shard_name, range(SHARDS)),
                "articles.pickle",
                MEMO,
                RELATED,
                COPIES,
                *map(Shelf().name, range(SHARDS)),
                STAMP,
                SEARCH_STAMP,
            ):
                (config.cache / name).unlink(missing_ok=True)
            for partial in config.cache.glob(".*.partial"):  # left by a build that was killed mid-write
                partial.unlink()
            compiled = config.cache / COMPILED
            if compiled.is_dir() and not compiled.is_symlink():
                for code in compiled.glob("__jinja2_*"):
                    code.unlink()
                with contextlib.suppress(OSError):
                    compiled.rmdir()
            try:
                config.cache.rmdir()
            except OSError:
                pass  # something else lives there too, and stays
            else:
                removed.insert(0, config.cache)
    return removed
