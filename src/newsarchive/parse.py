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
* a headline with the page's address, date, timestamp or byline lines around
  it, and a dateline ("LONDON (Reuters) - ") opening the first paragraph.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Literal

from . import dates, textmatch
from .errors import ContentError
from .frontmatter import Meta, split_lines
from .model import Article, BlockKind, Blocks, Dateline, LineRecord, LineRole, Lines, Notice

WORDS_PER_MINUTE = 200
# A repeated line shorter than this, or one that is not a sentence, is section
# structure ("Ramifications", "Winners meet in final match", a job title in a
# list of people, a tweet's attribution), not a scraper's second copy. It is
# dropped only next to its original or inside a run of repeated paragraphs.
SHORT_REPEAT_WORDS = 8
# A repeat this long is a copy even without a full stop.
LONG_REPEAT_WORDS = 20
# The most link lines a "READ NEXT" box holds before we stop believing it is one.
TEASER_LINES = 6
# Longer first lines are the first paragraph, not a headline; so is a first
# line over HEADLINE_SENTENCE_CHARS that ends with a full stop or a colon.
HEADLINE_MAX_CHARS = 200
HEADLINE_MAX_WORDS = 40
HEADLINE_SENTENCE_CHARS = 100
# A subheading is no longer than this.
HEADING_MAX_CHARS = 80

DEFAULT_BOILERPLATE = (
    r"advertisement|advertising|sponsored(?: content)?",
    # "Read more", "Read more: <link>", "See more of the latest ..."; not "Read more books, he said."
    r"(?:read|see|watch|learn) (?:more|next|also)(?:(?:\s*:|\s+(?:about|here|at|on|from|in|of the latest|of our)\b).{0,150})?",
    r"related(?: articles?| stories| content| coverage| topics)?:?",
    r"related(?: articles?| stories)?: .{1,150}",
    r"(?:recommended|most (?:read|popular|viewed))(?: for you| stories| articles)?:?",
    r"(?:share|email|tweet|print) this(?: article| story| page)?.{0,40}",
    r"share (?:on|via) .{1,40}",
    r"(?:(?:facebook|twitter|pinterest|linkedin|whatsapp|reddit|email|google\+?)\s*){2,}",
    r"(?:image|media|video|photo) (?:caption|copyright|credit)\b.{0,300}",
    r"follow(?: (?:us|@\w+|\w+) on .{1,60})?",
    r"(?:sign up|subscribe)(?: (?:for|to|now|here|today)\b.{0,120})?|register (?:now|here|for free)\b.{0,80}",
    r"(?:click|tap) here\b.{0,120}",
    r"continue reading\b.{0,80}",
    r"(?:play|watch) (?:the )?video",
    r"skip (?:to )?(?:main )?content|(?:back to )?top of page|comments?(?: \(\d+\))?",
    r"(?:(?:getty(?: images)?|rex(?: features)?|shutterstock|afp|ap(?: photo)?|reuters|pa(?: wire)?|epa|alamy"
    r"|splash(?: news)?)\s*(?:/|,|and|&|via)?\s*)+",
)
# A "READ NEXT" box: the marker, then short link titles and their bylines.
_TEASER_MARKER = re.compile(
    r"^(?:read next|read more|see also|also read|related(?: stories| articles)?|recommended(?: for you)?"
    r"|more on this story|you may also like|don't miss|most read):?$",
    re.IGNORECASE,
)

_URL_LINE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
_READING_TIME = re.compile(r"^(?P<n>\d{1,3})\s*(?:-\s*)?(?:min|mins|minutes?)\.?\s+read$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa]|\d{1,2}[.)])\s+")
_BULLET_OPENERS = "-*\u2022\u25cf\u25aa"
# Bullets go (the list shows its own); numbers stay, since a list renders unnumbered.
_BULLET_MARK = re.compile(r"^\s*[-*\u2022\u25cf\u25aa]\s+")
_NAME = r"[A-Z][\w'\u2019.-]*(?:\s+(?:van|von|de|der|da|del|la|le|bin|al|[A-Z][\w'\u2019.-]*)){1,3}"
# The organisation or desk after a byline's name: "Reuters", "BBC News", "Political Editor".
_OUTLET = re.compile(
    r"^(?:Reuters|AP|AFP|UPI|PA|DPA|dpa|EFE|ANSA|TASS|Xinhua|Kyodo|Interfax|Bloomberg|CNN|BBC|NPR|Associated Press"
    r"|Press Association|Agence France-Presse|(?:[A-Z][\w&.'-]*\s+){0,3}(?:News|Times|Post|Press|Wire|Herald"
    r"|Journal|Telegraph|Guardian|Tribune|Gazette|Mail|Express|Independent|Observer|Correspondent|Reporter"
    r"|Editor|Writer|Staff|Agency|Magazine|Weekly|Daily|Online|Network|Media))$"
)
_BY = re.compile(r"^by\s+(?P<names>.+)$", re.IGNORECASE)
_NAME_ONLY = re.compile(r"^" + _NAME + r"$")
_NAME_AGENCY = re.compile(r"^(?P<name>" + _NAME + r"),\s+(?P<agency>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})$")
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")

