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

from . import parallel, textmatch
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


def _keywords(articles: Sequence[Article]) -> list[dict[str, float]]:
    terms = [_terms(a) for a in articles]
    df: Counter[str] = Counter()
    for words, _ in terms:
        df.update(words)
    total = len(articles)
    # Words in every article say nothing about an article (nor do stopwords, left out of the terms).
    idf = {w: math.log(total / n) for w, n in df.items() if n < total}
    weight = [0.0, *(1 + math.log(n) for n in range(1, max((max(c, default=0) for _, c in terms), default=0) + 1))]
    vectors: list[dict[str, float]] = []
    for words, counts in terms:
        weights = [(-weight[n] * i, w) for w, n in zip(words, counts, strict=True) if (i := idf.get(w)) is not None]
        top = heapq.nsmallest(KEYWORDS, weights)
        norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
        vectors.append({w: -v / norm for v, w in top})
    return vectors


# What the scoring workers share, set before they fork: vectors, strongest holders, topics, members per topic.
_SHARED: tuple[
    list[dict[str, float]], dict[str, list[tuple[float, int]]], Sequence[tuple[str, ...]], dict[str, list[int]]
]
_SHARED = ([], {}, (), {})
PARALLEL_FROM = 2000
CHUNK = 500


def _score(bounds: tuple[int, int]) -> list[tuple[int, ...]]:
    vectors, strongest, topics, by_topic = _SHARED
    result: list[tuple[int, ...]] = []
    for i in range(*bounds):
        scores: dict[int, float] = {}
        get = scores.get
        for word, weight in vectors[i].items():
            for negative, j in strongest[word]:
                scores[j] = get(j, 0.0) - weight * negative
        for name in topics[i]:
            members = by_topic[name.casefold()]
            if len(members) <= POSTING_LIMIT:
                for j in members:
                    scores[j] = get(j, 0.0) + TOPIC_BONUS
        scores.pop(i, None)
        best = heapq.nsmallest(RELATED, [(-score, j) for j, score in scores.items()])
        result.append(tuple(j for _, j in best))
    return result


def related(articles: Sequence[Article], topics: Sequence[tuple[str, ...]], jobs: int = 1) -> list[tuple[int, ...]]:
    """For each article, the indices of up to five most similar others, best first."""
    global _SHARED
    vectors = _keywords(articles)
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
    _SHARED = (vectors, strongest, topics, by_topic)
    chunks = [(start, min(start + CHUNK, len(vectors))) for start in range(0, len(vectors), CHUNK)]
    try:
        parts = parallel.map_ordered(_score, chunks, jobs if len(vectors) >= PARALLEL_FROM else 1)
        return [best for part in parts for best in part]
    finally:
        _SHARED = ([], {}, (), {})
