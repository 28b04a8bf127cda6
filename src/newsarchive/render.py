"""Render: a `Site` in, a mapping of output path to bytes out. Writes nothing.

One Jinja2 environment, autoescaping and strict about undefined names,
loads the site's own `templates/` first and the default theme second, so a
site overrides any template by name. Each template gets a context built by
one function here, with every link already computed: templates never build
paths. Plain-text content is escaped by the templates; only Markdown bodies
(already made safe by markdown-it) arrive as markup.
"""

from __future__ import annotations

import calendar
import contextlib
import copy
import datetime as dt
import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, replace
from html import escape as escape_text
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

try:
    from markupsafe._speedups import _escape_inner as _escape_text
except ImportError:  # markupsafe without its C speedups, or one that names it otherwise: its own escape
    _escape_text = escape

from . import cite, parallel, urls
from .enrich import Entry, Site
from .feeds import FeedInfo, Item, feed_files
from .model import fast_pickle, plain_pickle
from .theme import default_theme
from .write import AS_BEFORE, Keep, Kept, Placed, Put

MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SUMMARY_WORDS = 45
SITEMAP_LIMIT = 50_000
# How many articles, as listed from one place, a renderer keeps made (see Renderer.summaries).
LISTED_KEPT = 4096
# The templates the renderer uses, and those they extend or import.
TEMPLATES = (
    "base.html",
    "chrome.html",
    "macros.html",
    "body.html",
    "article.html",
    "list.html",
    "archive.html",
    "year.html",
    "pager.html",
    "topics.html",
    "search.html",
    "404.html",
)
K = TypeVar("K")
NO_MARKUP = Markup()
# One output file: its path, the key of everything it is made from (None for the few pages that are
# always made, UNCHANGED for a page the plan knows is as it was), and how to make its bytes. A page whose key
# matches the last build's is not made again.
Out = tuple[str, bytes | None, Callable[[], bytes]]


def _escape_output(value: object) -> str:
    """What a template outputs, escaped: markupsafe's escape, without making each piece `Markup`.

    Jinja2 escapes every `{{ … }}` it outputs with markupsafe's escape, which wraps each piece in a new `Markup`;
    a page is some sixty pieces, each joined into the page at once, never added to anything (where `Markup`
    would matter), so that wrapping is all waste: half a second over 10,000 articles. The text itself
    is escaped by the same C function, so the bytes are markupsafe's, and anything but plain text or `Markup`
    (a number, an object with `__html__`, an undefined name) still goes through markupsafe's escape."""
    if type(value) is str:
        return _escape_text(value)
    if type(value) is Markup:
        return value
    return escape(value)


class _Template(jinja2.Template):
    """A template whose output is escaped by `_escape_output`. The compiled code looks `escape` up in its
    module's names when it outputs a value (and only then: the `e` filter is markupsafe's own), so it is
    rebound there, once per template loaded."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: Any,
        globals: Any,
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        names = template.root_render_func.__globals__
        if names.get("escape") is escape:
            names["escape"] = _escape_output
        return template


class _Environment(jinja2.Environment):
    """Jinja2's environment, with `_Template`s, and each template's globals a plain dict: a ChainMap over the
    environment's (Jinja2's way, so that the environment's could change after a template is loaded, which
    newsarchive never does) is read key by key, in Python, twice for every page and body made."""

    template_class = _Template

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def environment(site_templates: Path | None, compiled: Path | None = None) -> jinja2.Environment:
    """The templates: the site's own over the default theme. `compiled`, when given, is a folder that keeps
    each template's compiled code, checked against its source, so that a build does not compile them again."""
    folders = [str(p) for p in (site_templates, default_theme()) if p is not None and p.is_dir()]
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    return _Environment(
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build; skip the file-time checks
        cache_size=-1,  # a plain dict of the few templates, not an LRU cache that takes a lock for every page
    )


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    label: str
    count: int = 0


@dataclass(frozen=True, slots=True)
class FeedLink:
    href: str
    type: str
    title: str


@dataclass(frozen=True, slots=True, eq=False)
class Place:
    """Where a page is in the site, as what the parts of it common to every page there are made from
    (chrome.html): links back to the top, the feeds it offers, and the config. Each is made once
    (`Renderer.place`) and shared, so it is compared by identity: its chrome is looked up at once."""

    home: str
    archive: str
    topics: str
    search: str
    stylesheet: str
    rss: str
    feeds: tuple[FeedLink, ...]
    site_title: str
    language: str


@dataclass(frozen=True, slots=True)
class Page:
    """What every page template knows about the page it renders: its own fields, and its place's."""

    path: str
    title: str
    canonical: str
    description: str
    og_type: str
    place: Place
    json_ld: Markup | None = None
    search_page: bool = False

    @property
    def home(self) -> str:
        return self.place.home

    @property
    def archive(self) -> str:
        return self.place.archive

    @property
    def topics(self) -> str:
        return self.place.topics

    @property
    def search(self) -> str:
        return self.place.search

    @property
    def stylesheet(self) -> str:
        return self.place.stylesheet

    @property
    def rss(self) -> str:
        return self.place.rss

    @property
    def feeds(self) -> tuple[FeedLink, ...]:
        return self.place.feeds

    @property
    def site_title(self) -> str:
        return self.place.site_title

    @property
    def language(self) -> str:
        return self.place.language