# Datelines: "LONDON (Reuters) - ", "BEIRUT, Oct 2 (AFP) — ", "WASHINGTON, D.C. – ",
# "PHOENIX A.Z. (AP) — ", "Indianapolis, IN — ", "Park City, Utah (CNN)Mitt Romney ...".
_UPPER_PLACE = r"[A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+){0,3}"
_MIXED_PLACE = r"[A-Z][a-z.'\u2019-]+(?:\s+[A-Z][a-z.'\u2019-]+){0,2}"
_ABBREVIATED_REGION = r"(?:,?\s+(?:[A-Z][a-zA-Z]{0,3}\.){1,2}|,\s+[A-Z]{2}\b)"
_REGION = r"(?:" + _ABBREVIATED_REGION + r"|,\s+[A-Z][a-z]+\.?(?:\s+[A-Z][a-z]+\.?)?)"
_DATELINE_DATE = r"(?:,\s+(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s+\d{4})?))?"
_AGENCY = r"\((?P<agency>[^()]{1,40})\)"
_DASH = r"(?:\s*-\s+|\s*(?:--|[\u2013\u2014])\s*)"
_PLACE = rf"(?P<place>{_UPPER_PLACE}{_REGION}?|{_MIXED_PLACE}{_ABBREVIATED_REGION})"
_CITED_PLACE = rf"(?P<place>{_MIXED_PLACE}{_REGION}?)"
_OPENS_TEXT = r"(?=[\w\"'\u201c\u2018])"
_DATELINE = re.compile(rf"^{_PLACE}{_DATELINE_DATE}\s*(?:{_AGENCY})?{_DASH}{_OPENS_TEXT}")
# CNN's style: "Park City, Utah (CNN)Mitt Romney said ..."
_CITED_DATELINE = re.compile(rf"^{_CITED_PLACE}\s*{_AGENCY}(?:{_DASH})?(?=[A-Z\"'\u201c\u2018])")
# A dateline on a line of its own, its paragraph below.
_DATELINE_ONLY = re.compile(rf"^{_PLACE}{_DATELINE_DATE}\s*(?:{_AGENCY})?\s*(?:--|[-\u2013\u2014])$")
_CITED_DATELINE_ONLY = re.compile(rf"^{_CITED_PLACE}{_DATELINE_DATE}\s*{_AGENCY}\s*(?:--|[-\u2013\u2014])?$")
# How every dateline on its own line ends: cheap to look for first.
_DATELINE_ENDS = ("-", "\u2013", "\u2014", ")")
# Capitalised words that open a paragraph like a place but are labels.
_NOT_PLACES = frozenset(
    "BREAKING UPDATE UPDATED EXCLUSIVE WATCH VIDEO PHOTOS PHOTO LIVE OPINION ANALYSIS NOTE CORRECTION "
    "WARNING SPOILER REPORT URGENT ALERT FLASHBACK EDITOR'S EDITOR\u2019S WOW WHOA OMG REVEALED SHOCK SHOCKING "
    "LATEST BOOM".split()
)
_DATELINE_MIN_REST = 20
# How far down a paragraph opening with a date still dates the article.
DATED_OPENING_PARAGRAPHS = 3

_ATTRIBUTION_SEP = re.compile(r"\s+[-\u2013\u2014]\s+")
_SENTENCE_END = ".!?,;:\u2026"
_FULL_STOP = ".!?\u2026"
_CLOSERS = "'\"\u2019\u201d)]\u00bb "
# A line ending in one of these is a sentence cut short, not a heading.
_DANGLING = frozenset("a an the and or but of to in on at as for with by from that which who".split())

Kind = Literal["paragraph", "subheading", "pullquote", "list", "dateline", "dropped"]
Reason = Literal["duplicate", "near_duplicate", "boilerplate"]


