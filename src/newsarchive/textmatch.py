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
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import NamedTuple, TypeVar

_WORD = re.compile(r"\w+")
# One byte table does the work of casefold and \w+ on the ASCII part of UTF-8 text: word
# characters ([A-Za-z0-9_]) are kept, capitals lowered, the rest become spaces; bytes of
# other characters are left as they are.
_ASCII_WORD_BYTES = bytes(
    (c | 0x20 if chr(c).isupper() else c) if chr(c).isalnum() or chr(c) == "_" else 0x20 for c in range(128)
)
_ASCII_WORDS = bytes.maketrans(bytes(range(128)), _ASCII_WORD_BYTES)
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# Text with more kinds of non-ASCII punctuation than this is left to the regex.
_MAX_NON_WORD_KINDS = 16

# A paragraph this similar to an earlier one is a near-duplicate. Each changed
# word alters three 3-grams, so 0.8 allows one changed word in a 30-word
# paragraph, two in a 60-word one: an edit, not a different sentence.
NEAR_DUPLICATE_THRESHOLD = 0.8
# Below this many words, 3-grams are too few to judge; only exact repeats count.
NEAR_DUPLICATE_MIN_WORDS = 12
# How many fingerprints an article's sketch keeps (see `sketch` and dedupe.py).
SKETCH_SIZE = 64

Shingle = tuple[str, ...]
T = TypeVar("T")


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
    """The casefolded words (\\w+) of `normalise(text)`."""
    spaced = _spaced_words(text)
    return spaced.decode("utf-8").split() if isinstance(spaced, bytes) else spaced


def encoded_words(text: str) -> list[bytes]:
    """`words(text)`, each encoded as UTF-8."""
    spaced = _spaced_words(text)
    return spaced.split() if isinstance(spaced, bytes) else [w.encode("utf-8") for w in spaced]


