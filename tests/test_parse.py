"""parse.py and frontmatter.py: article text in, an `Article` with every line accounted for out."""

from __future__ import annotations

import datetime as dt
import pickle
from collections import Counter

import pytest

from newsarchive.errors import ContentError
from newsarchive.model import Article, Notice
from newsarchive.parse import parse_article

SEED_PARAGRAPH_LINES = [*range(5, 12), *range(13, 26), *range(27, 32)]
SEED_DROPPED_LINES = [2, 32, 33, *range(35, 47), *range(48, 58)]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _nonblank(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


def _assert_every_line_once(article: Article, text: str) -> None:
    numbers = [r.line for r in article.lines]
    assert Counter(numbers) == Counter(_nonblank(text))


def _block_index(article: Article, line: int) -> int:
    found = [i for i, b in enumerate(article.blocks) if b.line == line]
    assert len(found) == 1, f"expected exactly one block from line {line}, got {found}"
    return found[0]


# --- the reference seed, exactly as shipped -------------------------------------------------------------------------


@pytest.fixture
def seed_article(seed_path, seed_text) -> Article:
    return parse_article(str(seed_path), seed_text)


def test_seed_headline_standfirst_and_reading_time(seed_article, seed_text):
    lines = seed_text.split("\n")
    assert seed_article.headline == lines[0].strip()
    assert seed_article.standfirst == lines[2].strip()
    assert seed_article.reading_time == 4
    roles = {r.line: r.role for r in seed_article.lines}
    assert roles[1] == "headline"
    assert roles[3] == "standfirst"
    assert roles[4] == "reading_time"


def test_an_article_comes_back_whole_from_the_cache_with_its_drop_counts(seed_article):
    # The build cache and the loader's workers pickle articles; blocks and line records travel packed.
    again = pickle.loads(pickle.dumps(seed_article, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == seed_article
    assert list(again.lines) == list(seed_article.lines) and list(again.blocks) == list(seed_article.blocks)
    counted = Counter(r.reason for r in seed_article.lines if r.reason)
    assert dict(again.drops) == dict(seed_article.drops) == counted, "the report's counts are the line records'"
    assert counted["duplicate"] >= 20, "the seed's repeated half is dropped, line by line"


def test_seed_paragraphs_in_reading_order(seed_article, seed_text):
    lines = seed_text.split("\n")
    paragraphs = [b for b in seed_article.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 25
    assert [b.line for b in paragraphs] == SEED_PARAGRAPH_LINES
    assert [b.text for b in paragraphs] == [lines[n - 1].strip() for n in SEED_PARAGRAPH_LINES]
    # Kept blocks of the original run follow the file's order.
    kept = [b.line for b in seed_article.blocks if b.kind != "pullquote"]
    assert kept == sorted(kept)


def test_seed_subheadings(seed_article, seed_text):
    lines = seed_text.split("\n")
    subheadings = [b for b in seed_article.blocks if b.kind == "subheading"]
    assert [b.line for b in subheadings] == [12, 26]
    assert [b.text for b in subheadings] == [lines[11].strip(), lines[25].strip()]
    # Each subheading sits between the paragraphs around it in the file.
    for sub, before, after in ((12, 11, 13), (26, 25, 27)):
        assert _block_index(seed_article, before) < _block_index(seed_article, sub) < _block_index(seed_article, after)


def test_seed_pullquote_without_attribution(seed_article, seed_text):
    quote = seed_article.blocks[_block_index(seed_article, 34)]
    assert quote.kind == "pullquote"
    assert quote.attribution is None
    expected = seed_text.split("\n")[33].strip().removesuffix("|").strip()
    assert quote.text == expected
    assert not quote.text.endswith("|")
    position = _block_index(seed_article, 34)
    assert _block_index(seed_article, 7) < position < _block_index(seed_article, 9)


def test_seed_pullquote_with_attribution(seed_article):
    quote = seed_article.blocks[_block_index(seed_article, 47)]
    assert quote.kind == "pullquote"
    assert quote.attribution == "Sergey Lavrov"
    assert quote.text.startswith("We were not invited, we were not asked")
    assert quote.text.endswith("We don't come if not invited")
    assert "Sergey Lavrov" not in quote.text
    assert "|" not in quote.text
    position = _block_index(seed_article, 47)
    assert _block_index(seed_article, 20) < position < _block_index(seed_article, 22)


def test_seed_block_kinds_are_exactly_the_kept_lines(seed_article):
    kinds = Counter(b.kind for b in seed_article.blocks)
    assert kinds == {"paragraph": 25, "subheading": 2, "pullquote": 2}


def test_seed_dropped_lines_are_the_scrapers_repeats(seed_article, seed_text):
    lines = seed_text.split("\n")
    dropped = [r for r in seed_article.lines if r.role == "dropped"]
    assert [r.line for r in dropped] == SEED_DROPPED_LINES
    assert len(dropped) == 25
    for record in dropped:
        assert record.reason == "duplicate", record
        assert record.duplicate_of is not None
        assert record.duplicate_of < record.line
        assert _norm(lines[record.duplicate_of - 1]) == _norm(lines[record.line - 1]), record
        # The original a duplicate points at is itself kept.
        original = next(r for r in seed_article.lines if r.line == record.duplicate_of)
        assert original.role != "dropped"


def test_seed_no_dropped_text_reaches_the_body(seed_article, seed_text):
    lines = seed_text.split("\n")
    block_lines = {b.line for b in seed_article.blocks}
    assert block_lines.isdisjoint(SEED_DROPPED_LINES)
    # Each kept paragraph's text appears once in the body.
    texts = Counter(b.text for b in seed_article.blocks)
    assert max(texts.values()) == 1
    assert lines[0].strip() not in texts


def test_seed_every_nonblank_line_once(seed_article, seed_text):
    _assert_every_line_once(seed_article, seed_text)
    assert [r.line for r in seed_article.lines] == sorted(r.line for r in seed_article.lines)


def test_seed_is_undated_with_a_warning(seed_article):
    assert seed_article.date is None
    assert any("undated" in w.message for w in seed_article.warnings)


def test_parse_is_pure_and_repeatable(seed_text):
    first = parse_article("no/such/folder/story.txt", seed_text)
    second = parse_article("no/such/folder/story.txt", seed_text)
    assert first == second


# --- front matter ---------------------------------------------------------------------------------------------------

BODY = "Council approves new harbour wall\n\nCouncillors voted on Tuesday to approve the new wall.\n"


def test_front_matter_date_tags_and_byline():
    text = (
        "---\n"
        "date: 2015-10-02\n"
        "tags: [Syria, Russia, diplomacy]\n"
        "byline: [Ana Ruiz, Tom Field]\n"
        "source: AFP\n"
        "---\n" + BODY
    )
    article = parse_article("story.txt", text)
    assert article.date == dt.date(2015, 10, 2)
    assert article.date_origin == "front_matter"
    assert article.tags == ("Syria", "Russia", "diplomacy")
    assert article.byline == ("Ana Ruiz", "Tom Field")
    assert article.source_name == "AFP"
    assert article.headline == "Council approves new harbour wall"
    roles = {r.line: r.role for r in article.lines}
    assert [roles[n] for n in range(1, 7)] == ["front_matter"] * 6
    assert roles[7] == "headline"
    _assert_every_line_once(article, text)


def test_front_matter_tags_as_comma_separated_text():
    article = parse_article("story.txt", "---\ntags: harbour, council\n---\n" + BODY)
    assert article.tags == ("harbour", "council")


def test_front_matter_date_beats_the_date_in_the_path():
    article = parse_article("2001-01-01-story.txt", "---\ndate: 2015-10-02\n---\n" + BODY)
    assert article.date == dt.date(2015, 10, 2)
    dated_by_path = parse_article("2001-01-01-story.txt", BODY)
    assert dated_by_path.date == dt.date(2001, 1, 1)


def _only_error(text: str) -> Notice:
    """The one content error parsing `text` as story.txt raises."""
    with pytest.raises(ContentError) as caught:
        parse_article("story.txt", text)
    (notice,) = caught.value.notices
    return notice


def test_unknown_front_matter_key_suggests_the_right_one():
    text = "---\ndate: 2015-10-02\nheadlin: A better headline\n---\n" + BODY
    notice = _only_error(text)
    assert notice.path == "story.txt"
    assert notice.line == 3
    assert "headlin" in notice.message
    assert "did you mean" in notice.message
    assert "'headline'" in notice.message


def test_every_bad_key_is_reported_at_once():
    text = "---\ndate: 2015-10-02\ntittle: x\ndraft: maybe\n---\n" + BODY
    with pytest.raises(ContentError) as caught:
        parse_article("story.txt", text)
    assert sorted(n.line for n in caught.value.notices) == [3, 4]


@pytest.mark.parametrize("value", ["yesterday", '"2015-13-45"', "02/10/2015", "[2015, 10, 2]"])
def test_bad_date_names_the_line_of_the_key(value):
    text = f"---\ntags: [a]\nsource: AFP\ndate: {value}\n---\n" + BODY
    notice = _only_error(text)
    assert notice.line == 4
    assert "date" in notice.message


@pytest.mark.parametrize("value", ["2015-02-30", "2015-13-45"])
def test_impossible_unquoted_date_is_a_content_error(value):
    # YAML reads an unquoted 2015-02-30 as a timestamp and fails while building it; that must still
    # come out as a content error on the date's line, never as a crash.
    text = f"---\ntags: [a]\ndate: {value}\n---\n" + BODY
    notice = _only_error(text)
    assert notice.line == 3
    assert "date" in notice.message


def test_unclosed_front_matter_is_an_error_on_line_1():
    text = "---\ndate: 2015-10-02\ntags: [a]\n" + BODY
    notice = _only_error(text)
    assert notice.line == 1
    assert "---" in notice.message


def test_invalid_yaml_names_the_line_of_the_problem():
    text = "---\ndate: 2015-10-02\nsource: AFP\ntags: news: today\nbyline: [A B]\n---\n" + BODY
    notice = _only_error(text)
    assert notice.line == 4
    assert "YAML" in notice.message


def test_front_matter_that_is_not_a_mapping_is_an_error():
    with pytest.raises(ContentError) as caught:
        parse_article("story.txt", "---\n- just\n- a list\n---\n" + BODY)
    assert caught.value.notices[0].line == 2


def test_yaml_is_loaded_safely():
    text = "---\nsource: !!python/object/apply:os.system ['echo owned']\n---\n" + BODY
    with pytest.raises(ContentError):
        parse_article("story.txt", text)


def test_headline_from_front_matter_makes_first_line_body():
    text = "---\nheadline: Given headline\n---\nFirst line of the text is a paragraph.\nSecond paragraph here.\n"
    article = parse_article("story.txt", text)
    assert article.headline == "Given headline"
    assert [b.text for b in article.blocks][:1] == ["First line of the text is a paragraph."]
    _assert_every_line_once(article, text)


# --- hostile and broken text ----------------------------------------------------------------------------------------


def test_markup_in_body_lines_is_kept_as_text():
    text = "Harbour news\n\n<script>alert(1)</script>\n\nA <b>bold</b> claim & more.\n"
    article = parse_article("story.txt", text)
    texts = [b.text for b in article.blocks]
    assert "<script>alert(1)</script>" in texts
    assert "A <b>bold</b> claim & more." in texts
    # Plain-text blocks carry no pre-made HTML: the templates escape them.
    assert all(b.html is None for b in article.blocks)


def test_article_with_only_a_headline_has_no_body():
    notice = _only_error("Just a headline\n")
    assert notice.path == "story.txt"
    assert notice.line >= 1
    assert "body" in notice.message


def test_article_with_only_front_matter_is_an_error():
    with pytest.raises(ContentError) as caught:
        parse_article("story.txt", "---\ndate: 2015-10-02\n---\n\n")
    assert caught.value.notices[0].path == "story.txt"


@pytest.mark.parametrize("dash", [" - ", " \u2013 ", " \u2014 "])
def test_pullquote_attribution_after_any_dash(dash):
    text = (
        "Minister defends budget plan\n"
        "The minister said on Monday the plan would balance the books by next spring.\n"
        f"We will not borrow for day-to-day spending{dash}Jane Porter |\n"
        "Opposition parties said the figures did not add up.\n"
    )
    article = parse_article("story.txt", text)
    (quote,) = [b for b in article.blocks if b.kind == "pullquote"]
    assert quote.text == "We will not borrow for day-to-day spending"
    assert quote.attribution == "Jane Porter"
    assert quote.line == 3
    _assert_every_line_once(article, text)


def test_pullquote_with_a_hyphen_inside_the_quote_keeps_it():
    text = (
        "Minister defends budget plan\n"
        "The minister said on Monday the plan would balance the books by next spring.\n"
        "A well-judged plan for a long-term problem |\n"
        "Opposition parties said the figures did not add up.\n"
    )
    article = parse_article("story.txt", text)
    (quote,) = [b for b in article.blocks if b.kind == "pullquote"]
    assert quote.text == "A well-judged plan for a long-term problem"
    assert quote.attribution is None


def test_plain_shape_with_bullet_list():
    text = (
        "Ferry timetable changes\n\n"
        "The ferry will run less often from Monday.\n\n"
        "- Weekday sailings halve.\n"
        "- The first boat leaves later.\n\n"
        "The change will be reviewed in April.\n"
    )
    article = parse_article("story.txt", text)
    kinds = [b.kind for b in article.blocks]
    assert kinds == ["paragraph", "list", "paragraph"]
    assert article.blocks[1].items == ("Weekday sailings halve.", "The first boat leaves later.")
    _assert_every_line_once(article, text)


def test_date_and_byline_lines_under_the_headline():
    text = (
        "Central library reopens\n"
        "Published: 9 May 2026\n"
        "By Ines Farouk and Tomas Reyes\n"
        "The library reopened on Saturday after a two-year restoration of its roof.\n"
    )
    article = parse_article("story.txt", text)
    assert article.date == dt.date(2026, 5, 9)
    assert article.date_origin == "text"
    assert article.byline == ("Ines Farouk", "Tomas Reyes")
    roles = {r.line: r.role for r in article.lines}
    assert roles == {1: "headline", 2: "date", 3: "byline", 4: "paragraph"}
