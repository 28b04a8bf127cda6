"""The command line. Each command parses its arguments into a config and calls one function.

Exit status: 0 when all went well, 1 for content errors (each printed as
`path:line: message`), 2 for usage and configuration errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import Report, build, clean
from .config import CONFIG_FILE, load_config
from .discover import SIDECAR_SUFFIXES, source_for
from .errors import ContentError, SearchUnavailable, UsageError, WriteError

EXAMPLES = """\
examples:
  newsarchive build                          build content/ into site/
  newsarchive build --content articles --output public
  newsarchive build --keep-going             publish what parses, list what did not
  newsarchive show content/story.txt         see how one file was read
  newsarchive show --json content/*.txt      the loader's record, one JSON object per line
  newsarchive build --jobs 1 --no-cache      one process, everything parsed afresh
  newsarchive clean                          remove the built site and the build cache
  newsarchive serve                          serve the site at http://127.0.0.1:8000/, rebuilt as you edit
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
        epilog=EXAMPLES,
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
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    c = commands.add_parser(
        "clean",
        help="remove the built site and the build cache",
        description="Remove the output folder and the build cache, so the next build starts afresh.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("--output", type=Path, metavar="DIR", help="the built site (default: site/)")
    c.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")

    s = commands.add_parser(
        "show",
        help="show how the loader reads article files",
        description="Parse article files and show the record, with every dropped line and why.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("files", nargs="+", type=Path, metavar="FILE")
    s.add_argument("--json", action="store_true", help="print one JSON object per file (JSON Lines)")
    s.add_argument("--config", type=Path, metavar="FILE", help=f"config file (default: {CONFIG_FILE} if present)")

    v = commands.add_parser(
        "serve",
        help="serve the site on this machine, rebuilt and reloaded on every change",
        description="Build the site into the build cache, serve it, and rebuild and reload it on every change.",
        epilog=EXAMPLES,
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


def _config_path(given: Path | None) -> Path | None:
    if given is not None:
        return given
    default = Path(CONFIG_FILE)
    return default if default.is_file() else None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "clean":
            return _clean(args)
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
    report = build(config, keep_going=args.keep_going, use_cache=not args.no_cache)
    for notice in report.skipped:
        print(f"skipped: {notice}", file=sys.stderr)
    if not args.quiet:
        print(_summary(report, config.output))
    return 1 if report.skipped else 0


def _summary(report: Report, output: Path) -> str:
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
    lines = [f"built {output}/: " + ", ".join(parts) + f" in {report.seconds:.2f}s"]
    lines += [f"  {rel} also filed as {', '.join(copies)}" for rel, copies in report.copies]
    return "\n".join(lines)


def _clean(args: argparse.Namespace) -> int:
    config = load_config(_config_path(args.config), output=args.output)
    removed = clean(config)
    print("removed " + ", ".join(f"{p}/" for p in removed) if removed else "nothing to remove")
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
    sys.exit(main())
