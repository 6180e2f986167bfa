"""Starting a program in the browser's forms, driven in-process through the test client."""

import html
import re
from datetime import date

import pytest
from app_client import TestClient

from backchain.outcomes import RMDQ_ITEMS
from backchain.programs.models import Weekday
from backchain.screening import HIGH_RISK_ADVICE, MESSAGES, RED_FLAGS, Verdict, red_flag
from backchain.store import open_store, repository

PROFILE = {
    "age": "40",
    "equipment": ["mat", "dumbbells"],
    "experience": "some",
    "days": ["monday", "wednesday", "friday"],
    "minutes_per_session": "30",
    "sitting_hours": "8",
    "pain": "3",
    "weeks": "12",
}
NO_FLAGS = {flag.id: "no" for flag in RED_FLAGS}
LOW_RISK = {**{f"item{n}": "disagree" for n in range(1, 9)}, "item9": "slightly"}
HIGH_RISK = {**{f"item{n}": "agree" for n in range(1, 9)}, "item9": "extremely"}


def carried(page: str) -> str:
    """The hidden answers a step hands on to the next one."""
    found = re.search(r'name="state" value="([^"]*)"', page)
    assert found is not None, "the page carries no earlier answers"
    return html.unescape(found.group(1))


def stored_people() -> int | None:
    with open_store() as store, store.transaction() as session:
        return repository.latest_person_id(session)


def to_safety(client: TestClient) -> str:
    response = client.post("/start/profile", data=PROFILE)
    assert response.status_code == 200
    assert "Safety questions" in response.text
    return carried(response.text)


def to_baseline(client: TestClient, startback: dict[str, str]) -> tuple[str, str]:
    state = to_safety(client)
    screened = client.post("/start/safety", data={"state": state, **NO_FLAGS})
    response = client.post("/start/startback", data={"state": carried(screened.text), **startback})
    assert response.status_code == 200
    return carried(response.text), response.text


def test_start_shows_the_profile_form_with_defaults(client: TestClient) -> None:
    page = client.get("/start").text

    assert '<label for="f-age">Your age in years</label>' in page
    assert re.search(r'<option value="12" selected>12 weeks', page)
    for day in Weekday:
        assert f'value="{day.value}"' in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"age": "12"}, "age", "Give your age in whole years, from 16 to 120."),
        ({"age": "forty"}, "age", "Give your age in whole years, from 16 to 120."),
        ({"days": ["monday"]}, "days", "Choose 2 to 5 training days."),
        ({"experience": ""}, "experience", "Choose how much strength training you have done."),
        ({"minutes_per_session": "5"}, "minutes_per_session", "from 10 to 180"),
        ({"sitting_hours": "30"}, "sitting_hours", "from 0 to 24"),
        ({"pain": ""}, "pain", "Choose your back pain right now, from 0 to 10."),
        ({"weeks": "20"}, "weeks", "Choose a program length from 12 to 16 weeks."),
    ],
)
def test_profile_errors_sit_next_to_their_field(
    client: TestClient, change: dict[str, object], field: str, message: str
) -> None:
    response = client.post("/start/profile", data={**PROFILE, **change})

    assert response.status_code == 200
    page = response.text
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
    assert error is not None
    assert message in html.unescape(error.group(1))
    assert re.search(rf'aria-describedby="[^"]*{field}-error', page)
    assert f'href="#f-{field}"' in page  # the summary links to the field


def test_profile_errors_keep_everything_typed(client: TestClient) -> None:
    page = client.post("/start/profile", data={**PROFILE, "age": "9"}).text

    assert re.search(r'id="f-age" name="age" type="number" value="9"', page)
    assert re.search(r'value="dumbbells"\s+checked', page)
    assert re.search(r'value="wednesday"\s+checked', page)
    assert not re.search(r'value="tuesday"\s+checked', page)
    assert re.search(r'value="some"\s+checked', page)
    assert '<option value="3" selected>3</option>' in page
    assert 'id="f-minutes_per_session" name="minutes_per_session" type="number" value="30"' in page


