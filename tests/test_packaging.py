"""Packaging: a plain (non-editable) install builds a site from anywhere, with the default theme inside the wheel.

This is the one slow test, and the one that needs a package index (for the build backend).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from html.parser import HTMLParser
from pathlib import Path

import pytest

_OFFLINE_SIGNS = (
    "No matching distribution found",
    "Could not find a version that satisfies",
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ConnectTimeoutError",
    "ReadTimeoutError",
)


class _H1(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "h1":
            self.inside = True
            self.found.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.found[-1] += data


def _run(argv, cwd, env=None, timeout=600):
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False)


def test_installed_wheel_builds_a_site_from_anywhere(tmp_path, repo_root):
    if not (repo_root / "content").is_dir():
        pytest.skip("the demo content/ folder is missing from the checkout")
    # Build from a copy, so no build artefacts land in the working tree.
    source = tmp_path / "source"
    shutil.copytree(
        repo_root,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "site", ".site.*", "__pycache__", "*.egg-info", ".*_cache", "node_modules", "dist", "build"
        ),
    )
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, clear=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}

    install = _run([str(python), "-m", "pip", "install", "-q", str(source)], cwd=outside, env=env)
    if install.returncode != 0:
        output = install.stdout + install.stderr
        if any(sign in output for sign in _OFFLINE_SIGNS):
            pytest.skip(f"pip could not reach a package index to fetch the build backend:\n{output[-2000:]}")
        pytest.fail(f"pip install of the project failed:\n{output[-4000:]}")

    where = _run([str(python), "-c", "import newsarchive; print(newsarchive.__file__)"], cwd=outside, env=env)
    assert where.returncode == 0, where.stderr
    installed_at = Path(where.stdout.strip()).resolve()
    assert installed_at.is_relative_to(env_dir.resolve()), f"not a plain install: {installed_at}"
    assert not installed_at.is_relative_to(repo_root.resolve())

    content = shutil.copytree(repo_root / "content", tmp_path / "content")
    site = tmp_path / "site"
    program = bin_dir / ("newsarchive.exe" if os.name == "nt" else "newsarchive")
    assert program.is_file(), "the console script was not installed"
    result = _run([str(program), "build", "--content", str(content), "--output", str(site)], cwd=outside, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    stylesheet = site / "static" / "style.css"
    assert stylesheet.is_file()
    assert stylesheet.read_bytes() == (repo_root / "templates" / "static" / "style.css").read_bytes()
    assert (site / "index.html").is_file()
    assert (site / "feed.xml").is_file()
    headlines = set()
    for page in site.rglob("*.html"):
        if page.parent == site:
            continue
        parser = _H1()
        parser.feed(page.read_text(encoding="utf-8"))
        headlines.update(h.strip() for h in parser.found)
    assert "US-led coalition pressures Russia to focus on fighting IS" in headlines
    # Nothing was written to the folder the command ran in.
    assert list(outside.iterdir()) == []
