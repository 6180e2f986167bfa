"""A person's journey through the real server in Debian's Chromium, at phone size.

Starts `backchain serve` as a subprocess and drives Chromium with Playwright's sync API.
A missing Chromium is a failure, not a skip: CI installs it, so its absence is a broken set-up.
"""

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize, expect, sync_playwright

from backchain.exercises import Catalogue, Equipment

pytestmark = pytest.mark.browser

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
    """`backchain serve` on a free port, until the module's tests are done."""
    command = Path(sys.executable).parent / "backchain"
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
    # Output goes to a file, not a pipe: a full pipe would block the server.
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(command), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
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
    """A phone-sized page that may load nothing but the local server, and has no script errors."""
    context = browser.new_context(viewport=PHONE, base_url=server_url)
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
    yield page
    context.close()
    assert not remote, f"pages tried to load remote resources: {remote}"
    assert not errors, f"script errors in the page: {errors}"


def test_library_to_glute_bridge_and_back(phone: Page, catalogue: Catalogue) -> None:
    bridge = catalogue.get("glute_bridge")
    phone.goto("/")

    expect(phone).to_have_url(re.compile(r"/exercises$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Exercise library")
    expect(phone.locator(".card-grid > .card")).to_have_count(7)
    _assert_no_horizontal_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "library-phone.png", full_page=True)

    phone.get_by_role("link", name="Glute bridge", exact=True).click()

    expect(phone).to_have_url(re.compile(r"/exercises/glute_bridge$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Glute bridge")
    expect(phone.locator(".exercise__header .dose")).to_contain_text(
        "2–3 sets × 8–25 reps, rest 60 s"
    )
    for cue in bridge.cues:
        expect(phone.locator(".exercise > section .cues").get_by_text(cue.text)).to_be_visible()
    for variation in [*bridge.regressions, *bridge.progressions]:
        heading = phone.get_by_role("heading", name=variation.name, exact=True)
        expect(heading).to_be_visible()
    _assert_no_horizontal_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "glute-bridge-phone.png", full_page=True)

    # Keyboard only: skip link, then the first link in the main content leads back.
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Skip to main content")).to_be_focused()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="← Exercise library")).to_be_focused()
    phone.keyboard.press("Enter")

    expect(phone).to_have_url(re.compile(r"/exercises$"))
    expect(phone.locator(".card-grid > .card")).to_have_count(7)


def test_equipment_filter_swaps_the_list_in_place(phone: Page, catalogue: Catalogue) -> None:
    with_kettlebell = [e.name for e in catalogue if Equipment.KETTLEBELL in e.equipment]
    phone.goto("/exercises")
    phone.evaluate("window.sameDocument = true")  # gone if the click reloaded the page

    phone.get_by_role("link", name="Kettlebell", exact=True).click()

    expect(phone).to_have_url(re.compile(r"/exercises\?equipment=kettlebell$"))
    expect(phone.locator(".card__title")).to_have_text(with_kettlebell)
    chip = phone.get_by_role("link", name="Kettlebell", exact=True)
    expect(chip).to_have_attribute("aria-current", "true")
    assert phone.evaluate("window.sameDocument === true"), "the filter reloaded the whole page"
    phone.screenshot(path=ARTIFACTS / "library-kettlebell-phone.png", full_page=True)

    phone.go_back()

    expect(phone).to_have_url(re.compile(r"/exercises$"))
    expect(phone.locator(".card-grid > .card")).to_have_count(7)


def test_unknown_exercise_page_leads_back_to_the_library(phone: Page) -> None:
    response = phone.goto("/exercises/cartwheel")

    assert response is not None
    assert response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Exercise not found")
    phone.get_by_role("link", name="Back to the exercise library").click()
    expect(phone).to_have_url(re.compile(r"/exercises$"))


def test_library_uses_the_width_of_a_desktop(browser: Browser, server_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP, base_url=server_url)
    page = context.new_page()
    page.goto("/exercises")

    cards = page.locator(".card-grid > .card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    page.screenshot(path=ARTIFACTS / "library-desktop.png", full_page=True)
    context.close()

    assert first is not None
    assert second is not None
    assert first["y"] == second["y"], "on a wide screen the cards sit side by side"


def _assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"the page scrolls sideways: {widths}"


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
