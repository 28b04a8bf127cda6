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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from itertools import compress
from pathlib import Path
from typing import cast

from . import topics as topic_finder
from . import urls
from .cache import Shelf
from .config import Config
from .dedupe import Filed
from .model import Article, records


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
    slug collision is settled, its URL and its stable id (they depend only on the file and the site's URL), in
    the order of the articles' content ids (`f"{rel}\\0{digest}"`) in `found`, what finding topics and
    related articles learned (topics.Memory), and the topics grouped from them. Kept as a few long tuples,
    which are quick to save and load.
    """

    site_url: str = ""
    paths: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    uids: tuple[str, ...] = ()
    found: topic_finder.Memory = field(default_factory=topic_finder.Memory)
    # The site's topics, and each entry's (in site order), as grouped from the topics `found` gives each article.
    topics: tuple[Topic, ...] = ()
    slugs: tuple[tuple[str, ...], ...] = ()

    def __reduce__(self) -> tuple[Callable[..., Memory], tuple[object, ...]]:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "slugs"}
        return _unpickle_memory, (values, *topic_finder.pack_rows(self.slugs))

    def kept_in(self, folder: Path, key: str) -> Memory:
        """This memory, reading the words of the articles it knows from the shelf in `folder` (cache.Shelf)."""
        return replace(self, found=replace(self.found, words=Shelf(folder, key)))


def _unpickle_memory(values: dict[str, object], table: tuple[tuple[str, ...], ...], rows: bytes) -> Memory:
    return Memory(**values, slugs=topic_finder.unpack_rows(table, rows))  # type: ignore[arg-type]


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


# The topics are grouped again from the last build's when at most one entry in _REGROUP has other topics.
_REGROUP = 8

# An article placed: its story, content id ("" when the file's hash is not known), path, URL, id, date (for
# sorting; undated as the earliest) and its place before any slug collision is settled. A plain tuple: ten
# thousand are made on every build.
_Placed = tuple[Filed, str, str, str, str, dt.date, Place]
_REL = operator.attrgetter("loaded.source.rel")
_LOADED = operator.attrgetter("loaded")
_ARTICLE = operator.attrgetter("article")
_LOADED_REL = operator.attrgetter("source.rel")
_DIGEST = operator.attrgetter("digest")
_COPIES = operator.attrgetter("copies")
_DATE = operator.attrgetter("date")


def _settle(article: Article, taken: set[str]) -> str:
    """The first path not taken among the article's slug, then slug-2, slug-3..."""
    base = urls.slugify(article.slug or article.headline)
    slug, n = base, 1
    while (path := urls.article_path(article.date, slug)) in taken:
        n += 1
        slug = f"{base}-{n}"
    return path


def _place(stories: Sequence[Filed], config: Config, memory: Memory) -> list[_Placed]:
    """The stories in site order, each with its path. A slug collision goes to the story with the first
    source path, so that it goes the same way whatever order the files came in."""
    site_url = config.site_url
    ids = memory.found.ids
    known: dict[str, Place] = {}
    if memory.site_url == site_url and len(memory.paths) == len(memory.urls) == len(memory.uids) == len(ids):
        known = dict(zip(ids, zip(memory.paths, memory.urls, memory.uids, strict=True), strict=True))
    # Column by column, each made in one go (see `enrich`).
    loaded = list(map(_LOADED, stories))
    rels = list(map(_LOADED_REL, loaded))
    digests = list(map(_DIGEST, loaded))
    keys = list(map("{}\0{}".format, rels, digests))
    for i in compress(range(len(keys)), map(operator.not_, digests)):  # not known by a hash it does not have
        keys[i] = ""
    found: list[Place | None] = list(map(known.get, keys))  # never for ""
    articles = list(map(_ARTICLE, loaded))
    for i in compress(range(len(found)), map(operator.not_, found)):
        path = _settle(articles[i], set())
        found[i] = (path, urls.permalink(site_url, path), urls.article_id(rels[i], articles[i].article_id))
    places = cast(list[Place], found)
    dates: list[dt.date] = list(map(_DATE, articles))
    for i in compress(range(len(dates)), map(operator.not_, dates)):  # undated: as the earliest
        dates[i] = dt.date.min
    column = operator.itemgetter
    placed: list[_Placed] = list(
        zip(stories, keys, *(map(column(n), places) for n in range(3)), dates, places, strict=True)
    )
    if len(set(map(operator.itemgetter(2), placed))) < len(placed):
        _settle_collisions(placed, site_url)
    placed.sort(key=operator.itemgetter(3))
    placed.sort(key=operator.itemgetter(5), reverse=True)
    return placed


def _settle_collisions(placed: list[_Placed], site_url: str) -> None:
    """Give each story its path as if, in order of source path, each took its own unless an earlier one had
    taken it, and then the first free of slug-2, slug-3...

    Only the stories that share a path, and those whose path one of them would settle on, are taken in that
    order: the others keep their own path whatever the order, as nothing else takes it."""
    paths = list(map(operator.itemgetter(2), placed))
    count = Counter(paths)
    shared = {path for path, n in count.items() if n > 1}
    involved = set(compress(range(len(paths)), map(shared.__contains__, paths)))
    while True:
        taken: set[str] = set()
        settled: dict[int, str] = {}
        for n in sorted(involved, key=lambda n: _REL(placed[n][0])):
            path = placed[n][2]
            if path in taken:
                path = settled[n] = _settle(placed[n][0].loaded.article, taken)
            taken.add(path)
        # A story settled on another's own path: that one is in the queue too, and all goes again.
        reached = {paths.index(path) for path in settled.values() if count[path] == 1}
        reached -= involved
        if not reached:
            break
        involved |= reached
    for n, path in settled.items():
        story, key, _, _, uid, date, place = placed[n]
        placed[n] = (story, key, path, urls.permalink(site_url, path), uid, date, place)


def _topics(
    names_per_entry: Sequence[tuple[str, ...]], memory: Memory
) -> tuple[tuple[Topic, ...], list[tuple[str, ...]]]:
    """Group entries by topic slug; a topic is named by the first spelling met in site order. What `memory`
    grouped is kept where the entries' topics are those it grouped; the rest is grouped again."""
    before = memory.found.topics
    if len(before) == len(names_per_entry) == len(memory.slugs) and memory.topics:
        changed = list(compress(range(len(before)), map(operator.ne, names_per_entry, before)))
        if len(changed) * _REGROUP <= len(before):
            return _topics_again(names_per_entry, changed, memory.topics, memory.slugs)
    return _topics_afresh(names_per_entry)


def _slugs(names: tuple[str, ...], slug_of: dict[str, str]) -> tuple[str, ...]:
    """The slugs of an entry's topics, each once, in order."""
    found: list[str] = []
    for name in names:
        if (slug := slug_of.get(name)) is None:
            slug = slug_of[name] = urls.slugify(name)
        if slug not in found:
            found.append(slug)
    return tuple(found)


def _topics_again(
    names_per_entry: Sequence[tuple[str, ...]],
    changed: list[int],
    topics: tuple[Topic, ...],
    slugs_before: tuple[tuple[str, ...], ...],
) -> tuple[tuple[Topic, ...], list[tuple[str, ...]]]:
    """`_topics_afresh(names_per_entry)`, given what it gave for entries whose topics differ at `changed` only."""
    slugs = list(slugs_before)
    slug_of: dict[str, str] = {}
    reached: set[str] = set()
    for i in changed:
        reached.update(slugs[i])
        slugs[i] = _slugs(names_per_entry[i], slug_of)
        reached.update(slugs[i])
    if not reached:
        return topics, slugs
    at = set(changed)
    kept = [topic for topic in topics if topic.slug not in reached]
    members_before = {topic.slug: topic.members for topic in topics if topic.slug in reached}
    for slug in sorted(reached):
        members = [m for m in members_before.get(slug, ()) if m not in at]
        members += [i for i in changed if slug in slugs[i]]
        if members:
            members.sort()
            first = names_per_entry[members[0]]
            name = next(name for name in first if _slugs((name,), slug_of) == (slug,))
            kept.append(Topic(name, slug, tuple(members)))
    return tuple(sorted(kept, key=lambda t: (t.name.casefold(), t.slug))), slugs


def _topics_afresh(names_per_entry: Sequence[tuple[str, ...]]) -> tuple[tuple[Topic, ...], list[tuple[str, ...]]]:
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


def enrich(stories: Sequence[Filed], config: Config, memory: Memory | None = None, jobs: int = 1) -> Site:
    """The site's entries in order, with their topics and related articles. `memory` is the `Site.memory` of
    the last build, if there was one: what has not changed is not worked out again. With `jobs` above one, the
    costliest work may be shared with a second process."""
    memory = memory or Memory()
    placed = _place(stories, config, memory)
    # Column by column, each made in one go: ten thousand entries are made on every build.
    column = operator.itemgetter
    ordered = list(map(column(0), placed))
    loaded = list(map(_LOADED, ordered))
    articles = list(map(_ARTICLE, loaded))
    names, related, found = topic_finder.find(articles, list(map(column(1), placed)), memory.found, jobs)
    # Where the articles were placed, in the order of the ids `found` keeps (none when it keeps none).
    paths, links, uids = zip(*map(column(6), placed), strict=True) if found.ids else ((), (), ())
    topics, slugs = _topics(names, memory)
    copies: list[tuple[str, ...]] = list(map(_COPIES, ordered))
    for i in compress(range(len(copies)), copies):  # most stories have no copies
        copies[i] = tuple([copy.source.rel for copy in ordered[i].copies])
    columns = {
        "article": articles,
        "rel": list(map(_LOADED_REL, loaded)),
        "path": list(map(column(2), placed)),
        "url": list(map(column(3), placed)),
        "uid": list(map(column(4), placed)),
        "digest": list(map(_DIGEST, loaded)),
        "copies": copies,
        "topics": slugs,
        "related": related,
    }
    entries = tuple(records(Entry, len(placed), columns))
    kept = Memory(config.site_url, paths, links, uids, found, topics, tuple(slugs)) if found.ids else Memory()
    return Site(config, entries, topics, {t.slug: t for t in topics}, kept)
