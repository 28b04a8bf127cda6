"""Feeds: entries in, RSS 2.0, Atom and JSON Feed 1.1 documents (bytes) out.

RSS and Atom are written with feedgen; JSON Feed is plain JSON. Entries are
newest first, undated after dated. Ids are the articles' stable ids, never
their URLs, so a changed slug or template does not make an old story
reappear as new. Times come only from the content: a feed's own date is its
newest article's, never the build's, and an undated article is dated
1970-01-01 where a format insists on a date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from . import urls
from .enrich import Entry

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class FeedInfo:
    title: str
    description: str
    language: str
    site_url: str
    page_url: str
    folder: str  # output folder of the feed files: "" or "topics/<slug>/"


@dataclass(frozen=True, slots=True)
class Item:
    entry: Entry
    summary: str
    body: Markup


def _when(date: dt.date | None) -> dt.datetime | None:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC) if date else None


def _newest(items: Sequence[Item]) -> dt.datetime:
    return next((d for i in items if (d := _when(i.entry.article.date))), EPOCH)


def _link(fg: FeedGenerator, info: FeedInfo, self_url: str) -> None:
    # feedgen takes the RSS channel <link> from the last link given: the page, not the feed itself.
    fg.link([{"href": self_url, "rel": "self"}, {"href": info.page_url, "rel": "alternate"}], replace=True)


def _generator(info: FeedInfo, items: Sequence[Item]) -> FeedGenerator:
    from feedgen.feed import FeedGenerator  # loaded only when a feed is made, not when every one is kept

    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(info.page_url)
    fg.title(info.title)
    fg.subtitle(info.description)
    # Atom requires an author of the feed unless every entry names one, and an article may have no byline.
    fg.author(name=info.title)
    fg.language(info.language)
    fg.generator("newsarchive", uri="https://pypi.org/project/newsarchive/")
    fg.updated(_newest(items))
    for item in items:
        entry, article = item.entry, item.entry.article
        fe = fg.add_entry(order="append")
        fe.guid(entry.uid, permalink=False)  # also the Atom id
        fe.title(article.headline)
        fe.link(href=entry.url)
        when = _when(article.date)
        fe.updated(when or EPOCH)
        if when is not None:
            fe.published(when)
        fe.summary(item.summary)  # Atom: type text
        fe.description(str(escape(item.summary)))  # RSS readers read a description as HTML
        fe.content(str(item.body), type="html")
        for tag in article.tags:
            fe.category(term=tag)
        for name in article.byline:
            fe.author(name=name)
            fe.dc.dc_creator(name)
    return fg


def feed_files(info: FeedInfo, items: Sequence[Item]) -> dict[str, bytes]:
    """The RSS, Atom and JSON feeds of `items`, by output path."""
    rss_path, atom_path, json_path = (info.folder + n for n in (urls.FEED, urls.ATOM, urls.JSON_FEED))
    fg = _generator(info, items)
    fg.description(str(escape(info.description)))  # RSS readers read a description as HTML
    _link(fg, info, info.site_url + rss_path)
    rss = fg.rss_str(pretty=True)
    fg.subtitle(info.description)  # Atom: type text
    _link(fg, info, info.site_url + atom_path)  # the same entries, with the Atom feed's own self link
    return {
        rss_path: rss,
        atom_path: fg.atom_str(pretty=True),
        json_path: _json_feed(info, items, info.site_url + json_path),
    }


def _json_feed(info: FeedInfo, items: Sequence[Item], self_url: str) -> bytes:
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.page_url,
        "feed_url": self_url,
        "description": info.description,
        "language": info.language,
        "items": [],
    }
    for item in items:
        article = item.entry.article
        record: dict[str, Any] = {
            "id": item.entry.uid,
            "url": item.entry.url,
            "title": article.headline,
            "summary": item.summary,
            "content_html": str(item.body),
        }
        if (when := _when(article.date)) is not None:
            record["date_published"] = when.isoformat()
        if article.tags:
            record["tags"] = list(article.tags)
        if article.byline:
            record["authors"] = [{"name": n} for n in article.byline]
        feed["items"].append(record)
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
