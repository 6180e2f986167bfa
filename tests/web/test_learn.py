"""The Learn pages: every lesson readable, the schedule shown with a plan, and the Today card."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from app_client import TestClient
from browser_kit import ARTIFACTS
from playwright.sync_api import Page, expect

from backchain import journal
from backchain.learn import load_lessons
from backchain.programs.models import Profile
from backchain.screening import RED_FLAGS
from backchain.store import open_store
from backchain.web.app import create_app
from backchain.web.learn import LessonCard, lesson_card, plan_start
from backchain.web.templating import templates

LESSONS = load_lessons()
FIRST, SECOND, LAST = LESSONS.lessons[0], LESSONS.lessons[1], LESSONS.lessons[-1]
CLEAR = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False] * 8 + ["slightly"],
    "age": 38,
}


def profile() -> Profile:
    return Profile.model_validate(
        {
            "age": 38,
            "equipment": ["mat"],
            "experience": "some",
            "days": ["monday", "wednesday", "friday"],
            "minutes_per_session": 40,
            "sitting_hours": 9,
            "pain": 3,
            "screening": CLEAR,
        }
    )


def start_program(url: str, start: date) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store(url) as store:
        journal.start_program(store, profile=profile(), start=start, now=now)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'backchain.db'}"


def client_for(db_url: str, start: date | None) -> Iterator[TestClient]:
    if start is not None:
        start_program(db_url, start)
    with TestClient(create_app(db_url)) as test_client:
        yield test_client


@pytest.fixture
def no_plan(db_url: str) -> Iterator[TestClient]:
    yield from client_for(db_url, None)


@pytest.fixture
def started_today(db_url: str) -> Iterator[TestClient]:
    yield from client_for(db_url, date.today())


@pytest.fixture
def started_four_days_ago(db_url: str) -> Iterator[TestClient]:
    yield from client_for(db_url, date.today() - timedelta(days=4))


def lesson_links(html: str) -> list[str]:
    return re.findall(r'<h2 class="card__title"><a href="/learn/([a-z_]+)"', html)


def test_without_a_plan_every_lesson_is_listed_and_readable(no_plan: TestClient) -> None:
    page = no_plan.get("/learn")
    assert page.status_code == 200
    assert lesson_links(page.text) == [lesson.id for lesson in LESSONS]
    assert "coming later" not in page.text
    assert "your lesson for now" not in page.text
    for lesson in LESSONS:
        assert no_plan.get(f"/learn/{lesson.id}").status_code == 200


def test_learn_is_in_the_main_navigation(no_plan: TestClient) -> None:
    assert '<a href="/learn" aria-current="page">Learn</a>' in no_plan.get("/learn").text


def test_on_the_first_day_lesson_one_is_current_and_the_rest_come_later(
    started_today: TestClient,
) -> None:
    page = started_today.get("/learn").text
    cards = page.split('<li class="card">')[1:]
    assert "your lesson for now" in cards[0]
    assert all("coming later" in card for card in cards[1:])
    second_opens = (date.today() + timedelta(days=3)).strftime("%A %d %B")
    assert f"coming later, on {second_opens}" in cards[1]


def test_later_lessons_can_be_read_before_they_are_offered(started_today: TestClient) -> None:
    page = started_today.get(f"/learn/{LAST.id}")
    assert page.status_code == 200
    assert "you are welcome to read it now" in page.text


def test_four_days_in_the_second_lesson_is_current(started_four_days_ago: TestClient) -> None:
    cards = started_four_days_ago.get("/learn").text.split('<li class="card">')[1:]
    assert "offered" in cards[0]
    assert "your lesson for now" in cards[1]
    assert "coming later" in cards[2]


def test_a_lesson_shows_its_text_and_sources(no_plan: TestClient) -> None:
    page = no_plan.get("/learn/pain_during_training").text
    assert "<h1>Pain during training: how Backchain uses it</h1>" in page
    assert "Pain above 5 is too much for now" in page
    assert '<h2 id="sources">Sources</h2>' in page
    assert "Silbernagel et al. 2007, Am J Sports Med 35:897" in page


def test_the_checked_lesson_lists_the_urgent_signs(no_plan: TestClient) -> None:
    page = no_plan.get("/learn/when_to_get_checked").text
    assert "<li>New loss of bowel control</li>" in page
    assert "Please get medical help the same day" in page


@pytest.mark.parametrize(
    ("lesson_id", "previous", "following"),
    [
        (FIRST.id, None, SECOND.id),
        (SECOND.id, FIRST.id, LESSONS.lessons[2].id),
        (LAST.id, LESSONS.lessons[-2].id, None),
    ],
)
def test_previous_and_next_links(
    no_plan: TestClient, lesson_id: str, previous: str | None, following: str | None
) -> None:
    page = no_plan.get(f"/learn/{lesson_id}").text
    assert linked(page, "prev") == previous
    assert linked(page, "next") == following


def linked(page: str, rel: str) -> str | None:
    found = re.search(rf'href="/learn/([a-z_]+)" rel="{rel}"', page)
    return found.group(1) if found else None


def test_an_unknown_lesson_is_a_friendly_404(no_plan: TestClient) -> None:
    page = no_plan.get("/learn/no_such_lesson")
    assert page.status_code == 404
    assert "Lesson not found" in page.text
    assert "no_such_lesson" in page.text
    assert "Traceback" not in page.text


# -- the Today card -----------------------------------------------------------------------------


def card_on(db_url: str, day: date) -> LessonCard | None:
    with open_store(db_url) as store, store.transaction() as session:
        return lesson_card(plan_start(session), day)


def test_no_card_without_a_plan(db_url: str) -> None:
    assert card_on(db_url, date.today()) is None


@pytest.mark.parametrize(
    ("days_after", "number"), [(-1, None), (0, 1), (3, 2), (18, len(LESSONS)), (60, None)]
)
def test_the_card_follows_the_schedule(db_url: str, days_after: int, number: int | None) -> None:
    start = date(2026, 1, 5)
    start_program(db_url, start)
    card = card_on(db_url, start + timedelta(days=days_after))
    if number is None:
        assert card is None
    else:
        assert card is not None
        assert (card.number, card.total) == (number, len(LESSONS))
        assert card.lesson == LESSONS.lessons[number - 1]


def render_card(card: LessonCard | None) -> str:
    return templates.get_template("_lesson_card.html").render(lesson_card=card)


def test_the_card_partial_links_to_the_lesson() -> None:
    html = render_card(LessonCard(lesson=SECOND, number=2, total=len(LESSONS)))
    assert f"Lesson 2 of {len(LESSONS)}: {SECOND.title}" in html
    assert f'<a href="/learn/{SECOND.id}">Read lesson 2</a>' in html


def test_the_card_partial_is_empty_without_a_lesson() -> None:
    assert render_card(None).strip() == ""


# -- at phone size, in Chromium -------------------------------------------------------------------


def no_sideways_scroll(page: Page) -> bool:
    result: Any = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    return bool(result)


@pytest.mark.browser
def test_lessons_fit_a_phone(phone: Page) -> None:
    phone.goto("/learn")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Learn")
    assert no_sideways_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "learn-phone.png", full_page=True)
    phone.get_by_role("link", name=FIRST.title, exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(FIRST.title)
    assert no_sideways_scroll(phone)
    phone.get_by_role("link", name=f"Next: {SECOND.title} →").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(SECOND.title)
    phone.goto("/learn/when_to_get_checked")
    assert no_sideways_scroll(phone)
    phone.screenshot(path=ARTIFACTS / "learn-lesson-phone.png", full_page=True)
