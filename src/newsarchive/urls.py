"""Every output path and URL, computed here and nowhere else.

An output path is relative to the site folder and always names a file
(`2015/10/02/slug/index.html`). Its public URL drops the `index.html`.
Links between pages are relative and keep `index.html`, so the site can be
browsed straight from disk as well as served from any subpath.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
import uuid

_NON_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 80
# Article ids are UUIDs in this namespace, so they never depend on a URL.
_ID_NAMESPACE = uuid.UUID("6f1d2a7e-2b59-4c8e-9a51-0e4c6f1b7d3a")

INDEX = "index.html"
FEED = "feed.xml"
STYLESHEET = "static/style.css"


def slugify(text: str) -> str:
    """ASCII, lower case, hyphens; never empty, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG].rstrip("-")
    return slug or "article"


def article_path(date: dt.date | None, slug: str) -> str:
    folder = f"{date:%Y/%m/%d}" if date else "undated"
    return f"{folder}/{slug}/{INDEX}"


def home_page_path(number: int) -> str:
    return INDEX if number == 1 else f"page/{number}/{INDEX}"


def article_id(source: str, explicit: str | None) -> str:
    """A stable feed id: from front matter `id`, else from the source file's path in content/."""
    if explicit:
        return explicit if ":" in explicit else f"urn:newsarchive:{explicit}"
    return uuid.uuid5(_ID_NAMESPACE, source).urn


def permalink(site_url: str, path: str) -> str:
    """The public, absolute URL of an output file."""
    if path == INDEX:
        return site_url
    if path.endswith("/" + INDEX):
        path = path[: -len(INDEX)]
    return site_url + path


def href(from_path: str, to_path: str) -> str:
    """A relative link from one output file to another."""
    start = posixpath.dirname(from_path) or "."
    return posixpath.relpath(to_path, start)


def is_safe(path: str) -> bool:
    """Whether an output path stays inside the output folder."""
    if not path or path.startswith(("/", "\\")) or "\\" in path or "\x00" in path or ":" in path:
        return False
    parts = path.split("/")
    return all(p not in ("", ".", "..") for p in parts) and posixpath.normpath(path) == path
