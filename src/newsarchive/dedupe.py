"""Repeats across articles: the same story filed more than once.

Takes the loaded articles and returns one `Filed` per story: the canonical
copy plus the sources of the others ("also filed as"). Byte-identical and
whitespace-identical copies share a normalised text; near-identical ones share
at least NEAR_IDENTICAL_THRESHOLD of their word 3-grams (headline and body,
Jaccard, computed exactly; a bottom-k sketch only picks which pairs to
compare). The canonical copy is chosen by content, never by input order:
dated before undated, earliest date, then the first source path.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from . import textmatch
from .load import Loaded

# Two articles this similar (word 3-gram Jaccard) are the same story filed twice.
# On the BBC corpus 0.9 folds a re-headlined copy or one with a sentence
# re-worded, and keeps apart updated re-versions that add or cut paragraphs.
NEAR_IDENTICAL_THRESHOLD = 0.9
# Candidates for the exact comparison share this many of the SKETCH_SIZE
# smallest shingle fingerprints. Articles at the threshold share about 60.
SKETCH_SIZE = 64
SKETCH_SHARED = 8
# A fingerprint in more sketches than this is a stock phrase; it finds no candidates.
MAX_POSTING = 64


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


class _Leaders:
    """The first article of each story so far, findable by near-identical text."""

    def __init__(self) -> None:
        self._sigs: dict[int, frozenset[textmatch.Shingle]] = {}
        self._postings: dict[int, list[int]] = {}

    def find(self, sig: frozenset[textmatch.Shingle], sketch: list[int]) -> int | None:
        shared: Counter[int] = Counter()
        for fp in sketch:
            posting = self._postings.get(fp, ())
            if len(posting) <= MAX_POSTING:
                shared.update(posting)
        best: tuple[float, int] | None = None
        for leader in sorted(n for n, count in shared.items() if count >= min(SKETCH_SHARED, len(sketch))):
            score = textmatch.similarity(sig, self._sigs[leader])
            if score >= NEAR_IDENTICAL_THRESHOLD and (best is None or score > best[0]):
                best = (score, leader)
        return best[1] if best else None

    def add(self, leader: int, sig: frozenset[textmatch.Shingle], sketch: list[int]) -> None:
        self._sigs[leader] = sig
        for fp in sketch:
            self._postings.setdefault(fp, []).append(leader)


def across(items: Sequence[Loaded]) -> list[Filed]:
    ordered = sorted(items, key=_rank)
    groups: dict[int, list[Loaded]] = {}
    exact: dict[str, int] = {}
    leaders = _Leaders()
    for n, item in enumerate(ordered):
        key = _key(item)
        leader = exact.get(key)
        if leader is None:
            sig = textmatch.shingles(key)
            sketch = sorted(textmatch.fingerprints(sig))[:SKETCH_SIZE]
            leader = leaders.find(sig, sketch)
            if leader is None:
                leaders.add(n, sig, sketch)
                leader = n
            exact[key] = leader
        groups.setdefault(leader, []).append(item)
    return [Filed(group[0], tuple(group[1:])) for group in groups.values()]
