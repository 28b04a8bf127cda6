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
from itertools import chain, compress

from . import textmatch
from .load import Loaded
from .model import Article

# Two articles this similar (word 3-gram Jaccard) are the same story filed twice.
# On the BBC corpus 0.9 folds a re-headlined copy or one with a sentence
# re-worded, and keeps apart updated re-versions that add or cut paragraphs.
NEAR_IDENTICAL_THRESHOLD = 0.9
# Candidates for the exact comparison share this many of the SKETCH_SIZE
# smallest shingle fingerprints. Articles at the threshold share about 58
# (each of the union's smallest is in both with chance 0.9); sharing fewer
# than 16 would take 48 of the first 64 to miss, a chance far below 1e-20.
# Unrelated articles written from a small vocabulary share up to about 10.
SKETCH_SIZE = textmatch.SKETCH_SIZE
SKETCH_SHARED = 16
# A fingerprint in more sketches than this is a stock phrase; it finds no candidates.
MAX_POSTING = 64


@dataclass(frozen=True, slots=True)
class Filed:
    loaded: Loaded
    copies: tuple[Loaded, ...] = ()


def _rank(item: Loaded) -> tuple[bool, dt.date, str]:
    date = item.article.date
    return (date is None, date or dt.date.min, item.source.rel)


def _pieces(article: Article) -> list[str]:
    """The headline and the body's texts: what the copies of a story share."""
    return [article.headline, *(text for block in article.blocks for text in (block.items or (block.text,)))]


def _text(article: Article) -> str:
    """`normalise(headline + "\\n" + body_text)`, built a piece at a time.

    A line break is whitespace and NFKC never joins across it, so this is the
    pieces normalised and joined by spaces; most pieces are normal already,
    and checking that is quicker than squeezing the whole text.
    """
    return " ".join(filter(None, map(textmatch.normalise, _pieces(article))))


def _sketch(article: Article) -> bytes:
    # The loader makes the sketch; an article made some other way gets one here.
    return article.sketch or textmatch.packed(textmatch.sketch(_pieces(article), SKETCH_SIZE))


class _Leaders:
    """The first article of each story so far, findable by near-identical text.

    Shingle sets, needed only to compare candidates, are built from an
    article's text when it is first compared. They hold UTF-8 words, which
    give the same similarities as the words themselves.
    """

    def __init__(self) -> None:
        self._articles: dict[int, Article] = {}
        self._sigs: dict[int, frozenset[bytes]] = {}
        # The leaders whose sketch holds each fingerprint; () once more than MAX_POSTING do, since
        # such a fingerprint finds no candidates from then on. Tuples of numbers cost the garbage
        # collector nothing, where a list per fingerprint made it walk them all again and again.
        self._postings: dict[int, tuple[int, ...]] = {}

    def find(self, article: Article, sketch: Sequence[int]) -> int | None:
        postings = [p for p in map(self._postings.get, sketch) if p]
        # A sketch of fewer than SKETCH_SIZE is the article's whole set, and copies share 0.9 of it.
        needed = max(1, min(SKETCH_SHARED, int(len(sketch) * NEAR_IDENTICAL_THRESHOLD)))
        if len(postings) < needed:  # no leader can hold enough of the fingerprints: most articles
            return None
        shared = Counter(chain.from_iterable(postings))
        candidates = sorted(compress(shared.keys(), map(needed.__le__, shared.values())))
        if not candidates:
            return None
        sig = _shingles(article)
        best: tuple[float, int] | None = None
        for leader in candidates:
            other = self._sig(leader)
            # Similarity is at most the ratio of the sizes, and float division rounds monotonically.
            if min(len(sig), len(other)) / max(len(sig), len(other)) < NEAR_IDENTICAL_THRESHOLD:
                continue
            score = textmatch.similarity(sig, other)
            if score >= NEAR_IDENTICAL_THRESHOLD and (best is None or score > best[0]):
                best = (score, leader)
        return best[1] if best else None

    def add(self, leader: int, article: Article, sketch: Sequence[int]) -> None:
        self._articles[leader] = article
        for fp in sketch:
            posting = self._postings.get(fp)
            if posting is None:
                self._postings[fp] = (leader,)
            elif 0 < len(posting) < MAX_POSTING:
                self._postings[fp] = (*posting, leader)
            else:
                self._postings[fp] = ()

    def _sig(self, leader: int) -> frozenset[bytes]:
        sig = self._sigs.get(leader)
        if sig is None:
            sig = self._sigs[leader] = _shingles(self._articles[leader])
        return sig


def _shingles(article: Article) -> frozenset[bytes]:
    """The article's word 3-grams, each as its UTF-8 words joined by U+001F, which is never in a word.

    Joined, a 3-gram keeps its hash, so comparing sets of them is quicker;
    the similarities are those of the 3-grams themselves.
    """
    toks = [word for piece in _pieces(article) for word in textmatch.encoded_words(piece)]
    if len(toks) < 3:
        return frozenset({b"\x1f".join(toks)})
    return frozenset(map(b"\x1f".join, zip(toks, toks[1:], toks[2:], strict=False)))


def across(items: Sequence[Loaded]) -> list[Filed]:
    ordered = sorted(items, key=_rank)
    groups: dict[int, list[Loaded]] = {}
    # Copies share a normalised text, so their words, so their sketch: texts are compared only
    # between articles with the same sketch, and most sketches are unique, so most are never built.
    by_sketch: dict[bytes, list[tuple[int, int]]] = {}
    texts: dict[int, str] = {}
    leaders = _Leaders()
    for n, item in enumerate(ordered):
        packed = _sketch(item.article)
        same = by_sketch.setdefault(packed, [])
        leader = None
        if same:
            text = texts[n] = _text(item.article)
            for m, story in same:
                if m not in texts:
                    texts[m] = _text(ordered[m].article)
                if texts[m] == text:
                    leader = story
                    break
        if leader is None:
            sketch = textmatch.unpacked(packed)
            leader = leaders.find(item.article, sketch)
            if leader is None:
                leaders.add(n, item.article, sketch)
                leader = n
        same.append((n, leader))
        groups.setdefault(leader, []).append(item)
    return [Filed(group[0], tuple(group[1:])) for group in groups.values()]
