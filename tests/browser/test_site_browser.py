"""The archive site in a real browser: a reader's path through it, search over HTTP and from disk, the site
served under a subpath, accessibility (axe-core), phone width, and the system's dark mode.

The site is the demo content plus two articles that both mention a rare word, built with search into
`<tmp>/served/archive/`. Tests serve it from a `ThreadingHTTPServer` on 127.0.0.1 (port 0) started here:
either the site folder itself, or its parent, so the site lives under /archive/. Tabs may load only
from that server; anything else is refused and recorded.

Screenshots of the home, article and month pages are kept in `test-artifacts/` at the repository root.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import struct
import threading
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from playwright.sync_api import Locator, Page, expect

from newsarchive import cli

from .conftest import CONTENT, REPO, Reader

ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PHONE = {"width": 375, "height": 812}

RARE_WORD = "bathyscaphe"
RARE_HEADLINE = "Bathyscaphe dives beneath the harbour"
EXTRA = {
    "bathyscaphe.txt": f"""---
date: 2025-02-11
tags: [Science, Coast]
---
{RARE_HEADLINE}

The bathyscaphe was lowered from the quay at dawn, and its crew said the bathyscaphe reached the floor of
the harbour in twelve minutes.

Divers watched the bathyscaphe surface again at noon. The bathyscaphe crew waved to the crowd on the pier.
""",
    "museum.txt": """---
date: 2025-03-02
tags: [Coast]
---
Harbour museum adds a diving gallery

The new gallery shows old diving helmets, a model submarine and one photograph of a bathyscaphe.

The museum opens the gallery on Saturday, with free entry for the first month.
""",
}
FLOOD = "Council backs flood defence plan for river quarter"
SOLSTICE = "Solstice market draws record crowd to the old docks"
SEED = "US-led coalition pressures Russia to focus on fighting IS"


# -- the site and its servers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo content and EXTRA, built with search into <tmp>/served/archive/."""
    root = tmp_path_factory.mktemp("browse")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    for name, text in EXTRA.items():
        (content / name).write_text(text, encoding="utf-8")
    output = root / "served" / "archive"
    argv = ["build", "--quiet", "--content", str(content), "--output", str(output)]
    # Playwright's sync API keeps an asyncio loop on this thread; build on a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(cli.main, argv).result()
    assert status == 0, f"the build exited with {status}; its errors are in the captured stderr"
    assert (output / "pagefind" / "pagefind-entry.json").is_file(), "the build wrote no search index"
    return output


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on the loopback address; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"http {folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site served at the top of a server."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def served_under_subpath(site: Path) -> Iterator[str]:
    """The site served at /archive/ of a server; yields the site's URL."""
    with serve(site.parent) as url:
        yield url + site.name + "/"


# -- helpers ----------------------------------------------------------------------------------------


def errors_besides_favicon(reader: Reader) -> list[str]:
    """Script and console errors, leaving out the 404 for /favicon.ico that chromium asks for unprompted."""
    return [e for e in reader.errors if not e.endswith("/favicon.ico)")]


def assert_clean(reader: Reader) -> None:
    assert reader.offsite_requests() == [], "the page asked for something that is not on the local server"
    assert reader.failed == [], "a file the page refers to could not be loaded"
    assert errors_besides_favicon(reader) == []


def follow(page: Page, link_locator: Locator, heading: str) -> None:
    """Click a link, wait for the next page, and check its only <h1>."""
    expect(link_locator).to_have_count(1)
    with page.expect_navigation(wait_until="load"):
        link_locator.click()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(heading)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def keep_screenshot(page: Page, name: str, tmp_path: Path) -> None:
    """A full-page screenshot in tmp_path and in test-artifacts/; both must be non-empty PNGs."""
    shot = tmp_path / name
    page.screenshot(path=shot, full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / name)
    viewport = page.viewport_size
    assert viewport is not None
    for path in (shot, ARTIFACTS / name):
        width, height = png_size(path)
        assert width == viewport["width"] and height >= viewport["height"] // 2, f"{path} is {width}x{height}"
        assert path.stat().st_size > 2_000, f"{path} is suspiciously small"


def search(page: Page, query: str) -> list[tuple[str, str]]:
    """Type `query` into the Pagefind UI; returns the result links (text, href), best first."""
    box = page.locator(".pagefind-ui__search-input")
    expect(box).to_be_visible()
    box.fill(query)
    page.locator(".pagefind-ui__result-link").first.wait_for()
    page.wait_for_load_state("networkidle")
    links = page.locator(".pagefind-ui__result-link")
    return [(" ".join(a.inner_text().split()), a.get_attribute("href") or "") for a in links.all()]


