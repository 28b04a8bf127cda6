"""Files at the sizes the loader promises to take: a 5 MB article, a 100,000-line file and 10,000 copies of one
paragraph parse, account for every line and build; a file over max_file_bytes is refused by name.
How the time grows with size is measured by benchmarks/scale.py, not here."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from newsarchive.decode import DEFAULT_MAX_BYTES
from newsarchive.model import Article
from newsarchive.parse import parse_article

MB = 1_000_000
_SYLLABLES = ("har", "bour", "ket", "lin", "mo", "ra", "ven", "dal", "sto", "ne", "wick", "ton", "fer", "ry", "by")


def _vocabulary(rng: random.Random) -> list[str]:
    return sorted({"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(3000)})


def _sentence(rng: random.Random, vocabulary: list[str], words: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(words)).capitalize() + "."


def _non_blank(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), 1) if line.strip()]


def _accounts_for_every_line(article: Article, text: str) -> None:
    assert [record.line for record in article.lines] == _non_blank(text)


def _build(build_site: Callable[..., Path], name: str, text: str) -> bytes:
    site = build_site({name: text})
    pages = [p for p in site.glob("undated/*/index.html")]
    assert len(pages) == 1, sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return pages[0].read_bytes()


def test_a_5_mb_article_parses_and_builds(build_site: Callable[..., Path]) -> None:
    rng = random.Random(5)
    vocabulary = _vocabulary(rng)
    paragraphs: list[str] = []
    size = 0
    while size < 5 * MB:
        paragraphs.append(" ".join(_sentence(rng, vocabulary, rng.randint(8, 25)) for _ in range(rng.randint(2, 6))))
        size += len(paragraphs[-1]) + 2
    text = "A headline over five megabytes of text\n\n" + "\n\n".join(paragraphs) + "\n"
    assert 5 * MB < len(text.encode()) <= DEFAULT_MAX_BYTES, "a 5 MB file is within the default max_file_bytes"

    article = parse_article("long.txt", text)
    _accounts_for_every_line(article, text)
    assert [b.text for b in article.blocks] == paragraphs
    page = _build(build_site, "long.txt", text)
    assert paragraphs[0].encode() in page and paragraphs[-1].encode() in page


def test_a_file_over_max_file_bytes_is_refused_by_name(
    tmp_path: Path, cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "huge.txt").write_bytes(b"Headline\n\n" + b"word " * (DEFAULT_MAX_BYTES // 5))
    monkeypatch.chdir(tmp_path)
    result = cli("build", "--no-search")
    limit = f"{DEFAULT_MAX_BYTES:,}"
    size = f"{DEFAULT_MAX_BYTES - DEFAULT_MAX_BYTES % 5 + 10:,}"
    assert result.code == 1  # type: ignore[attr-defined]
    expected = f"content/huge.txt:1: file is {size} bytes, over the limit of {limit} (set max_file_bytes)"
    assert expected in result.err  # type: ignore[attr-defined]
    assert not (tmp_path / "site").exists()


def test_a_100000_line_file_parses_and_builds(build_site: Callable[..., Path]) -> None:
    rng = random.Random(100)
    vocabulary = _vocabulary(rng)
    lines = [_sentence(rng, vocabulary, rng.randint(3, 7)) for _ in range(100_000)]
    text = "A headline over a hundred thousand lines\n" + "\n".join(lines) + "\n"
    assert len(text.encode()) <= DEFAULT_MAX_BYTES

    article = parse_article("lines.txt", text)
    _accounts_for_every_line(article, text)
    assert [b.text for b in article.blocks] == lines, "each line is a paragraph of its own, in order"
    assert [r.role for r in article.lines[1:]] == ["paragraph"] * len(lines)
    page = _build(build_site, "lines.txt", text)
    assert lines[-1].encode() in page


def test_10000_copies_of_a_paragraph_collapse_to_one_and_every_copy_is_accounted_for(
    build_site: Callable[..., Path],
) -> None:
    paragraph = "The council voted on Tuesday to rebuild the river wall before the winter storms reach the harbour."
    text = "Copies of one paragraph\n\n" + "\n\n".join([paragraph] * 10_000) + "\n"

    article = parse_article("copies.txt", text)
    _accounts_for_every_line(article, text)
    assert [b.text for b in article.blocks] == [paragraph]
    first, *copies = [r for r in article.lines if r.role != "headline"]
    assert first.role == "paragraph" and first.line == 3
    assert len(copies) == 9_999
    assert all(r.role == "dropped" and r.reason == "duplicate" and r.duplicate_of == 3 for r in copies)
    page = _build(build_site, "copies.txt", text)
    assert page.count(f"<p>{paragraph}</p>".encode()) == 1
