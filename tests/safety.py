"""Checks that a built site carries no markup, script or link that came from content.

`site_problems(site)` reads every output a reader, a feed reader or a crawler opens (HTML pages, RSS, Atom,
JSON Feed, JSON-LD, sitemaps, the search index) and returns what is wrong, as text; an empty list means the
site is safe. The injection tests and the fuzzed builds both use it.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from htmltree import Node, parse_html

# Every element and attribute the default theme and markdown-it (raw HTML off, images as links) produce.
# Anything else on a page came from content.
THEME_TAGS = frozenset(
    "#document html head body meta title link script main header footer nav article aside section div p span a "
    "h1 h2 h3 h4 h5 h6 ul ol li blockquote figure figcaption cite time details summary pre code table caption "
    "thead tbody tr th td noscript svg rect text strong em hr br".split()
)
THEME_ATTRS = frozenset(
    "lang charset name content property rel type title href class id aria-label aria-labelledby aria-hidden role "
    "datetime hidden data-pagefind-body data-pagefind-meta data-pagefind-filter data-pagefind-sort scope "
    "width height viewbox x y open start align".split()
)
# Only the search page has a script of the theme's own (and a <noscript> beside it); JSON-LD is checked apart.
PAGE_SCRIPT_TAGS = frozenset({"noscript"})
URL_ATTRS = frozenset("href src action formaction data poster background cite xlink:href srcset".split())
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# The theme's own favicon, which loads nothing.
THEME_DATA_URLS = frozenset({"data:,"})
PAGEFIND_SIGNATURE = b"pagefind_dcd"


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read from an attribute value: leading controls and spaces and any tab or
    newline inside are ignored, as the URL standard says; None for a relative URL."""
    cleaned = re.sub(r"[\t\n\r]", "", value.lstrip("".join(map(chr, range(0x21)))))
    match = _SCHEME.match(cleaned)
    return match[1].lower() if match else None


def html_problems(html: str | bytes, where: str, *, theme_scripts: bool = False) -> list[str]:
    """What in one HTML document (a page, or a feed entry's content) did not come from the theme."""
    problems: list[str] = []
    tree = parse_html(html)
    for node in tree.iter():
        if node.tag not in THEME_TAGS or (node.tag in PAGE_SCRIPT_TAGS and not theme_scripts):
            problems.append(f"{where}: <{node.tag}> element")
        for name, value in node.attrs.items():
            if name.startswith("on") or name not in THEME_ATTRS:
                problems.append(f"{where}: <{node.tag} {name}=...> attribute")
            if name in URL_ATTRS and value not in THEME_DATA_URLS:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    problems.append(f"{where}: <{node.tag} {name}={value!r}> has an unsafe scheme")
        if node.tag == "script":
            problems += _script_problems(node, where, theme_scripts)
        if node.tag in ("link", "meta") and not any(a.tag == "head" for a in node.ancestors()):
            problems.append(f"{where}: <{node.tag}> outside <head>")
    return problems


def _script_problems(node: Node, where: str, theme_scripts: bool) -> list[str]:
    source = "".join(c for c in node.children if isinstance(c, str))
    if node.attrs.get("type") == "application/ld+json":
        if "<" in source:
            return [f"{where}: a '<' inside the JSON-LD script could close it"]
        try:
            json.loads(source)
        except ValueError as exc:
            return [f"{where}: JSON-LD does not parse: {exc}"]
        return []
    if not theme_scripts or "src" in node.attrs:
        return [f"{where}: a <script> the theme does not make"]
    return []


def page_problems(site: Path, page: Path) -> list[str]:
    where = page.relative_to(site).as_posix()
    html = page.read_text(encoding="utf-8")
    problems = html_problems(html, where, theme_scripts=where == "search/index.html")
    scripts = parse_html(html).find_all("script")
    if len([s for s in scripts if s.attrs.get("type") == "application/ld+json"]) > 1:
        problems.append(f"{where}: more than one JSON-LD block")
    return problems