# -- 9. a reader's path through the site -----------------------------------------------------------


def test_reader_goes_from_home_to_a_topic_feed(
    open_reader: Callable[..., Reader], served: str, site: Path, tmp_path: Path
) -> None:
    reader = open_reader(served)
    page = reader.page
    page.goto(served + "index.html", wait_until="load")
    expect(page.locator("h1")).to_have_text("Latest articles")
    expect(page).to_have_title(re.compile("News archive"))
    keep_screenshot(page, "home.png", tmp_path)

    follow(page, page.locator("header nav").get_by_role("link", name="Archive", exact=True), "Archive")
    follow(page, page.locator("main").get_by_role("link", name="2026", exact=True), "Articles of 2026")
    follow(page, page.get_by_role("link", name="September", exact=True), "Articles of September 2026")
    keep_screenshot(page, "month.png", tmp_path)
    day = page.locator("table.calendar a")
    expect(day).to_have_count(1)
    expect(day).to_contain_text("3")
    follow(page, day, "Articles of 3 September 2026")
    follow(page, page.locator("main").get_by_role("link", name=FLOOD, exact=True), FLOOD)
    expect(page).to_have_title(re.compile("^" + re.escape(FLOOD)))
    keep_screenshot(page, "article.png", tmp_path)

    # The next article back in time (rel=next on these newest-first pages).
    older = page.locator('nav[aria-label="Neighbouring articles"] a[rel="next"]')
    expect(older).to_contain_text(SOLSTICE)
    follow(page, older, SOLSTICE)
    follow(page, page.locator("p.tags").get_by_role("link", name="business", exact=True), "Topic: business")

    feed_link = page.locator("main").get_by_role("link", name="RSS feed", exact=True)
    href = feed_link.get_attribute("href") or ""
    feed_url = urljoin(page.url, href)
    assert feed_url.startswith(served), f"the feed link {href!r} leaves the site"
    on_disk = site / urlsplit(feed_url).path.lstrip("/")
    assert on_disk.is_file(), f"the feed link {href!r} names no file"
    with page.expect_navigation(wait_until="load"):
        feed_link.click()
    assert page.url == feed_url
    with urllib.request.urlopen(feed_url, timeout=10) as response:
        parsed = feedparser.parse(response.read())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert SOLSTICE in [entry.title for entry in parsed.entries]
    assert_clean(reader)


# -- 7. search --------------------------------------------------------------------------------------


def test_search_opened_from_disk_explains_how_to_serve_the_site(reader: Reader, site: Path) -> None:
    reader.open(site / "search" / "index.html")
    notice = reader.page.locator("#search-offline")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("http.server")
    expect(reader.page.locator(".pagefind-ui__search-input")).to_have_count(0)
    assert reader.offsite_requests() == []
    assert reader.failed == [], "the search page tried to load something that is not there"
    assert reader.errors == []


def test_search_over_http_finds_the_right_article_first(open_reader: Callable[..., Reader], served: str) -> None:
    reader = open_reader(served)
    page = reader.page
    page.goto(served + "search/index.html", wait_until="load")
    results = search(page, RARE_WORD)
    headlines = [text for text, _ in results]
    assert headlines[0] == RARE_HEADLINE, f"results, best first: {headlines}"
    assert "Harbour museum adds a diving gallery" in headlines, "the weaker match should be found too"

    filters = [" ".join(t.split()).lower() for t in page.locator(".pagefind-ui__filter-name").all_inner_texts()]
    assert "year" in filters and "topic" in filters, f"filters shown: {filters}"
    years = {
        box.get_attribute("value") for box in page.locator('input.pagefind-ui__filter-checkbox[name="year"]').all()
    }
    assert {"2015", "2025", "2026"} <= years, f"year filter values: {years}"
    topics = {
        box.get_attribute("value") for box in page.locator('input.pagefind-ui__filter-checkbox[name="topic"]').all()
    }
    assert {"Science", "Coast", "business"} <= topics, f"topic filter values: {topics}"

    follow(page, page.locator(".pagefind-ui__result-link").first, RARE_HEADLINE)
    assert_clean(reader)


