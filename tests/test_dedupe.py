"""Copies across articles (dedupe.py) worked out from the last call's memory: the same stories as afresh."""

from __future__ import annotations

import hashlib
import random
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from unittest import mock

from benchmarks.corpus import write_corpus
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from newsarchive import dedupe
from newsarchive.build import COPIES, build
from newsarchive.config import Config
from newsarchive.load import Loaded, Source
from newsarchive.parse import parse_article
from strategies import examples

# A small vocabulary, so that unrelated articles share 3-grams and stock phrases turn up in small inputs.
VOCAB = "harbour ferry council vote river wall pier tide storm quay".split()

Story = tuple[int | None, tuple[str, ...], str]  # day of the month (or undated), body words, how they are joined


def _loaded(rel: str, story: Story) -> Loaded:
    day, words, joint = story
    front = f"---\ndate: 2024-03-{day:02d}\n---\n" if day else ""
    text = f"{front}Harbour Report\n\n{joint.join(words)}.\n"
    return Loaded(Source(rel, rel), parse_article(rel, text), hashlib.blake2b(text.encode()).hexdigest())


def _grouping(stories: list[dedupe.Filed]) -> list[tuple[str, list[str]]]:
    return [(s.loaded.source.rel, [c.source.rel for c in s.copies]) for s in stories]


def _pairs(memory: dedupe.Memory) -> dict[bytes, list[bytes]]:
    return {sketch: sorted(others) for sketch, others in memory.links.items()}


def _kept_pairs(memory: dedupe.Memory, other: dedupe.Memory) -> set[frozenset[bytes]]:
    """The candidate pairs of `memory` whose sketches are both in `other` too."""
    return {frozenset((a, b)) for a, bs in memory.links.items() for b in bs if a in other.links and b in other.links}


@contextmanager
def _counting(name: str) -> Iterator[list[int]]:
    """Counts the calls of one of dedupe's functions while in the block."""
    calls = [0]
    original = getattr(dedupe, name)

    def counted(*args: object) -> object:
        calls[0] += 1
        return original(*args)

    with mock.patch.object(dedupe, name, counted):
        yield calls


# From four words, many 3-grams are in many articles, so stock phrases come and go.
BODY = st.lists(st.sampled_from(VOCAB) | st.sampled_from(VOCAB[:4]), min_size=3, max_size=70).map(tuple)
DAY = st.none() | st.integers(1, 3)
AT = st.integers(0, 10**6)  # an article, or a word in it, taken modulo how many there are
WORD = st.sampled_from(VOCAB)
CHANGE = st.one_of(
    st.tuples(st.just("new"), BODY, DAY),
    st.tuples(st.just("copy"), AT, DAY),  # the same text again, under another path
    st.tuples(st.just("spaced"), AT),  # the same text with its words further apart
    st.tuples(st.just("commas"), AT),  # the same words (so the same sketch), another text
    st.tuples(st.just("near"), AT, AT, WORD),  # a copy with one word changed
    st.tuples(st.just("nears"), AT, AT, WORD),  # two of them, changed in different places
    st.tuples(st.just("edit"), AT, AT, WORD),
    st.tuples(st.just("append"), AT, BODY),
    st.tuples(st.just("cut"), AT),  # the last words go
    st.tuples(st.just("remove"), AT),
    st.tuples(st.just("undo"), AT),  # the article added (or renamed) last goes
    st.tuples(st.just("rename"), AT),
    st.tuples(st.just("redate"), AT, DAY),
)


