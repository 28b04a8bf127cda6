"""Nothing in the content decides where a file is written or what is deleted, and links are not followed out.

* slugs from front matter, sidecars and headlines are made safe names (urls.slugify), whatever they hold;
* every output path passes urls.is_safe, and write.place refuses any that does not;
* symbolic links in the content folder that leave it, loop, are broken or name a folder are reported, naming
  the link, and not followed;
* a build and `newsarchive clean` delete nothing outside the output folder (and the cache's own files);
* the output folders a build would destroy are refused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import settled
from newsarchive import urls, write
from newsarchive.build import check_output
from newsarchive.config import load_config
from newsarchive.errors import UsageError

START = dt.date(2020, 1, 1)

# (slug as written in YAML, the folder the article gets)
SLUGS = [
    ('"../../escape"', "escape"),
    ('"/etc/passwd"', "etc-passwd"),
    ('"C:\\\\Windows\\\\system32"', "c-windows-system32"),
    ('"..\\\\..\\\\win"', "win"),
    ('"a\\0b"', "ab"),
    ('"a\\x01\\x1fb"', "ab"),
    ("CON", "con-1"),
    ("nul", "nul-1"),
    ("AUX", "aux-1"),
    ("COM1", "com1-1"),
    ("lpt9", "lpt9-1"),
    ('"."', "article"),
    ('".."', "article"),
    ('"' + "x" * 300 + '"', "x" * urls.MAX_SLUG),
    ('"' + "é" * 200 + '"', "e" * urls.MAX_SLUG),
    ('"日本語のニュース"', "article"),
    ('"Zürich/../../café"', "zurich-cafe"),
    ('"~/.ssh/id_rsa"', "ssh-id-rsa"),
    ('"%2e%2e%2f"', "2e-2e-2f"),
    ('"\\u202e\\u0000evil"', "evil"),
]


def _date(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _article(n: int, meta: str) -> str:
    return f"---\ndate: {_date(n)}\n{meta}---\nStory number {n}\n\nThe paragraph of story {n} with words s{n}a s{n}b.\n"


def _outside(root: Path) -> dict[str, bytes]:
    """Every file under `root` but the site, its staging and cache folders and the content folder."""
    skip = {"site", ".site.cache", ".site.building", "content", "newsarchive.yaml"}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(settled(root).rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in skip
    }


@pytest.fixture(scope="module")
def slug_site(site_builder, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("slugs")
    files: dict[str, str | bytes] = {f"s{n:02d}.txt": _article(n, f"slug: {raw}\n") for n, (raw, _) in enumerate(SLUGS)}
    base = len(SLUGS)
    # The same names from a sidecar, from a headline, and as tags.
    files["side.txt"] = "Sidecar story\n\nThe paragraph of the sidecar story.\n"
    files["side.yaml"] = f'date: {_date(base)}\nslug: "../../../tmp/x"\n'
    files["head.txt"] = f"---\ndate: {_date(base + 1)}\n---\n../../CON\n\nThe paragraph of the headline story.\n"
    files["tags.txt"] = _article(base + 2, 'tags: ["../../x", "CON", "/", "C:\\\\"]\n')
    (root / "beside.txt").write_text("a file beside the site", encoding="utf-8")
    return site_builder(root, files, config="search: false\n")


@pytest.mark.parametrize(("raw", "expected"), SLUGS, ids=[e for _, e in SLUGS])
def test_a_hostile_slug_becomes_a_safe_folder_name(slug_site, raw, expected):
    n = [r for r, _ in SLUGS].index(raw)
    pages = [p.relative_to(slug_site).as_posix() for p in slug_site.glob(f"{_date(n):%Y/%m/%d}/*/index.html")]
    assert pages == [f"{_date(n):%Y/%m/%d}/{expected}/index.html"]


def test_sidecar_headline_and_tag_names_are_made_safe_too(slug_site):
    base = len(SLUGS)
    assert (slug_site / f"{_date(base):%Y/%m/%d}/tmp-x/index.html").is_file()
    assert (slug_site / f"{_date(base + 1):%Y/%m/%d}/con-1/index.html").is_file()
    topics = sorted(p.name for p in (slug_site / "topics").iterdir() if p.is_dir())
    assert topics == ["article", "c", "con-1", "x"]


def test_every_file_of_the_hostile_site_is_inside_it_and_has_a_safe_name(slug_site):
    root = slug_site.parent
    files = [p for p in slug_site.rglob("*") if p.is_file()]
    assert files and all(urls.is_safe(p.relative_to(slug_site).as_posix()) for p in files)
    assert all(p.resolve().is_relative_to(slug_site.resolve()) for p in files)
    # Nothing was written anywhere else: beside the site there is only what was there before, and the lock
    # file that keeps a second build of this site waiting (README, "Command line").
    outside = _outside(root)
    assert outside.pop(".site.lock").strip().isdigit()
    assert outside == {"beside.txt": b"a file beside the site"}


@pytest.mark.parametrize(
    "path",
    ["con/index.html", "2020/01/01/NUL/index.html", "aux.html", "topics/com1/feed.xml", "x" * 256 + "/index.html"],
)
def test_is_safe_refuses_device_names_and_names_too_long_for_a_file_system(path):
    assert not urls.is_safe(path)


@pytest.mark.parametrize("path", ["console/index.html", "x" * 255 + "/index.html", "con-1/index.html"])
def test_is_safe_accepts_names_that_only_look_like_them(path):
    assert urls.is_safe(path)


@pytest.mark.parametrize("rel", ["../escape.html", "/tmp/escape.html", "a/../../escape.html", "C:/x.html", "nul"])
def test_place_refuses_a_path_outside_the_output_folder_and_writes_nothing(tmp_path, rel):
    staging, output = tmp_path / "deep" / "staging", tmp_path / "deep" / "site"
    staging.mkdir(parents=True)
    with pytest.raises(UsageError, match="outside the output folder"):
        write.place(staging, output, rel, b"x")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_bad_output_path_stops_the_build_and_leaves_the_previous_site(tmp_path):
    output = tmp_path / "site"
    (output / "old").mkdir(parents=True)
    (output / "old" / "index.html").write_text("old", encoding="utf-8")

    def produce(put, keep):
        yield put("index.html", b"new", None)
        yield put("../escape.html", b"x", None)

    with pytest.raises(UsageError):
        write.write_site(output, produce)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "site/old/index.html"
    ]


# -- symbolic links in the content folder ---------------------------------------------------------------------------

GOOD = "---\ndate: 2021-03-04\n---\nA good story\n\nIts paragraph is here.\n"
SECRET = "---\ndate: 2021-03-05\n---\nSecret story\n\nSECRET-WORDS that must not be published.\n"


@pytest.fixture
def linked(tmp_path, monkeypatch):
    """A content folder with one good article, and a folder outside it with a secret one."""
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.txt").write_text(GOOD, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "secret.yaml").write_text("headline: Secret sidecar headline\n", encoding="utf-8")
    return content, outside


def _build(cli, tmp_path, *extra):
    return cli("build", "--content", tmp_path / "content", "--output", tmp_path / "site", "--no-search", *extra)


def _published(site: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("name", "target", "words"),
    [
        ("link.txt", "outside/secret.txt", "points outside the content folder"),
        ("folder", "outside", "points outside the content folder"),
        ("self.txt", "content/self.txt", "broken or loops"),
        ("broken.txt", "content/missing.txt", "broken or loops"),
        ("sub", "content", "symbolic link to a folder"),
    ],
    ids=["file-outside", "folder-outside", "loop", "broken", "folder-inside"],
)
def test_a_symlink_that_is_not_followed_is_reported_by_name(cli, tmp_path, linked, name, target, words):
    content, _ = linked
    (content / name).symlink_to(tmp_path / target)
    result = _build(cli, tmp_path)
    assert result.code == 1
    assert f"{content / name}: " in result.err and words in result.err, result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "site").exists()
    kept = _build(cli, tmp_path, "--keep-going")
    assert kept.code == 1 and f"skipped: {content / name}: " in kept.err
    published = _published(tmp_path / "site")
    assert "A good story" in published
    assert "SECRET-WORDS" not in published


def test_a_loop_of_two_links_and_a_folder_linking_to_its_parent_end(cli, tmp_path, linked):
    content, _ = linked
    (content / "a.txt").symlink_to(content / "b.txt")
    (content / "b.txt").symlink_to(content / "a.txt")
    (content / "deeper").mkdir()
    (content / "deeper" / "up").symlink_to(content)
    result = _build(cli, tmp_path, "--keep-going")
    assert result.code == 1
    for link in (content / "a.txt", content / "b.txt", content / "deeper" / "up"):
        assert f"skipped: {link}: " in result.err
    assert "A good story" in _published(tmp_path / "site")


def test_a_sidecar_linked_from_outside_is_reported_and_its_article_skipped(cli, tmp_path, linked):
    content, outside = linked
    (content / "story.txt").write_text("Story with a sidecar\n\nIts paragraph.\n", encoding="utf-8")
    (content / "story.yaml").symlink_to(outside / "secret.yaml")
    result = _build(cli, tmp_path, "--keep-going")
    assert f"skipped: {content / 'story.yaml'}: symbolic link points outside" in result.err
    published = _published(tmp_path / "site")
    assert "Secret sidecar headline" not in published and "Story with a sidecar" not in published


def test_a_file_linked_inside_the_content_folder_is_read(cli, tmp_path, linked):
    content, _ = linked
    (content / "archive").mkdir()
    (content / "archive" / "again.txt").write_text(SECRET.replace("Secret", "Linked"), encoding="utf-8")
    (content / "alias.txt").symlink_to(content / "archive" / "again.txt")
    result = _build(cli, tmp_path)
    assert result.code == 0, result.err
    assert "Linked story" in _published(tmp_path / "site")


# -- deleting only what is ours -------------------------------------------------------------------------------------


@pytest.fixture
def surroundings(tmp_path, monkeypatch):
    """A built site with links inside it to folders and files outside, and other files beside it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "good.txt").write_text(GOOD, encoding="utf-8")
    precious = tmp_path / "precious"
    (precious / "folder").mkdir(parents=True)
    (precious / "folder" / "keep.txt").write_text("keep me", encoding="utf-8")
    (precious / "file.txt").write_text("keep me too", encoding="utf-8")
    for name in ("site.bak/index.html", "site-notes.txt", ".site.cache-old/x", "other/site/index.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    return tmp_path


def _everything(root: Path) -> dict[str, bytes]:
    """Every file under `root` but the site, its cache and its lock file (kept beside it, see the README)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(settled(root).rglob("*"))
        if p.is_file()
        and p.relative_to(root).parts[0] not in ("site", ".site.cache", ".site.lock")
        and not p.relative_to(root).parts[0].startswith(".site.spare-")  # the site a build replaced, kept
    }


def test_build_and_clean_never_delete_through_links_or_beside_the_output(cli, surroundings):
    root = surroundings
    assert _build(cli, root).code == 0
    site = root / "site"
    (site / "to-folder").symlink_to(root / "precious" / "folder")
    (site / "2021").joinpath("to-file.txt").symlink_to(root / "precious" / "file.txt")
    (root / "content" / "more.txt").write_text(GOOD.replace("A good", "Another"), encoding="utf-8")
    before = _everything(root)
    assert _build(cli, root).code == 0, "a rebuild replaces the old site, links and all"
    assert not (site / "to-folder").exists()
    assert _everything(root) == before
    # The replaced site, links and all, is the spare the next build starts from: its links go unfollowed.
    (spare,) = root.glob(".site.spare-*")
    assert (spare / "to-folder").is_symlink()
    (root / "content" / "more.txt").write_text(GOOD.replace("A good", "Yet another"), encoding="utf-8")
    before = _everything(root)
    assert _build(cli, root).code == 0
    assert not (site / "to-folder").exists() and not (site / "2021" / "to-file.txt").exists()
    assert _everything(root) == before
    result = cli("clean", "--output", site)
    assert result.code == 0, result.err
    assert not site.exists()
    assert not list(root.glob(".site.spare-*")), "clean removes the spare site too"
    assert _everything(root) == before


def test_a_link_where_the_staging_folder_goes_is_replaced_not_followed(cli, surroundings):
    root = surroundings
    (root / ".site.building").symlink_to(root / "precious")
    before = _everything(root)
    assert _build(cli, root).code == 0
    assert (root / "site" / "index.html").is_file()
    assert _everything(root) == before
    assert (root / "precious" / "folder" / "keep.txt").read_text(encoding="utf-8") == "keep me"


def test_clean_removes_only_its_own_files_from_a_shared_cache_folder(cli, surroundings):
    root = surroundings
    (root / "shared").mkdir()
    (root / "shared" / "notes.txt").write_text("not the cache's", encoding="utf-8")
    (root / "newsarchive.yaml").write_text("cache: shared\nsearch: false\n", encoding="utf-8")
    assert cli("build").code == 0
    assert (root / "shared" / "build.json").is_file()
    result = cli("clean")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (root / "shared").iterdir()) == ["notes.txt"]
    assert not (root / "site").exists()


# -- output folders that are refused ---------------------------------------------------------------------------------


def _refusal_cases(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """(content, output) for each output folder a build must refuse, with files in them to keep."""
    home = tmp_path / "home"
    project = tmp_path / "project"
    cases = {
        "home": (tmp_path / "articles", home),
        "git": (tmp_path / "articles", project / "repo"),
        "pyproject": (tmp_path / "articles", project / "pkg"),
        "config": (tmp_path / "articles", project / "conf"),
        "content": (project / "content", project / "content"),
        "parent": (project / "content", project),
        "symlink": (tmp_path / "articles", tmp_path / "link"),
    }
    for content, _ in cases.values():
        content.mkdir(parents=True, exist_ok=True)
        (content / "good.txt").write_text(GOOD, encoding="utf-8")
    (project / "repo" / ".git").mkdir(parents=True)
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    (project / "conf").mkdir(parents=True)
    (project / "conf" / "newsarchive.yaml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "real-site").mkdir()
    (tmp_path / "real-site" / "index.html").write_text("a folder the link points to", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real-site")
    home.mkdir()
    (home / "diary.txt").write_text("dear diary", encoding="utf-8")
    return cases


REFUSED = {
    "home": "your home folder",
    "git": "root of a repository",
    "pyproject": "root of a repository or project",
    "config": "holds a newsarchive.yaml",
    "content": "the content folder",
    "parent": "the content folder",
    "symlink": "symbolic link",
}


@pytest.mark.parametrize("command", ["build", "clean"])
@pytest.mark.parametrize("case", REFUSED)
def test_an_output_folder_that_holds_something_else_is_refused(cli, tmp_path, monkeypatch, case, command):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    content, output = _refusal_cases(tmp_path)[case]
    before = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    args = ["build", "--content", content, "--output", output] if command == "build" else ["clean", "--output", output]
    if command == "clean" and case in ("content", "parent"):
        (tmp_path / "newsarchive.yaml").write_text(f"content: {json.dumps(str(content))}\n", encoding="utf-8")
    result = cli(*args)
    assert result.code == 2, result.err
    assert f"{output}: refusing" in result.err and REFUSED[case] in result.err, result.err
    after = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    after.pop("newsarchive.yaml", None)
    assert after == before


def test_the_file_system_root_is_refused(tmp_path):
    # Asked of check_output alone: a build or clean of "/" is not something to try for real.
    config = load_config(None, content=tmp_path / "content", output=Path(os.sep))
    with pytest.raises(UsageError, match="refusing"):
        check_output(config)
