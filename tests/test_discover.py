"""discover.py: which files in the content folder are articles, with which sidecars, in which order."""

from __future__ import annotations

from pathlib import Path

from newsarchive.discover import discover


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Headline\n\nA paragraph.\n", encoding="utf-8")


def test_articles_are_listed_by_relative_path_across_folders(tmp_path: Path) -> None:
    _touch(tmp_path, "b.txt", "a/z.md", "a/b/c.markdown", "A.TXT", "c.Md", "a.txt")
    sources, problems = discover(tmp_path)
    assert problems == []
    assert [s.rel for s in sources] == ["A.TXT", "a.txt", "a/b/c.markdown", "a/z.md", "b.txt", "c.Md"]
    assert [s.display for s in sources] == [str(tmp_path / s.rel) for s in sources]


def test_other_files_hidden_files_and_hidden_folders_are_not_articles(tmp_path: Path) -> None:
    _touch(tmp_path, "story.txt", "notes.rst", "txt", "story.txt.bak", ".hidden.txt", ".drafts/x.txt", "img/.y.md")
    sources, problems = discover(tmp_path)
    assert problems == [] and [s.rel for s in sources] == ["story.txt"]


def test_ignore_patterns_match_file_names_in_every_folder(tmp_path: Path) -> None:
    _touch(tmp_path, "README.md", "LICENSE.txt", "sub/README.txt", "sub/story.txt", "story.txt")
    sources, _ = discover(tmp_path, ("README*", "LICENSE*"))
    assert [s.rel for s in sources] == ["story.txt", "sub/story.txt"]


def test_each_article_gets_its_own_sidecar_and_yaml_wins_over_yml(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt", "a.yaml", "a.yml", "b.md", "b.yml", "c.txt", "d.e.txt", "d.e.yaml", "sub/c.yaml")
    sources, problems = discover(tmp_path)
    assert problems == []
    sidecars = {s.rel: s.sidecar for s in sources}
    assert sidecars == {
        "a.txt": tmp_path / "a.yaml",
        "b.md": tmp_path / "b.yml",
        "c.txt": None,  # the sidecar of the same name in another folder is not this one's
        "d.e.txt": tmp_path / "d.e.yaml",
    }


def test_a_missing_content_folder_is_one_notice_naming_it(tmp_path: Path) -> None:
    sources, problems = discover(tmp_path / "missing")
    assert sources == [] and [(p.path, p.line) for p in problems] == [(str(tmp_path / "missing"), 0)]
    assert "content folder not found" in problems[0].message
