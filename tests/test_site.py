"""The archive site as a whole (issue 4): home paging, article pages, the date archive, topics, feeds,
files for machines, search determinism, links that work from disk, and the done-when corpora.

Every site here is built by the real command line into tmp_path from content written by the test, so
each expectation comes from the content, not from the implementation.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from htmltree import Node, parse_html
from newsarchive import cli, render
from newsarchive.config import Config
from newsarchive.enrich import Site

REPO = Path(__file__).resolve().parents[1]
DEMO_CONTENT = REPO / "content"
BBC = REPO.parent / "shared" / "corpora" / "bbc-fulltext" / "bbc"
SITE_URL = "https://news.example.org/sub/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json"}


# -- building sites ---------------------------------------------------------------------------------


def story(headline: str, *paragraphs: str, **meta: object) -> str:
    """An article in the plain shape (headline, blank line, paragraphs) under YAML front matter."""
    lines = []
    for key, value in meta.items():
        if value is None:
            continue
        # JSON is YAML; dates stay bare so they read as dates.
        lines.append(f"{key}: {value if key == 'date' else json.dumps(value)}")
    front = "---\n" + "\n".join(lines) + "\n---\n" if lines else ""
    body = paragraphs or (f"This is the story told under the headline {headline.lower()}.",)
    return front + headline + "\n\n" + "\n\n".join(body) + "\n"


@dataclass
class Workspace:
    """A content folder, a newsarchive.yaml and a site folder, side by side under one root."""

    root: Path
    config: str = ""

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def write(self, files: dict[str, str]) -> Workspace:
        for rel, text in files.items():
            target = self.content / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return self

    def build(self, *, search: bool = False, output: Path | None = None) -> Path:
        config_file = self.root / "newsarchive.yaml"
        # templates: named explicitly, as its default is taken from the working folder, not this one.
        config_file.write_text(f"site_url: {SITE_URL}\ntemplates: templates\n{self.config}", encoding="utf-8")
        output = output or self.site
        argv = ["build", "-q", "--config", str(config_file), "--content", str(self.content), "--output", str(output)]
        if not search:
            argv.append("--no-search")
        status = cli.main(argv)
        assert status == 0, f"`newsarchive {' '.join(argv)}` exited with {status}; its errors are in stderr above"
        return output


def build(root: Path, files: dict[str, str], config: str = "", *, search: bool = False) -> Path:
    return Workspace(root, config).write(files).build(search=search)


def benchmark_corpus() -> ModuleType:
    """benchmarks/corpus.py, the project's deterministic generator of dated, tagged articles."""
    path = REPO / "benchmarks" / "corpus.py"
    assert path.is_file(), f"{path} is missing: the generated-corpus tests use it"
    spec = importlib.util.spec_from_file_location("newsarchive_bench_corpus", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# -- reading pages ----------------------------------------------------------------------------------


@dataclass
class El(Node):
    """A page element with the readers these tests use: text spaced between elements, and finders."""

    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else f" {c.text()} " for c in self.children).split())

    def iter(self) -> Iterator[El]:
        for child in self.children:
            if isinstance(child, El):
                yield child
                yield from child.iter()

    def all(self, tag: str, cls: str | None = None, **attrs: str) -> list[El]:
        return [
            e
            for e in self.iter()
            if e.tag == tag
            and (cls is None or cls in e.attrs.get("class", "").split())
            and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, cls: str | None = None, **attrs: str) -> El:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag}> (class={cls}, {attrs}), found {len(found)}"
        return found[0]

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()


def html(path: Path) -> El:
    root = parse_html(path.read_text(encoding="utf-8"), El)
    assert isinstance(root, El)
    return root


def is_internal(ref: str) -> bool:
    return bool(ref) and not urlsplit(ref).scheme and not ref.startswith(("//", "#"))


def target(site: Path, page: Path, ref: str) -> Path:
    """The file an internal link on `page` leads to: fragment and query dropped, a folder means its index.html.
    A link starting with "/" is taken from the path of SITE_URL (how 404.html links)."""
    path = urlsplit(ref).path
    if path.startswith("/"):
        base = urlsplit(SITE_URL).path
        assert path.startswith(base), f"{page}: root link {ref!r} is outside the site's path {base!r}"
        resolved = site / path[len(base) :]
    else:
        resolved = page.parent / path
    if path.endswith("/") or path == "":
        resolved = resolved / "index.html"
    return Path(resolved.as_posix()).resolve()


def rel(site: Path, path: Path) -> str:
    return path.resolve().relative_to(site.resolve()).as_posix()


def h1(page: Path) -> str:
    return html(page).one("h1").text()


def list_links(site: Path, page: Path) -> list[str]:
    """The article links of a list page, in order, as paths relative to the site."""
    doc = html(page)
    main = doc.one("main")
    return [
        rel(site, target(site, page, a.attrs["href"])) for ol in main.all("ol", "article-list") for a in ol.all("a")
    ]


def article_files(site: Path) -> list[Path]:
    """Every article page: the pages whose OpenGraph type is "article"."""
    return [
        page
        for page in sorted(site.rglob("*.html"))
        if any(m.attrs.get("content") == "article" for m in html(page).all("meta", property="og:type"))
    ]


def article_pages(site: Path) -> dict[str, Path]:
    """Article pages by headline, for sites whose headlines are all different."""
    found: dict[str, Path] = {}
    for page in article_files(site):
        headline = html(page).one("h1").text()
        assert headline not in found, f"two article pages with the headline {headline!r}"
        found[headline] = page
    return found


