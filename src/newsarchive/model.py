"""The records every stage passes along: frozen, typed, and free of behaviour.

The loader produces an `Article`; the enrich stage wraps it in an `Entry` that
knows its URL and neighbours. Nothing downstream mutates either.
"""

from __future__ import annotations

import datetime as dt
import io
import operator
import pickle
from collections import deque, namedtuple
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import repeat
from typing import Any, Literal, Protocol, Self, TypeVar, overload

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


def _pack_rows(rows: Iterable[tuple[Any, ...]]) -> bytes:
    return pickle.dumps(tuple(rows), protocol=pickle.HIGHEST_PROTOCOL)


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
        # A memoryview when read from the build cache: a slice of the file, which is not copied.
        self._packed: bytes | memoryview | None = None

    @classmethod
    def unpack_later(cls, packed: bytes | memoryview) -> Self:
        """The sequence whose `packed()` form is `packed`, unpacked when first read."""
        made = cls.__new__(cls)
        made._items, made._packed = None, packed
        return made

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[Any, ...]]) -> Self:
        """The sequence of the records with these field values (in the order of `names`), kept packed: for a
        maker of records that would only be packed again (a loader worker sends them so)."""
        return cls.unpack_later(_pack_rows(rows))

    def packed(self) -> bytes | memoryview:
        """The records' field values, pickled: what `unpack_later` takes."""
        if self._packed is None:
            self._packed = _pack_rows(map(operator.attrgetter(*self.names), self._all()))
        return self._packed

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        return self.unpack_later, (bytes(self.packed()),)

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


class Filler(Protocol):
    def fill(self, name: str) -> bool:
        """Set field `name` of every article this filler made; False when it has no such field to set."""


class Stored:
    """The base of `Article`: a record read from the build cache is made without the fields STORED_APART, and
    one of them is set, with the same field of the other records read from that cache file, when it is first
    read (see cache.py). Records made any other way have every field set."""

    __slots__ = ("_stored",)
    _stored: Filler


class _StoredApart:
    """A field in STORED_APART: read from its slot, or when that is unset, from the record's filler. A descriptor
    on these few fields only: a `__getattr__` would slow down the reading of every field of every record."""

    __slots__ = ("name", "slot")

    def __init__(self, name: str, slot: Any) -> None:
        self.name, self.slot = name, slot

    def __get__(self, record: Stored | None, owner: type | None = None) -> Any:
        if record is None:
            return self
        try:
            return self.slot.__get__(record, owner)
        except AttributeError:
            filler: Filler | None = getattr(record, "_stored", None)
            if filler is None or not filler.fill(self.name):
                raise
            return self.slot.__get__(record, owner)

    def __set__(self, record: Stored, value: object) -> None:
        self.slot.__set__(record, value)

    def __delete__(self, record: Stored) -> None:
        self.slot.__delete__(record)


@dataclass(frozen=True, slots=True)
class Article(Stored):
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


# The fields of an Article that a record read from the build cache leaves in the cache file until first read.
STORED_APART = ("blocks", "lines", "sketch", "terms")
for _name in STORED_APART:
    setattr(Article, _name, _StoredApart(_name, vars(Article)[_name]))


def records(cls: type[R], count: int, columns: Mapping[str, Sequence[object]]) -> list[R]:
    """`count` records of the slotted class `cls`, each slot named in `columns` set from its column, a column at a
    time: a frozen dataclass's `__init__` sets each field of each record with a call of its own, twice as slow
    (10 ms more for the 10,000 articles of a big archive). Slots not named are left unset."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} is checked or completed after __init__, which records() would skip")
    made = list(map(object.__new__, repeat(cls, count)))
    for name, column in columns.items():
        if len(column) != count:
            raise ValueError(f"{len(column)} values of {cls.__name__}.{name} for {count} records")
        set_field(cls, made, name, column)
    return made


def set_field(cls: type[R], made: Sequence[R], name: str, values: Iterable[object]) -> None:
    """Set slot `name` of each record of `made` (of the slotted class `cls`) to its value, straight into the slot."""
    slot = getattr(cls, name)
    if isinstance(slot, _StoredApart):
        slot = slot.slot
    deque(map(slot.__set__, made, values), maxlen=0)


def plain_pickle(value: object) -> bytes:
    """`value` pickled without noting the objects it holds (it must hold no cycle): quicker, and equal values
    give equal bytes whether or not they share objects; an object held twice is loaded as two."""
    data = io.BytesIO()
    pickler = pickle.Pickler(data, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return data.getvalue()


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
