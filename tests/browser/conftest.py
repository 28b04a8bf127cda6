"""Browser tests: Debian's chromium, driven by Playwright, reading a site built into a temporary folder.

Which browser
    The system chromium, never a downloaded one (`playwright install` is not used). The executable is,
    in order: the path in the environment variable NEWSARCHIVE_CHROMIUM, `chromium` on PATH, then
    /usr/bin/chromium. `make browser` installs Debian's package when it is missing and we are root.

    NEWSARCHIVE_CHROMIUM=/path/to/chromium pytest tests/browser     use another binary
    NEWSARCHIVE_CHROMIUM=/nonexistent pytest tests/browser -rs      see the skip path

When the browser cannot be used
    If no executable is found, or it does not start, every browser test is skipped with the reason
    shown by `pytest -rs`. Under CI=true (or CI=1) the same reason fails the tests instead, so a CI
    run cannot pass by testing nothing. Both go through `browser_unavailable`.

Offline
    The browser is started with flags that stop it calling home (the machine has no network), each
    test gets a fresh context, and any request that is not for a file:// URL is aborted and recorded
    in `Reader.requests`, for the tests to assert that a built site needs nothing from elsewhere.
    `open_reader(prefix)` opens a tab that may also load URLs under `prefix`, a server on the loopback
    address started by the test; HTTP error responses are recorded in `Reader.failed` too.
    Playwright gives every launch a fresh, empty profile of its own; nothing in ~/.config is used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from newsarchive import cli

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"

CHROMIUM_ENV = "NEWSARCHIVE_CHROMIUM"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LAUNCH_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 10_000


def browser_unavailable(reason: str) -> NoReturn:
    """Skip the browser tests with `reason`, or fail them with it when running under CI."""
    message = f"browser tests cannot run: {reason}"
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def chromium_executable() -> Path:
    """The chromium to drive: NEWSARCHIVE_CHROMIUM, else `chromium` on PATH, else /usr/bin/chromium."""
    override = os.environ.get(CHROMIUM_ENV, "").strip()
    if override:
        chosen = Path(override)
        if not _is_executable(chosen):
            browser_unavailable(f"{CHROMIUM_ENV}={override} is not an executable file")
        return chosen
    on_path = shutil.which("chromium")
    if on_path:
        return Path(on_path)
    if _is_executable(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    browser_unavailable(
        f"chromium is not installed (not on PATH, not at {DEBIAN_CHROMIUM}); "
        f"run `make browser` as root to install Debian's package, or set {CHROMIUM_ENV}"
    )


def _launch(playwright: Playwright, executable: Path) -> Browser | str:
    """The started browser, or why it would not start (the exit status and its last error lines)."""
    try:
        return playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=list(CHROMIUM_ARGS),
            timeout=LAUNCH_TIMEOUT_MS,
        )
    except PlaywrightError as exc:
        lines = [line.strip(" -") for line in str(exc).splitlines() if line.strip(" -")]
        details = [line for line in lines if "[err]" in line or "process did exit" in line]
        return "; ".join([*lines[:1], *details[-3:]]) or "no message"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless chromium for the whole session."""
    executable = chromium_executable()
    with sync_playwright() as playwright:
        browser = _launch(playwright, executable)
        if isinstance(browser, str):
            browser_unavailable(f"{executable} did not start: {browser}")
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo content built by the real command line into a fresh folder; returns the site folder."""
    output = tmp_path_factory.mktemp("browser-site") / "site"
    argv = ["build", "--quiet", "--content", str(CONTENT), "--output", str(output)]
    # Once a browser is up, Playwright's sync API keeps an asyncio loop running on this thread, and the
    # build may use asyncio.run() itself (search indexing): build on a thread of its own, as the CLI would.
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(cli.main, argv).result()
    assert status == 0, f"`newsarchive build` of {CONTENT} exited with {status} (its errors are in the captured stderr)"
    assert (output / "index.html").is_file(), f"the build reported success but wrote no {output}/index.html"
    return output


@dataclass
class Reader:
    """A browser tab plus what it saw: every request URL, failed loads, HTTP error responses and script or
    console errors. Requests for anything outside `local` (file:// unless the tab was opened for a local
    server) are refused."""

    page: Page
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    local: tuple[str, ...] = ("file://",)

    def open(self, path: Path) -> None:
        """Open a built file straight from disk, as a reader of an unzipped archive would."""
        self.page.goto(path.resolve().as_uri(), wait_until="load")

    def offsite_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.local)]


def _open_reader(chromium: Browser, local: tuple[str, ...], **options: Any) -> tuple[BrowserContext, Reader]:
    settings: dict[str, Any] = {
        "viewport": {"width": 1280, "height": 900},
        "color_scheme": "light",
        "reduced_motion": "reduce",
        "locale": "en-GB",
        "service_workers": "block",
    }
    settings.update(options)
    context = chromium.new_context(**settings)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    tab = Reader(page=context.new_page(), local=local)

    def on_request(request: Request) -> None:
        tab.requests.append(request.url)

    def on_failed(request: Request) -> None:
        tab.failed.append(f"{request.url}: {request.failure}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            tab.failed.append(f"{response.url}: HTTP {response.status}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            tab.errors.append(f"console: {message.text}" + (f" ({where})" if where else ""))

    def on_page_error(error: PlaywrightError) -> None:
        tab.errors.append(f"page error: {error}")

    def refuse(route: Route) -> None:
        route.abort("blockedbyclient")

    context.on("request", on_request)
    context.on("requestfailed", on_failed)
    context.on("response", on_response)
    tab.page.on("console", on_console)
    tab.page.on("pageerror", on_page_error)
    context.route(lambda url: not url.startswith(local), refuse)
    return context, tab


@pytest.fixture
def reader(chromium: Browser) -> Iterator[Reader]:
    """A fresh context and tab for one test; anything not file:// is recorded, then refused."""
    context, tab = _open_reader(chromium, ("file://",))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def open_reader(chromium: Browser) -> Iterator[Callable[..., Reader]]:
    """`open_reader(*local_prefixes, **context_options)`: a fresh tab that may load only URLs starting with one of
    the prefixes (a local server's address), with context options such as viewport or color_scheme overridden.
    Every tab opened is closed after the test."""
    contexts: list[BrowserContext] = []

    def open_one(*local: str, **options: Any) -> Reader:
        context, tab = _open_reader(chromium, tuple(local) or ("file://",), **options)
        contexts.append(context)
        return tab

    try:
        yield open_one
    finally:
        for context in contexts:
            context.close()