def _feeds(site: Path, name: str) -> Iterator[Path]:
    yield from sorted(site.rglob(name))


def feed_problems(site: Path) -> list[str]:
    """RSS and Atom parse as XML with no DOCTYPE; every entry's HTML is the theme's; JSON Feeds parse."""
    problems: list[str] = []
    atom = "{http://www.w3.org/2005/Atom}"
    for path in [*_feeds(site, "feed.xml"), *_feeds(site, "atom.xml")]:
        where = path.relative_to(site).as_posix()
        raw = path.read_bytes()
        if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
            problems.append(f"{where}: a DOCTYPE or ENTITY declaration")
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as exc:
            problems.append(f"{where}: not well-formed XML: {exc}")
            continue
        # What readers take as HTML: RSS descriptions and content:encoded, Atom text of type html.
        bodies = [
            e.text or ""
            for e in root.iter()
            if e.tag in ("description", "{http://purl.org/rss/1.0/modules/content/}encoded")
            or (e.tag in (f"{atom}content", f"{atom}summary", f"{atom}title") and e.get("type") in ("html", "xhtml"))
        ]
        for n, body in enumerate(bodies):
            problems += html_problems(body, f"{where} entry text {n}")
        for link in root.iter(f"{atom}link"):
            if url_scheme(link.get("href", "")) not in SAFE_SCHEMES:
                problems.append(f"{where}: Atom link {link.get('href')!r}")
        for link in root.iter("link"):
            if url_scheme(link.text or "") not in SAFE_SCHEMES:
                problems.append(f"{where}: RSS link {link.text!r}")
    for path in _feeds(site, "feed.json"):
        where = path.relative_to(site).as_posix()
        try:
            feed = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            problems.append(f"{where}: not JSON: {exc}")
            continue
        for item in feed["items"]:
            problems += html_problems(item["content_html"], f"{where} item {item['id']}")
            if url_scheme(item["url"]) not in SAFE_SCHEMES:
                problems.append(f"{where}: item url {item['url']!r}")
    return problems


def sitemap_problems(site: Path, site_url: str) -> list[str]:
    problems: list[str] = []
    for path in sorted(site.glob("sitemap*.xml")):
        try:
            root = ET.fromstring(path.read_bytes())
        except ET.ParseError as exc:
            problems.append(f"{path.name}: not well-formed XML: {exc}")
            continue
        for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            if not (loc.text or "").startswith(site_url):
                problems.append(f"{path.name}: <loc> {loc.text!r} is not under {site_url}")
    return problems


def search_fragments(site: Path) -> list[dict[str, object]]:
    """The search index's page records (Pagefind fragments): gzip, a signature, then JSON."""
    records = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(PAGEFIND_SIGNATURE), f"{path}: not a Pagefind fragment"
        records.append(json.loads(raw[len(PAGEFIND_SIGNATURE) :]))
    return records


def search_problems(site: Path) -> list[str]:
    """Each search record indexes a page that exists, under the text its reader sees as the headline.

    Pagefind keeps a page's text as text (its UI escapes it when it shows an excerpt), so a record whose
    title is the page's <h1> text was made from escaped markup, not from elements.
    """
    problems: list[str] = []
    for record in search_fragments(site):
        url = str(record.get("url", ""))
        page = site / url.strip("/") / "index.html"
        if not page.is_file():
            problems.append(f"search record {url!r}: no such page")
            continue
        headings = [h.text() for h in parse_html(page.read_bytes()).find_all("h1")]
        title = " ".join(str(record.get("meta", {}).get("title", "")).split())  # type: ignore[union-attr]
        if headings != [title]:
            problems.append(f"search record {url!r}: title {title!r} is not the page's headline {headings!r}")
    return problems


def site_problems(site: Path, site_url: str = "http://localhost:8000/") -> list[str]:
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        if "pagefind" not in page.relative_to(site).parts:
            problems += page_problems(site, page)
    problems += feed_problems(site)
    problems += sitemap_problems(site, site_url)
    if (site / "pagefind").is_dir():
        problems += search_problems(site)
    return problems
