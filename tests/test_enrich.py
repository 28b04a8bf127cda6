"""Enrich gives every article one path, whatever order the files arrive in."""

from __future__ import annotations

import random
from pathlib import Path

from newsarchive.config import Config
from newsarchive.dedupe import across
from newsarchive.enrich import enrich
from newsarchive.load import Loaded, Source
from newsarchive.parse import parse_article


def _loaded(rel: str, headline: str, body: str) -> Loaded:
    text = f"---\ndate: 2024-03-01\n---\n{headline}\n\n{body}\n"
    return Loaded(Source(Path(rel), rel), parse_article(rel, text), rel + text)


def test_slug_collisions_resolve_the_same_way_in_any_order() -> None:
    items = [
        _loaded(f"f{n}.txt", "Council meets again", f"Story {n} body about item {n * 7} and more.") for n in range(6)
    ]
    paths = None
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        site = enrich(across(shuffled), Config())
        by_rel = {e.rel: e.path for e in site.entries}
        assert len(set(by_rel.values())) == 6, "every copy gets its own page"
        paths = paths or by_rel
        assert by_rel == paths
    assert paths is not None
    assert paths["f0.txt"] == "2024/03/01/council-meets-again/index.html"
    assert paths["f1.txt"] == "2024/03/01/council-meets-again-2/index.html"


def _words(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(
        rng.choice("harbour ferry council vote river wall pier tide storm quay".split()) + str(k) for k in range(n)
    )


def test_short_near_identical_copies_fold_and_different_stories_do_not() -> None:
    """Copies too short to fill a sketch are still found: the whole of a short text is its sketch."""
    body = _words(24, 1)
    items = [
        _loaded("a.txt", "Pier reopens", body + " today."),
        _loaded("b.txt", "Pier reopens", body + " tonight."),  # one word of 27 changed: 3-gram Jaccard 0.92
        _loaded("c.txt", "Pier reopens", _words(24, 2) + " today."),
    ]
    filed = {f.loaded.source.rel: [c.source.rel for c in f.copies] for f in across(items)}
    assert filed == {"a.txt": ["b.txt"], "c.txt": []}
