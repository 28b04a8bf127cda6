"""Hypothesis strategies for hostile input, shared by the property tests and the fuzzed builds.

Bytes and lines (`ANY_BYTES`, `ENCODED`, `LINE`, `BODY_LINE` ...) feed the loader's own properties in
test_properties.py. `hostile_file()` puts them together into whole article files as archives deliver them:
structure (headlines printed twice, repeated runs, pull-quotes, subheadings, lists, datelines, boilerplate),
front matter (valid, broken, wrong types, huge values, YAML tags), encodings (UTF-8/16/32 with and without a
BOM, cp1252, invalid bytes, NUL) and sidecars, with the injection payloads among the text.

`examples(n)` is how many examples a property runs: n in `make test`, many more in `make fuzz`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
from dataclasses import dataclass

from hypothesis import strategies as st

from newsarchive import frontmatter
from payloads import PAYLOADS

# `make fuzz` sets this; conftest.py then loads the "fuzz" Hypothesis profile too.
FUZZ = bool(os.environ.get("NEWSARCHIVE_FUZZ"))
FUZZ_FACTOR = 25


def examples(normal: int) -> int:
    """How many examples a property runs: `normal` in `make test`, FUZZ_FACTOR times more in `make fuzz`."""
    return normal * FUZZ_FACTOR if FUZZ else normal


# --- arbitrary bytes ---------------------------------------------------------------------------------------------------

PREFIXES = st.sampled_from(
    [
        b"",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE,
        b"---\n",
        b"---\r\nheadline: ",
    ]
)
NASTY_BYTES = st.sampled_from(
    [b"\x85", b"\x9d", b"\x81", b"\xe2\x80", b"\xed\xa0\x80", b"\r", b"\r\n", b"\n\n", b"\x00", b" |", b" - ", b"\xa0"]
)
ANY_BYTES = st.lists(st.one_of(st.binary(max_size=40), NASTY_BYTES), max_size=40).map(b"".join)
ARTICLE_TEXT = st.lists(
    st.sampled_from(
        [
            "Council backs flood wall",
            "By Jane Doe",
            "2 October 2015",
            "The council voted on Tuesday to spend four million pounds on new flood defences.",
            "Residents\u2019 campaign \u2014 a decade long \u2014 paid off \u2026 at last.",
            "\u00a3400m for the wall, said Ren\u00e9e, in Z\u00fcrich.",
            "We will not wait any longer - Jane Doe |",
            "",
        ]
    ),
    min_size=2,
    max_size=12,
).map("\n".join)
ENCODED = st.tuples(ARTICLE_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])).map(
    lambda pair: pair[0].encode(pair[1], errors="replace")
)
SPLICED = st.tuples(ENCODED, st.integers(0, 400), NASTY_BYTES).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :])


WORDS = st.sampled_from(
    "the council voted flood wall river town said on Tuesday four million homes residents Jane Doe LONDON "
    "Reuters AP By and of a to in \u2014 - -- | \u201cquote\u201d 2015 October 2, advertisement Read more: "
    "\u00a0 READ NEXT \u2022 1. ( ) Getty Images http://example.org/2015/10/02/x".split(" ")
)
PHRASE = st.lists(WORDS, min_size=1, max_size=30).map(" ".join)
LINE = st.one_of(
    PHRASE,
    PHRASE.map(lambda s: s + "."),
    PHRASE.map(lambda s: s + " |"),
    PHRASE.map(lambda s: " - " + s + " "),
    st.sampled_from(
        [
            "",
            " ",
            "3 min read",
            "By Jane Doe and John Roe",
            "Jane Doe, Reuters",
            "2017-10-24 16:38:00",
            "Published: 2 October 2015",
            "LONDON (Reuters) - The council voted on Tuesday to spend four million pounds.",
            "WASHINGTON, D.C. \u2013",
            "Advertisement",
            "READ NEXT",
            "Image caption",
            "We will not wait any longer - Jane Doe |",
            '"WE WILL NOT WAIT ANY LONGER FOR THIS WALL"',
            "---",
        ]
    ),
    st.text(max_size=60).map(lambda s: s.replace("\n", " ")),
)


# A small pool, so that repeats, near-repeats and copied runs turn up often.
POOL = st.sampled_from(
    [
        "The council voted on Tuesday to spend four million pounds on new flood defences along the river.",
        "The council voted on Wednesday to spend four million pounds on new flood defences along the river.",
        "Residents had campaigned for a decade after the worst floods in living memory swept through the town.",
        "What happens next",
        "Winners meet in final match",
        "Jane Doe",
        "Former special assistant to the mayor",
        "December 29, 2016: We just got word from the council that the wall will go ahead.",
        "WASHINGTON, D.C. \u2013",
    ]
)
BODY_LINE = st.one_of(
    POOL,
    POOL,
    PHRASE.map(lambda s: s + "."),
    PHRASE,
    PHRASE.map(lambda s: s + " |"),
    st.lists(PHRASE, min_size=2, max_size=4).map(lambda items: "\n".join(f" - {i} " for i in items)),
    st.sampled_from(
        [
            "Advertisement",
            "We will not wait any longer - Jane Doe |",
            "LONDON (Reuters) - The council voted on Tuesday to spend four million pounds.",
            "Read more: Council approves new car park",
        ]
    ),
)


_YAML_SAFE = ["2015-10-02", "Sport", "Jane Doe", "a.b/c-d", "x_y", "\u00e9t\u00e9"]
YAML_PIECES = st.sampled_from(
    [
        *_YAML_SAFE,
        *_YAML_SAFE,
        "2015-10-02",
        "2015-02-30",
        "Sport",
        "yes",
        "No",
        "null",
        "~",
        "12",
        "1.5",
        "0x1F",
        "1,000",
        "Jane Doe, Reuters",
        "don't",
        "a  b",
        "Z\u00fcrich",
        "\u00a0",
        "\t",
        ":",
        ": ",
        " #",
        "#",
        "'",
        '"',
        "\\",
        "[",
        "]",
        ",",
        "-",
        "- ",
        "&a",
        "*a",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "?",
        "{",
        " ",
        "",
    ]
)
YAML_VALUE = st.one_of(
    st.lists(YAML_PIECES, max_size=4).map("".join),
    st.lists(YAML_PIECES, max_size=3).map(lambda p: '"' + "".join(p) + '"'),
    st.lists(st.lists(YAML_PIECES, max_size=2).map(lambda p: '"' + "".join(p) + '"'), max_size=3).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
    st.text(max_size=12),
)


YAML_KEY = st.sampled_from([*frontmatter.KEYS, *frontmatter.KEYS, "tag", "on", "y", "Date", " date", "date "])


# --- hostile article files ---------------------------------------------------------------------------------------------


def yaml_quote(text: str) -> str:
    """A YAML double-quoted string, with every character YAML would not take as it is written as an escape."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif not c.isprintable() or c == "\ufeff":
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


