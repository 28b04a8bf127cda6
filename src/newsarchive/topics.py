"""Topics and related articles, found in the text.

Takes articles and returns, for each, its topics and the articles most like
it. Both are deterministic and cost about linear time in the archive size.

Topics: an article's own tags when it has any. Otherwise the names it
mentions (people, places, organisations): runs of capitalised words inside a
sentence, such as "Sergey Lavrov" or "Islamic State", that at least one other
article mentions too. The three that score highest by tf-idf become its
topics, so a name shared by most of the archive ("BBC") never does.

Related articles: each article is reduced to its dozen most distinctive words
(tf-idf), and two articles are scored by the weights of the words they share,
plus a bonus per shared topic. Only the strongest holders of each word are
looked at, which keeps the search linear.

A build remembers what it worked out (`Memory`), and the next one works out
again only what its changes reach: the names and words of the articles that
are new or gone, the topics and keyword vectors that a name or word whose
count changed can change, and the related lists that read a changed vector,
posting or topic. After one article is edited that is little more than the
article; the result is always what working everything out would give.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import accumulate, compress, repeat
from typing import TypeVar, cast

from . import parallel, textmatch
from .cache import Shelf
from .model import Article
from .textmatch import STOPWORDS

DERIVED_TOPICS = 3
RELATED = 5
KEYWORDS = 12
POSTING_LIMIT = 40
TOPIC_BONUS = 0.5
# A safety margin on the bound that tells a vector no changed word can enter it: a word is looked at again
# unless it falls short of the vector's weakest keyword by more than rounding could explain.
_MARGIN = 1 + 1e-9
# Up to a total / _ONE_BY_ONE articles are looked in one by one for a word; more, all articles' words at once.
_ONE_BY_ONE = 8

_SENTENCE = re.compile(r"(?<=[.!?\"\u201d])\s+")
_CAP_RUN = re.compile(
    r"(?<![\w'\u2019-])([A-Z][a-z][\w'\u2019-]*|[A-Z]{2,}[a-z]?)"
    r"((?:\s+(?:of\s+|de\s+|al-|bin\s+|van\s+|von\s+)?(?:[A-Z][a-z][\w'\u2019-]*|[A-Z]{2,}))*)"
)
_POSSESSIVE = ("'s", "\u2019s")
# The weight of a word said n times: 1 + log(n), grown as longer articles need it.
_WEIGHT = [0.0]


def _names(article: Article) -> Counter[str]:
    """Capitalised phrases in the body, leaving out a lone capitalised word that opens a sentence."""
    found: Counter[str] = Counter()
    for block in article.blocks:
        if block.kind == "subheading":
            continue
        for text in block.items or (block.text,):
            # A run never reaches into the next sentence (a sentence ends in a character no word holds), so the
            # whole text is searched at once, knowing where each sentence starts.
            starts = {0, *(m.end() for m in _SENTENCE.finditer(text))}
            for match in _CAP_RUN.finditer(text):
                phrase = match.group(0)
                opens = match.start() in starts
                if match.group(2):  # more than one word
                    phrase = " ".join(phrase.split())
                    if phrase.endswith(_POSSESSIVE):
                        phrase = phrase[:-2]
                    words = phrase.split()
                    if opens and len(words) == 1:
                        continue
                    if all(w.lower() in STOPWORDS for w in words) or len(phrase) < 3:
                        continue
                else:  # the most common case, made quick: a word has no space in it, nor loses one
                    if opens:
                        continue
                    if phrase.endswith(_POSSESSIVE):
                        phrase = phrase[:-2]
                    if phrase.lower() in STOPWORDS or len(phrase) < 3:
                        continue
                found[phrase] += 1
    return found


@dataclass(frozen=True, slots=True)
class Memory:
    """What `find` worked out last time, so that the next call works out only what changed.

    Articles are known by an id that changes with their content (enrich gives the source path and hash); the
    rest is by the article's place in the site. Names and words are kept as they were found, so that the
    counts of those in the articles that are gone can be taken away; topics, keyword vectors, the holders of
    each keyword, each topic's members and the related lists as they were worked out. Lists of numbers are
    packed into arrays' bytes, so that the memory, read on every build, loads quickly. Each article's words
    are needed only once it is gone, and are as the article's own while it is here: they are kept by id on a
    shelf (cache.Shelf), which reads and writes only the files of the articles that changed.
    """

    ids: tuple[str, ...] = ()
    # Each untagged article's names, joined by newlines, and their counts (array "I"); "" and b"" when tagged.
    names: tuple[str, ...] = ()
    name_counts: tuple[bytes, ...] = ()
    name_df: dict[str, int] = field(default_factory=dict)  # how many untagged articles name each
    topics: tuple[tuple[str, ...], ...] = ()
    df: dict[str, int] = field(default_factory=dict)  # how many articles hold each word
    # Each keyword vector: its words, strongest first, joined by spaces; their weights in KEYWORDS slots of
    # `weights`; and in two slots of `bounds`, the weakest keyword's score (0 with fewer than KEYWORDS) and the
    # weight of the article's most repeated word. Arrays of "d".
    keywords: tuple[str, ...] = ()
    weights: bytes = b""
    bounds: bytes = b""
    holders: dict[str, bytes] = field(default_factory=dict)  # keyword: its holders, sorted (_pack)
    groups: dict[str, bytes] = field(default_factory=dict)  # casefolded topic: the places holding it ("I")
    related: tuple[tuple[int, ...], ...] = ()
    kept: int = field(default=0, compare=False)  # how many of `related` were kept from the memory before
    words: Shelf = field(default_factory=Shelf, compare=False)  # each article's words (Article.terms[0]), by id

    def __reduce__(self) -> tuple[Callable[..., Memory], tuple[object, ...]]:
        # Most articles share their topics with many others: each set of topics is saved once, with a number for
        # each article, which is quicker to save and to load than ten thousand tuples of strings.
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("topics", "words")}
        return _unpickle_memory, (values, *pack_rows(self.topics))

    def whole(self) -> bool:
        """Whether every part is there for every article (a memory that is not is not used)."""
        n = len(self.ids)
        return (
            len(self.names) == len(self.name_counts) == len(self.topics) == n
            and len(self.keywords) == len(self.related) == n
            and len(self.weights) == n * KEYWORDS * 8
            and len(self.bounds) == n * 16
        )


def _unpickle_memory(values: dict[str, object], table: tuple[tuple[str, ...], ...], rows: bytes) -> Memory:
    return Memory(**values, topics=unpack_rows(table, rows))  # type: ignore[arg-type]


R = TypeVar("R")


def pack_rows(rows: Sequence[R]) -> tuple[tuple[R, ...], bytes]:
    """`rows` as the distinct rows, in order, and each row's number among them (array "I")."""
    table = dict.fromkeys(rows)
    number = dict(zip(table, range(len(table)), strict=True))
    return tuple(table), array("I", map(number.__getitem__, rows)).tobytes()


