"""History, corrections, settings and your data in the web app: the paths a browser journey does
not walk, each mistake answered with a message next to what is wrong and nothing lost."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from app_client import TestClient
from test_session import log_set, start_program

from backchain.journal import drafts
from backchain.journal.history import history
from backchain.programs.models import SetLog
from backchain.store import open_store
from backchain.web.app import create_app

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'backchain.db'}"


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    start_program(db_url)
    with TestClient(create_app(db_url)) as test_client:
        yield test_client


@pytest.fixture
def finished(client: TestClient, db_url: str) -> TestClient:
    """Today's session saved with two sets of the first exercise."""
    assert log_set(client, 1, reps="15").status_code == 200  # after the redirect to the step
    assert log_set(client, 1, reps="16").status_code == 200
    done = client.post("/session/finish", data={"pain_after": "2", "notes": ""})
    assert "Session saved" in done.text
    return client


def _stored(db_url: str) -> object:
    with open_store(db_url) as store:
        return history(store)


def test_history_without_a_program_is_a_friendly_page(tmp_path: Path) -> None:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'empty.db'}")) as empty:
        page = empty.get("/history")
    assert page.status_code == 404
    assert "start a program" in page.text


def test_a_day_with_no_session_is_a_friendly_page(finished: TestClient) -> None:
    page = finished.get("/history/2001-01-01")
    assert page.status_code == 404
    assert "Nothing is logged for Monday 01 January 2001" in page.text
    assert finished.get("/history/2026-02-31").status_code == 422  # not a date


def test_the_history_links_each_session_and_its_page_offers_corrections(
    finished: TestClient,
) -> None:
    today = date.today().isoformat()
    listing = finished.get("/history")
    assert f'href="/history/{today}"' in listing.text
    page = finished.get(f"/history/{today}")
    assert page.status_code == 200
    assert f'action="/history/{today}/glute_bridge/2/delete"' in page.text
    assert "What Backchain decided" in page.text


def test_a_bad_correction_comes_back_as_typed_and_changes_nothing(
    finished: TestClient,
    db_url: str,
) -> None:
    today = date.today().isoformat()
    answer = finished.post(
        f"/history/{today}/glute_bridge/1", data={"reps": "abc", "rpe": "6", "pain": "12"}
    )
    assert answer.status_code == 422
    assert 'value="abc"' in answer.text
    assert "Choose a whole number from 0 to 10." in answer.text
    found = _stored(db_url)
    assert found.revisions == ()  # type: ignore[attr-defined]
    assert found.sessions[0].log.exercises[0].sets[0].reps == 15  # type: ignore[attr-defined]


def test_a_correction_is_saved_and_recorded(finished: TestClient, db_url: str) -> None:
    today = date.today().isoformat()
    answer = finished.post(
        f"/history/{today}/glute_bridge/1", data={"reps": "18", "rpe": "6", "pain": "1"}
    )
    assert answer.status_code == 200  # followed the redirect back to the session
    assert "Corrected set 1 of Glute bridge" in answer.text
    found = _stored(db_url)
    assert found.sessions[0].log.exercises[0].sets[0].reps == 18  # type: ignore[attr-defined]


def test_removing_a_session_needs_the_tick(finished: TestClient, db_url: str) -> None:
    today = date.today().isoformat()
    refused = finished.post(f"/history/{today}/delete", data={})
    assert refused.status_code == 422
    assert "Tick the box to confirm" in refused.text
    assert len(_stored(db_url).sessions) == 1  # type: ignore[attr-defined]
    finished.post(f"/history/{today}/delete", data={"confirm": "yes"})
    assert _stored(db_url).sessions == ()  # type: ignore[attr-defined]


def test_a_set_in_progress_can_be_corrected_and_removed(client: TestClient, db_url: str) -> None:
    log_set(client, 1, reps="15")
    log_set(client, 1, reps="16")
    form = client.get("/session/1/sets/2")
    assert 'value="16"' in form.text
    client.post("/session/1/sets/2", data={"reps": "17", "rpe": "7", "pain": "2"})
    client.post("/session/1/sets/1/delete")
    with open_store(db_url) as store:
        draft = drafts.draft(store, day=date.today())
    assert [s.reps for s in draft.exercises[0].sets] == [17]
    assert client.get("/session/1/sets/5").status_code == 404


