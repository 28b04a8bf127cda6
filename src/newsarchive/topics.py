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
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from . import textmatch
from .model import Article
from .textmatch import STOPWORDS

DERIVED_TOPICS = 3
RELATED = 5
KEYWORDS = 12
POSTING_LIMIT = 40
TOPIC_BONUS = 0.5

_SENTENCE = re.compile(r"(?<=[.!?\"\u201d])\s+")
_CAP_RUN = re.compile(
    r"(?<![\w'\u2019-])([A-Z][a-z][\w'\u2019-]*|[A-Z]{2,}[a-z]?)"
    r"((?:\s+(?:of\s+|de\s+|al-|bin\s+|van\s+|von\s+)?(?:[A-Z][a-z][\w'\u2019-]*|[A-Z]{2,}))*)"
)
_POSSESSIVE = re.compile(r"['\u2019]s$")


def _names(article: Article) -> Counter[str]:
    """Capitalised phrases in the body, leaving out a lone capitalised word that opens a sentence."""
    found: Counter[str] = Counter()
    for block in article.blocks:
        if block.kind == "subheading":
            continue
        for text in block.items or (block.text,):
            for sentence in _SENTENCE.split(text):
                for match in _CAP_RUN.finditer(sentence):
                    phrase = _POSSESSIVE.sub("", " ".join(match.group(0).split()))
                    words = phrase.split()
                    if match.start() == 0 and len(words) == 1:
                        continue
                    if all(w.lower() in STOPWORDS for w in words) or len(phrase) < 3:
                        continue
                    found[phrase] += 1
    return found


def derive_topics(articles: Sequence[Article]) -> list[tuple[str, ...]]:
    """Each article's topics: its tags, or the names it shares with other articles."""
    names = [_names(a) if not a.tags else Counter[str]() for a in articles]
    df: Counter[str] = Counter()
    for counts in names:
        df.update(counts.keys())
    total = max(len(articles), 2)
    ceiling = max(2, total // 4)
    topics: list[tuple[str, ...]] = []
    for article, counts in zip(articles, names, strict=True):
        if article.tags:
            topics.append(article.tags)
            continue
        scored = sorted(
            ((n * math.log(total / df[name]), name) for name, n in counts.items() if 2 <= df[name] <= ceiling),
            key=lambda s: (-s[0], s[1]),
        )
        topics.append(tuple(name for _, name in scored[:DERIVED_TOPICS]))
    return topics


def _terms(article: Article) -> tuple[list[str], array[int]]:
    # The loader makes the terms; an article made some other way gets them here.
    words, counts = article.terms if article.terms[0] else textmatch.terms(article.headline + "\n" + article.body_text)
    return words.split(" ") if words else [], array("I", counts)


@dataclass(frozen=True, slots=True)
class Memory:
    """What `related` worked out last time, so that the next build works out only what changed.

    Articles are known by an id that changes with their content (enrich gives the source path and hash).
    A keyword vector depends only on the article's terms and on how many articles hold each of them, so it
    is kept while those counts are; an article's related list depends only on its place, its vector, the
    strongest holders of its keywords and its topics' members, so it is kept while all of those are the
    same. Posting and member lists are remembered by a 64-bit hash (of numbers only, so the same in every
    process); the rest as they were. What is kept is what would be worked out again.
    """

    df: dict[str, int] = field(default_factory=dict)
    vectors: dict[str, dict[str, float]] = field(default_factory=dict)
    ids: tuple[str, ...] = ()
    postings: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    topics: tuple[tuple[str, ...], ...] = ()
    related: tuple[tuple[int, ...], ...] = ()
    kept: int = 0  # how many of `related` were kept from the memory before


def _keywords(articles: Sequence[Article], ids: Sequence[str], memory: Memory) -> tuple[list[dict[str, float]], Memory]:
    # Two passes, each unpacking one article's terms at a time: all of them at once would be millions of
    # small strings in memory together.
    df: Counter[str] = Counter()
    most = 0
    for article in articles:
        words, counts = _terms(article)
        df.update(words)
        most = max(most, max(counts, default=0))
    total = len(articles)
    # Words in every article say nothing about an article (nor do stopwords, left out of the terms).
    idf = {w: math.log(total / n) for w, n in df.items() if n < total}
    weight = [0.0, *(1 + math.log(n) for n in range(1, most + 1))]
    same_total = len(memory.ids) == total
    moved = {w for w, n in df.items() if memory.df.get(w) != n} if same_total else set()
    vectors: list[dict[str, float]] = []
    for article, key in zip(articles, ids, strict=True):
        words, counts = _terms(article)
        kept = memory.vectors.get(key) if same_total else None
        if kept is not None and moved.isdisjoint(words):
            vectors.append(kept)
            continue
        weights = [(-weight[n] * i, w) for w, n in zip(words, counts, strict=True) if (i := idf.get(w)) is not None]
        top = heapq.nsmallest(KEYWORDS, weights)
        norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
        vectors.append({w: -v / norm for v, w in top})
    return vectors, Memory(df=dict(df), vectors=dict(zip(ids, vectors, strict=True)), ids=tuple(ids))


def related(
    articles: Sequence[Article], topics: Sequence[tuple[str, ...]], ids: Sequence[str], memory: Memory | None = None
) -> tuple[list[tuple[int, ...]], Memory]:
    """For each article, the indices of up to five most similar others, best first; and what to remember.

    `ids` name the articles by content; `memory` is what the last call returned, if anything."""
    memory = memory or Memory()
    vectors, learned = _keywords(articles, ids, memory)
    holders: dict[str, list[tuple[float, int]]] = {}
    for i, vector in enumerate(vectors):
        for word, weight in vector.items():
            holders.setdefault(word, []).append((-weight, i))
    # Each word's strongest holders only: (-weight, index), so the heap keeps the heaviest, then the first.
    strongest = {word: heapq.nsmallest(POSTING_LIMIT, posting) for word, posting in holders.items()}
    by_topic: dict[str, list[int]] = {}
    for i, names in enumerate(topics):
        for name in names:
            by_topic.setdefault(name.casefold(), []).append(i)
    postings = {word: hash(tuple(posting)) for word, posting in strongest.items()}
    members = {name: hash(tuple(m)) for name, m in by_topic.items()}
    result: list[tuple[int, ...]] = []
    kept = 0
    for i, vector in enumerate(vectors):
        if (
            i < len(memory.related)
            and memory.ids[i] == ids[i]
            and memory.topics[i] == topics[i]
            and memory.vectors.get(ids[i]) == vector
            and all(memory.postings.get(word) == postings[word] for word in vector)
            and all(memory.members.get(name.casefold()) == members[name.casefold()] for name in topics[i])
        ):
            result.append(memory.related[i])
            kept += 1
            continue
        scores: dict[int, float] = {}
        get = scores.get
        for word, weight in vector.items():
            for negative, j in strongest[word]:
                scores[j] = get(j, 0.0) - weight * negative
        for name in topics[i]:
            group = by_topic[name.casefold()]
            if len(group) <= POSTING_LIMIT:
                for j in group:
                    scores[j] = get(j, 0.0) + TOPIC_BONUS
        scores.pop(i, None)
        best = heapq.nsmallest(RELATED, [(-score, j) for j, score in scores.items()])
        result.append(tuple(j for _, j in best))
    return result, replace(
        learned, postings=postings, members=members, topics=tuple(topics), related=tuple(result), kept=kept
    )
