"""Enrich: give each published article its place in the site.

Takes the deduplicated stories and the config; returns a `Site` whose
entries know their output path, permalink, stable id, copies and neighbours,
sorted newest first (undated last, ties broken by permalink). Slug
collisions are resolved here, by source path, so the result does not depend
on the order files were found or loaded in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from . import urls
from .config import Config
from .dedupe import Filed
from .model import Article


@dataclass(frozen=True, slots=True)
class Entry:
    article: Article
    rel: str
    path: str
    url: str
    uid: str
    copies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Site:
    config: Config
    entries: tuple[Entry, ...]

    def neighbours(self, index: int) -> tuple[Entry | None, Entry | None]:
        """The next-newer and next-older entries, in the site's order."""
        newer = self.entries[index - 1] if index > 0 else None
        older = self.entries[index + 1] if index + 1 < len(self.entries) else None
        return newer, older


def enrich(stories: Sequence[Filed], config: Config) -> Site:
    taken: set[str] = set()
    entries: list[Entry] = []
    for story in sorted(stories, key=lambda s: s.loaded.source.rel):
        article = story.loaded.article
        base = urls.slugify(article.slug or article.headline)
        slug, n = base, 1
        while (path := urls.article_path(article.date, slug)) in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(path)
        rel = story.loaded.source.rel
        entries.append(
            Entry(
                article=article,
                rel=rel,
                path=path,
                url=urls.permalink(config.site_url, path),
                uid=urls.article_id(rel, article.article_id),
                copies=tuple(c.source.rel for c in story.copies),
            )
        )
    entries.sort(key=lambda e: e.url)
    entries.sort(key=lambda e: e.article.date or dt.date.min, reverse=True)
    return Site(config, tuple(entries))
