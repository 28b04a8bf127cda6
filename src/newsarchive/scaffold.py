"""`newsarchive init` and `newsarchive new`: start an archive, start an article.

Both write new files only. Every file they would write is checked first, and
if one exists nothing is written (a UsageError, exit status 2).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import urls
from .config import CONFIG_FILE, config_file_text
from .errors import UsageError

EXAMPLE_ARTICLE = """\
---
headline: Welcome to your news archive
date: {date}
tags: [newsarchive]
---
This is an example article. Replace it with your own: put article files in this folder, as plain text
(`.txt`) or Markdown (`.md`), and run `newsarchive build`.

Scraped text works as it comes. The first line is the headline, and a date line under it (such as
`Published: 2 October 2015`) dates the article; front matter like the block above this text, or a
sidecar `NAME.yaml` beside the file, says it explicitly.

Run `newsarchive check` to see what the loader thinks of every file before you publish.
"""

# The default theme's 404.html with other words: an example of overriding one template by name.
EXAMPLE_TEMPLATE = """\
{# A template here replaces the default theme's template of the same name; this one replaces 404.html.
   It extends the theme's base.html and fills its "main" block, like the theme's own pages. #}
{% extends "base.html" %}
{% block main %}
<h1 class="page-title">Not in this archive</h1>
<p>Nothing has been filed at this address. Start from the <a href="{{ page.home }}">latest articles</a>,
browse the <a href="{{ page.archive }}">archive</a> or <a href="{{ page.search }}">search</a>.</p>
{% endblock %}
"""

NEW_ARTICLE = """\
---
headline: {headline}
date: {date}
---
Write the article here. The first paragraph is the summary shown in lists and feeds.
"""


def _refuse_existing(paths: list[Path], what: str) -> None:
    existing = [p for p in paths if p.exists()]
    if existing:
        names = ", ".join(str(p) for p in existing)
        raise UsageError(f"{names}: already exists; {what} never overwrites a file, so nothing was written")


def init(folder: Path, today: dt.date) -> list[Path]:
    """Write a new archive into `folder`: a commented config, an example article, an example template."""
    content = folder / "content"
    files = {
        folder / CONFIG_FILE: config_file_text(),
        content / f"{today.isoformat()}-welcome.md": EXAMPLE_ARTICLE.format(date=today.isoformat()),
        folder / "templates" / "404.html": EXAMPLE_TEMPLATE,
    }
    _refuse_existing(list(files), "init")
    if content.is_dir() and any(content.iterdir()):
        raise UsageError(f"{content}: already holds files; init starts a new archive in an empty folder")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    return list(files)


def new_article(content: Path, headline: str, date: dt.date) -> Path:
    """Write an article file named by its date and headline into `content`; returns its path."""
    headline = " ".join(headline.split())
    if not headline:
        raise UsageError('the headline is empty; give it in quotes: newsarchive new "Harbour wall approved"')
    path = content / f"{date.isoformat()}-{urls.slugify(headline)}.md"
    _refuse_existing([path], "new")
    content.mkdir(parents=True, exist_ok=True)
    # A JSON string is a YAML string, so any headline (quotes, colons, a leading '#') reads back as written.
    text = NEW_ARTICLE.format(headline=json.dumps(headline, ensure_ascii=False), date=date.isoformat())
    with path.open("x", encoding="utf-8") as out:
        out.write(text)
    return path
