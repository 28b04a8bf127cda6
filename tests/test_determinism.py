"""The same content gives the same site, byte for byte and path for path (search index included), whatever
the order the file system lists files in, the hash seed, the locale and the time zone."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, cli_command, snapshot

BUNDLED = REPO_ROOT / "content"


def _content(root: Path, order: int | None = None) -> Path:
    """The bundled articles (every input style) and 40 of the benchmark corpus's (dated, tagged, repeated),
    written file by file in an order shuffled by `order` (None: sorted)."""
    source = root / "source"
    if not source.is_dir():
        shutil.copytree(BUNDLED, source)
        subprocess.run(
            [sys.executable, "-m", "benchmarks.corpus", "--n", "40", "--out", str(source / "wire")],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
        )
    files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    if order is not None:
        random.Random(order).shuffle(files)
    target = root / f"content-{order}"
    for rel in files:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target / rel)
    return target


def _build(root: Path, content: Path, output: str, env: dict[str, str] | None = None) -> dict[str, bytes]:
    (root / "empty-templates").mkdir(exist_ok=True)
    config = root / "newsarchive.yaml"
    config.write_text(f"templates: {root / 'empty-templates'}\n", encoding="utf-8")
    argv = ["build", "-q", "--no-cache", "--content", str(content), "--output", str(root / output)]
    done = subprocess.run(
        [*cli_command(), *argv, "--config", str(config)],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return snapshot(root / output)


def _differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    only = sorted(set(a) ^ set(b))
    changed = sorted(p for p in set(a) & set(b) if a[p] != b[p])
    return [f"only in one: {p}" for p in only] + [f"differs: {p}" for p in changed]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("determinism")
    site = _build(root, _content(root), "reference", {"PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8", "TZ": "UTC"})
    assert any(p.startswith("pagefind/") for p in site), "the search index is part of what is compared"
    return root, site


def test_file_creation_order_does_not_change_the_site(reference: tuple[Path, dict[str, bytes]]) -> None:
    root, site = reference
    # tmpfs lists a folder in the order its files were made; ext4 in hash order (then the shuffled
    # listings below do the work).
    for order in (1, 2):
        content = _content(root, order)
        assert _differences(site, _build(root, content, f"order-{order}")) == []


def _installed_locales() -> list[str]:
    try:
        found = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    except OSError:
        found = []
    return sorted({"C", "C.UTF-8", *found})


# Each build changes every setting from the reference's at once: hash seed, locale and time zone.
VARIANTS = [
    {"PYTHONHASHSEED": "1", "LC_ALL": "C", "TZ": "Pacific/Kiritimati"},
    {"PYTHONHASHSEED": "4242", "LC_ALL": "POSIX", "TZ": "America/St_Johns"},
    {"PYTHONHASHSEED": "random", "TZ": "Asia/Kathmandu"},
]


@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_hash_seed_locale_and_time_zone_do_not_change_the_site(
    variant: int, reference: tuple[Path, dict[str, bytes]]
) -> None:
    root, site = reference
    env = dict(VARIANTS[variant])
    locales = [name for name in _installed_locales() if name not in ("C", "C.UTF-8", "C.utf8", "POSIX")]
    if "LC_ALL" not in env:
        # Any other locale the system has (en_US.UTF-8, de_DE, ...); C.UTF-8 spelt the system's way if none.
        env["LC_ALL"] = locales[0] if locales else "C.utf8"
    assert _differences(site, _build(root, _content(root), f"variant-{variant}", env)) == [], env


@pytest.fixture
def shuffled_listings(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`shuffle(seed)` makes os.scandir and os.listdir in this process return entries in a seeded random order."""
    real_scandir, real_listdir = os.scandir, os.listdir

    def shuffle(seed: int) -> None:
        rng = random.Random(seed)

        class Listing:
            def __init__(self, entries: list[Any]) -> None:
                self.entries = iter(entries)

            def __iter__(self) -> Iterator[Any]:
                return self

            def __next__(self) -> Any:
                return next(self.entries)

            def __enter__(self) -> Listing:
                return self

            def __exit__(self, *exc: object) -> None:
                pass

            def close(self) -> None:
                pass

        def scandir(path: Any = ".") -> Listing:
            with real_scandir(path) as it:
                entries = list(it)
            rng.shuffle(entries)
            return Listing(entries)

        def listdir(path: Any = ".") -> list[Any]:
            names = real_listdir(path)
            rng.shuffle(names)
            return names

        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr(os, "listdir", listdir)

    return shuffle


def test_directory_listing_order_does_not_change_the_site(
    reference: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    shuffled_listings: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsarchive.cli import main

    root, site = reference
    content = _content(root)
    (tmp_path / "newsarchive.yaml").write_text(f"templates: {root / 'empty-templates'}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for seed in (1, 2):
        shuffled_listings(seed)
        assert sorted(os.listdir(content / "wire")) != os.listdir(content / "wire"), "listings are shuffled"
        argv = ["build", "-q", "--no-cache", "--jobs", "1", "--content", str(content), "--output", f"shuffled-{seed}"]
        assert main(argv) == 0
        monkeypatch.undo()
        assert _differences(site, snapshot(tmp_path / f"shuffled-{seed}")) == []
        monkeypatch.chdir(tmp_path)
