"""The one exception content problems travel in.

Stages collect `Notice`s and raise `ContentError` once, so a build reports
every broken file together instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Notice


class ContentError(Exception):
    """One or more content problems, each naming a file and a line."""

    def __init__(self, notices: Iterable[Notice]) -> None:
        self.notices = tuple(notices)
        super().__init__("\n".join(str(n) for n in self.notices))

    @classmethod
    def at(cls, path: str, line: int, message: str) -> ContentError:
        return cls([Notice(path, line, message)])


class UsageError(Exception):
    """A mistake in how newsarchive was invoked or configured (exit status 2)."""


class WriteError(Exception):
    """The site could not be written; the previous site is untouched."""


class SearchUnavailable(Exception):
    """The search index could not be built; the previous site is untouched."""
