"""feeds.py: site/feed.xml read back with feedparser, as a feed reader would."""

from __future__ import annotations

import datetime as dt
import time
from xml.etree import ElementTree

import feedparser
import pytest

SITE_URL = "https://news.example.org/archive/"

LATE_PARAGRAPH = "The committee will review the plan again when the autumn figures are published."


def _articles(slug: str | None = None) -> dict[str, str]:
    slug_line = f"slug: {slug}\n" if slug else ""
    return {
        "harbour.txt": (
            f"---\ndate: 2021-03-04\nbyline: [Ana Ruiz]\n{slug_line}---\n"
            "Harbour wall plan approved\n"
            "Councillors backed the plan after two winters of flooding.\n"
            "3 min read\n"
            "The council voted on Tuesday to raise the harbour wall by half a metre.\n"
            "Work will start in the spring and take eighteen months.\n"
            "Residents will be consulted on the design of the new gates.\n" + LATE_PARAGRAPH + "\n"
        ),
        "ferry.txt": (
            "---\ndate: 2019-11-20\n---\nFerry timetable cut for winter\n\n"
            "The harbour ferry will run every forty minutes instead of every twenty from next week, the operator said.\n"
            "\nWeekend sailings are unchanged.\n"
        ),
        "market.md": (
            "---\ndate: 2022-06-21\nstandfirst: Record crowds at the old docks.\n---\n# Solstice market\n\n"
            "More than **four thousand** visitors came.\n\n## Newcomers\n\nTwelve stalls were new.\n"
        ),
        "undated.txt": "An undated note\n\nNobody recorded when this was written down.\n",
    }


def _parse(site):
    data = (site / "feed.xml").read_bytes()
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def _file_for(link: str, site_url: str, site):
    assert link.startswith(site_url), link
    rel = link[len(site_url) :]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return site / rel


@pytest.fixture(scope="module")
def feed_site(site_builder, tmp_path_factory):
    return site_builder(
        tmp_path_factory.mktemp("feed_site"), _articles(), config=f"site_url: {SITE_URL}\ntitle: Harbour Gazette\n"
    )


def test_feed_is_well_formed_rss(feed_site):
    feed = _parse(feed_site)
    assert feed.version.startswith("rss")
    assert feed.feed.title == "Harbour Gazette"
    assert len(feed.entries) == 4


def test_items_are_newest_first_and_undated_last(feed_site):
    feed = _parse(feed_site)
    titles = [e.title for e in feed.entries]
    assert titles == [
        "Solstice market",
        "Harbour wall plan approved",
        "Ferry timetable cut for winter",
        "An undated note",
    ]
    dated = [e.published_parsed for e in feed.entries if e.get("published_parsed")]
    assert dated == sorted(dated, reverse=True)


def test_item_links_name_generated_files(feed_site):
    feed = _parse(feed_site)
    for entry in feed.entries:
        page = _file_for(entry.link, SITE_URL, feed_site)
        assert page.is_file(), entry.link
        assert entry.title in page.read_text(encoding="utf-8")


def test_channel_link_is_the_site_home_page(feed_site):
    # RSS 2.0: a channel's <link> is "the URL to the HTML website corresponding to the channel".
    channel = ElementTree.parse(feed_site / "feed.xml").getroot().find("channel")
    assert channel is not None
    assert channel.findtext("link") == SITE_URL
    alternate = [link.href for link in _parse(feed_site).feed.links if link.rel == "alternate"]
    assert alternate == [SITE_URL]


def test_pubdate_is_the_article_date(feed_site):
    by_title = {e.title: e for e in _parse(feed_site).entries}
    expected = {
        "Solstice market": (2022, 6, 21),
        "Harbour wall plan approved": (2021, 3, 4),
        "Ferry timetable cut for winter": (2019, 11, 20),
    }
    for title, date in expected.items():
        assert tuple(by_title[title].published_parsed[:3]) == date, title
    assert not by_title["An undated note"].get("published_parsed")


