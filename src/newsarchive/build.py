"""The build, as a list of steps: discover, load, dedupe, enrich, render, write.

Everything is gathered first, then rendered, then written, so nothing
reaches the output folder unless the whole site could be made.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import dedupe, load, render, search, write
from .config import Config
from .enrich import Site, enrich
from .errors import ContentError, UsageError
from .model import Notice
from .parse import Rules


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


def check_output(config: Config) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a built site."""
    output, content = config.output.resolve(), config.content.resolve()
    home = Path.home().resolve()
    reason = None
    if output == content or content.is_relative_to(output):
        reason = "it is, or contains, the content folder"
    elif output in (Path(output.anchor), home):
        reason = "it is the file system root or your home folder"
    elif (output / ".git").exists() or (output / "pyproject.toml").exists():
        reason = "it is the root of a repository or project"
    elif (output / "newsarchive.yaml").exists():
        reason = "it holds a newsarchive.yaml, so it is a project folder"
    if reason:
        raise UsageError(f"{config.output}: refusing to build into this folder: {reason}; choose another --output")


def build(config: Config, keep_going: bool = False) -> Report:
    started = time.perf_counter()
    check_output(config)
    sources, problems = load.discover(config.content, config.ignore)
    rules = Rules.make(config.boilerplate, config.near_duplicate_threshold)
    loaded, failed = load.load_all(sources, rules, config.max_file_bytes)
    problems += failed
    if problems and (not keep_going or not sources):
        raise ContentError(problems)
    published = [item for item in loaded if not item.article.draft]
    stories = dedupe.across(published)
    site = enrich(stories, config)
    files = render.render_site(site)
    finish = (lambda folder: search.index_site(folder, config.language)) if config.search else None
    write.write_site(config.output, files, finish)
    return _report(site, loaded, files, problems, time.perf_counter() - started)


def _report(
    site: Site, loaded: list[load.Loaded], files: dict[str, bytes], skipped: list[Notice], seconds: float
) -> Report:
    dropped: dict[str, int] = {}
    for item in loaded:
        for record in item.article.lines:
            if record.reason:
                dropped[record.reason] = dropped.get(record.reason, 0) + 1
    return Report(
        articles=len(site.entries),
        pages=sum(1 for p in files if p.endswith(".html")),
        files=len(files),
        dropped=dropped,
        copies=tuple((e.rel, e.copies) for e in site.entries if e.copies),
        drafts=sum(1 for item in loaded if item.article.draft),
        warnings=tuple(w for item in loaded for w in item.article.warnings),
        skipped=tuple(skipped),
        seconds=seconds,
    )
