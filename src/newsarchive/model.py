"""The records every stage passes along: frozen, typed, and free of behaviour.

The loader produces an `Article`; the enrich stage wraps it in an `Entry` that
knows its URL and neighbours. Nothing downstream mutates either.
"""

from __future__ import annotations

import datetime as dt
import operator
import pickle
from collections import namedtuple
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar, overload

BlockKind = Literal["paragraph", "subheading", "pullquote", "list"]

# Every non-blank line of a file gets exactly one of these roles.
LineRole = Literal[
    "front_matter",
    "url",
    "headline",
    "standfirst",
    "byline",
    "dateline",
    "date",
    "reading_time",
    "paragraph",
    "subheading",
    "pullquote",
    "list",
    "dropped",
]

DropReason = Literal["duplicate", "near_duplicate", "boilerplate"]


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of body text, in reading order.

    `html` is set only for Markdown sources, where markdown-it has already
    produced safe markup; plain-text blocks are escaped by the templates.
    """

    kind: BlockKind
    text: str
    line: int
    attribution: str | None = None
    items: tuple[str, ...] = ()
    html: str | None = None


R = TypeVar("R")


class Packed(Sequence[R]):
    """An immutable sequence of records, pickled (into the build cache, or from a loader worker) as one
    compact record of their field values, and unpacked only when read: the build's main process holds
    every article but reads few bodies and few line records, so it never builds most of them."""

    __slots__ = ("_items", "_packed")
    record: type  # the record class, a frozen dataclass with slots
    names: tuple[str, ...]  # its fields, in order
    row: Any  # a named tuple of its fields (see rows)

    def __init_subclass__(cls) -> None:
        cls.names = tuple(f.name for f in fields(cls.record))
        cls.row = namedtuple(cls.record.__name__ + "Row", cls.names)  # type: ignore[misc]

    def __init__(self, items: Iterable[R] = ()) -> None:
        self._items: tuple[R, ...] | None = tuple(items)
        self._packed: bytes | None = None

    @classmethod
    def _unpickle(cls, packed: bytes) -> Packed[R]:
        made = cls.__new__(cls)
        made._items, made._packed = None, packed
        return made

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        if self._packed is None:
            values = operator.attrgetter(*self.names)
            self._packed = pickle.dumps(tuple(map(values, self._all())), protocol=pickle.HIGHEST_PROTOCOL)
        return self._unpickle, (self._packed,)

    def release(self) -> None:
        """Let the unpacked records go, when the packed form can make them again: for a reader of many
        sequences, each once (a render worker reads thousands of article bodies)."""
        if self._packed is not None:
            self._items = None

    def rows(self) -> Sequence[Any]:
        """The records; or, while they are packed, their field values as named tuples, read by the same names,
        several times quicker to make than the records: for a reader that reads each sequence once (a render
        worker, each body) and leaves it packed."""
        if self._items is not None:
            return self._items
        assert self._packed is not None
        return list(map(self.row._make, pickle.loads(self._packed)))

    def _all(self) -> tuple[R, ...]:
        if self._items is None:
            assert self._packed is not None
            self._items = tuple(self.record(*values) for values in pickle.loads(self._packed))
        return self._items

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[R, ...]: ...
    def __getitem__(self, index: int | slice) -> R | tuple[R, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[R]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Packed):
            return self._all() == other._all()
        return self._all() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


class Blocks(Packed[Block]):
    """An article's body, block by block."""

    __slots__ = ()
    record = Block


@dataclass(frozen=True, slots=True)
class LineRecord:
    """What the loader did with one non-blank line of the file."""

    line: int
    role: LineRole
    reason: DropReason | None = None
    duplicate_of: int | None = None
    pattern: str | None = None


class Lines(Packed[LineRecord]):
    """What the loader did with each non-blank line of a file, in line order."""

    __slots__ = ()
    record = LineRecord


@dataclass(frozen=True, slots=True)
class Dateline:
    place: str
    agency: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A problem tied to a place in a file. Errors stop a build; warnings do not."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line > 0 else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Article:
    source: str
    headline: str
    standfirst: str | None
    byline: tuple[str, ...]
    dateline: Dateline | None
    date: dt.date | None
    reading_time: int
    tags: tuple[str, ...]
    blocks: Blocks
    lines: Lines
    slug: str | None = None
    source_name: str | None = None
    source_url: str | None = None
    article_id: str | None = None
    category: str | None = None
    draft: bool = False
    demo: bool = False
    date_origin: Literal["front_matter", "text", "path"] | None = None
    warnings: tuple[Notice, ...] = field(default=())
    # The smallest fingerprints of the headline and body's word 3-grams (textmatch.sketch), which
    # dedupe uses to find copies across articles. Made by the loader, so that it is made in worker
    # processes and kept with a cached article; () when not made. Derived from the text, so not
    # part of equality.
    sketch: bytes = field(default=b"", repr=False, compare=False)
    # The headline and body's words with their counts (textmatch.terms), which topics.py weighs to find
    # related articles; made and kept like the sketch. ("", b"") when not made.
    terms: tuple[str, bytes] = field(default=("", b""), repr=False, compare=False)
    # The first paragraph's text (the body's, when it has no paragraph): what a summary is made from
    # without reading the body. Derived from the blocks, so not part of equality.
    lede: str = field(default="", repr=False, compare=False)
    # How many lines were dropped for each reason: what `lines` says, counted, so that the build's report
    # does not unpack every article's line records. Derived, so not part of equality.
    drops: tuple[tuple[DropReason, int], ...] = field(default=(), repr=False, compare=False)

    @property
    def body_text(self) -> str:
        parts: list[str] = []
        for block in self.blocks.rows():
            parts.extend(block.items or (block.text,))
        return "\n".join(parts)


def fast_pickle(cls: type) -> None:
    """Pickle records as (class, field values): the dataclass default looks fields up for every object,
    which made the build cache several times slower to write and read."""
    getter = operator.attrgetter(*cls.__slots__)  # type: ignore[attr-defined]
    if len(cls.__slots__) == 1:  # type: ignore[attr-defined]

        def reduce(self: object) -> tuple[type, tuple[object, ...]]:
            return cls, (getter(self),)

    else:

        def reduce(self: object) -> tuple[type, tuple[object, ...]]:
            return cls, getter(self)

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]


for _record in (Block, LineRecord, Dateline, Notice, Article):
    fast_pickle(_record)
