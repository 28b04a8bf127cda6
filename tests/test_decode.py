"""decode.py: a file's bytes in, text with `\\n` line ends out, or a ContentError naming the file."""

from __future__ import annotations

import codecs

import pytest

from newsarchive.decode import decode
from newsarchive.errors import ContentError
from newsarchive.load import Source, load
from newsarchive.parse import DEFAULT_RULES

TEXT = "Café owners protest \u2013 \u201cwe were never asked\u201d\nSecond line: naïve façade, 5 €.\n"


def test_utf8():
    assert decode("a.txt", TEXT.encode("utf-8")) == TEXT


def test_utf8_bom_is_removed():
    text = decode("a.txt", codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert text == TEXT
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")], ids=["le", "be"]
)
def test_utf16_with_bom(bom, codec):
    text = decode("a.txt", bom + TEXT.replace("\n", "\r\n").encode(codec))
    assert text == TEXT
    assert "\ufeff" not in text


def test_cp1252_fallback():
    data = b"Wait for it\x85 the council\x92s vote\r\nNext line \x93quoted\x94\r\n"
    text = decode("a.txt", data)
    assert text == "Wait for it\u2026 the council\u2019s vote\nNext line \u201cquoted\u201d\n"


def test_0x85_is_an_ellipsis_never_a_line_break():
    text = decode("a.txt", b"One\x85 two\x85 three")
    assert text == "One\u2026 two\u2026 three"
    # str.splitlines() would break at U+0085 (NEL) or U+2028; neither may survive.
    assert len(text.splitlines()) == 1


def test_utf8_and_cp1252_mixed_in_one_file():
    data = "café ".encode() + b"\x93naive\x94 \x96 it\x92s"
    assert decode("a.txt", data) == "café \u201cnaive\u201d \u2013 it\u2019s"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a\r\nb\r\nc\r\n", "a\nb\nc\n"),
        (b"a\rb\rc\r", "a\nb\nc\n"),
        (b"a\r\nb\rc\n", "a\nb\nc\n"),
        (b"a\r\r\nb", "a\n\nb"),
    ],
    ids=["crlf", "cr", "mixed", "cr-crlf"],
)
def test_line_ends_become_newlines(data, expected):
    text = decode("a.txt", data)
    assert text == expected
    assert "\r" not in text


def test_nul_bytes_are_an_error_naming_the_line():
    with pytest.raises(ContentError) as caught:
        decode("story.txt", b"headline\nbody line\nthird \x00\x00 line\n")
    (notice,) = caught.value.notices
    assert notice.path == "story.txt"
    assert notice.line == 3
    assert "NUL" in notice.message


def test_nul_in_utf16_is_not_confused_with_its_zero_bytes():
    # UTF-16 text is full of zero bytes; only a real U+0000 character is a problem.
    assert decode("a.txt", codecs.BOM_UTF16_LE + "plain text\n".encode("utf-16-le")) == "plain text\n"


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE], ids=repr)
def test_empty_file_is_an_error(data):
    with pytest.raises(ContentError) as caught:
        decode("empty.txt", data)
    (notice,) = caught.value.notices
    assert notice.path == "empty.txt"
    assert "empty" in notice.message


def test_file_over_the_size_limit_is_an_error():
    with pytest.raises(ContentError) as caught:
        decode("big.txt", b"x" * 101, max_bytes=100)
    (notice,) = caught.value.notices
    assert notice.path == "big.txt"
    assert "limit" in notice.message
    assert decode("ok.txt", b"x" * 100, max_bytes=100) == "x" * 100


def test_control_characters_do_not_survive():
    text = decode("a.txt", b"bell\x07 and escape\x1b here\x0c")
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in text)
    assert text.startswith("bell")


def test_bom_file_front_matter_is_recognised(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(
        codecs.BOM_UTF8 + b"---\r\ndate: 2015-10-02\r\n---\r\nHeadline here\r\n\r\nBody text goes here.\r\n"
    )
    article = load(Source(str(path), "story.txt"), DEFAULT_RULES, 1 << 20)
    assert article.date is not None
    assert article.date.isoformat() == "2015-10-02"
    assert article.headline == "Headline here"
    assert [b.text for b in article.blocks] == ["Body text goes here."]


def test_cp1252_file_reads_through_the_loader(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(b"Council\x92s plan\r\n\r\nThe council\x92s plan was approved\x85 eventually.\r\n")
    article = load(Source(str(path), "story.txt"), DEFAULT_RULES, 1 << 20)
    assert article.headline == "Council\u2019s plan"
    assert [b.text for b in article.blocks] == ["The council\u2019s plan was approved\u2026 eventually."]