def test_description_is_the_standfirst_or_a_summary(feed_site):
    by_title = {e.title: e for e in _parse(feed_site).entries}
    assert (
        by_title["Harbour wall plan approved"].summary == "Councillors backed the plan after two winters of flooding."
    )
    assert by_title["Solstice market"].summary == "Record crowds at the old docks."
    ferry = by_title["Ferry timetable cut for winter"].summary
    first_paragraph = "The harbour ferry will run every forty minutes instead of every twenty from next week"
    assert ferry.startswith("The harbour ferry will run")
    assert first_paragraph.startswith(ferry.removesuffix("\u2026").strip()[:80])


def test_content_encoded_holds_the_full_body(feed_site):
    by_title = {e.title: e for e in _parse(feed_site).entries}
    body = by_title["Harbour wall plan approved"].content[0].value
    assert LATE_PARAGRAPH in body
    assert "Work will start in the spring" in body
    market = by_title["Solstice market"].content[0].value
    assert "Twelve stalls were new." in market
    assert "<strong>four thousand</strong>" in market


def test_byline_is_the_item_author(feed_site):
    by_title = {e.title: e for e in _parse(feed_site).entries}
    assert "Ana Ruiz" in by_title["Harbour wall plan approved"].get("author", "")


def test_guids_are_stable_unique_and_survive_a_slug_change(build_site, tmp_path):
    first = _parse(build_site(_articles(), output="one"))
    again = _parse(build_site(_articles(), output="two"))
    renamed = _parse(build_site(_articles(slug="a-completely-new-slug"), output="three"))

    def guids(feed):
        return {e.title: e.id for e in feed.entries}

    def links(feed):
        return {e.title: e.link for e in feed.entries}

    assert len(set(guids(first).values())) == 4
    assert guids(first) == guids(again)
    assert links(renamed)["Harbour wall plan approved"] != links(first)["Harbour wall plan approved"]
    assert "a-completely-new-slug" in links(renamed)["Harbour wall plan approved"]
    assert guids(renamed) == guids(first)
    for entry in first.entries:
        assert entry.id != entry.link
        assert not entry.id.startswith("http")
        assert entry.guidislink is False


def test_explicit_id_becomes_the_guid(build_site):
    articles = _articles()
    articles["harbour.txt"] = articles["harbour.txt"].replace("---\ndate:", "---\nid: harbour-2021-0042\ndate:", 1)
    feed = _parse(build_site(articles))
    (entry,) = [e for e in feed.entries if e.title == "Harbour wall plan approved"]
    assert "harbour-2021-0042" in entry.id


def test_default_site_url(build_site):
    site = build_site(_articles())
    feed = _parse(site)
    for entry in feed.entries:
        assert entry.link.startswith("http://localhost:8000/")
        assert _file_for(entry.link, "http://localhost:8000/", site).is_file()


def test_feed_time_comes_from_the_content(feed_site):
    feed = _parse(feed_site)
    today = dt.datetime.now(dt.UTC).date()
    updated = feed.feed.get("updated_parsed")
    if updated is not None:
        assert dt.date(*updated[:3]) != today
        assert tuple(updated[:3]) == (2022, 6, 21), "the newest article's date"
    xml = (feed_site / "feed.xml").read_text(encoding="utf-8")
    for day in {today, dt.date.fromtimestamp(time.time())}:
        assert day.strftime("%d %b %Y") not in xml


def test_feed_escapes_markup(build_site):
    site = build_site(
        {
            "hostile.txt": "---\ndate: 2024-05-01\n---\n<script>alert(1)</script> Harbour plan\n\n"
            "Body with <b>tags</b> & ampersands.\n"
        }
    )
    feed = _parse(site)
    (entry,) = feed.entries
    assert entry.title == "<script>alert(1)</script> Harbour plan"
    xml = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in xml
