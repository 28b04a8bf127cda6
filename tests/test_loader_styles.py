"""The loader on every input style it detects, each case a small inline text.

Covers parse.py, dates.py, markdown.py, frontmatter.py (sidecars) and, for the
cross-article repeats, dedupe.py: style detection, news metadata in the text
(bylines, datelines, date lines), repeats and page furniture, and the rule
that every non-blank line is accounted for exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from newsarchive import dedupe, load
from newsarchive.errors import ContentError
from newsarchive.model import Article, Dateline
from newsarchive.parse import Rules, parse_article

MAX = 1 << 20


def _parse(text: str, path: str = "content/story.txt", **kwargs: object) -> Article:
    article = parse_article(path, text, **kwargs)  # type: ignore[arg-type]
    _assert_accounted(article, text)
    return article


def _assert_accounted(article: Article, text: str) -> None:
    """Every non-blank line of the file has exactly one record, and nothing else does."""
    nonblank = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    assert Counter(r.line for r in article.lines) == Counter(nonblank)


def _roles(article: Article) -> dict[int, str]:
    return {r.line: r.role for r in article.lines}


def _record(article: Article, line: int):  # type: ignore[no-untyped-def]
    (found,) = [r for r in article.lines if r.line == line]
    return found


def _texts(article: Article) -> list[str]:
    return [b.text for b in article.blocks]


LONG_A = "The council voted on Tuesday to spend four million pounds on new flood defences along the river."
LONG_B = "Residents had campaigned for a decade after the worst floods in living memory swept through the town."
LONG_C = "Work on the first stretch of the wall is due to start in the spring and to finish within two years."


# --- input styles ----------------------------------------------------------------------------------------------------


def test_scraped_page_style_headline_twice_standfirst_reading_time_and_pullquote():
    text = "\n".join(
        [
            "Council backs flood wall",
            "Council backs flood wall",
            "The town will get its wall after a decade of campaigning.",
            "3 min read",
            LONG_A,
            LONG_B,
            "What happens next",
            LONG_C,
            "We have waited ten years for this - Jane Doe |",
            LONG_A,
            LONG_B,
        ]
    )
    article = _parse(text)
    assert article.headline == "Council backs flood wall"
    assert article.standfirst == "The town will get its wall after a decade of campaigning."
    assert article.reading_time == 3
    roles = _roles(article)
    assert [roles[n] for n in (1, 2, 3, 4)] == ["headline", "dropped", "standfirst", "reading_time"]
    assert [(b.kind, b.line) for b in article.blocks] == [
        ("paragraph", 5),
        ("paragraph", 6),
        ("subheading", 7),
        ("paragraph", 8),
        ("pullquote", 9),
    ]
    quote = article.blocks[4]
    assert (quote.text, quote.attribution) == ("We have waited ten years for this", "Jane Doe")
    assert [(_record(article, n).reason, _record(article, n).duplicate_of) for n in (10, 11)] == [
        ("duplicate", 5),
        ("duplicate", 6),
    ]


def test_plain_style_with_blank_lines_and_a_bullet_list():
    text = (
        "Call centre users lose patience\n\n"
        f"{LONG_A}\n\n"
        "The survey found that firms said:\n\n"
        " - call centre operations are core, \n"
        " - they fear damage to the brand, \n"
        " - 1. they worry about going abroad. \n\n"
        f"{LONG_B}\n"
    )
    article = _parse(text)
    assert article.headline == "Call centre users lose patience"
    kinds = [b.kind for b in article.blocks]
    assert kinds == ["paragraph", "paragraph", "list", "paragraph"]
    listing = article.blocks[2]
    # The bullet goes (the list shows its own); a number inside an item is text and stays.
    assert listing.items == (
        "call centre operations are core,",
        "they fear damage to the brand,",
        "1. they worry about going abroad.",
    )
    assert {_roles(article)[n] for n in (7, 8, 9)} == {"list"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2017-10-24 16:38:00", dt.date(2017, 10, 24)),
        ("2017-10-23T10:51:15-05:00", dt.date(2017, 10, 23)),
        ("2017-11-07T01:52:40+0000", dt.date(2017, 11, 7)),
        ("2017-08-24", dt.date(2017, 8, 24)),
        ("Published: 2 October 2015", dt.date(2015, 10, 2)),
        ("October 2, 2015", dt.date(2015, 10, 2)),
        ("Updated on Friday 2 October 2015 16:38 BST", dt.date(2015, 10, 2)),
    ],
)
def test_date_line_under_the_headline(line, expected):
    article = _parse(f"Star weds in secret\n{line}\n{LONG_A}\n")
    assert article.date == expected
    assert article.date_origin == "text"
    assert _roles(article)[2] == "date"
    assert _texts(article) == [LONG_A]
    assert article.warnings == ()


def test_impossible_date_line_stays_text_and_leaves_the_article_undated():
    article = _parse(f"Star weds in secret\n2017-02-30\n{LONG_A}\n")
    assert article.date is None
    assert "2017-02-30" in _texts(article)
    assert any("undated" in w.message for w in article.warnings)


def test_page_address_above_the_headline_is_the_source_and_dates_the_article():
    text = f"http://edition.cnn.com/2017/03/28/football/messi-ban/index.html\n\nMessi banned\n\n{LONG_A}\n"
    article = _parse(text)
    assert article.headline == "Messi banned"
    assert article.source_url == "http://edition.cnn.com/2017/03/28/football/messi-ban/index.html"
    assert _roles(article)[1] == "url"
    assert (article.date, article.date_origin) == (dt.date(2017, 3, 28), "text")


def test_markdown_with_front_matter_is_commonmark():
    text = (
        "---\nheadline: Solstice market\ndate: 2026-06-21\ntags: [town, market]\n---\n"
        "Stalls open at *dawn*.\n\n## Where to park\n\n- the station\n- the quay\n"
    )
    article = _parse(text, path="content/market.md")
    assert (article.headline, article.date, article.tags) == (
        "Solstice market",
        dt.date(2026, 6, 21),
        ("town", "market"),
    )
    assert [b.kind for b in article.blocks] == ["paragraph", "subheading", "list"]
    assert article.blocks[0].html is not None and "<em>dawn</em>" in article.blocks[0].html
    assert article.blocks[2].items == ("the station", "the quay")
    assert {_roles(article)[n] for n in range(1, 6)} == {"front_matter"}


def test_markdown_headline_from_a_level_one_heading():
    article = _parse("# Harbour ferry timetable\n\nBoats run hourly.\n", path="content/ferry.md")
    assert article.headline == "Harbour ferry timetable"
    assert _roles(article)[1] == "headline"


def test_markdown_raw_html_is_shown_as_text():
    text = "# Title\n\n<script>alert(1)</script>\n\nA <b>bold</b> claim and <img src=x onerror=alert(1)>.\n"
    article = _parse(text, path="content/x.md")
    html = "".join(b.html or "" for b in article.blocks)
    assert "<script" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "![pic](javascript:alert(1))",
    ],
)
def test_markdown_javascript_links_are_not_linked(link):
    article = _parse(f"# Title\n\nSee {link} now, or [this](https://example.org/ok).\n", path="content/x.md")
    html = article.blocks[0].html or ""
    assert 'href="javascript' not in html.lower() and 'src="javascript' not in html.lower()
    assert 'href="vbscript' not in html.lower()
    assert '<a href="https://example.org/ok">this</a>' in html


def test_front_matter_in_a_text_file_sets_every_key():
    text = (
        "---\n"
        "headline: Flood wall approved\n"
        "date: 2015-10-02\n"
        "dateline: LONDON (Reuters)\n"
        "byline: [Jane Doe, John Roe]\n"
        "source: The Town Crier\n"
        "url: https://example.org/flood-wall\n"
        "tags: floods, council\n"
        "slug: flood-wall\n"
        "standfirst: A decade of campaigning pays off.\n"
        "draft: true\n"
        "---\n"
        f"{LONG_A}\n"
    )
    article = _parse(text)
    assert article.headline == "Flood wall approved"
    assert (article.date, article.date_origin) == (dt.date(2015, 10, 2), "front_matter")
    assert article.dateline == Dateline("LONDON", "Reuters")
    assert article.byline == ("Jane Doe", "John Roe")
    assert (article.source_name, article.source_url) == ("The Town Crier", "https://example.org/flood-wall")
    assert article.tags == ("floods", "council")
    assert (article.slug, article.standfirst, article.draft) == (
        "flood-wall",
        "A decade of campaigning pays off.",
        True,
    )
    assert _texts(article) == [LONG_A]


def test_sidecar_wins_key_by_key_over_front_matter(tmp_path: Path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "wall.txt").write_text(
        f"---\nheadline: From front matter\ndate: 2015-10-02\ntags: [a]\n---\n{LONG_A}\n", encoding="utf-8"
    )
    (content / "wall.yaml").write_text("headline: From the sidecar\nbyline: Jane Doe\ntags: [b, c]\n", encoding="utf-8")
    sources, problems = load.discover(content)
    assert problems == [] and [s.rel for s in sources] == ["wall.txt"]
    article = load.load(sources[0], Rules.make(), MAX)
    assert article.headline == "From the sidecar"
    assert article.tags == ("b", "c")
    assert article.byline == ("Jane Doe",)
    # The sidecar says nothing about the date, so the front matter's stands.
    assert (article.date, article.date_origin) == (dt.date(2015, 10, 2), "front_matter")


def test_sidecar_supplies_the_headline_a_body_file_lacks(tmp_path: Path):
    body = "WASHINGTON — " + LONG_A + "\n\n" + LONG_B + "\n"
    (tmp_path / "a.txt").write_text(body, encoding="utf-8")
    with pytest.raises(ContentError, match=r"no headline.*sidecar"):
        load.load(load.source_for(tmp_path / "a.txt"), Rules.make(), MAX)
    (tmp_path / "a.yml").write_text("headline: Wall approved\n", encoding="utf-8")
    article = load.load(load.source_for(tmp_path / "a.txt"), Rules.make(), MAX)
    assert article.headline == "Wall approved"
    assert article.dateline == Dateline("WASHINGTON")
    assert _texts(article) == [LONG_A, LONG_B]


def test_bad_sidecar_names_the_sidecar_and_its_line(tmp_path: Path):
    (tmp_path / "a.txt").write_text(f"Headline\n\n{LONG_A}\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("headline: ok\nheadlin: typo\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load.load(load.source_for(tmp_path / "a.txt"), Rules.make(), MAX)
    (notice,) = caught.value.notices
    assert notice.path.endswith("a.yaml") and notice.line == 2 and "headline" in notice.message


# --- bylines ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe", ("Jane Doe",)),
        ("BY JANE DOE", ("JANE DOE",)),
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("By Jane Doe, John Roe and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
        ("By Jane Doe, Reuters", ("Jane Doe",)),
        ("Jane Doe, Reuters", ("Jane Doe",)),
        ("Jane Doe, BBC News", ("Jane Doe",)),
        ("Jane van der Berg, Political Editor", ("Jane van der Berg",)),
    ],
)
def test_byline_lines(line, names):
    article = _parse(f"Wall approved\n{line}\n{LONG_A}\n")
    assert article.byline == names
    assert _roles(article)[2] == "byline"
    assert _texts(article) == [LONG_A]


@pytest.mark.parametrize(
    "line",
    [
        "Stade de France, Paris",  # a venue in a match report, not a reporter and an agency
        "Lansdowne Road, Dublin",
        "By the mid-1980s, Bay was an aspiring filmmaker",
        "By early 2008, he was drinking again",
    ],
)
def test_lines_that_only_look_like_bylines_stay_text(line):
    article = _parse(f"Wall approved\n{line}\n{LONG_A}\n")
    assert article.byline == ()
    assert line in _texts(article)


def test_byline_and_date_lines_in_either_order_with_furniture_between():
    article = _parse(f"Wall approved\nAdvertisement\nBy Jane Doe\n2 October 2015\n{LONG_A}\n")
    assert article.byline == ("Jane Doe",)
    assert article.date == dt.date(2015, 10, 2)
    assert _record(article, 2).reason == "boilerplate"


# --- datelines --------------------------------------------------------------------------------------------------------

REST = "Officials said on Friday that the talks would resume next week in the capital."


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("LONDON (Reuters) - ", Dateline("LONDON", "Reuters")),
        ("BEIRUT, Oct 2 (AFP) \u2014 ", Dateline("BEIRUT", "AFP", "Oct 2")),
        ("WASHINGTON \u2014 ", Dateline("WASHINGTON")),
        ("WASHINGTON, D.C. \u2013 ", Dateline("WASHINGTON, D.C.")),
        ("PHOENIX A.Z. (AP) \u2014 ", Dateline("PHOENIX A.Z.", "AP")),
        ("PALM BEACH, Fla. -- ", Dateline("PALM BEACH, Fla.")),
        ("STREAMWOOD, Ill. (AP) --", Dateline("STREAMWOOD, Ill.", "AP")),
        ("CAMDEN, N.J.\u00a0\u2014\u00a0", Dateline("CAMDEN, N.J.")),
        ("CORPUS CHRISTI, Texas (AP) \u2014 ", Dateline("CORPUS CHRISTI, Texas", "AP")),
        ("NEW YORK, NY (SatireWire.com) \u2013 ", Dateline("NEW YORK, NY", "SatireWire.com")),
        ("NEW YORK (The Borowitz Report)\u2014", Dateline("NEW YORK", "The Borowitz Report")),
        ("Indianapolis, IN \u2014 ", Dateline("Indianapolis, IN")),
        ("Park City, Utah (CNN)", Dateline("Park City, Utah", "CNN")),
    ],
)
def test_dateline_opening_the_first_paragraph(opening, dateline):
    article = _parse(f"Talks to resume\n\n{opening}{REST}\n\n{LONG_A}\n")
    assert article.dateline == dateline
    assert _texts(article) == [REST, LONG_A]
    assert _roles(article)[3] == "paragraph"


def test_dateline_with_a_year_dates_the_article():
    article = _parse(f"Talks to resume\n\nBEIRUT, Oct. 2, 2015 (AFP) - {REST}\n")
    assert article.dateline == Dateline("BEIRUT", "AFP", "Oct. 2, 2015")
    assert (article.date, article.date_origin) == (dt.date(2015, 10, 2), "text")


def test_dateline_on_a_line_of_its_own():
    article = _parse(f"Talks to resume\n\nWASHINGTON, D.C. \u2013\n\n{REST}\n")
    assert article.dateline == Dateline("WASHINGTON, D.C.")
    assert _roles(article)[3] == "dateline"
    assert _texts(article) == [REST]


@pytest.mark.parametrize(
    "paragraph",
    [
        f"BREAKING \u2014 {REST}",  # a label, not a place
        f"US-led forces said {REST}",
        f"Obama \u2014 who was in Chicago \u2014 said {REST}",
        "LONDON - short one",  # too little left to be a paragraph after a dateline
    ],
)
def test_openings_that_are_not_datelines(paragraph):
    article = _parse(f"Talks to resume\n\n{paragraph}\n\n{LONG_A}\n")
    assert article.dateline is None
    assert _texts(article)[0] == paragraph


def test_dateline_is_only_read_from_the_first_paragraph():
    article = _parse(f"Talks to resume\n\n{LONG_A}\n\nLONDON (Reuters) - {REST}\n")
    assert article.dateline is None
    assert _texts(article) == [LONG_A, f"LONDON (Reuters) - {REST}"]


def test_front_matter_dateline_beats_the_text():
    article = _parse(f"---\ndateline: PARIS (AFP)\n---\nTalks to resume\n\nLONDON (Reuters) - {REST}\n")
    assert article.dateline == Dateline("PARIS", "AFP")


# --- how the date is resolved ----------------------------------------------------------------------------------------


def test_date_prefix_opening_the_first_paragraph_dates_it_and_stays_text():
    paragraph = "December 29, 2016: We just got some news from out of Barbados about the singer."
    article = _parse(f"Singer news\n\n{paragraph}\n")
    assert (article.date, article.date_origin) == (dt.date(2016, 12, 29), "text")
    assert _texts(article) == [paragraph]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("content/2015/10/02/story.txt", dt.date(2015, 10, 2)),
        ("content/2015-10-02-story.txt", dt.date(2015, 10, 2)),
        ("content/news/2015-10-02-story.txt", dt.date(2015, 10, 2)),
    ],
)
def test_date_from_the_path(path, expected):
    article = _parse(f"Wall approved\n\n{LONG_A}\n", path=path)
    assert (article.date, article.date_origin) == (expected, "path")
    assert article.warnings == ()


@pytest.mark.parametrize(
    "path", ["content/2015-13-02-story.txt", "content/story-2015-10-02.txt", "content/20151002.txt"]
)
def test_no_date_from_paths_that_do_not_hold_one(path):
    article = _parse(f"Wall approved\n\n{LONG_A}\n", path=path)
    assert article.date is None


def test_date_precedence_front_matter_then_text_then_path():
    body = f"Wall approved\n2 October 2015\n\n{LONG_A}\n"
    path = "content/2014/01/01/wall.txt"
    assert _parse(body, path=path).date_origin == "text"
    assert _parse(body, path=path).date == dt.date(2015, 10, 2)
    with_meta = f"---\ndate: 2013-05-05\n---\n{body}"
    assert (_parse(with_meta, path=path).date, _parse(with_meta, path=path).date_origin) == (
        dt.date(2013, 5, 5),
        "front_matter",
    )
    plain = _parse(f"Wall approved\n\n{LONG_A}\n", path=path)
    assert (plain.date, plain.date_origin) == (dt.date(2014, 1, 1), "path")


def test_undated_article_carries_a_warning_naming_the_file():
    article = _parse(f"Wall approved\n\n{LONG_A}\n", path="content/wall.txt")
    assert article.date is None and article.date_origin is None
    (warning,) = article.warnings
    assert warning.path == "content/wall.txt" and "undated" in warning.message


# --- repeats and boilerplate within an article -------------------------------------------------------------------------


def test_exact_repeats_point_at_the_first_copy():
    article = _parse(f"Wall approved\n\n{LONG_A}\n\n{LONG_B}\n\n{LONG_C}\n\n{LONG_A}\n\n{LONG_B}\n")
    assert _texts(article) == [LONG_A, LONG_B, LONG_C]
    assert [(r.line, r.reason, r.duplicate_of) for r in article.lines if r.role == "dropped"] == [
        (9, "duplicate", 3),
        (11, "duplicate", 5),
    ]


def test_repeats_compare_after_unicode_and_space_normalisation():
    nbsp = LONG_A.replace(" ", "\u00a0", 3) + "  "
    article = _parse(f"Wall approved\n\n{LONG_A}\n\n{LONG_B}\n\n{nbsp}\n")
    assert _texts(article) == [LONG_A, LONG_B]


FORTY = (
    "The council voted on Tuesday to spend four million pounds on new flood defences along the river, "
    "after a decade in which residents campaigned, petitioned and marched for a wall that engineers "
    "say will protect more than two thousand homes from the kind of flood that struck the town."
)


def test_near_duplicate_is_dropped_pointing_at_the_earlier_line():
    changed = FORTY.replace("Tuesday", "Wednesday")
    article = _parse(f"Wall approved\n\n{FORTY}\n\n{LONG_B}\n\n{changed}\n")
    assert _texts(article) == [FORTY, LONG_B]
    record = _record(article, 7)
    assert (record.role, record.reason, record.duplicate_of) == ("dropped", "near_duplicate", 3)


def test_a_repeat_of_a_near_duplicate_is_dropped_like_it():
    # Fifteen words without a full stop: too short to be a copy by itself when repeated among new text.
    line = "Council leaders agree four million pound plan for new flood defences along the river"
    changed = line + " bank"
    article = _parse(f"Wall approved\n\n{line}\n\n{changed}\n\n{LONG_B}\n\n{changed}\n")
    assert _texts(article) == [line, LONG_B]
    dropped = [(r.line, r.reason, r.duplicate_of) for r in article.lines if r.role == "dropped"]
    assert dropped == [(5, "near_duplicate", 3), (9, "duplicate", 5)]


def test_near_duplicate_threshold_comes_from_the_rules():
    changed = LONG_A.replace("Tuesday", "Wednesday")
    text = f"Wall approved\n\n{LONG_A}\n\n{changed}\n"
    # One word in eighteen changes three of sixteen 3-grams: too much for the default threshold.
    assert len(_parse(text).blocks) == 2
    assert len(_parse(text, rules=Rules.make(threshold=0.5)).blocks) == 1
    assert len(_parse(text, rules=Rules.make(threshold=1.0)).blocks) == 2


def test_a_different_sentence_on_the_same_subject_is_not_a_near_duplicate():
    other = "The council voted on Tuesday against a plan to build a new car park beside the river."
    article = _parse(f"Wall approved\n\n{LONG_A}\n\n{other}\n")
    assert _texts(article) == [LONG_A, other]


def test_pullquote_echoing_its_paragraph_is_kept():
    quote = "We have waited ten years for this wall and we will not wait any longer"
    paragraph = f'"{quote}," said Jane Doe, who chairs the residents\' group.'
    article = _parse(f"Wall approved\n\n{paragraph}\n\n{quote} - Jane Doe |\n\n{LONG_A}\n")
    assert [b.kind for b in article.blocks] == ["paragraph", "pullquote", "paragraph"]
    assert article.blocks[1].text == quote


def test_pullquote_identical_to_a_paragraph_is_kept_and_so_is_the_paragraph():
    article = _parse(f"Wall approved\n\n{LONG_A}\n\n{LONG_A} |\n\n{LONG_B}\n\n{LONG_A} |\n")
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("paragraph", LONG_A),
        ("pullquote", LONG_A),
        ("paragraph", LONG_B),
    ]
    # The second copy of the pull-quote itself is a repeat.
    assert (_record(article, 9).reason, _record(article, 9).duplicate_of) == ("duplicate", 5)


def test_display_quote_in_capitals_is_a_pullquote_and_spares_the_paragraph():
    shout = '"SINCE I SIGNED THE LAW, OUR BUSINESSES HAVE ADDED MORE THAN 15 MILLION NEW JOBS."'
    said = '"Since I signed the law, our businesses have added more than 15 million new jobs," he said.'
    article = _parse(f"Jobs claim\n\n{LONG_A}\n\n{shout}\n\n{LONG_B}\n\n{said}\n")
    assert [b.kind for b in article.blocks] == ["paragraph", "pullquote", "paragraph", "paragraph"]
    assert _texts(article)[-1] == said


def test_short_repeated_lines_that_are_structure_stay():
    text = (
        "Who signed the letter\n\n"
        "Myriah Jordan\nFormer special assistant to President George W. Bush\n\n"
        "Frances Townsend\nFormer deputy national security adviser\n\n"
        "Rudy Fernandez\nFormer special assistant to President George W. Bush\n"
    )
    article = _parse(text)
    assert all(r.role != "dropped" for r in article.lines)
    assert _texts(article).count("Former special assistant to President George W. Bush") == 2


def test_short_repeat_right_after_its_original_is_dropped():
    caption = "Sword swallowers turn out for the rally in Brooklyn"
    article = _parse(f"Rally report\n\n{LONG_A}\n {caption}\n{caption}\n{LONG_B}\n")
    assert _texts(article) == [LONG_A, caption, LONG_B]
    assert _record(article, 5).reason == "duplicate"


def test_short_repeat_inside_a_copied_run_is_dropped():
    text = f"Wall approved\n\n{LONG_A}\n\nWhat next\n\n{LONG_B}\n\n{LONG_C}\n\n{LONG_A}\n\nWhat next\n\n{LONG_B}\n"
    article = _parse(text)
    assert _texts(article) == [LONG_A, "What next", LONG_B, LONG_C]
    assert [r.line for r in article.lines if r.role == "dropped"] == [11, 13, 15]


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "ADVERTISING",
        "Read more",
        "Read more: Council approves new car park",
        "Read more about:",
        "READ NEXT",
        "See also",
        "Share this article",
        "Share this article with Google Plus",
        "Image caption",
        "Image copyright Getty Images",
        "Follow us on Twitter",
        "Follow",
        "Sign up for our newsletter",
        "Sign up",
        "Subscribe now",
        "Continue reading the main story",
        "Related: Council approves new car park",
        "Play Video",
        "Facebook Twitter Pinterest",
        "Getty Images",
        "Rex/Getty",
        "Click here to watch the video",
    ],
)
def test_page_furniture_is_dropped_as_boilerplate(line):
    article = _parse(f"Wall approved\n\n{LONG_A}\n\n{line}\n\n{LONG_B}\n")
    record = _record(article, 5)
    assert (record.role, record.reason) == ("dropped", "boilerplate")
    assert record.pattern
    assert _texts(article) == [LONG_A, LONG_B]


@pytest.mark.parametrize(
    "line",
    [
        "Read more books, the minister told the conference on literacy.",
        "Register to vote by Friday, officials urged.",
        "Follow the money, the inspector said.",
        "Sharing this article's findings, the minister said the survey mattered.",
    ],
)
def test_sentences_that_start_like_furniture_stay(line):
    article = _parse(f"Wall approved\n\n{LONG_A}\n\n{line}\n\n{LONG_B}\n")
    assert line in _texts(article)


def test_read_next_box_drops_its_link_titles_and_byline_but_not_what_follows():
    text = (
        "Styles opens up\n\n"
        f"{LONG_A}\n\n"
        "READ NEXT\n\n"
        "You can now buy the birthday dress from the woman herself\n\n"
        "You can now buy the birthday dress from the woman herself\n\n"
        "By Ciara Sheppard\n"
        "Could this be it?\n\n"
        f"{LONG_B}\n"
    )
    article = _parse(text)
    dropped = [(r.line, r.reason) for r in article.lines if r.role == "dropped"]
    assert dropped == [(5, "boilerplate"), (7, "boilerplate"), (9, "boilerplate"), (11, "boilerplate")]
    assert _texts(article) == [LONG_A, "Could this be it?", LONG_B]


def test_extra_boilerplate_patterns_from_the_config():
    rules = Rules.make(extra_boilerplate=(r"cookie (?:policy|settings)",))
    text = f"Wall approved\n\n{LONG_A}\n\nCookie settings\n\n{LONG_B}\n"
    assert "Cookie settings" in _texts(_parse(text))
    article = _parse(text, rules=rules)
    record = _record(article, 5)
    assert (record.reason, record.pattern) == ("boilerplate", r"cookie (?:policy|settings)")


def test_subheading_stands_alone_but_a_run_of_short_lines_is_text():
    text = (
        "Cup draw\n\n"
        f"{LONG_A}\n\n"
        "Seychelles v South Africa\n\nMauritius v Madagascar\n\nWinners meet in final match\n\n"
        f"{LONG_B}\n\n"
        "What happens next\n\n"
        f"{LONG_C}\n\n"
        "Winners meet in final match\n"
    )
    article = _parse(text)
    kinds = {b.text: b.kind for b in article.blocks}
    assert kinds["What happens next"] == "subheading"
    assert kinds["Seychelles v South Africa"] == "paragraph"
    assert kinds["Winners meet in final match"] == "paragraph"
    # A real repeat of a short line far from its original is kept: it is part of the fixture list.
    assert _texts(article).count("Winners meet in final match") == 2


# --- errors ----------------------------------------------------------------------------------------------------------


def test_first_line_that_is_a_paragraph_is_not_taken_as_the_headline():
    text = f"{LONG_A} {LONG_B}\n\n{LONG_C}\n"
    with pytest.raises(ContentError, match="no headline") as caught:
        parse_article("content/body.txt", text)
    assert caught.value.notices[0].line == 1


def test_headline_only_file_is_an_error_naming_the_file():
    with pytest.raises(ContentError, match="no body text") as caught:
        parse_article("titles/1.txt", "Donald Trump Protester Speaks Out\r\n".replace("\r\n", "\n"))
    assert caught.value.notices[0].path == "titles/1.txt"


# --- repeats across articles ------------------------------------------------------------------------------------------


def test_identical_articles_fold_into_one_whatever_the_input_order(tmp_path: Path):
    files = {
        "b/1.txt": f"Wall approved\n\n{LONG_A}\n\n{LONG_B}\n",
        "a/2.txt": f"Wall approved\n\n{LONG_A}\n\n{LONG_B}  \n",
        "c/3.txt": f"Wall approved\n\n{LONG_A}\n\n{LONG_C}\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    sources, _ = load.discover(tmp_path)
    loaded, problems = load.load_all(sources, Rules.make(), MAX)
    assert problems == []
    for order in (loaded, loaded[::-1]):
        stories = {f.loaded.source.rel: [c.source.rel for c in f.copies] for f in dedupe.across(order)}
        assert stories == {"a/2.txt": ["b/1.txt"], "c/3.txt": []}
    # An article made without the loader's sketch gets one made from its text.
    unsketched = [replace(item, article=replace(item.article, sketch=b"")) for item in loaded]
    stories = {f.loaded.source.rel: [c.source.rel for c in f.copies] for f in dedupe.across(unsketched)}
    assert stories == {"a/2.txt": ["b/1.txt"], "c/3.txt": []}
