"""Enrich: give each published article its place in the site.

Takes the deduplicated stories and the config; returns a `Site` whose
entries know their output path, permalink, stable id, copies, topics and
related articles, sorted newest first (undated last, ties broken by
permalink). Slug collisions are resolved here, by source path, so the result
does not depend on the order files were found or loaded in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from . import topics as topic_finder
from . import urls
from .config import Config
from .dedupe import Filed
from .model import Article


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    slug: str
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    article: Article
    rel: str
    path: str
    url: str
    uid: str
    digest: str = ""  # the source file's hash (load.Loaded.digest)
    copies: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    related: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Site:
    config: Config
    entries: tuple[Entry, ...]
    topics: tuple[Topic, ...] = ()
    topic_by_slug: dict[str, Topic] = field(default_factory=dict)
    # What finding related articles worked out, for the next build to start from (topics.Memory).
    memory: topic_finder.Memory = field(default_factory=topic_finder.Memory, compare=False, repr=False)

    def neighbours(self, index: int) -> tuple[Entry | None, Entry | None]:
        """The next-newer and next-older entries, in the site's order."""
        newer = self.entries[index - 1] if index > 0 else None
        older = self.entries[index + 1] if index + 1 < len(self.entries) else None
        return newer, older


def _place(stories: Sequence[Filed], config: Config) -> list[Entry]:
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
                digest=story.loaded.digest,
                copies=tuple(c.source.rel for c in story.copies),
            )
        )
    entries.sort(key=lambda e: e.url)
    entries.sort(key=lambda e: e.article.date or dt.date.min, reverse=True)
    return entries


def _topics(names_per_entry: Sequence[tuple[str, ...]]) -> tuple[tuple[Topic, ...], list[tuple[str, ...]]]:
    """Group entries by topic slug; a topic is named by the first spelling met in site order."""
    members: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    slugs_per_entry: list[tuple[str, ...]] = []
    for i, entry_names in enumerate(names_per_entry):
        slugs: list[str] = []
        for name in entry_names:
            slug = urls.slugify(name)
            names.setdefault(slug, name)
            if slug not in slugs:
                slugs.append(slug)
                members.setdefault(slug, []).append(i)
        slugs_per_entry.append(tuple(slugs))
    topics = tuple(
        sorted((Topic(names[s], s, tuple(m)) for s, m in members.items()), key=lambda t: (t.name.casefold(), t.slug))
    )
    return topics, slugs_per_entry


def enrich(stories: Sequence[Filed], config: Config, memory: topic_finder.Memory | None = None) -> Site:
    """The site's entries in order, with their topics and related articles. `memory` is the `Site.memory` of
    the last build, if there was one: the related articles of what has not changed are not worked out again."""
    entries = _place(stories, config)
    articles = [e.article for e in entries]
    names = topic_finder.derive_topics(articles)
    topics, slugs = _topics(names)
    ids = [f"{e.rel}\0{e.digest}" for e in entries]
    related, learned = topic_finder.related(articles, names, ids, memory)
    entries = [replace(e, topics=slugs[i], related=related[i]) for i, e in enumerate(entries)]
    return Site(config, tuple(entries), topics, {t.slug: t for t in topics}, learned)
