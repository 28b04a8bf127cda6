"""Live reload: a page open in a real browser, served by `newsarchive serve`, shows an edit by reloading itself."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from served import serving

from .conftest import Reader

STORY = (
    "---\ndate: 2024-05-01\n---\nCouncil approves harbour wall\n\n"
    "Councillors voted on Tuesday to approve the new harbour wall.\n\nWork starts in the spring.\n"
)
ARTICLE = "2024/05/01/council-approves-harbour-wall/"


def test_an_open_article_reloads_itself_after_an_edit(open_reader, tmp_path: Path) -> None:
    story = tmp_path / "content" / "harbour-wall.txt"
    story.parent.mkdir()
    story.write_text(STORY, encoding="utf-8")

    with serving(tmp_path, "--no-search") as served:
        tab: Reader = open_reader(served.url)
        tab.page.goto(served.url + ARTICLE, wait_until="load")
        body = tab.page.locator("article")
        expect(body).to_contain_text("Work starts in the spring.")
        # A mark that only a fresh load of the page clears.
        tab.page.evaluate("window.loadedBeforeTheEdit = true")

        story.write_text(STORY.replace("in the spring", "after the storm season"), encoding="utf-8")
        expect(body).to_contain_text("Work starts after the storm season.", timeout=60_000)
        assert tab.page.evaluate("window.loadedBeforeTheEdit") is None, "the new text came by reloading the page"
        assert tab.page.url == served.url + ARTICLE

        assert tab.offsite_requests() == []
        assert tab.errors == []
    assert not (tmp_path / "site").exists(), "serve builds into the build cache, never into site/"
