"""The plan calendar in-process, and three journeys in Debian's Chromium at phone size.

Each journey runs its own `backchain serve` with its own database, so they never share a person.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from app_client import TestClient
from browser_kit import ARTIFACTS, local_page, serve
from playwright.sync_api import Browser, Locator, Page, expect

from backchain import journal
from backchain.programs.models import Weekday
from backchain.programs.profile import parse_profile
from backchain.screening import RED_FLAGS, red_flag
from backchain.store import open_store

TODAY = date.today()
# Today's weekday and two days later, so today is a session and the week has another.
DAYS = [list(Weekday)[TODAY.weekday()], list(Weekday)[(TODAY.weekday() + 2) % 7]]


def _seed(url: str | None = None, weeks: int = 12) -> None:
    """A stored program that starts today on DAYS."""
    data = {
        "age": 40,
        "equipment": ["mat"],
        "experience": "new",
        "days": [day.value for day in DAYS],
        "minutes_per_session": 30,
        "sitting_hours": 8,
        "pain": 3,
        "weeks": weeks,
        "screening": {
            "red_flags": {flag.id: False for flag in RED_FLAGS},
            "startback": [False] * 8 + ["slightly"],
            "age": 40,
        },
    }
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store(url) as store:
        journal.start_program(store, profile=parse_profile(data), start=TODAY, now=now)


# -- in-process --------------------------------------------------------------------------------


def test_plan_is_a_calendar_of_weeks_with_today_marked(client: TestClient) -> None:
    _seed(weeks=14)

    page = client.get("/plan").text

    assert "Your 14-week plan" in page
    assert len(re.findall(r'<tr class="calendar__week calendar__week--', page)) == 14
    for phase in ("Foundation", "Build", "Strength"):
        assert f'class="phase phase--{phase.lower()}">{phase}</span>' in page
    today = re.findall(r'<a href="/plan/([0-9-]+)" aria-current="date">', page)
    assert today == [TODAY.isoformat()]
    assert f'href="/plan/{(TODAY + timedelta(days=2)).isoformat()}"' in page
    assert "Desk break" in page


def test_a_planned_session_shows_each_exercise_and_why(client: TestClient) -> None:
    _seed()

    page = client.get(f"/plan/{TODAY.isoformat()}").text

    assert page.count('<li class="prescription">') == 7
    assert page.count("<summary>Why this exercise</summary>") == 7
    assert "New to training: starting one step easier." in page
    assert '<a class="button" href="/session">Start session</a>' in page


@pytest.mark.parametrize(("day", "status"), [("1999-01-04", 404), ("someday", 422)])
def test_a_day_without_a_session_gets_a_friendly_page(
    client: TestClient, day: str, status: int
) -> None:
    _seed()

    response = client.get(f"/plan/{day}")

    assert response.status_code == status
    assert '<div class="notice">' in response.text


# -- journeys in the browser ---------------------------------------------------------------------


@pytest.fixture
def fresh(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A phone-sized page on a server of its own with an empty database."""
    with serve(tmp_path) as url:
        yield from local_page(browser, url)


