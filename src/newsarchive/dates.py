"""Dates written the ways news pages write them.

`parse_date_line` reads a whole line under a headline ("2017-10-24 16:38:00",
"Published: 2 October 2015", "October 2, 2015"); `date_prefix` reads a date
that opens a paragraph ("December 29, 2016: We just got..."); `date_from_path`
reads `2015/10/02/...` or `2015-10-02-...` in a file's path or address.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}|\s*(?:utc|gmt)[+-]?\d*)?)?"
_LABEL = r"(?:(?:published|updated|posted|last\s+updated|first\s+published|date)(?:\s+on)?\s*:?\s*)?"

_ISO = re.compile(
    r"^" + _LABEL + r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$",
    re.IGNORECASE,
)
_DAY_MONTH_YEAR = re.compile(
    r"^" + _LABEL + _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})" + _TIME + r"$",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    r"^" + _LABEL + _WEEKDAY + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME + r"$",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^(?:(?P<iso>\d{4}-\d{2}-\d{2})|(?P<mdy>" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
    r"|(?P<dmy>\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH.replace("?P<month>", "?:") + r",?\s+\d{4}))"
    r"\s*(?::|\s[-\u2013\u2014]|--)\s+(?=\S)",
    re.IGNORECASE,
)
_ASCII_DIGIT = re.compile(r"[0-9]")
_PATH = re.compile(r"(?:^|[/\\])(?P<y>(?:19|20)\d{2})(?P<sep>[/\\-])(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?:[/\\-])")


def _make(year: str, month: str | int, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _has_digit(text: str) -> bool:
    # In ASCII the digits are 0-9, and a regex finds one quicker than a loop over characters.
    return _ASCII_DIGIT.search(text) is not None if text.isascii() else any(c.isdigit() for c in text)


def parse_date_line(text: str) -> dt.date | None:
    """The date a whole line states, or None if the line is not just a date."""
    line = " ".join(text.split()).rstrip(" .")
    if len(line) > 80 or not _has_digit(line):
        return None
    if match := _ISO.match(line):
        return _make(match["y"], match["m"], match["d"])
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        if match := pattern.match(line):
            return _make(match["y"], _MONTHS[match["month"].lower()], match["d"])
    return None


def date_prefix(text: str) -> tuple[dt.date, int] | None:
    """A date opening a paragraph ("December 29, 2016: ...") and where the rest of the text starts."""
    if not text[:1].isalnum() or (match := _PREFIX.match(text)) is None:
        return None
    when = parse_date_line(match["iso"] or match["mdy"] or match["dmy"])
    return (when, match.end()) if when is not None else None


def date_from_path(path: str) -> dt.date | None:
    match = _PATH.search(path)
    return _make(match["y"], match["m"], match["d"]) if match else None
