"""Enrich gives every article one path, whatever order the files arrive in."""

from __future__ import annotations

import hashlib
import json
import pickle
import random
from dataclasses import dataclass, replace
from pathlib import Path
from unittest import mock

from benchmarks.corpus import write_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import enrich as enrich_module
from newsarchive import parallel, topics
from newsarchive.build import _save_pickle
from newsarchive.cache import Shelf, read_keyed
from newsarchive.cache import _shard as _shard
from newsarchive.config import Config
from newsarchive.dedupe import Filed, across
from newsarchive.enrich import Memory, Site, enrich
from newsarchive.errors import ContentError
from newsarchive.load import Loaded, Source, discover, load_all
from newsarchive.parallel import beside
from newsarchive.parse import Rules, parse_article
from strategies import examples


def _loaded(rel: str, headline: str, body: str) -> Loaded:
    text = f"---\ndate: 2024-03-01\n---\n{headline}\n\n{body}\n"
    return Loaded(Source(rel, rel), parse_article(rel, text), rel + text)


def test_slug_collisions_resolve_the_same_way_in_any_order() -> None:
    items = [
        _loaded(f"f{n}.txt", "Council meets again", f"Story {n} body about item {n * 7} and more.") for n in range(6)
    ]
    paths = None
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        site = enrich(across(shuffled), Config())
        by_rel = {e.rel: e.path for e in site.entries}
        assert len(set(by_rel.values())) == 6, "every copy gets its own page"
        paths = paths or by_rel
        assert by_rel == paths
    assert paths is not None
    assert paths["f0.txt"] == "2024/03/01/council-meets-again/index.html"
    assert paths["f1.txt"] == "2024/03/01/council-meets-again-2/index.html"


