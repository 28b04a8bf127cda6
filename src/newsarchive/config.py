"""`newsarchive.yaml`: typed, validated, and checked before any work starts.

Takes the file's text (or nothing) plus command-line overrides and returns a
frozen `Config`. Unknown keys are refused with a suggestion; a bad value
names the key and what was expected.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from .decode import DEFAULT_MAX_BYTES
from .errors import UsageError
from .frontmatter import Loader as YamlLoader
from .textmatch import NEAR_DUPLICATE_THRESHOLD


@dataclass(frozen=True, slots=True)
class Config:
    title: str = field(default="News archive", metadata={"doc": "The site's name, shown on every page and feed."})
    description: str = field(
        default="An archive of news articles.", metadata={"doc": "One sentence for the home page and feeds."}
    )
    site_url: str = field(
        default="http://localhost:8000/",
        metadata={"doc": "Absolute address the site is published at; used in feeds and canonical links."},
    )
    language: str = field(default="en", metadata={"doc": "Language code for pages and feeds."})
    per_page: int = field(default=20, metadata={"doc": "Articles per page on the home page."})
    feed_size: int = field(default=20, metadata={"doc": "Newest articles in each feed."})
    search: bool = field(default=True, metadata={"doc": "Build the full-text search index (Pagefind)."})
    max_file_bytes: int = field(default=DEFAULT_MAX_BYTES, metadata={"doc": "Larger article files are refused."})
    near_duplicate_threshold: float = field(
        default=NEAR_DUPLICATE_THRESHOLD,
        metadata={"doc": "Word 3-gram similarity (0-1) at which a paragraph counts as a near-duplicate."},
    )
    boilerplate: tuple[str, ...] = field(
        default=(), metadata={"doc": "Extra regular expressions; a whole line matching one is dropped."}
    )
    ignore: tuple[str, ...] = field(
        default=("README*", "LICENSE*", "CHANGELOG*"),
        metadata={"doc": "File name patterns in content/ that are not articles."},
    )
    content: Path = field(default=Path("content"), metadata={"doc": "Folder of article files."})
    output: Path = field(default=Path("site"), metadata={"doc": "Folder the site is written to."})
    templates: Path = field(
        default=Path("templates"), metadata={"doc": "Folder of templates that override the default theme by name."}
    )
    cache: Path | None = field(
        default=None,
        metadata={"doc": "Folder for the build cache (default: .SITE.cache beside the output folder)."},
    )
    jobs: int = field(default=0, metadata={"doc": "Worker processes for parsing and rendering; 0 means one per core."})


CONFIG_FILE = "newsarchive.yaml"
_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")


def load_config(path: Path | None, **overrides: Any) -> Config:
    """Read `path` (or the defaults when None) and apply command-line overrides that are not None."""
    values: dict[str, Any] = {}
    base = Path(".")
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{path}: cannot read the config file: {exc.strerror}") from None
        base = path.parent
        values = _parse(path, text)
    known = {f.name: f for f in fields(Config)}
    # Folders named in a config file, and the default ones, are found beside that file.
    for key in ("content", "output", "templates"):
        values[key] = base / values.get(key, getattr(Config(), key))
    if "cache" in values:
        values["cache"] = base / values["cache"]
    for key, value in overrides.items():
        if value is not None and key in known:
            values[key] = Path(value) if isinstance(value, str | Path) else value
    config = Config(**values)
    if config.cache is None:
        config = replace(config, cache=config.output.parent / f".{config.output.name}.cache")
    if not config.site_url.endswith("/"):
        config = replace(config, site_url=config.site_url + "/")
    return config


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=YamlLoader)  # a safe loader: see frontmatter.Loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise UsageError(f"{path}:{line}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{path}:1: the config must be a mapping of 'key: value' lines")
    known = {f.name: f for f in fields(Config)}
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = _line_of(text, str(key))
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"{path}:{line}: unknown key '{key}'{hint}")
            continue
        try:
            values[key] = _check(str(key), value)
        except ValueError as exc:
            problems.append(f"{path}:{line}: '{key}': {exc}")
    if problems:
        raise UsageError("\n".join(problems))
    return values


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return number
    return 1


def _check(key: str, value: Any) -> Any:
    default = getattr(Config(), key)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if value is None:
        raise ValueError(f"expected a value like {default!r}")
    if isinstance(default, int) and not isinstance(default, bool):
        least = 0 if key == "jobs" else 1
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ValueError(f"expected a whole number of at least {least}, got {value!r}")
        return value
    if isinstance(default, float):
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
            raise ValueError(f"expected a number between 0 and 1, got {value!r}")
        return float(value)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a list of text")
        if key == "boilerplate":
            for pattern in value:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
        return tuple(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected text")
    if key == "site_url" and not _URL.match(value):
        raise ValueError(f"expected an absolute http:// or https:// address, got {value!r}")
    return value
