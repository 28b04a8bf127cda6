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
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, compress, filterfalse, repeat
from operator import lt
from typing import TypeVar

_WORD = re.compile(r"\w+")
# One byte table does the work of casefold and \w+ on the ASCII part of UTF-8 text: word
# characters ([A-Za-z0-9_]) are kept, capitals lowered, the rest become spaces; bytes of
# other characters are left as they are.
_ASCII_WORD_BYTES = bytes(
    (c | 0x20 if chr(c).isupper() else c) if chr(c).isalnum() or chr(c) == "_" else 0x20 for c in range(128)
)
_ASCII_WORDS = bytes.maketrans(bytes(range(128)), _ASCII_WORD_BYTES)
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

# Words that say nothing about what an article is about: no keyword or topic is made of them alone.
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves said says say told new one two three
year years last first people time like make made many much may might must per still well back get got going
mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday week weeks day days month months
january february march april june july august september october november december
""".split()
)
_TERM = re.compile(r"[A-Za-z][A-Za-z'\u2019-]{2,}")
# Bytes that can be part of a term are kept (capitals lowered), the other ASCII ones become spaces, and
# bytes past ASCII are kept: `terms` leaves only those of U+2019 in the text it translates.
_TERM_BYTES = bytes.maketrans(
    bytes(range(256)),
    bytes(c | 0x20 if chr(c).isupper() else c if chr(c).isalpha() or chr(c) in "'-" else 0x20 for c in range(128))
    + bytes(range(128, 256)),
)
_ASCII_BYTES = bytes(range(128))
# Alphabetic runs too short to be terms, and the stopwords: ruled out together.
_NOT_TERMS = frozenset(
    [chr(a) for a in range(97, 123)] + [chr(a) + chr(b) for a in range(97, 123) for b in range(97, 123)] + [*STOPWORDS]
)


def terms(text: str) -> tuple[str, bytes]:
    """The words of `text` that can say what it is about (lower-cased, stopwords left out), with their counts:
    the words sorted and joined by spaces, and the counts as unsigned ints, in a form that is quick to store.

    A word is what `_TERM` finds in the lower-cased text. Every character of its class is kept and every
    other becomes a space, so each run between spaces holds at most one word: the run from its first
    letter, when three characters or more are left. Counting the runs and then mending the few that hold
    an apostrophe or a hyphen finds the same words quicker than the regex. A character past ASCII other
    than U+2019 becomes a space lower-cased or not, unless its lower case holds ASCII or U+2019 (as the
    Kelvin sign's does), so only ASCII capitals need lowering.
    """
    if not text.isascii():
        others = _past_ascii(text)
        others.discard("\u2019")
        if len(others) > _MAX_NON_WORD_KINDS or not all(_foreign_lower(c) for c in others):
            return _counted(Counter(_TERM.findall(text.lower())))
        for char in others:
            text = text.replace(char, " ")
    # Runs that are short or stopwords are left out before counting: no word can come of them.
    runs = Counter(filterfalse(_NOT_TERMS.__contains__, text.encode("utf-8").translate(_TERM_BYTES).decode().split()))
    words = sorted(filter(str.isalpha, runs))
    counts: dict[str, int] = runs
    if len(words) < len(runs):
        counts = dict(zip(words, map(runs.__getitem__, words), strict=True))
        for run in runs:
            if run.isalpha():
                continue
            word = run.lstrip("'\u2019-")
            if len(word) >= 3 and word not in _NOT_TERMS:
                counts[word] = counts.get(word, 0) + runs[run]
        words = sorted(counts)
    return " ".join(words), array("I", map(counts.__getitem__, words)).tobytes()


def _past_ascii(text: str) -> set[str]:
    """The characters of `text` past ASCII: deleting the ASCII bytes of its UTF-8 leaves them whole."""
    return set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))


def _foreign_lower(char: str) -> bool:
    """Whether the lower case of a character past ASCII is all past ASCII, and not U+2019."""
    lower = char.lower()
    return not any(c.isascii() or c == "\u2019" for c in lower)


def _counted(counts: dict[str, int]) -> tuple[str, bytes]:
    for word in STOPWORDS.intersection(counts):
        del counts[word]
    words = sorted(counts)
    return " ".join(words), array("I", map(counts.__getitem__, words)).tobytes()


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
    others = [c for c in _past_ascii(text) if not _WORD.match(c)]
    if len(others) > _MAX_NON_WORD_KINDS:
        return _WORD.findall(text)
    for char in others:
        text = text.replace(char, " ")
    return text.encode("utf-8").translate(_ASCII_WORDS)


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


def packed(fingerprints: Sequence[int]) -> bytes:
    """A sketch as 4 bytes a fingerprint: a tenth of the memory of a tuple of numbers."""
    return array("I", fingerprints).tobytes()


def unpacked(data: bytes) -> list[int]:
    return array("I", data).tolist()


class Split:
    """A text's words (`encoded_words`) and their word 3-grams, each as its words joined by U+001F, with the
    grams' fingerprints (CRC-32): made once for the near-duplicate check and the sketch. Fewer than three
    words make one gram, all of them. No word holds U+001F, so two grams are equal when their words are."""

    __slots__ = ("grams", "prints", "words")

    def __init__(self, words: list[bytes]) -> None:
        self.words = words
        self.grams = list(map(b"\x1f".join, zip(words, words[1:], words[2:], strict=False))) or [b"\x1f".join(words)]
        self.prints = list(map(zlib.crc32, self.grams))


def _fingerprints(toks: list[bytes], start: int, stop: int) -> Iterator[int]:
    """The fingerprints of the 3-grams of `toks` starting at `start` up to `stop`."""
    grams = zip(toks[start:stop], toks[start + 1 : stop + 1], toks[start + 2 : stop + 2], strict=False)
    return map(zlib.crc32, map(b"\x1f".join, grams))


def sketch(pieces: Sequence[str | list[bytes] | Split], size: int = SKETCH_SIZE) -> tuple[int, ...]:
    """The `size` smallest distinct 3-gram fingerprints of the pieces joined by line breaks, ascending.

    A fingerprint is the CRC-32 of the 3-gram's words in UTF-8 joined by
    U+001F: the same in every process and run. Fewer than three words make
    one "3-gram", all of them. A line break is never part of a word, so the
    words of the whole are the pieces' words in turn; a piece may come
    already split (`encoded_words`), or with its 3-grams' fingerprints made
    (`Split`), when only the 3-grams across its ends are left to make.
    """
    toks: list[bytes] = []
    prints: list[int] = []
    # The 3-grams starting before this position have their fingerprints in `prints`.
    done = 0
    join = b"\x1f".join
    for piece in pieces:
        if isinstance(piece, Split):
            if len(piece.words) >= 3:
                start = len(toks)
                toks += piece.words
                if start - done == 2:  # after another split piece: the two 3-grams across the join
                    a, b, c, d = toks[done : done + 4]
                    prints += (zlib.crc32(join((a, b, c))), zlib.crc32(join((b, c, d))))
                else:
                    prints += _fingerprints(toks, done, start)
                prints += piece.prints
                done = len(toks) - 2
                continue
            toks += piece.words
        else:
            toks += piece if isinstance(piece, list) else encoded_words(piece)
    if len(toks) < 3:
        return (zlib.crc32(b"\x1f".join(toks)),)
    prints += _fingerprints(toks, done, len(toks) - 2)
    # CRC-32 spreads values evenly, so about twice `size` of them fall below this bound; when at
    # least `size` distinct ones do, the smallest are all among them, and only those need sorting.
    bound = (2 * size << 32) // (len(toks) - 2)
    below = set(compress(prints, map(lt, prints, repeat(bound))))
    return tuple(sorted(below if len(below) >= size else set(prints))[:size])


class ShingleIndex:
    """Finds, for each new text, an earlier text it nearly repeats, without comparing every pair.

    While the index is small every earlier text is compared directly. Past
    DIRECT texts, candidates are found through their shingles instead, and
    shingles common to many texts are not used to find candidates, which
    keeps this linear on long files.

    Most texts repeat nothing, and a bound that can only rule a text out
    spares comparing them at all: a text shares with any earlier one at most
    the 3-grams it shares with all texts seen so far together, and it has at
    most as many distinct 3-grams as 3-gram positions. Those shared are
    counted by fingerprint: two 3-grams with one fingerprint can only make
    the count larger, and the bound looser. Jaccard similarity is also at
    most the ratio of the smaller set's size to the larger's; while an
    earlier text's set is unmade, its size is known to lie between the
    fingerprints it brought that were new and the number of its 3-grams.
    Float division rounds monotonically, so a bound below the threshold puts
    the computed similarity below it too: the results are those of comparing
    every candidate. Shingle sets are built only for the texts compared.
    """

    DIRECT = 48
    MAX_POSTING = 64

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._texts: list[Split] = []
        self._sets: list[frozenset[bytes] | None] = []
        # Bounds on the size of each text's set of 3-grams: its fingerprints new when it came, and its 3-grams.
        self._sizes: list[tuple[int, int]] = []
        self._keys: list[int] = []
        # The fingerprint of every 3-gram of every text offered so far, kept or not.
        self._seen: set[int] = set()
        self._postings: dict[bytes, list[int]] = {}
        self._posted = 0

    def match_or_add(self, key: int, text: Split) -> int | None:
        """The key of the most similar earlier text at or above the threshold (earliest on ties), given
        its words and 3-grams; when there is none, the text is kept under `key` for later texts."""
        new = self._see(text)
        positions = len(text.words) - 2
        # No earlier text can reach the threshold when too few of this one's 3-grams were seen before.
        if positions < 1 or (positions - new) / positions >= self.threshold:
            sig = frozenset(text.grams)
            best: tuple[float, int] | None = None
            for idx in self._candidates(sig):
                if self._sets[idx] is None:
                    # Its set unmade, the other text's size is known within bounds, which may rule it out.
                    low, high = self._sizes[idx]
                    if high / len(sig) < self.threshold or len(sig) / low < self.threshold:
                        continue
                other = self._set(idx)
                if min(len(sig), len(other)) / max(len(sig), len(other)) < self.threshold:
                    continue
                score = similarity(sig, other)
                if score >= self.threshold and (best is None or (score, -idx) > (best[0], -best[1])):
                    best = (score, idx)
            if best is not None:
                return self._keys[best[1]]
        self._texts.append(text)
        self._sets.append(None)
        self._sizes.append((max(new, 1), len(text.grams)))
        self._keys.append(key)
        return None

    def _see(self, text: Split) -> int:
        """How many of the text's 3-gram fingerprints are new, recording them as seen (none under three words)."""
        if len(text.words) < 3:
            return 0
        before = len(self._seen)
        self._seen.update(text.prints)
        return len(self._seen) - before

    def _set(self, idx: int) -> frozenset[bytes]:
        sig = self._sets[idx]
        if sig is None:
            sig = self._sets[idx] = frozenset(self._texts[idx].grams)
        return sig

    def _candidates(self, sig: frozenset[bytes]) -> Iterable[int]:
        if len(self._keys) <= self.DIRECT:
            return range(len(self._keys))
        for idx in range(self._posted, len(self._keys)):
            for s in self._set(idx):
                self._postings.setdefault(s, []).append(idx)
        self._posted = len(self._keys)
        # How many of its 3-grams each candidate shares with `sig`, counting only rare 3-grams; it can share
        # at most all the common ones besides, and a candidate whose best case is below the threshold is
        # not compared. This keeps a long file whose paragraphs share many 3-grams from comparing each
        # paragraph with thousands of others.
        postings = [p for p in map(self._postings.get, sig) if p is not None]
        rare = [p for p in postings if len(p) <= self.MAX_POSTING]
        common = len(postings) - len(rare)
        shared = Counter(chain.from_iterable(rare))
        # The similarity is at most (count + common) / len(sig), and float division rounds monotonically.
        return sorted(idx for idx, count in shared.items() if (count + common) / len(sig) >= self.threshold)


def word_count(texts: Iterable[str]) -> int:
    return sum(len(t.split()) for t in texts)
