"""Feeds: a `Site` in, feed documents (bytes) out, written with feedgen.

Entries are newest first; undated articles follow the dated ones. Ids are
the articles' stable ids, never their URLs, so a changed slug or template
does not make an old story reappear as new. Times come from the content
only: the feed's own date is its newest article's, never the build's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from .enrich import Entry, Site

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _when(date: dt.date | None) -> dt.datetime | None:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC) if date else None


def rss_feed(site: Site, body: Callable[[Entry], Markup], summary: Callable[[Entry], str]) -> bytes:
    """RSS 2.0 with the full body in content:encoded and the summary in description."""
    config = site.config
    entries = site.entries[: config.feed_size]
    fg = FeedGenerator()
    fg.title(config.title)
    fg.link(href=config.site_url, rel="alternate")
    fg.description(config.description)
    fg.language(config.language)
    fg.generator("newsarchive")
    fg.load_extension("dc")
    newest = next((d for e in entries if (d := _when(e.article.date))), _EPOCH)
    fg.lastBuildDate(newest)
    for entry in entries:
        article = entry.article
        item = fg.add_entry(order="append")
        item.title(article.headline)
        item.link(href=entry.url)
        item.guid(entry.uid, permalink=False)
        if (when := _when(article.date)) is not None:
            item.pubDate(when)
        item.description(summary(entry))
        item.content(str(body(entry)))
        for name in article.byline:
            item.dc.dc_creator(name)
    data: bytes = fg.rss_str(pretty=True)
    return data
