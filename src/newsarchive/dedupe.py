"""Repeats across articles: the same story filed more than once.

Takes the loaded articles and returns one `Filed` per story: the canonical
copy plus the sources of the others ("also filed as"). Byte-identical and
whitespace-identical copies share a normalised text; near-identical ones share
at least NEAR_IDENTICAL_THRESHOLD of their word 3-grams (headline and body,
Jaccard, computed exactly; a bottom-k sketch only picks which pairs to
compare). The canonical copy is chosen by content, never by input order:
dated before undated, earliest date, then the first source path.

Articles are taken in that order, and each joins the story of an earlier one
with the same text, else of the most similar earlier canonical copy among
its candidates, else starts a story. Two articles are candidates when their
sketches share enough fingerprints that are not stock phrases, and a stock
phrase is a fingerprint in more than MAX_POSTING of the distinct sketches of
the whole input. So whether two articles are candidates depends on the two
of them and on those counts alone, never on the order they come in, which
lets the next build (`Memory`) work out again only the pairs of what changed.
(Counting the whole input rather than the stories met so far means a story
filed in more than MAX_POSTING different versions is folded only where its
versions share rarer fingerprints; identical copies count once.)
"""

from __future__ import annotations

import operator
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, count, repeat
from typing import TypeVar, cast

from . import textmatch
from .load import Loaded
from .model import Article

V = TypeVar("V")

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
# A fingerprint in more distinct sketches than this is a stock phrase; it finds no candidates.
MAX_POSTING = 64

Links = dict[bytes, tuple[bytes, ...]]


@dataclass(frozen=True, slots=True)
class Filed:
    loaded: Loaded
    copies: tuple[Loaded, ...] = ()


_REL = operator.attrgetter("source.rel")
_DATE = operator.attrgetter("article.date")
_SKETCH = operator.attrgetter("article.sketch")
_DIGEST = operator.attrgetter("digest")


def _ranked(items: Iterable[Loaded]) -> list[Loaded]:
    """Dated before undated, earliest date, then the first source path. Sorted by path, then by date (sorting
    is stable), each sort by a key read in one go: ten thousand articles are ranked on every build."""
    by_path = sorted(items, key=_REL)
    dates = list(map(_DATE, by_path))
    dated = list(compress(by_path, dates))
    dated.sort(key=_DATE)
    return dated + list(compress(by_path, map(operator.not_, dates)))


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


def _shingles(article: Article) -> frozenset[bytes]:
    """The article's word 3-grams, each as its UTF-8 words joined by U+001F, which is never in a word.

    Joined, a 3-gram keeps its hash, so comparing sets of them is quicker;
    the similarities are those of the 3-grams themselves.
    """
    toks = [word for piece in _pieces(article) for word in textmatch.encoded_words(piece)]
    if len(toks) < 3:
        return frozenset({b"\x1f".join(toks)})
    return frozenset(map(b"\x1f".join, zip(toks, toks[1:], toks[2:], strict=False)))


@dataclass(frozen=True, slots=True)
class Memory:
    """What `across` worked out, so that the next call works out only what changed.

    Candidate pairs depend only on the two sketches and on which fingerprints are stock phrases, so they are
    kept by sketch: `links` holds every distinct sketch with those it is a candidate of, and `stock` how many
    sketches hold each stock phrase. When sketches come and go, only the counts of their fingerprints move;
    the pairs worked out again are those of the new sketches and of the sketches holding a fingerprint that
    became, or stopped being, a stock phrase. Exact comparisons depend only on the two articles, so they are
    kept by the articles' ids (the source path and the file's hash, as enrich names them): `scores` for the
    similarities, `same` for whether two articles with one sketch have the same text. An article's sketch
    depends on its content alone, so it is kept by the article's id too (`ids`, `sketches`): an article known
    by its id is not asked for its sketch, which a cached article keeps in the cache file until read.
    """

    links: Links = field(default_factory=dict)
    stock: dict[int, int] = field(default_factory=dict)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    same: dict[tuple[str, str], bool] = field(default_factory=dict)
    ids: tuple[str, ...] = ()
    sketches: tuple[bytes, ...] = ()


def across(items: Sequence[Loaded]) -> list[Filed]:
    return across_with_memory(items)[0]


def across_with_memory(items: Sequence[Loaded], memory: Memory | None = None) -> tuple[list[Filed], Memory]:
    """The stories, and what to remember; `memory` is what the last call returned, if anything.

    The stories are the same with any memory or none."""
    ordered = _ranked(items)
    ids = _ids(ordered)
    usable = memory is not None and _usable(memory)
    known: dict[str, bytes] = dict(zip(memory.ids, memory.sketches, strict=True)) if memory and usable else {}
    known.pop("", None)
    sketches: list[bytes | None] = list(map(known.get, ids))
    for i in compress(range(len(sketches)), map(operator.not_, sketches)):
        sketches[i] = _SKETCH(ordered[i]) or _sketch(ordered[i].article)
    have = cast(list[bytes], sketches)
    nodes = dict.fromkeys(have)
    found = _update(nodes, memory) if memory is not None and usable else None
    links, stock = found or _links(list(nodes))
    stories, scores, same = _assign(ordered, ids, have, links, memory or Memory())
    return stories, Memory(links, stock, scores, same, tuple(ids), tuple(have))


