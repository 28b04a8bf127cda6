"""The loader over three real news corpora (local test data in ../shared/corpora, never republished).

Each check is a fact stated in the corpus's own README (the 98 byte-identical
BBC pairs, Horne's cp1252 bodies, Pérez-Rosas's repeated READ NEXT lists...)
or a rule every real file must obey: no crash, only ContentError, every line
accounted for. Each corpus also prints a short report; `pytest -s` shows it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from newsarchive import dedupe, load, textmatch
from newsarchive.config import Config
from newsarchive.decode import decode
from newsarchive.dedupe import across
from newsarchive.errors import ContentError
from newsarchive.frontmatter import Meta
from newsarchive.model import Article, Dateline, Notice
from newsarchive.parse import Rules, parse_article

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
RULES = Rules.make()
MAX = Config().max_file_bytes


@dataclass(frozen=True)
class Corpus:
    root: Path
    sources: list[load.Source]
    loaded: list[load.Loaded]
    failed: list[Notice]

    def article(self, rel: str) -> Article:
        (found,) = [item.article for item in self.loaded if item.source.rel == rel]
        return found

    def text(self, rel: str) -> str:
        return decode(rel, (self.root / rel).read_bytes())


def _folder(name: str) -> Path:
    folder = CORPORA / name
    if not folder.is_dir():
        pytest.skip(f"corpus {name} not found at {folder}; the shared/ folder must sit beside the repository")
    return folder


def _load(name: str) -> Corpus:
    root = _folder(name)
    sources, problems = load.discover(root, Config().ignore)
    assert problems == []
    try:
        loaded, failed = load.load_all(sources, RULES, MAX)
    except Exception as exc:  # any other exception is a crash, whatever the file
        pytest.fail(f"loading {name} crashed: {exc!r}")
    return Corpus(root, sources, loaded, failed)


def _rel(corpus: Corpus, notice: Notice) -> str:
    return Path(notice.path).relative_to(corpus.root).as_posix()


def _nonblank(text: str) -> Counter[int]:
    return Counter(n for n, line in enumerate(text.split("\n"), start=1) if line.strip())


def _report(name: str, articles: list[Article], failed: list[Notice], extra: str = "") -> None:
    reasons = Counter(r.reason for a in articles for r in a.lines if r.reason)
    errors = Counter(re.sub(r";.*", "", n.message) for n in failed)
    print(
        f"\n[{name}] {len(articles)} articles, {len(failed)} files refused {dict(errors)}; "
        f"dropped lines: {reasons['duplicate']} repeats, {reasons['near_duplicate']} near-duplicates, "
        f"{reasons['boilerplate']} boilerplate; undated {sum(a.date is None for a in articles)}; "
        f"datelines {sum(a.dateline is not None for a in articles)}; bylines {sum(bool(a.byline) for a in articles)}"
        + (f"; {extra}" if extra else "")
    )


def _assert_accounted(corpus: Corpus) -> None:
    for item in corpus.loaded:
        text = corpus.text(item.source.rel)
        assert Counter(r.line for r in item.article.lines) == _nonblank(text), item.source.rel


# --- BBC full text -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bbc() -> Corpus:
    return _load("bbc-fulltext")


def _readme_pairs(root: Path) -> set[frozenset[str]]:
    listing = (root / "README.md").read_text(encoding="utf-8").split("Full list of byte-identical pairs:")[1]
    pairs: set[frozenset[str]] = set()
    for category, numbers in re.findall(r"(\w+)/([\d=\s]+)[;.]", listing):
        for a, b in re.findall(r"(\d{3})=(\d{3})", numbers):
            pairs.add(frozenset({f"bbc/{category}/{a}.txt", f"bbc/{category}/{b}.txt"}))
    return pairs


def _story_pairs(stories: list[dedupe.Filed]) -> set[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for story in stories:
        members = [story.loaded.source.rel, *(c.source.rel for c in story.copies)]
        pairs.update(frozenset(p) for p in itertools.combinations(members, 2))
    return pairs


def test_bbc_every_file_loads_and_every_line_is_accounted_for(bbc):
    assert len(bbc.sources) == 2225
    assert bbc.failed == []
    assert len(bbc.loaded) == 2225
    _assert_accounted(bbc)
    # The README: "scraping artefacts: none", and the one repeated paragraph (sport/190) is real content.
    dropped = [(item.source.rel, r.line) for item in bbc.loaded for r in item.article.lines if r.role == "dropped"]
    assert dropped == []
    _report("bbc-fulltext", [item.article for item in bbc.loaded], bbc.failed)


def test_bbc_headline_is_line_one(bbc):
    for item in bbc.loaded:
        first = bbc.text(item.source.rel).split("\n", 1)[0].strip()
        assert item.article.headline == first, item.source.rel


def test_bbc_latin1_pound_sign_decodes(bbc):
    raw = (bbc.root / "bbc/sport/199.txt").read_bytes()
    assert b"\xa315.8m" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "a \u00a315.8m" in bbc.article("bbc/sport/199.txt").body_text


def test_bbc_bullet_lines_become_lists(bbc):
    for item in bbc.loaded:
        text = bbc.text(item.source.rel)
        runs = re.findall(r"^ ?- .*\n(?: ?- .*\n)+", text, re.M)
        lists = [b for b in item.article.blocks if b.kind == "list"]
        assert len(lists) >= len(runs), item.source.rel
        for run, block in zip(runs, lists, strict=False):
            assert len(block.items) == run.count("\n")
    listing = [b for b in bbc.article("bbc/business/020.txt").blocks if b.kind == "list"]
    assert [len(b.items) for b in listing] == [3]
    assert listing[0].items[0] == 'call centre operations are part of their business "core function",'


def test_bbc_byte_identical_pairs_match_the_readme(bbc):
    readme = _readme_pairs(bbc.root)
    assert len(readme) == 98
    by_bytes: dict[bytes, list[str]] = {}
    for source in bbc.sources:
        by_bytes.setdefault(source.path.read_bytes(), []).append(source.rel)
    identical = {frozenset(p) for group in by_bytes.values() for p in itertools.combinations(group, 2)}
    assert identical == readme
    found = _story_pairs(dedupe.across(bbc.loaded))
    assert readme <= found
    # Each identical copy is folded under the first path of its pair (all are undated).
    stories = {s.loaded.source.rel: {c.source.rel for c in s.copies} for s in dedupe.across(bbc.loaded)}
    for pair in readme:
        first, second = sorted(pair)
        assert second in stories.get(first, set()), pair


def test_bbc_whitespace_only_pairs_are_folded(bbc):
    found = _story_pairs(dedupe.across(bbc.loaded))
    for a, b in (("bbc/sport/181.txt", "bbc/sport/182.txt"), ("bbc/sport/432.txt", "bbc/sport/438.txt")):
        assert (bbc.root / a).read_bytes() != (bbc.root / b).read_bytes()
        assert " ".join(bbc.text(a).split()) == " ".join(bbc.text(b).split())
        assert frozenset({a, b}) in found


def _signature(article: Article) -> frozenset[textmatch.Shingle]:
    return textmatch.shingles(textmatch.normalise(article.headline + "\n" + article.body_text))


def test_bbc_near_identical_stories_and_updated_re_versions(bbc):
    stories = dedupe.across(bbc.loaded)
    story_of = {item.source.rel: s.loaded.source.rel for s in stories for item in (s.loaded, *s.copies)}
    sig = {item.source.rel: _signature(item.article) for item in bbc.loaded}
    # Every copy is the canonical text again, or nearly: at the threshold or above.
    near = 0
    for story in stories:
        for copy in story.copies:
            a, b = story.loaded.article, copy.article
            if textmatch.normalise(a.headline + a.body_text) != textmatch.normalise(b.headline + b.body_text):
                near += 1
                assert textmatch.similarity(sig[story.loaded.source.rel], sig[copy.source.rel]) >= (
                    dedupe.NEAR_IDENTICAL_THRESHOLD
                )
    # Same headline, different bodies: updated re-versions, folded only when nearly identical.
    by_headline: dict[str, list[load.Loaded]] = {}
    for item in bbc.loaded:
        by_headline.setdefault(item.article.headline, []).append(item)
    shared = {h: g for h, g in by_headline.items() if len(g) > 1}
    differing = {h: g for h, g in shared.items() if len({textmatch.normalise(i.article.body_text) for i in g}) > 1}
    assert (len(shared), len(differing)) == (129, 29)
    for group in differing.values():
        for x, y in itertools.combinations(group, 2):
            together = story_of[x.source.rel] == story_of[y.source.rel]
            similar = textmatch.similarity(sig[x.source.rel], sig[y.source.rel])
            assert together == (similar >= dedupe.NEAR_IDENTICAL_THRESHOLD), (x.source.rel, y.source.rel, similar)
    folded = sum(len({story_of[i.source.rel] for i in g}) == 1 for g in differing.values())
    # The README's example of a re-version that must stay two stories.
    assert story_of["bbc/tech/043.txt"] != story_of["bbc/tech/326.txt"]
    copies = sum(len(s.copies) for s in stories)
    assert copies == 98 + 2 + near
    print(
        f"\n[bbc-fulltext dedupe] {len(stories)} stories, {copies} copies: 98 byte-identical, 2 whitespace-only, "
        f"{near} near-identical (threshold {dedupe.NEAR_IDENTICAL_THRESHOLD}); same-headline groups "
        f"with different bodies: {folded} of {len(differing)} folded, {len(differing) - folded} kept apart"
    )


def test_bbc_story_grouping_does_not_depend_on_input_order(bbc):
    def grouped(items: list[load.Loaded]) -> set[tuple[str, tuple[str, ...]]]:
        return {(s.loaded.source.rel, tuple(sorted(c.source.rel for c in s.copies))) for s in dedupe.across(items)}

    assert grouped(bbc.loaded) == grouped(bbc.loaded[::-1]) == grouped(bbc.loaded[1::2] + bbc.loaded[::2])


def test_bbc_story_grouping_is_the_same_with_sketches_made_by_dedupe(bbc):
    def grouped(items: list[load.Loaded]) -> list[tuple[str, list[str]]]:
        return [(s.loaded.source.rel, [c.source.rel for c in s.copies]) for s in dedupe.across(items)]

    unsketched = [replace(item, article=replace(item.article, sketch=b"")) for item in bbc.loaded]
    assert grouped(unsketched) == grouped(bbc.loaded)


def test_bbc_story_grouping_from_the_last_calls_memory_is_the_same(bbc):
    """Articles and their copies removed, put back and edited (re-headlined, so a copy stays a near-copy):
    `across` with the memory of the call before groups the stories as it does afresh."""

    def grouped(stories: list[dedupe.Filed]) -> list[tuple[str, list[str]]]:
        return [(s.loaded.source.rel, [c.source.rel for c in s.copies]) for s in stories]

    stories = dedupe.across(bbc.loaded)
    folded = [item.source.rel for story in stories if story.copies for item in (story.loaded, *story.copies)]
    alone = [story.loaded.source.rel for story in stories if not story.copies]
    gone, changed = {*folded[::3], *alone[::50]}, set(folded[1::3])
    edited = [
        replace(
            item,
            article=replace(item.article, headline=f"{item.article.headline} (updated)", sketch=b""),
            digest=f"{item.digest}, updated",
        )
        if item.source.rel in changed
        else item
        for item in bbc.loaded
    ]
    _, memory = dedupe.across_with_memory(bbc.loaded)
    for items in ([item for item in bbc.loaded if item.source.rel not in gone], bbc.loaded, edited):
        found, memory = dedupe.across_with_memory(items, memory)
        assert grouped(found) == grouped(dedupe.across(items))


# --- Pérez-Rosas et al. ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def perez() -> Corpus:
    return _load("perez-rosas2018-fakenews")


def test_perez_only_headline_less_files_are_refused(perez):
    assert len(perez.sources) == 980
    assert len(perez.loaded) + len(perez.failed) == 980
    _assert_accounted(perez)
    refused = sorted(_rel(perez, n) for n in perez.failed)
    for notice in perez.failed:
        assert "no headline" in notice.message and "sidecar" in notice.message
    print("\n[perez-rosas2018-fakenews] refused: " + ", ".join(refused))
    # The README: 30 FakeNewsAMT fakes have no headline, their first line is body text.
    assert sum(r.startswith("fakeNewsDataset/fake/") for r in refused) == 30
    for rel in refused:
        first = next(line for line in perez.text(rel).split("\n") if line.strip() and "://" not in line)
        assert len(first) > 100, rel
    _report("perez-rosas2018-fakenews", [item.article for item in perez.loaded], perez.failed)


def test_perez_headline_after_a_leading_empty_line(perez):
    starting_empty = [s.rel for s in perez.sources if s.path.read_bytes().startswith(b"\n")]
    assert len(starting_empty) == 18
    for rel in starting_empty:
        article = perez.article(rel)
        lines = perez.text(rel).split("\n")
        assert article.headline == lines[1].strip()
        assert {r.line: r.role for r in article.lines}[2] == "headline"


def test_perez_read_next_lists_are_dropped(perez):
    rel = "celebrityDataset/legit/195legit.txt"
    article = perez.article(rel)
    lines = perez.text(rel).split("\n")
    records = {r.line: r for r in article.lines}
    read_next = [n for n, line in enumerate(lines, start=1) if line.strip() == "READ NEXT"]
    assert len(read_next) == 11
    for n in read_next:
        assert (records[n].role, records[n].reason) == ("dropped", "boilerplate")
        # The box: a link title, the same title again, the linked story's byline.
        box = [m for m in range(n + 1, n + 7) if lines[m - 1].strip()][:3]
        assert lines[box[0] - 1] == lines[box[1] - 1]
        assert lines[box[2] - 1].startswith("By ")
        assert all(records[m].role == "dropped" for m in box)
    body = article.body_text
    assert "READ NEXT" not in body and "By Ciara Sheppard" not in body
    # What follows a box is the article again.
    assert "The One Direction star's highly anticipated debut solo album" in body
    assert "Could this be it?" in body


@pytest.mark.parametrize(
    ("rel", "copies"),
    [
        ("celebrityDataset/legit/033legit.txt", 3),
        ("celebrityDataset/legit/112legit.txt", 2),
        ("celebrityDataset/legit/144legit.txt", 2),
        ("celebrityDataset/legit/105legit.txt", 1),
        ("celebrityDataset/legit/123legit.txt", 1),
        ("fakeNewsDataset/legit/polit15.legit.txt", 1),
    ],
)
def test_perez_repeated_blocks_are_dropped(perez, rel, copies):
    article = perez.article(rel)
    repeats = [r for r in article.lines if r.reason in ("duplicate", "near_duplicate")]
    assert len(repeats) == copies
    lines = perez.text(rel).split("\n")
    for record in repeats:
        assert record.duplicate_of is not None and record.duplicate_of < record.line
        kept = " ".join(lines[record.duplicate_of - 1].split())
        assert kept in [" ".join(b.text.split()) for b in article.blocks]


@pytest.mark.parametrize(
    ("rel", "year", "month", "day"),
    [
        ("celebrityDataset/legit/102legit.txt", 2017, 10, 24),
        ("celebrityDataset/legit/101legit.txt", 2017, 11, 16),
        ("celebrityDataset/legit/136legit.txt", 2017, 8, 24),
        ("celebrityDataset/fake/102fake.txt", 2017, 10, 23),
        ("celebrityDataset/fake/033fake.txt", 2016, 12, 29),
        ("celebrityDataset/fake/099fake.txt", 2016, 8, 27),
    ],
)
def test_perez_dates_in_the_text(perez, rel, year, month, day):
    article = perez.article(rel)
    assert (article.date.isoformat() if article.date else None) == f"{year}-{month:02}-{day:02}"
    assert article.date_origin == "text"


@pytest.mark.parametrize(
    ("rel", "dateline"),
    [
        ("fakeNewsDataset/legit/edu29.legit.txt", Dateline("STREAMWOOD, Ill.", "AP")),
        ("fakeNewsDataset/fake/edu29.fake.txt", Dateline("STREAMWOOD, Ill.", "AP")),
        ("celebrityDataset/legit/169legit.txt", Dateline("CAMDEN, N.J.")),
    ],
)
def test_perez_datelines(perez, rel, dateline):
    article = perez.article(rel)
    assert article.dateline == dateline
    first = next(b for b in article.blocks if b.kind == "paragraph")
    assert not first.text.startswith(dateline.place)
    assert first.text[:1].isupper() or first.text[:1] in "\"'\u201c"


# --- Horne & Adali ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def horne() -> Corpus:
    return _load("horne2017-fakenewsdata1")


def _bodies(root: Path) -> Iterator[tuple[Path, Path]]:
    for body in sorted(root.glob("Public Data/*/*/*.txt")):
        if not body.parent.name.endswith("_titles"):
            yield body, body.parent.parent / f"{body.parent.name}_titles" / body.name


def test_horne_cp1252_bodies_decode_without_replacement_characters(horne):
    not_utf8 = 0
    with_0x85 = 0
    for body, _ in _bodies(horne.root):
        raw = body.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            not_utf8 += 1
        text = decode(str(body), raw)
        assert "\ufffd" not in text, body
        assert "\x85" not in text and "\r" not in text, body
        if b"\x85" in raw:
            with_0x85 += 1
            assert text.count("\u2026") >= raw.count(b"\x85"), body
    assert not_utf8 == 310
    assert with_0x85 > 0


def test_horne_mixed_title_files_decode(horne):
    titles = horne.root / "Public Data/Buzzfeed Political News Dataset/Fake_titles"
    for name in ("4_Fake.txt", "14_Fake.txt"):
        raw = (titles / name).read_bytes()
        for codec in ("utf-8", "cp1252"):
            with pytest.raises(UnicodeDecodeError):
                raw.decode(codec)
        text = decode(name, raw)
        assert text.strip() and "\n" not in text.strip()
    # The UTF-8 quote in 4_Fake survives as itself, beside the lone byte that is not cp1252.
    assert "\u201c" in decode("4_Fake.txt", (titles / "4_Fake.txt").read_bytes())


def test_horne_loader_refuses_only_with_content_errors(horne):
    assert len(horne.sources) == 652
    assert len(horne.loaded) + len(horne.failed) == 652
    _assert_accounted(horne)
    by_kind: Counter[str] = Counter()
    for notice in horne.failed:
        rel = _rel(horne, notice)
        kind = "title" if "_titles/" in rel else "body"
        reason = "no body" if "no body" in notice.message else "no headline" if "no headline" in notice.message else "?"
        by_kind[f"{kind}: {reason}"] += 1
        # A title file is one line, a headline with nothing under it.
        assert kind == "body" or reason == "no body", rel
    assert by_kind["title: no body"] == 326
    assert by_kind["body: ?"] == 0
    print(f"\n[horne2017-fakenewsdata1 as found] refused {dict(by_kind)}; loaded {len(horne.loaded)} bodies")


@pytest.fixture(scope="module")
def horne_paired(horne) -> dict[str, tuple[str, Article]]:
    """Each body parsed with its title file's text as the headline, as a sidecar would give it."""
    paired: dict[str, tuple[str, Article]] = {}
    for body, title in _bodies(horne.root):
        headline = decode(str(title), title.read_bytes()).strip()
        text = decode(str(body), body.read_bytes())
        rel = body.relative_to(horne.root / "Public Data").as_posix()
        paired[rel] = (text, parse_article(str(body), text, sidecar=Meta(headline=headline), rules=RULES))
    return paired


