"""render.py and the default theme: article and home pages, escaping, links that work from disk."""

from __future__ import annotations

import json
import pickle
import re
from urllib.parse import unquote, urlsplit

import jinja2
import pytest
from markupsafe import Markup

from newsarchive import cite
from newsarchive.model import Block, Blocks
from newsarchive.render import default_theme, environment
from payloads import PAYLOADS

DEFAULT_SITE_URL = "http://localhost:8000/"
HOSTILE_HEADLINE = "</script><script>alert(1)</script> Harbour plan"
HOSTILE = (
    "---\n"
    "date: 2024-05-01\n"
    'tags: ["<b>bold tag</b>", "<script>alert(3)</script>"]\n'
    'byline: ["<script>alert(4)</script>"]\n'
    "---\n"
    f"{HOSTILE_HEADLINE}\n"
    "Standfirst with <em>markup</em> & an ampersand <script>alert(6)</script>\n"
    "3 min read\n"
    "First paragraph <script>alert(2)</script> that should stay text.\n"
    "A second paragraph with <a href='javascript:alert(7)'>a link</a> inside.\n"
    "Words from the quote - Evil <img src=x onerror=alert(5)> |\n"
    "The last paragraph of the story.\n"
)
SCRIPT_ALERTS = [f"<script>alert({n})</script>" for n in (1, 2, 3, 4, 6)]


@pytest.fixture(scope="module")
def seed_site(site_builder, tmp_path_factory, seed_text):
    """The seed, dated, beside two more articles and an undated one."""
    seed = seed_text
    return site_builder(
        tmp_path_factory.mktemp("seed_site"),
        {
            "2015-10-02-coalition.txt": "---\ndate: 2015-10-02\ntags: [Syria, Russia]\n---\n" + seed,
            "b-old.txt": "---\ndate: 2012-01-05\n---\nOldest story of all\n\nA paragraph from long ago.\n",
            "a-new.txt": "---\ndate: 2020-07-30\n---\nNewest story of all\n\nA paragraph from last summer.\n",
            "c-undated.txt": "An undated story\n\nNobody knows when this happened.\n",
        },
    )


def _article_page(site, headline, html_tree):
    """The one page whose only <h1> is `headline`, outside the site's top folder."""
    found = []
    for page in sorted(site.rglob("*.html")):
        if page.parent == site:
            continue
        tree = html_tree(page.read_bytes())
        if [h.text() for h in tree.find_all("h1")] == [headline]:
            found.append((page, tree))
    assert len(found) == 1, f"expected one article page with headline {headline!r}, got {[p for p, _ in found]}"
    return found[0]


def _target(site, page, value, site_url=DEFAULT_SITE_URL):
    """The file a link on `page` opens, or None when it points outside the site.

    Pages link relatively, so they work from disk. Only 404.html, served for a missing URL at any depth,
    may link by the site's own address or root path; there a folder URL means its index.html, as a server
    would serve it.
    """
    parts = urlsplit(value)
    path = unquote(parts.path)
    base = urlsplit(site_url)
    if parts.scheme or parts.netloc or path.startswith("/"):
        if page.name != "404.html":
            return None
        if parts.netloc and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
        if not path.startswith(base.path):
            return None
        rel = path[len(base.path) :]
        return site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
    return page.parent / path


def test_article_page_shows_the_article(seed_site, seed_text, html_tree):
    lines = seed_text.split("\n")
    page, tree = _article_page(seed_site, lines[0].strip(), html_tree)
    text = tree.text()
    assert lines[2].strip() in text, "standfirst"
    assert "4 min read" in text
    (time,) = [t for t in tree.find_all("time") if t.attrs.get("datetime") == "2015-10-02"]
    assert "2015" in time.text()
    assert "October" in time.text() or "Oct" in time.text() or "10" in time.text()
    main = [n for n in tree.find_all("h2") if not any(a.tag in ("nav", "aside", "footer") for a in n.ancestors())]
    assert [h.text() for h in main][:2] == [lines[11].strip(), lines[25].strip()]
    for n in [*range(5, 12), *range(13, 26), *range(27, 32)]:
        assert lines[n - 1].strip() in text, f"paragraph from line {n}"
    assert "Syria" in text and "Russia" in text, "tags"
    # The scraper's second copy does not reach the page.
    html = page.read_text(encoding="utf-8")
    assert html.count("Russian jets made their first sorties in Syria") == 1
    assert lines[0].strip() in tree.find_all("title")[0].text()


