"""A real `backchain serve` and Debian's Chromium for the browser tests.

A missing Chromium is a failure, not a skip: CI installs it, so its absence is a broken set-up.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import (
    APIResponse,
    Browser,
    Page,
    Route,
    ViewportSize,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE: ViewportSize = {"width": 390, "height": 844}  # a common phone viewport, CSS pixels
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
SERVER_START_TIMEOUT_S = 30.0  # a cold start imports FastAPI and loads the catalogue
POLL_INTERVAL_S = 0.2
ACTION_TIMEOUT_MS = 10_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`backchain serve` on a free port with its own empty database, for the module's tests."""
    with serve(tmp_path_factory.mktemp("server")) as url:
        yield url


def serve(folder: Path, *args: str, db_url: str | None = None) -> "ServerContext":
    """Start `backchain serve` (with `args`, e.g. "--clinic") on a database in `folder`, or at
    `db_url`; use it as a context manager."""
    return ServerContext(folder, args, db_url)


class ServerContext:
    def __init__(self, folder: Path, args: tuple[str, ...] = (), db_url: str | None = None) -> None:
        self.folder = folder
        self.args = args
        self.db_url = db_url or f"sqlite:///{folder / 'backchain.db'}"

    def __enter__(self) -> str:
        return self._start()

    def __exit__(self, *_: object) -> None:
        self._stop()

    def _start(self) -> str:
        command = Path(sys.executable).parent / "backchain"
        port = _free_port()
        log = self.folder / "serve.log"
        # Never the person's own data: every server gets a database of its own.
        env = {**os.environ, "BACKCHAIN_DATABASE_URL": self.db_url}
        # Output goes to a file, not a pipe: a full pipe would block the server.
        with log.open("wb") as output:
            self.server = subprocess.Popen(
                [str(command), "serve", "--host", "127.0.0.1", "--port", str(port), *self.args],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=env,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(url, self.server, log)
        except BaseException:
            self._stop()
            raise
        return url

    def _stop(self) -> None:
        self.server.terminate()
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}. "
            "Install it with `apt-get install chromium` (`make test` does this as root)."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Browser, server_url: str) -> Iterator[Page]:
    """A phone-sized page on the module's server."""
    yield from local_page(browser, server_url)


def local_page(browser: Browser, server_url: str, **context_options: object) -> Iterator[Page]:
    """A phone-sized page that may load nothing but the local server, and has no script errors
    and no Content-Security-Policy violations."""
    options: dict[str, object] = {"viewport": PHONE, **context_options}
    context = browser.new_context(base_url=server_url, **options)  # type: ignore[arg-type]
    remote: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(server_url):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The app's Content-Security-Policy allows no inline script or style: any use shows here.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not remote, f"pages tried to load remote resources: {remote}"
    assert not errors, f"script errors in the page: {errors}"
    assert not refused, f"the page broke its Content-Security-Policy: {refused}"


def post(page: Page, path: str, **options: Any) -> APIResponse:
    """A POST from the page's own origin, as its forms send one: with the page's form token."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content") or ""
    headers = {"X-CSRF-Token": token, **options.pop("headers", {})}
    return page.request.post(path, headers=headers, **options)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`backchain serve` exited with {server.returncode}:\n{log.read_text()}")
        try:
            response = httpx.get(f"{url}/healthz", timeout=1.0)
        except httpx.TransportError:
            time.sleep(POLL_INTERVAL_S)
            continue
        if response.status_code != 200:
            pytest.fail(f"/healthz answered {response.status_code}: {response.text}")
        return
    pytest.fail(
        f"`backchain serve` did not answer within {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}"
    )