def _ids(ordered: list[Loaded]) -> list[str]:
    """Each article's id: its source path and its file's hash; "" for one made without a hash."""
    digests = list(map(_DIGEST, ordered))
    ids = list(map("{}\0{}".format, map(_REL, ordered), digests))
    for i in compress(range(len(ids)), map(operator.not_, digests)):
        ids[i] = ""
    return ids


def _fingerprints(sketch: bytes) -> array[int]:
    return array("I", sketch)


def _needed(sketch: bytes) -> int:
    """How many fingerprints a candidate shares with this sketch at least.

    A sketch of fewer than SKETCH_SIZE is the article's whole set, and copies share 0.9 of it; a pair needs
    the larger of its two numbers, which copies reach either way."""
    return max(1, min(SKETCH_SHARED, int(len(sketch) // 4 * NEAR_IDENTICAL_THRESHOLD)))


def _links(nodes: list[bytes]) -> tuple[Links, dict[int, int]]:
    """Each distinct sketch's candidates, and the counts of the stock phrases, worked out from scratch."""
    prints = [_fingerprints(node) for node in nodes]
    counts = Counter(chain.from_iterable(prints))
    stock = {fp: n for fp, n in counts.items() if n > MAX_POSTING}
    # Only a fingerprint in two sketches or more can make them candidates.
    linking = {fp for fp, n in counts.items() if 1 < n <= MAX_POSTING}
    needed = list(map(_needed, nodes))
    found: list[list[int]] = [[] for _ in nodes]
    # The earlier sketches holding each linking fingerprint: each pair is counted once, from its later sketch.
    postings: dict[int, list[int]] = {}
    for x, held in enumerate(prints):
        shared = linking.intersection(held)
        if len(shared) < needed[x]:  # no sketch can share enough with it: most sketches
            continue
        earlier = [p for p in map(postings.get, shared) if p]
        if len(earlier) >= needed[x]:
            for y, n in Counter(chain.from_iterable(earlier)).items():
                if n >= needed[x] and n >= needed[y]:
                    found[x].append(y)
                    found[y].append(x)
        for fp in shared:
            postings.setdefault(fp, []).append(x)
    return {node: tuple(nodes[y] for y in ys) for node, ys in zip(nodes, found, strict=True)}, stock


def _usable(memory: Memory) -> bool:
    return all(isinstance(f, dict) for f in (memory.links, memory.stock, memory.scores, memory.same)) and (
        isinstance(memory.ids, tuple)
        and isinstance(memory.sketches, tuple)
        and len(memory.ids) == len(memory.sketches)
        and all(map(isinstance, memory.sketches, repeat(bytes)))
    )


def _update(nodes: dict[bytes, None], memory: Memory) -> tuple[Links, dict[int, int]] | None:
    """`_links(nodes)`, worked out from the last call's; None when the memory does not add up."""
    before = memory.links
    added = list(compress(nodes, map(operator.not_, map(before.__contains__, nodes))))
    removed = list(compress(before, map(operator.not_, map(nodes.__contains__, before))))
    if not added and not removed:
        return before, memory.stock
    change: Counter[int] = Counter()
    for node in added:
        change.update(_fingerprints(node))
    for node in removed:
        change.subtract(_fingerprints(node))
    stock = dict(memory.stock)
    # Stock phrases that stay stock phrases need nothing more; the holders of every other fingerprint of a
    # changed sketch are looked up, which also counts them.
    holders = _holders(nodes, {fp for fp, n in change.items() if fp not in stock or stock[fp] + n <= MAX_POSTING})
    flipped: list[int] = []
    for fp, n in change.items():
        was = stock.get(fp)
        now = len(holders[fp]) if was is None else was + n
        if was is None:
            was = now - n
            if not 0 <= was <= MAX_POSTING:
                return None
        if now > MAX_POSTING:
            stock[fp] = now
        else:
            stock.pop(fp, None)
        if (was > MAX_POSTING) != (now > MAX_POSTING):
            flipped.append(fp)
    # A pair's candidacy changes only when one of its sketches is new or a fingerprint they share flipped.
    dirty = set(added).union(*(holders[fp] for fp in flipped))
    missing = {fp for node in dirty for fp in _fingerprints(node) if fp not in stock and fp not in holders}
    if missing:
        holders.update(_holders(nodes, missing))
    found = {node: _linked(node, holders, stock) for node in dirty}
    gone = dirty.union(removed)
    # The pairs are kept but those of a sketch gone or worked out again; as pairs go both ways, the sketches that
    # lose one are those the gone and the worked out were paired with.
    links: Links = dict(before)
    for node in removed:
        del links[node]
    for node in gone:
        for other in before.get(node, ()):
            if other not in gone:
                links[other] = tuple(o for o in links[other] if o not in gone)
    links.update(found)
    for node, others in found.items():
        for other in others:
            if other not in dirty:
                links[other] += (node,)
    return links, stock


def _holders(nodes: Iterable[bytes], wanted: set[int]) -> dict[int, list[bytes]]:
    """The sketches holding each of the wanted fingerprints."""
    found: dict[int, list[bytes]] = {fp: [] for fp in wanted}
    if wanted:
        for node in nodes:
            held = _fingerprints(node)
            if not wanted.isdisjoint(held):
                for fp in wanted.intersection(held):
                    found[fp].append(node)
    return found


def _linked(node: bytes, holders: dict[int, list[bytes]], stock: dict[int, int]) -> tuple[bytes, ...]:
    """The candidates of one sketch, given the holders of each of its fingerprints that is not stock."""
    rare = [fp for fp in _fingerprints(node) if fp not in stock]
    needed = _needed(node)
    if len(rare) < needed:
        return ()
    shared = Counter(chain.from_iterable(holders[fp] for fp in rare))
    return tuple(other for other, n in shared.items() if n >= needed and n >= _needed(other) and other != node)


def _assign(
    ordered: list[Loaded], ids: list[str], sketches: list[bytes], links: Links, memory: Memory
) -> tuple[list[Filed], dict[tuple[str, str], float], dict[tuple[str, str], bool]]:
    """Each article, in order, to the story of an earlier one with the same text, else of the most similar
    earlier canonical copy among its candidates (the first on ties), else a story of its own.

    Returns the stories and the exact comparisons made, each looked up in `memory` before it is made."""
    scores: dict[tuple[str, str], float] = {}
    same: dict[tuple[str, str], bool] = {}
    texts: dict[int, str] = {}
    sigs: dict[int, frozenset[bytes]] = {}

    def key(m: int, n: int) -> tuple[str, str] | None:
        a, b = ids[m], ids[n]
        if not (a and b):  # an article made without a hash is not known by one
            return None
        return (a, b) if a <= b else (b, a)

    def remembered(
        made: dict[tuple[str, str], V], kept: dict[tuple[str, str], V], m: int, n: int, work: Callable[[int, int], V]
    ) -> V:
        """What `work` gives for the pair, looked up first in this call's results, then in the memory's."""
        k = key(m, n)
        if k is not None and (known := made.get(k, kept.get(k))) is not None:
            made[k] = known
            return known
        result = work(m, n)
        if k is not None:
            made[k] = result
        return result

    def text(i: int) -> str:
        if i not in texts:
            texts[i] = _text(ordered[i].article)
        return texts[i]

    def shingles(i: int) -> frozenset[bytes]:
        if i not in sigs:
            sigs[i] = _shingles(ordered[i].article)
        return sigs[i]

    def similarity(m: int, n: int) -> float:
        a, b = shingles(m), shingles(n)
        # Similarity is at most the ratio of the sizes, and float division rounds monotonically.
        small, large = sorted((len(a), len(b)))
        return 0.0 if small / large < NEAR_IDENTICAL_THRESHOLD else textmatch.similarity(a, b)

    def same_text(m: int, n: int) -> bool:
        return remembered(same, memory.same, m, n, lambda m, n: text(m) == text(n))

    def score(m: int, n: int) -> float:
        return remembered(scores, memory.scores, m, n, similarity)

    story = list(range(len(ordered)))  # the first article of each one's story
    copies: dict[int, list[Loaded]] = {}
    # Copies share a normalised text, so their words, so their sketch: texts are compared only between
    # articles with the same sketch, and most sketches are unique, so most texts are never built.
    shared = {sketch for sketch, n in Counter(sketches).items() if n > 1} if len(links) < len(sketches) else set()
    by_sketch: dict[bytes, list[int]] = {}
    leaders: dict[bytes, list[int]] = {}
    # Only an article with a candidate or a sketch it shares can be a copy, or have one: few articles.
    linking = list(map(links.__getitem__, sketches))
    involved = set(compress(range(len(sketches)), linking))
    if shared:
        involved.update(compress(range(len(sketches)), map(shared.__contains__, sketches)))
    for n in sorted(involved):
        sketch, linked = sketches[n], linking[n]
        if sketch in shared:
            earlier = by_sketch.setdefault(sketch, [])
            found = next((story[m] for m in earlier if same_text(m, n)), None)
            earlier.append(n)
            if found is not None:
                story[n] = found
                copies.setdefault(found, []).append(ordered[n])
                continue
        best: tuple[float, int] | None = None
        for leader in sorted(chain(leaders.get(sketch, ()), *(leaders.get(other, ()) for other in linked))):
            similar = score(leader, n)
            if similar >= NEAR_IDENTICAL_THRESHOLD and (best is None or similar > best[0]):
                best = (similar, leader)
        if best is None:
            leaders.setdefault(sketch, []).append(n)
        else:
            story[n] = best[1]
            copies.setdefault(best[1], []).append(ordered[n])
    filed = list(map(Filed, ordered))  # most articles are a story of their own, with no copies
    for n, more in copies.items():
        filed[n] = Filed(ordered[n], tuple(more))
    return list(compress(filed, map(operator.eq, story, count()))), scores, same