def _spaced_words(text: str) -> bytes | list[str]:
    """The words of `text` as UTF-8 with only spaces between them, or, when that is not quicker, as a list.

    Whitespace is never part of a word, so the whitespace folding of
    `normalise` cannot change the words and is skipped. Whether a character
    is part of a word does not depend on its neighbours, so blanking every
    character that is not and splitting on the blanks finds the words \\w+ finds.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS)
    text = unicodedata.normalize("NFKC", text).casefold()
    others = [c for c in set(_NOT_ASCII.findall(text)) if not _WORD.match(c)]
    if len(others) > _MAX_NON_WORD_KINDS:
        return _WORD.findall(text)
    for char in others:
        text = text.replace(char, " ")
    return text.encode("utf-8").translate(_ASCII_WORDS)


def has_words(text: str, count: int) -> bool:
    """Whether `text` has at least `count` whitespace-separated words, without splitting all of it."""
    return len(text.split(maxsplit=count - 1)) >= count


def shingles(text: str, size: int = 3) -> frozenset[Shingle]:
    """The word n-grams of `text`, compared exactly (no hashing, so no collisions)."""
    return shingles_of(words(text), size)


def shingles_of(toks: Sequence[T], size: int = 3) -> frozenset[tuple[T, ...]]:
    """The n-grams of a list of words, as `shingles` makes them."""
    if len(toks) < size:
        return frozenset({tuple(toks)})
    return frozenset(zip(*(toks[i:] for i in range(size)), strict=False))


def similarity(a: frozenset[T], b: frozenset[T]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


class Grams(NamedTuple):
    """A text's words in UTF-8 (`encoded_words`) and the fingerprint of each of its 3-grams, in order.

    A fingerprint is the CRC-32 of the 3-gram's words joined by U+001F: the
    same in every process and run. Fewer than three words make one "3-gram",
    all of them.
    """

    words: list[bytes]
    fingerprints: list[int]

    @classmethod
    def of(cls, text: str) -> Grams:
        toks = encoded_words(text)
        return cls(toks, _fingerprints(toks))


def _fingerprints(toks: list[bytes]) -> list[int]:
    if len(toks) < 3:
        return [zlib.crc32(b"\x1f".join(toks))]
    return list(map(zlib.crc32, map(b"\x1f".join, zip(toks, toks[1:], toks[2:], strict=False))))


def sketch(pieces: Sequence[str | Grams], size: int = SKETCH_SIZE) -> tuple[int, ...]:
    """The `size` smallest distinct 3-gram fingerprints of the pieces joined by line breaks, ascending.

    A line break is never part of a word, so the words of the whole are the
    pieces' words in turn. Pieces given as Grams lend their fingerprints:
    only the 3-grams that start in the words before them and run into them
    are new.
    """
    words = [piece.words if isinstance(piece, Grams) else encoded_words(piece) for piece in pieces]
    total = sum(map(len, words))
    if total < 3:
        return (zlib.crc32(b"\x1f".join(chain.from_iterable(words))),)
    lent: list[list[int]] = []
    grams: list[tuple[bytes, ...]] = []
    tail: list[bytes] = []  # the last two words so far, whose 3-grams are still open
    for piece, toks in zip(pieces, words, strict=True):
        if isinstance(piece, Grams) and len(toks) >= 3:
            lent.append(piece.fingerprints)
            run = tail + toks[:2]
            tail = toks[-2:]
        else:
            run = tail + toks
            tail = run[-2:]
        grams.extend(zip(run, run[1:], run[2:], strict=False))

    def fingerprints() -> Iterator[int]:
        return chain(chain.from_iterable(lent), map(zlib.crc32, map(b"\x1f".join, grams)))

    # CRC-32 spreads values evenly, so about twice `size` of them fall below this bound; when at
    # least `size` distinct ones do, the smallest are all among them, and only those need sorting.
    bound = (2 * size << 32) // (total - 2)
    below = set(filter(bound.__gt__, fingerprints()))
    return tuple(sorted(below if len(below) >= size else set(fingerprints()))[:size])


class ShingleIndex:
    """Finds, for each new text, an earlier text it nearly repeats, without comparing every pair.

    While the index is small every earlier text is compared directly. Past
    DIRECT texts, candidates are found through their shingles instead, and
    shingles common to many texts are not used to find candidates, which
    keeps this linear on long files.

    Most texts repeat nothing, and a bound that can only rule a text out
    spares comparing them at all: a text shares with any earlier one at most
    the 3-grams it shares with all texts seen so far together; it has at
    least as many new 3-grams as new fingerprints, and at most as many
    distinct 3-grams as 3-gram positions. Jaccard similarity is also at most
    the ratio of the smaller set's size to the larger's. Float division rounds
    monotonically, so a bound below the threshold puts the computed
    similarity below it too: the results are those of comparing every
    candidate. Shingle sets are built only for the texts compared.
    """

    DIRECT = 48
    MAX_POSTING = 64

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._words: list[list[bytes]] = []
        self._sets: list[frozenset[tuple[bytes, ...]] | None] = []
        self._keys: list[int] = []
        # The fingerprint of every 3-gram of every text offered so far, kept or not.
        self._seen: set[int] = set()
        self._postings: dict[tuple[bytes, ...], list[int]] = {}
        self._posted = 0

    def match_or_add(self, key: int, grams: Grams) -> int | None:
        """The key of the most similar earlier text at or above the threshold (earliest on ties);
        when there is none, the text is kept under `key` for later texts to repeat."""
        if self._may_repeat(grams):
            sig = shingles_of(grams.words)
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
        self._words.append(grams.words)
        self._sets.append(None)
        self._keys.append(key)
        return None

    def _may_repeat(self, grams: Grams) -> bool:
        """False when no earlier text can reach the threshold; records the text's fingerprints as seen."""
        positions = len(grams.words) - 2
        if positions < 1:
            return True
        before = len(self._seen)
        self._seen.update(grams.fingerprints)
        new = len(self._seen) - before
        return (positions - new) / positions >= self.threshold

    def _set(self, idx: int) -> frozenset[tuple[bytes, ...]]:
        sig = self._sets[idx]
        if sig is None:
            sig = self._sets[idx] = shingles_of(self._words[idx])
        return sig

    def _candidates(self, sig: frozenset[tuple[bytes, ...]]) -> Iterable[int]:
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
