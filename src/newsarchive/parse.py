"""Parse one article's text into an `Article`. Pure: no file system, no clock.

`parse_article(path, text)` takes decoded text (see `decode.py`) and returns
the structured record, with every non-blank line of the file accounted for
in `Article.lines`. `.md` files are Markdown below front matter; everything
else is article text as people scrape it, in any of these shapes, detected
per file:

* the scraped-page shape: headline (often repeated), standfirst, `N min read`,
  then one paragraph per line with short subheadings and pull-quotes ending
  in ` |`, and part of the article repeated by the scraper;
* the plain shape: headline, blank line, paragraphs separated by blank lines,
  bullet lists kept as lists;
* a headline followed by date, timestamp or byline lines.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Literal

from . import dates, textmatch
from .errors import ContentError
from .frontmatter import Meta, split
from .markdown import parse_markdown
from .model import Article, Block, BlockKind, Dateline, LineRecord, LineRole, Notice

WORDS_PER_MINUTE = 200
# An exact repeat this short ("Ramifications", "Winners meet in final match") is
# dropped only inside a run of repeats: alone, it is section structure, not a
# scraper's second copy.
SHORT_REPEAT_WORDS = 8

DEFAULT_BOILERPLATE = (
    r"advertisement|advertising|sponsored(?: content)?",
    r"(?:read|see|watch|learn) (?:more|next|also)\b.{0,150}",
    r"related(?: articles?| stories| content| coverage| topics)?:?",
    r"(?:recommended|most (?:read|popular|viewed))(?: for you| stories| articles)?:?",
    r"(?:share|email|tweet|print) this(?: article| story| page)?.{0,40}",
    r"share (?:on|via) .{1,40}",
    r"(?:image|media|video|photo) (?:caption|copyright|credit)\b.{0,300}",
    r"follow (?:us|@\w+|\w+) on .{1,60}",
    r"(?:sign up|subscribe|register) (?:for|to|now|here|today)\b.{0,120}",
    r"(?:click|tap) here\b.{0,120}",
    r"continue reading\b.{0,80}",
    r"skip (?:to )?(?:main )?content|(?:back to )?top of page|comments?(?: \(\d+\))?",
    r"(?:(?:getty(?: images)?|rex(?: features)?|shutterstock|afp|ap(?: photo)?|reuters|pa(?: wire)?|epa|alamy)"
    r"\s*(?:/|,|and|&|via)?\s*)+",
)
# A "READ NEXT" box: the marker, then short link titles and their bylines.
_TEASER_MARKER = re.compile(r"^(?:read next|related|recommended|more on this story|you may also like):?$", re.I)

_READING_TIME = re.compile(r"^(?P<n>\d{1,3})\s*(?:-\s*)?(?:min|mins|minutes?)\.?\s+read$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa]|\d{1,2}[.)])\s+")
_NAME = r"[A-Z][\w'\u2019.-]*(?:\s+(?:van|von|de|der|da|del|la|le|bin|al|[A-Z][\w'\u2019.-]*)){1,3}"
_BY = re.compile(r"^by\s+(?P<names>.+)$", re.IGNORECASE)
_NAME_ONLY = re.compile(r"^" + _NAME + r"$")
_NAME_AGENCY = re.compile(r"^(?P<name>" + _NAME + r"),\s+(?P<agency>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})$")
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+){0,3}"
    r"(?:,?\s+(?:[A-Z][a-zA-Z]{0,3}\.){1,2}|,\s+[A-Z][a-z]+\.?(?:\s+[A-Z][a-z]+\.?)?)?)"
    r"(?:,\s+(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<agency>[^()]{1,40})\))?"
    r"\s*(?:--|[-\u2013\u2014])\s+(?=\S)"
)
_ATTRIBUTION_SEP = re.compile(r"\s+[-\u2013\u2014]\s+")
_SENTENCE_END = ".!?,;:\u2026"
_CLOSERS = "'\"\u2019\u201d)]\u00bb "

Kind = Literal["paragraph", "subheading", "pullquote", "list", "dropped"]


@dataclass(frozen=True, slots=True)
class Rules:
    """The loader's settings, from `newsarchive.yaml`."""

    boilerplate: tuple[re.Pattern[str], ...]
    near_duplicate_threshold: float = textmatch.NEAR_DUPLICATE_THRESHOLD

    @classmethod
    def make(cls, extra_boilerplate: tuple[str, ...] = (), threshold: float | None = None) -> Rules:
        patterns = tuple(re.compile(rf"^(?:{p})$", re.IGNORECASE) for p in (*DEFAULT_BOILERPLATE, *extra_boilerplate))
        return cls(patterns, textmatch.NEAR_DUPLICATE_THRESHOLD if threshold is None else threshold)


