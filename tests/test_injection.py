"""Hostile text in every field of every input style is shown as text in every output, and nothing more.

One site is built from the payload corpus (tests/payloads.py): each payload goes into every field of an
article with front matter, an article with a sidecar, a plain scraped article and a Markdown article. Then
every output is read back as its readers read it: pages with an HTML parser, feeds with an XML parser and
feedparser, JSON-LD and JSON Feed as JSON, the sitemap as XML, and the search index's own records.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import feedparser
import markupsafe
import pytest

from htmltree import Node, parse_html
from newsarchive import urls
from newsarchive.errors import ContentError
from newsarchive.frontmatter import parse_yaml
from newsarchive.markdown import parse_markdown
from newsarchive.parse import _pullquote, parse_article
from payloads import PAYLOADS, marker, shown
from safety import html_problems, search_fragments, site_problems, url_scheme

SITE_URL = "http://localhost:8000/"
START = dt.date(2001, 1, 1)
STYLES = ("front", "sidecar", "raw", "markdown")


@dataclass(frozen=True)
class Case:
    payload: str
    style: str
    date: dt.date

    @property
    def mark(self) -> str:
        return marker(self.payload)


def _y(text: str) -> str:
    """A YAML double-quoted string, with every character YAML would not take as it is written as an escape."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif not c.isprintable() or c == "\ufeff":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _words(case: Case, n: int) -> str:
    # Words no other article has, so that no two articles look like copies of each other.
    return " ".join(f"{case.mark}{case.style}{j}" for j in range(n))


def _front(case: Case) -> dict[str, str]:
    p = _y(case.payload)
    # A NUL byte in a file is refused (tested below); YAML's "\0" escape is not, and becomes U+FFFD.
    text = case.payload.replace("\x00", "\ufffd")
    return {
        f"front-{case.mark}.txt": (
            "---\n"
            f"headline: {p}\n"
            f"date: {case.date}\n"
            f"standfirst: {p}\n"
            f'byline: [{p}, "Jane Doe"]\n'
            f"dateline: {{place: {p}, agency: {p}}}\n"
            f"tags: [{p}]\n"
            f"source: {p}\n"
            f'url: "https://example.org/{case.mark}?a=1&b=%3Cx%3E"\n'
            f"slug: {p}\n"
            f"category: {p}\n"
            f"id: {p}\n"
            "---\n"
            f"{text}\n\n"
            f"The first paragraph says {text} and then {_words(case, 12)}.\n\n"
            f"{text}\n\n"
            f"A second paragraph, longer than any heading, with {_words(case, 14)} in it.\n\n"
            f"{text} - Jane Doe |\n\n"
            f"- {text}\n- a second item {case.mark}\n\n"
            f"The last paragraph of the story {_words(case, 10)}.\n"
        )
    }


def _sidecar(case: Case) -> dict[str, str]:
    p = _y(case.payload)
    name = f"side-{case.mark}"
    return {
        f"{name}.txt": (
            f"{case.payload}\n\n"
            f"LONDON (Reuters) - {case.payload} opens the first paragraph, then {_words(case, 12)}.\n\n"
            f"A second paragraph with {case.payload} and {_words(case, 12)}.\n"
        ),
        f"{name}.yaml": (
            f"date: {case.date}\n"
            f"byline: [{p}]\n"
            f"tags: [{p}]\n"
            f"dateline: {{place: {p}}}\n"
            f"source: {p}\n"
            f"standfirst: {p}\n"
            f"slug: {p}\n"
        ),
    }


def _attribution(payload: str) -> str:
    """The payload as a pull-quote's attribution, which must look like a name: capitalised, a few words."""
    return "Q" + payload


def _attribution_fits(payload: str) -> bool:
    line = f"Words said by someone - {_attribution(payload)} |"
    return _pullquote(line) == ("Words said by someone", _attribution(payload))


