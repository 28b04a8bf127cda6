"""show.py and `newsarchive show`: the loader's record as JSON Lines, and a readable account of every dropped line."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import get_args

from newsarchive.model import LineRole

REQUIRED_KEYS = {
    "source",
    "headline",
    "standfirst",
    "byline",
    "dateline",
    "date",
    "reading_time",
    "tags",
    "blocks",
    "lines",
}
ROLES = set(get_args(LineRole))


def test_the_readme_lists_every_line_role_the_loader_gives() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    listed = readme.split("`role` is one of ", 1)[1].split(". A dropped line", 1)[0]
    assert set(re.findall(r"`(\w+)`", listed)) == ROLES


def _nonblank(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


def _json_lines(out: str) -> list[dict]:
    rows = [line for line in out.split("\n") if line.strip()]
    return [json.loads(row) for row in rows]


def _check_record(record: dict, text: str) -> None:
    assert record.keys() >= REQUIRED_KEYS
    assert isinstance(record["headline"], str) and record["headline"]
    assert record["standfirst"] is None or isinstance(record["standfirst"], str)
    assert isinstance(record["byline"], list)
    assert record["dateline"] is None or isinstance(record["dateline"], dict)
    assert record["date"] is None or len(record["date"]) == 10
    assert isinstance(record["reading_time"], int) and record["reading_time"] >= 1
    assert isinstance(record["tags"], list)
    for block in record["blocks"]:
        assert {"type", "text", "attribution", "line"} <= block.keys()
        assert block["type"] in {"paragraph", "subheading", "pullquote", "list"}
        assert isinstance(block["line"], int)
    numbers = [row["line"] for row in record["lines"]]
    assert Counter(numbers) == Counter(_nonblank(text)), "every non-blank line must appear exactly once"
    for row in record["lines"]:
        assert row["role"] in ROLES
        if row["role"] == "dropped":
            assert row["reason"] in {"duplicate", "near_duplicate", "boilerplate"}
        else:
            assert "reason" not in row


def test_show_json_on_the_seed(cli, seed_path, seed_text):
    result = cli("show", "--json", seed_path)
    assert result.code == 0, result.err
    (record,) = _json_lines(result.out)
    assert len([line for line in result.out.split("\n") if line.strip()]) == 1
    _check_record(record, seed_text)
    lines = seed_text.split("\n")
    assert record["source"].endswith(seed_path.name)
    assert record["headline"] == lines[0].strip()
    assert record["standfirst"] == lines[2].strip()
    assert record["byline"] == []
    assert record["dateline"] is None
    assert record["date"] is None
    assert record["reading_time"] == 4
    assert record["tags"] == []
    types = Counter(b["type"] for b in record["blocks"])
    assert types == {"paragraph": 25, "subheading": 2, "pullquote": 2}
    (attributed,) = [b for b in record["blocks"] if b["attribution"]]
    assert attributed == {
        "type": "pullquote",
        "text": attributed["text"],
        "attribution": "Sergey Lavrov",
        "line": 47,
    }
    dropped = [row for row in record["lines"] if row["role"] == "dropped"]
    assert [row["line"] for row in dropped] == [2, 32, 33, *range(35, 47), *range(48, 58)]
    for row in dropped:
        assert row["reason"] == "duplicate"
        assert " ".join(lines[row["duplicate_of"] - 1].split()) == " ".join(lines[row["line"] - 1].split())


def test_show_json_one_object_per_file(cli, seed_path, seed_text, site_tree):
    content = site_tree(
        {
            "harbour.txt": "---\ndate: 2024-03-01\ntags: [transport]\n---\nFerry timetable changes\n\n"
            "The ferry will run less often.\n\n- One\n- Two\n",
            "library.md": "---\ndate: 2024-04-02\n---\n# Library reopens\n\nThe doors opened at nine.\n",
        }
    )
    files = [content / "harbour.txt", seed_path, content / "library.md"]
    result = cli("show", "--json", *files)
    assert result.code == 0, result.err
    records = _json_lines(result.out)
    assert [r["headline"] for r in records] == [
        "Ferry timetable changes",
        seed_text.split("\n")[0].strip(),
        "Library reopens",
    ]
    for path, record in zip(files, records, strict=True):
        _check_record(record, path.read_text(encoding="utf-8"))
    harbour = records[0]
    assert harbour["date"] == "2024-03-01"
    assert harbour["tags"] == ["transport"]
    assert [b["type"] for b in harbour["blocks"]] == ["paragraph", "list"]


def test_show_readable_lists_every_dropped_line_and_why(cli, seed_path, seed_text):
    result = cli("show", seed_path)
    assert result.code == 0, result.err
    lines = seed_text.split("\n")
    out_lines = result.out.split("\n")
    dropped = {2: 1, 32: 6, 33: 7, **{n: n - 26 for n in range(35, 47)}, **{n: n - 26 for n in range(48, 58)}}
    for number, original in dropped.items():
        rows = [row for row in out_lines if row.strip().startswith(f"{number} ")]
        assert len(rows) == 1, f"line {number} should be listed once: {rows}"
        (row,) = rows
        assert re.search(rf"duplicate\D*\b{original}\b", row), f"line {number} should name line {original}: {row}"
        assert lines[number - 1].strip()[:25] in row
    assert seed_text.split("\n")[0].strip() in result.out


def test_show_readable_names_boilerplate(cli, site_tree):
    content = site_tree(
        {
            "story.txt": "Harbour wall approved\n\nCouncillors approved the new harbour wall on Tuesday.\n\n"
            "Advertisement\n\nWork starts in the spring and lasts a year.\n"
        }
    )
    result = cli("show", content / "story.txt")
    assert result.code == 0, result.err
    (row,) = [r for r in result.out.split("\n") if r.strip().startswith("5 ")]
    assert "boilerplate" in row
    assert "Advertisement" in row


def test_show_reports_a_broken_file_and_still_shows_the_rest(cli, site_tree):
    content = site_tree(
        {
            "bad.txt": "---\nheadlin: x\n---\nHeadline\n\nBody text.\n",
            "good.txt": "Good headline\n\nGood body text.\n",
        }
    )
    result = cli("show", "--json", content / "bad.txt", content / "good.txt")
    assert result.code == 1
    assert f"{content / 'bad.txt'}:2:" in result.err
    assert "Traceback" not in result.err
    (record,) = _json_lines(result.out)
    assert record["headline"] == "Good headline"


def test_show_json_as_a_real_program(run_process, seed_path, seed_text, tmp_path):
    result = run_process("show", "--json", seed_path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (record,) = _json_lines(result.stdout)
    _check_record(record, seed_text)
    assert record["headline"] == seed_text.split("\n")[0].strip()
    assert sum(1 for row in record["lines"] if row["role"] == "dropped") == 25


def test_show_output_is_utf8_json(cli, site_tree):
    content = site_tree({"story.txt": "Café owners protest\n\n“We were never asked,” said one \u2013 loudly.\n"})
    result = cli("show", "--json", content / "story.txt")
    assert result.code == 0, result.err
    (record,) = _json_lines(result.out)
    assert record["headline"] == "Café owners protest"
    assert record["blocks"][0]["text"] == "“We were never asked,” said one \u2013 loudly."


def test_show_skips_sidecars_named_with_their_articles(cli, site_tree):
    content = site_tree({"story.txt": "A story\n\nSome text here.\n", "story.yaml": "date: 2024-05-01\n"})
    result = cli("show", "--json", str(content / "story.txt"), str(content / "story.yaml"))
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [r["source"] for r in records] == [str(content / "story.txt")]
    assert records[0]["date"] == "2024-05-01"
    assert "story.yaml: a sidecar" in result.err
