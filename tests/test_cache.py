"""The build cache: what it gives back equals what the loader made, and a damaged file only costs time."""

from __future__ import annotations

import pickle
from dataclasses import fields
from pathlib import Path

import pytest

from newsarchive import cache as cache_module
from newsarchive.cache import SHARDS, LoadCache
from newsarchive.load import Loaded, discover, load_all
from newsarchive.model import Article, Notice
from newsarchive.parse import Rules
from newsarchive.write import replace_file

KEY = "the-loader-key"
RULES = Rules.make()
MAX = 5 << 20


def _files(n: int, words: str = "") -> dict[str, str | bytes]:
    """Articles in every style the loader knows, with lines it drops, warnings, words in several scripts, and
    a file that fails; enough of them that every cache file holds some."""
    files: dict[str, str | bytes] = {
        "scraped.txt": (
            "Council approves harbour wall\n\nCouncil approves harbour wall\n\nThe vote was close.\n\n"
            "Advertisement\n\nThe vote was close.\n\nWork starts in May, the council said.\n"
        ),
        "plain-undated.txt": f"Ferry timetable changes\n\nThe winter timetable starts on Monday {words}.\n",
        "markdown.md": (
            "---\ndate: 2021-03-04\ntags: [Transport, Café culture]\nbyline: [Jane Doe, John Roe]\n"
            "dateline: {place: ZÜRICH, agency: Reuters}\nslug: tram-line\n---\n"
            "# Tram line opens\n\nA *new* tram line to Zürich opens; 東京 next. Crème brûlée for all.\n\n"
            "- first stop\n- second stop\n\n> Quoted words\n"
        ),
        "draft.txt": "---\ndraft: true\ndate: 2020-01-02\n---\nA draft story\n\nNot ready yet.\n",
        "empty.txt": b"",
    }
    for i in range(n):
        files[f"story-{i:03d}.txt"] = (
            f"---\ndate: 2020-{1 + i % 12:02d}-{1 + i % 28:02d}\ntags: [topic{i % 4}]\n---\n"
            f"Headline number {i} about the river\n\nParagraph {i} tells of the river and the bridge {words}.\n"
        )
    return files


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _load(content: Path, cache: LoadCache | None = None) -> tuple[list[Loaded], list[Notice]]:
    sources, problems = discover(content)
    assert not problems
    return load_all(sources, RULES, MAX, cache=cache)


def _save(cache: LoadCache) -> None:
    assert cache.folder is not None
    for name, data in cache.dump():
        replace_file(cache.folder / name, data)


def _cached(tmp_path: Path) -> tuple[list[Loaded], list[Notice]]:
    """Load `tmp_path/content` through a new cache in `tmp_path/cache`, and save it."""
    cache = LoadCache(tmp_path / "cache", KEY)
    found = _load(tmp_path / "content", cache)
    _save(cache)
    return found


def _every_field(article: Article) -> dict[str, object]:
    return {f.name: getattr(article, f.name) for f in fields(Article)}