def _raw(case: Case) -> dict[str, str]:
    # No front matter at all: the date comes from the file name.
    return {
        f"{case.date}-raw-{case.mark}.txt": (
            f"{case.payload}\n"
            f"{case.payload}\n"
            "3 min read\n"
            f"The first paragraph holds {case.payload} among {_words(case, 14)}.\n"
            f"{case.payload} |\n"
            f"Another paragraph, {_words(case, 12)}.\n"
            f"Words said by someone about {case.mark} - {_attribution(case.payload)} |\n"
            f"The last paragraph, {_words(case, 11)}.\n"
        )
    }


def _markdown(case: Case) -> dict[str, str]:
    p = case.payload
    return {
        f"md-{case.mark}.md": (
            f"---\ndate: {case.date}\ntags: [{_y(p)}]\n---\n"
            f"# {p}\n\n"
            f"Paragraph with {p} and {_words(case, 12)}.\n\n"
            f"## {p}\n\n"
            f"> {p}\n\n"
            f"- {p}\n- {_words(case, 3)}\n\n"
            f"[link {case.mark}]({p}) and [angle {case.mark}](<{p}>) and <{p}> and "
            f"![picture {case.mark}]({p}) and ![remote {case.mark}](http://evil.example/{case.mark}.png).\n"
        )
    }


MAKERS: dict[str, Callable[[Case], dict[str, str]]] = {
    "front": _front,
    "sidecar": _sidecar,
    "raw": _raw,
    "markdown": _markdown,
}


def _cases() -> list[Case]:
    cases = []
    for n, payload in enumerate(PAYLOADS):
        for k, style in enumerate(STYLES):
            if "\x00" in payload and style != "front":
                continue  # a NUL byte in a file is refused (tested below); YAML's "\0" escape is not
            cases.append(Case(payload, style, START + dt.timedelta(days=len(STYLES) * n + k)))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def hostile_site(site_builder, tmp_path_factory) -> Path:
    files: dict[str, str | bytes] = {}
    for case in CASES:
        files.update(MAKERS[case.style](case))
    return site_builder(tmp_path_factory.mktemp("hostile"), files, config="feed_size: 1000\nper_page: 1000\n")


def _page(site: Path, case: Case) -> Node:
    (page,) = site.glob(f"{case.date:%Y/%m/%d}/*/index.html")
    return parse_html(page.read_bytes())


def _one(tree: Node, tag: str, cls: str) -> Node:
    (node,) = [n for n in tree.find_all(tag) if cls in n.attrs.get("class", "").split()]
    return node


