"""`newsarchive show`: the loader's public contract, as JSON Lines or for reading.

Takes parsed articles (and their text, for the readable view) and returns
strings. The JSON keys are documented in the README and kept stable.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .model import Article


def as_json(article: Article) -> str:
    dateline = article.dateline
    record: dict[str, Any] = {
        "source": article.source,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "byline": list(article.byline),
        "dateline": ({"place": dateline.place, "agency": dateline.agency, "date": dateline.date} if dateline else None),
        "date": article.date.isoformat() if article.date else None,
        "date_origin": article.date_origin,
        "reading_time": article.reading_time,
        "tags": list(article.tags),
        "blocks": [
            {"type": b.kind, "text": b.text, "attribution": b.attribution, "line": b.line}
            | ({"items": list(b.items)} if b.kind == "list" else {})
            for b in article.blocks
        ],
        "lines": [
            {"line": r.line, "role": r.role}
            | ({"reason": r.reason} if r.reason else {})
            | ({"duplicate_of": r.duplicate_of} if r.duplicate_of else {})
            | ({"pattern": r.pattern} if r.pattern else {})
            for r in article.lines
        ],
        "warnings": [str(w) for w in article.warnings],
    }
    return json.dumps(record, ensure_ascii=False)


def _clip(text: str, width: int = 72) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def as_text(article: Article, text: str) -> str:
    lines = text.split("\n")
    kinds = Counter(b.kind for b in article.blocks)
    dropped = [r for r in article.lines if r.role == "dropped"]
    out = [
        article.source,
        f"  headline     {article.headline}",
        f"  standfirst   {_clip(article.standfirst) if article.standfirst else '-'}",
        f"  byline       {', '.join(article.byline) or '-'}",
        f"  dateline     {article.dateline.place if article.dateline else '-'}",
        f"  date         {article.date.isoformat() if article.date else 'undated'}"
        + (f" (from {article.date_origin.replace('_', ' ')})" if article.date_origin else ""),
        f"  reading time {article.reading_time} min",
        f"  tags         {', '.join(article.tags) or '-'}",
        "  body         " + ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(kinds.items())),
        f"  kept {sum(1 for r in article.lines if r.role != 'dropped')} lines, dropped {len(dropped)}",
    ]
    for r in dropped:
        why: str = r.reason or "dropped"
        if r.duplicate_of:
            why += f" of line {r.duplicate_of}"
        elif r.pattern:
            why += f" ({_clip(r.pattern, 30)})"
        out.append(f"    {r.line:>5}  {why:<28} {_clip(lines[r.line - 1], 60)}")
    out.extend(f"  warning: {w.message}" for w in article.warnings)
    return "\n".join(out)