PAYLOAD = st.sampled_from(PAYLOADS)
# NUL comes from the payloads and spliced bytes; from any text, it would refuse too many files.
ONE_LINE = st.one_of(PHRASE, PHRASE, PAYLOAD, st.text(st.characters(blacklist_characters="\x00\n"), max_size=80))
_SHORT = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
_NAME = st.sampled_from(["Jane Doe", "John Roe", "Sergey Lavrov", "Q<script>alert(1)</script>", "\u202eAnn Lee"])
_DATELINE = st.sampled_from(["LONDON (Reuters) - ", "BEIRUT, Oct 2 (AFP) \u2014 ", "PALM BEACH, Fla. -- ", ""])
_BOILERPLATE = st.sampled_from(
    ["Advertisement", "READ NEXT", "Image caption A photo", "Read more: the plan", "Share this article", "Getty Images"]
)
_HEADER_LINE = st.one_of(
    st.sampled_from(
        [
            "3 min read",
            "By Jane Doe and John Roe",
            "Jane Doe, Reuters",
            "2017-10-24 16:38:00",
            "Published: 2 October 2015",
            "https://example.org/2015/10/02/story",
            "javascript:alert(1)",
            "LONDON (Reuters) -",
        ]
    ),
    ONE_LINE,
)
BLOCK = st.one_of(
    st.tuples(PHRASE, ONE_LINE).map(lambda t: f"{t[0]} {t[1]}."),
    _SHORT,
    ONE_LINE.map(lambda s: s + " |"),
    st.tuples(ONE_LINE, _NAME).map(lambda t: f"{t[0]} - {t[1]} |"),
    st.lists(ONE_LINE, min_size=2, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.tuples(_DATELINE, ONE_LINE).map("".join),
    _BOILERPLATE,
    BODY_LINE,
)


@st.composite
def article_text(draw: st.DrawFn) -> str:
    """An article body as scrapers and people write them: header lines, blocks, a repeated run."""
    headline = draw(ONE_LINE)
    header = [headline, *([headline] if draw(st.booleans()) else []), *draw(st.lists(_HEADER_LINE, max_size=3))]
    blocks = draw(st.lists(BLOCK, max_size=12))
    if blocks and draw(st.booleans()):  # the scraper's second copy of part of the article
        start = draw(st.integers(0, len(blocks) - 1))
        end = draw(st.integers(start, len(blocks)))
        at = draw(st.integers(0, len(blocks)))
        blocks[at:at] = blocks[start:end]
    sep = draw(st.sampled_from(["\n", "\n\n"]))
    return sep.join(header) + "\n\n" + sep.join(blocks) + draw(st.sampled_from(["", "\n", "\n\n\n"]))


_QUOTED = ONE_LINE.map(yaml_quote)
_QUOTED_LIST = st.lists(_QUOTED, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
VALID_META = st.fixed_dictionaries(
    {},
    optional={
        "headline": _QUOTED,
        "date": st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)).map(str),
        "dateline": st.one_of(_QUOTED.map(lambda q: f"{{place: {q}}}"), st.just('"LONDON (Reuters)"')),
        "byline": st.one_of(_QUOTED, _QUOTED_LIST),
        "source": _QUOTED,
        "url": st.sampled_from(['"https://example.org/a?b=<c>"', "http://example.org/", '"javascript:alert(1)"']),
        "tags": st.one_of(_QUOTED, _QUOTED_LIST),
        "slug": st.one_of(_QUOTED, st.sampled_from(['"../../x"', '"/etc/passwd"', "CON", '"C:\\\\x"'])),
        "standfirst": _QUOTED,
        "draft": st.sampled_from(["true", "false"]),
        "id": _QUOTED,
        "category": _QUOTED,
    },
).map(lambda meta: "\n".join(f"{k}: {v}" for k, v in meta.items()))
BAD_META_LINE = st.one_of(
    st.sampled_from(
        [
            # broken YAML
            "headline: [unclosed",
            'headline: "unclosed',
            "\theadline: tab",
            "headline: a: b: c",
            "- a list",
            "headline",
            # wrong types and impossible values
            "date: [1, 2]",
            "date: 2015-02-30",
            "date: 99999-01-01",
            "draft: maybe",
            "tags: {a: b}",
            "byline: 12",
            "dateline: {x: 1}",
            "headline: []",
            "headline: ~",
            "url: 12",
            "tag: unknown key",
            # YAML tags
            'headline: !!python/object/apply:os.system ["true"]',
            "date: !!timestamp 2015-02-30",
            "headline: !!int abc",
            "headline: !!binary aGk=",
            "tags: !!set {a, b}",
            "headline: &a x\nslug: *a",
            "<<: {headline: merged}",
            "? [a, b]\n: c",
            # huge values
            "headline: " + "1" * 5000,
            "headline: " + "[" * 200 + "]" * 200,
            "tags: [" + ", ".join(["t"] * 5000) + "]",
        ]
    ),
    st.integers(1_000, 200_000).map(lambda n: "headline: " + "x" * n),
    st.tuples(YAML_KEY, st.sampled_from([": ", ":", ": \t"]), YAML_VALUE).map("".join),
)
BAD_META = st.lists(BAD_META_LINE, min_size=1, max_size=3).map("\n".join)
META = st.one_of(VALID_META, VALID_META, VALID_META, BAD_META)
FRONT_MATTER = st.one_of(
    st.just(""),
    st.just(""),
    META.map(lambda m: f"---\n{m}\n---\n"),
    META.map(lambda m: f"---\n{m}\n---\n"),
    META.map(lambda m: f"---\n{m}\n"),  # never closed
)

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1")
_BOM = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


