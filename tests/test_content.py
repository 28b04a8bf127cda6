"""The bundled content/: the seed exactly as shipped, and demo articles that say they are demos."""

from __future__ import annotations

from pathlib import Path

from newsarchive.frontmatter import split
from newsarchive.load import discover, load_all
from newsarchive.parse import Rules

CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_seed_is_byte_for_byte_below_its_front_matter(seed_path: Path) -> None:
    seed = seed_path.read_bytes()
    matches = [p for p in CONTENT.iterdir() if p.read_bytes().endswith(seed)]
    assert len(matches) == 1, "exactly one content file carries the seed"
    data = matches[0].read_bytes()
    head = data[: len(data) - len(seed)].decode("utf-8")
    assert head.startswith("---\n") and head.endswith("---\n"), "nothing but a front-matter block precedes it"
    meta, body_start = split(str(matches[0]), data.decode("utf-8"))
    assert str(meta.date) == "2015-10-02"
    assert body_start == head.count("\n")


def test_demo_articles_are_marked_and_in_other_styles() -> None:
    sources, problems = discover(CONTENT)
    loaded, failed = load_all(sources, Rules.make(), 5 << 20)
    assert not problems and not failed
    demos = [item for item in loaded if item.article.demo]
    assert 3 <= len(demos) <= 5
    assert all(item.article.demo for item in loaded if "coalition" not in item.article.headline.lower())
    kinds = {item.source.path.suffix for item in demos} | {"sidecar" for item in demos if item.source.sidecar}
    assert {".md", ".txt", "sidecar"} <= kinds
    assert any(item.article.byline for item in demos) and any(item.article.dateline for item in demos)