def test_horne_bodies_with_their_titles_all_parse(horne_paired):
    assert len(horne_paired) == 326
    for rel, (text, article) in horne_paired.items():
        assert Counter(r.line for r in article.lines) == _nonblank(text), rel
    _report("horne2017-fakenewsdata1 bodies + titles", [a for _, a in horne_paired.values()], [])


@pytest.mark.parametrize(
    ("rel", "repeats"),
    [
        ("Buzzfeed Political News Dataset/Real/118_Real.txt", 6),  # the opening paragraphs, twice
        ("Buzzfeed Political News Dataset/Fake/26_Fake.txt", 3),  # image captions, each twice in a row
    ],
)
def test_horne_repeated_blocks_are_dropped(horne_paired, rel, repeats):
    _, article = horne_paired[rel]
    assert sum(r.reason == "duplicate" for r in article.lines) >= repeats
    assert len({b.text for b in article.blocks if b.kind == "paragraph"}) == len(
        [b for b in article.blocks if b.kind == "paragraph"]
    )


def test_horne_read_more_and_caption_markers_are_boilerplate(horne_paired):
    for rel, marker in [
        ("Buzzfeed Political News Dataset/Real/141_Real.txt", "Learn more"),
        ("Random Poltical News Dataset/Real/163.txt", "Read more:"),
        ("Random Poltical News Dataset/Real/1004.txt", "Image caption"),
    ]:
        text, article = horne_paired[rel]
        lines = text.split("\n")
        records = {r.line: r for r in article.lines}
        marked = [n for n, line in enumerate(lines, start=1) if line.strip() == marker]
        assert len(marked) >= 2, rel
        assert all(records[n].reason == "boilerplate" for n in marked), rel


