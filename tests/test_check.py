"""check.py and `newsarchive check`: content warnings and errors, a built site's links and feeds, JSON output."""

from __future__ import annotations

import json
import re

import pytest

from newsarchive.check import headline_problem, link_target
from newsarchive.parse import parse_article

FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<severity>error|warning): (?P<message>.+)$")

CLEAN = {
    "2024-05-01-harbour-wall.txt": (
        "---\ndate: 2024-05-01\ntags: [council]\n---\nCouncil approves harbour wall\n\n"
        "Councillors voted on Tuesday to approve the new harbour wall.\n\nWork starts in the spring.\n"
    ),
    "library.md": (
        "---\ndate: 2023-02-10\n---\n# Library reopens after restoration\n\n"
        "Several hundred people queued before the doors opened.\n\n## A new reading room\n\nIt opens next month.\n"
    ),
    "ferry.txt": "Ferry returns to winter timetable\nPublished: 3 March 2022\n"
    "The harbour ferry will switch to its winter timetable a fortnight early.\n",
}
COPY_BODY = "The harbour ferry will switch to its winter timetable a fortnight early, the operator said on Monday.\n"
DOUBTFUL = {
    "undated.txt": "Market opens on the square\n\nStalls selling bread and cheese opened on the square on Saturday.\n",
    "quote-only.txt": "---\ndate: 2024-02-01\n---\nHarbour wall approved\n\nTHE WALL WILL STAND FOR A CENTURY |\n",
    "sentence.txt": "---\ndate: 2024-02-02\n---\n"
    "The council voted on Tuesday to approve the new harbour wall after years of debate.\n\n"
    "Work on the wall starts in the spring and should take two years.\n",
    "2022-03-03-ferry.txt": "---\ndate: 2022-03-03\n---\nFerry returns to winter timetable\n\n" + COPY_BODY,
    "2022-03-04-ferry-again.txt": "---\ndate: 2022-03-04\n---\nFerry returns to winter timetable\n\n" + COPY_BODY,
}
BROKEN = {"bad-key.txt": "---\ndate: 2024-01-01\nheadlin: Oops\n---\nHeadline here\n\nBody.\n"}


def _shown(site, path):
    """How check names a file of the site: from the working folder, which holds the site."""
    return f"{site.name}/{path.relative_to(site).as_posix()}"


def _findings(text: str) -> list[re.Match[str]]:
    return [m for line in text.splitlines() if (m := FINDING.match(line))]


# -- content --------------------------------------------------------------------------------------------