def follow(site: Path, first: Path) -> list[str]:
    """The article links of a paginated list, following its rel=next links to the last page."""
    links: list[str] = []
    page: Path | None = first
    while page is not None:
        links += list_links(site, page)
        older = pager(site, page, html(page).one("main")).get("next")
        page = site / older if older else None
    return links


def pager(site: Path, page: Path, scope: El | None = None) -> dict[str, str]:
    """The rel=prev / rel=next links of a page, as site-relative targets."""
    doc = scope or html(page)
    links = {}
    for a in doc.iter():
        if a.tag == "a" and a.attrs.get("rel") in ("prev", "next"):
            assert a.attrs["rel"] not in links, f"{page}: two rel={a.attrs['rel']} links"
            links[a.attrs["rel"]] = rel(site, target(site, page, a.attrs["href"]))
    return links


# -- 1. the home page and its stable pages ----------------------------------------------------------


def dated_series(count: int, start: dt.date = dt.date(2020, 1, 1)) -> dict[str, str]:
    """`count` articles, one a day; file names run against the dates so path order is not date order."""
    files = {}
    for i in range(count):
        day = start + dt.timedelta(days=i)
        files[f"n{count - i:03d}.txt"] = story(f"Story number {i}", date=day.isoformat())
    return files


def test_home_shows_the_newest_twenty_by_default_and_pages_count_from_the_oldest(tmp_path: Path) -> None:
    site = build(tmp_path, dated_series(25))
    pages = article_pages(site)
    path_of = {rel(site, p): int(h.rsplit(" ", 1)[1]) for h, p in pages.items()}

    home = [path_of[p] for p in list_links(site, site / "index.html")]
    assert home == list(range(24, 4, -1)), "the home page should list the 20 newest articles, newest first"

    first = [path_of[p] for p in list_links(site, site / "page" / "1" / "index.html")]
    second = [path_of[p] for p in list_links(site, site / "page" / "2" / "index.html")]
    assert sorted(first) == list(range(20)), "page/1/ should hold the 20 oldest articles"
    assert sorted(second) == list(range(20, 25))
    assert not (site / "page" / "3").exists()

    # The home page's way back leads to the page holding the newest article it does not show.
    older = pager(site, site / "index.html")["next"]
    assert 4 in [path_of[p] for p in list_links(site, site / older)]


def test_page_n_keeps_its_articles_when_a_newer_article_arrives(tmp_path: Path) -> None:
    space = Workspace(tmp_path, "per_page: 3\n").write(dated_series(7))
    site = space.build()
    before = {n: list_links(site, site / "page" / str(n) / "index.html") for n in (1, 2)}
    assert all(len(links) == 3 for links in before.values())

    space.write({"zz-newest.txt": story("Newest of all", date="2020-02-01")})
    site = space.build()
    after = {n: list_links(site, site / "page" / str(n) / "index.html") for n in (1, 2)}
    assert after == before, "an existing page/N/ changed when a newer article was added"
    newest = article_pages(site)["Newest of all"]
    assert list_links(site, site / "index.html")[0] == rel(site, newest)


# -- 2. the article page ----------------------------------------------------------------------------

RICH = """\
---
date: 2021-04-09
byline: [Jane Doe, John Roe]
source: Harbour Gazette
url: https://example.org/harbour/lighthouse
tags: [Heritage, Coast]
---
Lighthouse keepers return to Pellow Point
Lighthouse keepers return to Pellow Point
The last staffed lighthouse on the coast will have keepers again after a twenty-year gap.
3 min read
PELLOW POINT (Coast Wire) - The trust that owns the Pellow Point lighthouse said on Friday it would hire two keepers.
The lamp was automated in 2001, and the cottages at its foot have stood empty since the last keeper left.
The sea has always needed watching, and machines do not watch - Mara Quillfeather |
"The sea has always needed watching, and machines do not watch," said Mara Quillfeather, who chairs the trust.
What the keepers will do
Visitors will be able to climb the tower on weekend afternoons, guided by the keepers themselves.
The trust expects the first keepers to move in before the equinox gales of late September.
"""
RICH_HEADLINE = "Lighthouse keepers return to Pellow Point"


@pytest.fixture(scope="module")
def rich_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        "rich.txt": RICH,
        "older.txt": story("Ferry timetable cut for winter", date="2021-03-01", tags=["Coast"]),
        "newer.txt": story("Harbour wall repairs begin", date="2021-05-20", tags=["Heritage"]),
    }
    return build(tmp_path_factory.mktemp("rich"), files)


def test_article_page_shows_every_part_of_the_article(rich_site: Path) -> None:
    page = article_pages(rich_site)[RICH_HEADLINE]
    doc = html(page)
    story_el = doc.one("article")
    assert story_el.one("h1").text() == RICH_HEADLINE
    assert story_el.one("p", "standfirst").text() == (
        "The last staffed lighthouse on the coast will have keepers again after a twenty-year gap."
    )
    byline = story_el.one("span", "byline").text()
    assert "Jane Doe" in byline and "John Roe" in byline
    assert story_el.one("time").attrs["datetime"] == "2021-04-09"
    assert "2021" in story_el.one("time").text()
    assert "3 min read" in story_el.text()
    dateline = story_el.one("p", "dateline").text()
    assert "PELLOW POINT" in dateline and "Coast Wire" in dateline

    body = story_el.one("div", "body")
    paragraphs = [p.text() for p in body.all("p") if not p.has_class("dateline") and p.parent is body]
    assert paragraphs[0] == "The trust that owns the Pellow Point lighthouse said on Friday it would hire two keepers."
    assert (
        paragraphs[-1] == "The trust expects the first keepers to move in before the equinox gales of late September."
    )
    assert [h.text() for h in body.all("h2")] == ["What the keepers will do"]
    quote = body.one("figure", "pullquote")
    assert quote.one("blockquote").text() == "The sea has always needed watching, and machines do not watch"
    assert quote.one("cite").text() == "Mara Quillfeather"


