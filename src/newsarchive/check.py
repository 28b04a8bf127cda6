"""`newsarchive check`: lint the content, and optionally a built site, without writing anything.

Takes a `Config` and returns a `CheckReport`: findings, each an error or a
warning naming a file and a line. The content is read by the build's own
loader and folded by its own dedupe, so check sees exactly what a build would.

* errors: files the loader refuses (the build's content errors); with
  `--site`, links and images that lead to no file and feeds that do not
  parse or lack an element their format requires;
* warnings: undated articles, articles with no body text left once repeats
  and boilerplate are dropped, headlines that are probably the first
  sentence of the article (see `headline_problem`), and articles folded as
  copies of another.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from . import textmatch, urls
from .config import Config
from .errors import UsageError
from .model import Article, Notice
from .parallel import default_jobs

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    kind: str  # content, undated, empty, headline, repeat, link, feed
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{Notice(self.path, self.line, f'{self.severity}: {self.message}')}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    articles: int
    findings: tuple[Finding, ...]
    site: Path | None = None
    pages: int = 0
    feeds: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def check(config: Config, site: bool = False) -> CheckReport:
    if site and not config.output.is_dir():
        raise UsageError(f"{config.output}: there is no built site here; run `newsarchive build` first")
    articles, findings = check_content(config)
    if not site:
        return CheckReport(articles, tuple(findings))
    pages, feeds, site_findings = check_site(config.output)
    return CheckReport(articles, (*findings, *site_findings), config.output, pages, feeds)


# -- content --------------------------------------------------------------------------------------------

# A headline is rarely over this many words (the BBC's longest is 9; tabloid ones reach 20).
HEADLINE_MAX_WORDS = 20
# A headline of this many words or more that ends with a full stop reads like an article's first sentence.
SENTENCE_MIN_WORDS = 10
_CLOSERS = "'\"\u2019\u201d)]\u00bb "
# The last word of "... Odell Beckham Jr." or "... in the U.S." ends with a full stop that ends no sentence.
_ABBREVIATION = re.compile(r"[A-Z][a-z]{0,3}\.|(?:[A-Za-z]\.){2,}")
# A lower-case word, a full stop, and a capital: one sentence ending and the next starting.
_SENTENCE_BREAK = re.compile(r"\b[a-z]{2,}\.['\"\u2019\u201d]?\s+['\"\u201c\u2018]?[A-Z]")


def headline_problem(article: Article) -> str | None:
    """Why the headline is probably not one (the first sentence of the body, taken for a headline), or None.

    A headline that is the opening of the first paragraph, or is over HEADLINE_MAX_WORDS words, or
    holds two sentences, or is a long sentence ending with a full stop. Each was measured on real
    archives: none of 2,225 BBC headlines trips one, about 3% of a tabloid corpus's headlines do,
    and half of the files of a corpus whose headlines sit in separate files do.
    """
    headline = " ".join(article.headline.split())
    words = headline.split()
    first = next((b.text for b in article.blocks if b.kind == "paragraph"), "")
    if first and textmatch.normalise(first).startswith(textmatch.normalise(headline)):
        return "the headline is also the opening of the first paragraph; is the real headline missing?"
    if len(words) > HEADLINE_MAX_WORDS:
        return f"the headline is {len(words)} words long; is it the first sentence, with the real headline missing?"
    if _SENTENCE_BREAK.search(headline):
        return "the headline holds more than one sentence; is the real headline missing?"
    bare = headline.rstrip(_CLOSERS)
    if (
        len(words) >= SENTENCE_MIN_WORDS
        and bare.endswith(".")
        and not bare.endswith("..")
        and not _ABBREVIATION.fullmatch(bare.split()[-1])
    ):
        return "the headline reads like a sentence (it ends with a full stop); is the real headline missing?"
    return None


_KIND_NAMES = {"pullquote": "pull-quotes", "subheading": "subheadings"}


def _line_of(article: Article, *roles: str) -> int:
    return next((r.line for r in article.lines if r.role in roles), 1)


def check_content(config: Config) -> tuple[int, list[Finding]]:
    """Load the content as a build would, without its cache, and list what is wrong or doubtful."""
    from . import dedupe, load
    from .parse import Rules

    sources, problems = load.discover(config.content, config.ignore)
    rules = Rules.make(config.boilerplate, config.near_duplicate_threshold)
    loaded, failed = load.load_all(sources, rules, config.max_file_bytes, jobs=config.jobs or default_jobs())
    findings = [Finding("error", "content", n.path, n.line, n.message) for n in (*problems, *failed)]
    for item in loaded:
        article = item.article
        for notice in article.warnings:
            kind = "undated" if notice.message.startswith("undated") else "content"
            findings.append(Finding("warning", kind, notice.path, notice.line, notice.message))
        if not any(b.kind in ("paragraph", "list") for b in article.blocks):
            findings.append(
                Finding(
                    "warning",
                    "empty",
                    article.source,
                    _line_of(article, "headline"),
                    "no body text is left once repeats and boilerplate are dropped, only "
                    + " and ".join(sorted({_KIND_NAMES.get(b.kind, b.kind) for b in article.blocks})),
                )
            )
        if (why := headline_problem(article)) is not None:
            findings.append(Finding("warning", "headline", article.source, _line_of(article, "headline"), why))
    published = [item for item in loaded if not item.article.draft]
    for filed in dedupe.across(published):
        kept = filed.loaded.source.display
        for copy in filed.copies:
            findings.append(
                Finding("warning", "repeat", copy.source.display, 1, f"a copy of {kept}; only that file is published")
            )
    findings.sort(key=lambda f: (f.path, f.line))
    return len(loaded), findings


# -- a built site ---------------------------------------------------------------------------------------

FEED_NAMES = (urls.FEED, urls.ATOM, urls.JSON_FEED)
_ATOM = "{http://www.w3.org/2005/Atom}"


class _Links(HTMLParser):
    """Every href and src attribute of a page, with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append((self.getpos()[0], value))


