"""The command line. Each command parses its arguments into a config and calls one function.

Exit status: 0 when all went well, 1 for content errors (each printed as
`path:line: message`), 2 for usage and configuration errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .build import Report, build, clean
from .config import CONFIG_FILE, load_config
from .discover import SIDECAR_SUFFIXES, source_for
from .errors import ContentError, SearchUnavailable, UsageError, WriteError
from .model import Notice

EXIT_CODES = """\
exit status:
  0  all went well (warnings alone do not fail)
  1  content errors, each printed as path:line: message; files skipped with --keep-going;
     errors found by check
  2  usage or configuration errors
"""
EXAMPLES = (
    """\
examples:
  newsarchive init my-archive                start a new archive in my-archive/
  newsarchive new "Harbour wall approved"    start an article dated today in content/
  newsarchive check --site                   lint the content and the built site
  newsarchive build                          build content/ into site/
  newsarchive serve                          serve it at http://127.0.0.1:8000/, rebuilt as you edit
  newsarchive show content/story.txt         see how one file was read
  newsarchive clean                          remove the built site and the build cache

"""
    + EXIT_CODES
)
BUILD_EXAMPLES = """\
examples:
  newsarchive build                          build content/ into site/
  newsarchive build --content articles --output public
  newsarchive build --keep-going             publish what parses, list what did not
  newsarchive build -v                       the summary, each stage's time, each warning and copy
  newsarchive build --jobs 1 --no-cache      one process, everything parsed afresh
"""
CHECK_EXAMPLES = """\
examples:
  newsarchive check                          lint the articles in content/
  newsarchive check --site                   also check the links and feeds of the built site/
  newsarchive check --format json > check.json
                                             the findings as one JSON object, for CI
"""
INIT_EXAMPLES = """\
examples:
  newsarchive init                           start an archive in this folder
  newsarchive init my-archive                start one in my-archive/ (created if missing)
"""
NEW_EXAMPLES = """\
examples:
  newsarchive new "Harbour wall approved"    content/YYYY-MM-DD-harbour-wall-approved.md, dated today
  newsarchive new "Ferry timetable changes" --date 2024-05-01