def test_clean_content_passes(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(CLEAN)
    result = cli("check")
    assert result.code == 0, result.out
    assert _findings(result.out) == []
    assert result.out.strip().splitlines()[-1] == "checked 3 articles: 0 errors, 0 warnings"


def test_each_kind_of_warning_names_its_file_and_line(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree({**CLEAN, **DOUBTFUL})
    result = cli("check")
    assert result.code == 0, "warnings alone do not fail"
    messages = {m["path"]: m["message"] for m in _findings(result.out)}
    assert all(m["severity"] == "warning" for m in _findings(result.out))
    assert set(messages) == {
        f"content/{name}" for name in ("undated.txt", "quote-only.txt", "sentence.txt", "2022-03-04-ferry-again.txt")
    }
    assert messages["content/undated.txt"].startswith("undated")
    assert "no body text" in messages["content/quote-only.txt"] and "pull-quotes" in messages["content/quote-only.txt"]
    assert "headline" in messages["content/sentence.txt"] and "sentence" in messages["content/sentence.txt"]
    # The later copy is the one folded; it names the file that is published.
    assert (
        messages["content/2022-03-04-ferry-again.txt"]
        == "a copy of content/2022-03-03-ferry.txt; only that file is published"
    )
    lines = {m["path"]: int(m["line"]) for m in _findings(result.out)}
    assert lines["content/quote-only.txt"] == 4 and lines["content/sentence.txt"] == 4, "the headline's line"
    assert result.out.strip().splitlines()[-1] == "checked 8 articles: 0 errors, 4 warnings"


def test_parse_errors_fail_the_check_and_the_rest_is_still_checked(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree({**CLEAN, **BROKEN, "undated.txt": DOUBTFUL["undated.txt"]})
    result = cli("check")
    assert result.code == 1
    by_path = {m["path"]: m for m in _findings(result.out)}
    assert by_path["content/bad-key.txt"]["severity"] == "error"
    assert by_path["content/bad-key.txt"]["line"] == "3"
    assert "did you mean 'headline'" in by_path["content/bad-key.txt"]["message"]
    assert by_path["content/undated.txt"]["severity"] == "warning"


def test_check_writes_nothing(cli, tmp_path, monkeypatch, site_tree, tree_bytes):
    monkeypatch.chdir(tmp_path)
    site_tree({**CLEAN, **DOUBTFUL})
    assert cli("build", "-q", "--no-search").code == 0
    before = tree_bytes(tmp_path)
    assert cli("check", "--site").code == 0
    # Not a file changed or added, in the site, the cache beside it or the content.
    assert tree_bytes(tmp_path) == before


@pytest.mark.parametrize(
    "headline",
    [
        "Council approves harbour wall",
        "Iggy Azalea Responds To Rumors That She's Dating Odell Beckham Jr.",
        "Smart phones and tablets banned on all flights in the U.S.",
        "Pres. Trump Declares That He Is Moving White House",
        "Warner Bros. FINALLY Planning the Movie!",
        "Hillary in hot water over email, again.",  # a full stop, but short
        "Who won the vote? The count goes on",  # a question, then a phrase
    ],
)
def test_headlines_that_look_like_headlines_pass(headline):
    article = parse_article("a.txt", f"---\nheadline: {json.dumps(headline)}\n---\nThe body of the article, in full.\n")
    assert headline_problem(article) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "The council voted on Tuesday to approve the new harbour wall after years.\n\nWork starts soon.\n",
            "sentence",
        ),
        (
            "Voters went to the polls in the rain. Results are expected tonight\n\nTurnout was high.\n",
            "more than one sentence",
        ),
        ("Crowds gather\n\nCrowds gather as the market opens for the first time in a year.\n", "opening"),
        (" ".join(["word"] * 21) + "\n\nThe body.\n", "21 words"),
    ],
    ids=["full-stop", "two-sentences", "opens-the-body", "too-long"],
)
def test_probable_missing_headline(text, words):
    article = parse_article("a.txt", text)
    problem = headline_problem(article)
    assert problem is not None and words in problem


# -- a built site ---------------------------------------------------------------------------------------


@pytest.fixture
def built(build_site):
    """A real site of CLEAN (with a topic, so per-topic feeds), built without search, in tmp_path/site."""
    return build_site(CLEAN, config="search: false\n")


def test_clean_site_passes(cli, built):
    result = cli("check", "--site")
    assert result.code == 0, result.out
    assert _findings(result.out) == []
    summary = result.out.strip().splitlines()[-1]
    pages = sum(1 for _ in built.rglob("*.html"))
    assert f"{pages} pages and 6 feeds in site/" in summary, summary


def test_broken_link_is_reported_with_page_and_line(cli, built):
    index = built / "index.html"
    lines = index.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if "<main" in line)
    lines.insert(at + 1, '<p><a href="2024/nowhere/">gone</a> <img src="static/missing.png?v=2#x" alt=""></p>')
    index.write_text("\n".join(lines), encoding="utf-8")
    (built / "archive" / "index.html").write_text('<a href="../../outside.html">out</a>', encoding="utf-8")
    result = cli("check", "--site")
    assert result.code == 1
    errors = [(m["path"], int(m["line"]), m["message"]) for m in _findings(result.out) if m["severity"] == "error"]
    assert (
        _shown(built, index),
        at + 2,
        "broken link '2024/nowhere/': leads to 2024/nowhere/index.html, which is not in the site",
    ) in errors
    assert any(
        p == _shown(built, index) and "static/missing.png" in msg and "'static/missing.png?v=2#x'" in msg
        for p, _, msg in errors
    )
    assert any(p.endswith("archive/index.html") and "outside the site" in msg for p, _, msg in errors)
    assert len(errors) == 3, errors


