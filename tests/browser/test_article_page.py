"""The seed article as a reader sees it: opened from disk in a real browser, checked through the rendered page."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from playwright.sync_api import Locator, expect

from .conftest import Reader

HEADLINE = "US-led coalition pressures Russia to focus on fighting IS"
STANDFIRST = (
    "The US-led coalition on Friday called for Russia to focus on the Islamic State group, "
    "while the Russian foreign minister denied Moscow was shoring up the Syrian regime in Damascus."
)
SUBHEADINGS = ["Lavrov: Russia targeting 'terrorists'", "Ramifications"]
ATTRIBUTION = "Sergey Lavrov"
# Paragraphs the seed file carries twice (the story was pasted in two overlapping copies).
REPEATED_IN_SOURCE = [
    "The text of the statement was released by the Turkish Foreign Ministry on Friday, "
    "and confirmed by the French Foreign Ministry.",
    "Russian jets made their first sorties in Syria on Wednesday, and Moscow quickly faced complaints about its targets.",
    "Defence Secretary Ash Carter declined to discuss the problem when asked about it this week.",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class _Headings(HTMLParser):
    """Collects the text of every <h1> in a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1":
            self._inside = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.h1[-1] += data


def _squash(text: str) -> str:
    return " ".join(text.split())


def _h1_texts(path: Path) -> list[str]:
    parser = _Headings()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return [_squash(text) for text in parser.h1]


def seed_article(site: Path) -> Path:
    """The one generated page whose <h1> is the seed headline."""
    pages = sorted(site.rglob("*.html"))
    matches = [page for page in pages if HEADLINE in _h1_texts(page)]
    assert len(matches) == 1, f"expected one page with <h1>{HEADLINE}</h1> among {len(pages)} pages, found {matches}"
    return matches[0]


def _visible_texts(locator: Locator) -> list[str]:
    return [_squash(text) for text in locator.filter(visible=True).all_inner_texts()]


def _assert_offline(reader: Reader) -> None:
    assert reader.offsite_requests() == [], "the page asked for something that is not on disk"
    assert reader.failed == [], "a file the page refers to could not be loaded"
    assert reader.errors == []


def test_seed_article_reads_correctly_from_disk(reader: Reader, built_site: Path, tmp_path: Path) -> None:
    article_file = seed_article(built_site)
    reader.open(article_file)
    page = reader.page

    h1 = page.locator("h1")
    expect(h1).to_have_count(1)
    expect(h1).to_be_visible()
    expect(h1).to_have_text(HEADLINE)

    story = page.locator("article")
    expect(story).to_have_count(1)
    body = story.locator(".body")
    expect(body).to_have_count(1)

    subheadings = body.locator("h2")
    expect(subheadings).to_have_text(SUBHEADINGS)  # exactly these two, in this order
    for index in range(len(SUBHEADINGS)):
        expect(subheadings.nth(index)).to_be_visible()

    pullquotes = body.locator("figure:has(blockquote)")
    expect(pullquotes).to_have_count(2)
    for index in range(2):
        expect(pullquotes.nth(index)).to_be_visible()
        expect(pullquotes.nth(index).locator("blockquote")).not_to_be_empty()
    expect(body.locator("figure blockquote")).to_have_count(2)
    cite = pullquotes.locator("cite").filter(has_text=ATTRIBUTION)
    expect(cite).to_have_count(1)
    expect(cite).to_be_visible()
    expect(cite).to_have_text(ATTRIBUTION)

    paragraphs = _visible_texts(body.locator("p"))
    assert len(paragraphs) >= 20, f"the article body shows only {len(paragraphs)} paragraphs"
    repeats = {text: count for text, count in Counter(paragraphs).items() if count > 1}
    assert repeats == {}, "a reader sees these paragraphs more than once"
    for text in REPEATED_IN_SOURCE:
        assert text in paragraphs, f"a paragraph the source repeats was dropped altogether: {text!r}"

    standfirst = story.get_by_text(STANDFIRST, exact=True)
    expect(standfirst).to_have_count(1)
    expect(standfirst).to_be_visible()
    assert STANDFIRST not in paragraphs, "the standfirst is repeated as a body paragraph"
    reading_time = story.get_by_text("4 min read", exact=True)
    expect(reading_time).to_have_count(1)
    expect(reading_time).to_be_visible()

    # The theme's stylesheet, linked relatively, applied when opened from disk: the browser default
    # would be a bare "Times New Roman" and a figure with no border.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("Georgia"), f"body font-family is {font!r}: the stylesheet did not apply"
    first_quote = pullquotes.first
    expect(first_quote).to_have_css("border-left-style", "solid")
    expect(first_quote).to_have_css("border-left-width", "4px")
    stylesheet = (built_site / "static" / "style.css").resolve().as_uri()
    assert stylesheet in reader.requests, f"the stylesheet was never loaded; requests: {reader.requests}"

    screenshot = tmp_path / "seed-article.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.is_file()
    data = screenshot.read_bytes()
    assert len(data) > len(PNG_SIGNATURE) and data.startswith(PNG_SIGNATURE), f"{screenshot} is not a PNG"

    assert reader.requests[0] == article_file.resolve().as_uri()
    _assert_offline(reader)


def test_home_page_link_opens_seed_article(reader: Reader, built_site: Path) -> None:
    reader.open(built_site / "index.html")
    link = reader.page.get_by_role("link", name=HEADLINE, exact=True)
    expect(link).to_have_count(1)
    expect(link).to_be_visible()
    link.click()
    reader.page.wait_for_load_state("load")

    assert reader.page.url == seed_article(built_site).resolve().as_uri()
    expect(reader.page.locator("h1")).to_have_text(HEADLINE)
    _assert_offline(reader)
