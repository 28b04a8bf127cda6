"""The build's speed machinery must never change what is built: cache, up-to-date check, kept files, workers."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from newsarchive import render, urls
from newsarchive.build import build, clean
from newsarchive.config import Config, load_config
from newsarchive.enrich import Site
from newsarchive.errors import ContentError
from newsarchive.render import Renderer
from newsarchive.serve import served_config


def _article(n: int, words: str = "") -> str:
    day = 1 + n % 28
    return (
        f"---\ndate: 2020-{1 + n % 12:02d}-{day:02d}\ntags: [topic{n % 5}]\n---\n"
        f"Headline number {n} about harbour {n % 7}\n\n"
        f"Paragraph one of story {n} tells of the harbour and the ferry {words}.\n\n"
        f"Paragraph two of story {n} adds the council vote and the river wall.\n"
    )


def _config(tmp_path: Path, **extra: object) -> Config:
    base = load_config(None, content=tmp_path / "content", output=tmp_path / "site")
    values = {"search": False, "templates": tmp_path / "templates", "jobs": 1, **extra}
    return Config(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, **values})


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_second_build_is_up_to_date_and_parses_nothing(tmp_path: Path, parse_calls: list[str]) -> None:
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(6)})
    config = _config(tmp_path)
    first = build(config)
    assert len(parse_calls) == 6 and not first.up_to_date
    before = _tree(config.output)
    second = build(config)
    assert second.up_to_date and second.articles == first.articles and second.pages == first.pages
    assert len(parse_calls) == 6, "an up-to-date build parses nothing"
    assert _tree(config.output) == before


def test_touched_file_is_read_but_not_parsed_and_every_page_is_kept(tmp_path: Path, parse_calls: list[str]) -> None:
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(6)})
    config = _config(tmp_path)
    build(config)
    index = config.output / "index.html"
    inode, mtime = index.stat().st_ino, index.stat().st_mtime_ns
    os.utime(tmp_path / "content" / "a3.txt", ns=(1, 1))
    report = build(config)
    assert not report.up_to_date
    assert len(parse_calls) == 6, "same bytes under a new time: taken from the cache"
    assert report.written == 0 and report.kept == report.files
    assert (index.stat().st_ino, index.stat().st_mtime_ns) == (inode, mtime), "unchanged files keep their time"


def test_editing_one_article_reparses_only_it_and_rewrites_only_what_changed(
    tmp_path: Path, parse_calls: list[str]
) -> None:
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(12)})
    config = _config(tmp_path)
    build(config)
    parse_calls.clear()
    _write(tmp_path / "content", {"a4.txt": _article(4, "and a new pier")})
    report = build(config)
    assert parse_calls == [str(tmp_path / "content" / "a4.txt")]
    assert 0 < report.written < report.files
    assert "and a new pier" in next((config.output).rglob("headline-number-4-*/index.html")).read_text("utf-8")


def test_editing_one_article_rewrites_one_small_cache_file(tmp_path: Path) -> None:
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(40)})
    config = _config(tmp_path)
    build(config)
    assert config.cache is not None
    shards = sorted(config.cache.glob("articles-*.pickle"))
    assert len(shards) > 8, "the records are spread over several files"
    before = {p.name: p.stat().st_mtime_ns for p in shards}
    _write(tmp_path / "content", {"a4.txt": _article(4, "and a new pier")})
    build(config)
    changed = [p.name for p in shards if p.stat().st_mtime_ns != before[p.name]]
    assert len(changed) == 1


def test_incremental_builds_equal_clean_builds_through_random_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random edits, additions, deletions, renames and template changes: each cached build equals a clean one.

    Besides the body, edits change what other pages show of an article (its headline on its neighbours'
    pages and in related lists, its date and so its neighbours, the spelling that names its topic)."""
    plans: list[bool] = []  # for each build of the site: whether it knew which pages an edit reaches
    real_plan = render.Plan.__init__

    def planning(self: render.Plan, site: Site, *args: object, **kwargs: object) -> None:
        real_plan(self, site, *args, **kwargs)  # type: ignore[arg-type]
        if site.config.output == tmp_path / "site":
            plans.append(self.changed is not None)

    monkeypatch.setattr(render.Plan, "__init__", planning)
    rng = random.Random(7)
    content = tmp_path / "content"
    _write(content, {f"a{n}.txt": _article(n) for n in range(15)})
    for n in range(0, 15, 3):  # a slug of their own: a new headline leaves their path as it is
        _write(content, {f"a{n}.txt": _article(n).replace("---\n", f"---\nslug: story-{n}\n", 1)})
    templates = tmp_path / "templates"
    config = _config(tmp_path)
    fresh = _config(tmp_path, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(config)
    next_id = 100
    actions = ["edit", "retitle", "redate", "respell", "add", "delete", "rename", "template", "sidecar"] * 3
    # Hands in the built site too: a page changed in place or replaced, a file removed, a stray file and a
    # link put in. The next build makes the site a clean build would, whatever it starts from.
    actions += ["edit-in-place", "replace-page", "remove-page", "stray", "link"] * 2
    actions += ["retitle-in-place"] * 4
    rng.shuffle(actions)
    for step, action in enumerate(actions):
        names = sorted(p.name for p in content.iterdir())
        articles = [n for n in names if n.endswith(".txt")]
        chosen = content / rng.choice(articles)
        text = chosen.read_text("utf-8")
        if action == "edit":
            _write(content, {chosen.name: _article(rng.randrange(50), f"edit {step}")})
        elif action == "retitle":
            chosen.write_text(text.replace("Headline number", f"Retitled {step}: headline", 1), "utf-8")
        elif action == "redate":
            chosen.write_text(text.replace("date: 2020", f"date: {2000 + step % 20}", 1), "utf-8")
        elif action == "respell":  # the newest article's spelling names its topic
            newest = max(articles, key=lambda n: (content / n).read_text("utf-8").split("date: ")[1][:10])
            (content / newest).write_text(
                (content / newest).read_text("utf-8").replace("tags: [t", "tags: [T"), "utf-8"
            )
        elif action == "add":
            _write(content, {f"new{next_id}.txt": _article(next_id)})
            next_id += 1
        elif action == "delete" and len(articles) > 3:
            chosen.unlink()
        elif action == "rename":
            chosen.rename(content / f"renamed{step}-{chosen.name}")
        elif action == "template":
            _write(
                templates,
                {
                    "body.html": f'<div class="v{step}">{{% for b in blocks %}}<p>{{{{ b.text }}}}</p>{{% endfor %}}</div>\n'
                },
            )
        elif action == "retitle-in-place":  # seen on its neighbours' pages, lists and related lists
            slugged = [n for n in articles if "slug: story-" in (content / n).read_text("utf-8")]
            if slugged:
                chosen = content / rng.choice(slugged)
                text = chosen.read_text("utf-8")
                chosen.write_text(text.replace("\nHeadline", f"\nRetitled {step}: headline", 1), "utf-8")
        elif action == "sidecar":
            _write(content, {chosen.name.removesuffix(".txt") + ".yaml": f"slug: moved-{step}\n"})
        else:
            page = rng.choice(sorted(config.output.rglob("*.html")))
            if action == "edit-in-place":
                with page.open("ab") as handle:
                    handle.write(b"<!-- by hand -->")
            elif action == "replace-page":
                page.unlink()
                page.write_text("by hand", "utf-8")
            elif action == "remove-page":
                page.unlink()
            elif action == "stray":
                (page.parent / "stray.html").write_text("by hand", "utf-8")
            else:
                (page.parent / "elsewhere.html").symlink_to(chosen)
            # and an edit, so that the build is not up to date and starts from the site it replaced
            _write(content, {chosen.name: text.replace("the ferry", f"the ferry {step}")})
        build(config)
        clean(fresh)
        build(fresh, use_cache=False)
        assert _tree(config.output) == _tree(fresh.output), f"step {step}: {action}"
        assert not [p for p in config.output.rglob("*") if p.is_symlink()], f"step {step}: {action}"
    assert list(tmp_path.glob(".site.spare-*")), "the builds started from the site the last one replaced"
    assert set(plans) == {False, True}, "some builds keyed every page, some knew which pages an edit reaches"


def test_after_an_edit_only_the_pages_that_show_the_article_are_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n) for n in range(40)})
    config = _config(tmp_path)
    build(config)
    made: list[str] = []
    real = Renderer._render

    def recording(self: Renderer, template: str, **context: object) -> bytes:
        made.append(context["page"].path)  # type: ignore[attr-defined]
        return real(self, template, **context)

    monkeypatch.setattr(Renderer, "_render", recording)
    _write(tmp_path / "content", {"a17.txt": _article(17, "and a new pier")})
    report = build(config)
    edited = next(config.output.rglob("headline-number-17-*/index.html")).relative_to(config.output).as_posix()
    assert edited in made
    article_pages = [p for p in made if "headline-number" in p]
    assert len(article_pages) < 20, f"the edited article, its neighbours and those it is related to: {article_pages}"
    assert report.kept > 2 * len(made), "most pages are kept from the last build"
    fresh = _config(tmp_path, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(fresh, use_cache=False)
    assert _tree(config.output) == _tree(fresh.output)


def test_after_an_edit_the_build_keys_and_links_only_what_it_reaches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit that moves no article: the pages that show nothing of it are not keyed again, and the build
    starts from the site the last one replaced, so the files that stay are not linked into place again."""
    _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n) for n in range(40)})
    config = _config(tmp_path)
    build(config)
    _write(tmp_path / "content", {"a05.txt": _article(5, "and a boat")})
    first = build(config)  # the first site with a spare site beside it
    keys: list[object] = []
    links: list[object] = []
    real_key, real_link = render._key, os.link

    def keying(*args: object) -> bytes:
        keys.append(args)
        return real_key(*args)  # type: ignore[arg-type]

    def linking(*args: object, **kwargs: object) -> None:
        links.append(args)
        real_link(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "_key", keying)
    monkeypatch.setattr(os, "link", linking)
    _write(tmp_path / "content", {"a17.txt": _article(17, "and a new pier")})
    report = build(config)
    assert report.files == first.files
    assert 0 < len(keys) < report.files // 4, "only the pages that show the edited article are keyed"
    assert len(links) < report.files // 4, "the files that stay were not linked again"
    fresh = _config(tmp_path, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(fresh, use_cache=False)
    assert _tree(config.output) == _tree(fresh.output)


def test_a_build_without_a_cache_keys_no_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys are for the next build to compare: a build that keeps none does not make them."""
    _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n) for n in range(12)})
    keys: list[object] = []
    real_key = render._key
    monkeypatch.setattr(render, "_key", lambda *args: keys.append(args) or real_key(*args))  # type: ignore[arg-type]
    build(_config(tmp_path), use_cache=False)
    assert [k for k in keys if k[1] != "shape"] == []
    build(_config(tmp_path))
    assert len(keys) > 12, "a build that keeps a cache keys its pages"


