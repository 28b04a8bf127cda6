"""Citations and machine-readable metadata for one article.

Takes an article, its permalink and the site's name; returns an APA-style
reference, a BibTeX entry, and NewsArticle JSON-LD that is safe to place
inside a <script> element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .model import Article

_MONTHS = "January February March April May June July August September October November December".split()
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _apa_name(name: str) -> str:
    parts = name.split()
    if len(parts) < 2:
        return name
    initials = " ".join(f"{p[0]}." for p in parts[:-1] if p[0].isalpha())
    return f"{parts[-1]}, {initials}"


def apa(article: Article, url: str, site_title: str) -> str:
    """An APA 7 style reference for a news article on a website."""
    when = f"{article.date.year}, {_MONTHS[article.date.month - 1]} {article.date.day}" if article.date else "n.d."
    publisher = article.source_name or site_title
    if article.byline:
        names = [_apa_name(n) for n in article.byline]
        authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
        return f"{authors} ({when}). {article.headline}. {publisher}. {url}"
    return f"{article.headline}. ({when}). {publisher}. {url}"


def _bib(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex(article: Article, url: str, site_title: str, key: str) -> str:
    fields = {
        "title": "{" + _bib(article.headline) + "}",
        "author": " and ".join(_bib(n) for n in article.byline) or None,
        "journal": _bib(article.source_name or site_title),
        "year": str(article.date.year) if article.date else None,
        "month": _MONTHS[article.date.month - 1][:3].lower() if article.date else None,
        "day": str(article.date.day) if article.date else None,
        "url": url,
    }
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@article{{{key},\n{body}\n}}"


def bibtex_key(article: Article, slug: str) -> str:
    surname = re.sub(r"\W", "", article.byline[0].split()[-1]).lower() if article.byline else ""
    year = str(article.date.year) if article.date else "nd"
    word = re.sub(r"[^a-z0-9]", "", slug.split("-")[0]) or "article"
    return f"{surname or 'anon'}{year}{word}"


def word_count(blocks: Iterable[Any]) -> int:
    """The words of an article's body: of its blocks' text, or their items for a list."""
    return sum(len(text.split()) for block in blocks for text in (block.items or (block.text,)))


def json_ld(article: Article, url: str, site_title: str, description: str, words: int) -> str:
    """NewsArticle JSON-LD, escaped so that no content can close the <script> element. `words`: the body's
    word count."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": url,
        "description": description,
        "publisher": {"@type": "Organization", "name": article.source_name or site_title},
        "wordCount": words,
        "timeRequired": f"PT{article.reading_time}M",
    }
    if article.date:
        data["datePublished"] = article.date.isoformat()
    if article.byline:
        data["author"] = [{"@type": "Person", "name": n} for n in article.byline]
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.dateline:
        data["dateline"] = article.dateline.place
    if article.source_url:
        data["isBasedOn"] = article.source_url
    # Compact: without `indent`, json encodes in C, several times quicker than its Python encoder.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