def test_the_session_page_after_finishing_shows_it_done(finished: TestClient) -> None:
    page = finished.get("/session")
    assert "Today's session is done" in page.text
    assert "Start the session" not in page.text
    assert finished.get("/session/1").status_code == 404
    second = finished.post("/session/1/sets", data={"reps": "15", "rpe": "6", "pain": "1"})
    assert second.status_code == 404
    assert "Today's session is done" in finished.get("/").text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"days": ["monday"], "minutes_per_session": "40", "weeks": "12"},
            "give 2 to 5 training days",
        ),
        (
            {"days": ["monday", "friday"], "minutes_per_session": "ten", "weeks": "12"},
            "minutes_per_session",
        ),
        (
            {"days": ["monday", "friday"], "minutes_per_session": "10", "weeks": "12"},
            "minutes per session",
        ),
        (
            {
                "days": ["monday", "friday"],
                "equipment": ["barbell"],
                "minutes_per_session": "40",
                "weeks": "12",
            },
            "barbell&#39; is not one of",
        ),
    ],
)
def test_bad_settings_keep_what_was_typed_and_change_nothing(
    client: TestClient,
    db_url: str,
    form: dict[str, object],
    message: str,
) -> None:
    answer = client.post("/settings", data=form)
    assert answer.status_code == 422
    assert message in answer.text
    assert 'value="monday" checked' in answer.text
    assert _stored(db_url).revisions == ()  # type: ignore[attr-defined]


def test_saved_settings_say_so(client: TestClient, db_url: str) -> None:
    form = {
        "days": ["tuesday", "thursday"],
        "equipment": ["mat"],
        "minutes_per_session": "40",
        "weeks": "14",
        "desk_breaks": "off",
    }
    answer = client.post("/settings", data=form)
    assert answer.status_code == 200
    assert "Saved. The rest of your plan is made again" in answer.text
    (change,) = _stored(db_url).revisions  # type: ignore[attr-defined]
    assert change.revision.after == {
        "days": ["tuesday", "thursday"],
        "equipment": ["mat"],
        "weeks": 14,
        "desk_breaks": False,
    }


def test_download_then_import_needs_replace_over_existing_data(client: TestClient) -> None:
    exported = client.get("/settings/export")
    assert exported.headers["content-disposition"].startswith(
        'attachment; filename="backchain-export-'
    )
    body = exported.content
    refused = client.post(
        "/settings/import", files={"file": ("backup.json", body, "application/json")}
    )
    assert refused.status_code == 422
    assert "already holds data" in refused.text
    replaced = client.post(
        "/settings/import",
        files={"file": ("backup.json", body, "application/json")},
        data={"replace": "yes"},
    )
    assert replaced.status_code == 200
    assert "Imported backup.json." in replaced.text
    assert client.get("/settings/export").content == body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"format": "backchain-export", "version": 9, "people": []}', "newer Backchain"),
        (b'{"a": 1, "a": 2}', "appears twice"),
    ],
)
def test_a_bad_import_says_why_and_changes_nothing(
    client: TestClient, content: bytes, message: str
) -> None:
    before = client.get("/settings/export").content
    files = {"file": ("x.json", content, "application/json")}
    answer = client.post("/settings/import", files=files, data={"replace": "yes"})
    assert answer.status_code == 422
    assert message in answer.text
    assert client.get("/settings/export").content == before


def test_an_import_with_no_file_says_so(client: TestClient) -> None:
    answer = client.post("/settings/import", files={"file": ("", b"", "application/json")})
    assert answer.status_code == 422
    assert "Choose an export file" in answer.text


def test_delete_everything_needs_the_typed_words(client: TestClient) -> None:
    refused = client.post("/settings/delete", data={"confirm": "yes"})
    assert refused.status_code == 422
    assert "Type “delete my data”" in refused.text
    assert json.loads(client.get("/settings/export").content)["people"]
    deleted = client.post("/settings/delete", data={"confirm": "  Delete my data "})
    assert "Your data is deleted" in deleted.text
    assert json.loads(client.get("/settings/export").content)["people"] == []
    assert "Start" in client.get("/").text


def test_a_draft_set_of_a_finished_day_is_refused_by_the_journal_too(
    finished: TestClient,
    db_url: str,
) -> None:
    with open_store(db_url) as store, pytest.raises(Exception, match="already saved"):
        drafts.add_set(
            store,
            day=date.today(),
            exercise="glute_bridge",
            logged=SetLog(reps=1, rpe=5, pain=0),
            now=NOW,
        )