def test_an_unanswered_red_flag_is_asked_again(client: TestClient) -> None:
    state = to_safety(client)
    answers = {**NO_FLAGS, "bowel": "yes"}
    del answers["bladder"]

    page = client.post("/start/safety", data={"state": state, **answers}).text

    assert '<p class="field-error" id="bladder-error">Please answer yes or no.</p>' in page
    assert re.search(r'name="bowel" value="yes"\s+checked', page)
    assert stored_people() is None


@pytest.mark.parametrize(
    ("flag_id", "verdict", "title"),
    [
        ("saddle_numbness", Verdict.URGENT, "Please get medical help today"),
        ("cancer_history", Verdict.SEE_CLINICIAN, "Please see a clinician before you train"),
    ],
)
def test_a_red_flag_stops_with_calm_advice_and_stores_nothing(
    client: TestClient, flag_id: str, verdict: Verdict, title: str
) -> None:
    state = to_safety(client)

    response = client.post("/start/safety", data={"state": state, **NO_FLAGS, flag_id: "yes"})

    flag = red_flag(flag_id)
    assert flag is not None
    page = html.unescape(response.text)
    assert f'<h1 id="stop-title">{title}</h1>' in page
    assert MESSAGES[verdict] in page
    assert f"<li>{flag.reason}</li>" in page
    assert stored_people() is None
    assert 'href="/start"' in client.get("/").text


def test_high_risk_shows_the_advice_and_lets_the_person_go_on(client: TestClient) -> None:
    _, page = to_baseline(client, HIGH_RISK)

    assert HIGH_RISK_ADVICE in html.unescape(page)
    assert "Make my plan" in page


def test_low_risk_shows_no_advice(client: TestClient) -> None:
    _, page = to_baseline(client, LOW_RISK)

    assert HIGH_RISK_ADVICE not in html.unescape(page)


def test_startback_needs_every_item(client: TestClient) -> None:
    state = to_safety(client)
    screened = client.post("/start/safety", data={"state": state, **NO_FLAGS})
    answers = {**LOW_RISK, "item9": ""}

    page = client.post("/start/startback", data={"state": carried(screened.text), **answers}).text

    assert '<p class="field-error" id="item9-error">Please choose one answer.</p>' in page
    assert re.search(r'name="item1" value="disagree"\s+checked', page)


def test_an_odi_with_no_section_answered_is_asked_again(client: TestClient) -> None:
    state, _ = to_baseline(client, LOW_RISK)

    page = client.post("/start/baseline", data={"state": state, "measure": "odi"}).text

    assert '<p class="field-error" id="odi-error">Answer at least one section.</p>' in page
    assert stored_people() is None


def test_the_last_step_stores_the_program_and_its_baseline(client: TestClient) -> None:
    state, _ = to_baseline(client, LOW_RISK)
    odi = {f"odi{n}": "2" for n in range(1, 11)} | {"odi8": ""}

    response = client.post(
        "/start/baseline", data={"state": state, "measure": "odi", **odi}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/plan"
    with open_store() as store, store.transaction() as session:
        person = repository.latest_person_id(session)
        assert person is not None
        scores = repository.questionnaires(session, person_id=person)
        profile = repository.get_profile(session, person_id=person)
    assert [(day, s.measure.value, s.score) for day, s in scores] == [
        (date.today(), "nrs", 3.0),
        (date.today(), "odi", 40.0),
    ]
    assert profile.days == [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY]
    # A second start is offered explicitly, never made by accident.
    again = client.get("/start").text
    assert "You already have a program" in again
    assert 'name="new" value="true"' in again


def test_rmdq_baseline_is_stored(client: TestClient) -> None:
    state, _ = to_baseline(client, LOW_RISK)

    client.post("/start/baseline", data={"state": state, "measure": "rmdq", "rmdq": ["1", "5"]})

    with open_store() as store, store.transaction() as session:
        person = repository.latest_person_id(session)
        assert person is not None
        scores = repository.questionnaires(session, person_id=person)
    assert [(s.measure.value, s.score, s.answered) for _, s in scores][-1] == (
        "rmdq",
        2.0,
        RMDQ_ITEMS,
    )


def test_mangled_answers_ask_to_start_again(client: TestClient) -> None:
    response = client.post("/start/safety", data={"state": "{not json", **NO_FLAGS})

    assert response.status_code == 400
    assert "start again" in response.text
