"""Properties of the loader that must hold for any input, checked with generated articles.

* any bytes at all: decoding and parsing fail only with ContentError;
* every non-blank line is accounted for exactly once, and nothing kept is lost;
* the order scraped repeats come in does not change which paragraphs are kept;
* an article written back out as text parses to the same record.
"""

from __future__ import annotations

import re
import sys
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
from strategies import ANY_BYTES as _BYTES
from strategies import BODY_LINE as _BODY_LINE
from strategies import ENCODED as _ENCODED
from strategies import LINE as _LINE
from strategies import PHRASE as _PHRASE
from strategies import PREFIXES as _PREFIXES
from strategies import SPLICED as _SPLICED
from strategies import WORDS as _WORDS
from strategies import YAML_KEY as _YAML_KEY
from strategies import YAML_VALUE as _YAML_VALUE
from strategies import examples

SETTINGS = settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- arbitrary bytes ---------------------------------------------------------------------------------------------------


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


@SETTINGS
@given(
    headline=_PHRASE,
    header=st.lists(st.sampled_from(["By Jane Doe", "2 October 2015", "Advertisement", "3 min read"]), max_size=3),
    body=st.lists(_BODY_LINE, min_size=1, max_size=25),
)
# A repeat of a near-duplicate, kept while the near-duplicate was dropped, was a near-duplicate once written back.
@example(
    headline="the",
    header=[],
    body=[
        "the the the the the the the the the the the the.",
        "the the the the the the the the the the the the the",
        "The council voted on Tuesday to spend four million pounds on new flood defences along the river.",
        "the the the the the the the the the the the the the",
    ],
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
        found = index.match_or_add(key, textmatch.Split(textmatch.encoded_words(" ".join(toks))))
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
@given(pieces=st.lists(st.tuples(_PIECE, st.sampled_from(["text", "words", "split"])), max_size=8))
def test_sketch_of_pieces_is_the_sketch_of_the_whole(pieces):
    # A piece comes as text, split into words, or with its 3-grams fingerprinted by the near-duplicate check.
    made = {
        "text": str,
        "words": textmatch.encoded_words,
        "split": lambda t: textmatch.Split(textmatch.encoded_words(t)),
    }
    given = [made[how](text) for text, how in pieces]
    assert textmatch.sketch(given) == _sketch_the_long_way("\n".join(text for text, _ in pieces))


def _terms_the_long_way(text: str) -> tuple[str, bytes]:
    counts = Counter(w for w in re.findall(r"[a-z][a-z'\u2019-]{2,}", text.lower()) if w not in textmatch.STOPWORDS)
    words = sorted(counts)
    return " ".join(words), b"".join(counts[w].to_bytes(4, sys.byteorder) for w in words)


_TERM_CHARS = list("abcXYZ '-\u2019\u00a3\u00e9\u0130\u212a\u00a0\u201c.,1_\t")
_TERM_WORDS = st.sampled_from(
    ["the", "don't", "-x", "'bout", "aa", "AB", "well-known", "council\u2019s", "\u2019\u2019ab"]
)


@SETTINGS
@given(
    text=st.one_of(
        st.text(max_size=80),
        st.lists(st.sampled_from(_TERM_CHARS), max_size=80).map("".join),
        st.lists(st.one_of(_TERM_WORDS, _WORDS), max_size=40).map(" ".join),
    )
)
@example(text="".join(chr(c) for c in range(0x2000, 0x2040)) + " abc\u2019s")
@example(text="\u212aELVIN \u0130stanbul caf\u00e9s \ud800 ab\u2019cd")
def test_terms_are_the_words_the_regex_finds(text):
    assert textmatch.terms(text) == _terms_the_long_way(text)


_SPACED = list("ab \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u2003\u3000\x01\u00e9")


@SETTINGS
@given(text=st.one_of(st.text(max_size=40), st.lists(st.sampled_from(_SPACED), max_size=40).map("".join)))
def test_squeezed_text_is_its_words_one_space_apart(text):
    assert textmatch.squeeze(text) == " ".join(text.split())