"""
SHOW_EXAMPLES = """\
examples:
  newsarchive show content/story.txt         see how one file was read
  newsarchive show --json content/*.txt      the loader's record, one JSON object per line
"""
CLEAN_EXAMPLES = """\
examples:
  newsarchive clean                          remove site/ and its build cache
  newsarchive clean --output public          remove public/ and its build cache
"""
SERVE_EXAMPLES = """\
examples:
  newsarchive serve                          serve the site at http://127.0.0.1:8000/, rebuilt as you edit
  newsarchive serve --port 8080 --no-search  another port; rebuilds skip the search index
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsarchive",
        description="Turn a folder of news articles into a static archive site with feeds.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    b = commands.add_parser(
        "build",
        help="build the site",
        description="Build the archive site and feeds from the content folder.",
        epilog=BUILD_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument("--content", type=Path, metavar="DIR", help="folder of articles (default: content/)")
    b.add_argument("--output", type=Path, metavar="DIR", help="folder to write the site to (default: site/)")
    b.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")
    b.add_argument(
        "--keep-going",
        action="store_true",
        help="publish every article that parses and list the files skipped (still exits 1 if any were)",
    )
    b.add_argument("--no-search", action="store_true", help="skip the search index (faster builds)")
    b.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    b.add_argument("--no-cache", action="store_true", help="parse every file afresh and ignore the last build")
    talk = b.add_mutually_exclusive_group()
    talk.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (the default when stdout is not a terminal)",
    )
    talk.add_argument(
        "-v", "--verbose", action="store_true", help="print the summary, each stage's time, each warning and copy"
    )

    c = commands.add_parser(
        "clean",
        help="remove the built site and the build cache",
        description="Remove the output folder and the build cache, so the next build starts afresh.",
        epilog=CLEAN_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("--output", type=Path, metavar="DIR", help="the built site (default: site/)")
    c.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")

    s = commands.add_parser(
        "show",
        help="show how the loader reads article files",
        description="Parse article files and show the record, with every dropped line and why.",
        epilog=SHOW_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("files", nargs="+", type=Path, metavar="FILE")
    s.add_argument("--json", action="store_true", help="print one JSON object per file (JSON Lines)")
    s.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")

    k = commands.add_parser(
        "check",
        help="lint the content (and with --site the built site) without building",
        description="Read every article as a build would and report each finding as path:line: message.\n"
        "With --site, also check every internal link and every feed of the built site. Writes nothing.\n\n"
        "errors:   files the build would refuse; broken links; feeds that do not parse or lack an element\n"
        "warnings: undated articles; articles with no body left once repeats and boilerplate are dropped;\n"
        "          headlines that are probably the first sentence; copies of other articles",
        epilog=CHECK_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    k.add_argument("--site", action="store_true", help="also check the links and feeds of the built site")
    k.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or one JSON object")
    k.add_argument("--content", type=Path, metavar="DIR", help="folder of articles (default: content/)")
    k.add_argument("--output", type=Path, metavar="DIR", help="the built site, for --site (default: site/)")
    k.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")

    i = commands.add_parser(
        "init",
        help="start a new archive",
        description=f"Create {CONFIG_FILE} with every option documented, a content/ folder with an example\n"
        "article, and an example template override in templates/. Never overwrites a file.",
        epilog=INIT_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the folder to start the archive in (default: this folder)",
    )

    n = commands.add_parser(
        "new",
        help="start a new article",
        description="Create a dated article file in the content folder, named from its date and headline,\n"
        "and print its path. Never overwrites a file.",
        epilog=NEW_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    n.add_argument("headline", help="the article's headline, in quotes")
    n.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the article's date (default: today)")
    n.add_argument("--content", type=Path, metavar="DIR", help="folder of articles (default: content/)")
    n.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")
    v = commands.add_parser(
        "serve",
        help="serve the site on this machine, rebuilt and reloaded on every change",
        description="Build the site into the build cache, serve it, and rebuild and reload it on every change.",
        epilog=SERVE_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    v.add_argument("--port", type=int, default=8000, metavar="N", help="port to listen on (default: 8000; 0: any free)")
    v.add_argument("--content", type=Path, metavar="DIR", help="folder of articles (default: content/)")
    v.add_argument("--output", type=Path, metavar="DIR", help="the built site, left as it is (default: site/)")
    v.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")
    v.add_argument("--no-search", action="store_true", help="skip the search index (faster rebuilds)")
    v.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _config_path(given: Path | None) -> Path | None:
    if given is not None:
        return given
    default = Path(CONFIG_FILE)
    return default if default.is_file() else None


def run() -> NoReturn:
    """The `newsarchive` command: `main`, then out at once. A build leaves a heap of a hundred thousand
    records, which the interpreter would otherwise take apart one by one on the way out, for nothing."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: what was said is lost either way
        code = code or 1
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "clean":
            return _clean(args)
        if args.command == "check":
            return _check(args)
        if args.command == "init":
            return _init(args)
        if args.command == "new":
            return _new(args)
        if args.command == "serve":
            return _serve(args)
        return _show(args)
    except UsageError as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        for notice in exc.notices:
            print(notice, file=sys.stderr)
        count = len(exc.notices)
        print(f"newsarchive: {count} content error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    except (WriteError, SearchUnavailable) as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsarchive: interrupted; the previous site is unchanged", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"newsarchive: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


def _build(args: argparse.Namespace) -> int:
    config = load_config(
        _config_path(args.config),
        content=args.content,
        output=args.output,
        search=False if args.no_search else None,
        jobs=args.jobs,
    )
    if args.jobs is not None and args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    from .console import Progress

    # A bar only for a person watching: on a terminal, and not asked to be quiet.
    progress = Progress(bar=sys.stderr.isatty() and not args.quiet)
    try:
        report = build(config, keep_going=args.keep_going, use_cache=not args.no_cache, progress=progress)
    finally:
        progress.close()
    for notice in report.skipped:
        print(f"skipped: {notice}", file=sys.stderr)
    if args.verbose:
        for line in _details(report, progress.timing_lines()):
            print(line, file=sys.stderr)
    if args.verbose or (sys.stdout.isatty() and not args.quiet):
        print(_summary(report, config.output))
    return 1 if report.skipped else 0


def _summary(report: Report, output: Path) -> str:
    """One line: what the build made and how long it took."""
    dropped = sum(report.dropped.values())
    copies = sum(len(c) for _, c in report.copies)
    parts = [
        f"{report.articles} articles",
        f"{report.pages} pages",
        f"{dropped} lines dropped",
        f"{copies} copies folded",
        f"{len(report.warnings)} warnings",
    ]
    if report.skipped:
        parts.append(f"{len(report.skipped)} files skipped")
    if report.up_to_date:
        return f"{output}/ is up to date: " + ", ".join(parts) + f" (checked in {report.seconds:.2f}s)"
    parts.append(f"{report.written} files written, {report.kept} unchanged")
    return f"built {output}/: " + ", ".join(parts) + f" in {report.seconds:.2f}s"


def _details(report: Report, timings: list[str]) -> list[str]:
    """What -v adds: each stage's time, each warning, each copy folded."""
    lines = ["stages:", *timings] if timings else []
    lines += [str(Notice(w.path, w.line, f"warning: {w.message}")) for w in report.warnings]
    lines += [f"{rel}: also filed as {', '.join(copies)}" for rel, copies in report.copies]
    return lines


def _clean(args: argparse.Namespace) -> int:
    config = load_config(_config_path(args.config), output=args.output)
    removed = clean(config)
    print("removed " + ", ".join(f"{p}/" for p in removed) if removed else "nothing to remove")
    return 0


def _check(args: argparse.Namespace) -> int:
    from . import check

    config = load_config(_config_path(args.config), content=args.content, output=args.output)
    report = check.check(config, site=args.site)
    print(check.as_json(report) if args.format == "json" else check.as_text(report))
    return 1 if report.errors else 0


def _init(args: argparse.Namespace) -> int:
    from .scaffold import init

    folder: Path = args.folder
    for path in init(folder, dt.date.today()):
        print(f"created {path}")
    where = "" if folder == Path(".") else f"cd {folder} && "
    print(f"next: {where}newsarchive build, then open site/index.html")
    return 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import new_article

    config = load_config(_config_path(args.config), content=args.content)
    print(new_article(config.content, args.headline, args.date or dt.date.today()))
    return 0


def _show(args: argparse.Namespace) -> int:
    from .load import load, read_text
    from .parse import Rules
    from .show import as_json, as_text

    config = load_config(_config_path(args.config))
    rules = Rules.make(config.boilerplate, config.near_duplicate_threshold)
    status = 0
    for path in args.files:
        if path.suffix.lower() in SIDECAR_SUFFIXES:
            print(f"{path}: a sidecar, shown with its article file", file=sys.stderr)
            continue
        source = source_for(path)
        try:
            article = load(source, rules, config.max_file_bytes)
            out = as_json(article) if args.json else as_text(article, read_text(source, config.max_file_bytes))
        except ContentError as exc:
            for notice in exc.notices:
                print(notice, file=sys.stderr)
            status = 1
            continue
        print(out)
    return status


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    if args.jobs is not None and args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    search = False if args.no_search else None
    overrides = {"content": args.content, "output": args.output, "search": search, "jobs": args.jobs}
    return serve(_config_path(args.config), args.host, args.port, **overrides)


if __name__ == "__main__":
    run()