def unpack_rows(table: tuple[R, ...], packed: bytes) -> tuple[R, ...]:
    """What `pack_rows` packed. Raises on rows that are not there."""
    return tuple(map(table.__getitem__, _ints(packed)))


def _ints(packed: bytes) -> array[int]:
    unpacked = array("I")
    unpacked.frombytes(packed)
    return unpacked


def _floats(packed: bytes) -> array[float]:
    unpacked = array("d")
    unpacked.frombytes(packed)
    return unpacked


def _unpack_names(packed: str, counts: bytes) -> dict[str, int]:
    return dict(zip(packed.split("\n"), _ints(counts), strict=True)) if packed else {}


def _holding(texts: Sequence[str], wanted: Collection[str], sep: str) -> dict[str, list[int]]:
    """For each wanted item, the indices of the texts (items joined by `sep`) that hold it."""
    found: dict[str, list[int]] = {item: [] for item in wanted}
    if len(wanted) > 16:  # one look at each text costs less than a search through all of them per item
        for i, text in enumerate(texts):
            for item in found.keys() & text.split(sep):
                found[item].append(i)
        return found
    joined = sep + f"{sep}\0{sep}".join(texts) + sep
    ends = list(accumulate(len(text) + 3 for text in texts))  # where each text's sep, text, sep and \0 end
    for item, holding in found.items():
        needle = sep + item + sep
        at = joined.find(needle)
        while at >= 0:
            i = bisect_right(ends, at)
            holding.append(i)
            at = joined.find(needle, ends[i])
    return found