def encode(text: str, encoding: str) -> bytes:
    """`text` as a file in `encoding`; the UTF-16 variants carry their BOM, one-byte codes replace what they lack."""
    return _BOM.get(encoding, b"") + text.encode(encoding, errors="replace")


def _splice(data: bytes, at: int, nasty: bytes) -> bytes:
    return data[:at] + nasty + data[at:]


@st.composite
def file_bytes(draw: st.DrawFn, markdown: bool) -> bytes:
    """A whole article file: front matter and text in some encoding, sometimes with bad bytes spliced in,
    sometimes bytes of any kind at all."""
    heading = "# " if markdown and draw(st.integers(0, 3)) else ""  # a Markdown headline, most of the time
    text = draw(FRONT_MATTER) + heading + draw(article_text())
    data = encode(text, draw(st.sampled_from(ENCODINGS)))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return _splice(data, draw(st.integers(0, len(data))), draw(NASTY_BYTES))
    if kind == 1:
        return draw(PREFIXES) + draw(ANY_BYTES)
    return data


FILE_NAME = st.one_of(
    st.sampled_from(["story", "2015-10-02-story", "CON", "nul", "a b", "\u00fcber", "\u202etxt.exe", "-x", "x" * 200]),
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=30),
)


@dataclass(frozen=True)
class HostileFile:
    name: str  # without suffix
    suffix: str
    data: bytes
    sidecar: bytes | None


@st.composite
def hostile_file(draw: st.DrawFn) -> HostileFile:
    suffix = draw(st.sampled_from([".txt", ".txt", ".md"]))
    sidecar = draw(st.one_of(st.none(), st.none(), st.builds(encode, META, st.sampled_from(ENCODINGS))))
    return HostileFile(draw(FILE_NAME), suffix, draw(file_bytes(suffix == ".md")), sidecar)
