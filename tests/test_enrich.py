"""Enrich gives every article one path, whatever order the files arrive in."""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.corpus import write_corpus

from newsarchive.config import Config
from newsarchive.dedupe import across
from newsarchive.enrich import Memory, Site, enrich
from newsarchive.load import Loaded, Source, discover, load_all
from newsarchive.parse import Rules, parse_article


def _loaded(rel: str, headline: str, body: str) -> Loaded:
    text = f"---\ndate: 2024-03-01\n---\n{headline}\n\n{body}\n"
    return Loaded(Source(Path(rel), rel), parse_article(rel, text), rel + text)


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