def _recount(
    old: dict[str, int], added: Counter[str], removed: Counter[str]
) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """The counts in `old` with `added` added and `removed` taken away; and each that changed, as (before, after)."""
    if not old:  # nothing counted before (a first build): so nothing held it, and no count moved anything
        return dict(+added), {}
    df = dict(old)
    moved: dict[str, tuple[int, int]] = {}
    for key in added.keys() | removed.keys():
        if delta := added[key] - removed[key]:
            before = df.get(key, 0)
            after = before + delta
            if after:
                df[key] = after
            else:
                del df[key]
            moved[key] = (before, after)
    return df, moved


@dataclass(frozen=True, slots=True)
class _Changes:
    """How this call's articles differ from the memory's."""

    old: Memory
    index: dict[str, int]  # the memory's place of each id
    places: list[int | None]  # the memory's place of each article, None for those it does not know
    fresh: list[int]  # places of articles the memory does not know
    gone: list[int]  # the memory's places of articles no longer here
    gone_words: list[str]  # their words
    words: Shelf  # where the words of the articles are kept
    same_total: bool
    same_places: bool  # every article known to the memory is where it was, and no other has moved in


def _changes(ids: Sequence[str], memory: Memory | None) -> _Changes | None:
    """None when the ids cannot name articles (an empty or repeated one): nothing is then remembered."""
    present = set(ids)
    if len(present) != len(ids) or "" in present:
        return None
    words = memory.words if memory is not None else Shelf()
    old = memory if memory is not None and memory.whole() else Memory()
    index = dict(zip(old.ids, range(len(old.ids)), strict=True))
    gone = list(compress(range(len(old.ids)), map(operator.not_, map(present.__contains__, old.ids))))
    gone_words = [words.get(old.ids[at]) for at in gone]
    if len(index) != len(old.ids) or None in gone_words:
        old, index, gone, gone_words = Memory(), {}, [], []
    if not old.ids:  # starting afresh: every article's words are put again, and nothing else is kept
        words.clear()
    # A column at a time, each made in one go: ten thousand articles are compared on every build.
    places = list(map(index.get, ids))
    fresh = list(compress(range(len(ids)), map(operator.is_, places, repeat(None))))
    same_total = len(ids) == len(old.ids) > 0
    same_places = same_total and all(
        ids[i] not in index and old.ids[i] not in present
        for i in compress(range(len(ids)), map(operator.ne, ids, old.ids))
    )
    kept = [w for w in gone_words if w is not None]
    return _Changes(old, index, places, fresh, gone, kept, words, same_total, same_places)


def _choose(names: Mapping[str, int], df: Mapping[str, int], total: int, ceiling: int) -> tuple[str, ...]:
    # Highest score first, then by name.
    scored = sorted([(-n * math.log(total / df[name]), name) for name, n in names.items() if 2 <= df[name] <= ceiling])
    return tuple(name for _, name in scored[:DERIVED_TOPICS])