def test_horne_transcript_markers_are_content_not_repeats(horne_paired):
    # "(APPLAUSE)" twice in a debate transcript is two rounds of applause.
    _, article = horne_paired["Buzzfeed Political News Dataset/Real/127_Real.txt"]
    assert [b.text for b in article.blocks].count("(APPLAUSE)") == 2


def test_horne_people_sharing_a_job_title_keep_it(horne_paired):
    # A list of signatories: name, then role; two people with the same role keep it both times.
    text, article = horne_paired["Buzzfeed Political News Dataset/Real/133_Real.txt"]
    role = "Former special assistant to President George W. Bush"
    assert text.count(role) >= 2
    assert [b.text for b in article.blocks].count(role) == text.count(role)


@pytest.mark.parametrize(
    ("rel", "dateline"),
    [
        ("Buzzfeed Political News Dataset/Fake/28_Fake.txt", Dateline("WASHINGTON, D.C.")),
        ("Buzzfeed Political News Dataset/Fake/14_Fake.txt", Dateline("PHOENIX A.Z.", "AP")),
        ("Random Poltical News Dataset/Real/191.txt", Dateline("PALM BEACH, Fla.")),
        ("Random Poltical News Dataset/Satire/211.txt", Dateline("WASHINGTON", "The Borowitz Report")),
    ],
)
def test_horne_datelines(horne_paired, rel, dateline):
    _, article = horne_paired[rel]
    assert article.dateline == dateline


