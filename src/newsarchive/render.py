"""Render: a `Site` in, a mapping of output path to bytes out. Writes nothing.

One Jinja2 environment, autoescaping and strict about undefined names,
loads the site's own `templates/` first and the default theme second, so a
site overrides any template by name. Each template gets a context built by
one function here, with every link already computed: templates never build
paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import urls
from .config import Config
from .enrich import Entry, Site
from .feeds import rss_feed

_MONTHS = ("January February March April May June July August September October November December").split()
SUMMARY_WORDS = 45


def default_theme() -> Path:
    """The default templates: inside the installed package, or top-level `templates/` in a checkout."""
    packaged = Path(str(resources.files("newsarchive"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def environment(site_templates: Path | None) -> jinja2.Environment:
    folders = [str(p) for p in (site_templates, default_theme()) if p is not None and p.is_dir()]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    label: str


@dataclass(frozen=True, slots=True)
class Page:
    """What every page template knows about the page it renders."""

    title: str
    canonical: str
    home: str
    stylesheet: str
    feed: str
    site_title: str
    description: str
    language: str


@dataclass(frozen=True, slots=True)
class Summary:
    headline: str
    href: str
    date_iso: str | None
    date_text: str | None
    summary: str


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
    tags: tuple[str, ...]
    copies: tuple[str, ...]
    source_name: str | None
    source_url: str | None
    newer: Link | None
    older: Link | None


def date_text(date: dt.date | None) -> str | None:
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}" if date else None


def summary(entry: Entry) -> str:
    article = entry.article
    if article.standfirst:
        return article.standfirst
    words = next((b.text for b in article.blocks if b.kind == "paragraph"), article.body_text).split()
    return " ".join(words[:SUMMARY_WORDS]) + (" …" if len(words) > SUMMARY_WORDS else "")


def _page(config: Config, path: str, title: str) -> Page:
    return Page(
        title=title,
        canonical=urls.permalink(config.site_url, path),
        home=urls.href(path, urls.INDEX),
        stylesheet=urls.href(path, urls.STYLESHEET),
        feed=urls.href(path, urls.FEED),
        site_title=config.title,
        description=config.description,
        language=config.language,
    )


def _dateline(entry: Entry) -> str | None:
    dateline = entry.article.dateline
    if dateline is None:
        return None
    parts = [dateline.place]
    if dateline.date:
        parts[0] += f", {dateline.date}"
    if dateline.agency:
        parts.append(f"({dateline.agency})")
    return " ".join(parts)


class Renderer:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.config = site.config
        self.env = environment(site.config.templates)
        self._bodies: dict[str, Markup] = {}

    def body(self, entry: Entry) -> Markup:
        """The article body as HTML, shared by its page and the feeds."""
        cached = self._bodies.get(entry.path)
        if cached is None:
            html = self.env.get_template("body.html").render(blocks=entry.article.blocks)
            cached = self._bodies[entry.path] = Markup(html)
        return cached

    def article_page(self, index: int) -> tuple[str, str]:
        entry = self.site.entries[index]
        article = entry.article
        newer, older = self.site.neighbours(index)
        view = ArticleView(
            headline=article.headline,
            standfirst=article.standfirst,
            date_iso=article.date.isoformat() if article.date else None,
            date_text=date_text(article.date),
            reading_time=article.reading_time,
            byline=article.byline,
            dateline=_dateline(entry),
            body=self.body(entry),
            tags=article.tags,
            copies=entry.copies,
            source_name=article.source_name,
            source_url=article.source_url,
            newer=Link(urls.href(entry.path, newer.path), newer.article.headline) if newer else None,
            older=Link(urls.href(entry.path, older.path), older.article.headline) if older else None,
        )
        page = _page(self.config, entry.path, article.headline)
        return entry.path, self.env.get_template("article.html").render(page=page, article=view)

    def home_pages(self) -> Iterator[tuple[str, str]]:
        entries = self.site.entries
        size = self.config.per_page
        count = max(1, -(-len(entries) // size))
        for number in range(1, count + 1):
            path = urls.home_page_path(number)
            items = [
                Summary(
                    headline=e.article.headline,
                    href=urls.href(path, e.path),
                    date_iso=e.article.date.isoformat() if e.article.date else None,
                    date_text=date_text(e.article.date),
                    summary=summary(e),
                )
                for e in entries[(number - 1) * size : number * size]
            ]
            newer = Link(urls.href(path, urls.home_page_path(number - 1)), "Newer") if number > 1 else None
            older = Link(urls.href(path, urls.home_page_path(number + 1)), "Older") if number < count else None
            title = self.config.title if number == 1 else f"{self.config.title}, page {number}"
            page = _page(self.config, path, title)
            yield (
                path,
                self.env.get_template("index.html").render(
                    page=page, items=items, newer=newer, older=older, number=number, count=count
                ),
            )


def render_site(site: Site) -> dict[str, bytes]:
    """Every output file of the site, by output path."""
    renderer = Renderer(site)
    files: dict[str, bytes] = {}
    for index in range(len(site.entries)):
        path, html = renderer.article_page(index)
        files[path] = html.encode("utf-8")
    for path, html in renderer.home_pages():
        files[path] = html.encode("utf-8")
    files[urls.FEED] = rss_feed(site, renderer.body, summary)
    static = default_theme() / "static"
    for asset in sorted(static.rglob("*")):
        if asset.is_file():
            files["static/" + asset.relative_to(static).as_posix()] = asset.read_bytes()
    return files