@pytest.fixture(params=[True, False], ids=["mapped", "read"])
def mapped(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(cache_module, "MAPPED", request.param)
    return bool(request.param)


def test_articles_read_back_equal_the_parsed_ones_in_every_field(
    tmp_path: Path, mapped: bool, parse_calls: list[str]
) -> None:
    _write(tmp_path / "content", _files(40))
    fresh, fresh_problems = _load(tmp_path / "content")
    _cached(tmp_path)
    assert len(list((tmp_path / "cache").glob("articles-*.pickle"))) > SHARDS // 2
    parse_calls.clear()
    loaded, problems = _load(tmp_path / "content", LoadCache(tmp_path / "cache", KEY))
    assert parse_calls == [], "every record came from the cache"
    assert problems == fresh_problems and [p.path for p in problems] == [str(tmp_path / "content" / "empty.txt")]
    assert [item.source for item in loaded] == [item.source for item in fresh]
    assert [item.digest for item in loaded] == [item.digest for item in fresh]
    for item, made in zip(loaded, fresh, strict=True):
        assert item.article == made.article and hash(item.article) == hash(made.article)
        assert _every_field(item.article) == _every_field(made.article), item.source.rel
        assert list(item.article.blocks) == list(made.article.blocks)
        assert list(item.article.lines) == list(made.article.lines)
    by_name = {item.source.rel: item.article for item in loaded}
    assert by_name["scraped.txt"].drops and by_name["plain-undated.txt"].warnings
    markdown = by_name["markdown.md"]
    assert markdown.terms[0] and markdown.sketch and markdown.blocks[0].html and "東京" in markdown.body_text
    assert markdown.dateline is not None and markdown.dateline.place == "ZÜRICH" and "Café culture" in markdown.tags


def test_a_record_read_back_behaves_as_one_made_by_the_loader(tmp_path: Path) -> None:
    _write(tmp_path / "content", _files(20))
    _cached(tmp_path)
    loaded, _ = _load(tmp_path / "content", LoadCache(tmp_path / "cache", KEY))
    article = next(item.article for item in loaded if item.source.rel == "markdown.md")
    with pytest.raises(AttributeError, match="no attribute 'body'"):
        article.body  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(article, "nothing")
    copy = pickle.loads(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == article and _every_field(copy) == _every_field(article)
    assert "Tram line opens" in repr(article) and article.body_text.startswith("A *new* tram line")


def test_records_stay_as_read_when_the_cache_files_are_replaced_or_removed(tmp_path: Path, mapped: bool) -> None:
    _write(tmp_path / "content", _files(40))
    _cached(tmp_path)
    before, _ = _load(tmp_path / "content")
    loaded, _ = _load(tmp_path / "content", LoadCache(tmp_path / "cache", KEY))  # nothing big read yet
    _write(tmp_path / "content", _files(40, "and the new ferry"))
    _cached(tmp_path)  # every cache file replaced by one holding the new text
    read_again, _ = _load(tmp_path / "content", LoadCache(tmp_path / "cache", KEY))
    assert any("new ferry" in item.article.body_text for item in read_again)
    for path in (tmp_path / "cache").iterdir():
        path.unlink()
    for item, made in zip(loaded, before, strict=True):
        assert _every_field(item.article) == _every_field(made.article)
        assert "new ferry" not in item.article.body_text


def _shard_holding(folder: Path, name: str) -> Path:
    for path in sorted(folder.glob("articles-*.pickle")):
        if name.encode() in path.read_bytes():
            return path
    raise AssertionError(f"no cache file holds {name}")


def _damaged(data: bytes, how: str) -> bytes:
    index_end = len(pickle.dumps(pickle.loads(data), protocol=pickle.HIGHEST_PROTOCOL))
    index = pickle.loads(data)
    if how == "cut in the index":
        return data[: index_end // 2]
    if how == "cut in the records":
        return data[: (index_end + len(data)) // 2]
    if how == "one byte short":
        return data[:-1]
    if how == "one byte more":
        return data + b"\x00"
    if how == "garbage":
        return b"\x80\x05 not a pickle at all"
    if how == "empty":
        return b""
    if how == "another key":
        return pickle.dumps({**index, "key": "another"}, protocol=pickle.HIGHEST_PROTOCOL) + data[index_end:]
    if how == "a short field":
        small = {**index["small"], "headline": index["small"]["headline"][:-1]}
        return pickle.dumps({**index, "small": small}, protocol=pickle.HIGHEST_PROTOCOL) + data[index_end:]
    if how == "records out of place":
        big = {**index["big"], "sketch": index["big"]["sketch"][8:] + index["big"]["sketch"][:8]}
        return pickle.dumps({**index, "big": big}, protocol=pickle.HIGHEST_PROTOCOL) + data[index_end:]
    assert how == "the old layout"
    entries = {name: (None, "", None) for name in index["names"]}
    return pickle.dumps({"key": KEY, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL)


@pytest.mark.parametrize(
    "how",
    [
        "cut in the index",
        "cut in the records",
        "one byte short",
        "one byte more",
        "garbage",
        "empty",
        "another key",
        "a short field",
        "records out of place",
        "the old layout",
    ],
)
def test_a_damaged_cache_file_is_ignored_and_only_its_files_are_parsed_again(
    tmp_path: Path, how: str, parse_calls: list[str]
) -> None:
    _write(tmp_path / "content", _files(40))
    fresh, fresh_problems = _load(tmp_path / "content")
    _cached(tmp_path)
    damaged = _shard_holding(tmp_path / "cache", "story-007.txt")
    held = set(pickle.loads(damaged.read_bytes())["names"])
    damaged.write_bytes(_damaged(damaged.read_bytes(), how))
    parse_calls.clear()
    cache = LoadCache(tmp_path / "cache", KEY)
    loaded, problems = _load(tmp_path / "content", cache)
    assert sorted(parse_calls) == sorted(held), "the files of the damaged cache file, and only those"
    assert problems == fresh_problems
    for item, made in zip(loaded, fresh, strict=True):
        assert _every_field(item.article) == _every_field(made.article)
    _save(cache)
    parse_calls.clear()
    _load(tmp_path / "content", LoadCache(tmp_path / "cache", KEY))
    assert parse_calls == [], "the damaged file was written again"


def test_a_file_that_failed_is_remembered_with_its_problem(tmp_path: Path, parse_calls: list[str]) -> None:
    _write(tmp_path / "content", {"good.txt": "A headline\n\nA paragraph.\n", "nul.txt": "A headline\n\nA \x00 NUL\n"})
    _, problems = _cached(tmp_path)
    assert [p.path for p in problems] == [str(tmp_path / "content" / "nul.txt")]
    parse_calls.clear()
    loaded, again = _load(tmp_path / "content", LoadCache(tmp_path / "cache", KEY))
    assert again == problems and [item.source.rel for item in loaded] == ["good.txt"] and parse_calls == []
