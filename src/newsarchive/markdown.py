"""Markdown articles: CommonMark by markdown-it-py, raw HTML off.

Takes the lines of a `.md` file below its front matter and returns an
`Article` whose blocks carry markdown-it's HTML. Raw HTML in the source is
shown as text. A link is made only to an http, https or mailto address or a
relative one; any other scheme (`javascript:`, `data:`, `vbscript:`, in any
case or spelling) leaves the Markdown as text. An image becomes a link to the
picture, so that a page never loads anything from elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .errors import ContentError
from .frontmatter import Meta
from .model import Block, BlockKind, LineRecord, LineRole

_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
# markdown-it hands over the address decoded and percent-encoded, so a scheme is plain letters by now.
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def _safe_link(url: str) -> bool:
    scheme = _SCHEME.match(url)
    return scheme is None or scheme[1].lower() in SAFE_SCHEMES


def _image_as_link(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """`![alt](src)` as `<a href="src">alt</a>`: the picture is one click away, never loaded by the page."""
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env) or "image"
    link = Token("link_open", "a", 1, attrs={"href": str(token.attrGet("src") or "")})
    if token.attrGet("title"):
        link.attrSet("title", str(token.attrGet("title")))
    return f"{renderer.renderToken([link], 0, options, env)}{escapeHtml(alt)}</a>"


_MD.validateLink = _safe_link  # type: ignore[method-assign]
_MD.add_render_rule("image", _image_as_link)

_KINDS: dict[str, BlockKind] = {
    "paragraph_open": "paragraph",
    "heading_open": "subheading",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "blockquote_open": "pullquote",
}


def _text(tokens: list[Token]) -> str:
    return "\n".join(t.content for t in tokens if t.type == "inline")


def _top_level(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = []
    i = 0
    while i < len(tokens):
        j = i
        if tokens[i].nesting == 1:
            depth = 0
            for j in range(i, len(tokens)):
                depth += tokens[j].nesting
                if depth == 0:
                    break
        groups.append(tokens[i : j + 1])
        i = j + 1
    return groups


def parse_markdown(
    path: str, lines: list[str], start: int, meta: Meta, records: dict[int, LineRecord]
) -> tuple[str, tuple[Block, ...]]:
    """The headline and blocks of a Markdown body; fills `records` with each line's role."""
    env: dict[str, object] = {}
    tokens = _MD.parse("\n".join(lines[start:]), env)
    headline = meta.headline
    blocks: list[Block] = []
    for group in _top_level(tokens):
        first = group[0]
        begin, end = (first.map or [0, 0])[0] + start + 1, (first.map or [0, 0])[1] + start
        text = _text(group)
        role: LineRole
        if headline is None and not blocks and first.type == "heading_open" and first.tag == "h1" and text.strip():
            headline, role = text, "headline"
        else:
            kind = _KINDS.get(first.type, "paragraph")
            items = tuple(_text(g[1:-1]) for g in _top_level(group[1:-1])) if kind == "list" else ()
            html = _MD.renderer.render(group, _MD.options, env)
            blocks.append(Block(kind, text, begin, items=items, html=html))
            role = kind
        for n in range(begin, min(end, len(lines)) + 1):
            if lines[n - 1].strip():
                records[n] = LineRecord(n, role)
    for n in range(start + 1, len(lines) + 1):
        if n not in records and lines[n - 1].strip():
            records[n] = LineRecord(n, "paragraph")
    if headline is None:
        raise ContentError.at(path, start + 1, "Markdown article has no headline: add 'headline:' or a '# Heading'")
    if not blocks:
        raise ContentError.at(path, len(lines), "article has no body text after its headline")
    return headline, tuple(blocks)