def test_article_topics_link_to_their_topic_pages(rich_site: Path) -> None:
    page = article_pages(rich_site)[RICH_HEADLINE]
    links = html(page).one("p", "tags").all("a")
    assert sorted(a.text() for a in links) == ["Coast", "Heritage"]
    for a in links:
        topic_page = target(rich_site, page, a.attrs["href"])
        assert topic_page.is_file(), f"topic link {a.attrs['href']} leads nowhere"
        assert a.text() in h1(topic_page)
        assert rel(rich_site, page) in list_links(rich_site, topic_page)


def test_article_source_and_citation(rich_site: Path) -> None:
    page = article_pages(rich_site)[RICH_HEADLINE]
    doc = html(page)
    source = doc.one("p", "source").one("a")
    assert source.attrs["href"] == "https://example.org/harbour/lighthouse"
    assert source.text() == "Harbour Gazette"

    apa = doc.one("p", "apa").text()
    assert re.search(r"\bDoe, J\..*\bRoe, J\.", apa), apa
    assert "(2021" in apa and RICH_HEADLINE in apa

    bibtex = doc.one("pre", "bibtex").text()
    assert re.search(r"author\s*=\s*\{Jane Doe and John Roe\}", bibtex), bibtex
    assert re.search(r"year\s*=\s*\{2021\}", bibtex), bibtex
    assert re.search(r"title\s*=\s*\{+" + re.escape(RICH_HEADLINE) + r"\}+", bibtex), bibtex


def test_article_page_links_a_print_stylesheet(rich_site: Path) -> None:
    page = article_pages(rich_site)[RICH_HEADLINE]
    sheets = [target(rich_site, page, link.attrs["href"]) for link in html(page).all("link", rel="stylesheet")]
    assert sheets, "the article page links no stylesheet"
    css = "".join(sheet.read_text(encoding="utf-8") for sheet in sheets)
    assert re.search(r"@media\s+print\s*\{", css), "no @media print rules in the page's stylesheets"


def test_newer_and_older_links_follow_the_dates_not_the_file_names(tmp_path: Path) -> None:
    files = {
        "a.txt": story("Gamma is the newest", date="2020-03-01"),
        "b.txt": story("Alpha is the oldest", date="2019-06-01"),
        "c.txt": story("Beta is in the middle", date="2020-01-15"),
    }
    site = build(tmp_path, files)
    pages = {h.split()[0]: rel(site, p) for h, p in article_pages(site).items()}
    nav = {
        name: pager(site, site / path, html(site / path).one("nav", aria_label="Neighbouring articles"))
        for name, path in pages.items()
    }
    # Pages run newest first everywhere (the home pager's rel=next goes back in time), so here too
    # rel=prev is the next-newer article and rel=next the next-older one.
    assert nav["Beta"] == {"prev": pages["Gamma"], "next": pages["Alpha"]}
    assert nav["Gamma"] == {"next": pages["Beta"]}
    assert nav["Alpha"] == {"prev": pages["Beta"]}


def related_corpus() -> dict[str, str]:
    """A target article, its close twin (same distinctive vocabulary), a weak cousin, and unrelated ones that
    each share one word with the target. All share one tag, so every one is a candidate and only the words
    can rank them; the twin is the oldest and last by file name, so neither date nor path order can put it
    first by accident."""
    target_text = (
        "The quokka colony on Rottnest island drew marsupial experts to the causeway this spring.",
        "Each quokka was counted twice, and the marsupial census found the selfie trade had moved the animals.",
        "A ferry brought rangers to the quokka burrows near the lighthouse, where the selfie crowds gather.",
    )
    twin = (
        "Rangers say the quokka is thriving on Rottnest despite the selfie craze among visitors.",
        "The marsupial population on Rottnest grew again, and each quokka burrow was mapped by volunteers.",
        "Selfie rules near the quokka colony will be enforced by marsupial wardens from next year.",
    )
    cousin = (
        "A wallaby was seen near the ferry terminal, far from any quokka habitat on the mainland.",
        "The ferry company said the wallaby was returned to the sanctuary unharmed.",
    )
    shared = ("ferry", "lighthouse", "causeway", "island", "spring", "rangers")
    unrelated = {}
    for n, word in enumerate(shared):
        topic = ("orchard", "tramway", "brewery", "quarry", "foundry", "mill")[n]
        unrelated[f"m{n}.txt"] = story(
            f"The {topic} reopens after repairs",
            f"The old {topic} reopened on Saturday after a winter of repairs, with a {word} nearby.",
            f"Workers at the {topic} said the {topic} would hire apprentices, and the {topic} owners agreed.",
            date=f"2022-0{n + 1}-10",
            tags=["Coast"],
        )
    return {
        "b-target.txt": story("Quokka census on Rottnest", *target_text, date="2022-08-01", tags=["Coast"]),
        "z-twin.txt": story("Rottnest quokka numbers rise", *twin, date="2010-01-01", tags=["Coast"]),
        "a-cousin.txt": story("Wallaby found at ferry terminal", *cousin, date="2022-07-30", tags=["Coast"]),
        **unrelated,
    }


