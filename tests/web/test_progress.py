"""The progress page: charts with one point per session, and the disability summary."""

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from app_client import TestClient
from test_session import log_set, start_program

from backchain import journal, outcomes
from backchain.programs.models import ExerciseLog, SessionLog, SetLog
from backchain.store import open_store, repository
from backchain.web.app import create_app

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'backchain.db'}"


def chart_section(html: str, chart_id: str) -> str:
    found = re.search(rf'<figure class="chart" id="{chart_id}">(.*?)</figure>', html, re.S)
    assert found, f"no chart {chart_id}"
    return found.group(1)


def points(section: str) -> int:
    """Marks drawn for data in the plot; the legend's swatches are not points."""
    return section.count('class="point ')


def test_progress_before_any_session_shows_empty_states(db_url: str) -> None:
    start_program(db_url)
    with TestClient(create_app(db_url)) as client:
        page = client.get("/progress")
    assert page.status_code == 200
    assert "Nothing logged yet" in chart_section(page.text, "pain-chart")
    odi = chart_section(page.text, "odi-chart")
    assert points(odi) == 1  # the baseline score
    assert 'class="reference"' in odi
    assert "An important improvement is" in page.text


@pytest.fixture
def one_session(db_url: str) -> Iterator[TestClient]:
    start_program(db_url)
    with TestClient(create_app(db_url)) as client:
        log_set(client, 1, reps="20", pain="3", faults="hips_low")
        log_set(client, 1, reps="20", pain="3")
        client.post("/session/finish", data={"pain_after": "2"})
        yield client


def test_progress_charts_have_one_point_per_session(one_session: TestClient) -> None:
    page = one_session.get("/progress")
    assert page.status_code == 200
    pain = chart_section(page.text, "pain-chart")
    assert 'role="img"' in pain
    assert "<title" in pain
    assert "<desc" in pain
    # Peak and after, no next-morning check-in yet: two points for the one session.
    assert points(pain) == 2
    assert ">Pain (0–10)</text>" in pain
    assert '<th scope="col">Session date</th>' in pain
    assert "<details>" in pain
    assert "<td>3</td><td>2</td><td>–</td>" in pain
    adherence = chart_section(page.text, "adherence-chart")
    assert adherence.count('<rect class="bar') == 2  # planned and done, week 1
    assert '<th scope="col">Plan week</th>' in adherence
    assert ">Sessions per week</text>" in adherence
    volume = chart_section(page.text, "volume-chart")
    assert points(volume) == 1
    assert "<td>40</td>" in volume  # two sets of 20
    assert ">Reps per week</text>" in volume
    faults = chart_section(page.text, "faults-chart")
    assert faults.count('<rect class="bar') == 1
    assert "<td>50</td>" in faults  # one set of two had a fault
    assert ">50%</text>" in faults  # the value next to the bar
    assert ">% of sets with a form fault</text>" in faults


def test_latest_disability_change_is_labelled(db_url: str) -> None:
    start_program(db_url)
    with open_store(db_url) as store, store.transaction() as session:
        person = journal.load_journal(session).person_id
        score = outcomes.score_odi([0] * 10)
        repository.add_questionnaire(
            session, person_id=person, taken_on=date.today(), score=score, answers={}
        )
    with TestClient(create_app(db_url)) as client:
        page = client.get("/progress")
    assert "a clinically important change (improved)" in page.text
    assert points(chart_section(page.text, "odi-chart")) == 2


def test_progress_without_a_program(db_url: str) -> None:
    with TestClient(create_app(db_url)) as client:
        page = client.get("/progress")
    assert page.status_code == 200
    assert "No program yet" in page.text


def test_progress_shows_logs_of_exercises_this_version_does_not_know(db_url: str) -> None:
    start_program(db_url)
    one_set = (SetLog(reps=10, rpe=6, pain=2, faults=("knees_in",)),)
    imported = SessionLog(
        date=date.today(),
        exercises=(
            # An exercise and a version from another version of Backchain, as an import keeps them.
            ExerciseLog(exercise="wall_sit", variation="wall_sit", sets=one_set),
            ExerciseLog(exercise="glute_bridge", variation="glute_bridge_on_a_ball", sets=one_set),
        ),
        pain_after=2,
    )
    with open_store(db_url) as store, store.transaction() as session:
        person = journal.load_journal(session).person_id
        repository.add_session_log(session, person_id=person, log=imported, logged_at=NOW)

    with TestClient(create_app(db_url)) as client:
        page = client.get("/progress")

    assert page.status_code == 200
    volume = html.unescape(chart_section(page.text, "volume-chart"))
    assert "Unknown exercise (wall_sit)" in volume
    assert "Glute bridge" in volume  # a known exercise in an unknown version is still counted
    faults = html.unescape(chart_section(page.text, "faults-chart"))
    assert "Unknown exercise (wall_sit)" in faults
