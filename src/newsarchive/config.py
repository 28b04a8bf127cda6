"""`newsarchive.yaml`: typed, validated, and checked before any work starts.

Takes the file's text (or nothing) plus command-line overrides and returns a
frozen `Config`. Unknown keys are refused with a suggestion; a bad value
names the key and what was expected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from .decode import DEFAULT_MAX_BYTES
from .errors import UsageError
from .textmatch import NEAR_DUPLICATE_THRESHOLD


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting of `newsarchive.yaml`. Each field's "doc" is its documentation: `newsarchive init`
    writes it into the file it makes and the README's table is made from it, so neither can go stale."""

    title: str = field(default="News archive", metadata={"doc": "The site's name, on every page and feed."})
    description: str = field(
        default="An archive of news articles.", metadata={"doc": "One sentence for the home page and feeds."}
    )
    site_url: str = field(
        default="http://localhost:8000/",
        metadata={"doc": "The address the site is published at; used in feeds, sitemaps and canonical links."},
    )
    language: str = field(
        default="en", metadata={"doc": "Language code for pages, feeds and search, like en or pt-BR."}
    )
    per_page: int = field(default=20, metadata={"doc": "Articles per list page."})
    feed_size: int = field(default=20, metadata={"doc": "Newest articles in each feed."})
    search: bool = field(default=True, metadata={"doc": "Build the full-text search index (Pagefind)."})
    max_file_bytes: int = field(default=DEFAULT_MAX_BYTES, metadata={"doc": "Larger article files are refused."})
    near_duplicate_threshold: float = field(
        default=NEAR_DUPLICATE_THRESHOLD,
        metadata={"doc": "Word 3-gram similarity (over 0, up to 1) at which a paragraph is a near-duplicate."},
    )
    boilerplate: tuple[str, ...] = field(
        default=(), metadata={"doc": "Extra regular expressions; a whole line matching one is dropped."}
    )
    ignore: tuple[str, ...] = field(
        default=("README*", "LICENSE*", "CHANGELOG*"),
        metadata={"doc": "File name patterns in the content folder that are not articles."},
    )
    content: Path = field(default=Path("content"), metadata={"doc": "Folder of article files."})
    output: Path = field(default=Path("site"), metadata={"doc": "Folder the site is written to."})
    templates: Path = field(
        default=Path("templates"),
        metadata={
            "doc": "Folder of templates that override the default theme by name, and a static/ folder "
            "whose files override the theme's."
        },
    )
    cache: Path | None = field(
        default=None,
        metadata={
            "doc": "The build cache; safe to delete at any time.",
            "default": ".SITE.cache beside the output folder",
            "example": ".site.cache",
        },
    )
    jobs: int = field(default=0, metadata={"doc": "Worker processes for parsing and rendering; 0 means one per core."})


CONFIG_FILE = "newsarchive.yaml"
_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


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
    # Loaded only when there is a config file to read: a build starts quicker without them.
    import difflib

    import yaml

    from .frontmatter import Loader as YamlLoader

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
    """The value for `key`, checked against the field's type; ValueError says what was expected."""
    kind = _TYPES[key]
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if kind is int:
        least = 0 if key == "jobs" else 1
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ValueError(f"expected a whole number of at least {least}, got {value!r}")
        return value
    if kind is float:
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
            raise ValueError(f"expected a number over 0 and up to 1, got {value!r}")
        return float(value)
    if kind == tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"expected a list of text, like ['one', 'two'], got {value!r}")
        if key == "boilerplate":
            for pattern in value:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
        return tuple(value)
    if kind in (Path, Path | None):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"expected a folder path, got {value!r}")
        return Path(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected text, got {value!r}")
    if key == "site_url" and not _URL.match(value):
        raise ValueError(f"expected an absolute http:// or https:// address, got {value!r}")
    if key == "language" and not _LANGUAGE.match(value):
        raise ValueError(f"expected a language code like 'en' or 'pt-BR', got {value!r}")
    return value


# The fields' types, resolved once: _check goes by them.
_TYPES: dict[str, Any] = get_type_hints(Config)


# -- the config documented, from the fields' metadata -----------------------------------------------


def _literal(value: Any) -> str:
    """A default as YAML reads it back: JSON is YAML, and quotes every text that YAML would misread."""
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return json.dumps(str(value) if isinstance(value, Path) else value)


def config_file_text() -> str:
    """A `newsarchive.yaml` with every option, each under its documentation and set to its default."""
    import textwrap

    out = [
        f"# {CONFIG_FILE}: every key is optional and shows its default. Folders are found beside this file.",
        "# Unknown keys are refused; `newsarchive check` lints the content without building.",
    ]
    for f in fields(Config):
        out += ["", *textwrap.wrap(f.metadata["doc"], 100, initial_indent="# ", subsequent_indent="# ")]
        if f.default is None:
            out += [f"# Default: {f.metadata['default']}.", f"# {f.name}: {_literal(f.metadata['example'])}"]
        else:
            out.append(f"{f.name}: {_literal(f.default)}")
    return "\n".join(out) + "\n"


def markdown_table() -> str:
    """The README's table of options."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for f in fields(Config):
        shown = f.metadata["default"] if f.default is None else _literal(f.default).strip('"')
        rows.append(f"| `{f.name}` | `{shown}` | {f.metadata['doc']} |")
    return "\n".join(rows) + "\n"
