"""A person's journey through the library in Debian's Chromium, at phone size.

Starts `backchain serve` as a subprocess and drives Chromium with Playwright's sync API.
A missing Chromium is a failure, not a skip: CI installs it, so its absence is a broken set-up.
"""

import re

import pytest
from browser_kit import ARTIFACTS, DESKTOP
from playwright.sync_api import Browser, Page, expect

from backchain.exercises import Catalogue, Equipment

pytestmark = pytest.mark.browser


def test_library_to_glute_bridge_and_back(phone: Page, catalogue: Catalogue) -> None:
    bridge = catalogue.get("glute_bridge")
    phone.goto("/exercises")

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
