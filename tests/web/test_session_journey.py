"""A guided session in Chromium at phone size: start, countdown, log, skip, finish, progress."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, local_page, serve
from playwright.sync_api import Browser, Page, expect
from test_session import start_program

pytestmark = pytest.mark.browser


@pytest.fixture
def trained_page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A page on a server whose database already holds a program starting today."""
    start_program(f"sqlite:///{tmp_path / 'backchain.db'}")
    with serve(tmp_path) as url:
        yield from local_page(browser, url)


def test_guided_session_to_decisions_and_progress(trained_page: Page) -> None:
    page = trained_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto("/session")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today's session")
    total = page.locator(".session-list > li").count()
    assert total >= 3
    page.screenshot(path=ARTIFACTS / "session-overview-phone.png", full_page=True)

    page.get_by_role("link", name="Start the session").click()
    expect(page).to_have_url(re.compile(r"/session/1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glute bridge")
    page.get_by_role("button", name=re.compile("^Start set")).click()
    expect(page.locator("[data-timer-status]")).to_have_text("Get ready, 5 seconds")
    expect(page.locator("[data-timer-status]")).to_have_text("Go", timeout=8_000)
    page.screenshot(path=ARTIFACTS / "session-exercise-phone.png", full_page=True)

    for number in (1, 2):
        expect(
            page.get_by_role("heading", name=f"Log set {number} of", exact=False)
        ).to_be_visible()
        page.get_by_label("Reps").fill("20")
        page.locator("label.choice", has=page.locator('input[name="rpe"][value="6"]')).click()
        page.locator("label.choice", has=page.locator('input[name="pain"][value="1"]')).click()
        page.get_by_role("button", name="Save set").click()
        # After each set the rest timer starts by itself and says so.
        expect(page.locator("[data-timer-status]")).to_contain_text("Rest")
    expect(page.locator(".logged-sets > li")).to_have_count(2)

    for number in range(2, total + 1):
        page.goto(f"/session/{number}")
        page.get_by_label("Skip this exercise: why?").fill("short on time")
        page.get_by_role("button", name="Skip exercise").click()
    expect(page).to_have_url(re.compile(r"/session/finish$"))
    page.locator("label.choice", has=page.locator('input[value="2"]')).click()
    page.get_by_label("Notes (optional)").fill("first go")
    page.get_by_role("button", name="Save the session").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Session saved")
    expect(page.get_by_role("heading", name="What changes next time")).to_be_visible()
    expect(page.locator("tr.decision").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "session-decisions-phone.png", full_page=True)

    page.get_by_role("link", name="See your progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    expect(page.locator("#pain-chart svg[role=img]")).to_be_visible()
    expect(page.locator("#pain-chart circle.point")).to_have_count(2)
    expect(page.locator("#odi-chart line.reference")).to_have_count(1)
    expect(page.locator("#adherence-chart rect.bar")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=ARTIFACTS / "progress-phone.png", full_page=True)