def _apply(stories: dict[str, Story], change: tuple[object, ...], n: int) -> None:
    kind, *args = change
    if kind == "new":
        body, day = args
        stories[f"new{n}.txt"] = (day, body, " ")  # type: ignore[assignment]
        return
    if not stories:
        return
    rel = list(stories)[-1] if kind == "undo" else sorted(stories)[args[0] % len(stories)]  # type: ignore[operator]
    day, words, joint = stories[rel]
    if kind == "copy":
        stories[f"copy{n}.txt"] = (args[1], words, joint)  # type: ignore[assignment]
    elif kind == "spaced":
        stories[f"spaced{n}.txt"] = (day, words, joint + "  ")
    elif kind == "commas":
        stories[f"commas{n}.txt"] = (day, words, ", ")
    elif kind in ("near", "nears", "edit"):
        for copy, at in enumerate((args[1], args[1] // 2) if kind == "nears" else (args[1],)):
            at %= len(words)  # type: ignore[operator]
            changed = (*words[:at], args[2], *words[at + 1 :])
            stories[f"near{n}-{copy}.txt" if kind != "edit" else rel] = (day, changed, joint)  # type: ignore[assignment]
    elif kind == "append":
        stories[rel] = (day, words + args[1], joint)  # type: ignore[operator]
    elif kind == "cut":
        stories[rel] = (day, words[: max(3, len(words) - 5)], joint)
    elif kind in ("remove", "undo"):
        del stories[rel]
    elif kind == "rename":
        stories[f"renamed{n}.txt"] = stories.pop(rel)
    else:
        stories[rel] = (args[1], words, joint)  # type: ignore[assignment]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(BODY, DAY), min_size=1, max_size=8),
    st.lists(CHANGE, min_size=1, max_size=10),
    st.sampled_from([2, 4, dedupe.MAX_POSTING]),
    st.randoms(use_true_random=False),
)
def test_stories_from_the_last_calls_memory_equal_stories_worked_out_afresh(
    first: list[tuple[tuple[str, ...], int | None]],
    changes: list[tuple[object, ...]],
    max_posting: int,
    rng: random.Random,
) -> None:
    """Through edits, additions, removals, renames, re-dates, exact copies, near-copies and same-word copies,
    and with stock phrases made and unmade (a low MAX_POSTING makes them often): `across` with the memory of
    the call before gives the stories, and remembers the candidate pairs, that a call without memory does,
    whatever order the articles come in, and without working the pairs out from scratch."""
    stories: dict[str, Story] = {f"first{i}.txt": (day, body, " ") for i, (body, day) in enumerate(first)}
    with mock.patch.object(dedupe, "MAX_POSTING", max_posting):
        _, memory = dedupe.across_with_memory([_loaded(rel, s) for rel, s in stories.items()])
        # What the changes did, to see that they exercise what matters: stories with copies, pairs that came
        # or went between sketches kept, stock phrases, sketches whose pairs were worked out again for one.
        changed = {"copies": False, "pairs": False, "stock": False, "relinked": False}
        for n, change in enumerate(changes):
            before = memory
            _apply(stories, change, n)
            items = [_loaded(rel, s) for rel, s in stories.items()]
            fresh, fresh_memory = dedupe.across_with_memory(items)
            rng.shuffle(items)
            with _counting("_links") as from_scratch, _counting("_linked") as linked:
                kept, memory = dedupe.across_with_memory(items, memory)
            assert from_scratch == [0], "the memory was used"
            assert _grouping(kept) == _grouping(fresh), f"change {n}: {change[0]}"
            assert _pairs(memory) == _pairs(fresh_memory), f"change {n}: {change[0]}"
            assert memory.stock == fresh_memory.stock, f"change {n}: {change[0]}"
            changed.update(
                copies=changed["copies"] or any(s.copies for s in fresh),
                pairs=changed["pairs"] or _kept_pairs(before, memory) != _kept_pairs(memory, before),
                stock=changed["stock"] or memory.stock.keys() != before.stock.keys(),
                relinked=changed["relinked"] or linked[0] > len(memory.links.keys() - before.links.keys()),
            )
    for what, happened in changed.items():
        event(f"{what} {'changed' if happened else 'did not change'}")


def test_pairs_go_when_what_they_share_becomes_a_stock_phrase_and_come_back_when_it_stops():
    """A third version of a story makes the 3-grams its versions share stock phrases (with MAX_POSTING 2), so
    no two of them are candidates; when it goes, the other two are candidates again. From memory as afresh."""
    stories = _archive(6, 5)
    day, words, joint = stories["000.txt"]
    versions = {
        f"000-{n}.txt": (day, (*words[:at], "quay" if words[at] != "quay" else "pier", *words[at + 1 :]), joint)
        for n, at in enumerate((20, 40))
    }
    with mock.patch.object(dedupe, "MAX_POSTING", 2):
        memory = None
        for step, (change, pairs, folded) in enumerate(
            [
                ({"000-0.txt"}, 1, 1),  # a near-copy: a candidate pair, one copy
                ({"000-0.txt", "000-1.txt"}, 0, 0),  # a third version: what they share is in three sketches
                ({"000-0.txt"}, 1, 1),
            ]
        ):
            items = [_loaded(rel, s) for rel, s in {**stories, **{v: versions[v] for v in change}}.items()]
            fresh, fresh_memory = dedupe.across_with_memory(items)
            with _counting("_links") as from_scratch:
                kept, memory = dedupe.across_with_memory(items, memory)
            assert from_scratch == [int(step == 0)]
            assert _grouping(kept) == _grouping(fresh)
            assert _pairs(memory) == _pairs(fresh_memory) and memory.stock == fresh_memory.stock
            assert sum(map(len, memory.links.values())) // 2 == pairs, step
            assert sum(len(s.copies) for s in kept) == folded, step


def _archive(n: int, seed: int) -> dict[str, Story]:
    rng = random.Random(seed)
    return {f"{i:03d}.txt": (None, tuple(rng.choices(VOCAB, k=60)), " ") for i in range(n)}


def test_an_edit_compares_only_what_it_changed():
    """The memory is used: after an edit, exact comparisons already made are not made again."""
    stories = _archive(40, 1)
    for i in range(0, 10, 2):  # five near-copies, one word changed in each
        day, words, joint = stories[f"{i:03d}.txt"]
        stories[f"{i:03d}-copy.txt"] = (
            day,
            (*words[:30], "quay" if words[30] != "quay" else "pier", *words[31:]),
            joint,
        )
    for i in range(20, 23):  # and three with the same words in another text
        stories[f"{i:03d}-commas.txt"] = (None, stories[f"{i:03d}.txt"][1], ", ")

    def run(memory: dedupe.Memory | None) -> tuple[list[dedupe.Filed], dedupe.Memory, int, int, int]:
        items = [_loaded(rel, s) for rel, s in stories.items()]
        with _counting("_shingles") as shingles, _counting("_text") as texts, _counting("_links") as links:
            found, learned = dedupe.across_with_memory(items, memory)
        assert _grouping(found) == _grouping(dedupe.across(items))
        return found, learned, shingles[0], texts[0], links[0]

    found, memory, shingles, texts, links = run(None)
    assert sum(len(s.copies) for s in found) == 8
    # Each near-copy and its original; each same-word copy and its original, whose texts differ too.
    assert (shingles, texts, links) == (5 * 2 + 3 * 2, 3 * 2, 1)
    # An article with no copy changes: nothing is compared, and the pairs are not worked out from scratch.
    day, words, joint = stories["030.txt"]
    stories["030.txt"] = (day, (*words, "storm", "tide"), joint)
    _, memory, shingles, texts, links = run(memory)
    assert (shingles, texts, links) == (0, 0, 0)
    # A copy changes (another word where it differs, so it stays a copy): only it and the article it copies
    # are compared again.
    day, words, joint = stories["004-copy.txt"]
    other = next(w for w in VOCAB if w not in (words[30], stories["004.txt"][1][30]))
    stories["004-copy.txt"] = (day, (*words[:30], other, *words[31:]), joint)
    found, memory, shingles, texts, links = run(memory)
    assert (shingles, texts, links) == (2, 0, 0)
    assert sum(len(s.copies) for s in found) == 8


def test_a_memory_that_does_not_add_up_means_working_out_afresh():
    items = [_loaded(rel, s) for rel, s in _archive(30, 2).items()]
    stories, memory = dedupe.across_with_memory(items)
    other = [_loaded(rel, s) for rel, s in _archive(30, 3).items()]
    afresh = _grouping(dedupe.across(other))
    # Another archive's memory is of no use, but not wrong: it is updated like any other.
    with _counting("_links") as from_scratch:
        assert _grouping(dedupe.across_with_memory(other, memory)[0]) == afresh
    assert from_scratch == [0]
    # Parts of the wrong kind are noticed.
    broken = dedupe.Memory(None, None, None, None)  # type: ignore[arg-type]
    with _counting("_links") as from_scratch:
        assert _grouping(dedupe.across_with_memory(items, broken)[0]) == _grouping(stories)
    assert from_scratch == [1]
    # So are counts that cannot be right: here a memory that forgot its stock phrases, which an edited article
    # holds (from four words, some 3-grams are in every article).
    with mock.patch.object(dedupe, "MAX_POSTING", 2):
        few = {
            rel: (day, tuple(w if w in VOCAB[:4] else "vote" for w in words), joint)
            for rel, (day, words, joint) in _archive(30, 4).items()
        }
        _, memory = dedupe.across_with_memory([_loaded(rel, s) for rel, s in few.items()])
        assert memory.stock
        day, words, joint = few["007.txt"]
        few["007.txt"] = (day, (*words, "tide"), joint)
        edited = [_loaded(rel, s) for rel, s in few.items()]
        afresh = _grouping(dedupe.across(edited))
        forgetful = dedupe.Memory(memory.links, {}, memory.scores, memory.same)
        with _counting("_links") as from_scratch:
            assert _grouping(dedupe.across_with_memory(edited, forgetful)[0]) == afresh
        assert from_scratch == [1]


def test_a_build_keeps_its_memory_and_the_next_build_uses_it(tmp_path: Path):
    content = tmp_path / "content"
    write_corpus(content, 30, seed=4, meta="frontmatter")
    files = sorted(content.iterdir())
    (content / "copy.txt").write_bytes(files[0].read_bytes())
    folded = ((files[0].name, ("copy.txt",)),)
    config = Config(content=content, output=tmp_path / "site", cache=tmp_path / "cache", search=False)
    assert build(config).copies == folded
    assert (tmp_path / "cache" / COPIES).is_file()
    files[-1].write_text(files[-1].read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    with _counting("_links") as from_scratch:
        assert build(config).copies == folded
    assert from_scratch == [0]
    # A memory that cannot be read is as good as none.
    (tmp_path / "cache" / COPIES).write_bytes(b"not a pickle")
    files[-1].write_text(files[-1].read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    with _counting("_links") as from_scratch:
        assert build(config).copies == folded
    assert from_scratch == [1]


def test_an_article_known_by_its_id_is_not_asked_for_its_sketch_and_a_memory_that_does_not_add_up_is_not_used():
    """The memory keeps each article's sketch by its id (source path and file hash): an article it knows is not
    asked for its own. Sketches that do not match their ids in number mean working out afresh."""
    stories = _archive(30, 6)
    for i in range(0, 12, 3):  # near-copies, one word changed in each
        day, words, joint = stories[f"{i:03d}.txt"]
        stories[f"{i:03d}-copy.txt"] = (
            day,
            (*words[:30], "quay" if words[30] != "quay" else "pier", *words[31:]),
            joint,
        )
    items = [_loaded(rel, s) for rel, s in stories.items()]
    truth = _grouping(dedupe.across(items))
    assert sum(len(copies) for _, copies in truth) == 4
    _, memory = dedupe.across_with_memory(items)
    assert sorted(memory.ids) == sorted(f"{i.source.rel}\0{i.digest}" for i in items)
    # The same articles, each with a sketch of its own that finds no copy: only the memory's find them.
    blind = [
        Loaded(i.source, replace(i.article, sketch=array("I", [n]).tobytes()), i.digest) for n, i in enumerate(items)
    ]
    assert _grouping(dedupe.across(blind)) != truth
    with _counting("_links") as from_scratch:
        assert _grouping(dedupe.across_with_memory(blind, memory)[0]) == truth
    assert from_scratch == [0]
    # An edited article is not known by its new id: its own sketch is used.
    day, words, joint = stories["003-copy.txt"]
    stories["003-copy.txt"] = (day, (*words, "tide"), joint)
    edited = [_loaded(rel, s) for rel, s in stories.items()]
    assert _grouping(dedupe.across_with_memory(edited, memory)[0]) == _grouping(dedupe.across(edited))
    for damaged in (
        replace(memory, sketches=memory.sketches[:-1]),
        replace(memory, ids=list(memory.ids)),
        replace(memory, sketches=(*memory.sketches[:-1], "not a sketch")),
    ):
        with _counting("_links") as from_scratch:
            assert _grouping(dedupe.across_with_memory(items, damaged)[0]) == truth
        assert from_scratch == [1]
