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
# For ASCII text one byte table does the work of casefold and \w+: word characters
# ([A-Za-z0-9_]) are kept, capitals lowered, everything else becomes a space.
_ASCII_WORD_BYTES = bytes(
    (c | 0x20 if chr(c).isupper() else c) if chr(c).isalnum() or chr(c) == "_" else 0x20 for c in range(128)
)
_ASCII_WORDS = bytes.maketrans(bytes(range(128)), _ASCII_WORD_BYTES)

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
    return squeeze(text)


def squeeze(text: str) -> str:
    """`text` with its whitespace collapsed to single spaces and its ends stripped."""
    # Every whitespace character but the space is unprintable, so text that passes
    # this check is already squeezed; most lines are, and checking is cheaper.
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The casefolded words of `normalise(text)`.

    Whitespace is never part of a word, so the whitespace folding of
    `normalise` cannot change the words and is skipped.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def has_words(text: str, count: int) -> bool:
    """Whether `text` has at least `count` whitespace-separated words, without splitting all of it."""
    return len(text.split(maxsplit=count - 1)) >= count


def shingles(text: str, size: int = 3) -> frozenset[Shingle]:
    """The word n-grams of `text`, compared exactly (no hashing, so no collisions)."""
    return shingles_of(words(text), size)


def shingles_of(toks: list[str], size: int = 3) -> frozenset[Shingle]:
    """The n-grams of a list of words, as `shingles` makes them."""
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
    """Finds, for each new text, an earlier text it nearly repeats, without comparing every pair.

    While the index is small every earlier text is compared directly. Past
    DIRECT texts, candidates are found through their shingles instead, and
    shingles common to many texts are not used to find candidates, which
    keeps this linear on long files.

    Most texts repeat nothing, and a bound that can only rule a text out
    spares comparing them at all: a text shares with any earlier one at most
    the 3-grams it shares with all texts seen so far together, and it has at
    most as many distinct 3-grams as 3-gram positions. Jaccard similarity is
    also at most the ratio of the smaller set's size to the larger's. Float
    division rounds monotonically, so a bound below the threshold puts the
    computed similarity below it too: the results are those of comparing
    every candidate. Shingle sets are built only for the texts compared.
    """

    DIRECT = 48
    MAX_POSTING = 64
    SIZE = 3

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._words: list[list[str]] = []
        self._sets: list[frozenset[Shingle] | None] = []
        self._keys: list[int] = []
        # Every 3-gram of every text offered so far, kept or not: a superset of the kept texts' 3-grams.
        self._seen: set[Shingle] = set()
        self._postings: dict[Shingle, list[int]] = {}
        self._posted = 0

    def match_or_add(self, key: int, toks: list[str]) -> int | None:
        """The key of the most similar earlier text at or above the threshold (earliest on ties);
        when there is none, the text is kept under `key` for later texts to repeat."""
        if self._may_repeat(toks):
            sig = shingles_of(toks, self.SIZE)
            best: tuple[float, int] | None = None
            for idx in self._candidates(sig):
                other = self._set(idx)
                if sig and other and min(len(sig), len(other)) / max(len(sig), len(other)) < self.threshold:
                    continue
                score = similarity(sig, other)
                if score >= self.threshold and (best is None or (score, -idx) > (best[0], -best[1])):
                    best = (score, idx)
            if best is not None:
                return self._keys[best[1]]
        self._words.append(toks)
        self._sets.append(None)
        self._keys.append(key)
        return None

    def _may_repeat(self, toks: list[str]) -> bool:
        """False when no earlier text can reach the threshold; records the text's 3-grams as seen."""
        positions = len(toks) - self.SIZE + 1
        if positions < 1:
            return True
        before = len(self._seen)
        self._seen.update(zip(*(toks[i:] for i in range(self.SIZE)), strict=False))
        new = len(self._seen) - before
        return (positions - new) / positions >= self.threshold

    def _set(self, idx: int) -> frozenset[Shingle]:
        sig = self._sets[idx]
        if sig is None:
            sig = self._sets[idx] = shingles_of(self._words[idx], self.SIZE)
        return sig

    def _candidates(self, sig: frozenset[Shingle]) -> Iterable[int]:
        if len(self._keys) <= self.DIRECT:
            return range(len(self._keys))
        for idx in range(self._posted, len(self._keys)):
            for s in self._set(idx):
                self._postings.setdefault(s, []).append(idx)
        self._posted = len(self._keys)
        found: set[int] = set()
        for s in sig:
            posting = self._postings.get(s)
            if posting is not None and len(posting) <= self.MAX_POSTING:
                found.update(posting)
        return sorted(found)


def word_count(texts: Iterable[str]) -> int:
    return sum(len(t.split()) for t in texts)
