"""Markdown articles: CommonMark by markdown-it-py, raw HTML off.

Takes the lines of a `.md` file below its front matter and returns an
`Article` whose blocks carry markdown-it's HTML. Raw HTML in the source is
shown as text, and links with unsafe schemes (`javascript:` and the like)
are refused by markdown-it's link validation.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import ContentError
from .frontmatter import Meta
from .model import Block, BlockKind, LineRecord, LineRole

_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")

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
        if headline is None and not blocks and first.type == "heading_open" and first.tag == "h1":
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