def _json_ld(tree: Node) -> dict[str, object]:
    (script,) = [s for s in tree.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    data: dict[str, object] = json.loads("".join(c for c in script.children if isinstance(c, str)))
    return data


# -- the corpus itself ------------------------------------------------------------------------------------------------


def test_the_corpus_is_large_and_each_payload_has_its_own_marker_and_slug():
    assert len(PAYLOADS) >= 50
    assert len({marker(p) for p in PAYLOADS}) == len(PAYLOADS)
    assert len({urls.slugify(p) for p in PAYLOADS}) == len(PAYLOADS)


# -- every output of the hostile site ---------------------------------------------------------------------------------


def test_no_output_carries_markup_script_or_unsafe_link_from_content(hostile_site):
    pages = [p for p in hostile_site.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > len(CASES), "every article has its page"
    assert site_problems(hostile_site, SITE_URL) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=marker)
def test_front_matter_fields_show_the_payload_as_text(hostile_site, payload):
    case = next(c for c in CASES if c.payload == payload and c.style == "front")
    text = shown(payload)
    tree = _page(hostile_site, case)
    (h1,) = tree.find_all("h1")
    assert h1.text() == text
    assert _one(tree, "p", "standfirst").text() == text
    assert _one(tree, "span", "byline").text() == f"By {text}, Jane Doe"
    assert _one(tree, "p", "dateline").text() == f"{text} ({text})"
    assert [a.text() for a in _one(tree, "p", "tags").find_all("a")] == [text]
    source = _one(tree, "p", "source")
    assert source.text() == f"Source: {text}"
    assert [a.attrs["href"] for a in source.find_all("a")] == [f"https://example.org/{case.mark}?a=1&b=%3Cx%3E"]
    body = _one(tree, "div", "body").text()
    assert f"The first paragraph says {text} and then" in body
    (quote,) = tree.find_all("blockquote")
    assert quote.text() == text
    assert [c.text() for c in tree.find_all("cite")] == ["Jane Doe"]
    assert text in [li.text() for li in _one(tree, "div", "body").find_all("li")]
    assert text in _one(tree, "p", "apa").text()
    # JSON-LD holds the same text, in a script element nothing closed early.
    data = _json_ld(tree)
    assert data["headline"] == text
    assert data["keywords"] == [text]
    assert data["author"] == [{"@type": "Person", "name": text}, {"@type": "Person", "name": "Jane Doe"}]
    assert data["isBasedOn"] == f"https://example.org/{case.mark}?a=1&b=%3Cx%3E"
    titles = [t.text() for t in tree.find_all("title")]
    assert titles == [f"{text} · News archive"]


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "\x00" not in p], ids=marker)
def test_text_sidecar_and_markdown_articles_show_the_payload_as_text(hostile_site, payload):
    text = shown(payload)
    side = _page(hostile_site, next(c for c in CASES if c.payload == payload and c.style == "sidecar"))
    assert [h.text() for h in side.find_all("h1")] == [text]
    assert _one(side, "span", "byline").text() == f"By {text}"
    assert _one(side, "p", "standfirst").text() == text
    assert text in _one(side, "div", "body").text()
    raw = _page(hostile_site, next(c for c in CASES if c.payload == payload and c.style == "raw"))
    assert [h.text() for h in raw.find_all("h1")] == [text]
    assert text in _one(raw, "div", "body").text()
    quotes = raw.find_all("blockquote")
    assert quotes[0].text() == text
    if _attribution_fits(payload):
        assert [c.text() for c in raw.find_all("cite")] == [shown(_attribution(payload))]
    md_case = next(c for c in CASES if c.payload == payload and c.style == "markdown")
    md = _page(hostile_site, md_case)
    # Markdown reads its own syntax (entities, emphasis), so only the marker is sure to show; what matters is
    # that every link it made goes to a safe address, and the pictures are links, not loads.
    body = _one(md, "div", "body")
    assert md_case.mark in body.text()
    for a in body.find_all("a"):
        assert url_scheme(a.attrs["href"]) in (None, "http", "https", "mailto"), a.attrs
    remote = [a for a in body.find_all("a") if a.text() == f"remote {md_case.mark}"]
    assert [a.attrs["href"] for a in remote] == [f"http://evil.example/{md_case.mark}.png"]
    assert body.find_all("img") == []


def test_most_payloads_are_tried_as_a_pull_quote_attribution():
    assert sum(map(_attribution_fits, PAYLOADS)) >= 40


def test_template_syntax_in_content_is_shown_as_typed(hostile_site):
    for payload in ("{{ 7*7 }} p63", "{% for x in range(3) %}p66{% endfor %}", "{# p67 comment #}"):
        for style in ("front", "sidecar", "raw"):
            case = next(c for c in CASES if c.payload == payload and c.style == style)
            tree = _page(hostile_site, case)
            assert [h.text() for h in tree.find_all("h1")] == [payload]
            assert "49" not in tree.find_all("h1")[0].text() and "p66p66" not in tree.text()