def check_site(folder: Path) -> tuple[int, int, list[Finding]]:
    """Check every page's internal links and every feed of the built site in `folder`."""
    files: set[str] = set()
    for parent, dirs, names in os.walk(folder):
        dirs.sort()
        rel = Path(parent).relative_to(folder).as_posix()
        files.update(name if rel == "." else f"{rel}/{name}" for name in names)
    findings: list[Finding] = []
    pages = feeds = 0
    for rel in sorted(files):
        path = folder / rel
        if rel.endswith(".html"):
            pages += 1
            findings += _check_page(path, rel, files)
        elif posixpath.basename(rel) in FEED_NAMES:
            feeds += 1
            findings += _check_feed(path)
    return pages, feeds, findings


def link_target(page: str, value: str) -> str | None:
    """The site file an href or src on the page at `page` leads to, or None when it leads off the site.

    `dir/` means `dir/index.html`; a fragment or query is no part of the file; `../` past the site's
    root is kept, so that the caller reports it.
    """
    parts = urlsplit(value.strip())
    if parts.scheme or parts.netloc:
        return None  # http(s), mailto, data: and the like are not files of this site
    path = unquote(parts.path)
    if not path:
        return page
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    target = posixpath.normpath(joined)
    if path.endswith("/") or target == ".":
        target = posixpath.join(target, urls.INDEX) if target != "." else urls.INDEX
    return target


def _check_page(path: Path, rel: str, files: set[str]) -> list[Finding]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    findings = []
    for line, value in parser.found:
        target = link_target(rel, value)
        if target is None or target in files:
            continue
        if target == ".." or target.startswith("../"):
            why = "leads outside the site"
        elif f"{target}/{urls.INDEX}" in files:
            continue  # a folder given without its slash still serves its index.html
        else:
            why = f"leads to {target}, which is not in the site"
        findings.append(Finding("error", "link", str(path), line, f"broken link {value!r}: {why}"))
    return findings