def test_site_works_under_a_subpath(open_reader: Callable[..., Reader], served_under_subpath: str) -> None:
    base = served_under_subpath
    reader = open_reader(base)
    page = reader.page
    page.goto(base + "index.html", wait_until="load")
    expect(page.locator("h1")).to_have_text("Latest articles")

    nav = page.locator("header nav")
    follow(page, nav.get_by_role("link", name="Archive", exact=True), "Archive")
    assert page.url.startswith(base)
    follow(page, page.locator("main").get_by_role("link", name="2015", exact=True), "Articles of 2015")
    follow(page, page.get_by_role("link", name="October", exact=True), "Articles of October 2015")
    follow(page, page.locator("main").get_by_role("link", name=SEED, exact=True), SEED)
    follow(page, nav.get_by_role("link", name="Topics", exact=True), "Topics")
    follow(page, page.locator("header").get_by_role("link", name="News archive", exact=True), "Latest articles")
    assert page.url.startswith(base)

    follow(page, page.locator("header nav").get_by_role("link", name="Search", exact=True), "Search the archive")
    results = search(page, RARE_WORD)
    assert results[0][0] == RARE_HEADLINE
    for _, href in results:
        assert urljoin(page.url, href).startswith(base), f"search result {href!r} leaves {base}"
    follow(page, page.locator(".pagefind-ui__result-link").first, RARE_HEADLINE)
    assert page.url.startswith(base)
    assert_clean(reader)


# -- 8. accessibility, phone width, dark mode -------------------------------------------------------

AXE_PAGES = {
    "home": "index.html",
    "article": "2015/10/02/us-led-coalition-pressures-russia-to-focus-on-fighting-is/index.html",
    "month": "2026/09/index.html",
    "topic": "topics/business/index.html",
    "search": "search/index.html",
}


def axe_script() -> Path:
    if not AXE.is_file():
        message = f"axe-core is not installed at {AXE}; run `make axe` (needs npm)"
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(message)
    return AXE


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_pages_have_no_serious_accessibility_violations(
    open_reader: Callable[..., Reader], served: str, site: Path, name: str, scheme: str
) -> None:
    script = axe_script()
    assert (site / AXE_PAGES[name]).is_file(), f"{AXE_PAGES[name]} was not built"
    reader = open_reader(served, color_scheme=scheme)
    page = reader.page
    page.goto(served + AXE_PAGES[name], wait_until="load")
    if name == "search":
        search(page, RARE_WORD)  # check the search UI with its filters and results on show
    page.add_script_tag(path=str(script))
    result = page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
    serious = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(
        f"{v['impact']}: {v['id']}: {v['help']}\n"
        + "\n".join(f"    {n['target']}: {' '.join(n.get('failureSummary', '').split())}" for n in v["nodes"][:10])
        for v in serious
    )
    assert serious == [], f"axe found on the {name} page ({scheme}):\n{report}"
    assert_clean(reader)


def test_pages_fit_a_phone_screen(open_reader: Callable[..., Reader], served: str, site: Path, tmp_path: Path) -> None:
    reader = open_reader(served, viewport=PHONE)
    page = reader.page
    paths = [*AXE_PAGES.values(), "archive/index.html"]
    paths += [p.relative_to(site).as_posix() for p in sorted(site.glob("20*/*/*/*/index.html"))]
    assert len(paths) >= 12
    overflowing = []
    for path in paths:
        page.goto(served + path, wait_until="load")
        if path == AXE_PAGES["search"]:
            search(page, RARE_WORD)
        # Open "Cite this article" too: its long URL and BibTeX must wrap or scroll inside their box.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if width > inner:
            overflowing.append(f"{path}: {width}px wide in a {inner}px window")
    assert overflowing == [], "pages scroll sideways on a phone"

    page.goto(served + AXE_PAGES["article"], wait_until="load")
    keep_screenshot(page, "article-phone.png", tmp_path)
    assert png_size(tmp_path / "article-phone.png")[0] == PHONE["width"]
    assert_clean(reader)


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of a computed `rgb(r, g, b)` colour."""
    match = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)", css_colour.strip())
    assert match, f"unexpected colour {css_colour!r}"
    assert match.group(4) in (None, "1"), f"{css_colour} is transparent: no background was set"

    def channel(value: str) -> float:
        c = int(value) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(match.group(n)) for n in (1, 2, 3))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colours_follow_the_system_colour_scheme(
    open_reader: Callable[..., Reader], site: Path, scheme: str, tmp_path: Path
) -> None:
    reader = open_reader(color_scheme=scheme)
    reader.open(site / AXE_PAGES["article"])
    background = luminance(reader.page.evaluate("getComputedStyle(document.body).backgroundColor"))
    text = luminance(reader.page.evaluate("getComputedStyle(document.body).color"))
    if scheme == "dark":
        assert background < 0.05 and text > 0.5, f"dark mode: background {background:.3f}, text {text:.3f}"
    else:
        assert background > 0.8 and text < 0.1, f"light mode: background {background:.3f}, text {text:.3f}"
    reader.page.screenshot(path=tmp_path / f"article-{scheme}.png", full_page=True)
    assert png_size(tmp_path / f"article-{scheme}.png")[0] > 0
    assert_clean(reader)