def test_pullquotes_are_figures_with_cited_attribution(seed_site, seed_text, html_tree):
    lines = seed_text.split("\n")
    page, tree = _article_page(seed_site, lines[0].strip(), html_tree)
    figures = [f for f in tree.find_all("figure") if f.find_all("blockquote")]
    assert len(figures) == 2
    first, second = figures
    assert "Turkey and its allies are concerned the Russian air raids" in first.find_all("blockquote")[0].text()
    assert first.find_all("cite") == []
    assert "We were not invited, we were not asked" in second.find_all("blockquote")[0].text()
    assert [c.text() for c in second.find_all("cite")] == ["Sergey Lavrov"]
    assert "Sergey Lavrov" not in second.find_all("blockquote")[0].text()
    assert "|" not in first.text() + second.text()
    # In reading order: after the paragraph it was lifted near, before the later ones.
    html = page.read_text(encoding="utf-8")
    quote_at = html.index("Turkey and its allies are concerned the Russian")
    assert html.index(lines[6].strip()) < quote_at < html.index(lines[8].strip())
    quote_at = html.index("We were not invited, we were not asked")
    assert html.index(lines[19].strip()) < quote_at < html.index(lines[21].strip())


def _assert_no_injected_markup(page, html, html_tree):
    tree = html_tree(html)
    for node in tree.iter():
        if node.tag == "script":
            # Content may reach a script only as structured data: one JSON value with no raw '<' to close it.
            source = "".join(c for c in node.children if isinstance(c, str))
            if node.attrs.get("type") == "application/ld+json":
                json.loads(source)
                assert "<" not in source, page
            else:
                assert "alert(" not in source and "alert(" not in node.attrs.get("src", ""), page
        for attr, value in node.attrs.items():
            assert not attr.startswith("on"), f"{page}: <{node.tag} {attr}>"
            assert "javascript:" not in value.lower(), f"{page}: <{node.tag} {attr}={value!r}>"
        assert node.tag not in ("img", "em", "b") or "alert(" not in str(node.attrs), page
    for raw in [*SCRIPT_ALERTS, "<img src=x", "<em>markup", "<b>bold tag"]:
        assert raw not in html, f"{page}: {raw!r} became markup"


def test_markup_in_content_never_becomes_markup(build_site, html_tree):
    site = build_site({"hostile.txt": HOSTILE, "other.txt": "---\ndate: 2024-04-01\n---\nPlain story\n\nText.\n"})
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 3
    everything = ""
    for page in pages:
        html = page.read_text(encoding="utf-8")
        everything += html
        _assert_no_injected_markup(page, html, html_tree)
    escaped = [s.replace("<", "&lt;").replace(">", "&gt;") for s in SCRIPT_ALERTS]
    for form in escaped:
        assert form in everything, f"{form} should be shown as text"
    assert "&lt;img src=x onerror=alert(5)&gt;" in everything
    assert "&lt;em&gt;markup&lt;/em&gt; &amp; an ampersand" in everything
    # The escaped text reads back as exactly what the writer typed.
    _, tree = _article_page(site, HOSTILE_HEADLINE, html_tree)
    assert "Standfirst with <em>markup</em> & an ampersand" in tree.text()
    assert [c.text() for c in tree.find_all("cite")] == ["Evil <img src=x onerror=alert(5)>"]
    for node in tree.find_all("script"):
        if node.attrs.get("type") == "application/ld+json":
            data = json.loads("".join(c for c in node.children if isinstance(c, str)))
            assert data.get("headline", HOSTILE_HEADLINE) == HOSTILE_HEADLINE