def _derive(
    articles: Sequence[Article], changes: _Changes
) -> tuple[list[tuple[str, ...]], list[str], list[bytes], dict[str, int]]:
    """Each article's topics: its tags, or the names it shares with other articles; and what to remember."""
    old = changes.old
    total = max(len(articles), 2)
    ceiling = max(2, total // 4)
    if changes.same_places:
        packed, counted = list(old.names), list(old.name_counts)
    else:
        packed = [old.names[at] if at is not None else "" for at in changes.places]
        counted = [old.name_counts[at] if at is not None else b"" for at in changes.places]
    found: dict[int, Mapping[str, int]] = {}
    added: Counter[str] = Counter()
    for i in changes.fresh:
        if not articles[i].tags:
            names = found[i] = _names(articles[i])
            packed[i], counted[i] = "\n".join(names), array("I", names.values()).tobytes()
            added.update(names.keys())
        else:
            packed[i], counted[i] = "", b""
    removed: Counter[str] = Counter()
    for at in changes.gone:
        if old.names[at]:
            removed.update(old.names[at].split("\n"))
    df, moved = _recount(old.name_df, added, removed)
    if not changes.same_total:
        again: Collection[int] = range(len(articles))
    else:
        # A name counts only while between 2 and the ceiling: one that stays outside moves nothing. Nor does one
        # that no known article names (all its count is new articles').
        reach = {
            name for name, counts in moved.items() if any(2 <= n <= ceiling for n in counts) and counts[1] > added[name]
        }
        again = set(found).union(*_holding(packed, reach, "\n").values()) if reach else found.keys()
    # A known article keeps its topics (its tags, while it is here, are those it had), unless worked out again.
    if not changes.same_total:
        topics: list[tuple[str, ...]] = [()] * len(articles)
    elif changes.same_places:
        topics = list(old.topics)
    else:
        topics = [old.topics[at] if at is not None else () for at in changes.places]
    for i in sorted({*again, *changes.fresh}):
        if articles[i].tags:
            topics[i] = articles[i].tags
        else:
            own = found.get(i) or _unpack_names(packed[i], counted[i])
            topics[i] = _choose(own, df, total, ceiling)
    return topics, packed, counted, df


_TERMS = operator.attrgetter("terms")


def _terms(article: Article) -> tuple[str, bytes]:
    # The loader makes the terms; an article made some other way (or with none) gets them here.
    return textmatch.terms(article.headline + "\n" + article.body_text)


class _Terms:
    """Each article's terms, read when first asked for: a cached article keeps them in the cache file until they
    are read (model.Stored), and after an edit few articles' terms are needed."""

    __slots__ = ("articles", "read")

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles
        self.read: list[tuple[str, bytes] | None] = [None] * len(articles)

    def __getitem__(self, i: int) -> tuple[str, bytes]:
        found = self.read[i]
        if found is None:
            found = self.articles[i].terms
            if not found[0]:
                found = _terms(self.articles[i])
            self.read[i] = found
        return found

    def words(self) -> list[str]:
        """Every article's words (the first part of its terms)."""
        if None in self.read:
            got = list(map(_TERMS, self.articles))  # all at once: quicker than one by one
            for i in compress(range(len(got)), map(operator.not_, map(operator.itemgetter(0), got))):
                got[i] = _terms(self.articles[i])
            self.read = cast(list[tuple[str, bytes] | None], got)
        return [words for words, _ in cast(list[tuple[str, bytes]], self.read)]


class _Vectors:
    """The keyword vector of each article, packed as `Memory` keeps them, and unpacked when asked for."""

    __slots__ = ("bounds", "keywords", "unpacked", "weights")

    def __init__(self, keywords: list[str], weights: array[float], bounds: array[float]) -> None:
        self.keywords, self.weights, self.bounds = keywords, weights, bounds
        self.unpacked: dict[int, dict[str, float]] = {}

    def __getitem__(self, i: int) -> dict[str, float]:
        vector = self.unpacked.get(i)
        if vector is None:
            line = self.keywords[i]
            words = line.split(" ") if line else []
            start = i * KEYWORDS
            vector = self.unpacked[i] = dict(zip(words, self.weights[start : start + len(words)], strict=True))
        return vector

    def put(self, i: int, vector: dict[str, float], bound: tuple[float, float]) -> None:
        self.unpacked[i] = vector
        self.keywords[i] = " ".join(vector)
        start = i * KEYWORDS
        self.weights[start : start + len(vector)] = array("d", vector.values())
        if len(vector) < KEYWORDS:
            self.weights[start + len(vector) : start + KEYWORDS] = array("d", bytes(8 * (KEYWORDS - len(vector))))
        self.bounds[2 * i], self.bounds[2 * i + 1] = bound


def _keywords(
    terms: _Terms, changes: _Changes, total: int, jobs: int = 1
) -> tuple[_Vectors, dict[str, int], list[int]]:
    """Each article's dozen most distinctive words, weighted; the word counts; and the places whose vector was
    worked out again (all of them when the number of articles changed)."""
    old = changes.old
    fresh = changes.fresh

    def count(part: range) -> list[Counter[str]]:
        counted: Counter[str] = Counter()
        for k in part:
            if words := terms[fresh[k]][0]:
                counted.update(words.split(" "))
        return [counted]

    # The words of the new articles are counted in two processes when they are many (a cold build's).
    added, *more = parallel.in_two(count, len(fresh), jobs)
    for counted in more:
        added.update(counted)
    removed: Counter[str] = Counter()
    for words in changes.gone_words:
        if words:
            removed.update(words.split(" "))
    df, moved = _recount(old.df, added, removed)
    # A vector depends only on the article's terms and on how many articles hold each of them (and on how
    # many articles there are). A word whose count changed reaches the vectors holding it as a keyword, and
    # those where its new score could beat the weakest keyword (the bound: the article's heaviest weight).
    again: set[int] = set()  # the memory's places
    places = changes.places
    if changes.same_total and moved:
        bounds = _floats(old.bounds)
        weakest, heaviest = bounds[0::2], bounds[1::2]
        for word in moved:
            if word in old.holders:
                again.update(_places(old.holders[word]))
        scores = {w: math.log(total / after) * _MARGIN for w, (_, after) in moved.items() if 0 < after < total}
        reach = max(heaviest, default=0.0)
        floor = min(weakest, default=0.0)
        # Only known articles need looking for (the new are worked out anyway): none holds a word all of whose
        # count is new articles'. A known article's words are those it had.
        wanted = [w for w, score in scores.items() if reach * score >= floor and moved[w][1] > added[w]]
        # The places where each word could enter the vector, found from the bounds alone: most often none, as a
        # word whose count an edit moves is most often a common one. Only the articles there are looked in.
        reached: dict[str, list[int]] = {}
        for word in wanted:
            passing = map(operator.ge, map(operator.mul, heaviest, repeat(scores[word])), weakest)
            if ats := list(compress(range(len(heaviest)), passing)):
                reached[word] = ats
        if sum(map(len, reached.values())) * _ONE_BY_ONE > total:  # many: one look through every article's words
            for word, holding in _holding(terms.words(), reached, " ").items():
                reach_at = set(reached[word])
                again.update(at for i in holding if (at := places[i]) is not None and at in reach_at)
        elif reached:
            where = None if changes.same_places else dict(zip(places, range(total), strict=True))
            for word, ats in reached.items():
                needle = " " + word + " "
                for at in ats:
                    holder = at if where is None else where.get(at)
                    if holder is not None and places[holder] == at and needle in " " + terms[holder][0] + " ":
                        again.add(at)
    if changes.same_total:
        keywords, weights, bounds = list(old.keywords), _floats(old.weights), _floats(old.bounds)
        todo = [i for i, was in enumerate(places) if was is None or was in again]
        if not changes.same_places:  # the known vectors, in their new places
            for i, was in enumerate(places):
                if was is not None and was != i:
                    keywords[i] = old.keywords[was]
                    weights[i * KEYWORDS : (i + 1) * KEYWORDS] = _floats(
                        old.weights[was * KEYWORDS * 8 : (was + 1) * KEYWORDS * 8]
                    )
                    bounds[2 * i : 2 * i + 2] = _floats(old.bounds[was * 16 : (was + 1) * 16])
    else:
        keywords, weights, bounds = [""] * total, array("d", bytes(8 * KEYWORDS * total)), array("d", bytes(16 * total))
        todo = list(range(total))
    vectors = _Vectors(keywords, weights, bounds)
    # Words in every article say nothing about an article (nor do stopwords, left out of the terms).
    idf = {w: math.log(total / n) for w, n in df.items() if n < total} if len(todo) * 64 > len(df) else None

    def vector(i: int) -> tuple[dict[str, float], tuple[float, float]]:
        words, packed = terms[i]
        counts = _ints(packed)
        most = max(counts, default=0)
        while len(_WEIGHT) <= most:
            _WEIGHT.append(1 + math.log(len(_WEIGHT)))
        weight = _WEIGHT
        split = words.split(" ") if words else []
        if idf is not None:
            scored = [(-weight[n] * x, w) for w, n in zip(split, counts, strict=True) if (x := idf.get(w)) is not None]
        else:
            scored = [
                (-weight[n] * math.log(total / m), w)
                for w, n in zip(split, counts, strict=True)
                if (m := df[w]) < total
            ]
        top = sorted(scored)[:KEYWORDS]
        norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
        return {w: -v / norm for v, w in top}, (-top[-1][0] if len(top) == KEYWORDS else 0.0, weight[most])

    made = parallel.in_two(lambda at: [vector(todo[k]) for k in at], len(todo), jobs)
    for i, (made_vector, bound) in zip(todo, made, strict=True):
        vectors.put(i, made_vector, bound)
    return vectors, df, todo


def _best(
    i: int,
    vector: Mapping[str, float],
    strongest: Mapping[str, Sequence[tuple[float, int]]],
    names: Sequence[str],
    by_topic: Mapping[str, Sequence[int]],
) -> tuple[int, ...]:
    """The places of up to RELATED articles most like the one at `i`, best first."""
    scores: dict[int, float] = {}
    get = scores.get
    for word, weight in vector.items():
        for negative, j in strongest[word]:
            scores[j] = get(j, 0.0) - weight * negative
    for name in names:
        group = by_topic[name.casefold()]
        if len(group) <= POSTING_LIMIT:
            for j in group:
                scores[j] = get(j, 0.0) + TOPIC_BONUS
    scores.pop(i, None)
    best = heapq.nsmallest(RELATED, [(-score, j) for j, score in scores.items()])
    return tuple(j for _, j in best)


def _pack(posting: Sequence[tuple[float, int]]) -> bytes:
    """A posting as one bytes: its (negated) weights as doubles, then its places as unsigned ints."""
    return array("d", [v for v, _ in posting]).tobytes() + array("I", [j for _, j in posting]).tobytes()


_PLACE = array("I").itemsize  # bytes (a double takes 8)


def _places(packed: bytes) -> array[int]:
    return _ints(packed[len(packed) // (8 + _PLACE) * 8 :])


def _unpack(packed: bytes, limit: int | None = None) -> list[tuple[float, int]]:
    n = len(packed) // (8 + _PLACE)
    k = n if limit is None else min(n, limit)
    return list(zip(_floats(packed[: 8 * k]), _ints(packed[8 * n : 8 * n + _PLACE * k]), strict=True))


Related = tuple[list[tuple[int, ...]], dict[str, bytes], dict[str, bytes], int]


def _related(vectors: _Vectors, topics: Sequence[tuple[str, ...]], jobs: int = 1) -> Related:
    """Every article's related list, worked out afresh."""
    holders: dict[str, list[tuple[float, int]]] = {}
    for i in range(len(topics)):
        for word, weight in vectors[i].items():
            holders.setdefault(word, []).append((-weight, i))
    # Each word's strongest holders only: (-weight, place), so the heaviest come first, then the first placed.
    for posting in holders.values():
        posting.sort()
    strongest = {word: posting[:POSTING_LIMIT] for word, posting in holders.items()}
    by_topic: dict[str, list[int]] = {}
    for i, names in enumerate(topics):
        for name in names:
            by_topic.setdefault(name.casefold(), []).append(i)
    related = parallel.in_two(
        lambda at: [_best(i, vectors[i], strongest, topics[i], by_topic) for i in at], len(topics), jobs
    )
    packed = {word: _pack(posting) for word, posting in holders.items()}
    return related, packed, {name: array("I", m).tobytes() for name, m in by_topic.items()}, 0


def _related_again(vectors: _Vectors, topics: Sequence[tuple[str, ...]], redone: Sequence[int], old: Memory) -> Related:
    """The related lists of articles that are where they were in the memory: those whose vector, topics, or a
    posting or topic they read changed are worked out again; the rest are kept."""
    old_weights = _floats(old.weights)

    def changed(i: int) -> bool:
        start = i * KEYWORDS
        return (
            vectors.keywords[i] != old.keywords[i]
            or vectors.weights[start : start + KEYWORDS] != old_weights[start : start + KEYWORDS]
        )

    moved = {i for i in redone if changed(i)}
    again = set(moved)
    words: set[str] = set()
    for i in moved:
        words.update(vectors[i], old.keywords[i].split(" ") if old.keywords[i] else ())
    # The words whose holders changed: their postings, and the lists that read them if their strongest did.
    holders = dict(old.holders)
    postings: dict[str, list[tuple[float, int]]] = {}
    for word in words:
        before = _unpack(old.holders[word]) if word in old.holders else []
        after = [posting for posting in before if posting[1] not in moved]
        after.extend((-vectors[i][word], i) for i in moved if word in vectors[i])
        after.sort()
        postings[word] = after
        if after:
            holders[word] = _pack(after)
        else:
            del holders[word]
        if after[:POSTING_LIMIT] != before[:POSTING_LIMIT]:
            again.update(j for _, j in after)
    # The topics that changed: their members, and the lists that read them if either list is short enough to.
    groups = dict(old.groups)
    by_topic: dict[str, list[int]] = {}
    retopic = list(compress(range(len(topics)), map(operator.ne, topics, old.topics)))
    if retopic:
        again.update(retopic)
        at = set(retopic)
        for folded in {name.casefold() for i in retopic for name in (*topics[i], *old.topics[i])}:
            was = list(_ints(old.groups.get(folded, b"")))
            now = by_topic[folded] = sorted(
                [j for j in was if j not in at]
                + [i for i in retopic for name in topics[i] if name.casefold() == folded]
            )
            if now:
                groups[folded] = array("I", now).tobytes()
            else:
                groups.pop(folded, None)
            if now != was and min(len(now), len(was)) <= POSTING_LIMIT:
                again.update(now)
    related = list(old.related)
    strongest: dict[str, list[tuple[float, int]]] = {}
    for i in sorted(again):
        vector = vectors[i]
        for word in vector:
            if word not in strongest:
                posting = postings.get(word)
                strongest[word] = (
                    posting[:POSTING_LIMIT] if posting is not None else _unpack(holders[word], POSTING_LIMIT)
                )
        for name in topics[i]:
            if (folded := name.casefold()) not in by_topic:
                by_topic[folded] = list(_ints(groups[folded]))
        related[i] = _best(i, vector, strongest, topics[i], by_topic)
    return related, holders, groups, len(topics) - len(again)


def find(
    articles: Sequence[Article], ids: Sequence[str], memory: Memory | None = None, jobs: int = 1
) -> tuple[list[tuple[str, ...]], list[tuple[int, ...]], Memory]:
    """For each article, its topics and the places of up to five most similar others, best first; and what to
    remember. `ids` name the articles by content; `memory` is what the last call returned, if anything. With
    `jobs` above one, a big piece of work is shared with a second process."""
    changes = _changes(ids, memory)
    if changes is None:  # the ids cannot tell the articles apart: work everything out, and remember nothing
        topics, related, _ = find(articles, [f"\0{i}" for i in range(len(articles))], jobs=jobs)
        return topics, related, Memory()
    topics, names, name_counts, name_df = _derive(articles, changes)
    terms = _Terms(articles)
    if len(changes.fresh) * 4 > len(articles):
        terms.words()  # all at once
    for i in changes.fresh:
        changes.words.put(ids[i], terms[i][0])
    vectors, df, redone = _keywords(terms, changes, len(articles), jobs)
    if changes.same_places:
        related, holders, groups, kept = _related_again(vectors, topics, redone, changes.old)
    else:
        related, holders, groups, kept = _related(vectors, topics, jobs)
    return (
        topics,
        related,
        Memory(
            ids=tuple(ids),
            names=tuple(names),
            name_counts=tuple(name_counts),
            name_df=name_df,
            topics=tuple(topics),
            df=df,
            keywords=tuple(vectors.keywords),
            weights=vectors.weights.tobytes(),
            bounds=vectors.bounds.tobytes(),
            holders=holders,
            groups=groups,
            related=tuple(related),
            kept=kept,
            words=changes.words,
        ),
    )
