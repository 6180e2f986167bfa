"""The guided session pages: one exercise at a time, set logging, skips and finishing."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from app_client import TestClient

from backchain import journal
from backchain.programs.models import Profile
from backchain.screening import RED_FLAGS
from backchain.store import open_store
from backchain.web.app import create_app

CLEAR = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False] * 8 + ["slightly"],
    "age": 38,
}


def profile(**changes: Any) -> Profile:
    data: dict[str, Any] = {
        "age": 38,
        "equipment": ["mat", "dumbbells"],
        "experience": "some",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 40,
        "sitting_hours": 9,
        "pain": 3,
        "screening": CLEAR,
        "odi": [1, 1, 2, 1, 0, 1, 1, None, 1, 1],
    }
    return Profile.model_validate({**data, **changes})


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def days_from(day: date) -> list[str]:
    """Three training days a week, every other day, the first on `day`."""
    return [WEEKDAYS[(day.weekday() + k) % 7] for k in (0, 2, 4)]


def start_program(url: str) -> None:
    """A program that starts today and trains today, whatever the weekday, so today has a
    session to log."""
    today = date.today()
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store(url) as store:
        journal.start_program(store, profile=profile(days=days_from(today)), start=today, now=now)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'backchain.db'}"


@pytest.fixture
def trained(db_url: str) -> Iterator[TestClient]:
    start_program(db_url)
    with TestClient(create_app(db_url)) as test_client:
        yield test_client


def exercise_count(client: TestClient) -> int:
    return len(set(re.findall(r'href="/session/(\d+)"', client.get("/session").text)))


def log_set(client: TestClient, n: int, **fields: str) -> Any:
    return client.post(f"/session/{n}/sets", data={"rpe": "6", "pain": "1", **fields})


def test_session_page_lists_todays_exercises(trained: TestClient) -> None:
    page = trained.get("/session")
    assert page.status_code == 200
    assert "Start the session" in page.text
    assert exercise_count(trained) >= 3
    assert 'aria-current="page"' in page.text


def test_step_page_shows_guidance_and_prefilled_target(trained: TestClient) -> None:
    page = trained.get("/session/1")
    assert page.status_code == 200
    text = page.text
    assert "Glute bridge" in text
    assert "Set up" in text
    assert "Cues" in text
    assert 'role="status"' in text
    assert 'aria-live="polite"' in text
    assert '<svg class="figure"' in text
    assert 'name="reps" inputmode="numeric" value="15"' in text  # the foundation target 15-20
    assert "/static/session.js" in text


def test_query_prefills_reps_and_faults(trained: TestClient) -> None:
    text = trained.get("/session/1?reps=9&faults=hips_low,not_a_fault").text
    assert 'value="9"' in text
    assert 'value="hips_low" checked' in text
    assert "not_a_fault" not in text


def test_query_prefills_a_hold(trained: TestClient) -> None:
    steps = trained.get("/session").text
    numbers = sorted({int(n) for n in re.findall(r'href="/session/(\d+)"', steps)})
    held = [n for n in numbers if 'name="hold_s"' in trained.get(f"/session/{n}").text]
    assert held, "the dog and the locust are held"
    assert (
        'name="hold_s" inputmode="decimal" value="12.5"'
        in trained.get(f"/session/{held[0]}?hold=12.5").text
    )


def test_invalid_set_keeps_values_and_says_why(trained: TestClient) -> None:
    answer = trained.post("/session/1/sets", data={"reps": "12", "pain": "11"})
    assert answer.status_code == 422
    assert 'value="12"' in answer.text
    assert 'id="rpe-error"' in answer.text
    assert "Choose a whole number from 0 to 10." in answer.text
    assert 'aria-invalid="true"' in answer.text


def test_log_skip_and_finish_stores_the_session(trained: TestClient, db_url: str) -> None:
    total = exercise_count(trained)
    for _ in range(2):
        saved = log_set(trained, 1, reps="20", faults="hips_low")
        assert saved.status_code == 200  # followed the redirect back to the exercise
        assert "data-rest-now" in saved.text
    assert "2 of" in trained.get("/session").text
    for n in range(2, total):
        skipped = trained.post(f"/session/{n}/skip", data={"reason": "sore wrist"})
        assert skipped.status_code == 200
    assert trained.post(f"/session/{total}/skip", data={"reason": ""}).status_code == 422
    finish = trained.get("/session/finish")
    assert "not reached" in finish.text
    assert trained.post("/session/finish", data={"notes": "kept"}).status_code == 422
    done = trained.post("/session/finish", data={"pain_after": "2", "notes": "felt fine"})
    assert done.status_code == 200
    assert "What changes next time" in done.text
    assert "Glute bridge" in done.text
    with open_store(db_url) as store, store.transaction() as session:
        logs = journal.load_journal(session).logs
    assert len(logs) == 1
    log = logs[0][1]
    assert [e.exercise for e in log.exercises] == ["glute_bridge"]
    assert [s.reps for s in log.exercises[0].sets] == [20, 20]
    assert [s.faults for s in log.exercises[0].sets] == [("hips_low",), ("hips_low",)]
    assert len(log.skipped) == total - 1
    assert log.skipped[0].reason == "sore wrist"
    assert log.pain_after == 2
    assert log.notes == "felt fine"


def test_loaded_version_rejects_a_nonsense_load(trained: TestClient) -> None:
    steps = trained.get("/session").text
    numbers = sorted({int(n) for n in re.findall(r'href="/session/(\d+)"', steps)})
    loaded = [n for n in numbers if 'name="load"' in trained.get(f"/session/{n}").text]
    assert loaded, "the profile has dumbbells, so some version is loaded"
    answer = log_set(trained, loaded[0], reps="10", load="heavy")
    assert answer.status_code == 422
    assert 'id="load-error"' in answer.text
    assert 'value="heavy"' in answer.text


def test_unknown_exercise_number_is_a_friendly_404(trained: TestClient) -> None:
    page = trained.get("/session/99")
    assert page.status_code == 404
    assert "No such exercise today" in page.text


def test_without_a_program_the_page_says_how_to_start(db_url: str) -> None:
    with TestClient(create_app(db_url)) as client:
        page = client.get("/session")
    assert page.status_code == 200
    assert "No program yet" in page.text


def test_the_video_check_and_coach_land_on_the_step_for_their_exercise(trained: TestClient) -> None:
    page = trained.get("/session/1")
    assert 'href="/coach?exercise=' in page.text  # "Coach me" is one tap from the set
    steps = trained.get("/session").text
    exercise = "squat" if "squat" in steps else "glute_bridge"
    moved = trained.get(f"/session/for/{exercise}?reps=7", follow_redirects=False)
    assert moved.status_code == 303
    number = moved.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert moved.headers["location"] == f"/session/{number}?reps=7"
    assert 'value="7"' in trained.get(moved.headers["location"]).text
    elsewhere = trained.get("/session/for/plank", follow_redirects=False)
    assert elsewhere.headers["location"] == "/session"