def _check_feed(path: Path) -> list[Finding]:
    data = path.read_bytes()
    if path.suffix == ".json":
        problems = _json_feed_problems(data)
    else:
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            return [Finding("error", "feed", str(path), exc.position[0], f"not well-formed XML: {exc}")]
        problems = _atom_problems(root) if path.name == urls.ATOM else _rss_problems(root)
    return [Finding("error", "feed", str(path), 1, problem) for problem in problems]


def _rss_problems(root: ET.Element) -> list[str]:
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f'expected an RSS 2.0 document (<rss version="2.0">), found <{root.tag}>']
    channel = root.find("channel")
    if channel is None:
        return ["the RSS feed has no <channel>"]
    problems = [
        f"the channel has no <{name}>" for name in ("title", "link", "description") if _text(channel, name) is None
    ]
    for n, item in enumerate(channel.findall("item"), start=1):
        if _text(item, "title") is None and _text(item, "description") is None:
            problems.append(f"item {n} has neither <title> nor <description>")
    return problems


def _atom_problems(root: ET.Element) -> list[str]:
    if root.tag != f"{_ATOM}feed":
        return [f'expected an Atom document (<feed xmlns="http://www.w3.org/2005/Atom">), found <{root.tag}>']
    problems = _atom_required(root, "the feed")
    entries = root.findall(f"{_ATOM}entry")
    for n, entry in enumerate(entries, start=1):
        problems += _atom_required(entry, f"entry {n}")
        if root.find(f"{_ATOM}author") is None and entry.find(f"{_ATOM}author") is None:
            problems.append(f"entry {n} has no <author>, and neither has the feed")
    return problems


def _atom_required(element: ET.Element, what: str) -> list[str]:
    problems = [
        f"{what} has no <{name}>" for name in ("id", "title", "updated") if _text(element, _ATOM + name) is None
    ]
    updated = _text(element, f"{_ATOM}updated")
    if updated is not None:
        try:
            dt.datetime.fromisoformat(updated)
        except ValueError:
            problems.append(f"{what} has an <updated> that is not a date and time: {updated!r}")
    return problems


def _text(element: ET.Element, name: str) -> str | None:
    found = element.find(name)
    return None if found is None else (found.text or "").strip() or None


def _json_feed_problems(data: bytes) -> list[str]:
    try:
        feed: Any = json.loads(data)
    except ValueError as exc:
        return [f"not valid JSON: {exc}"]
    if not isinstance(feed, dict):
        return ["a JSON Feed must be an object"]
    problems = []
    if not str(feed.get("version", "")).startswith("https://jsonfeed.org/version/1"):
        problems.append("no JSON Feed 'version' (https://jsonfeed.org/version/1.1)")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("no 'title'")
    items = feed.get("items")
    if not isinstance(items, list):
        return [*problems, "no 'items' list"]
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(f"item {n} is not an object")
            continue
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {n} has no 'id'")
        if not any(isinstance(item.get(k), str) for k in ("content_html", "content_text")):
            problems.append(f"item {n} has neither 'content_html' nor 'content_text'")
    return problems


# -- output ---------------------------------------------------------------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(report: CheckReport) -> str:
    checked = _count(report.articles, "article")
    if report.site is not None:
        checked += f", {_count(report.pages, 'page')} and {_count(report.feeds, 'feed')} in {report.site}/"
    return f"checked {checked}: {_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"


def as_text(report: CheckReport) -> str:
    return "\n".join([*map(str, report.findings), summary(report)])


def as_json(report: CheckReport) -> str:
    """One JSON object; its shape is documented in the README."""
    return json.dumps(
        {
            "ok": report.errors == 0,
            "errors": report.errors,
            "warnings": report.warnings,
            "articles": report.articles,
            "site": str(report.site) if report.site is not None else None,
            "pages": report.pages,
            "feeds": report.feeds,
            "findings": [
                {"severity": f.severity, "kind": f.kind, "path": f.path, "line": f.line, "message": f.message}
                for f in report.findings
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
