"""GET /calendar.ics: the stored plan as a calendar download, made afresh on every request."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from app_client import TestClient
from icalendar import Calendar
from test_session import profile

from backchain import journal
from backchain.store import open_store
from backchain.web.app import create_app

MONDAY = date(2026, 1, 5)


def start_program(url: str, *, new: bool = False, **changes: Any) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store(url) as store:
        journal.start_program(store, profile=profile(**changes), start=MONDAY, now=now, new=new)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'backchain.db'}"


def session_days(client: TestClient) -> list[date]:
    response = client.get("/calendar.ics")
    assert response.status_code == 200, response.text
    found = Calendar.from_ical(response.content).walk("VEVENT")
    return [e.decoded("DTSTART") for e in found if "RRULE" not in e]


def test_the_calendar_downloads_as_an_ics_attachment(db_url: str) -> None:
    start_program(db_url)
    with TestClient(create_app(db_url)) as client:
        response = client.get("/calendar.ics")
        days = session_days(client)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["content-disposition"] == 'attachment; filename="backchain-plan.ics"'
    parsed = Calendar.from_ical(response.content)
    assert len([e for e in parsed.walk("VEVENT") if "RRULE" in e]) == 2, "desk breaks are on"
    assert len(days) == 12 * 3
    assert days[0] == MONDAY


def test_the_calendar_follows_a_new_plan(db_url: str) -> None:
    start_program(db_url)
    with TestClient(create_app(db_url)) as client:
        before = session_days(client)
        start_program(db_url, new=True, days=["tuesday", "thursday"], minutes_per_session=60)
        after = session_days(client)
    assert {day.weekday() for day in before} == {0, 2, 4}
    assert {day.weekday() for day in after} == {1, 3}
    assert len(after) == 12 * 2


def test_without_a_program_a_friendly_page(db_url: str) -> None:
    with TestClient(create_app(db_url)) as client:
        response = client.get("/calendar.ics")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No program yet" in response.text
    assert "Traceback" not in response.text