def test_related_articles_put_the_closest_first_and_list_five(tmp_path: Path) -> None:
    site = build(tmp_path, related_corpus())
    pages = article_pages(site)
    page = pages["Quokka census on Rottnest"]
    section = html(page).one("section", "related")
    links = [rel(site, target(site, page, a.attrs["href"])) for a in section.all("a")]
    assert len(links) == 5, f"expected five related articles, got {links}"
    assert len(set(links)) == 5 and rel(site, page) not in links
    assert links[0] == rel(site, pages["Rottnest quokka numbers rise"]), links
    twin = pages["Rottnest quokka numbers rise"]
    twin_links = [target(site, twin, a.attrs["href"]) for a in html(twin).one("section", "related").all("a")]
    assert twin_links[0] == page.resolve()


def test_identical_files_make_one_page_that_names_the_other(tmp_path: Path) -> None:
    text = story(
        "Pier lights switched on for winter",
        "The pier lights were switched on at dusk on Friday, a week earlier than last year.",
        "The council said the new lamps use a third of the power of the old ones.",
        date="2021-11-05",
    )
    site = build(tmp_path, {"desk/pier-lights.txt": text, "wire/pier-lights-copy.txt": text})
    pages = article_pages(site)
    assert list(pages) == ["Pier lights switched on for winter"], "the copy was published as a page of its own"
    copies = html(pages["Pier lights switched on for winter"]).one("p", "copies").text()
    # The canonical copy is the first by path (same date), so the page names the other file.
    assert "wire/pier-lights-copy.txt" in copies
    assert "desk/pier-lights.txt" not in copies


# -- 3. the date archive ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        "a1.txt": story("Tide gauge replaced at the quay", date="2021-03-05"),
        "a2.txt": story("Quay cafe wins licence", date="2021-03-05"),
        "a3.txt": story("Spring tide floods car park", date="2021-03-20"),
        "a4.txt": story("Regatta crowds return", date="2021-07-01"),
        "a5.txt": story("New year swim raises funds", date="2022-01-10"),
        "memoir.txt": story("Memoir of the harbour master"),
    }
    return build(tmp_path_factory.mktemp("archive"), files)


def test_year_month_and_day_pages_exist_and_list_their_articles(archive_site: Path) -> None:
    site = archive_site
    pages = {h: rel(site, p) for h, p in article_pages(site).items()}
    for folder in ("2021", "2022", "2021/03", "2021/07", "2022/01", "2021/03/05", "2021/03/20", "2021/07/01"):
        assert (site / folder / "index.html").is_file(), f"/{folder}/ is missing"
    assert sorted(list_links(site, site / "2021/03/05/index.html")) == sorted(
        [pages["Tide gauge replaced at the quay"], pages["Quay cafe wins licence"]]
    )
    assert sorted(list_links(site, site / "2021/03/index.html")) == sorted(
        pages[h] for h in ("Tide gauge replaced at the quay", "Quay cafe wins licence", "Spring tide floods car park")
    )
    year = site / "2021/index.html"
    months = [rel(site, target(site, year, a.attrs["href"])) for a in html(year).one("main").all("a")]
    assert "2021/03/index.html" in months and "2021/07/index.html" in months
    assert "2022/01/index.html" not in months, "the 2021 page links a month of 2022"


def test_month_calendar_counts_articles_per_day_and_links_the_days(archive_site: Path) -> None:
    page = archive_site / "2021/03/index.html"
    table = html(page).one("table", "calendar")
    cells = [td for td in table.all("td") if td.text()]
    assert [int(td.text().split()[0]) for td in cells] == list(range(1, 32)), "March needs 31 day cells in order"
    linked = {}
    for td in cells:
        numbers = [int(n) for n in re.findall(r"\d+", td.text())]
        anchors = td.all("a")
        if anchors:
            linked[numbers[0]] = (numbers[1], rel(archive_site, target(archive_site, page, anchors[0].attrs["href"])))
        else:
            assert len(numbers) == 1, f"day {numbers[0]} shows a count but has no link: {td.text()!r}"
    assert linked == {5: (2, "2021/03/05/index.html"), 20: (1, "2021/03/20/index.html")}


def test_period_pages_link_the_neighbouring_periods(archive_site: Path) -> None:
    site = archive_site

    def nav(folder: str) -> dict[str, str]:
        page = site / folder / "index.html"
        return pager(site, page, html(page).one("main"))

    assert nav("2021") == {"prev": "2022/index.html"}
    assert nav("2022") == {"next": "2021/index.html"}
    assert nav("2021/07") == {"prev": "2022/01/index.html", "next": "2021/03/index.html"}, "empty months are skipped"
    assert nav("2021/03/20") == {"prev": "2021/07/01/index.html", "next": "2021/03/05/index.html"}
    assert nav("2021/03/05") == {"prev": "2021/03/20/index.html"}


def test_archive_timeline_is_an_svg_with_a_bar_per_month(archive_site: Path) -> None:
    page = archive_site / "archive" / "index.html"
    doc = html(page)
    assert doc.all("script") == [], "the archive page needs no script"
    svg = doc.one("svg")
    rects = svg.all("rect")
    assert len(rects) == 3, "one bar for each month with articles (March 2021, July 2021, January 2022)"
    titles = [r.one("title").text() for r in rects]
    counts = {t: int(re.findall(r"\d+", t.replace("2021", "").replace("2022", ""))[0]) for t in titles}
    assert sorted(counts.values()) == [1, 1, 3]
    march = next(t for t in titles if "March" in t and "2021" in t)
    assert counts[march] == 3
    heights = {r.one("title").text(): float(r.attrs["height"]) for r in rects}
    assert max(heights, key=lambda t: heights[t]) == march, "the busiest month should have the tallest bar"