def test_corpora_are_refused_only_with_content_errors():
    """Every file of every corpus, one at a time: a result or a ContentError, never anything else."""
    seen = 0
    for name in ("bbc-fulltext", "perez-rosas2018-fakenews", "horne2017-fakenewsdata1"):
        root = CORPORA / name
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.txt")):
            seen += 1
            try:
                parse_article(str(path), decode(str(path), path.read_bytes()), rules=RULES)
            except ContentError as exc:
                assert exc.notices and all(n.path == str(path) for n in exc.notices)
    if seen == 0:
        pytest.skip(f"no corpora found under {CORPORA}")
    assert seen == 2225 + 980 + 652


@pytest.mark.parametrize("name", ["perez-rosas2018-fakenews", "horne2017-fakenewsdata1"])
def test_messy_corpora_build_or_name_every_broken_file(name, tmp_path, capsys):
    """`newsarchive build` on a whole corpus: without --keep-going it fails listing every broken file and
    writes nothing; with it, it publishes the rest, names each skipped file, and still exits 1."""
    from newsarchive.cli import main

    root = _folder(name)
    corpus = _load(name)
    broken = {n.path for n in corpus.failed}
    out = tmp_path / "site"
    args = ["build", "--content", str(root), "--output", str(out), "--no-search", "--no-cache", "-q"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert not out.exists(), "a failed build writes nothing"
    assert {line.split(":")[0] for line in err.splitlines() if line.startswith(str(root))} == broken
    assert "Traceback" not in err
    assert main([*args, "--keep-going"]) == 1
    err = capsys.readouterr().err
    skipped = {line.removeprefix("skipped: ").split(":")[0] for line in err.splitlines() if line.startswith("skipped:")}
    assert skipped == broken
    article_path = re.compile(r"^(\d{4}/\d\d/\d\d|undated)/[^/]+/index\.html$")
    pages = [p for p in out.rglob("index.html") if article_path.match(p.relative_to(out).as_posix())]
    stories = across(corpus.loaded)
    assert len(pages) == len(stories), "every story that parsed is published once"