def test_markdown_raw_html_is_shown_as_text(build_site, html_tree):
    site = build_site(
        {
            "story.md": "---\ndate: 2024-05-01\n---\n# Markdown story\n\nHello <script>alert(1)</script> there.\n\n"
            "[click](javascript:alert(2)) and **bold**.\n"
        }
    )
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(" not in html
        assert 'href="javascript:' not in html.lower()
    page, _ = _article_page(site, "Markdown story", html_tree)
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>bold</strong>" in html


def test_every_page_links_the_feed(seed_site, html_tree):
    pages = sorted(seed_site.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        links = [
            link
            for link in html_tree(page.read_bytes()).find_all("link")
            if link.attrs.get("rel") == "alternate" and link.attrs.get("type") == "application/rss+xml"
        ]
        assert links, f"{page} has no RSS link"
        targets = {_target(seed_site, page, link.attrs["href"]) for link in links}
        assert None not in targets, page
        assert (seed_site / "feed.xml").resolve() in {t.resolve() for t in targets}, page


def test_no_page_loads_anything_from_elsewhere(seed_site, html_tree):
    for page in sorted(seed_site.rglob("*.html")):
        tree = html_tree(page.read_bytes())
        for node in tree.iter():
            if node.tag not in ("link", "script", "img", "iframe", "source", "video", "audio"):
                continue
            if node.tag == "link" and node.attrs.get("rel") in ("canonical", "alternate"):
                continue
            for attr in ("src", "href", "srcset"):
                value = node.attrs.get(attr, "").strip().lower()
                assert not value.startswith(("http:", "https:", "//")), f"{page}: <{node.tag} {attr}={value!r}>"
        for style in tree.find_all("style"):
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", style.text()), page
            assert "@import" not in style.text()
    css = (seed_site / "static" / "style.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css


def test_relative_links_resolve_to_files_that_exist(build_site, seed_text, html_tree):
    files = {
        "2015-10-02-coalition.txt": "---\ndate: 2015-10-02\ntags: [Syria]\n---\n" + seed_text,
        "undated.txt": "An undated story\n\nNobody knows when this happened.\n",
        "hostile.txt": HOSTILE,
        "story.md": "---\ndate: 2024-05-02\n---\n# Markdown story\n\nSee [the home page](../../../../index.html).\n",
    }
    for n in range(1, 6):
        files[f"day-{n}.txt"] = f"---\ndate: 2023-01-0{n}\ntags: [Syria]\n---\nStory number {n}\n\nText {n}.\n"
    site = build_site(files, config="per_page: 3\n")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 9 + 2, "nine article pages and more than one home page"
    checked = 0
    for page in pages:
        tree = html_tree(page.read_bytes())
        ids = {n.attrs["id"] for n in tree.iter() if "id" in n.attrs}
        for node in tree.iter():
            for attr in ("href", "src"):
                value = node.attrs.get(attr)
                if value is None or (node.tag == "link" and node.attrs.get("rel") == "canonical"):
                    continue
                where = f"{page.relative_to(site)}: <{node.tag} {attr}={value!r}>"
                parts = urlsplit(value)
                if not parts.scheme and not parts.netloc and not parts.path:
                    assert parts.fragment in ids, f"{where}: no element with that id"
                    continue
                target = _target(site, page, value)
                if value == "data:,":  # the empty favicon that stops browsers asking for /favicon.ico
                    continue
                if target is None:
                    # Only a deliberate way out: an http(s) address, never a root-relative path in a page.
                    assert parts.scheme in ("http", "https"), f"{where} does not work from disk"
                    assert not value.startswith(DEFAULT_SITE_URL), f"{where} links the site by its address"
                    continue
                target = target.resolve()
                assert target.is_relative_to(site.resolve()), f"{where} leaves the site"
                assert target.is_file(), f"{where} does not name a file"
                checked += 1
    assert checked >= len(pages) * 3


def test_home_page_lists_newest_first(seed_site, html_tree, seed_text):
    tree = html_tree((seed_site / "index.html").read_bytes())
    text = tree.text()
    order = ["Newest story of all", seed_text.split("\n")[0].strip(), "Oldest story of all", "An undated story"]
    positions = [text.index(headline) for headline in order]
    assert positions == sorted(positions)
    dates = [t.attrs["datetime"] for t in tree.find_all("time")]
    assert dates == sorted(dates, reverse=True)
    assert dates[:3] == ["2020-07-30", "2015-10-02", "2012-01-05"]


def test_home_page_links_every_article(seed_site, html_tree, seed_text):
    tree = html_tree((seed_site / "index.html").read_bytes())
    linked = {(seed_site / a.attrs["href"]).resolve() for a in tree.find_all("a") if a.attrs.get("href")}
    headlines = ["Newest story of all", seed_text.split("\n")[0].strip(), "Oldest story of all", "An undated story"]
    for headline in headlines:
        page, _ = _article_page(seed_site, headline, html_tree)
        assert page.resolve() in linked, headline


def _build_in_project(tmp_path, monkeypatch, cli):
    """Build the content from a project folder whose config names it and `tmp_path/site`; the built site."""
    (tmp_path / "project" / "newsarchive.yaml").write_text(
        f"content: {tmp_path / 'content'}\noutput: {tmp_path / 'site'}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path / "project")
    result = cli("build")
    assert result.code == 0, result.err
    return tmp_path / "site"


def test_site_templates_override_the_default_theme(tmp_path, monkeypatch, cli, site_tree, html_tree):
    site_tree({"story.txt": "---\ndate: 2024-05-01\n---\nA story\n\nSome text.\n"})
    # The site's own base.html: the default one with a marker, found by name before the default theme's.
    base = (default_theme() / "base.html").read_text(encoding="utf-8")
    assert "<body>" in base
    own = base.replace("<body>", '<body>\n<p id="own-theme">OWN THEME</p>', 1)
    body = '{% for block in blocks %}<p class="own-body">{{ block.text }}</p>{% endfor %}\n'
    site_tree({"base.html": own, "body.html": body}, folder="project/templates")
    site = _build_in_project(tmp_path, monkeypatch, cli)
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        if page.name != "404.html":
            assert "OWN THEME" in page.read_text(encoding="utf-8"), page
    page, tree = _article_page(site, "A story", html_tree)
    assert [p.text() for p in tree.find_all("p") if p.attrs.get("class") == "own-body"] == ["Some text."]
    # Templates the site does not override still come from the default theme.
    assert (site / "index.html").is_file()


def test_environment_prefers_the_site_templates(tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "body.html").write_text("OWN BODY {{ blocks | length }}", encoding="utf-8")
    env = environment(own)
    assert env.get_template("body.html").render(blocks=[1, 2]) == "OWN BODY 2"
    default = environment(None)
    assert "OWN BODY" not in default.get_template("body.html").render(blocks=[])
    assert environment(tmp_path / "missing").get_template("base.html") is not None


def test_environment_escapes_and_is_strict(tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "t.html").write_text("{{ value }}", encoding="utf-8")
    (own / "u.html").write_text("{{ missing }}", encoding="utf-8")
    env = environment(own)
    assert env.get_template("t.html").render(value="<b>&") == "&lt;b&gt;&amp;"
    with pytest.raises(Exception, match="missing"):
        env.get_template("u.html").render()


def test_the_environment_outputs_what_jinja2_and_markupsafe_would(tmp_path):
    """Output is escaped without making each piece Markup (render._escape_output): the bytes must be the ones
    Jinja2 makes with markupsafe's escape, for every kind of value, in every place a template outputs one,
    from compiled code kept between builds too."""
    own = tmp_path / "templates"
    own.mkdir()
    (own / "t.html").write_text(
        '{% macro item(x) %}<li title="{{ x }}">{{ x }}</li>{% endmacro %}'
        "{% set kept %}<b>{{ values[0] }}</b>{% endset %}"
        "{% for v in values %}{{ v }}|{{ v ~ marked }}|{{ v | e }}|{{ item(v) }}|{% filter upper %}{{ v }}{% endfilter %}\n"
        "{% endfor %}{{ kept }}{{ values | join(marked) }}{{ marked }}{{ number }}{{ none }}{{ html_object }}",
        encoding="utf-8",
    )

    class Shown:
        def __html__(self) -> str:
            return "<i>as its own markup</i>"

    context = {
        "values": [*PAYLOADS, "plain", "Fish & <chips> \"quoted\" 'single'", "", "é ☃ \u202e"],
        "marked": Markup("<br>"),
        "number": 42,
        "none": None,
        "html_object": Shown(),
    }
    stock = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(own)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    expected = stock.get_template("t.html").render(**context)
    assert "&lt;script&gt;" in expected and "<br>" in expected and "<i>as its own markup</i>" in expected
    assert environment(own).get_template("t.html").render(**context) == expected
    compiled = tmp_path / "compiled"
    environment(own, compiled).get_template("t.html")
    assert any(compiled.iterdir())
    assert environment(own, compiled).get_template("t.html").render(**context) == expected  # from the kept code


def test_a_site_chrome_html_replaces_the_chrome_of_every_page(tmp_path, monkeypatch, cli, site_tree, html_tree):
    site_tree(
        {
            "story.txt": "---\ndate: 2024-05-01\ntags: [Harbour]\n---\nA story\n\nSome text.\n",
            "undated.txt": "An undated story\n\nNobody knows when.\n",
        }
    )
    # The site's own chrome.html: the default one, with a link home of its own in the masthead.
    chrome = (default_theme() / "chrome.html").read_text(encoding="utf-8")
    marker = '<a id="own-chrome" href="{{ place.home }}">OWN CHROME</a>\n</header>'
    assert chrome.count("</header>") == 1
    site_tree({"chrome.html": chrome.replace("</header>", marker)}, folder="project/templates")
    site = _build_in_project(tmp_path, monkeypatch, cli)
    pages = sorted(site.rglob("*.html"))
    # Pages at every depth: home, archive, years, months, days, topics, articles, undated, search, 404.
    assert len({p.relative_to(site).as_posix().count("/") for p in pages}) >= 4
    for page in pages:
        tree = html_tree(page.read_bytes())
        (own,) = [a for a in tree.find_all("a") if a.attrs.get("id") == "own-chrome"]
        assert own.text() == "OWN CHROME", page
        # Made once for each place in the site, the chrome still leads home from each page.
        assert _target(site, page, own.attrs["href"]).resolve() == (site / "index.html").resolve(), page
        assert own.parent.tag == "header"


def test_a_body_reads_the_same_from_packed_blocks(html_tree):
    blocks = Blocks(
        [
            Block("paragraph", "Fish & <chips> on the quay.", 3),
            Block("subheading", "What happens next", 4),
            Block("pullquote", "Never again", 5, attribution="A <b>keeper</b>"),
            Block("list", "- one\n- two words", 6, items=("one", "two words")),
        ]
    )
    packed = pickle.loads(pickle.dumps(blocks))
    rows = packed.rows()
    # Still packed, the blocks are read as named tuples of their fields, not made into records.
    assert not isinstance(rows[0], Block)
    assert [tuple(r) for r in rows] == [tuple(getattr(b, n) for n in Blocks.names) for b in blocks.rows()]
    template = environment(None).get_template("body.html")
    html = template.render(blocks=rows)
    assert html == template.render(blocks=blocks.rows()) == template.render(blocks=list(blocks))
    tree = html_tree(html)
    assert [p.text() for p in tree.find_all("p")] == ["Fish & <chips> on the quay.", "Never again"]
    assert [c.text() for c in tree.find_all("cite")] == ["A <b>keeper</b>"]
    assert [li.text() for li in tree.find_all("li")] == ["one", "two words"]
    # The word count reads the list's items, not its raw text with the bullets.
    assert cite.word_count(rows) == cite.word_count(blocks.rows()) == 6 + 3 + 2 + 3
