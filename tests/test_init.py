"""scaffold.py, `newsarchive init` and `newsarchive new`, and the config documented from its fields."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from newsarchive.config import Config, config_file_text, load_config, markdown_table


def _h1s(page: Path, html_tree) -> list[str]:
    return [n.text().strip() for n in html_tree(page.read_bytes()).find_all("h1")]


def _article_pages(site: Path, headline: str, html_tree) -> list[Path]:
    return [p for p in site.rglob("index.html") if headline in _h1s(p, html_tree)]


def test_init_then_build_shows_the_example_article_and_the_template_override(run_process, tmp_path, html_tree):
    result = run_process("init", "archive", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "archive"
    created = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert re.fullmatch(r"content/\d{4}-\d\d-\d\d-welcome\.md", created[0]), created
    assert created[1:] == ["newsarchive.yaml", "templates/404.html"]
    for name in created:
        assert f"created archive/{name}" in result.stdout
    build = run_process("build", cwd=folder)
    assert build.returncode == 0, build.stderr
    site = folder / "site"
    assert _article_pages(site, "Welcome to your news archive", html_tree)
    # The override replaced the theme's 404 page, and still extends the theme's base.html.
    assert _h1s(site / "404.html", html_tree) == ["Not in this archive"]
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert "static/style.css" in not_found
    assert "Nothing has been filed at this address" in not_found
    check = run_process("check", "--site", cwd=folder)
    assert check.returncode == 0, check.stdout
    assert "0 errors, 0 warnings" in check.stdout


def test_init_config_has_every_option_documented_and_reads_back_as_the_defaults(tmp_path):
    text = config_file_text()
    for f in fields(Config):
        assert re.search(rf"^(# )?{f.name}: ", text, re.M), f"{f.name} is missing from the generated config"
        doc_start = f.metadata["doc"].split()[:4]
        assert "# " + " ".join(doc_start) in text, f"{f.name}'s documentation is missing"
    path = tmp_path / "newsarchive.yaml"
    path.write_text(text, encoding="utf-8")
    config, defaults = load_config(path), load_config(None)
    for f in fields(Config):
        default = getattr(defaults, f.name)
        # Folders are found beside the config file.
        expected = tmp_path / default if isinstance(default, Path) else default
        assert getattr(config, f.name) == expected, f.name


def test_readme_documents_every_option_from_the_same_metadata(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    table = markdown_table()
    assert table in readme, "README's configuration table is stale; replace it with:\n" + table
    for f in fields(Config):
        assert f"| `{f.name}` |" in readme


@pytest.mark.parametrize(
    "existing",
    ["newsarchive.yaml", "templates/404.html", "content/story.txt"],
)
def test_init_never_overwrites(cli, tmp_path, existing, tree_bytes):
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    before = tree_bytes(tmp_path)
    result = cli("init", tmp_path)
    assert result.code == 2
    assert existing.split("/")[0] in result.err
    assert "Traceback" not in result.err
    assert tree_bytes(tmp_path) == before, "nothing is written when anything is in the way"


def test_new_then_build_shows_the_article(run_process, tmp_path, html_tree):
    assert run_process("init", cwd=tmp_path).returncode == 0
    headline = 'Harbour wall: "approved" at last'
    result = run_process("new", headline, "--date", "2024-05-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == Path("content/2024-05-01-harbour-wall-approved-at-last.md")
    text = (tmp_path / path).read_text(encoding="utf-8")
    assert text.startswith("---\n") and "date: 2024-05-01\n" in text
    build = run_process("build", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    (page,) = _article_pages(tmp_path / "site", headline, html_tree)
    assert page.relative_to(tmp_path / "site").as_posix().startswith("2024/05/01/")


def test_new_uses_the_configured_content_folder_and_today(cli, tmp_path, monkeypatch):
    import datetime as dt

    monkeypatch.chdir(tmp_path)
    (tmp_path / "newsarchive.yaml").write_text("content: articles\n", encoding="utf-8")
    result = cli("new", "Ferry returns to winter timetable")
    assert result.code == 0, result.err
    made = Path(result.out.strip())
    assert made.parent == Path("articles")
    assert made.name == f"{dt.date.today().isoformat()}-ferry-returns-to-winter-timetable.md"
    assert made.is_file()


def test_new_never_overwrites(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("new", "Same headline", "--date", "2024-01-01").code == 0
    target = tmp_path / "content" / "2024-01-01-same-headline.md"
    target.write_text("edited by hand\n", encoding="utf-8")
    result = cli("new", "Same headline", "--date", "2024-01-01")
    assert result.code == 2
    assert "already exists" in result.err and "2024-01-01-same-headline.md" in result.err
    assert target.read_text(encoding="utf-8") == "edited by hand\n"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["new", "Headline", "--date", "2024-02-30"], "expected a date as YYYY-MM-DD, got '2024-02-30'"),
        (["new", "Headline", "--date", "yesterday"], "expected a date as YYYY-MM-DD"),
        (["new", "   "], "the headline is empty"),
    ],
)
def test_new_bad_arguments(run_process, tmp_path, argv, words):
    result = run_process(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "content").exists()