def test_undated_page_lists_only_undated_articles(archive_site: Path) -> None:
    pages = article_pages(archive_site)
    listed = list_links(archive_site, archive_site / "undated" / "index.html")
    assert listed == [rel(archive_site, pages["Memoir of the harbour master"])]
    archive = archive_site / "archive" / "index.html"
    links = [target(archive_site, archive, a.attrs["href"]) for a in html(archive).one("main").all("a")]
    assert (archive_site / "undated" / "index.html").resolve() in links


# -- 4. topics --------------------------------------------------------------------------------------

LAVROV = (
    "Talks in the capital resumed when Sergey Lavrov arrived with a list of demands about the pipeline route.",
    "At a late session the minister Sergey Lavrov said the harbour dues agreed by the Harbour Board were unfair.",
    "Observers noted that Sergey Lavrov had raised the same complaint about the grain terminal last winter.",
)


def topic_corpus() -> dict[str, str]:
    files = {}
    for n, sentence in enumerate(LAVROV):
        files[f"lavrov-{n}.txt"] = story(
            f"Envoys meet over the {('pipeline', 'harbour dues', 'grain terminal')[n]}",
            sentence,
            "Delegates from both sides met for several hours and will meet again when the report is ready.",
            "The Harbour Board declined to comment on the negotiations.",
            date=f"2019-05-0{n + 1}",
        )
    files["pemberton.txt"] = story(
        "Lock gates to be replaced",
        "The lock keeper, Gregor Pemberton, said the gates had leaked for years before anyone listened.",
        "The Harbour Board will pay for the work from its reserves.",
        date="2019-06-01",
    )
    for n in range(8):
        files[f"ferry-{n}.txt"] = story(
            f"Ferry notice number {n + 1}",
            f"the ferry will run a reduced service on route {n + 1} while the slipway is repaired.",
            date=f"2019-07-{n + 10}",
            tags=["Ferries"] if n < 5 else ["Weather"],
        )
    return files


@pytest.fixture(scope="module")
def topic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("topics"), topic_corpus(), "per_page: 2\n")


def topic_names(page: Path) -> list[str]:
    tags = html(page).all("p", "tags")
    return [a.text() for a in tags[0].all("a")] if tags else []


def test_tags_become_topic_pages_listed_on_the_topics_index(topic_site: Path) -> None:
    index = topic_site / "topics" / "index.html"
    names = {a.text(): target(topic_site, index, a.attrs["href"]) for a in html(index).one("main").all("a")}
    assert {"Ferries", "Weather"} <= set(names)
    pages = article_pages(topic_site)
    weather = {rel(topic_site, pages[f"Ferry notice number {n}"]) for n in (6, 7, 8)}
    assert set(follow(topic_site, names["Weather"])) == weather


def test_untagged_articles_get_the_names_they_share_as_topics(topic_site: Path) -> None:
    pages = article_pages(topic_site)
    lavrov_pages = [p for h, p in pages.items() if h.startswith("Envoys meet")]
    assert len(lavrov_pages) == 3
    for page in lavrov_pages:
        assert "Sergey Lavrov" in topic_names(page), f"{page} lacks the topic Sergey Lavrov"
    index = topic_site / "topics" / "index.html"
    by_name = {a.text(): target(topic_site, index, a.attrs["href"]) for a in html(index).one("main").all("a")}
    assert "Sergey Lavrov" in by_name
    members = follow(topic_site, by_name["Sergey Lavrov"])
    assert sorted(members) == sorted(rel(topic_site, p) for p in lavrov_pages)

    # A name in one article only is no topic; nor is one that more than a quarter of the archive mentions.
    assert "Gregor Pemberton" not in topic_names(pages["Lock gates to be replaced"])
    assert not any("Pemberton" in name for name in by_name)
    assert "Harbour Board" not in by_name


def test_topic_pages_are_paginated(topic_site: Path) -> None:
    first = topic_site / "topics" / "ferries" / "index.html"
    assert first.is_file()
    seen: list[str] = []
    page: Path | None = first
    visited = 0
    while page is not None:
        links = list_links(topic_site, page)
        assert 1 <= len(links) <= 2, f"{page} lists {len(links)} articles with per_page 2"
        seen += links
        visited += 1
        older = pager(topic_site, page, html(page).one("main")).get("next")
        page = topic_site / older if older else None
    assert visited == 3, "five articles at two a page make three pages"
    pages = article_pages(topic_site)
    assert sorted(seen) == sorted(rel(topic_site, pages[f"Ferry notice number {n}"]) for n in range(1, 6))


def test_each_topic_has_its_own_feeds_linked_from_its_page(topic_site: Path) -> None:
    page = topic_site / "topics" / "ferries" / "index.html"
    alternates = {
        link.attrs["type"]: target(topic_site, page, link.attrs["href"])
        for link in html(page).all("link", rel="alternate")
        if "topics" in link.attrs["href"]
    }
    assert set(alternates) == FEED_TYPES, "the topic page should announce its own RSS, Atom and JSON feeds"
    headlines = {f"Ferry notice number {n}" for n in range(1, 6)}
    for kind, path in alternates.items():
        assert path.is_file(), f"{kind} feed {path} is missing"
        if kind == "application/feed+json":
            titles = {item["title"] for item in json.loads(path.read_text(encoding="utf-8"))["items"]}
        else:
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, parsed.get("bozo_exception")
            titles = {e.title for e in parsed.entries}
        assert titles == headlines, f"{path} should carry exactly the topic's articles"