DEFAULT_RULES = Rules.make()


@dataclass(frozen=True, slots=True)
class _Unit:
    """A paragraph-sized piece of the file: one line, or a run of bullet lines."""

    line: int
    text: str
    lines: tuple[int, ...]
    items: tuple[str, ...] = ()


@dataclass(slots=True)
class _Body:
    unit: _Unit
    kind: Kind
    text: str
    attribution: str | None = None
    reason: Literal["duplicate", "near_duplicate", "boilerplate"] | None = None
    duplicate_of: int | None = None
    pattern: str | None = None


@dataclass(slots=True)
class _Header:
    headline: str | None = None
    standfirst: str | None = None
    reading_time: int | None = None
    date: dt.date | None = None
    byline: list[str] = field(default_factory=list)
    roles: dict[int, LineRecord] = field(default_factory=dict)


def parse_article(path: str, text: str, *, sidecar: Meta | None = None, rules: Rules = DEFAULT_RULES) -> Article:
    """Parse an article's text. Raises ContentError naming `path` and a line."""
    meta, body_start = split(path, text)
    if sidecar is not None:
        meta = sidecar.merged_over(meta)
    lines = text.split("\n")
    records = {i + 1: LineRecord(i + 1, "front_matter") for i in range(body_start) if lines[i].strip()}
    if path.lower().endswith((".md", ".markdown")):
        headline, blocks = parse_markdown(path, lines, body_start, meta, records)
        return _article(path, meta, _Header(headline=headline), None, blocks, records)
    return _parse_text(path, lines, body_start, meta, records, rules)


def _parse_text(
    path: str, lines: list[str], start: int, meta: Meta, records: dict[int, LineRecord], rules: Rules
) -> Article:
    units = _units(lines, start)
    if not units:
        raise ContentError.at(path, max(start, 1), "article has no text below its front matter")
    header, first_body = _header(units, meta)
    if header.headline is None:
        raise ContentError.at(path, units[0].line, "article has no headline; add 'headline:' to its front matter")
    body = _classify(units[first_body:], rules)
    _dedupe(body, header, rules)
    dateline, body = _dateline(body)
    blocks = _blocks(body)
    if not blocks:
        raise ContentError.at(path, units[-1].line, "article has no body text after its headline")
    records.update(header.roles)
    for item in body:
        role: LineRole = "dropped" if item.kind == "dropped" else item.kind
        for n in item.unit.lines:
            records[n] = LineRecord(n, role, item.reason, item.duplicate_of, item.pattern)
    return _article(path, meta, header, dateline, blocks, records)


def _article(
    path: str,
    meta: Meta,
    header: _Header,
    dateline: Dateline | None,
    blocks: tuple[Block, ...],
    records: dict[int, LineRecord],
) -> Article:
    warnings: list[Notice] = []
    date, origin = _resolve_date(path, meta, header)
    if date is None:
        warnings.append(Notice(path, 1, "undated: add 'date:' to front matter, a date line, or a date in the path"))
    words = textmatch.word_count(t for b in blocks for t in (b.items or (b.text,)))
    stated = header.reading_time
    return Article(
        source=path,
        headline=meta.headline or header.headline or "",
        standfirst=meta.standfirst or header.standfirst,
        byline=meta.byline if meta.byline is not None else tuple(header.byline),
        dateline=meta.dateline or dateline,
        date=date,
        reading_time=stated if stated is not None else max(1, math.ceil(words / WORDS_PER_MINUTE)),
        tags=meta.tags or (),
        blocks=blocks,
        lines=tuple(records[n] for n in sorted(records)),
        slug=meta.slug,
        source_name=meta.source,
        source_url=meta.url,
        article_id=meta.id,
        category=meta.category,
        draft=bool(meta.draft),
        demo=bool(meta.demo),
        date_origin=origin,
        warnings=tuple(warnings),
    )


def _resolve_date(
    path: str, meta: Meta, header: _Header
) -> tuple[dt.date | None, Literal["front_matter", "text", "path"] | None]:
    if meta.date is not None:
        return meta.date, "front_matter"
    if header.date is not None:
        return header.date, "text"
    if (from_path := dates.date_from_path(path)) is not None:
        return from_path, "path"
    return None, None


