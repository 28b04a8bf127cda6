"""Hostile files, generated: loading them and building sites of them fails only with ContentError, and what is
published is safe.

`make test` runs a few dozen examples of each property; `make fuzz` runs the same properties with many more
(strategies.examples) and prints how many ran.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from newsarchive import load
from newsarchive.build import build
from newsarchive.config import load_config
from newsarchive.discover import discover
from newsarchive.errors import ContentError
from newsarchive.model import Article
from newsarchive.parse import DEFAULT_RULES
from safety import site_problems
from strategies import HostileFile, examples, hostile_file

# What no text field may hold once loaded: what XML 1.0 refuses (so feeds can carry it), and lone surrogates.
_REFUSED_BY_XML = frozenset(
    [*map(chr, range(0x00, 0x09)), "\x0b", "\x0c", *map(chr, range(0x0E, 0x20)), "\ufffe", "\uffff"]
)


def _write(folder: Path, index: int, file: HostileFile) -> None:
    name = f"{index}-{file.name}"
    (folder / (name + file.suffix)).write_bytes(file.data)
    if file.sidecar is not None:
        (folder / (name + ".yaml")).write_bytes(file.sidecar)


def _texts(article: Article) -> list[str]:
    dateline = article.dateline
    return [
        article.headline,
        article.standfirst or "",
        *article.byline,
        *article.tags,
        article.slug or "",
        article.source_name or "",
        article.source_url or "",
        article.article_id or "",
        *((dateline.place, dateline.agency or "", dateline.date or "") if dateline else ()),
        *(t for b in article.blocks for t in (b.text, b.attribution or "", *b.items)),
    ]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=hostile_file())
@example(file=HostileFile("story", ".txt", b"---\ndate: !!timestamp 2015-02-30\n---\nA\n\nB\n", None))
@example(file=HostileFile("story", ".txt", b"Headline\n\nText.\n", b'headline: "\\0\\x01"\nslug: "../../x"\n'))
@example(file=HostileFile("story", ".md", b"# T\n\n![x](http://evil.example/x.png)\n", b"date: !!int x\n"))
@example(file=HostileFile("story", ".md", b"# \n3 min read\n\n", None))  # an empty heading is no headline
def test_loading_a_hostile_file_raises_only_content_error(file):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, 0, file)
        (source,), problems = discover(folder)
        assert problems == []
        try:
            article = load.load(source, DEFAULT_RULES, 5 * 1024 * 1024)
        except ContentError as exc:
            event("refused with ContentError")
            named = {str(source.path), str(source.sidecar)}
            assert exc.notices and all(n.path in named and n.line >= 0 and n.message for n in exc.notices)
            return
    event("loaded")
    assert article.headline.strip()
    for text in _texts(article):
        assert not _REFUSED_BY_XML.intersection(text), f"{text!r} holds a character XML refuses"
        assert not any("\ud800" <= c <= "\udfff" for c in text), f"{text!r} holds a lone surrogate"
    assert "\n" not in article.headline


@settings(max_examples=examples(12), deadline=None, suppress_health_check=list(HealthCheck))
@given(files=st.lists(hostile_file(), min_size=1, max_size=4), keep_going=st.booleans())
@example(files=[HostileFile("story", ".md", b"# \n3 min read\n\n", None)], keep_going=True)
def test_building_hostile_files_raises_only_content_error_and_publishes_only_safe_output(files, keep_going):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content, output = root / "content", root / "site"
        content.mkdir()
        for n, file in enumerate(files):
            _write(content, n, file)
        config = load_config(None, content=content, output=output, templates=root / "templates", search=False, jobs=1)
        try:
            report = build(config, keep_going=keep_going)
        except ContentError as exc:
            event("refused with ContentError")
            assert exc.notices and not keep_going, "--keep-going publishes what it can"
            assert not output.exists(), "a refused build publishes nothing"
            return
        event("built" if not report.skipped else "built, some files skipped")
        assert report.articles + len(report.skipped) + report.drafts >= 1
        pages = [*output.glob("[0-9][0-9][0-9][0-9]/*/*/*/index.html"), *output.glob("undated/*/index.html")]
        assert len(pages) == report.articles
        assert site_problems(output, config.site_url) == []