def test_a_list_page_changed_by_hand_is_made_again_when_no_edit_reaches_it(tmp_path: Path) -> None:
    """A page the build knows is unchanged, but whose file is not, is found again among its kind and made."""
    _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n) for n in range(40)})
    config = _config(tmp_path, per_page=5)
    build(config)
    site = config.output
    by_hand = [site / "page/2/index.html", site / "topics/topic1/page/2/index.html", site / "undated/index.html"]
    by_hand += [next(site.glob("2020/0[1-9]/index.html")), next(site.glob("2020/0[1-9]/[0-9][0-9]/index.html"))]
    for page in by_hand:
        with page.open("ab") as handle:
            handle.write(b"<!-- by hand -->")
    _write(tmp_path / "content", {"a17.txt": _article(17, "and a new pier")})
    build(config)
    fresh = _config(tmp_path, per_page=5, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(fresh, use_cache=False)
    assert _tree(config.output) == _tree(fresh.output)


@pytest.mark.parametrize("survey", ["find", "walk"])
def test_files_put_into_the_site_by_hand_do_not_come_back_from_the_spare_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, survey: str
) -> None:
    """The site a build replaces is the next one's start: what was put into it by hand is found and removed,
    by a `find` beside the build or, with no `find` to run, by walking the folders."""
    if survey == "walk":
        real_popen = subprocess.Popen

        def no_find(args: list[str], **kwargs: object) -> object:
            if args[0] == "find":
                raise FileNotFoundError(2, "No such file or directory", "find")
            return real_popen(args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(subprocess, "Popen", no_find)
    _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n) for n in range(12)})
    config = _config(tmp_path)
    build(config)
    page = next(config.output.rglob("headline-number-3-*/index.html"))
    (page.parent / "notes.html").write_text("by hand", "utf-8")
    (config.output / "2020" / "elsewhere").symlink_to(tmp_path / "content")
    (page.parent / "more" / "deeper").mkdir(parents=True)
    (page.parent / "more" / "deeper" / "x.html").write_text("by hand", "utf-8")
    (config.output / "2020" / "empty" / "folder").mkdir(parents=True)
    for n in (4, 5):  # the site with the hand-made files becomes the spare, then the start of the next build
        _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n, f"edit {n}")})
        build(config)
    fresh = _config(tmp_path, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(fresh, use_cache=False)
    assert _tree(config.output) == _tree(fresh.output)
    assert not (config.output / "2020" / "elsewhere").is_symlink()
    assert not (page.parent / "more").exists() and not (config.output / "2020" / "empty").exists()


def test_a_site_whose_every_file_was_replaced_is_made_again_going_through_each_kind_of_page_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of the site replaced (copied back, say): no page is as the last build left it, so each is made
    again, and the pages of each kind are gone through once more in all, not once for each page."""
    _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n) for n in range(40)})
    config = _config(tmp_path, per_page=2)
    build(config)
    copy = tmp_path / "copy"
    shutil.copytree(config.output, copy)
    shutil.rmtree(config.output)
    copy.rename(config.output)
    calls: list[str] = []
    for kind in ("archive_pages", "topic_pages", "home_pages"):
        real = getattr(Renderer, kind)
        monkeypatch.setattr(Renderer, kind, lambda self, real=real, kind=kind: calls.append(kind) or real(self))
    _write(tmp_path / "content", {"a17.txt": _article(17, "and a new pier")})
    build(config)
    assert sorted(calls) == sorted(["archive_pages", "topic_pages", "home_pages"] * 2), calls
    fresh = _config(tmp_path, per_page=2, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(fresh, use_cache=False)
    assert _tree(config.output) == _tree(fresh.output)


def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, parse_calls: list[str]) -> None:
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(4)})
    config = _config(tmp_path)
    build(config)
    expected = _tree(config.output)
    assert config.cache is not None
    cached = [p for p in config.cache.rglob("*") if p.is_file()]
    assert any(p.parent.name == "compiled-templates" for p in cached)
    for path in cached:
        path.write_bytes(b"\x80\x05 not a pickle at all")
    parse_calls.clear()
    report = build(config)
    assert not report.up_to_date and len(parse_calls) == 4
    assert _tree(config.output) == expected
    parse_calls.clear()
    assert build(config).up_to_date and not parse_calls


def test_no_cache_parses_everything_and_matches(tmp_path: Path, parse_calls: list[str]) -> None:
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(4)})
    config = _config(tmp_path)
    build(config)
    expected = _tree(config.output)
    parse_calls.clear()
    report = build(config, use_cache=False)
    assert len(parse_calls) == 4 and not report.up_to_date
    assert _tree(config.output) == expected


def test_worker_processes_build_the_same_site(tmp_path: Path) -> None:
    _write(tmp_path / "content", {f"a{n:03d}.txt": _article(n, f"word{n}") for n in range(260)})
    serial = _config(tmp_path, output=tmp_path / "serial", jobs=1)
    workers = _config(tmp_path, output=tmp_path / "workers", jobs=2)
    build(serial, use_cache=False)
    build(workers, use_cache=False)
    assert _tree(serial.output) == _tree(workers.output)


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_article_page_and_feed_item_holds_the_whole_body(tmp_path: Path, jobs: int) -> None:
    """Bodies are made afresh for each page and kept only while the feeds are made: the first build renders
    articles straight from the loader, the second (a new title, so every page is made again) from the cache,
    where each body is unpacked, let go, and unpacked again for the next page that shows it."""
    _write(tmp_path / "content", {f"a{n:03d}.txt": _article(n, f"word{n}") for n in range(210)})
    for title in ("First", "Second"):
        config = _config(tmp_path, jobs=jobs, title=title)
        build(config)
        site = _tree(config.output)
        pages = {
            path: html.decode()
            for path, html in site.items()
            if path.startswith("2020/") and path.endswith("/index.html") and "headline-number" in path
        }
        assert len(pages) == 210
        for path, html in pages.items():
            n = int(path.split("headline-number-")[1].split("-")[0])
            assert f"Paragraph one of story {n} tells of the harbour and the ferry word{n}." in html, path
            assert f"Paragraph two of story {n} adds the council vote" in html, path
        feeds = [json.loads(site[path]) for path in site if path.endswith(urls.JSON_FEED)]
        assert len(feeds) == 1 + 5, "the site's feed and one for each topic"
        for feed in feeds:
            assert len(feed["items"]) == config.feed_size
            for item in feed["items"]:
                page = pages[item["url"].removeprefix(config.site_url) + "index.html"]
                assert item["content_html"] in page, "a feed item's body is its page's body"
                assert "Paragraph two of story" in item["content_html"]


def test_clean_removes_the_site_and_the_cache_only(tmp_path: Path, cli: object) -> None:
    _write(tmp_path / "content", {"a1.txt": _article(1)})
    config = _config(tmp_path)
    build(config)
    served = served_config(config, "127.0.0.1", 8000)
    build(served)  # what `serve` builds: its own site and cache, inside the cache folder
    assert served.output.is_dir() and served.output.is_relative_to(config.cache)  # type: ignore[arg-type]
    assert config.cache is not None and config.cache.is_dir() and config.output.is_dir()
    removed = clean(config)
    assert set(removed) == {config.cache, config.output}
    assert not config.cache.exists() and not config.output.exists()
    assert (tmp_path / "content" / "a1.txt").is_file()


def test_search_index_is_reused_when_no_page_changed_and_rebuilt_when_one_did(tmp_path: Path) -> None:
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(5)})
    config = _config(tmp_path, search=True)
    build(config)
    entry = config.output / "pagefind" / "pagefind-entry.json"
    first = (entry.stat().st_ino, entry.read_bytes())
    os.utime(tmp_path / "content" / "a2.txt", ns=(1, 1))
    build(config)
    assert (entry.stat().st_ino, entry.read_bytes()) == first, "the old index is kept as it was"
    _write(tmp_path / "content", {"a2.txt": _article(2, "with zeppelins")})
    build(config)
    assert entry.read_bytes() != first[1], "a changed page gets a new index"
    fresh = _config(tmp_path, search=True, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(fresh, use_cache=False)
    assert _tree(config.output / "pagefind") == _tree(fresh.output / "pagefind")


def test_a_site_built_without_search_then_with_it_gets_the_index_of_its_pages(tmp_path: Path) -> None:
    """A build without a search index does not hash its pages (nothing compares them): the next build with
    search, over the same cache and site, must still index every page, and index again when one changes."""
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(5)})
    build(_config(tmp_path, search=False))
    config = _config(tmp_path, search=True)
    build(config)
    fresh = _config(tmp_path, search=True, output=tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    build(fresh, use_cache=False)
    assert _tree(config.output / "pagefind") == _tree(fresh.output / "pagefind")
    _write(tmp_path / "content", {"a2.txt": _article(2, "with zeppelins")})
    build(_config(tmp_path, search=False))
    build(config)
    build(fresh, use_cache=False)
    assert _tree(config.output / "pagefind") == _tree(fresh.output / "pagefind")
    assert _tree(config.output) == _tree(fresh.output)


def test_a_changed_template_or_newsarchive_module_is_never_up_to_date(tmp_path: Path) -> None:
    import newsarchive.render as render_module

    _write(tmp_path / "content", {"a1.txt": _article(1)})
    config = _config(tmp_path)
    build(config)
    assert build(config).up_to_date
    _write(tmp_path / "templates", {"body.html": "<div>{% for b in blocks %}<p>{{ b.text }}</p>{% endfor %}</div>\n"})
    assert not build(config).up_to_date
    assert build(config).up_to_date
    module = Path(render_module.__file__)
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert not build(config).up_to_date, "newsarchive's own code is part of what a site is made from"
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_sidecar_added_or_removed_a_file_renamed_or_resized_is_never_up_to_date(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _write(content, {"a1.txt": _article(1), "a2.txt": _article(2)})
    config = _config(tmp_path)
    build(config)
    assert build(config).up_to_date
    _write(content, {"a1.yaml": "byline: Jane Doe\n"})
    assert not build(config).up_to_date and build(config).up_to_date
    (content / "a1.yaml").unlink()
    assert not build(config).up_to_date and build(config).up_to_date
    (content / "a2.txt").rename(content / "a3.txt")
    assert not build(config).up_to_date and build(config).up_to_date
    stat = (content / "a1.txt").stat()
    _write(content, {"a1.txt": _article(1, "and the pier")})
    os.utime(content / "a1.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same time, another size
    assert not build(config).up_to_date and build(config).up_to_date


def test_a_file_dated_far_in_the_future_is_built_and_then_up_to_date(tmp_path: Path) -> None:
    _write(tmp_path / "content", {"a1.txt": _article(1), "a2.txt": _article(2)})
    future = 10**19  # nanoseconds: the year 2286, past what 64 bits hold
    os.utime(tmp_path / "content" / "a1.txt", ns=(future, future))
    config = _config(tmp_path)
    assert build(config).articles == 2
    assert build(config).up_to_date
    os.utime(tmp_path / "content" / "a1.txt", ns=(future, future + 1))
    assert not build(config).up_to_date


def test_a_changed_file_in_a_templates_subfolder_is_never_up_to_date(tmp_path: Path) -> None:
    _write(tmp_path / "content", {"a1.txt": _article(1)})
    _write(tmp_path / "templates" / "static", {"extra.css": "p { color: black; }\n"})
    config = _config(tmp_path)
    build(config)
    assert build(config).up_to_date
    _write(tmp_path / "templates" / "static", {"extra.css": "p { color: navy; }\n"})
    assert not build(config).up_to_date
    assert (config.output / "static" / "extra.css").read_text(encoding="utf-8") == "p { color: navy; }\n"


def test_templates_are_compiled_once_and_again_only_when_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    compiled: list[str | None] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(name)
        return real(self, source, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    _write(tmp_path / "content", {f"a{n}.txt": _article(n) for n in range(3)})
    config = _config(tmp_path)
    build(config)
    assert "article.html" in compiled
    compiled.clear()
    _write(tmp_path / "content", {"a1.txt": _article(1, "and a new sentence")})
    build(config)
    assert compiled == [], "the compiled code kept in the cache is used"
    _write(tmp_path / "templates", {"body.html": "<div>{% for b in blocks %}<p>{{ b.text }}</p>{% endfor %}</div>\n"})
    build(config)
    assert compiled == ["body.html"], "a changed template is compiled again, and only it"
    build(_config(tmp_path, output=tmp_path / "fresh"), use_cache=False)
    assert _tree(tmp_path / "fresh") == _tree(config.output)
    assert (
        "<div><p>Paragraph one of story 1"
        in _tree(config.output)["2020/02/02/headline-number-1-about-harbour-1/index.html"].decode()
    )


def test_files_matching_ignore_patterns_are_not_articles(tmp_path: Path) -> None:
    _write(tmp_path / "content", {"a1.txt": _article(1), "README.md": "# About\n", "LICENSE.txt": "MIT\n"})
    _write(tmp_path / "content" / "drafts", {"skip-me.txt": "not an article\n", "a2.txt": _article(2)})
    report = build(_config(tmp_path, ignore=("README*", "LICENSE*", "skip-*")))
    assert report.articles == 2 and not report.skipped
    with pytest.raises(ContentError) as refused:  # without the patterns, they are read as articles
        build(_config(tmp_path, ignore=()))
    assert sorted(Path(n.path).name for n in refused.value.notices) == ["LICENSE.txt", "README.md", "skip-me.txt"]


def test_a_renderer_that_keeps_few_listed_articles_makes_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles as listed are kept made for a while only (each render worker would otherwise hold every
    article as listed from every place): forgetting them changes no byte."""
    _write(tmp_path / "content", {f"a{n:02d}.txt": _article(n) for n in range(30)})
    build(_config(tmp_path), use_cache=False)
    monkeypatch.setattr(render, "LISTED_KEPT", 2)
    small = _config(tmp_path, output=tmp_path / "small", cache=tmp_path / "small-cache")
    build(small, use_cache=False)
    assert _tree(small.output) == _tree(tmp_path / "site")