@dataclass(frozen=True, slots=True)
class Chrome:
    """chrome.html's macros, made for one `Place`: markup every page template gets as `chrome`."""

    head: Markup
    masthead: Markup
    colophon: Markup


@dataclass(frozen=True, slots=True)
class Summary:
    """An article in a list. `html` is the item made by the `summary` macro (macros.html)."""

    headline: str
    href: str
    date_iso: str | None
    date_text: str | None
    summary: str
    html: Markup = NO_MARKUP


@dataclass(frozen=True, slots=True)
class Pager:
    newer: Link | None
    older: Link | None
    label: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    headline: str
    standfirst: str | None
    date_iso: str | None
    date_text: str | None
    reading_time: int
    byline: tuple[str, ...]
    dateline: str | None
    body: Markup
    topics: tuple[Link, ...]
    related: tuple[Summary, ...]
    copies: tuple[str, ...]
    source_name: str | None
    source_url: str | None
    newer: Link | None
    older: Link | None
    day: Link | None
    apa: str
    bibtex: str
    year: str | None


@dataclass(frozen=True, slots=True)
class Cell:
    day: int
    count: int
    href: str | None


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    width: float
    height: float
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    label: str


# Pages' keys pickle these (Renderer._key): as (class, fields), quicker than the dataclass way.
for _view in (Link, FeedLink, Place, Page, Summary, Pager, Cell):
    fast_pickle(_view)


def _feed_links(folder: str, title: str) -> tuple[FeedLink, ...]:
    """The RSS, Atom and JSON feeds in `folder` (a relative link ending in "/", or "")."""
    return (
        FeedLink(folder + urls.FEED, "application/rss+xml", f"{title} (RSS)"),
        FeedLink(folder + urls.ATOM, "application/atom+xml", f"{title} (Atom)"),
        FeedLink(folder + urls.JSON_FEED, "application/feed+json", f"{title} (JSON Feed)"),
    )


def date_text(date: dt.date | None) -> str | None:
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}" if date else None


def summary(article_entry: Entry) -> str:
    article = article_entry.article
    if article.standfirst:
        return article.standfirst
    words = (article.lede or article.body_text).split()
    return " ".join(words[:SUMMARY_WORDS]) + (" …" if len(words) > SUMMARY_WORDS else "")


def _dateline(entry: Entry) -> str | None:
    dateline = entry.article.dateline
    if dateline is None:
        return None
    text = dateline.place + (f", {dateline.date}" if dateline.date else "")
    return text + (f" ({dateline.agency})" if dateline.agency else "")


@dataclass(frozen=True, slots=True)
class Memory:
    """What the pages of a build showed, for the next build to tell which pages an edit reaches without keying
    every page: the site's shape (see `Plan`), and by position each entry's file digest, related articles
    and copies."""

    shape: bytes = b""
    digests: tuple[str, ...] = ()
    related: tuple[tuple[int, ...], ...] = ()
    copies: tuple[tuple[str, ...], ...] = ()


# The key of a page known to be made from the same inputs as at the last build, without working it out.
UNCHANGED = b""


class Plan:
    """What this build's pages can take from the last one's, decided once, before rendering.

    The shape is a key of everything that decides which pages there are and which articles each list
    shows: every entry's file, path, id, date and topics, in order, and the topics. When it is the last
    build's, the pages that show nothing of an article whose file changed are as they were (`UNCHANGED`),
    as are the pages made from the shape alone (archive, years, topics, search, sitemap)."""

    def __init__(self, site: Site, salt: str, memory: Memory | None, keys: bool = True) -> None:
        entries = site.entries
        self.keys = keys  # whether pages are keyed at all: not when no build will ever compare the keys
        # Dates as day numbers (0: none): pickled as dates, they took most of the time of this.
        shape = [(e.rel, e.path, e.uid, e.article.date.toordinal() if e.article.date else 0, e.topics) for e in entries]
        self.shape = _key(salt, "shape", shape, [(t.slug, t.name, len(t.members)) for t in site.topics])
        self.memory = Memory(
            self.shape,
            tuple(e.digest for e in entries),
            tuple(e.related for e in entries),
            tuple(e.copies for e in entries),
        )
        # Entries whose content may have changed, and the article pages to make again; None: key every page.
        self.changed: set[int] | None = None
        self.articles: set[int] | None = None
        if memory is None or memory.shape != self.shape or len(memory.digests) != len(entries):
            return
        changed = {
            i
            for i, (new, old) in enumerate(zip(self.memory.digests, memory.digests, strict=True))
            if not new or new != old
        }
        articles = {j for i in changed for j in (i - 1, i, i + 1) if 0 <= j < len(entries)}
        for j, entry in enumerate(entries):
            if (
                entry.related != memory.related[j]
                or entry.copies != memory.copies[j]
                or not changed.isdisjoint(entry.related)
            ):
                articles.add(j)
        self.changed, self.articles = changed, articles

    @property
    def few(self) -> bool:
        """Whether few pages are to be made: fewer article pages than a render worker's share."""
        return self.articles is not None and len(self.articles) < ARTICLES_PER_TASK

    def unchanged(self, indices: Iterable[int]) -> bool:
        """Whether a page that shows these entries (and the shape) is as it was at the last build."""
        return self.changed is not None and self.changed.isdisjoint(indices)

    def keyed(self) -> Plan:
        """This plan, but knowing of no page that it is unchanged: every page is keyed."""
        every = copy.copy(self)
        every.changed = every.articles = None
        return every


