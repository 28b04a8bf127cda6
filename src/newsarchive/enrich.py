"""Enrich: give each published article its place in the site.

Takes the deduplicated stories and the config; returns a `Site` whose
entries know their output path, permalink, stable id, copies, topics and
related articles, sorted newest first (undated last, ties broken by
permalink). Slug collisions are resolved here, by source path, so the result
does not depend on the order files were found or loaded in. Given what the
last build worked out (`Memory`), it works out again only what the changes
reach, and the result is the same as without.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field

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


Place = tuple[str, str, str]  # path, URL, id


@dataclass(frozen=True, slots=True)
class Memory:
    """What enrich worked out last time, for the next build to start from: each article's path before any
    slug collision is settled, its URL and its stable id, by content id (`f"{rel}\\0{digest}"`: they depend
    only on the file and the site's URL), and what finding topics and related articles learned (topics.Memory).
    """

    site_url: str = ""
    places: dict[str, Place] = field(default_factory=dict)
    found: topic_finder.Memory = field(default_factory=topic_finder.Memory)


@dataclass(frozen=True, slots=True)
class Site:
    config: Config
    entries: tuple[Entry, ...]
    topics: tuple[Topic, ...] = ()
    topic_by_slug: dict[str, Topic] = field(default_factory=dict)
    # What enrich worked out, for the next build to start from (Memory).
    memory: Memory = field(default_factory=Memory, compare=False, repr=False)

    def neighbours(self, index: int) -> tuple[Entry | None, Entry | None]:
        """The next-newer and next-older entries, in the site's order."""
        newer = self.entries[index - 1] if index > 0 else None
        older = self.entries[index + 1] if index + 1 < len(self.entries) else None
        return newer, older


# An article placed: its story, content id ("" when the file's hash is not known), path, URL, id and date (for
# sorting; undated as the earliest). A plain tuple: ten thousand are made on every build.
_Placed = tuple[Filed, str, str, str, str, dt.date]
_REL = operator.attrgetter("loaded.source.rel")


def _settle(article: Article, taken: set[str]) -> str:
    """The first path not taken among the article's slug, then slug-2, slug-3..."""
    base = urls.slugify(article.slug or article.headline)
    slug, n = base, 1
    while (path := urls.article_path(article.date, slug)) in taken:
        n += 1
        slug = f"{base}-{n}"
    return path


def _place(stories: Sequence[Filed], config: Config, memory: Memory) -> tuple[list[_Placed], dict[str, Place]]:
    """The stories in site order, each with its path; and the places to remember. In order of source path, so
    that a slug collision goes the same way whatever order the files came in."""
    taken: set[str] = set()
    placed: list[_Placed] = []
    places: dict[str, Place] = {}
    site_url = config.site_url
    known = memory.places if memory.site_url == site_url else {}
    for story in sorted(stories, key=_REL):
        loaded = story.loaded
        article = loaded.article
        rel = loaded.source.rel
        key = f"{rel}\0{loaded.digest}" if loaded.digest else ""
        place = known.get(key)  # never for ""
        if place is None:
            path = _settle(article, set())
            place = (path, urls.permalink(site_url, path), urls.article_id(rel, article.article_id))
        path, url, uid = place
        if path in taken:
            path = _settle(article, taken)
            url = urls.permalink(site_url, path)
        taken.add(path)
        if key:
            places[key] = place
        placed.append((story, key, path, url, uid, article.date or dt.date.min))
    placed.sort(key=operator.itemgetter(3))
    placed.sort(key=operator.itemgetter(5), reverse=True)
    return placed, places


def _topics(names_per_entry: Sequence[tuple[str, ...]]) -> tuple[tuple[Topic, ...], list[tuple[str, ...]]]:
    """Group entries by topic slug; a topic is named by the first spelling met in site order."""
    members: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    slugs_of: dict[tuple[str, ...], tuple[str, ...]] = {}  # many entries share their tags
    slug_of: dict[str, str] = {}
    slugs_per_entry: list[tuple[str, ...]] = []
    for i, entry_names in enumerate(names_per_entry):
        slugs = slugs_of.get(entry_names)
        if slugs is None:
            found: list[str] = []
            for name in entry_names:
                if (slug := slug_of.get(name)) is None:
                    slug = slug_of[name] = urls.slugify(name)
                names.setdefault(slug, name)
                if slug not in found:
                    found.append(slug)
            slugs = slugs_of[entry_names] = tuple(found)
        for slug in slugs:
            if slug in members:
                members[slug].append(i)
            else:
                members[slug] = [i]
        slugs_per_entry.append(slugs)
    topics = tuple(
        sorted((Topic(names[s], s, tuple(m)) for s, m in members.items()), key=lambda t: (t.name.casefold(), t.slug))
    )
    return topics, slugs_per_entry


def enrich(stories: Sequence[Filed], config: Config, memory: Memory | None = None) -> Site:
    """The site's entries in order, with their topics and related articles. `memory` is the `Site.memory` of
    the last build, if there was one: what has not changed is not worked out again."""
    memory = memory or Memory()
    placed, places = _place(stories, config, memory)
    articles = [p[0].loaded.article for p in placed]
    names, related, found = topic_finder.find(articles, [p[1] for p in placed], memory.found)
    topics, slugs = _topics(names)
    entries = tuple(
        Entry(
            story.loaded.article,
            story.loaded.source.rel,
            path,
            url,
            uid,
            story.loaded.digest,
            tuple([copy.source.rel for copy in story.copies]) if story.copies else (),
            slugs[i],
            related[i],
        )
        for i, (story, _, path, url, uid, _) in enumerate(placed)
    )
    return Site(config, entries, topics, {t.slug: t for t in topics}, Memory(config.site_url, places, found))
