"""urls.py: slugs, output-path safety and relative links."""

from __future__ import annotations

import datetime as dt
import posixpath

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsarchive import urls


@given(st.text())
def test_slugify_is_ascii_never_empty_never_a_path(text):
    slug = urls.slugify(text)
    assert slug
    assert slug.isascii()
    assert "/" not in slug
    assert "\\" not in slug
    assert ".." not in slug
    assert urls.is_safe(slug)
    assert slug == slug.lower()
    assert not slug.startswith("-")
    assert not slug.endswith("-")


@given(st.text())
def test_slugify_is_stable(text):
    assert urls.slugify(urls.slugify(text)) == urls.slugify(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("US-led coalition pressures Russia", "us-led-coalition-pressures-russia"),
        ("Neue Brücke in Köln: café!", "neue-brucke-in-koln-cafe"),
        ("  --Hello,   World--  ", "hello-world"),
    ],
)
def test_slugify_examples(text, expected):
    assert urls.slugify(text) == expected


@pytest.mark.parametrize("text", ["", "???", "../..", "/", "日本語のニュース", "\x00"])
def test_slugify_of_nothing_usable_is_still_a_name(text):
    slug = urls.slugify(text)
    assert slug
    assert urls.is_safe(slug)


def test_slugify_limits_length():
    slug = urls.slugify("word " * 100)
    assert 0 < len(slug) <= urls.MAX_SLUG
    assert not slug.endswith("-")


@pytest.mark.parametrize(
    "path",
    [
        "../x",
        "/abs",
        "/etc/passwd",
        "a/../b",
        "a/..",
        "..",
        ".",
        "./a",
        "a//b",
        "a/",
        "C:x",
        "C:/x",
        "a\\b",
        "\\\\server\\share",
        "a\x00b",
        "",
    ],
)
def test_is_safe_rejects_paths_that_leave_the_output_folder(path):
    assert not urls.is_safe(path)


@pytest.mark.parametrize(
    "path", ["index.html", "feed.xml", "static/style.css", "2015/10/02/some-story/index.html", "page/2/index.html"]
)
def test_is_safe_accepts_plain_relative_paths(path):
    assert urls.is_safe(path)


_NAME_PIECES = st.sampled_from(
    ["a", "Z", "9", "-", "_", ".", "..", "con", "NUL", "lpt3", "Com0", "aux", "é", ":", "\\", "\x00", " "]
)


@given(
    st.lists(
        st.one_of(st.lists(_NAME_PIECES, max_size=4).map("".join), st.sampled_from(["x" * 255, "x" * 256, "é" * 128])),
        min_size=1,
        max_size=4,
    ).map("/".join)
)
@example("con")
@example("a/Com1.html")
@example("aux.txt/b")
@example("lpt9/x")
@example("a/" + "x" * 256)
@example("a/" + "x" * 255)
@example("a/.hidden")
def test_is_safe_quick_check_agrees_with_the_full_rules(path):
    # Most paths pass a quick pattern; it must never accept what the full rules refuse, nor refuse what they accept.
    assert urls.is_safe(path) == urls._is_safe(path)
    assert urls.is_safe("/" + path) is False


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("index.html", "static/style.css", "static/style.css"),
        ("index.html", "2015/10/02/story/index.html", "2015/10/02/story/index.html"),
        ("2015/10/02/story/index.html", "index.html", "../../../../index.html"),
        ("2015/10/02/story/index.html", "static/style.css", "../../../../static/style.css"),
        ("page/2/index.html", "feed.xml", "../../feed.xml"),
    ],
)
def test_href_examples(source, target, expected):
    assert urls.href(source, target) == expected


_segment = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
_path = st.lists(_segment, min_size=0, max_size=4).map(lambda parts: "/".join([*parts, "index.html"]))


@given(_path, _path)
def test_href_resolves_back_to_its_target(source, target):
    link = urls.href(source, target)
    assert not link.startswith("/")
    assert "://" not in link
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), link))
    assert resolved == target


def test_article_path_names_a_file_and_is_safe():
    dated = urls.article_path(dt.date(2015, 10, 2), "story")
    undated = urls.article_path(None, "story")
    for path in (dated, undated):
        assert path.endswith("/index.html")
        assert urls.is_safe(path)
    assert "2015" in dated
    assert dated != undated


@pytest.mark.parametrize("date", [dt.date(999, 5, 1), dt.date(1, 1, 9), dt.date(2015, 10, 2)])
def test_day_and_article_folders_sit_inside_their_month_and_year_folders(date):
    year_folder = posixpath.dirname(urls.year_path(date.year))
    month_folder = posixpath.dirname(urls.month_path(date.year, date.month))
    day_folder = posixpath.dirname(urls.day_path(date))
    assert month_folder.startswith(year_folder + "/") and day_folder.startswith(month_folder + "/")
    assert urls.article_path(date, "story").startswith(day_folder + "/")


def test_permalink_is_under_the_site_url():
    site = "https://news.example.org/archive/"
    assert urls.permalink(site, "index.html") == site
    link = urls.permalink(site, "2015/10/02/story/index.html")
    assert link.startswith(site)
    assert link.endswith("/story/")


def test_article_id_is_stable_and_independent_of_the_url():
    assert urls.article_id("a/story.txt", None) == urls.article_id("a/story.txt", None)
    assert urls.article_id("a/story.txt", None) != urls.article_id("b/story.txt", None)
    assert "story-42" in urls.article_id("a/story.txt", "story-42")