def _key(salt: str, *parts: object) -> bytes:
    """A page's key: its inputs, plus `salt` (newsarchive's code, the templates and the config).

    Pickled without noting objects met twice, so that equal inputs give equal bytes whether or not they share
    objects (a build that works out part of its site from the last build's shares fewer)."""
    return hashlib.blake2b(plain_pickle((salt, parts)), digest_size=16).digest()


class Renderer:
    def __init__(self, site: Site, salt: str = "", compiled: Path | None = None, plan: Plan | None = None) -> None:
        self.site = site
        self.config = site.config
        self.env = environment(site.config.templates, compiled)
        for name in TEMPLATES:
            # Loaded now, before render workers fork, so that they share the compiled code rather than each
            # compiling it. A template that cannot be loaded fails where it is used, as it did before.
            with contextlib.suppress(jinja2.TemplateError):
                self.env.get_template(name)
        self._bodies: dict[int, Markup] = {}
        n = self.config.feed_size
        self._in_feeds = frozenset(range(min(n, len(site.entries)))).union(*(t.members[:n] for t in site.topics))
        self._summaries: list[str | None] = [None] * len(site.entries)  # made when first shown
        self._places: dict[tuple[str, tuple[FeedLink, ...]], Place] = {}
        self._chromes: dict[Place, Chrome] = {}
        # Each article as listed from each place (the links back to the top differ): shown many times, made once.
        self._listed: dict[tuple[int, str], Summary] = {}
        self._salt = salt
        self.plan = plan or Plan(site, salt, None)
        self._again: dict[Callable[[], Iterable[Out]], dict[str, Callable[[], bytes]]] = {}

    def _key(self, *parts: object) -> bytes:
        """The key of a page made from `parts`: asked for only when pages are keyed (`Plan.keys`), since a build
        that keeps no cache compares no key, and gathering what a page shows is most of what a key costs."""
        return _key(self._salt, *parts)

    def _shown_key(self, indices: Sequence[int], parts: Callable[[], tuple[object, ...]]) -> bytes | None:
        """The key of a page showing the entries at `indices`: UNCHANGED when the plan knows they are as they
        were, none when pages are not keyed, else the key of `parts()` (gathered only then)."""
        if self.plan.unchanged(indices):
            return UNCHANGED
        return self._key(*parts()) if self.plan.keys else None

    def _id(self, index: int) -> tuple[str, str, str, str]:
        """What any page shows of an entry is decided by these and its source file's content."""
        entry = self.site.entries[index]
        return entry.rel, entry.path, entry.uid, entry.digest

    def _summary(self, index: int) -> str:
        made = self._summaries[index]
        if made is None:
            made = self._summaries[index] = summary(self.site.entries[index])
        return made

    # -- shared pieces -------------------------------------------------------------------------

    def body(self, index: int, blocks: Sequence[Any] | None = None) -> Markup:
        """The article body as HTML, shared by its page and every feed (`blocks`: its blocks, when already read).
        Only the bodies the feeds show are kept: a worker renders thousands of articles, and most of them once."""
        cached = self._bodies.get(index)
        if cached is None:
            if blocks is None:
                blocks = self.site.entries[index].article.blocks.rows()
            html = self.env.get_template("body.html").render(blocks=blocks)
            cached = Markup(html)
            if index in self._in_feeds:
                self._bodies[index] = cached
        return cached

    def place(self, path: str, feeds: tuple[FeedLink, ...] = ()) -> Place:
        """The place of the page at `path`, offering `feeds` before the site's."""
        up = urls.root(path)
        place = self._places.get((up, feeds))
        if place is None:
            config = self.config
            place = Place(
                home=up + urls.INDEX,
                archive=up + urls.ARCHIVE,
                topics=up + urls.TOPICS,
                search=up + urls.SEARCH,
                stylesheet=up + urls.STYLESHEET,
                rss=up + urls.FEED,
                feeds=feeds + _feed_links(up, config.title),
                site_title=config.title,
                language=config.language,
            )
            self._places[(up, feeds)] = place
        return place

    def page(
        self,
        path: str,
        title: str,
        *,
        description: str | None = None,
        og_type: str = "website",
        feeds: tuple[FeedLink, ...] = (),
        json_ld: Markup | None = None,
        search_page: bool = False,
    ) -> Page:
        config = self.config
        return Page(
            path=path,
            title=title,
            canonical=urls.permalink(config.site_url, path),
            description=description or config.description,
            og_type=og_type,
            place=self.place(path, feeds),
            json_ld=json_ld,
            search_page=search_page,
        )

    def summaries(self, path: str, indices: Sequence[int]) -> list[Summary]:
        up = urls.root(path)
        made = self._listed
        out = []
        for i in indices:
            item = made.get((i, up))
            if item is None:
                if len(made) >= LISTED_KEPT:
                    made.clear()  # kept for the pages made next, not for the whole site: memory, in every worker
                entry = self.site.entries[i]
                date = entry.article.date
                fields = (
                    entry.article.headline,
                    up + entry.path,
                    date.isoformat() if date else None,
                    date_text(date),
                    self._summary(i),
                )
                item = made[(i, up)] = Summary(*fields, html=self._summary_macro(Summary(*fields)))
            out.append(item)
        return out

    def _as_before(self, path: str, indices: Iterable[int], pages: Callable[[], Iterable[Out]]) -> Out | None:
        """The list page at `path`, if the plan knows it is unchanged, with nothing of it worked out: should
        its file have been changed by hand, it is found again among `pages`, keyed in full, and made."""
        if not self.plan.unchanged(indices):
            return None
        return path, UNCHANGED, functools.partial(self._remade, pages, path)

    def _remade(self, pages: Callable[[], Iterable[Out]], path: str) -> bytes:
        """Each kind is gone through again once, however many of its pages are made this way (all of them,
        when the site's files are not the ones the last build left)."""
        found = self._again.get(pages)
        if found is None:
            plan, self.plan = self.plan, self.plan.keyed()
            try:
                found = self._again[pages] = {at: make for at, _, make in pages()}
            finally:
                self.plan = plan
        return found[path]()

    @functools.cached_property
    def _summary_macro(self) -> Callable[[Summary], Markup]:
        macros: Any = self.env.get_template("macros.html").module
        return macros.summary  # type: ignore[no-any-return]

    def _chrome(self, place: Place) -> Chrome:
        chrome = self._chromes.get(place)
        if chrome is None:
            macros: Any = self.env.get_template("chrome.html").module
            chrome = Chrome(macros.head(place), macros.masthead(place), macros.colophon(place))
            self._chromes[place] = chrome
        return chrome

    def _render(self, template: str, *, page: Page, **context: object) -> bytes:
        """`template` with `context`, the `page` and its `chrome`."""
        chrome = self._chrome(page.place)
        return self.env.get_template(template).render(page=page, chrome=chrome, **context).encode("utf-8")

    def _list_page(
        self,
        path: str,
        title: str,
        heading: str,
        indices: Sequence[int],
        *,
        page: Page | None = None,
        later: tuple[object, Callable[[], dict[str, object]]] | None = None,
        **extra: object,
    ) -> Out:
        """A page of article summaries. `extra` is more of the template's context; `later`, when given, is
        (what it is made from, how to make it): context built only if the page is made, never for a page
        kept from the last build, keyed by the first element, which must name everything it depends on."""
        context: dict[str, object] = {"heading": heading, "intro": None, "pager": None, "calendar": None}
        context.update(extra)
        key = self._shown_key(
            indices,
            lambda: (
                "list",
                page or (path, title),
                tuple(self._id(i) for i in indices),
                sorted(context.items()),
                later and later[0],
            ),
        )

        def make() -> bytes:
            shown = page or self.page(path, title)
            whole = {**context, **later[1]()} if later else context
            return self._render("list.html", page=shown, items=self.summaries(path, indices), **whole)

        return path, key, make

    # -- article pages -------------------------------------------------------------------------

    def article_page(self, index: int) -> Out:
        site, entry = self.site, self.site.entries[index]
        make = functools.partial(self._article_bytes, index)
        if self.plan.articles is not None and index not in self.plan.articles:
            return entry.path, UNCHANGED, make
        if not self.plan.keys:
            return entry.path, None, make
        newer, older = site.neighbours(index)
        key = self._key(
            "article",
            self._id(index),
            entry.copies,
            [(s, site.topic_by_slug[s].name) for s in entry.topics],
            [self._id(j) for j in entry.related],
            self._id(index - 1) if newer else None,
            self._id(index + 1) if older else None,
        )
        return entry.path, key, make

    def _article_bytes(self, index: int) -> bytes:
        site, entry = self.site, self.site.entries[index]
        article, path = entry.article, entry.path
        up = urls.root(path)
        newer, older = site.neighbours(index)
        blocks = article.blocks.rows()  # read once, for the body and its word count
        topics = tuple(Link(up + urls.topic_path(s), site.topic_by_slug[s].name) for s in entry.topics)
        day = date_text(article.date)
        view = ArticleView(
            headline=article.headline,
            standfirst=article.standfirst,
            date_iso=article.date.isoformat() if article.date else None,
            date_text=day,
            reading_time=article.reading_time,
            byline=article.byline,
            dateline=_dateline(entry),
            body=self.body(index, blocks),
            topics=topics,
            related=tuple(self.summaries(path, entry.related)),
            copies=entry.copies,
            source_name=article.source_name,
            source_url=article.source_url,
            newer=Link(up + newer.path, newer.article.headline) if newer else None,
            older=Link(up + older.path, older.article.headline) if older else None,
            day=Link(up + urls.day_path(article.date), day or "") if article.date else None,
            apa=cite.apa(article, entry.url, self.config.title),
            bibtex=cite.bibtex(
                article, entry.url, self.config.title, cite.bibtex_key(article, path.rsplit("/", 2)[-2])
            ),
            year=str(article.date.year) if article.date else None,
        )
        page = self.page(
            path,
            article.headline,
            description=self._summary(index),
            og_type="article",
            json_ld=Markup(
                cite.json_ld(article, entry.url, self.config.title, self._summary(index), cite.word_count(blocks))
            ),
        )
        data = self._render("article.html", page=page, article=view)
        # Each body is read once here: kept unpacked, every body a worker renders would stay in its memory.
        article.blocks.release()
        return data

    # -- home and its stable pages ------------------------------------------------------------

    def home_pages(self) -> Iterator[Out]:
        """The home page shows the newest articles; `page/N/` holds the Nth oldest group and never changes."""
        total, size = len(self.site.entries), self.config.per_page
        chron = list(range(total - 1, -1, -1))  # oldest first
        count = -(-total // size) if total > size else 0
        latest = list(range(min(size, total)))
        older = None
        if count:
            first_hidden = total - size - 1  # chronological position of the newest article not on home
            older = Link(urls.href(urls.INDEX, urls.home_page_path(first_hidden // size + 1)), "Older articles")
        yield self._list_page(
            urls.INDEX,
            self.config.title,
            "Latest articles",
            latest,
            pager=Pager(None, older, "More articles") if older else None,
        )
        for number in range(1, count + 1):
            path = urls.home_page_path(number)
            members = list(reversed(chron[(number - 1) * size : number * size]))
            if as_before := self._as_before(path, members, self.home_pages):
                yield as_before
                continue
            newer_path = urls.INDEX if number == count else urls.home_page_path(number + 1)
            pager = Pager(
                Link(urls.href(path, newer_path), "Newer articles"),
                Link(urls.href(path, urls.home_page_path(number - 1)), "Older articles") if number > 1 else None,
                "Pages",
            )
            title = f"Articles, page {number} of {count}"
            yield self._list_page(path, title, title, members, pager=pager)

    # -- date archive --------------------------------------------------------------------------

    def _by_day(self) -> dict[dt.date, list[int]]:
        days: dict[dt.date, list[int]] = {}
        for i, entry in enumerate(self.site.entries):
            if entry.article.date:
                days.setdefault(entry.article.date, []).append(i)
        return days

    def archive_pages(self) -> Iterator[Out]:
        days = self._by_day()
        months: dict[tuple[int, int], list[int]] = {}
        years: dict[int, list[int]] = {}
        for day, members in days.items():
            months.setdefault((day.year, day.month), []).extend(members)
            years.setdefault(day.year, []).extend(members)
        undated = [i for i, e in enumerate(self.site.entries) if e.article.date is None]
        shape = self.plan.shape
        yield urls.ARCHIVE, shape, functools.partial(self._archive_home, years, months, len(undated))
        year_list = sorted(years)
        for k, year in enumerate(year_list):
            yield urls.year_path(year), shape, functools.partial(self._year_page, year, months, year_list, k)
        month_list = sorted(months)
        for k, (year, month) in enumerate(month_list):
            as_before = self._as_before(urls.month_path(year, month), months[(year, month)], self.archive_pages)
            yield as_before or self._month_page(year, month, months, days, month_list, k)
        day_list = sorted(days)
        for k, day in enumerate(day_list):
            path = urls.day_path(day)
            if as_before := self._as_before(path, days[day], self.archive_pages):
                yield as_before
                continue
            title = f"Articles of {date_text(day)}"
            around = (day_list[k - 1] if k else None, day_list[k + 1] if k + 1 < len(day_list) else None)
            yield self._list_page(
                path, title, title, sorted(days[day]), later=(around, functools.partial(self._day_context, day_list, k))
            )
        intro = (
            "Articles with no date in their text, metadata or file name." if undated else "Every article has a date."
        )
        yield self._list_page(urls.UNDATED, "Undated articles", "Undated articles", undated, intro=intro)

    def _day_context(self, day_list: Sequence[dt.date], k: int) -> dict[str, object]:
        day = day_list[k]
        path = urls.day_path(day)
        return {
            "pager": self._period_pager(path, day_list, k, urls.day_path, lambda d: date_text(d) or ""),
            "up": Link(urls.href(path, urls.month_path(day.year, day.month)), f"{MONTHS[day.month - 1]} {day.year}"),
        }

    def _period_pager(
        self, path: str, keys: Sequence[K], k: int, to_path: Callable[[K], str], label: Callable[[K], str]
    ) -> Pager:
        newer = Link(urls.href(path, to_path(keys[k + 1])), label(keys[k + 1])) if k + 1 < len(keys) else None
        older = Link(urls.href(path, to_path(keys[k - 1])), label(keys[k - 1])) if k > 0 else None
        return Pager(newer, older, "Periods")

    def _timeline(self, path: str, months: dict[tuple[int, int], list[int]]) -> Timeline | None:
        if not months:
            return None
        (y0, m0), (y1, m1) = min(months), max(months)
        span = (y1 - y0) * 12 + (m1 - m0) + 1
        width, height, top = 720.0, 120.0, 10.0
        step = width / span
        peak = max(len(v) for v in months.values())
        bars, ticks = [], []
        for n in range(span):
            year, month = y0 + (m0 - 1 + n) // 12, (m0 - 1 + n) % 12 + 1
            count = len(months.get((year, month), ()))
            if month == 1 or (n == 0 and month <= 9):
                ticks.append((round(n * step, 2), str(year)))
            if count:
                h = max(1.0, (height - top - 20) * count / peak)
                label = f"{MONTHS[month - 1]} {year}: {count} article{'s' if count != 1 else ''}"
                bars.append(
                    Bar(round(n * step, 2), round(height - 20 - h, 2), round(max(step * 0.8, 1), 2), round(h, 2), label)
                )
        every = max(1, len(ticks) // 12)
        label = f"Articles per month, {MONTHS[m0 - 1]} {y0} to {MONTHS[m1 - 1]} {y1}; busiest month has {peak}."
        return Timeline(width, height, tuple(bars), tuple(ticks[::every]), label)

    def _archive_home(
        self, years: dict[int, list[int]], months: dict[tuple[int, int], list[int]], undated: int
    ) -> bytes:
        path = urls.ARCHIVE
        year_links = [
            Link(urls.href(path, urls.year_path(y)), str(y), len(years[y])) for y in sorted(years, reverse=True)
        ]
        return self._render(
            "archive.html",
            page=self.page(path, "Archive"),
            timeline=self._timeline(path, months),
            years=year_links,
            undated=Link(urls.href(path, urls.UNDATED), "Undated articles", undated),
        )

    def _year_page(self, year: int, months: dict[tuple[int, int], list[int]], year_list: list[int], k: int) -> bytes:
        path = urls.year_path(year)
        month_links = [
            Link(urls.href(path, urls.month_path(year, m)), MONTHS[m - 1], len(months[(year, m)]))
            for m in range(1, 13)
            if (year, m) in months
        ]
        pager = self._period_pager(path, year_list, k, urls.year_path, str)
        return self._render(
            "year.html",
            page=self.page(path, f"Articles of {year}"),
            year=year,
            months=month_links,
            pager=pager,
            up=Link(urls.href(path, urls.ARCHIVE), "Archive"),
        )

    def _month_page(
        self,
        year: int,
        month: int,
        months: dict[tuple[int, int], list[int]],
        days: dict[dt.date, list[int]],
        month_list: list[tuple[int, int]],
        k: int,
    ) -> Out:
        path = urls.month_path(year, month)
        name = f"{MONTHS[month - 1]} {year}"
        counts = tuple(
            len(days.get(dt.date(year, month, d), ())) for d in range(1, calendar.monthrange(year, month)[1] + 1)
        )
        around = (month_list[k - 1] if k else None, month_list[k + 1] if k + 1 < len(month_list) else None)
        return self._list_page(
            path,
            f"Articles of {name}",
            f"Articles of {name}",
            sorted(months[(year, month)]),
            later=((around, counts), functools.partial(self._month_context, month_list, k, counts)),
        )

    def _month_context(self, month_list: list[tuple[int, int]], k: int, counts: Sequence[int]) -> dict[str, object]:
        """The month's calendar, with a link on each day that has articles (`counts`, by day of the month)."""
        year, month = month_list[k]
        path = urls.month_path(year, month)
        weeks = []
        for week in calendar.Calendar(0).monthdayscalendar(year, month):
            row = []
            for d in week:
                count = counts[d - 1] if d else 0
                row.append(Cell(d, count, urls.href(path, urls.day_path(dt.date(year, month, d))) if count else None))
            weeks.append(row)
        pager = self._period_pager(
            path, month_list, k, lambda ym: urls.month_path(*ym), lambda ym: f"{MONTHS[ym[1] - 1]} {ym[0]}"
        )
        name = f"{MONTHS[month - 1]} {year}"
        return {
            "pager": pager,
            "calendar": {"caption": name, "weekdays": WEEKDAYS, "weeks": weeks},
            "up": Link(urls.href(path, urls.year_path(year)), str(year)),
        }

    # -- topics --------------------------------------------------------------------------------

    def topic_pages(self) -> Iterator[Out]:
        topics = self.site.topics
        path = urls.TOPICS
        links = [Link(urls.href(path, urls.topic_path(t.slug)), t.name, len(t.members)) for t in topics]
        yield (
            path,
            self.plan.shape,
            functools.partial(self._render, "topics.html", page=self.page(path, "Topics"), topics=links),
        )
        size = self.config.per_page
        for topic in topics:
            pages = -(-len(topic.members) // size)
            for number in range(1, pages + 1):
                path = urls.topic_path(topic.slug, number)
                members = topic.members[(number - 1) * size : number * size]
                if as_before := self._as_before(path, members, self.topic_pages):
                    yield as_before
                    continue
                feeds = _feed_links(urls.root(path) + urls.topic_feed(topic.slug, ""), topic.name)
                title = topic.name if number == 1 else f"{topic.name}, page {number} of {pages}"
                pager = Pager(
                    Link(urls.href(path, urls.topic_path(topic.slug, number - 1)), "Newer articles")
                    if number > 1
                    else None,
                    Link(urls.href(path, urls.topic_path(topic.slug, number + 1)), "Older articles")
                    if number < pages
                    else None,
                    "Pages",
                )
                yield self._list_page(
                    path,
                    title,
                    f"Topic: {title}",
                    members,
                    page=self.page(path, title, feeds=feeds),
                    pager=pager if pages > 1 else None,
                    up=Link(urls.href(path, urls.TOPICS), "All topics"),
                    topic_feed=feeds[0],
                )

    # -- feeds, search, machines ----------------------------------------------------------------

    def _items(self, indices: Sequence[int]) -> list[Item]:
        return [Item(self.site.entries[i], self._summary(i), self.body(i)) for i in indices]

    def _feed(self, info: FeedInfo, indices: Sequence[int]) -> Iterator[Out]:
        """A feed in its three formats, made together and only when one of them is wanted."""
        key = self._shown_key(indices, lambda: ("feed", info, [self._id(i) for i in indices]))
        files = functools.cache(lambda: feed_files(info, self._items(indices)))
        for name in (urls.FEED, urls.ATOM, urls.JSON_FEED):
            path = info.folder + name

            def make(path: str = path) -> bytes:
                return files()[path]

            yield path, key, make

    def feeds(self) -> Iterator[Out]:
        config, n = self.config, self.config.feed_size
        yield from self._feed(
            FeedInfo(config.title, config.description, config.language, config.site_url, config.site_url, ""),
            range(min(n, len(self.site.entries))),
        )
        for topic in self.site.topics:
            info = FeedInfo(
                f"{config.title}: {topic.name}",
                f"Articles about {topic.name}.",
                config.language,
                config.site_url,
                urls.permalink(config.site_url, urls.topic_path(topic.slug)),
                urls.topic_feed(topic.slug, ""),
            )
            yield from self._feed(info, topic.members[:n])

    def search_page(self) -> Out:
        return urls.SEARCH, self.plan.shape, self._search_page

    def _search_page(self) -> bytes:
        path = urls.SEARCH
        years = sorted({e.article.date.year for e in self.site.entries if e.article.date}, reverse=True)
        return self._render(
            "search.html",
            page=self.page(path, "Search", search_page=True),
            bundle=urls.root(path) + urls.SEARCH_BUNDLE + "/",
            years=years,
        )

    def not_found(self) -> Out:
        # Served for any missing URL at any depth, so its links cannot be relative: they start
        # at the site's root path (taken from site_url), and name no host, so nothing goes online.
        page = self.page(urls.NOT_FOUND, "Page not found")
        base = urlsplit(self.config.site_url).path or "/"
        place = replace(
            page.place,
            home=base,
            archive=base + urls.ARCHIVE.removesuffix(urls.INDEX),
            topics=base + urls.TOPICS.removesuffix(urls.INDEX),
            search=base + urls.SEARCH.removesuffix(urls.INDEX),
            stylesheet=base + urls.STYLESHEET,
            rss=base + urls.FEED,
            feeds=tuple(FeedLink(base + f.href, f.type, f.title) for f in page.feeds),
        )
        page = replace(page, place=place)
        return urls.NOT_FOUND, self.plan.shape, functools.partial(self._render, "404.html", page=page)


def sitemap_names(paths: Sequence[str]) -> list[str]:
    """The files `sitemaps` makes for these paths."""
    count = sum(1 for p in paths if p.endswith(".html")) - (urls.NOT_FOUND in paths)
    parts = -(-count // SITEMAP_LIMIT) if count > SITEMAP_LIMIT else 0
    return [urls.SITEMAP, *(urls.sitemap_part(n) for n in range(1, parts + 1))]


def sitemaps(site: Site, paths: Sequence[str]) -> dict[str, bytes]:
    """sitemap.xml for every HTML page; past 50,000 URLs, an index of numbered sitemaps."""
    base = site.config.site_url
    dates = {e.path: e.article.date for e in site.entries}
    pages = sorted(p for p in paths if p.endswith(".html") and p != urls.NOT_FOUND)

    def urlset(chunk: Sequence[str]) -> bytes:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for p in chunk:
            date = dates.get(p)
            mod = f"<lastmod>{date.isoformat()}</lastmod>" if date else ""
            lines.append(f"  <url><loc>{escape_text(urls.permalink(base, p), quote=False)}</loc>{mod}</url>")
        lines.append("</urlset>\n")
        return "\n".join(lines).encode("utf-8")

    if len(pages) <= SITEMAP_LIMIT:
        return {urls.SITEMAP: urlset(pages)}
    files: dict[str, bytes] = {}
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for n, start in enumerate(range(0, len(pages), SITEMAP_LIMIT), start=1):
        name = urls.sitemap_part(n)
        files[name] = urlset(pages[start : start + SITEMAP_LIMIT])
        index.append(f"  <sitemap><loc>{escape_text(base + name, quote=False)}</loc></sitemap>")
    index.append("</sitemapindex>\n")
    files[urls.SITEMAP] = "\n".join(index).encode("utf-8")
    return files


def _static(site: Site) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for folder in (default_theme() / "static", site.config.templates / "static"):
        if folder.is_dir():
            for asset in sorted(folder.rglob("*")):
                if asset.is_file():
                    files["static/" + asset.relative_to(folder).as_posix()] = asset.read_bytes()
    return files


# The renderer of the site and where pages go, set before worker processes fork so that they inherit them:
# what the renderer works out for every entry is worked out once, and shared.
_WORK: tuple[Renderer, Put, Keep] | None = None
ARTICLES_PER_TASK = 200


def _pages(renderer: Renderer, kind: str, start: int, stop: int) -> Iterable[Out]:
    if kind == "articles":
        return (renderer.article_page(i) for i in range(start, stop))
    if kind == "home":
        return renderer.home_pages()
    if kind == "archive":
        return renderer.archive_pages()
    if kind == "topics":
        return renderer.topic_pages()
    # The feeds one at a time: each keeps its three files until the last of them is put in place.
    return itertools.chain((renderer.search_page(), renderer.not_found()), renderer.feeds())


def _task(task: tuple[str, int, int]) -> list[Placed | Kept]:
    """Render one share of the site (a range of article pages, or one kind of list page) and put it in place.

    A page whose key is the one the current site's file was made with is kept, not made again; so is a page
    the plan knows is unchanged, and those are told in one `Kept`."""
    assert _WORK is not None
    renderer, put, keep = _WORK
    done: list[Placed | Kept] = []
    same: list[str] = []
    for path, key, make in _pages(renderer, *task):
        kept = keep(path, key or None) if key is not None else None
        if kept is AS_BEFORE:
            same.append(path)
            continue
        # A page the plan knows is unchanged but whose file is not (edited by hand) is made again, with no key:
        # made at every build until one keys its pages again.
        done.append(kept or put(path, make(), key or None))
    if same:
        done.append(Kept(same))
    return done


def render_site(
    site: Site,
    put: Put,
    keep: Keep,
    jobs: int = 1,
    salt: str = "",
    progress: Callable[[str, int, int], None] | None = None,
    compiled: Path | None = None,
    plan: Plan | None = None,
) -> Iterator[Placed | Kept]:
    """Render every output file of the site with `jobs` processes, each putting its pages in place.

    `salt` stands for everything besides the site's entries that pages are made from (newsarchive's
    code, the templates, the config): pages are kept from the last build only under the same salt.
    `plan` says which pages are known to be as they were (see `Plan`); with few to make, they are made here.
    `progress("render", done, total)` is called as each share of the pages is done. `compiled` is where
    compiled templates are kept between builds (see `environment`)."""
    global _WORK
    count = len(site.entries)
    renderer = Renderer(site, salt, compiled, plan)
    plan = renderer.plan
    if count < ARTICLES_PER_TASK or plan.few:
        jobs = 1
    # The list pages go first: each kind is one long task, best started while articles fill the gaps.
    tasks = [("topics", 0, 0), ("archive", 0, 0), ("home", 0, 0), ("other", 0, 0)]
    tasks += [("articles", i, min(i + ARTICLES_PER_TASK, count)) for i in range(0, count, ARTICLES_PER_TASK)]
    html: list[str] = []
    _WORK = (renderer, put, keep)
    try:
        if progress:
            progress("render", 0, len(tasks))
        for done, batch in enumerate(parallel.map_ordered(_task, tasks, jobs), 1):
            for placed in batch:
                if isinstance(placed, Kept):
                    html += [rel for rel in placed.rels if rel.endswith(".html")]
                elif placed.rel.endswith(".html"):
                    html.append(placed.rel)
                yield placed
            if progress:
                progress("render", done, len(tasks))
    finally:
        _WORK = None
    # Which pages there are, and the articles' dates, follow from the shape: so does the sitemap.
    made = functools.cache(lambda: sitemaps(site, html))
    for path in sitemap_names(html):
        yield keep(path, plan.shape) or put(path, made()[path], plan.shape)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {site.config.site_url}{urls.SITEMAP}\n"
    yield put(urls.ROBOTS, robots.encode(), None)
    for path, data in _static(site).items():
        yield put(path, data, None)
