"""A real `newsarchive serve` in a child process on a free loopback port, for the serve and live-reload tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import cli_command

DEADLINE = 60.0  # seconds; generous, because the machine may be busy. Nothing asserts how fast it is.
READY = "press Ctrl-C to stop"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def until(what: str, check: Callable[[], bool], deadline: float = DEADLINE) -> None:
    """Poll `check` until it is true; fail naming `what` once `deadline` seconds have passed."""
    end = time.monotonic() + deadline
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"gave up after {deadline:.0f}s waiting for {what}")
        time.sleep(0.2)


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    logs: Path

    @property
    def out(self) -> str:
        return (self.logs / "out.txt").read_text(encoding="utf-8")

    @property
    def err(self) -> str:
        return (self.logs / "err.txt").read_text(encoding="utf-8")

    def get(self, path: str = "") -> tuple[int, bytes]:
        """The status and body of one request to the server (404s included)."""
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def page_shows(self, path: str, text: str) -> bool:
        status, body = self.get(path)
        return status == 200 and text.encode() in body

    def stop(self) -> int:
        """Ctrl-C, as a person would stop it; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


@contextmanager
def serving(cwd: Path, *args: str | Path, port: int | None = None) -> Iterator[Served]:
    """Run `newsarchive serve ARGS --port PORT` in `cwd`, wait until its site is built and watched, yield it,
    and stop it afterwards (if the test has not)."""
    port = port or free_port()
    logs = cwd / f".serve-logs-{port}"
    logs.mkdir()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [*cli_command(), "serve", "--port", str(port), *(str(a) for a in args)]
    with (logs / "out.txt").open("wb") as out, (logs / "err.txt").open("wb") as err:
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
    served = Served(process, f"http://127.0.0.1:{port}/", logs)
    try:

        def ready() -> bool:
            assert process.poll() is None, f"serve exited with {process.returncode}: {served.err}"
            return READY in served.out

        until("the served site to be built", ready)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