@pytest.fixture
def seeded(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A phone-sized page on a server whose database holds a program starting today."""
    _seed(f"sqlite:///{tmp_path / 'backchain.db'}")
    with serve(tmp_path) as url:
        yield from local_page(browser, url)


def _group(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=name, exact=True)


def _fill_profile(page: Page) -> None:
    page.get_by_label("Your age in years").fill("42")
    _group(page, "Equipment you have").get_by_label("Mat").check()
    _group(page, "Strength training experience").get_by_label("Some").check()
    for day in DAYS:
        _group(page, "Training days").get_by_label(day.value.capitalize()).check()
    page.get_by_label("Back pain right now").select_option("4")
    page.get_by_role("button", name="Next: safety questions").click()


def _no_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


@pytest.mark.browser
def test_onboarding_from_home_to_the_plan(fresh: Page) -> None:
    fresh.goto("/")
    fresh.get_by_role("link", name="Start", exact=True).click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("About you")

    # A mistake first: the message sits by the field and the typed answers stay.
    fresh.get_by_label("Your age in years").fill("9")
    fresh.get_by_role("button", name="Next: safety questions").click()
    expect(fresh.locator("#age-error")).to_contain_text("from 16 to 120")
    expect(fresh.get_by_label("Your age in years")).to_have_value("9")
    fresh.screenshot(path=ARTIFACTS / "onboarding-profile-error-phone.png", full_page=True)
    _fill_profile(fresh)

    expect(fresh.get_by_role("heading", level=1)).to_have_text("Safety questions")
    for flag in RED_FLAGS:
        _group(fresh, flag.question).get_by_label("No").check()
    fresh.screenshot(path=ARTIFACTS / "onboarding-safety-phone.png", full_page=True)
    fresh.get_by_role("button", name="Next").click()

    expect(fresh.get_by_role("heading", level=1)).to_have_text("How your back affects you")
    for number in range(1, 9):
        fresh.locator(f"#f-item{number}").get_by_label("Disagree").check()
    fresh.locator("#f-item9").get_by_label("Slightly").check()
    fresh.get_by_role("button", name="Next: baseline").click()

    expect(fresh.get_by_role("heading", level=1)).to_have_text("Your starting point")
    fresh.locator("summary", has_text="Oswestry Disability Index (ODI)").click()
    _group(fresh, "Section 1: Pain intensity").get_by_label(
        "My pain right now is moderate."
    ).check()
    sitting = "My back stops me sitting for more than half an hour."
    _group(fresh, "Section 5: Sitting").get_by_label(sitting).check()
    fresh.get_by_role("button", name="Make my plan with the ODI").click()

    expect(fresh).to_have_url(re.compile(r"/plan$"))
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Your 12-week plan")
    expect(fresh.locator("table.calendar tbody tr")).to_have_count(12)
    for phase in ("Foundation", "Build", "Strength"):
        expect(
            fresh.locator("table.calendar tbody th .phase").get_by_text(phase).first
        ).to_be_visible()
    _no_scroll(fresh)
    fresh.screenshot(path=ARTIFACTS / "onboarding-plan-phone.png", full_page=True)

    fresh.get_by_role("link", name="Today", exact=True).click()
    expect(fresh.get_by_role("heading", name="Today's session")).to_be_visible()


@pytest.mark.browser
def test_a_red_flag_stops_onboarding_and_nothing_is_kept(fresh: Page) -> None:
    flag = red_flag("bladder")
    assert flag is not None
    fresh.goto("/start")
    _fill_profile(fresh)
    for other in RED_FLAGS:
        _group(fresh, other.question).get_by_label("Yes" if other is flag else "No").check()
    fresh.get_by_role("button", name="Next").click()

    expect(fresh.get_by_role("heading", level=1)).to_have_text("Please get medical help today")
    expect(fresh.get_by_role("listitem").get_by_text(flag.reason)).to_be_visible()
    fresh.screenshot(path=ARTIFACTS / "onboarding-red-flag-phone.png", full_page=True)

    fresh.get_by_role("link", name="Back to the start page").click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Welcome to Backchain")
    expect(fresh.get_by_role("link", name="Start", exact=True)).to_be_visible()


@pytest.mark.browser
def test_plan_marks_today_and_a_tap_shows_why(seeded: Page) -> None:
    seeded.goto("/plan")

    today = seeded.locator('table.calendar a[aria-current="date"]')
    expect(today).to_have_count(1)
    expect(today).to_have_attribute("href", f"/plan/{TODAY.isoformat()}")
    _no_scroll(seeded)
    seeded.screenshot(path=ARTIFACTS / "plan-today-phone.png", full_page=True)

    today.click()
    expect(seeded.get_by_role("heading", level=1)).to_have_text("Today")
    first = seeded.locator("li.prescription").first
    reason = first.locator("details.why p")
    expect(reason).to_be_hidden()
    first.get_by_text("Why this exercise").click()
    expect(reason).to_be_visible()
    expect(reason).to_have_text(re.compile(r"\w"))
    # The keyboard opens the next one just as well.
    second = seeded.locator("li.prescription").nth(1)
    second.locator("summary").focus()
    seeded.keyboard.press("Enter")
    expect(second.locator("details.why p")).to_be_visible()
    seeded.screenshot(path=ARTIFACTS / "plan-session-why-phone.png", full_page=True)