def _words(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(
        rng.choice("harbour ferry council vote river wall pier tide storm quay".split()) + str(k) for k in range(n)
    )


def test_short_near_identical_copies_fold_and_different_stories_do_not() -> None:
    """Copies too short to fill a sketch are still found: the whole of a short text is its sketch."""
    body = _words(24, 1)
    items = [
        _loaded("a.txt", "Pier reopens", body + " today."),
        _loaded("b.txt", "Pier reopens", body + " tonight."),  # one word of 27 changed: 3-gram Jaccard 0.92
        _loaded("c.txt", "Pier reopens", _words(24, 2) + " today."),
    ]
    filed = {f.loaded.source.rel: [c.source.rel for c in f.copies] for f in across(items)}
    assert filed == {"a.txt": ["b.txt"], "c.txt": []}


def test_related_articles_worked_out_from_memory_equal_those_worked_out_afresh(tmp_path: Path) -> None:
    """Edits, additions, deletions and new names: what `enrich` keeps from the last build's memory is exactly
    what it would work out again, and after a small edit it keeps much of it."""
    content = tmp_path / "content"
    write_corpus(content, 50, seed=1, meta="frontmatter")  # tagged and dated
    write_corpus(content, 50, seed=2, meta="none")  # topics derived from the names the text shares
    rng = random.Random(3)
    config = Config(content=content, search=False)

    def site(memory: Memory | None) -> Site:
        sources, problems = discover(content, config.ignore)
        loaded, failed = load_all(sources, Rules.make((), 0.8), config.max_file_bytes)
        assert not problems and not failed
        return enrich(across(loaded), config, memory)

    previous = site(None)
    for step in range(15):
        files = sorted(content.iterdir())
        chosen = rng.choice(files)
        action = ("edit", "names", "reweigh", "delete", "add")[step % 5]
        if action == "reweigh":  # more of words it has already: its keywords' weights change, no word's count does
            words = sorted({w for w in chosen.read_text("utf-8").split() if w.isalpha() and len(w) > 6})
            chosen.write_text(chosen.read_text("utf-8") + "\n" + " ".join(words[::-1] * 3) + "\n", "utf-8")
        elif action == "edit":
            chosen.write_text(chosen.read_text("utf-8") + f"\nThe harbour board met again on day {step}.\n", "utf-8")
        elif action == "names":  # names shared with another file change the derived topics of both
            other = rng.choice(files)
            for target in (chosen, other):
                target.write_text(
                    target.read_text("utf-8") + f"\nAldous Brinkworth{step} visited Quarry Hill.\n", "utf-8"
                )
        elif action == "delete":
            chosen.unlink()
        else:
            (content / f"new{step}.txt").write_text(
                rng.choice(files).read_text("utf-8") + f"\nAdded {step}.\n", "utf-8"
            )
        kept, fresh = site(previous.memory), site(None)
        assert [(e.rel, e.topics, e.related) for e in kept.entries] == [
            (e.rel, e.topics, e.related) for e in fresh.entries
        ], f"step {step}: {action}"
        if action == "edit":  # in an archive this small one article's words weigh on many others
            assert kept.memory.found.kept > len(kept.entries) // 5, "a small edit keeps many related lists"
        previous = kept


def test_related_articles_shared_with_a_second_process_are_those_one_process_finds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_corpus(content, 40, seed=4, meta="frontmatter")
    write_corpus(content, 40, seed=5, meta="none")
    sources, _ = discover(content, ())
    loaded, _ = load_all(sources, Rules.make((), 0.8), 10**7)
    articles = [item.article for item in loaded]
    ids = [item.source.rel for item in loaded]
    alone = topics.find(articles, ids, jobs=1)
    forked = []

    def counted_beside(work):  # type: ignore[no-untyped-def]
        forked.append(work)
        return beside(work)

    with mock.patch.object(parallel, "SPLIT_FROM", 10), mock.patch("newsarchive.parallel.beside", counted_beside):
        shared = topics.find(articles, ids, jobs=2)
    assert len(forked) == 3, "the word counts, keyword vectors and related lists are each shared with a second process"
    assert shared == alone
    assert any(alone[1]), "articles this alike have related articles"


# A small world, so that articles share words, names, headlines (slug collisions) and tags ("Rail" and "rail" are
# one topic spelled two ways).
_WORDS = (
    "harbour ferry council vote river wall pier tide storm quay budget school bridge market rail depot station "
    "crossing tunnel canal lock barge museum library garden park hospital clinic surgery theatre cinema stadium "
    "airport runway terminal parking bus tram cycle lane road toll"
).split()
_NAMES = ["Sergey Lavrov", "Islamic State", "Quarry Hill", "Aldous Brinkworth", "Greta Yeoman", "Harbour Board"]
# "Pier reopens 2" has the path the second "Pier reopens" of a day settles on, which settles it in turn.
_HEADLINES = ["Council meets again", "Pier reopens", "Pier reopens 2", "Storm hits the quay", "Budget vote"]
_TAGS = ["Rail", "rail", "Housing", "Flood"]
_SENTENCE = st.builds(
    lambda words, name: " ".join(words).capitalize() + (f" near {name} again." if name else " today."),
    st.lists(st.sampled_from(_WORDS), min_size=2, max_size=12),
    st.one_of(st.none(), st.sampled_from(_NAMES)),
)


@dataclass(frozen=True)
class _Story:
    headline: str
    day: int | None  # of March 2024; None: undated
    tags: tuple[str, ...]  # none: its topics are the names it shares
    paragraphs: tuple[str, ...]

    def text(self) -> str:
        meta = [f"date: 2024-03-{self.day:02d}"] if self.day else []
        meta += [f"tags: {json.dumps(list(self.tags))}"] if self.tags else []
        front = "---\n" + "\n".join(meta) + "\n---\n" if meta else ""
        return front + self.headline + "\n\n" + "\n\n".join(self.paragraphs) + "\n"


_STORY = st.builds(
    _Story,
    st.sampled_from(_HEADLINES),
    st.one_of(st.none(), st.integers(1, 4)),
    st.lists(st.sampled_from(_TAGS), max_size=2).map(tuple),
    st.lists(st.lists(_SENTENCE, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=3).map(tuple),
)
_AT = st.integers(0, 99)  # which file, modulo how many there are
_CHANGE = st.one_of(
    st.tuples(st.just("edit"), _AT, _SENTENCE),  # a sentence more at the end
    st.tuples(st.just("cut"), _AT),  # the first paragraph of several taken out: its words may go
    st.tuples(st.just("add"), _STORY),
    st.tuples(st.just("remove"), _AT),
    st.tuples(st.just("rename"), _AT),  # the same text under another name
    st.tuples(st.just("copy"), _AT),  # the same text under a second name: dedupe folds the two
    st.tuples(st.just("retag"), _AT, st.lists(st.sampled_from(_TAGS), max_size=2).map(tuple)),
    st.tuples(st.just("redate"), _AT, st.one_of(st.none(), st.integers(1, 4))),  # moves it in the site's order
    st.tuples(st.just("forget")),  # the next build starts from an older memory (as after a build that failed)
)


def _stories(files: dict[str, _Story]) -> list[Filed]:
    loaded = []
    for rel, story in files.items():
        text = story.text()
        try:
            article = parse_article(rel, text)
        except ContentError:
            continue
        loaded.append(Loaded(Source(rel, rel), article, hashlib.blake2b(text.encode()).hexdigest()))
    return across(loaded)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.lists(_STORY, min_size=1, max_size=12),
    changes=st.lists(_CHANGE, min_size=1, max_size=8),
    one_by_one=st.sampled_from([0, 10**9]),
    regroup=st.sampled_from([1, 10**9]),
)
def test_enrich_from_any_earlier_memory_equals_enrich_afresh(
    start: list[_Story], changes: list[tuple], one_by_one: int, regroup: int
) -> None:
    """Over edits, cuts, additions, removals, renames, copies, new tags and dates, tagged and untagged: the site
    and the memory that `enrich` makes from the last build's memory (or an older one) are those it makes from none;
    whether the articles a changed word could reach are looked in one by one or all at once, and whether the
    topics are grouped again from the last build's or afresh.
    """
    with mock.patch.object(topics, "_ONE_BY_ONE", one_by_one), mock.patch.object(enrich_module, "_REGROUP", regroup):
        _enrich_from_memory(start, changes)


def _enrich_from_memory(start: list[_Story], changes: list[tuple]) -> None:
    files = {f"f{n}.txt": story for n, story in enumerate(start)}
    config = Config()
    memories = [enrich(_stories(files), config).memory]
    for n, change in enumerate(changes):
        names = sorted(files)
        rel = names[change[1] % len(names)] if len(change) > 1 and isinstance(change[1], int) else ""
        match change:
            case ("edit", _, sentence):
                story = files[rel]
                files[rel] = replace(story, paragraphs=(*story.paragraphs[:-1], story.paragraphs[-1] + " " + sentence))
            case ("cut", _) if len(files[rel].paragraphs) > 1:
                files[rel] = replace(files[rel], paragraphs=files[rel].paragraphs[1:])
            case ("add", story):
                files[f"new{n}.txt"] = story
            case ("remove", _) if len(files) > 1:
                del files[rel]
            case ("rename", _):
                files[f"renamed{n}.txt"] = files.pop(rel)
            case ("copy", _):
                files[f"copy{n}.txt"] = files[rel]
            case ("retag", _, tags):
                files[rel] = replace(files[rel], tags=tags)
            case ("redate", _, day):
                files[rel] = replace(files[rel], day=day)
        memory = memories[-2] if change[0] == "forget" and len(memories) > 1 else memories[-1]
        stories = _stories(files)
        kept, fresh = enrich(stories, config, memory), enrich(stories, config)
        assert kept.entries == fresh.entries, f"change {n}: {change[0]}"
        assert kept.topics == fresh.topics
        assert kept.memory == fresh.memory, "what is remembered is what would be worked out afresh"
        memories.append(kept.memory)


def test_a_memory_with_a_part_missing_is_not_used() -> None:
    files = {
        f"f{n}.txt": _Story(_HEADLINES[n % 5], n % 3 or None, (), (f"Ferry {_WORDS[n]} near Quarry Hill.",))
        for n in range(8)
    }
    stories = _stories(files)
    site = enrich(stories, Config())
    assert site.memory.found.kept == 0
    again = enrich(stories, Config(), site.memory)
    assert again.memory.found.kept == len(site.entries), "an unchanged site keeps every related list"
    found = site.memory.found
    broken = replace(site.memory, found=replace(found, related=found.related[:-1]))
    rebuilt = enrich(stories, Config(), broken)
    assert rebuilt.memory.found.kept == 0, "a memory with a part missing is not used"
    assert rebuilt.entries == site.entries


def test_a_slug_settled_on_another_articles_own_path_moves_that_one_on_in_any_order() -> None:
    items = [
        _loaded("a.txt", "Pier reopens", "The pier reopens after the storm."),
        _loaded("b.txt", "Pier reopens", "The pier reopens to walkers."),
        _loaded("c.txt", "Pier reopens 2", "A second pier reopens."),
    ]
    for seed in range(4):
        random.Random(seed).shuffle(items)
        by_rel = {e.rel: e.path for e in enrich(across(items), Config()).entries}
        assert by_rel == {
            "a.txt": "2024/03/01/pier-reopens/index.html",
            "b.txt": "2024/03/01/pier-reopens-2/index.html",
            "c.txt": "2024/03/01/pier-reopens-2-2/index.html",
        }


def test_the_words_of_articles_are_read_from_their_shelf_and_a_bad_shelf_is_not_used(tmp_path: Path) -> None:
    """Each article's words are kept in shelf files of their own (cache.Shelf), read for the articles that went
    only. A shelf file that is corrupt, of another salt, or without the words of an article that went means
    working everything out again, with the same result; and the next build can use the memory again."""
    files = {
        f"f{n:02d}.txt": _Story(_HEADLINES[n % 5], n % 4 or None, (), (f"Ferry {_WORDS[n]} near Quarry Hill.",))
        for n in range(24)
    }
    shelf = tmp_path / "cache"
    shelf.mkdir()

    def build(memory: Memory) -> Site:
        site = enrich(_stories(files), Config(), memory.kept_in(shelf, "salt"))
        found = site.memory.found
        for name, data in found.words.dump(set(found.ids)):
            (shelf / name).write_bytes(data)
        return site

    def edit(n: int) -> str:
        rel = f"f{n:02d}.txt"
        files[rel] = replace(files[rel], paragraphs=(*files[rel].paragraphs, f"Ferry {_WORDS[n + 1]} again."))
        return rel

    site = build(Memory())
    assert all(Shelf(shelf, "salt").get(i) for i in site.memory.found.ids), "every article's words are kept"
    assert not any(Shelf(shelf, "another salt").get(i) for i in site.memory.found.ids)
    edit(3)
    kept = build(site.memory)
    assert kept.memory.found.kept > 0, "the memory was used"
    for spoil in ("corrupt", "salt", "missing"):
        gone = next(e for e in kept.entries if e.rel == edit(5 + len(spoil)))
        shelf_file = shelf / Shelf().name(_shard(f"{gone.rel}\0{gone.digest}"))
        if spoil == "corrupt":
            shelf_file.write_bytes(b"not a pickle")
        elif spoil == "salt":
            shelf_file.write_bytes(pickle.dumps(("another salt", pickle.loads(shelf_file.read_bytes())[1])))
        else:
            shelf_file.write_bytes(pickle.dumps(("salt", {})))
        again = build(kept.memory)
        assert again.memory.found.kept == 0, f"{spoil}: a memory whose words cannot all be found is not used"
        fresh = enrich(_stories(files), Config())
        assert again.entries == fresh.entries and again.memory == fresh.memory
        edit(1)
        kept = build(again.memory)
        assert kept.memory.found.kept > 0, f"{spoil}: the shelf was written whole again, and is used"


def test_a_memory_saved_and_read_back_is_the_same_and_a_damaged_one_is_not_used(tmp_path: Path) -> None:
    """Topics shared by many articles are saved once each (topics.pack_rows): what is read back is what was saved.
    A file whose numbers point past its topics is not read, and the build works everything out afresh."""
    files = {
        f"f{n:02d}.txt": _Story(_HEADLINES[n % 5], n % 4 or None, (_TAGS[n % 3],) if n % 2 else (), ("Ferry.",))
        for n in range(16)
    }
    site = enrich(_stories(files), Config())
    assert len(set(site.memory.slugs)) < len(site.memory.slugs), "rows are shared"
    path = tmp_path / "related.pickle"
    _save_pickle(path, "salt", site.memory, shared=False)
    read = read_keyed(path, "salt", Memory)
    assert read == site.memory and read.slugs == site.memory.slugs and read.topics == site.memory.topics
    assert read.found.topics == site.memory.found.topics
    # The same memory with one row number past the end of its table.
    table, rows = topics.pack_rows(site.memory.slugs)
    saved = path.read_bytes()
    assert rows in saved
    path.write_bytes(saved.replace(rows, rows[:-4] + len(table).to_bytes(4, "little")))
    assert read_keyed(path, "salt", Memory) is None