def _alternation(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """All the patterns as one regex, so that a line is tried in one call instead of one per pattern.

    Alternatives are tried in order, so the first that matches is the first
    pattern that matches on its own, and the number of its group (the only
    group that takes part, since the patterns have none of their own) says
    which. Each pattern compiled on its own, so its brackets balance and it
    cannot reach outside its group. Patterns this cannot merge exactly are
    tried one by one.
    """
    flags = {p.flags for p in patterns}
    if len(flags) != 1 or any(p.groups for p in patterns) or flags.pop() & re.VERBOSE:
        return None
    try:
        return re.compile("|".join(f"({p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return None


@dataclass(frozen=True, slots=True)
class Rules:
    """The loader's settings, from `newsarchive.yaml`."""

    boilerplate: tuple[re.Pattern[str], ...]
    near_duplicate_threshold: float = textmatch.NEAR_DUPLICATE_THRESHOLD
    # The boilerplate patterns merged into one regex; None when they cannot be merged exactly.
    any_boilerplate: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "any_boilerplate", _alternation(self.boilerplate))

    @classmethod
    def make(cls, extra_boilerplate: tuple[str, ...] = (), threshold: float | None = None) -> Rules:
        patterns = tuple(re.compile(rf"^(?:{p})$", re.IGNORECASE) for p in (*DEFAULT_BOILERPLATE, *extra_boilerplate))
        return cls(patterns, textmatch.NEAR_DUPLICATE_THRESHOLD if threshold is None else threshold)


DEFAULT_RULES = Rules.make()

# Line records are small immutable values that recur from file to file (line 5 is a paragraph in
# most of them); sharing them spares building thousands of identical frozen records.
_record = functools.lru_cache(maxsize=1 << 14)(LineRecord)


class _Unit:
    """A paragraph-sized piece of the file: one line, or a run of bullet lines.

    With it, `text` squeezed (for boilerplate) and normalised (for repeats), and its number of words (the
    squeezed text has them one space apart): asked for often, so made once. A plain class: one is made for
    every line of every file, and a dataclass's `__post_init__` is a call more each time."""

    __slots__ = ("items", "key", "line", "lines", "squeezed", "text", "words")

    def __init__(self, line: int, text: str, lines: tuple[int, ...], items: tuple[str, ...] = ()) -> None:
        self.line = line
        self.text = text
        self.lines = lines
        self.items = items
        # squeeze(text), done here for a line that is stripped: a printable one without two spaces together.
        self.squeezed = squeezed = textmatch.squeeze(text) if items or not text.isprintable() or "  " in text else text
        self.key = squeezed if text.isascii() else textmatch.normalise(text)
        self.words = squeezed.count(" ") + 1 if squeezed else 0


@dataclass(slots=True)
class _Body:
    unit: _Unit
    kind: Kind
    text: str
    attribution: str | None = None
    reason: Reason | None = None
    duplicate_of: int | None = None
    pattern: str | None = None
    # `text` split into words and 3-grams by the near-duplicate check, for the sketch to reuse.
    split: textmatch.Split | None = None


@dataclass(slots=True)
class _Header:
    headline: str | None = None
    standfirst: str | None = None
    reading_time: int | None = None
    date: dt.date | None = None
    url: str | None = None
    byline: list[str] = field(default_factory=list)
    roles: dict[int, LineRecord] = field(default_factory=dict)


def parse_article(path: str, text: str, *, sidecar: Meta | None = None, rules: Rules = DEFAULT_RULES) -> Article:
    """Parse an article's text. Raises ContentError naming `path` and a line."""
    # decode() already did this; text from elsewhere gets the same line numbers it would have.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    meta, body_start = split_lines(path, lines)
    if sidecar is not None:
        meta = sidecar.merged_over(meta)
    records = {i + 1: _record(i + 1, "front_matter") for i in range(body_start) if lines[i].strip()}
    if path.lower().endswith((".md", ".markdown")):
        from .markdown import parse_markdown  # Markdown's parser is loaded only for Markdown files

        headline, blocks = parse_markdown(path, lines, body_start, meta, records)
        texts = [t for b in blocks for t in (b.items or (b.text,))]
        lede = next((b.text for b in blocks if b.kind == "paragraph"), None)
        words = textmatch.word_count(texts)
        return _article(
            path, meta, _Header(headline=headline), None, Blocks(blocks), lede, records, words, texts, texts
        )
    return _parse_text(path, lines, body_start, meta, records, rules)


def _parse_text(
    path: str, lines: list[str], start: int, meta: Meta, records: dict[int, LineRecord], rules: Rules
) -> Article:
    units = _units(lines, start)
    if not units:
        raise ContentError.at(path, max(start, 1), "article has no text below its front matter")
    header, first_body = _header(units, meta, rules)
    if header.headline is None:
        where = units[min(first_body, len(units) - 1)].line
        raise ContentError.at(
            path, where, "article has no headline; add 'headline:' to its front matter or to a sidecar NAME.yaml"
        )
    body = _classify(units[first_body:], rules)
    _dedupe(body, header, rules)
    dateline = _dateline(body, header)
    _subheadings(body)
    kept = _reading_order(body)
    if not kept:
        where = units[-1].line
        raise ContentError.at(path, where, "article has no body text after its headline")
    records.update(header.roles)
    for item in body:
        role: LineRole = "dropped" if item.kind == "dropped" else item.kind
        for n in item.unit.lines:
            records[n] = _record(n, role, item.reason, item.duplicate_of, item.pattern)
    words = sum(map(_word_count, kept))
    # The blocks' field values, in the packed form a worker process sends them in (see model.Packed): making
    # the Block records here would only be undone when they are sent.
    rows = tuple(map(_block_row, kept))
    blocks = Blocks.from_rows(rows)
    body_texts = [text for row in rows for text in (row[4] or (row[1],))]
    lede = next((row[1] for row in rows if row[0] == "paragraph"), None)
    pieces = [item.split if item.split is not None and item.text == item.unit.text else item.text for item in kept]
    return _article(path, meta, header, dateline, blocks, lede, records, words, body_texts, pieces)


def _word_count(item: _Body) -> int:
    """`len(item.text.split())`, counted once for the unit's own text."""
    if item.text == item.unit.text:
        return item.unit.words
    squeezed = textmatch.squeeze(item.text)
    return squeezed.count(" ") + 1 if squeezed else 0


def _article(
    path: str,
    meta: Meta,
    header: _Header,
    dateline: Dateline | None,
    blocks: Blocks,
    lede: str | None,
    records: dict[int, LineRecord],
    words: int,
    body_texts: Sequence[str],
    pieces: Sequence[str | textmatch.Split],
) -> Article:
    """The record, from everything found; `body_texts` are the blocks' texts and items in reading order, and
    `pieces` the same text, some of it already split into words. `lede` is the first paragraph's text."""
    body_text = "\n".join(body_texts)
    warnings: list[Notice] = []
    date, origin = _resolve_date(path, meta, header, dateline)
    if date is None:
        warnings.append(Notice(path, 1, "undated: add 'date:' to front matter, a date line, or a date in the path"))
    stated = header.reading_time
    headline = meta.headline or header.headline or ""
    return Article(
        source=path,
        headline=headline,
        standfirst=meta.standfirst or header.standfirst,
        byline=meta.byline if meta.byline is not None else tuple(header.byline),
        dateline=meta.dateline or dateline,
        date=date,
        reading_time=stated if stated is not None else max(1, math.ceil(words / WORDS_PER_MINUTE)),
        tags=meta.tags or (),
        blocks=blocks,
        lines=Lines(records[n] for n in sorted(records)),
        slug=meta.slug,
        source_name=meta.source,
        source_url=meta.url or header.url,
        article_id=meta.id,
        category=meta.category,
        draft=bool(meta.draft),
        demo=bool(meta.demo),
        date_origin=origin,
        warnings=tuple(warnings),
        sketch=textmatch.packed(textmatch.sketch([headline, *pieces])),
        terms=textmatch.terms("\n".join([headline, body_text])),
        lede=body_text if lede is None else lede,
        drops=tuple(sorted(Counter(r.reason for r in records.values() if r.reason).items())),
    )


def _resolve_date(
    path: str, meta: Meta, header: _Header, dateline: Dateline | None
) -> tuple[dt.date | None, Literal["front_matter", "text", "path"] | None]:
    """Front matter or sidecar first, then the text (a date line, a dated dateline, the page's address), then the path."""
    if meta.date is not None:
        return meta.date, "front_matter"
    if header.date is not None:
        return header.date, "text"
    if dateline is not None and dateline.date and (when := dates.parse_date_line(dateline.date)) is not None:
        return when, "text"
    if header.url and (when := dates.date_from_path(header.url)) is not None:
        return when, "text"
    if (from_path := dates.date_from_path(path)) is not None:
        return from_path, "path"
    return None, None


def _units(lines: list[str], start: int) -> list[_Unit]:
    """Group the body into units: each non-blank line, except that adjacent bullet lines form one list."""
    units: list[_Unit] = []
    i = start
    while i < len(lines):
        raw = lines[i]
        text = raw.strip()
        if not text:
            i += 1
            continue
        # Only a line opening with a mark or a digit can be a bullet; most open with neither.
        if (text[0] in _BULLET_OPENERS or text[0].isdecimal()) and _BULLET.match(raw):
            j = i
            while j < len(lines) and lines[j].strip() and _BULLET.match(lines[j]):
                j += 1
            if j - i >= 2:
                items = tuple(_BULLET_MARK.sub("", lines[k]).strip() for k in range(i, j))
                units.append(_Unit(i + 1, "\n".join(items), tuple(range(i + 1, j + 1)), items))
                i = j
                continue
        units.append(_Unit(i + 1, text, (i + 1,)))
        i += 1
    return units


def _header(units: list[_Unit], meta: Meta, rules: Rules) -> tuple[_Header, int]:
    """Read the headline and the lines around it; return them and the index of the first body unit."""
    header = _Header()
    key = textmatch.normalise
    i = 0
    # Scraped pages often open with their own address or a line of page furniture.
    while i < len(units) and not units[i].items:
        unit = units[i]
        if _URL_LINE.match(unit.text):
            header.url = header.url or unit.text
            header.roles[unit.line] = LineRecord(unit.line, "url")
        elif (pattern := _boilerplate(unit.text, rules, unit.squeezed)) is not None:
            header.roles[unit.line] = LineRecord(unit.line, "dropped", "boilerplate", pattern=pattern)
        else:
            break
        i += 1
    if i == len(units):
        return header, i
    first = units[i]
    headline_line: int | None = None
    if meta.headline is not None:
        header.headline = meta.headline
    elif _plausible_headline(first):
        header.headline = first.text
        header.roles[first.line] = LineRecord(first.line, "headline")
        headline_line = first.line
        i += 1
    else:
        return header, i
    headline_key = key(header.headline)
    while i < len(units):
        unit = units[i]
        text = unit.text
        if unit.items:
            break
        if unit.key == headline_key:
            if headline_line is None:
                headline_line = unit.line
                header.roles[unit.line] = LineRecord(unit.line, "headline")
            else:
                header.roles[unit.line] = LineRecord(unit.line, "dropped", "duplicate", headline_line)
        elif _URL_LINE.match(text):
            header.url = header.url or text
            header.roles[unit.line] = LineRecord(unit.line, "url")
        elif (pattern := _boilerplate(text, rules, unit.squeezed)) is not None and not _TEASER_MARKER.match(text):
            header.roles[unit.line] = LineRecord(unit.line, "dropped", "boilerplate", pattern=pattern)
        elif (minutes := _READING_TIME.match(text)) and header.reading_time is None:
            header.reading_time = int(minutes["n"])
            header.roles[unit.line] = LineRecord(unit.line, "reading_time")
        elif (when := dates.parse_date_line(text)) is not None:
            header.date = header.date or when
            header.roles[unit.line] = LineRecord(unit.line, "date")
        elif (names := _byline(text)) is not None:
            header.byline.extend(n for n in names if n not in header.byline)
            header.roles[unit.line] = LineRecord(unit.line, "byline")
        elif meta.standfirst is not None and unit.key == key(meta.standfirst):
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


def _plausible_headline(unit: _Unit) -> bool:
    """Whether the first line can be the headline: short, and not a byline, date, list or dateline."""
    text = unit.text
    if unit.items or len(text) > HEADLINE_MAX_CHARS or len(text.split()) > HEADLINE_MAX_WORDS:
        return False
    if len(text) > HEADLINE_SENTENCE_CHARS and text.rstrip(_CLOSERS).endswith((".", ":")) and not text.endswith("..."):
        return False
    if _READING_TIME.match(text) or dates.parse_date_line(text) is not None or _byline(text) is not None:
        return False
    if _standalone_dateline(text) is not None:
        return False
    # "WASHINGTON — Donald Trump will become president." opens a body; "WHOA – Liberals Got KNOCKED OUT!" is a headline.
    sentence = len(text) > HEADLINE_SENTENCE_CHARS or text.rstrip(_CLOSERS).endswith(".")
    return not sentence or _dateline_match(text) is None


def _byline(text: str) -> list[str] | None:
    """The names in a byline line ("By Jane Doe and John Roe", "Jane Doe, Reuters"), or None."""
    if len(text) > 120:
        return None
    if match := _BY.match(text):
        parts = [p for p in _NAME_SPLIT.split(match["names"].strip().rstrip(".")) if p]
        people = [p for p in parts if _NAME_ONLY.match(p) and not _OUTLET.match(p)]
        outlets = [p for p in parts if p not in people and _OUTLET.match(p)]
        return people if people and len(people) + len(outlets) == len(parts) else None
    if (match := _NAME_AGENCY.match(text)) and _OUTLET.match(match["agency"]):
        return [match["name"]]
    return None


def _classify(units: list[_Unit], rules: Rules) -> list[_Body]:
    """Give each body unit a kind: page furniture is dropped, the rest is paragraph, list or pull-quote."""
    body: list[_Body] = []
    teaser_left = 0
    for unit in units:
        text = unit.text
        if unit.items:
            teaser_left = 0
            body.append(_Body(unit, "list", text))
            continue
        if (pattern := _boilerplate(text, rules, unit.squeezed)) is not None:
            teaser_left = TEASER_LINES if _TEASER_MARKER.match(text) else 0
        elif teaser_left and _teaser_line(text):
            pattern = "link list after READ NEXT"
            # A teaser box ends with the linked story's byline.
            teaser_left = 0 if _byline(text) is not None else teaser_left - 1
        else:
            teaser_left = 0
        if pattern is not None:
            body.append(_Body(unit, "dropped", text, reason="boilerplate", pattern=pattern))
        elif text.endswith(" |") and _has_word(text[:-2]):
            quote, attribution = _pullquote(text)
            body.append(_Body(unit, "pullquote", quote, attribution))
        elif text[0] in _QUOTE_OPENERS and _display_quote(text):
            body.append(_Body(unit, "pullquote", text.strip("\"'\u201c\u201d")))
        else:
            body.append(_Body(unit, "paragraph", text))
    return body


def _subheadings(body: list[_Body]) -> None:
    """Promote short lines that stand alone between longer text to subheadings, in place.

    A run of short lines is a list of names, a fact box or a tweet's
    furniture and stays paragraphs; so does a short last line. Dropped lines
    and pull-quotes are not neighbours: the judgement is made on what is kept.
    """
    kept = [item for item in body if item.kind in ("paragraph", "list")]
    # Most paragraphs are too long to be headings, which is quicker to see here than in _heading_shaped.
    short = [
        item.kind == "paragraph" and len(item.text) <= HEADING_MAX_CHARS and _heading_shaped(item.text) for item in kept
    ]
    for n, item in enumerate(kept):
        if short[n] and n + 1 < len(kept) and not short[n + 1] and (n == 0 or not short[n - 1]):
            item.kind = "subheading"


_QUOTE_OPENERS = '"\u201c'


def _display_quote(text: str) -> bool:
    """A quotation set in capitals on a line of its own: a pull-quote without the ` |` marker."""
    if len(text) < 2 or text[0] not in _QUOTE_OPENERS or text[-1] not in '"\u201d':
        return False
    letters = [c for c in text if c.isalpha()]
    return len(text.split()) >= 4 and len(letters) >= 12 and all(c.isupper() for c in letters)


def _boilerplate(text: str, rules: Rules, squeezed: str | None = None) -> str | None:
    """The pattern a whole line matches, if any; `squeezed` is `textmatch.squeeze(text)` when known."""
    if len(text) > 400:
        return None
    line = textmatch.squeeze(text) if squeezed is None else squeezed
    if rules.any_boilerplate is not None:
        match = rules.any_boilerplate.match(line)
        if match is None or match.lastindex is None:
            return None
        return rules.boilerplate[match.lastindex - 1].pattern[4:-2]
    for pattern in rules.boilerplate:
        if pattern.match(line):
            return pattern.pattern[4:-2]
    return None


def _teaser_line(text: str) -> bool:
    return _byline(text) is not None or (len(text.split()) <= 18 and not text.rstrip(_CLOSERS).endswith("."))


def _pullquote(text: str) -> tuple[str, str | None]:
    """The quote and its attribution from `quote - Name |`; a dash inside the quote stays in it."""
    quote = text[:-1].strip()
    separators = list(_ATTRIBUTION_SEP.finditer(quote))
    if separators:
        last = separators[-1]
        said, who = quote[: last.start()].strip(), quote[last.end() :].strip()
        if who and len(who.split()) <= 6 and who[0].isupper() and who[-1] not in ".!?" and _has_word(said):
            return said, who
    return quote, None


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _heading_shaped(text: str) -> bool:
    """Short, capitalised, no closing punctuation, and not a sentence cut off mid-way."""
    if len(text) > HEADING_MAX_CHARS:
        return False
    words = text.split()
    if len(words) > 10 or not any(c.isalpha() for c in text):
        return False
    core = text.rstrip(_CLOSERS)
    if not core or core[-1] in _SENTENCE_END or text[0] in "([":
        return False
    if len(words) > 1 and words[-1].lower() in _DANGLING:
        return False
    return text[0].isupper() or text[0].isdigit() or text[0] in "'\"\u2018\u201c"


def _sentence_like(item: _Body) -> bool:
    """Whether a repeated line is substantial enough that repeating it can only be a copy."""
    count = _word_count(item)
    if count >= LONG_REPEAT_WORDS:
        return True
    core = item.text.rstrip(_CLOSERS)
    return count >= SHORT_REPEAT_WORDS and bool(core) and core[-1] in _FULL_STOP


def _dedupe(body: list[_Body], header: _Header, rules: Rules) -> None:
    """Mark repeats as dropped, in place. The first occurrence always stays.

    Exact repeats are found first, then near-duplicates among the rest; only
    then is each exact repeat judged, so that a short repeated line is
    dropped exactly when it sits next to its original or inside a run of
    copied paragraphs, whichever kind of copy they are.
    """
    key = textmatch.normalise
    seen: dict[tuple[bool, str], int] = {}
    for line, record in header.roles.items():
        if record.role == "headline" and header.headline:
            seen.setdefault((False, key(header.headline)), line)
        elif record.role == "standfirst" and header.standfirst:
            seen.setdefault((False, key(header.standfirst)), line)
    # Where each text was last seen (-1: in the header), to tell a repeat that follows the line it repeats.
    latest: dict[tuple[bool, str], int] = dict.fromkeys(seen, -1)
    firsts = latest.copy()  # where each text was first seen
    previous: dict[int, int] = {}
    origin: dict[int, int] = {}  # where each repeat's text was first seen
    repeats: list[int] = []
    for idx, item in enumerate(body):
        if item.kind == "dropped":
            continue
        slot = (item.kind == "pullquote", _repeat_key(item))
        first = seen.get(slot)
        if first is None:
            seen[slot], firsts[slot] = item.unit.line, idx
        else:
            item.reason, item.duplicate_of = "duplicate", first
            repeats.append(idx)
            previous[idx] = latest[slot]
            origin[idx] = firsts[slot]
        latest[slot] = idx
    index = textmatch.ShingleIndex(rules.near_duplicate_threshold)
    for item in body:
        if item.kind not in ("paragraph", "list") or item.reason is not None:
            continue
        if _word_count(item) < textmatch.NEAR_DUPLICATE_MIN_WORDS:
            continue
        item.split = textmatch.Split(textmatch.encoded_words(item.text))
        original = index.match_or_add(item.unit.line, item.split)
        if original is not None:
            item.kind, item.reason, item.duplicate_of = "dropped", "near_duplicate", original
    if not repeats:
        return
    copies = {idx for idx, item in enumerate(body) if item.reason == "near_duplicate"}
    # A repeat of a near-duplicate nearly repeats what that one does, so it is a copy as much as it is.
    copies.update(idx for idx in repeats if _sentence_like(body[idx]) or origin[idx] in copies)
    in_copied_run = _copied_runs(body, copies)
    # Lines before a repeat are settled by the time it is judged (repeats are judged in order), so one
    # pass finds, for each repeat, the last line before it that is kept in the flow of the text.
    last_kept, scanned = -1, 0
    for idx in repeats:
        item = body[idx]
        assert item.duplicate_of is not None
        for j in range(scanned, idx):
            if body[j].kind not in ("dropped", "pullquote"):
                last_kept = j
        scanned = idx
        # Next to its original: only dropped lines or pull-quotes (outside the flow of the text) between them.
        # Anything else kept between the two, even a short line such as a name in a list of people, means
        # the repeat may be structure and must stay.
        near = last_kept <= previous[idx]
        if item.kind == "pullquote" or near or in_copied_run(idx):
            item.kind = "dropped"
        else:
            item.reason = item.duplicate_of = None


def _repeat_key(item: _Body) -> str:
    """`normalise(text + " | " + attribution)`: the text a repeat must match."""
    if item.attribution is None:
        # The same string, built from the normalised text the unit already has where it can be: NFKC
        # leaves " | " as it is and never joins it to the text before it.
        text = item.unit.key if item.text == item.unit.text else textmatch.normalise(item.text)
        return text + " |" if text else "|"
    return textmatch.normalise(item.text + " | " + item.attribution)


def _copied_runs(body: list[_Body], copies: set[int]) -> Callable[[int], bool]:
    """Whether the run of consecutive repeats around a repeat holds a copied paragraph, for each repeat.

    Pull-quotes and boilerplate inside a run do not break it: scrapers copy the article's furniture
    along with its paragraphs. A repeated pull-quote counts as a copy only for the repeats after it,
    which see it once it has been dropped. Each run is looked at once, so this stays linear when a
    long stretch of a file comes twice.
    """
    run_of: dict[int, tuple[bool, float]] = {}
    members: list[int] = []

    def close() -> None:
        copied = [j for j in members if j in copies]
        plain = any(body[j].kind != "pullquote" for j in copied)
        first_quote = min((j for j in copied if body[j].kind == "pullquote"), default=math.inf)
        run_of.update(dict.fromkeys(members, (plain, first_quote)))
        members.clear()

    for j, item in enumerate(body):
        if item.kind == "pullquote" or item.reason in ("boilerplate", "duplicate", "near_duplicate"):
            members.append(j)
        elif members:
            close()
    close()

    def in_copied_run(idx: int) -> bool:
        plain, first_quote = run_of[idx]
        return idx in copies or plain or first_quote < idx

    return in_copied_run


def _dateline_match(text: str) -> tuple[Dateline, int] | None:
    """A dateline opening `text` and where the paragraph proper starts."""
    # Both shapes need a dash or a bracket, which many paragraphs are without: looking is quicker than matching.
    if not ("-" in text or "(" in text or "\u2013" in text or "\u2014" in text):
        return None
    match = _DATELINE.match(text)
    if match is None:
        match = _CITED_DATELINE.match(text)
        if match is None or match["agency"].isdigit():
            return None
    if len(text) - match.end() < _DATELINE_MIN_REST:
        return None
    place = match["place"].rstrip(" ,")
    if place.split()[0].rstrip(".,:") in _NOT_PLACES:
        return None
    groups = match.groupdict()
    return Dateline(place=place, agency=groups["agency"], date=groups.get("date")), match.end()


def _standalone_dateline(text: str) -> Dateline | None:
    """A line that is only a dateline ("WASHINGTON, D.C. –"), its paragraph on the next line."""
    # Both shapes end with a dash or the agency's bracket.
    if not text.rstrip().endswith(_DATELINE_ENDS):
        return None
    match = _DATELINE_ONLY.match(text) or _CITED_DATELINE_ONLY.match(text)
    if match is None or match["place"].split()[0].rstrip(".,:") in _NOT_PLACES:
        return None
    return Dateline(place=match["place"].rstrip(" ,"), agency=match["agency"], date=match["date"])


def _dateline(body: list[_Body], header: _Header) -> Dateline | None:
    """Take a dateline ("LONDON (Reuters) - ") off the start of the first paragraph.

    A paragraph near the top that opens with a date instead ("December 29,
    2016: ...") keeps its text and dates the article.
    """
    kept = [item for item in body if item.kind != "dropped"]
    dateline = _take_dateline(kept)
    _dated_opening((item for item in kept if item.kind != "dateline"), header)
    return dateline


def _take_dateline(kept: list[_Body]) -> Dateline | None:
    if not kept or kept[0].kind != "paragraph":
        return None
    first = kept[0]
    # A dateline on its own line needs its paragraph next; a pull-quote set beside it does not count.
    alone = _standalone_dateline(first.text)
    if alone is not None:
        following = next((item for item in islice(kept, 1, None) if item.kind != "pullquote"), None)
        if following is not None and following.kind == "paragraph":
            first.kind = "dateline"
            return alone
    if (found := _dateline_match(first.text)) is not None:
        dateline, end = found
        first.text = first.text[end:]
        return dateline
    return None


def _dated_opening(kept: Iterable[_Body], header: _Header) -> None:
    """Date the article from a paragraph near the top that opens with a date ("December 29, 2016: ...")."""
    if header.date is not None:
        return
    for item in islice(kept, DATED_OPENING_PARAGRAPHS):
        if item.kind == "paragraph" and (prefix := dates.date_prefix(item.text)) is not None:
            header.date = prefix[0]
            return


def _reading_order(body: list[_Body]) -> list[_Body]:
    """The items that become blocks, in reading order; each pull-quote goes after the original of the line above it."""
    keyed: list[tuple[int, int, int, _Body]] = []
    anchor = 0
    moved = False
    for item in body:
        unit = item.unit
        if item.kind == "pullquote":
            keyed.append((anchor, 1, unit.line, item))
            moved = True
            continue
        if item.reason in ("duplicate", "near_duplicate") and item.duplicate_of is not None:
            anchor = item.duplicate_of
        elif item.reason != "boilerplate":
            anchor = unit.line
        if item.kind in ("paragraph", "subheading", "list"):
            keyed.append((unit.line, 0, unit.line, item))
    if moved:  # else they are in the order of their lines already
        keyed.sort(key=lambda k: k[:3])
    return [k[3] for k in keyed]


def _block_row(item: _Body) -> tuple[BlockKind, str, int, str | None, tuple[str, ...], None]:
    """The field values of the Block an item becomes."""
    if item.kind == "pullquote":
        return ("pullquote", item.text, item.unit.line, item.attribution, (), None)
    assert item.kind in ("paragraph", "subheading", "list")
    return (item.kind, item.text, item.unit.line, None, item.unit.items, None)