def test_feeds_read_back_give_the_payload_as_text(hostile_site):
    expected = {shown(c.payload) for c in CASES if c.style in ("front", "sidecar", "raw")}
    # Atom says what its text is: titles and summaries are text, content is HTML.
    atom = feedparser.parse((hostile_site / urls.ATOM).read_bytes())
    assert not atom.bozo, atom.get("bozo_exception")
    assert len(atom.entries) == len(CASES)
    assert expected <= {" ".join(e.title.split()) for e in atom.entries}
    assert {e.title_detail.type for e in atom.entries} == {"text/plain"}
    # RSS leaves readers to guess: titles are written as plain text, descriptions as HTML (escaped text).
    rss_bytes = (hostile_site / urls.FEED).read_bytes()
    rss = feedparser.parse(rss_bytes)
    assert not rss.bozo, rss.get("bozo_exception")
    items = ET.fromstring(rss_bytes).iter("item")
    titles = {" ".join((i.findtext("title") or "").split()) for i in items}
    assert expected <= titles
    summaries = {e.link: " ".join(parse_html(e.summary).text().split()) for e in rss.entries}
    atom_summaries = {e.link: " ".join(e.summary.split()) for e in atom.entries}
    assert summaries == atom_summaries
    assert any("<script>" in s for s in summaries.values()), "descriptions read back as the text they hold"
    feed = json.loads((hostile_site / urls.JSON_FEED).read_text(encoding="utf-8"))
    assert expected <= {item["title"] for item in feed["items"]}
    tags = {t for item in feed["items"] for t in item.get("tags", [])}
    assert {shown(p) for p in PAYLOADS} <= tags
    for item in feed["items"]:
        assert item["id"] and parse_html(item["content_html"]).find_all("script") == []


def test_topic_feeds_parse_and_name_the_topic_as_text(hostile_site):
    payload = '<script>alert("p01")</script>'
    feeds = list((hostile_site / "topics").glob(f"{urls.slugify(payload)}/feed.xml"))
    assert len(feeds) == 1
    parsed = feedparser.parse(feeds[0].read_bytes())
    assert not parsed.bozo
    assert parsed.feed.title == f"News archive: {payload}"


def test_sitemap_parses_and_lists_every_page(hostile_site):
    root = ET.fromstring((hostile_site / urls.SITEMAP).read_bytes())
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = [p for p in hostile_site.rglob("*.html") if "pagefind" not in p.parts and p.name != "404.html"]
    assert len(locs) == len(pages)
    assert all(loc and loc.startswith(SITE_URL) and url_scheme(loc) == "http" for loc in locs)


def test_search_index_holds_the_text_not_the_markup(hostile_site):
    records = search_fragments(hostile_site)
    assert len(records) == len(CASES)
    by_title = {str(r["meta"]["title"]): r for r in records}  # type: ignore[index]
    for payload in ('<script>alert("p01")</script>', '<img src=x onerror=alert("p06")>', "{{ 7*7 }} p63"):
        assert shown(payload) in by_title, f"{payload!r} is the title of its record, as text"
        # Pagefind keeps the text a reader sees (its UI escapes it when it shows an excerpt).
        assert shown(payload) in str(by_title[shown(payload)]["content"])


# -- refused input ----------------------------------------------------------------------------------------------------


UNSAFE_URLS = [p for p in PAYLOADS if url_scheme(p) not in (None, "http", "https")] + [
    "https://example.org/<script>",
    'https://example.org/" onmouseover="x',
    "https://exa mple.org/",
    "//evil.example/p",
    "ftp://example.org/x",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_an_unsafe_url_in_front_matter_is_a_content_error_naming_the_line(url):
    with pytest.raises(ContentError) as caught:
        parse_yaml("content/a.yaml", f"headline: A\nurl: {_y(url)}\n")
    (notice,) = caught.value.notices
    assert (notice.path, notice.line) == ("content/a.yaml", 2)
    assert "http" in notice.message


@pytest.mark.parametrize("line", [p for p in PAYLOADS if url_scheme(p) is not None])
def test_a_first_line_with_an_unsafe_scheme_is_a_headline_not_a_source_link(line):
    if "\x00" in line:
        pytest.skip("NUL bytes are refused before parsing")
    article = parse_article("content/a.txt", f"{line}\n\nA paragraph of the story with enough words in it.\n")
    assert article.source_url is None
    assert article.headline == line.strip()


def test_markdown_raw_html_is_text_and_links_with_unsafe_schemes_are_not_links():
    lines = [
        "# Title",
        "",
        "<div onclick=alert(1)>raw</div>",
        "",
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1)) [d](data:text/html,x)",
        "[e](vbscript:x) [f](<java\tscript:x>) <javascript:alert(1)> <vbscript:x> [g](file:///etc/passwd)",
        "![h](data:image/png;base64,AAAA) [ok](https://example.org/) [rel](../x/) [mail](mailto:a@example.org)",
    ]
    _, blocks = parse_markdown("content/a.md", lines, 0, parse_yaml("content/a.md", ""), {})
    html = "".join(b.html or "" for b in blocks)
    tree = parse_html(html)
    assert [n.tag for n in tree.iter() if n.tag not in ("#document", "p", "a")] == []
    hrefs = [a.attrs["href"] for a in tree.find_all("a")]
    assert "https://example.org/" in hrefs and "../x/" in hrefs and "mailto:a@example.org" in hrefs
    assert all(url_scheme(h) in (None, "http", "https", "mailto") for h in hrefs), hrefs
    assert "<div onclick=alert(1)>raw</div>" in tree.text()


