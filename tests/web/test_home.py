"""Today, the morning check-in, screening again and the questionnaire re-take, in-process."""

import html
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from app_client import TestClient
from sqlalchemy import event, make_url

from backchain import journal
from backchain.programs.models import ExerciseLog, SessionLog, SetLog
from backchain.programs.profile import parse_profile
from backchain.screening import RED_FLAGS
from backchain.store import DATABASE_URL_VAR, open_store, repository
from backchain.web.app import create_app
from backchain.web.errors import RETRY_AFTER_S

ALL_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]
NO_FLAGS = {flag.id: "no" for flag in RED_FLAGS}
LOW_RISK = {**{f"item{n}": "disagree" for n in range(1, 9)}, "item9": "slightly"}


def start(*, days_ago: int = 0, odi: bool = True) -> date:
    """Store a program that began `days_ago` days ago (its baseline taken then); its first day."""
    answers = {
        "red_flags": {flag.id: False for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": 40,
    }
    data: dict[str, object] = {
        "age": 40,
        "equipment": ["mat"],
        "experience": "new",
        "days": ALL_WEEKDAYS,  # five days, so a session is never far away
        "minutes_per_session": 30,
        "sitting_hours": 8,
        "pain": 3,
        "screening": answers,
    }
    if odi:
        data["odi"] = [2] * 10
    first = date.today() - timedelta(days=days_ago)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
    with open_store() as store:
        journal.start_program(store, profile=parse_profile(data), start=first, now=now)
    return first


def log_first_session(first: date) -> None:
    """Log the first planned session in full, at the top of every range, with little pain."""
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store() as store:
        prescriptions = journal.to_log(store, day=first).prescriptions
        done = tuple(
            ExerciseLog(
                exercise=p.exercise,
                variation=p.variation,
                sets=tuple(
                    SetLog(
                        reps=None if p.reps is None else p.reps[1],
                        hold_s=None if p.hold_s is None else p.hold_s[1],
                        rpe=6,
                        pain=1,
                    )
                    for _ in range(p.sets)
                ),
            )
            for p in prescriptions
        )
        journal.log_session(
            store, log=SessionLog(date=first, exercises=done, pain_after=1), now=now
        )


def test_without_a_program_home_welcomes_and_offers_start(client: TestClient) -> None:
    page = client.get("/").text

    assert "Welcome to Backchain" in page
    assert '<a class="button" href="/start">Start</a>' in page


def test_home_shows_todays_session_with_reasons(client: TestClient) -> None:
    start()

    page = html.unescape(client.get("/").text)

    assert "Today's session" in page
    assert '<a class="button" href="/session">Start session</a>' in page
    assert page.count('class="prescription"') == 7
    assert "New to training: starting one step easier." in page
    assert "Desk break" in page
    assert 'href="/checkin"' not in page
    assert 'href="/checkin/questionnaire"' not in page


def test_home_prompts_the_morning_check_in(client: TestClient) -> None:
    first = start(days_ago=2)
    log_first_session(first)

    page = client.get("/").text

    assert "How is your back this morning?" in page
    assert 'href="/checkin"' in page


def test_check_in_errors_sit_next_to_fields_and_keep_answers(client: TestClient) -> None:
    log_first_session(start(days_ago=2))

    page = client.post("/checkin", data={"pain": "4", "compared": "", "new_red_flags": "no"}).text

    assert '<p class="field-error" id="compared-error">' in page
    assert re.search(r'id="f-compared"[^>]*aria-describedby="compared-error"', page)
    assert '<option value="4" selected>4</option>' in page
    assert re.search(r'name="new_red_flags" value="no"\s+checked', page)


def test_check_in_worse_than_usual_holds_with_reasons(client: TestClient) -> None:
    log_first_session(start(days_ago=2))

    page = html.unescape(
        client.post("/checkin", data={"pain": "4", "compared": "worse", "new_red_flags": "no"}).text
    )

    assert "What changes next time" in page
    assert page.count('class="decision"') == 7
    assert '<span class="decision__kind">Repeat</span>' in page
    assert "Your pain the next morning was worse than usual." in page
    assert "Next time: Partial glute bridge" in page
    assert 'href="/checkin"' not in client.get("/").text  # done for this session


def test_check_in_as_usual_moves_on(client: TestClient) -> None:
    log_first_session(start(days_ago=2))

    page = client.post(
        "/checkin", data={"pain": "1", "compared": "same", "new_red_flags": "no"}
    ).text

    assert '<span class="decision__kind">Progress</span>' in page


def test_new_warning_signs_pause_until_screened_again(client: TestClient) -> None:
    log_first_session(start(days_ago=2))

    page = client.post(
        "/checkin", data={"pain": "3", "compared": "same", "new_red_flags": "yes"}
    ).text
    assert '<span class="decision__kind">Pause</span>' in page
    home = client.get("/").text
    assert "Training is paused" in home
    assert 'href="/checkin/screen"' in home
    assert '<a class="button" href="/session">' not in home

    cleared = client.post("/checkin/screen", data={**NO_FLAGS, **LOW_RISK}).text
    assert "Training resumes" in cleared
    assert "Training is paused" not in client.get("/").text


def test_screening_again_with_a_flag_keeps_the_pause(client: TestClient) -> None:
    log_first_session(start(days_ago=2))
    client.post("/checkin", data={"pain": "3", "compared": "same", "new_red_flags": "yes"})

    page = client.post("/checkin/screen", data={**NO_FLAGS, **LOW_RISK, "bowel": "yes"}).text

    assert "Please get medical help today" in page
    assert "Training is paused" in client.get("/").text


def test_screening_again_offers_a_clearance_and_asks_for_it_every_time(
    client: TestClient,
) -> None:
    log_first_session(start(days_ago=2))
    client.post("/checkin", data={"pain": "3", "compared": "same", "new_red_flags": "yes"})

    stopped = client.post("/checkin/screen", data={**NO_FLAGS, **LOW_RISK, "pregnancy": "yes"})
    assert "Already checked by a clinician?" in stopped.text
    carried = html.unescape(re.search(r'name="answers" value="([^"]*)"', stopped.text)[1])  # type: ignore[index]
    day = (date.today() - timedelta(days=3)).isoformat()
    form = {"answers": carried, "cleared": "pregnancy", "cleared_on": day, "cleared_by": "midwife"}

    future = client.post("/checkin/screen/clearance", data={**form, "cleared_on": "2999-01-01"})
    assert "is in the future" in future.text
    assert 'value="midwife"' in future.text  # nothing typed is lost
    assert "Training is paused" in client.get("/").text

    resumed = client.post("/checkin/screen/clearance", data=form)
    assert "Training resumes" in resumed.text
    assert "Training is paused" not in client.get("/").text
    with open_store() as store, store.transaction() as session:
        last = repository.screenings(session, person_id=1)[-1]
    assert last.verdict == "proceed"
    assert last.answers["clearance"] == {"flags": ["pregnancy"], "date": day, "by": "midwife"}


def test_an_urgent_sign_at_a_re_screen_offers_no_clearance(client: TestClient) -> None:
    log_first_session(start(days_ago=2))
    client.post("/checkin", data={"pain": "3", "compared": "same", "new_red_flags": "yes"})
    stopped = client.post(
        "/checkin/screen", data={**NO_FLAGS, **LOW_RISK, "bowel": "yes", "pregnancy": "yes"}
    ).text
    assert "Already checked by a clinician?" not in stopped
    assert "cannot be cleared in the app" in stopped


def test_nothing_to_check_in_on_is_said_calmly(client: TestClient) -> None:
    start()

    shown = client.get("/checkin").text
    posted = client.post(
        "/checkin", data={"pain": "2", "compared": "same", "new_red_flags": "no"}
    ).text

    assert "There is nothing to check in on yet" in shown
    assert "Nothing to check in on yet" in posted
    assert posted.count('class="decision"') == 0


def test_questionnaire_retake_is_offered_after_four_weeks(client: TestClient) -> None:
    start(days_ago=30)

    assert 'href="/checkin/questionnaire"' in client.get("/").text


def test_questionnaire_retake_is_stored_and_compared(client: TestClient) -> None:
    start(days_ago=30)
    form = client.get("/checkin/questionnaire").text
    assert "<legend>Section 1: Pain intensity</legend>" in form

    page = html.unescape(
        client.post("/checkin/questionnaire", data={f"odi{n}": "1" for n in range(1, 11)}).text
    )

    assert "ODI today: <strong>20%</strong> (minimal)" in page
    assert "-20 points, improved — a change large enough to matter" in page
    with open_store() as store, store.transaction() as session:
        person = repository.latest_person_id(session)
        assert person is not None
        odi = [s.score for _, s in repository.questionnaires(session, person_id=person)][1:]
    assert odi == [40.0, 20.0]
    assert 'href="/checkin/questionnaire"' not in client.get("/").text


def test_questionnaire_needs_an_answer(client: TestClient) -> None:
    start(days_ago=30)

    page = client.post("/checkin/questionnaire", data={}).text

    assert '<p class="field-error" id="odi-error">Answer at least one section.</p>' in page


def test_no_retake_without_a_baseline_questionnaire(client: TestClient) -> None:
    start(days_ago=30, odi=False)

    assert 'href="/checkin/questionnaire"' not in client.get("/").text
    assert "nothing to compare with" in client.get("/checkin/questionnaire").text


def test_pages_for_a_program_say_how_to_start_without_one(client: TestClient) -> None:
    for path in ("/plan", "/checkin", "/checkin/questionnaire"):
        response = client.get(path)
        assert response.status_code == 404
        assert "No program yet" in response.text


# -- a busy database ------------------------------------------------------------------------

GIVE_UP_SOON = "?timeout=0.05"  # a SQLite URL option: wait 50 ms for a lock, not seconds
CHECK_IN = {"pain": "4", "compared": "worse", "new_red_flags": "no"}


@pytest.fixture
def impatient() -> Iterator[TestClient]:
    """The app on the test database, giving up soon when the database is locked."""
    with TestClient(create_app(os.environ[DATABASE_URL_VAR] + GIVE_UP_SOON)) as test_client:
        yield test_client


def _database_file() -> str:
    path = make_url(os.environ[DATABASE_URL_VAR]).database
    assert path is not None
    return path


@contextmanager
def another_program_writing() -> Iterator[None]:
    """Another program holding the write lock, with a change not yet committed."""
    other = sqlite3.connect(_database_file(), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE people SET created_at = created_at")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def another_program_holding_the_file(app: Any) -> Iterator[None]:
    """Another program with the database to itself: even reading has to wait."""
    app.state.store.engine.dispose()  # the app's idle connections would keep it out
    other = sqlite3.connect(_database_file(), isolation_level=None)
    try:
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        other.execute("COMMIT")
        other.close()


def _checkins() -> int:
    with open_store() as store, store.read() as session:
        return len(repository.checkins(session, person_id=journal.load_journal(session).person_id))


def test_pages_show_while_another_program_writes(impatient: TestClient) -> None:
    log_first_session(start(days_ago=2))
    with another_program_writing():
        for path in ("/", "/plan", "/progress", "/checkin", "/history"):
            assert impatient.get(path).status_code == 200, path


def test_a_check_in_sent_while_the_database_stays_locked_is_refused_not_lost(
    impatient: TestClient,
) -> None:
    log_first_session(start(days_ago=2))
    impatient.get("/checkin")

    with another_program_writing():
        refused = impatient.post("/checkin", data=CHECK_IN)

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == str(RETRY_AFTER_S)
    page = html.unescape(refused.text)
    assert "your answers were not saved" in page
    assert "Back button" in page
    assert "No program yet" not in page
    assert _checkins() == 0
    sent = impatient.post("/checkin", data=CHECK_IN)  # as the person sends it again
    assert "What changes next time" in html.unescape(sent.text)
    assert _checkins() == 1


def test_a_page_the_database_cannot_be_read_for_says_so(impatient: TestClient) -> None:
    start()
    with another_program_holding_the_file(impatient.app):
        for path in ("/", "/plan", "/checkin"):
            page = impatient.get(path)
            assert page.status_code == 503, path
            assert page.headers["Retry-After"] == str(RETRY_AFTER_S)
            assert "nothing was lost" in html.unescape(page.text)
            assert "No program yet" not in page.text
    assert impatient.get("/plan").status_code == 200


def test_today_reads_the_journal_once_and_never_takes_the_write_lock(client: TestClient) -> None:
    log_first_session(start(days_ago=2))
    statements: list[str] = []

    def record(_c: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    app: Any = client.app
    engine = app.state.store.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert "BEGIN IMMEDIATE" not in statements
    assert sum("FROM plans" in s for s in statements) == 1  # one journal load