# -- 5. feeds ---------------------------------------------------------------------------------------


def feed_corpus() -> dict[str, str]:
    files = {}
    for n in range(1, 6):
        files[f"item-{n}.txt"] = story(
            f"Council minute {n}",
            f"Councillors met for the {n}th time this year to discuss the harbour.",
            f"The closing remark of minute {n} was that the next meeting would be shorter.",
            date=f"2020-01-0{n}",
            standfirst=f"A short summary of council minute {n}.",
            byline=["Ada Okafor"],
            tags=["Minutes"],
        )
    return files


def feed_ids(site: Path) -> dict[str, dict[str, str]]:
    """Entry id by headline, for each of the three site-wide feeds."""
    ids: dict[str, dict[str, str]] = {}
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        ids[name] = {e.title: e.id for e in parsed.entries}
    data = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    ids["feed.json"] = {item["title"]: item["id"] for item in data["items"]}
    return ids


def test_site_feeds_carry_the_newest_feed_size_entries_with_summary_and_full_content(tmp_path: Path) -> None:
    site = build(tmp_path, feed_corpus(), "feed_size: 3\n")
    newest = ["Council minute 5", "Council minute 4", "Council minute 3"]
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version.startswith("rss20" if name == "feed.xml" else "atom")
        assert [e.title for e in parsed.entries] == newest
        for entry in parsed.entries:
            n = entry.title.rsplit(" ", 1)[1]
            assert f"A short summary of council minute {n}." in entry.summary
            content = " ".join(c.value for c in entry.content)
            assert f"The closing remark of minute {n} was that the next meeting would be shorter." in content
            assert entry.link.startswith(SITE_URL)

    data = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"]
    assert [item["title"] for item in data["items"]] == newest
    for item in data["items"]:
        n = item["title"].rsplit(" ", 1)[1]
        assert isinstance(item["id"], str) and item["id"]
        assert f"A short summary of council minute {n}." in item["summary"]
        assert f"The closing remark of minute {n} was that the next meeting would be shorter." in item["content_html"]

    # Topic feeds hold the newest feed_size articles of the topic too.
    topic = site / "topics" / "minutes"
    assert [e.title for e in feedparser.parse((topic / "feed.xml").read_bytes()).entries] == newest
    assert [e.title for e in feedparser.parse((topic / "atom.xml").read_bytes()).entries] == newest
    topic_json = json.loads((topic / "feed.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in topic_json["items"]] == newest


def test_feed_ids_survive_rebuilds_template_changes_and_new_slugs(tmp_path: Path) -> None:
    space = Workspace(tmp_path).write(feed_corpus())
    first = feed_ids(space.build())
    for name, ids in first.items():
        assert len(ids) == 5 and len(set(ids.values())) == 5, f"{name}: ids must be one per article"

    assert feed_ids(space.build(output=tmp_path / "again")) == first, "a second build changed the feed ids"

    override = tmp_path / "templates" / "article.html"
    override.parent.mkdir()
    override.write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ article.headline }}</h1>'
        '<p class="restyled">Restyled.</p>{% endblock %}\n',
        encoding="utf-8",
    )
    site = space.build()
    assert html(article_pages(site)["Council minute 1"]).all("p", "restyled"), "the template override was not used"
    assert feed_ids(site) == first, "a template change changed the feed ids"
    shutil.rmtree(override.parent)

    space.write(
        {"item-1.txt": (space.content / "item-1.txt").read_text().replace("---\n", "---\nslug: renamed-minute\n", 1)}
    )
    site = space.build()
    assert "renamed-minute" in rel(site, article_pages(site)["Council minute 1"]), "the slug change did not apply"
    assert feed_ids(site) == first, "a changed slug changed the feed ids"


def all_feeds(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.xml") if not p.name.startswith("sitemap"))


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO_CONTENT, root / "content")
    return Workspace(root).build()


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    """~300 generated articles, dated and tagged, built without search."""
    root = tmp_path_factory.mktemp("corpus300")
    corpus = benchmark_corpus()
    corpus.write_corpus(root / "content", 300, seed=4, meta="frontmatter")
    articles = [corpus.article(4, i) for i in range(300)]
    return Workspace(root).build(), articles