def test_deleted_page_is_reported_by_every_page_linking_to_it(cli, built):
    (built / "topics" / "index.html").unlink()
    result = cli("check", "--site")
    assert result.code == 1
    pages = {m["path"] for m in _findings(result.out) if "topics/index.html" in m["message"]}
    # Every page's navigation links to the topics page.
    assert len(pages) == sum(1 for _ in built.rglob("*.html"))


@pytest.mark.parametrize(
    ("feed", "damage", "words"),
    [
        ("feed.xml", lambda t: t[: len(t) // 2], "not well-formed XML"),
        ("feed.xml", lambda t: re.sub(r"<channel>\s*<title>[^<]*</title>", "<channel>", t), "no <title>"),
        ("atom.xml", lambda t: re.sub(r"<updated>[^<]*</updated>", "", t), "no <updated>"),
        ("atom.xml", lambda t: t.replace("http://www.w3.org/2005/Atom", "urn:other"), "expected an Atom document"),
        (
            "topics/council/feed.json",
            lambda t: t.replace('"content_html"', '"content_other"'),
            "neither 'content_html'",
        ),
        ("topics/council/feed.json", lambda t: t.rstrip()[:-1], "not valid JSON"),
    ],
    ids=["rss-truncated", "rss-no-title", "atom-no-updated", "atom-wrong-namespace", "json-no-content", "json-broken"],
)
def test_bad_feed_is_reported(cli, built, feed, damage, words):
    path = built / feed
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = cli("check", "--site")
    assert result.code == 1
    errors = [m for m in _findings(result.out) if m["severity"] == "error"]
    assert errors and all(m["path"] == _shown(built, path) for m in errors), result.out
    assert any(words in m["message"] for m in errors), result.out


def test_site_check_without_a_site_is_a_usage_error(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(CLEAN)
    result = cli("check", "--site")
    assert result.code == 2
    assert "site: there is no built site here" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("page", "value", "target"),
    [
        ("index.html", "archive/", "archive/index.html"),
        ("index.html", "archive/index.html#main", "archive/index.html"),
        ("index.html", "search/?q=harbour", "search/index.html"),
        ("2024/05/01/wall/index.html", "../../../../topics/", "topics/index.html"),
        ("2024/05/01/wall/index.html", "../../../../../etc/", "../etc/index.html"),
        ("topics/index.html", "#main", "topics/index.html"),
        ("topics/index.html", "", "topics/index.html"),
        ("topics/index.html", "?page=2", "topics/index.html"),
        ("topics/index.html", "/", "index.html"),
        ("topics/index.html", "caf%C3%A9/", "topics/café/index.html"),
        ("index.html", "https://example.org/", None),
        ("index.html", "mailto:desk@example.org", None),
        ("index.html", "data:,", None),
        ("index.html", "//cdn.example.org/x.js", None),
    ],
)
def test_link_target(page, value, target):
    assert link_target(page, value) == target


# -- JSON output ----------------------------------------------------------------------------------------


def test_json_output_parses_back(cli, built):
    (built / "feed.json").write_text("{}", encoding="utf-8")
    (built.parent / "content" / "undated.txt").write_text(DOUBTFUL["undated.txt"], encoding="utf-8")
    result = cli("check", "--site", "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["ok"] is False
    assert report["site"] == "site"
    assert report["articles"] == 4
    assert report["feeds"] == 6
    assert report["pages"] == sum(1 for _ in built.rglob("*.html"))
    assert report["errors"] == sum(1 for f in report["findings"] if f["severity"] == "error") > 0
    assert report["warnings"] == 1
    for finding in report["findings"]:
        assert set(finding) == {"severity", "kind", "path", "line", "message"}
    kinds = {(f["kind"], f["path"]) for f in report["findings"]}
    assert ("feed", "site/feed.json") in kinds
    assert ("undated", "content/undated.txt") in kinds


def test_json_output_of_clean_content(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(CLEAN)
    result = cli("check", "--format", "json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "ok": True,
        "errors": 0,
        "warnings": 0,
        "articles": 3,
        "site": None,
        "pages": 0,
        "feeds": 0,
        "findings": [],
    }
