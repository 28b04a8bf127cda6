"""Bytes to text: the only place that knows about encodings.

Takes a file's raw bytes and returns its text with `\\n` line ends, or raises
`ContentError` naming the file. UTF-8 (with or without a BOM) and UTF-16 or
UTF-32 with a BOM are read as such. Anything else is read as UTF-8 where it is
valid and as Windows-1252 where it is not, so both whole cp1252 files and files
that mix the two (common in scraped text) come out readable. Byte 0x85 becomes
an ellipsis, never a line break, because lines are split on `\\n` alone.
"""

from __future__ import annotations

import codecs

from .errors import ContentError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_UNDEFINED_IN_CP1252 = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def _cp1252(byte: int) -> str:
    return "\ufffd" if byte in _UNDEFINED_IN_CP1252 else bytes([byte]).decode("cp1252")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(_cp1252(b) for b in bad), error.end


codecs.register_error("newsarchive-cp1252", _cp1252_fallback)

# Control characters have no place in article text and are illegal in XML
# feeds; they become U+FFFD so the reader sees that something was there.
# C1 controls (U+0080-U+009F) in otherwise good text are cp1252 punctuation
# that some tool read as Latin-1 and wrote back as UTF-8 (U+0092 was ’, U+0085
# was …), so they get their cp1252 meaning back, as browsers do.
_CONTROLS = {c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF)}
_CONTROLS |= {c: _cp1252(c) for c in range(0x80, 0xA0)}
# Looking for each of these in turn is quicker than one regex over the whole text. ASCII text holds
# none of the others, and only the ASCII ones need looking for there.
_CONTROL_CHARS = tuple(map(chr, _CONTROLS))
_ASCII_CONTROL_CHARS = tuple(c for c in _CONTROL_CHARS if c.isascii())

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def replace_controls(text: str) -> str:
    """`text` with the control characters decode() replaces replaced the same way (for text from YAML escapes)."""
    return text.translate(_CONTROLS)


def decode(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode one article file. Raises ContentError for empty, binary or oversized files."""
    if len(data) > max_bytes:
        raise ContentError.at(
            path, 1, f"file is {len(data):,} bytes, over the limit of {max_bytes:,} (set max_file_bytes)"
        )
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", "newsarchive-cp1252")
    elif encoding := next((name for bom, name in _BOMS if data.startswith(bom)), None):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ContentError.at(
                path, 1, f"invalid {encoding.upper()} at byte {exc.start}; re-save the file as UTF-8"
            ) from None
    else:
        text = data.decode("utf-8", "newsarchive-cp1252")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ContentError.at(path, line, "file contains NUL bytes; is it a binary file?")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(map(text.__contains__, _ASCII_CONTROL_CHARS if text.isascii() else _CONTROL_CHARS)):
        text = text.translate(_CONTROLS)
    if not text.strip():
        raise ContentError.at(path, 1, "file is empty")
    return text