@pytest.mark.parametrize("which", ["demo_site", "corpus_site"])
def test_feedparser_reads_every_feed_in_the_site(which: str, request: pytest.FixtureRequest) -> None:
    built = request.getfixturevalue(which)
    site = built if isinstance(built, Path) else built[0]
    feeds = all_feeds(site)
    topics = [p for p in (site / "topics").iterdir() if p.is_dir()]
    assert len(feeds) == 2 + 2 * len(topics), "RSS and Atom for the site and for each topic"
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, f"{feed}: {parsed.get('bozo_exception')}"
        assert parsed.entries, f"{feed} has no entries"
    for feed in sorted(site.rglob("feed.json")):
        data = json.loads(feed.read_text(encoding="utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert isinstance(data["title"], str) and data["title"]
        assert data["items"], f"{feed} has no items"
        for item in data["items"]:
            assert isinstance(item["id"], str) and item["id"]
            assert isinstance(item["content_html"], str) and item["content_html"]


@pytest.mark.parametrize("which", ["demo_site", "topic_site"])
def test_every_html_page_announces_rss_atom_and_json_feeds(which: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(which)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        alternates = html(page).all("link", rel="alternate")
        assert {a.attrs.get("type") for a in alternates} >= FEED_TYPES, f"{page} lacks feed autodiscovery"
        for link in alternates:
            assert target(site, page, link.attrs["href"]).is_file(), f"{page}: {link.attrs['href']} leads nowhere"


# -- 6. for machines --------------------------------------------------------------------------------


def expected_url(site: Path, page: Path) -> str:
    path = rel(site, page)
    return SITE_URL + (path[: -len("index.html")] if path.endswith("index.html") else path)


def sitemap_locs(site: Path, name: str = "sitemap.xml") -> list[str]:
    root = ET.fromstring((site / name).read_bytes())
    return [loc.text or "" for loc in root.iter(f"{SITEMAP_NS}loc")]


def test_sitemap_lists_every_page_but_404_with_absolute_urls(demo_site: Path) -> None:
    root = ET.fromstring((demo_site / "sitemap.xml").read_bytes())
    assert root.tag == f"{SITEMAP_NS}urlset"
    locs = sitemap_locs(demo_site)
    assert len(locs) == len(set(locs))
    expected = {expected_url(demo_site, p) for p in demo_site.rglob("*.html") if p.name != "404.html"}
    assert set(locs) == expected
    assert SITE_URL + "404.html" not in locs


def test_sitemap_becomes_an_index_past_the_limit() -> None:
    config = Config(site_url=SITE_URL)
    paths = [f"p/{n:05d}/index.html" for n in range(50_001)] + ["404.html", "feed.xml"]
    files = render.sitemaps(Site(config, ()), paths)
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    parts = [loc.text or "" for loc in index.iter(f"{SITEMAP_NS}loc")]
    assert len(parts) == 2 and all(p.startswith(SITE_URL) for p in parts)
    listed: list[str] = []
    for part in parts:
        name = part[len(SITE_URL) :]
        urlset = ET.fromstring(files[name])
        assert urlset.tag == f"{SITEMAP_NS}urlset"
        locs = [loc.text or "" for loc in urlset.iter(f"{SITEMAP_NS}loc")]
        assert len(locs) <= 50_000
        listed += locs
    assert len(listed) == len(set(listed)) == 50_001
    assert SITE_URL + "p/50000/" in listed and SITE_URL + "404.html" not in listed

    just_enough = render.sitemaps(Site(config, ()), paths[:50_000])
    assert list(just_enough) == ["sitemap.xml"]
    assert ET.fromstring(just_enough["sitemap.xml"]).tag == f"{SITEMAP_NS}urlset"


def test_built_sitemap_index_and_parts_cover_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "SITEMAP_LIMIT", 7)
    site = build(tmp_path, dated_series(6))
    parts = sitemap_locs(site)
    pages = {expected_url(site, p) for p in site.rglob("*.html") if p.name != "404.html"}
    assert len(parts) >= 2, f"{len(pages)} pages at 7 a sitemap need an index of several"
    listed: list[str] = []
    for part in parts:
        assert part.startswith(SITE_URL)
        locs = sitemap_locs(site, part[len(SITE_URL) :])
        assert len(locs) <= 7
        listed += locs
    assert sorted(listed) == sorted(pages)


def test_robots_txt_names_the_sitemap(demo_site: Path) -> None:
    lines = (demo_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines


def test_404_page_links_work_from_any_depth(demo_site: Path) -> None:
    page = demo_site / "404.html"
    assert page.is_file()
    doc = html(page)
    refs = [e.attrs[a] for e in doc.iter() for a in ("href", "src") if a in e.attrs]
    internal = [r for r in refs if is_internal(r)]
    assert internal, "404.html links nowhere"
    base = urlsplit(SITE_URL).path
    for ref in internal:
        assert ref.startswith(base), f"404.html link {ref!r} is relative, so it breaks when served from a subfolder"
        assert target(demo_site, page, ref).is_file(), f"404.html link {ref!r} leads nowhere"


def json_ld(page: Path) -> dict[str, object]:
    scripts = html(page).all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads("".join(c for c in scripts[0].children if isinstance(c, str)))
    assert isinstance(data, dict)
    return data


def test_article_json_ld_is_a_news_article(rich_site: Path) -> None:
    data = json_ld(article_pages(rich_site)[RICH_HEADLINE])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == RICH_HEADLINE
    assert data["datePublished"] == "2021-04-09"
    authors = data["author"]
    assert isinstance(authors, list)
    assert [a["name"] for a in authors] == ["Jane Doe", "John Roe"]
    # The words of the body as the page shows it: paragraphs, subheadings and quotes, not the dateline.
    body = html(article_pages(rich_site)[RICH_HEADLINE]).one("article").one("div", "body")
    shown = [n.text() for n in (*body.all("p"), *body.all("h2"), *body.all("li")) if not n.has_class("dateline")]
    assert data["wordCount"] == sum(len(t.split()) for t in shown) > 50


def test_a_hostile_headline_cannot_leave_the_json_ld_script(tmp_path: Path) -> None:
    headline = "Breaking </script><script>alert(1)</script> <!-- news"
    site = build(tmp_path, {"hostile.txt": story(headline, "A quiet paragraph.", date="2021-01-01")})
    page = article_pages(site)[headline]
    doc = html(page)
    scripts = doc.all("script")
    assert len(scripts) == 1, f"the page has {len(scripts)} <script> elements: the headline broke out"
    assert json_ld(page)["headline"] == headline
    assert doc.one("h1").text() == headline
    assert "<script>alert(1)" not in page.read_text(encoding="utf-8")


def test_opengraph_and_canonical_links_are_absolute(rich_site: Path) -> None:
    page = article_pages(rich_site)[RICH_HEADLINE]
    doc = html(page)
    url = expected_url(rich_site, page)
    assert doc.one("link", rel="canonical").attrs["href"] == url
    assert doc.one("meta", property="og:url").attrs["content"] == url
    assert doc.one("meta", property="og:title").attrs["content"] == RICH_HEADLINE
    for other in (rich_site / "index.html", rich_site / "2021" / "04" / "index.html"):
        other_doc = html(other)
        assert other_doc.one("link", rel="canonical").attrs["href"] == expected_url(rich_site, other)
        assert other_doc.one("meta", property="og:title").attrs["content"]


# -- 7. search, built deterministically -------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_with_search_are_byte_identical(tmp_path: Path) -> None:
    space = Workspace(tmp_path)
    shutil.copytree(DEMO_CONTENT, space.content)
    space.write(topic_corpus())
    first = tree(space.build(search=True, output=tmp_path / "one"))
    second = tree(space.build(search=True, output=tmp_path / "two"))
    assert any(name.startswith("pagefind/") and name.endswith(".pf_filter") for name in first)
    assert sorted(first) == sorted(second), "the two builds wrote different files"
    differing = [name for name in first if first[name] != second[name]]
    assert differing == [], f"files differ between two builds of the same content: {differing}"
    entry = json.loads(first["pagefind/pagefind-entry.json"])
    indexed = sum(int(lang["page_count"]) for lang in entry["languages"].values())
    assert indexed == len(article_pages(tmp_path / "one")), "search should index every article page, and only those"


# -- links that work from disk ----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["demo_site", "archive_site", "topic_site"])
def test_every_internal_link_resolves_to_a_file(which: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(which)
    broken = []
    for page in sorted(site.rglob("*.html")):
        for element in html(page).iter():
            for attr in ("href", "src"):
                ref = element.attrs.get(attr)
                if ref is not None and is_internal(ref) and not target(site, page, ref).is_file():
                    broken.append(f"{rel(site, page)}: {ref}")
    assert broken == []


# -- 10. done when ----------------------------------------------------------------------------------


def test_generated_corpus_builds_with_every_part_usable(corpus_site: tuple[Path, list[Any]]) -> None:
    site, articles = corpus_site
    by_date = Counter(a.date for a in articles)
    for day, count in by_date.items():
        for folder in (f"{day:%Y}", f"{day:%Y/%m}", f"{day:%Y/%m/%d}"):
            assert (site / folder / "index.html").is_file(), f"/{folder}/ is missing"
        listed = list_links(site, site / f"{day:%Y/%m/%d}" / "index.html")
        assert len(listed) == count, f"{day} has {count} articles but its page lists {len(listed)}"
        assert all((site / p).is_file() for p in listed)

    tagged = Counter(t for a in articles for t in a.tags)
    index = site / "topics" / "index.html"
    shown = {}
    for item in html(index).one("main").all("li"):
        link = item.one("a")
        page = target(site, index, link.attrs["href"])
        shown[link.text()] = int(item.one("span", "count").text())
        assert page.is_file() and link.text() in h1(page)
        for name in ("feed.xml", "atom.xml", "feed.json"):
            assert (page.parent / name).is_file(), f"topic {link.text()} has no {name}"
    assert shown == dict(tagged), "every tag should be a topic, with its number of articles"

    assert len(article_files(site)) == 300
    assert len(list_links(site, site / "index.html")) == 20


def test_bbc_corpus_builds_with_topics_related_articles_and_search(tmp_path: Path) -> None:
    if not BBC.is_dir():
        pytest.skip(f"the BBC corpus is not at {BBC}; it sits in ../shared/corpora beside the repository")
    config_file = tmp_path / "newsarchive.yaml"
    config_file.write_text(f"site_url: {SITE_URL}\ntemplates: templates\n", encoding="utf-8")
    site = tmp_path / "site"
    status = cli.main(["build", "-q", "--config", str(config_file), "--content", str(BBC), "--output", str(site)])
    assert status == 0, "the BBC corpus should build cleanly, without --keep-going"

    pages = with_topics = with_related = 0
    for page in sorted(site.rglob("*.html")):
        doc = html(page)
        if not any(m.attrs.get("content") == "article" for m in doc.all("meta", property="og:type")):
            continue
        pages += 1
        tags, related = doc.all("p", "tags"), doc.all("section", "related")
        with_topics += bool(tags and tags[0].all("a"))
        with_related += bool(related and related[0].all("a"))
    assert pages > 1500, f"only {pages} article pages from 2,225 files (98 byte-identical pairs)"
    index = site / "topics" / "index.html"
    assert len(html(index).one("main").all("a")) > 20, "the topics index is (nearly) empty"
    # "Most" articles, with room to spare: each figure is over 99% today.
    assert with_topics / pages > 0.9, f"only {with_topics} of {pages} articles have a topic"
    assert with_related / pages > 0.95, f"only {with_related} of {pages} articles list related ones"

    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(int(lang["page_count"]) for lang in entry["languages"].values())
    assert indexed == pages, "the search index should hold exactly the article pages"
