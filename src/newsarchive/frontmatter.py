"""Front matter: split a YAML block off an article and check it key by key.

Takes text (an article, or a sidecar `NAME.yaml`) and returns a typed
`Meta` plus the line where the body starts. Every problem names the file and
the line of the offending key. YAML is only ever loaded safely.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .decode import replace_controls
from .errors import ContentError
from .model import Dateline, Notice


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe YAML loader that leaves dates as text, so that they are checked here with a line number
    instead of failing inside YAML ("2015-02-30" is a bad date, not a crash)."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader: Any = Loader

KEYS = (
    "headline",
    "date",
    "dateline",
    "byline",
    "source",
    "url",
    "tags",
    "slug",
    "standfirst",
    "draft",
    "id",
    "category",
    "demo",
)

_FENCE = "---"
# Most front matter is a few `key: value` lines whose values are plain words or dates, double-quoted
# text, or lists of double-quoted text. Lines of exactly those shapes are read directly, as YAML
# reads them (see _simple_yaml); anything else goes to the YAML parser.
_SIMPLE_LINE = re.compile(r"(?P<key>[a-z]+): +(?P<value>.*?) *")
_PLAIN = re.compile(r"[^\W_][\w .,'/-]*")
_QUOTED = r'"[^"\\]*"'
_QUOTED_TEXT = re.compile(_QUOTED)
_QUOTED_LIST = re.compile(rf"\[ *(?:{_QUOTED}(?: *, *{_QUOTED})*)? *\]")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DATELINE = re.compile(r"^(?P<place>[^()]+?)\s*(?:\((?P<agency>[^()]+)\))?\s*$")


@dataclass(frozen=True, slots=True)
class Meta:
    """Validated metadata. `None` means the key was not given."""

    headline: str | None = None
    date: dt.date | None = None
    dateline: Dateline | None = None
    byline: tuple[str, ...] | None = None
    source: str | None = None
    url: str | None = None
    tags: tuple[str, ...] | None = None
    slug: str | None = None
    standfirst: str | None = None
    draft: bool | None = None
    id: str | None = None
    category: str | None = None
    demo: bool | None = None
    lines: dict[str, int] = field(default_factory=dict)

    def merged_over(self, base: Meta) -> Meta:
        """This metadata, with `base` filling every key this one leaves unset."""
        values = {k: getattr(self, k) if getattr(self, k) is not None else getattr(base, k) for k in KEYS}
        return Meta(**values, lines={**base.lines, **self.lines})


def split(path: str, text: str) -> tuple[Meta, int]:
    """Split leading front matter from `text`.

    Returns the metadata and the 0-based index of the first body line. A file
    without a `---` fence on its first line has no front matter.
    """
    return split_lines(path, text.split("\n"))


def split_lines(path: str, lines: list[str]) -> tuple[Meta, int]:
    """`split` for text already split into lines."""
    if lines[0].strip() != _FENCE:
        return Meta(), 0
    for end in range(1, len(lines)):
        if lines[end].rstrip() in (_FENCE, "..."):
            break
    else:
        raise ContentError.at(
            path, 1, "front matter opened with '---' is never closed; add a '---' line after the last key"
        )
    return parse_yaml(path, "\n".join(lines[1:end]), first_line=2), end + 1


def parse_yaml(path: str, source: str, first_line: int = 1) -> Meta:
    """Parse and validate a YAML mapping of article metadata."""
    if not source.strip():
        return Meta()
    if (simple := _simple_yaml(source, first_line)) is not None:
        return _validate(path, *simple)
    loader = _Loader(source)
    node = None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise ContentError.at(path, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ContentError.at(path, first_line, f"invalid YAML: {exc}") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # A value YAML parsed but could not build: `!!timestamp 2015-02-30`, `!!int abc`, a 5,000-digit number.
        raise ContentError.at(path, _line_of_bad_value(node, first_line), f"invalid YAML value: {exc}") from None
    finally:
        loader.dispose()
    if data is None or node is None:
        return Meta()
    if not isinstance(data, dict):
        raise ContentError.at(path, first_line, "front matter must be a mapping of 'key: value' lines")
    key_lines = {str(k.value): first_line + k.start_mark.line for k, _ in node.value}
    return _validate(path, data, key_lines)


def _line_of_bad_value(node: yaml.Node | None, first_line: int) -> int:
    """The line of the first key whose value YAML cannot build, built one by one; else the block's first line."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            probe = _Loader("")
            try:
                probe.construct_object(value, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
                return first_line + int(key.start_mark.line)
            finally:
                probe.dispose()
    return first_line


def _simple_yaml(source: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The mapping and key lines YAML would give for front matter of the simplest shapes, else None.

    Every line must be `key: value` with a known key, and every value plain
    text that YAML resolves to a string (no quote, colon, hash or other
    indicator in it), one double-quoted string without escapes, or a flow
    list of those. Lines must be printable (so no tab and nothing YAML refuses)
    and keys not repeated.
    """
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for n, line in enumerate(source.split("\n")):
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None or not line.isprintable():
            return None
        key, value = match["key"], match["value"]
        if key not in KEYS or key in data:
            return None
        if _QUOTED_TEXT.fullmatch(value):
            data[key] = value[1:-1]
        elif _QUOTED_LIST.fullmatch(value):
            data[key] = [item[1:-1] for item in _QUOTED_TEXT.findall(value)]
        elif _PLAIN.fullmatch(value) and _resolves_to_text(value):
            data[key] = value
        else:
            return None
        key_lines[key] = first_line + n
    return data, key_lines


def _resolves_to_text(value: str) -> bool:
    """Whether YAML reads this plain scalar as a string, not a number, boolean or null."""
    resolvers = Loader.yaml_implicit_resolvers.get(value[0], []) + Loader.yaml_implicit_resolvers.get(None, [])
    return not any(pattern.match(value) for _, pattern in resolvers)


def _validate(path: str, data: dict[Any, Any], key_lines: dict[str, int]) -> Meta:
    problems: list[Notice] = []
    values: dict[str, Any] = {}
    for key, raw in data.items():
        line = key_lines.get(str(key), 1)
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(KEYS)}"
            problems.append(Notice(path, line, f"unknown front matter key '{key}'{hint}"))
            continue
        if raw is None:
            continue
        try:
            values[key] = _CHECKS[key](raw)
        except ValueError as exc:
            problems.append(Notice(path, line, f"'{key}': {exc}"))
    if problems:
        raise ContentError(problems)
    return Meta(**values, lines={k: key_lines[k] for k in values if k in key_lines})


def _text(raw: Any) -> str:
    # Numbers and dates read as text ("headline: 1917"); anything else YAML can build (lists, `!!binary`,
    # `!!set`) is not text. YAML escapes can put control characters in a string, replaced as decode() does.
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | dt.date):
        raise ValueError(f"expected text, got {type(raw).__name__}")
    text = " ".join(replace_controls(str(raw)).split())
    if not text:
        raise ValueError("must not be empty")
    return text


def _texts(raw: Any) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ValueError("expected a list of text, or text separated by commas")
    return tuple(dict.fromkeys(t for t in (_text(i) for i in items) if t))


def _bool(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"expected true or false, got {raw!r}")
    return raw


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise ValueError(f"expected a date like 2015-10-02, got {text!r}")


def _url(raw: Any) -> str:
    text = _text(raw)
    if not _SAFE_URL.match(text):
        raise ValueError(f"expected an http:// or https:// address, got {text!r}")
    return text


def _dateline(raw: Any) -> Dateline:
    if isinstance(raw, dict):
        unknown = set(raw) - {"place", "agency", "date"}
        if unknown or "place" not in raw:
            raise ValueError("expected 'place' with optional 'agency' and 'date'")
        return Dateline(
            place=_text(raw["place"]),
            agency=_text(raw["agency"]) if raw.get("agency") else None,
            date=_text(raw["date"]) if raw.get("date") else None,
        )
    match = _DATELINE.match(_text(raw))
    if not match:
        raise ValueError("expected a place, optionally followed by an agency in brackets: 'LONDON (Reuters)'")
    return Dateline(place=match["place"].rstrip(" ,"), agency=match["agency"])


_CHECKS: dict[str, Any] = {
    "headline": _text,
    "date": _date,
    "dateline": _dateline,
    "byline": _texts,
    "source": _text,
    "url": _url,
    "tags": _texts,
    "slug": _text,
    "standfirst": _text,
    "draft": _bool,
    "id": _text,
    "category": _text,
    "demo": _bool,
}
