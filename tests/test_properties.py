"""Properties of the loader that must hold for any input, checked with generated articles.

* any bytes at all: decoding and parsing fail only with ContentError;
* every non-blank line is accounted for exactly once, and nothing kept is lost;
* the order scraped repeats come in does not change which paragraphs are kept;
* an article written back out as text parses to the same record.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zlib
from collections import Counter

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from newsarchive import frontmatter, textmatch
from newsarchive.decode import decode
from newsarchive.errors import ContentError
from newsarchive.model import Article
from newsarchive.parse import Rules, _boilerplate, parse_article

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- arbitrary bytes ---------------------------------------------------------------------------------------------------

_PREFIXES = st.sampled_from(
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
_NASTY = st.sampled_from(
    [b"\x85", b"\x9d", b"\x81", b"\xe2\x80", b"\xed\xa0\x80", b"\r", b"\r\n", b"\n\n", b"\x00", b" |", b" - ", b"\xa0"]
)
_BYTES = st.lists(st.one_of(st.binary(max_size=40), _NASTY), max_size=40).map(b"".join)
_ARTICLE_TEXT = st.lists(
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
_ENCODED = st.tuples(_ARTICLE_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])).map(
    lambda pair: pair[0].encode(pair[1], errors="replace")
)
_SPLICED = st.tuples(_ENCODED, st.integers(0, 400), _NASTY).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :])


@SETTINGS
@given(prefix=_PREFIXES, data=st.one_of(_BYTES, _ENCODED, _SPLICED), suffix=st.sampled_from([".txt", ".md"]))
@example(prefix=b"", data=b"\xff\xfe\x00\xd8", suffix=".txt")
@example(prefix=b"---\n", data=b"date: 2015-02-30\n---\nA\n\nB", suffix=".txt")
@example(prefix=b"", data=b"\xef\xbb\xbf", suffix=".md")
def test_any_bytes_decode_and_parse_or_raise_content_error(prefix, data, suffix):
    path = "content/x" + suffix
    try:
        text = decode(path, prefix + data)
        # What decode hands on: \n line ends only, no control characters, nothing an XML feed refuses.
        assert not any((c < " " and c not in "\t\n") or "\x7f" <= c <= "\x9f" or c in "\ufffe\uffff" for c in text)
        assert not any("\ud800" <= c <= "\udfff" for c in text)
        article = parse_article(path, text)
    except ContentError as exc:
        assert exc.notices and all(n.path == path for n in exc.notices)
        event("refused with ContentError")
        return
    event("parsed")
    assert article.headline


# --- line accounting -------------------------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    "the council voted flood wall river town said on Tuesday four million homes residents Jane Doe LONDON "
    "Reuters AP By and of a to in \u2014 - -- | \u201cquote\u201d 2015 October 2, advertisement Read more: "
    "\u00a0 READ NEXT \u2022 1. ( ) Getty Images http://example.org/2015/10/02/x".split(" ")
)
_PHRASE = st.lists(_WORDS, min_size=1, max_size=30).map(" ".join)
_LINE = st.one_of(
    _PHRASE,
    _PHRASE.map(lambda s: s + "."),
    _PHRASE.map(lambda s: s + " |"),
    _PHRASE.map(lambda s: " - " + s + " "),
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


def _lines_text(lines: list[str]) -> str:
    return "\n".join(lines)


@SETTINGS
@given(lines=st.lists(_LINE, min_size=1, max_size=40), suffix=st.sampled_from([".txt", ".md"]))
def test_every_nonblank_line_is_accounted_for_exactly_once(lines, suffix):
    text = _lines_text(lines)
    try:
        article = parse_article("content/x" + suffix, text)
    except ContentError:
        event("refused with ContentError")
        return
    event("parsed")
    # Line numbers are those of the text with CR line ends made \n, as decode() hands it over.
    source = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [n for n, line in enumerate(source, start=1) if line.strip()]
    assert Counter(r.line for r in article.lines) == Counter(nonblank)
    block_lines = {b.line for b in article.blocks}
    for record in article.lines:
        if record.role == "dropped":
            assert record.reason is not None
            if record.reason != "boilerplate":
                assert record.duplicate_of is not None and record.duplicate_of < record.line
        elif record.role in ("paragraph", "subheading", "pullquote") and suffix == ".txt":
            # Nothing kept is lost: each such line is a block of its own.
            assert record.line in block_lines


# --- the order repeats come in ----------------------------------------------------------------------------------------


def _paragraph(index: int, length: int, stop: bool) -> str:
    # Each paragraph has its own vocabulary, so two never look alike by accident.
    body = " ".join(f"w{index}x{j}" for j in range(length))
    return "p" + body + ("." if stop else "")


_REPEATED = st.lists(st.tuples(st.integers(1, 30), st.booleans(), st.integers(1, 3)), min_size=2, max_size=7).flatmap(
    lambda specs: st.permutations(
        [_paragraph(i, length, stop) for i, (length, stop, copies) in enumerate(specs) for _ in range(copies)]
    )
)


@SETTINGS
@given(first=_REPEATED, second=_REPEATED)
def test_order_of_repeated_blocks_does_not_change_what_is_kept(first, second):
    def kept(paragraphs: list[str]) -> set[str]:
        article = parse_article("content/x.txt", "Repeats\n\n" + "\n\n".join(paragraphs) + "\n")
        return {b.text for b in article.blocks}

    assert kept(first) == set(first)
    # The same paragraphs shuffled and repeated differently keep the same set.
    assert kept(sorted(first)) == kept(list(reversed(first))) == set(first)
    assert kept(second) == set(second)


# --- written back out, read back in ---------------------------------------------------------------------------------------


def render_text(article: Article) -> str:
    """An article in the scraped-page shape: headline, standfirst, `N min read`, dateline, one block per line."""
    lines = [article.headline]
    if article.standfirst:
        lines.append(article.standfirst)
    lines.append(f"{article.reading_time} min read")
    if (dateline := article.dateline) is not None:
        date = f", {dateline.date}" if dateline.date else ""
        agency = f" ({dateline.agency})" if dateline.agency else ""
        lines.append(f"{dateline.place}{date}{agency} \u2014")
    for block in article.blocks:
        if block.kind == "pullquote":
            lines.append(f"{block.text} - {block.attribution} |" if block.attribution else f"{block.text} |")
        elif block.kind == "list":
            lines.append("\n".join(f"- {item}" for item in block.items))
        else:
            lines.append(block.text)
    return "\n\n".join(lines) + "\n"


def _record(article: Article) -> tuple[object, ...]:
    return (
        article.headline,
        article.standfirst,
        article.dateline,
        tuple((b.kind, b.text, b.attribution, b.items) for b in article.blocks),
    )


# A small pool, so that repeats, near-repeats and copied runs turn up often.
_POOL = st.sampled_from(
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
_BODY_LINE = st.one_of(
    _POOL,
    _POOL,
    _PHRASE.map(lambda s: s + "."),
    _PHRASE,
    _PHRASE.map(lambda s: s + " |"),
    st.lists(_PHRASE, min_size=2, max_size=4).map(lambda items: "\n".join(f" - {i} " for i in items)),
    st.sampled_from(
        [
            "Advertisement",
            "We will not wait any longer - Jane Doe |",
            "LONDON (Reuters) - The council voted on Tuesday to spend four million pounds.",
            "Read more: Council approves new car park",
        ]
    ),
)


@SETTINGS
@given(
    headline=_PHRASE,
    header=st.lists(st.sampled_from(["By Jane Doe", "2 October 2015", "Advertisement", "3 min read"]), max_size=3),
    body=st.lists(_BODY_LINE, min_size=1, max_size=25),
)
def test_article_written_back_as_text_parses_to_the_same_record(headline, header, body):
    text = "\n".join([headline, *header, "", *body]) + "\n"
    try:
        first = parse_article("content/x.txt", text)
    except ContentError:
        event("refused with ContentError")
        return
    event(f"parsed, {len(first.blocks) // 5 * 5}+ blocks")
    again = parse_article("content/x.txt", render_text(first))
    assert _record(again) == _record(first)


# --- shortcuts that must give what the long way gives ----------------------------------------------------------------

_YAML_SAFE = ["2015-10-02", "Sport", "Jane Doe", "a.b/c-d", "x_y", "\u00e9t\u00e9"]
_YAML_PIECES = st.sampled_from(
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
_YAML_VALUE = st.one_of(
    st.lists(_YAML_PIECES, max_size=4).map("".join),
    st.lists(_YAML_PIECES, max_size=3).map(lambda p: '"' + "".join(p) + '"'),
    st.lists(st.lists(_YAML_PIECES, max_size=2).map(lambda p: '"' + "".join(p) + '"'), max_size=3).map(
        lambda items: "[" + st_join(items) + "]"
    ),
    st.text(max_size=12),
)


def st_join(items: list[str]) -> str:
    return ", ".join(items)


_YAML_KEY = st.sampled_from([*frontmatter.KEYS, *frontmatter.KEYS, "tag", "on", "y", "Date", " date", "date "])


@SETTINGS
@given(
    lines=st.lists(
        st.tuples(
            _YAML_KEY,
            st.sampled_from([": ", ": ", ": ", ":  ", ":", ": \t"]),
            _YAML_VALUE,
            st.sampled_from(["", "", "", " ", "  #"]),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_simple_front_matter_reads_as_yaml_reads_it(lines):
    source = "\n".join(key + sep + value + end for key, sep, value, end in lines)
    simple = frontmatter._simple_yaml(source, 2)
    if simple is None:
        event("left to YAML")
        return
    event("read directly")
    node = yaml.compose(source, Loader=frontmatter.Loader)
    assert yaml.load(source, Loader=frontmatter.Loader) == simple[0]
    assert {k.value: 2 + k.start_mark.line for k, _ in node.value} == simple[1]


@SETTINGS
@given(
    extra=st.lists(st.sampled_from(["breaking news", "(?:foo|bar) baz", "a|b", "(?i:zz)", "x*", "(x)y"]), max_size=2),
    line=st.one_of(
        st.sampled_from(["Advertisement", "Getty Images / AFP", "Read more: the plan", "zz", "foo baz", "", "b"]),
        _PHRASE,
    ),
)
def test_boilerplate_patterns_merged_find_the_first_that_matches(extra, line):
    rules = Rules.make(tuple(extra))
    one_by_one = next((p.pattern[4:-2] for p in rules.boilerplate if p.match(" ".join(line.split()))), None)
    assert _boilerplate(line, rules) == one_by_one


_TEXTS = st.lists(st.lists(st.sampled_from("a b c d e f g h".split()), min_size=0, max_size=30), max_size=60)


@SETTINGS
@given(texts=_TEXTS, threshold=st.sampled_from([0.8, 0.5, 0.3, 1.0, 0.0]))
def test_shingle_index_finds_what_comparing_every_earlier_text_finds(texts, threshold):
    index = textmatch.ShingleIndex(threshold)
    kept: list[tuple[int, frozenset[textmatch.Shingle]]] = []
    for key, toks in enumerate(texts):
        sig = textmatch.shingles(" ".join(toks))
        found = index.match_or_add(key, textmatch.encoded_words(" ".join(toks)))
        if len(kept) <= index.DIRECT:
            scores = [(textmatch.similarity(sig, other), -k) for k, other in kept]
            best = max((s for s in scores if s[0] >= threshold), default=None)
            assert found == (None if best is None else -best[1])
        if found is None:
            kept.append((key, sig))


_PUNCTUATION = list(
    "ab .,\u2019\u201c\u201d\u2014\u00a3\u00e9\u20ac\u00ab\u00bb\u00bf\u00a1\u00a7\u00b6\u2020\u2021\u2022\u2026\u2030\u2032\u2033"
)


@SETTINGS
@given(text=st.one_of(st.text(max_size=80), st.lists(st.sampled_from(_PUNCTUATION), max_size=80).map("".join)))
def test_words_are_the_words_the_regex_finds(text):
    expected = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    assert textmatch.words(text) == expected
    assert textmatch.encoded_words(text) == [w.encode() for w in expected]


def _sketch_the_long_way(text: str) -> tuple[int, ...]:
    fingerprints = {zlib.crc32("\x1f".join(gram).encode()) for gram in textmatch.shingles(text)}
    return tuple(sorted(fingerprints)[: textmatch.SKETCH_SIZE])


_PIECE = st.one_of(
    st.lists(_WORDS, max_size=12).map(" ".join),
    st.lists(st.integers(0, 400).map("w{}".format), max_size=200).map(" ".join),
)


@SETTINGS
@given(pieces=st.lists(st.tuples(_PIECE, st.booleans()), max_size=8))
def test_sketch_of_pieces_is_the_sketch_of_the_whole(pieces):
    given = [textmatch.encoded_words(text) if split else text for text, split in pieces]
    assert textmatch.sketch(given) == _sketch_the_long_way("\n".join(text for text, _ in pieces))
