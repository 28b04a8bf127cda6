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
from collections import Counter
from collections.abc import Sequence

from .model import Article

DERIVED_TOPICS = 3
RELATED = 5
KEYWORDS = 12
POSTING_LIMIT = 40
TOPIC_BONUS = 0.5

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
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]{2,}")
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


def _keywords(articles: Sequence[Article]) -> list[dict[str, float]]:
    counts = [Counter(_WORD.findall((a.headline + "\n" + a.body_text).lower())) for a in articles]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    total = len(articles)
    # Words in every article, and stopwords, say nothing about an article: they get no weight.
    idf = {w: math.log(total / n) for w, n in df.items() if n < total and w not in STOPWORDS}
    vectors: list[dict[str, float]] = []
    for c in counts:
        weights = [(-(1 + math.log(n)) * idf[w], w) for w, n in c.items() if w in idf]
        top = heapq.nsmallest(KEYWORDS, weights)
        norm = math.sqrt(sum(v * v for v, _ in top)) or 1.0
        vectors.append({w: -v / norm for v, w in top})
    return vectors


def related(articles: Sequence[Article], topics: Sequence[tuple[str, ...]]) -> list[tuple[int, ...]]:
    """For each article, the indices of up to five most similar others, best first."""
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
    result: list[tuple[int, ...]] = []
    for i, vector in enumerate(vectors):
        scores: dict[int, float] = {}
        get = scores.get
        for word, weight in vector.items():
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