def _units(lines: list[str], start: int) -> list[_Unit]:
    """Group the body into units: each non-blank line, except that adjacent bullet lines form one list."""
    units: list[_Unit] = []
    i = start
    while i < len(lines):
        raw = lines[i]
        if not raw.strip():
            i += 1
            continue
        if _BULLET.match(raw):
            j = i
            while j < len(lines) and lines[j].strip() and _BULLET.match(lines[j]):
                j += 1
            if j - i >= 2:
                items = tuple(_BULLET.sub("", lines[k]).strip() for k in range(i, j))
                units.append(_Unit(i + 1, "\n".join(items), tuple(range(i + 1, j + 1)), items))
                i = j
                continue
        units.append(_Unit(i + 1, raw.strip(), (i + 1,)))
        i += 1
    return units


def _header(units: list[_Unit], meta: Meta) -> tuple[_Header, int]:
    """Read the headline and the lines under it; return them and the index of the first body unit."""
    header = _Header()
    first = units[0]
    key = textmatch.normalise
    if meta.headline is not None:
        header.headline = meta.headline
        i = 0
    elif _plausible_headline(first.text):
        header.headline = first.text
        header.roles[first.line] = LineRecord(first.line, "headline")
        i = 1
    else:
        return header, 0
    headline_key, headline_line = key(header.headline), first.line if i else None
    while i < len(units):
        unit = units[i]
        text = unit.text
        if key(text) == headline_key:
            if headline_line is None:
                headline_line = unit.line
                header.roles[unit.line] = LineRecord(unit.line, "headline")
            else:
                header.roles[unit.line] = LineRecord(unit.line, "dropped", "duplicate", headline_line)
        elif (minutes := _READING_TIME.match(text)) and header.reading_time is None:
            header.reading_time = int(minutes["n"])
            header.roles[unit.line] = LineRecord(unit.line, "reading_time")
        elif (when := dates.parse_date_line(text)) is not None:
            header.date = header.date or when
            header.roles[unit.line] = LineRecord(unit.line, "date")
        elif (names := _byline(text)) is not None:
            header.byline.extend(n for n in names if n not in header.byline)
            header.roles[unit.line] = LineRecord(unit.line, "byline")
        elif meta.standfirst is not None and key(text) == key(meta.standfirst):
            header.roles[unit.line] = LineRecord(unit.line, "standfirst")
        elif header.standfirst is None and meta.standfirst is None and _reading_time_follows(units, i + 1):
            header.standfirst = text
            header.roles[unit.line] = LineRecord(unit.line, "standfirst")
        else:
            break
        i += 1
    return header, i


def _reading_time_follows(units: list[_Unit], i: int) -> bool:
    """A standfirst is the line under a headline when only header lines separate it from `N min read`."""
    for unit in units[i : i + 4]:
        if _READING_TIME.match(unit.text):
            return True
        if dates.parse_date_line(unit.text) is None and _byline(unit.text) is None:
            return False
    return False


def _plausible_headline(text: str) -> bool:
    return len(text) <= 250 and len(text.split()) <= 30 and not _BULLET.match(text)


def _byline(text: str) -> list[str] | None:
    if len(text) > 120:
        return None
    if match := _BY.match(text):
        names = [n for n in _NAME_SPLIT.split(match["names"].strip().rstrip(".")) if n]
        people = [n for n in names if _NAME_ONLY.match(n)]
        return people if people and len(people) >= len(names) - 1 else None
    if match := _NAME_AGENCY.match(text):
        return [match["name"]]
    return None


def _classify(units: list[_Unit], rules: Rules) -> list[_Body]:
    body: list[_Body] = []
    in_teaser = False
    for k, unit in enumerate(units):
        text = unit.text
        if not unit.items and (pattern := _boilerplate(text, rules)) is not None:
            body.append(_Body(unit, "dropped", text, reason="boilerplate", pattern=pattern))
            in_teaser = bool(_TEASER_MARKER.match(text))
            continue
        if in_teaser and not unit.items and _teaser_line(text):
            body.append(_Body(unit, "dropped", text, reason="boilerplate", pattern="link list after READ NEXT"))
            continue
        in_teaser = False
        if unit.items:
            body.append(_Body(unit, "list", text))
        elif text.endswith(" |") or text == "|":
            quote, attribution = _pullquote(text)
            body.append(_Body(unit, "pullquote", quote, attribution))
        elif k + 1 < len(units) and _subheading(text):
            body.append(_Body(unit, "subheading", text))
        else:
            body.append(_Body(unit, "paragraph", text))
    return body


def _boilerplate(text: str, rules: Rules) -> str | None:
    if len(text) > 400:
        return None
    line = " ".join(text.split())
    for pattern in rules.boilerplate:
        if pattern.match(line):
            return pattern.pattern[4:-2]
    return None


