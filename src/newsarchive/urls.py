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
# Names Windows keeps for devices, in any case and with any extension: a folder called "con" or "nul.txt"
# cannot be made there, so a site holding one could not be copied to it.
RESERVED_NAMES = frozenset(["con", "prn", "aux", "nul", *(f"{d}{n}" for d in ("com", "lpt") for n in range(10))])
MAX_NAME_BYTES = 255
# Article ids are UUIDs in this namespace, so they never depend on a URL.
_ID_NAMESPACE = uuid.UUID("6f1d2a7e-2b59-4c8e-9a51-0e4c6f1b7d3a")

INDEX = "index.html"
FEED = "feed.xml"
ATOM = "atom.xml"
JSON_FEED = "feed.json"
STYLESHEET = "static/style.css"
ARCHIVE = "archive/index.html"
UNDATED = "undated/index.html"
TOPICS = "topics/index.html"
SEARCH = "search/index.html"
SEARCH_BUNDLE = "pagefind"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"


def slugify(text: str) -> str:
    """ASCII letters, digits and hyphens, at most MAX_SLUG of them; never empty, never a path, never a name
    Windows keeps for a device ("con" becomes "con-1")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG].rstrip("-")
    if slug in RESERVED_NAMES:
        return slug + "-1"
    return slug or "article"


def _day_folder(date: dt.date) -> str:
    """YYYY/MM/DD, the year with four digits as the year's own pages have it (strftime's %Y has fewer on some
    systems for a year before 1000)."""
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}"


def article_path(date: dt.date | None, slug: str) -> str:
    folder = _day_folder(date) if date else "undated"
    return f"{folder}/{slug}/{INDEX}"


def home_page_path(number: int) -> str:
    """Page `number` of the whole archive, counted from the oldest article, so it never changes."""
    return f"page/{number}/{INDEX}"


def year_path(year: int) -> str:
    return f"{year:04d}/{INDEX}"


def month_path(year: int, month: int) -> str:
    return f"{year:04d}/{month:02d}/{INDEX}"


def day_path(date: dt.date) -> str:
    return f"{_day_folder(date)}/{INDEX}"


def topic_path(slug: str, number: int = 1) -> str:
    return f"topics/{slug}/{INDEX}" if number == 1 else f"topics/{slug}/page/{number}/{INDEX}"


def topic_feed(slug: str, name: str) -> str:
    """`name` is one of FEED, ATOM, JSON_FEED."""
    return f"topics/{slug}/{name}"


def sitemap_part(number: int) -> str:
    return f"sitemap-{number}.xml"


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


def root(from_path: str) -> str:
    """The relative prefix from an output file back to the site's top folder ("" or "../../")."""
    return "../" * from_path.count("/")


def href(from_path: str, to_path: str) -> str:
    """A relative link from one output file to another, valid from disk and under any subpath."""
    return root(from_path) + to_path


# The paths newsarchive makes: ASCII names that are not "." or "..", not a device name, at most 255 bytes.
_PLAIN_NAME = r"(?!(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:[./]|\Z))[\w-][\w.-]{0,254}"
_PLAIN_PATH = re.compile(rf"(?:{_PLAIN_NAME}/)*{_PLAIN_NAME}", re.ASCII | re.IGNORECASE)


def is_safe(path: str) -> bool:
    """Whether an output path stays inside the output folder, and each of its names can be made on any
    common file system (no device name, none over 255 bytes)."""
    return _PLAIN_PATH.fullmatch(path) is not None or _is_safe(path)


def _is_safe(path: str) -> bool:
    if not path or path.startswith(("/", "\\")) or "\\" in path or "\x00" in path or ":" in path:
        return False
    parts = path.split("/")
    return (
        all(p not in ("", ".", "..") for p in parts)
        and posixpath.normpath(path) == path
        and all(len(p.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES for p in parts)
        and all(p.split(".")[0].lower() not in RESERVED_NAMES for p in parts)
    )
