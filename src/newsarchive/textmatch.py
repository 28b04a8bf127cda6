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
_SPACE = re.compile(r"\s+")

# A paragraph this similar to an earlier one is a near-duplicate. 0.8 means
# roughly: in a 40-word paragraph, up to two words changed or moved.
NEAR_DUPLICATE_THRESHOLD = 0.8
# Below this many words, 3-grams are too few to judge; only exact repeats count.
NEAR_DUPLICATE_MIN_WORDS = 12


def normalise(text: str) -> str:
    if text.isascii():
        return _SPACE.sub(" ", text).strip()
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text).casefold())


def shingles(text: str, size: int = 3) -> frozenset[int]:
    """Stable hashes of the word n-grams of `text` (the same in every process and run)."""
    toks = words(text)
    if len(toks) < size:
        return frozenset({zlib.crc32(" ".join(toks).encode())})
    return frozenset(zlib.crc32(" ".join(toks[i : i + size]).encode()) for i in range(len(toks) - size + 1))


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


class ShingleIndex:
    """Finds, for a new text, an earlier text it nearly repeats, without comparing every pair.

    Texts are indexed by their shingles; a candidate must share at least one
    shingle, and shingles common to many texts are not used to find candidates,
    which keeps this linear on long files.
    """

    MAX_POSTING = 64

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._postings: dict[int, list[int]] = {}
        self._sets: list[frozenset[int]] = []
        self._keys: list[int] = []

    def find(self, sig: frozenset[int]) -> int | None:
        """The key of the most similar earlier text at or above the threshold, if any."""
        counts: dict[int, int] = {}
        for s in sig:
            posting = self._postings.get(s)
            if posting is not None and len(posting) <= self.MAX_POSTING:
                for idx in posting:
                    counts[idx] = counts.get(idx, 0) + 1
        best: tuple[float, int] | None = None
        for idx, shared in counts.items():
            other = self._sets[idx]
            score = shared / (len(sig) + len(other) - shared)
            if score >= self.threshold and (best is None or (score, -idx) > (best[0], -best[1])):
                best = (score, idx)
        return self._keys[best[1]] if best else None

    def add(self, key: int, sig: frozenset[int]) -> None:
        idx = len(self._sets)
        self._sets.append(sig)
        self._keys.append(key)
        for s in sig:
            self._postings.setdefault(s, []).append(idx)


def word_count(texts: Iterable[str]) -> int:
    return sum(len(t.split()) for t in texts)
