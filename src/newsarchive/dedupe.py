"""Repeats across articles: the same story filed more than once.

Takes the loaded articles and returns one `Filed` per story: the canonical
copy plus the sources of the others ("also filed as"). Byte-identical and
whitespace-identical copies share a normalised text; near-identical ones share
most of a bottom-k sketch of their word 3-grams. The canonical copy is chosen
by content, never by input order: dated before undated, earliest date, then
the first source path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from . import textmatch
from .load import Loaded

# Two articles this similar (3-gram sketch Jaccard) are the same story filed twice.
NEAR_IDENTICAL_THRESHOLD = 0.9
SKETCH_SIZE = 64


@dataclass(frozen=True, slots=True)
class Filed:
    loaded: Loaded
    copies: tuple[Loaded, ...] = ()


def _rank(item: Loaded) -> tuple[bool, dt.date, str]:
    date = item.article.date
    return (date is None, date or dt.date.min, item.source.rel)


def _key(item: Loaded) -> str:
    article = item.article
    return textmatch.normalise(article.headline + "\n" + article.body_text)


def across(items: Sequence[Loaded]) -> list[Filed]:
    ordered = sorted(items, key=_rank)
    groups: dict[int, list[Loaded]] = {}
    exact: dict[str, int] = {}
    index = textmatch.ShingleIndex(NEAR_IDENTICAL_THRESHOLD)
    for n, item in enumerate(ordered):
        key = _key(item)
        leader = exact.get(key)
        if leader is None:
            sketch = frozenset(sorted(textmatch.shingles(key))[:SKETCH_SIZE])
            leader = index.find(sketch)
            if leader is None:
                index.add(n, sketch)
                leader = n
            exact[key] = leader
        groups.setdefault(leader, []).append(item)
    return [Filed(group[0], tuple(group[1:])) for group in groups.values()]
