"""Text comparison shared by the loader and the cross-article dedupe.

`normalise` decides when two lines are "the same": Unicode NFKC (so NBSP,
thin spaces and compatibility forms fold together), whitespace collapsed,
ends stripped. `shingles` and `similarity` decide when two paragraphs are
near-duplicates: the Jaccard similarity of their word 3-grams, which ignores
a changed word or two but not a different sentence.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable

_WORD = re.compile(r"\w+")

# A paragraph this similar to an earlier one is a near-duplicate. Each changed
# word alters three 3-grams, so 0.8 allows one changed word in a 30-word
# paragraph, two in a 60-word one: an edit, not a different sentence.
NEAR_DUPLICATE_THRESHOLD = 0.8
# Below this many words, 3-grams are too few to judge; only exact repeats count.
NEAR_DUPLICATE_MIN_WORDS = 12

Shingle = tuple[str, ...]


def normalise(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text).casefold())


def shingles(text: str, size: int = 3) -> frozenset[Shingle]:
    """The word n-grams of `text`, compared exactly (no hashing, so no collisions)."""
    toks = words(text)
    if len(toks) < size:
        return frozenset({tuple(toks)})
    return frozenset(zip(*(toks[i:] for i in range(size)), strict=False))


def fingerprints(sig: Iterable[Shingle]) -> set[int]:
    """Stable hashes of shingles (the same in every process and run), for sketches."""
    return set(map(zlib.crc32, map(str.encode, map("\x1f".join, sig))))


def similarity(a: frozenset[Shingle], b: frozenset[Shingle]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


class ShingleIndex:
    """Finds, for a new text, an earlier text it nearly repeats, without comparing every pair.

    While the index is small every earlier text is compared directly. Past
    DIRECT texts, candidates are found through their shingles instead, and
    shingles common to many texts are not used to find candidates, which
    keeps this linear on long files.
    """

    DIRECT = 48
    MAX_POSTING = 64

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._postings: dict[Shingle, list[int]] | None = None
        self._sets: list[frozenset[Shingle]] = []
        self._keys: list[int] = []

    def find(self, sig: frozenset[Shingle]) -> int | None:
        """The key of the most similar earlier text at or above the threshold, if any (earliest on ties)."""
        best: tuple[float, int] | None = None
        for idx in self._candidates(sig):
            score = similarity(sig, self._sets[idx])
            if score >= self.threshold and (best is None or (score, -idx) > (best[0], -best[1])):
                best = (score, idx)
        return self._keys[best[1]] if best else None

    def add(self, key: int, sig: frozenset[Shingle]) -> None:
        idx = len(self._sets)
        self._sets.append(sig)
        self._keys.append(key)
        if self._postings is not None:
            self._post(idx, sig)
        elif idx + 1 > self.DIRECT:
            self._postings = {}
            for n, earlier in enumerate(self._sets):
                self._post(n, earlier)

    def _post(self, idx: int, sig: frozenset[Shingle]) -> None:
        assert self._postings is not None
        for s in sig:
            self._postings.setdefault(s, []).append(idx)

    def _candidates(self, sig: frozenset[Shingle]) -> Iterable[int]:
        if self._postings is None:
            return range(len(self._sets))
        found: set[int] = set()
        for s in sig:
            posting = self._postings.get(s)
            if posting is not None and len(posting) <= self.MAX_POSTING:
                found.update(posting)
        return sorted(found)


def word_count(texts: Iterable[str]) -> int:
    return sum(len(t.split()) for t in texts)