def _teaser_line(text: str) -> bool:
    return _byline(text) is not None or (len(text.split()) <= 18 and not text.rstrip(_CLOSERS).endswith("."))


def _pullquote(text: str) -> tuple[str, str | None]:
    quote = text[:-1].rstrip()
    parts = _ATTRIBUTION_SEP.split(quote)
    if len(parts) >= 2:
        who = parts[-1].strip()
        if who and len(who.split()) <= 6 and who[0].isupper() and who[-1] not in ".!?":
            return quote[: quote.rfind(who)].rstrip(" -\u2013\u2014"), who
    return quote, None


def _subheading(text: str) -> bool:
    if len(text) > 80 or len(text.split()) > 10:
        return False
    core = text.rstrip(_CLOSERS)
    if not core or core[-1] in _SENTENCE_END or text[0] in "([":
        return False
    return text[0].isupper() or text[0].isdigit() or text[0] in "'\"\u2018\u201c"


def _dedupe(body: list[_Body], header: _Header, rules: Rules) -> None:
    """Mark repeats as dropped, in place. The first occurrence always stays."""
    key = textmatch.normalise
    seen: dict[tuple[bool, str], int] = {}
    for line, record in header.roles.items():
        if record.role == "headline" and header.headline:
            seen.setdefault((False, key(header.headline)), line)
        elif record.role == "standfirst" and header.standfirst:
            seen.setdefault((False, key(header.standfirst)), line)
    repeats: list[int] = []
    for idx, item in enumerate(body):
        if item.kind == "dropped":
            continue
        slot = (item.kind == "pullquote", key(item.text + (item.attribution or "")))
        first = seen.get(slot)
        if first is None:
            seen[slot] = item.unit.line
        else:
            item.reason, item.duplicate_of = "duplicate", first
            repeats.append(idx)
    for idx in repeats:
        item = body[idx]
        if len(item.text.split()) < SHORT_REPEAT_WORDS and item.kind != "pullquote" and not _in_run(body, idx):
            item.reason = item.duplicate_of = None
            continue
        item.kind = "dropped"
    index = textmatch.ShingleIndex(rules.near_duplicate_threshold)
    for item in body:
        if item.kind not in ("paragraph", "list"):
            continue
        if len(item.text.split()) < textmatch.NEAR_DUPLICATE_MIN_WORDS:
            continue
        sig = textmatch.shingles(item.text)
        original = index.find(sig)
        if original is not None:
            item.kind, item.reason, item.duplicate_of = "dropped", "near_duplicate", original
        else:
            index.add(item.unit.line, sig)


def _in_run(body: list[_Body], idx: int) -> bool:
    """Whether a neighbouring unit (pull-quotes and boilerplate aside) is also a repeat."""
    for step in (-1, 1):
        j = idx + step
        while 0 <= j < len(body) and (body[j].kind == "pullquote" or body[j].reason == "boilerplate"):
            j += step
        if 0 <= j < len(body) and body[j].reason in ("duplicate", "near_duplicate"):
            return True
    return False


def _dateline(body: list[_Body]) -> tuple[Dateline | None, list[_Body]]:
    """Take a dateline ("LONDON (Reuters) - ") off the start of the first paragraph."""
    for item in body:
        if item.kind == "dropped":
            continue
        if item.kind != "paragraph":
            return None, body
        match = _DATELINE.match(item.text)
        if not match or len(item.text) - match.end() < 20:
            return None, body
        place = match["place"].rstrip(" ,")
        dateline = Dateline(place=place, agency=match["agency"], date=match["date"])
        item.text = item.text[match.end() :]
        return dateline, body
    return None, body


def _blocks(body: list[_Body]) -> tuple[Block, ...]:
    """Kept units in reading order; each pull-quote goes after the original of the line above it."""
    keyed: list[tuple[int, int, int, Block]] = []
    anchor = 0
    for item in body:
        unit = item.unit
        if item.kind == "pullquote":
            block = Block("pullquote", item.text, unit.line, attribution=item.attribution)
            keyed.append((anchor, 1, unit.line, block))
            continue
        if item.reason in ("duplicate", "near_duplicate") and item.duplicate_of is not None:
            anchor = item.duplicate_of
        elif item.reason != "boilerplate":
            anchor = unit.line
        if item.kind in ("paragraph", "subheading", "list"):
            kind: BlockKind = item.kind
            keyed.append((unit.line, 0, unit.line, Block(kind, item.text, unit.line, items=unit.items)))
    keyed.sort(key=lambda k: k[:3])
    return tuple(k[3] for k in keyed)
