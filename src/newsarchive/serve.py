"""Serve: build the site for this machine, serve it over HTTP, rebuild it on every change, reload open pages.

Takes the config file, the command line's overrides, a host and a port; runs until Ctrl-C.

The served site is made by the same `build.build()` as `newsarchive build`, with the served address as
its `site_url`, into a folder of its own inside the build cache, with a cache of its own: the deployable
site never gets localhost links and is never touched. Two processes share the work. This one watches
the content, the templates and the config file and rebuilds; having no other thread, its builds fork
workers just as `newsarchive build` does. A child process serves the folder (it writes nothing) and adds
a small inline script to every HTML response, which listens for Server-Sent Events and reloads the page
when a build has finished; the built files themselves stay exactly as the build made them.
"""

from __future__ import annotations

import errno
import io
import ipaddress
import multiprocessing
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO, NoReturn
from urllib.parse import parse_qs, urlsplit

import watchfiles

from .build import build
from .config import Config, load_config
from .errors import ContentError, SearchUnavailable, UsageError, WriteError
from .urls import NOT_FOUND

EVENTS = "/__newsarchive/events"
# How often the watcher wakes without a change, to look at the config file and for a templates folder.
# Editors save by writing a new file and renaming it over the old, which ends a watch on the file itself.
POLL_MS = 1000
KEEP_ALIVE_SECONDS = 15
_RELOAD_SCRIPT = (
    "<script>/* newsarchive serve: reload when the site is rebuilt */"
    'new EventSource("{events}?v={version}").onmessage = function () {{ location.reload(); }};</script>\n'
)
_NOTHING_YET = (
    b"<!doctype html>\n<html lang=en><meta charset=utf-8><title>Not built yet</title>\n"
    b"<p>Nothing is here yet: the site is being built, or its last build failed (see the terminal).</p>\n"
)


def served_config(config: Config, host: str, port: int) -> Config:
    """The config of the served site: the served address, and an output folder and cache inside the build cache."""
    assert config.cache is not None, "load_config always sets the cache folder"
    folder = config.cache / "serve"
    name = f"[{host}]" if ":" in host else host
    return replace(config, site_url=f"http://{name}:{port}/", output=folder / "site", cache=folder / "cache")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(config_file: Path | None, host: str, port: int, **overrides: Any) -> int:
    """Build, serve and rebuild until Ctrl-C (exit status 130, as for any command interrupted)."""
    config = load_config(config_file, **overrides)
    if not config.content.is_dir():
        raise UsageError(f"{config.content}: content folder not found; pass --content DIR or create it")
    if not is_loopback(host):
        print(f"newsarchive: warning: listening on {host}: other machines can reach this server", file=sys.stderr)
    server = _ServerProcess(host, port, served_config(config, host, port).output)
    try:
        session = _Session(config_file, overrides, server, config)
        session.rebuild(initial=True)
        served = session.served
        print(f"serving {served.site_url} (built into {served.output}/; {config.output}/ is left alone)", flush=True)
        watched = [f"{p}/" for p in session.roots()] + ([str(config_file)] if config_file else [])
        print(f"watching {', '.join(watched)}; press Ctrl-C to stop", flush=True)
        session.watch()
    except KeyboardInterrupt:
        print("\nnewsarchive: stopped serving", file=sys.stderr, flush=True)
        return 130
    finally:
        server.stop()


# -- this process: watch and rebuild ---------------------------------------------------------------


def _signature(path: Path | None) -> tuple[int, int, int] | None:
    try:
        stat = path.stat() if path else None
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns) if stat else None


@dataclass
class _Session:
    config_file: Path | None
    overrides: dict[str, Any]
    server: _ServerProcess
    config: Config
    config_seen: tuple[int, int, int] | None = None
    last_errors: str = ""
    served: Config = field(init=False)

    def __post_init__(self) -> None:
        self.config_seen = _signature(self.config_file)
        self.served = served_config(self.config, self.server.host, self.server.port)

    def roots(self) -> list[Path]:
        return [p for p in (self.config.content, self.config.templates) if p.is_dir()]

    def watch(self) -> NoReturn:
        while True:
            roots = self.roots()
            if not roots:  # the content folder was removed; wait for it to come back
                time.sleep(POLL_MS / 1000)
                continue
            fresh = True
            for changes in watchfiles.watch(*roots, rust_timeout=POLL_MS, yield_on_timeout=True):
                config_changed = _signature(self.config_file) != self.config_seen
                if changes or config_changed:
                    self._announce(changes, config_changed)
                    self.rebuild(reload_config=config_changed)
                elif fresh:
                    self.rebuild(quiet=True)  # catch up on changes made while the watcher was being set up
                fresh = False
                if self.roots() != roots:
                    break  # the folders to watch changed (config edited, templates/ made): watch the new ones

    def _announce(self, changes: set[tuple[watchfiles.Change, str]], config_changed: bool) -> None:
        names = sorted({Path(path).name for _, path in changes})
        if config_changed and self.config_file:
            names.insert(0, self.config_file.name)
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        print(f"changed: {shown}", flush=True)

    def rebuild(self, reload_config: bool = False, initial: bool = False, quiet: bool = False) -> None:
        """Rebuild the served site; on any problem, print it and keep serving the last good site.

        At start-up a usage or configuration problem stops `serve`, as it stops `build`."""
        try:
            if reload_config:
                self.config_seen = _signature(self.config_file)
                self.config = load_config(self.config_file, **self.overrides)
                self.served = served_config(self.config, self.server.host, self.server.port)
            report = build(self.served)
        except UsageError as exc:
            if initial:
                raise
            self._failed(str(exc).splitlines(), quiet)
            return
        except ContentError as exc:
            count = len(exc.notices)
            self._failed([*map(str, exc.notices), f"{count} content error{'s' if count != 1 else ''}"], quiet)
            return
        except (WriteError, SearchUnavailable) as exc:
            self._failed([str(exc)], quiet)
            return
        self.last_errors = ""
        if initial or not report.up_to_date:
            self.server.publish(self.served.output)
        elif quiet:
            return
        warnings = f", {len(report.warnings)} warnings" if report.warnings else ""
        done = "up to date" if report.up_to_date else f"{report.written} files written in {report.seconds:.2f}s"
        print(f"{'built' if initial else 'rebuilt'} {report.articles} articles{warnings}: {done}", flush=True)

    def _failed(self, lines: list[str], quiet: bool) -> None:
        text = "\n".join(lines)
        if quiet and text == self.last_errors:
            return
        self.last_errors = text
        print(text, file=sys.stderr)
        print("newsarchive: still serving the last good site; save a fix to rebuild", file=sys.stderr, flush=True)