def test_yaml_tags_never_run_code(tmp_path):
    witness = tmp_path / "ran"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system", "!python/object/apply:os.system"):
        with pytest.raises(ContentError) as caught:
            parse_yaml("content/a.yaml", f'headline: A\nslug: {tag} ["touch {witness}"]\n')
        assert [(n.line, n.message.startswith("invalid YAML")) for n in caught.value.notices] == [(2, True)]
    assert not witness.exists()


@pytest.mark.parametrize(
    ("yaml_text", "line", "words"),
    [
        ("headline: A\ndate: !!timestamp 2015-02-30\n", 2, "invalid YAML value"),
        ("headline: !!int abc\n", 1, "invalid YAML value"),
        ("headline: A\ntags: [a, !!float x]\n", 2, "invalid YAML value"),
        ("headline: " + "1" * 5000 + "\n", 1, "invalid YAML value"),
        ("headline: !!binary aGk=\n", 1, "expected text, got bytes"),
        ("headline: !!set {a}\n", 1, "expected text, got set"),
        ("headline: [" * 2000 + "\n", 1, "invalid YAML"),
        ("? [a, b]\n: c\n", 1, "invalid YAML"),
    ],
)
def test_yaml_that_cannot_be_built_is_a_content_error_naming_the_line(yaml_text, line, words):
    with pytest.raises(ContentError) as caught:
        parse_yaml("content/a.yaml", yaml_text)
    assert [n.line for n in caught.value.notices] == [line]
    assert words in caught.value.notices[0].message


def test_control_characters_from_yaml_escapes_become_replacement_characters():
    meta = parse_yaml("content/a.yaml", 'headline: "a\\0b\\x01c\\uFFFEd\\te"\n')
    assert meta.headline == "a\ufffdb\ufffdc\ufffdd e"


def test_a_nul_byte_in_an_article_file_is_a_content_error_naming_file_and_line(cli, site_tree, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = site_tree({"a.txt": "Headline\n\nFine paragraph.\nA \x00 here.\n", "b.txt": "Other\n\nText here.\n"})
    result = cli("build", "--content", content, "--output", tmp_path / "site", "--no-search")
    assert result.code == 1
    assert f"{content / 'a.txt'}:4: file contains NUL bytes" in result.err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "<" in p], ids=marker)
def test_the_checker_sees_markup_that_was_not_escaped(payload):
    # The site checks above can fail: a payload left unescaped, wherever it makes an element, is reported.
    raw = f"<html><head></head><body><p>{payload}</p></body></html>"
    made = [n.tag for n in parse_html(raw).iter()][5:]  # beyond the document, html, head, body and p
    assert html_problems(raw.replace(payload, str(markupsafe.escape(payload))), "page") == []
    assert bool(html_problems(raw, "page")) == bool(made), made


def test_the_corpus_makes_elements_when_left_unescaped():
    made = [p for p in PAYLOADS if html_problems(f"<p>{p}</p>", "page")]
    assert len(made) >= 30
