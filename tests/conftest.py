"""Shared fixtures: the reference seed, small content folders written to tmp_path, CLI runners, an HTML reader."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from htmltree import Node, parse_html

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_4a9c5b9975e3a399.txt"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"reference seed not found at {SEED}; the shared/ folder must sit beside the repository")
    return SEED


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_bytes().decode("utf-8")


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root`; text is written as UTF-8, byte for byte."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


@pytest.fixture
def site_tree(tmp_path: Path) -> Callable[..., Path]:
    """`site_tree(files, folder="content")` writes a content folder under tmp_path and returns it."""

    def make(files: dict[str, str | bytes], folder: str = "content") -> Path:
        return write_tree(tmp_path / folder, files)

    return make


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `newsarchive.cli.main(argv)` in-process and capture what it prints."""

    from newsarchive.cli import main

    def run(*argv: str | Path) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def make_site(root: Path, files: dict[str, str | bytes], config: str | None = None, output: str = "site") -> Path:
    """Write `files` to root/content, build them into root/<output> in-process, and return the site folder.

    The config always names a templates folder under `root`, so no templates/ of the working folder leaks in.
    """
    from newsarchive.cli import main

    content = write_tree(root / "content", files)
    text = config or ""
    if not any(line.startswith("templates:") for line in text.splitlines()):
        text += f"\ntemplates: {json.dumps(str(root / 'templates'))}\n"
    config_file = root / "newsarchive.yaml"
    config_file.write_text(text, encoding="utf-8")
    argv = ["build", "-q", "--content", str(content), "--output", str(root / output), "--config", str(config_file)]
    assert main(argv) == 0, f"build of {sorted(files)} failed; see the captured stderr"
    return root / output


@pytest.fixture(scope="session")
def site_builder() -> Callable[..., Path]:
    """`site_builder(root, files, config=None, output="site")`, for fixtures wider than one test."""
    return make_site


@pytest.fixture
def build_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """`build_site(files, config=None, output="site")` builds a content folder in tmp_path and returns the site."""
    monkeypatch.chdir(tmp_path)
    return functools.partial(make_site, tmp_path)


def settled(root: Path) -> Path:
    """`root` once the sites replaced by builds in it are gone: a build leaves its old site to a process
    it does not wait for (write._discard). Waits up to a minute, then returns anyway, for the caller to see."""
    deadline = time.monotonic() + 60
    while any(root.glob(".*.discarded-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def tree_bytes() -> Callable[[Path], dict[str, bytes]]:
    return snapshot


def cli_command() -> list[str]:
    """The installed console script when there is one, else the module."""
    script = Path(sys.executable).parent / ("newsarchive.exe" if os.name == "nt" else "newsarchive")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "newsarchive.cli"]


@pytest.fixture
def run_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `newsarchive` program in a child process."""

    def run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli_command(), *(str(a) for a in argv)],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def html_tree() -> Callable[[str | bytes], Node]:
    return parse_html


# `make fuzz` (NEWSARCHIVE_FUZZ=1): every property runs many more examples; see strategies.examples().
settings.register_profile("fuzz", max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck))
if os.environ.get("NEWSARCHIVE_FUZZ"):
    settings.load_profile("fuzz")


@pytest.fixture
def parse_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths `parse_article` is called with, in order: what a build parsed rather than took from its cache."""
    from newsarchive import load as load_module

    calls: list[str] = []
    real = load_module.parse_article

    def counting(path: str, text: str, **kwargs: object) -> object:
        calls.append(path)
        return real(path, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "parse_article", counting)
    return calls