class _ServerProcess:
    """The child process that serves the site. Raises UsageError, in one line, when it cannot listen."""

    def __init__(self, host: str, port: int, folder: Path) -> None:
        # A fresh interpreter rather than a fork: this process must stay free to fork build workers.
        context = multiprocessing.get_context("spawn")
        self.host = host
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve_folder, args=(host, port, folder, theirs), daemon=True)
        self.process.start()
        theirs.close()
        try:
            kind, value = self.connection.recv()
        except EOFError:
            kind, value = "error", f"cannot listen on {host}:{port}: the server process stopped"
        if kind == "error":
            self.stop()
            raise UsageError(value)
        self.port: int = value

    def publish(self, folder: Path) -> None:
        """Serve `folder` from now on and reload the open pages."""
        self.connection.send((folder, str(time.time_ns())))

    def stop(self) -> None:
        self.connection.close()  # the server sees the end of the pipe and shuts down
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


# -- the child process: serve the folder -----------------------------------------------------------


def _serve_folder(host: str, port: int, folder: Path, connection: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which then closes the pipe
    try:
        server = _Server(host, port, folder)
    except OSError as exc:
        connection.send(("error", _cannot_listen(exc, host, port)))
        return
    connection.send(("listening", server.server_address[1]))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        while True:
            server.publish(*connection.recv())
    except (EOFError, OSError):
        pass
    server.publish(folder, None)
    server.shutdown()
    server.server_close()


def _cannot_listen(exc: OSError, host: str, port: int) -> str:
    if isinstance(exc, socket.gaierror):
        return f"cannot listen on {host}: no such address ({exc.strerror})"
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; stop what is using it or choose another --port"
    return f"cannot listen on {host}:{port}: {exc.strerror}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, folder: Path) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.folder = folder
        self.version: str | None = ""  # None once stopping
        self.changed = threading.Condition()
        super().__init__((host, port), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        _Handler(request, client_address, self, directory=str(self.folder))

    def publish(self, folder: Path, version: str | None) -> None:
        with self.changed:
            self.folder, self.version = folder, version
            self.changed.notify_all()

    def wait_past(self, seen: str) -> str | None:
        """The version once it is not `seen` (None when stopping), or `seen` after a quiet while."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=KEEP_ALIVE_SECONDS)
            return self.version

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-answer is normal
            super().handle_error(request, client_address)


class _Handler(SimpleHTTPRequestHandler):
    """The site's files as they are, except that HTML pages get the reload script, and a missing page
    gets the site's 404.html with status 404, as a web host would send it."""

    server: _Server

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS:
            self._events()
        else:
            super().do_GET()

    def send_head(self) -> BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._page(HTTPStatus.OK, path.read_bytes())
        if not path.exists():
            missing = Path(self.directory) / NOT_FOUND
            return self._page(HTTPStatus.NOT_FOUND, missing.read_bytes() if missing.is_file() else _NOTHING_YET)
        return super().send_head()

    def _page(self, status: HTTPStatus, html: bytes) -> BinaryIO:
        script = _RELOAD_SCRIPT.format(events=EVENTS, version=self.server.version or "").encode()
        end = html.lower().rfind(b"</body>")
        body = html[:end] + script + html[end:] if end >= 0 else html + script
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _events(self) -> None:
        """Server-Sent Events: one `reload` message once the site is newer than the page asking."""
        seen = parse_qs(urlsplit(self.path).query).get("v", [""])[0]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            while (version := self.server.wait_past(seen)) == seen:
                self.wfile.write(b": still here\n\n")
                self.wfile.flush()
            if version is not None:
                self.wfile.write(b"data: reload\n\n")
                self.wfile.flush()
        except OSError:
            pass  # the page was closed

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a line per request would bury the build messages
