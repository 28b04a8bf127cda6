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
