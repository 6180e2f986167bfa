"""The hostile-page findings, replayed: each is refused, and nothing the person stored changes.

Each test sends what an attacker's page, a DNS-rebinding page or a forged form would send, to a
real app on a private database, and reads the database afterwards.
"""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from app_client import BASE_URL, TestClient, csrf_token
from sqlalchemy import select
from starlette.testclient import TestClient as PlainClient
from starlette.websockets import WebSocketDisconnect
from typer.testing import CliRunner

from backchain import journal
from backchain.cli import app as cli
from backchain.programs.models import ExerciseLog, SessionLog, SetLog
from backchain.programs.profile import parse_profile
from backchain.screening import RED_FLAGS
from backchain.store import open_store, repository
from backchain.store.models import PersonRow
from backchain.web.app import create_app

EVIL = "http://evil.example"
CHECK_IN = {"pain": "2", "compared": "same", "new_red_flags": "no"}
NO_FLAGS = {flag.id: "no" for flag in RED_FLAGS}
LOW_RISK = {**{f"item{n}": "disagree" for n in range(1, 9)}, "item9": "slightly"}


def start_program() -> None:
    """A program that began two days ago with its first session logged: a check-in is due."""
    data = {
        "age": 40,
        "equipment": ["mat"],
        "experience": "new",
        "days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "minutes_per_session": 30,
        "sitting_hours": 8,
        "pain": 3,
        "screening": {
            "red_flags": {flag.id: False for flag in RED_FLAGS},
            "startback": [False] * 8 + ["slightly"],
            "age": 40,
        },
    }
    first = date.today() - timedelta(days=2)
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store() as store:
        journal.start_program(
            store, profile=parse_profile(data), start=first, now=now - timedelta(days=2)
        )
        done = tuple(
            ExerciseLog(
                exercise=p.exercise,
                variation=p.variation,
                sets=(
                    SetLog(
                        reps=p.reps and p.reps[0], hold_s=p.hold_s and p.hold_s[0], rpe=6, pain=1
                    ),
                ),
            )
            for p in journal.to_log(store, day=first).prescriptions
        )
        journal.log_session(
            store, log=SessionLog(date=first, exercises=done, pain_after=1), now=now
        )


def stored_check_ins() -> int:
    with open_store() as store, store.transaction() as session:
        person = repository.latest_person_id(session)
        return 0 if person is None else len(repository.checkins(session, person_id=person))


def people() -> int:
    with open_store() as store, store.transaction() as session:
        return len(session.scalars(select(PersonRow.id)).all())


@pytest.fixture
def plain() -> Iterator[PlainClient]:
    """A client that sends only what it is told: no form token, no Origin."""
    with PlainClient(create_app(), base_url=BASE_URL) as test_client:
        yield test_client


# -- 1. another page cannot change the person's data ---------------------------------------------


def test_a_cross_origin_check_in_is_refused_and_changes_nothing(client: TestClient) -> None:
    start_program()

    response = client.post("/checkin", data=CHECK_IN, headers={"Origin": EVIL})

    assert response.status_code == 403
    assert "another website" in response.text
    assert stored_check_ins() == 0


def test_a_cross_site_fetch_is_refused_even_without_an_origin(client: TestClient) -> None:
    start_program()

    response = client.post("/checkin", data=CHECK_IN, headers={"Sec-Fetch-Site": "cross-site"})

    assert response.status_code == 403
    assert stored_check_ins() == 0


def test_a_post_without_the_form_token_is_refused(plain: PlainClient) -> None:
    start_program()

    response = plain.post("/checkin", data=CHECK_IN)

    assert response.status_code == 403
    assert "reload the page" in response.text
    assert stored_check_ins() == 0


def test_a_token_made_for_another_browser_is_refused(plain: PlainClient) -> None:
    start_program()
    other = TestClient(create_app(), base_url=BASE_URL)
    with other:
        stolen = csrf_token(other.get("/exercises").text)
    plain.get("/exercises")  # this browser has its own form cookie

    response = plain.post("/checkin", data={**CHECK_IN, "csrftoken": stolen or ""})

    assert response.status_code == 403
    assert stored_check_ins() == 0


def test_the_form_field_token_of_the_page_is_accepted(plain: PlainClient) -> None:
    start_program()
    token = csrf_token(plain.get("/checkin").text)
    assert token is not None

    response = plain.post("/checkin", data={**CHECK_IN, "csrftoken": token})

    assert response.status_code == 200
    assert stored_check_ins() == 1


def test_the_form_token_sits_in_every_form_that_posts(client: TestClient) -> None:
    start_program()
    for path in ("/checkin", "/settings", "/start?new=true", "/checkin/screen"):
        page = client.get(path).text
        forms = page.count('method="post"')
        assert forms > 0, path
        assert page.count('name="csrftoken"') == forms, path


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/checkin/questionnaire", "form"),
        ("/settings/import", "multipart"),
        ("/analyze", "multipart"),
    ],
)
def test_cross_origin_questionnaires_and_uploads_are_refused(
    client: TestClient, path: str, kind: str
) -> None:
    start_program()
    before = client.get("/settings/export").content
    headers = {"Origin": EVIL}
    if kind == "form":
        response = client.post(path, data={"odi1": "1"}, headers=headers)
    else:
        files = {"file": ("x.json", b"{}", "application/json")}
        response = client.post(path, files=files, headers=headers)

    assert response.status_code == 403
    assert client.get("/settings/export").content == before


# -- 2. DNS rebinding and exposure ---------------------------------------------------------------


def test_a_forged_host_gets_no_health_data(client: TestClient) -> None:
    start_program()

    response = client.get("/progress", headers={"Host": "attacker.example"})

    assert response.status_code == 400
    assert "does not answer to this address" in response.text
    assert "<title>Unknown address" in response.text
    assert "progress" not in response.text.lower().split("<main", 1)[-1]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_names_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/exercises", headers={"Host": host}).status_code == 200


def test_the_allowed_host_names_are_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCHAIN_ALLOWED_HOSTS", "backchain.clinic.example")
    from backchain.config import Config

    with TestClient(create_app(config=Config())) as clinic:
        assert clinic.get("/exercises").status_code == 400
        named = clinic.get("/exercises", headers={"Host": "backchain.clinic.example"})
        assert named.status_code == 200


def test_serving_beyond_this_machine_is_refused_in_one_line() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])

    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "127.0.0.1" in lines[0]
    assert "backchain serve --clinic" in lines[0]  # where to go for more than this machine


ROUTES = ["/", "/exercises", "/plan", "/progress", "/history", "/settings", "/learn", "/start"]


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    start_program()
    for path in [*ROUTES, "/no-such-page", "/static/style.css", "/healthz"]:
        headers = client.get(path).headers

        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy, path
        assert "style-src 'self'" in policy, path
        assert "'unsafe-inline'" not in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert "camera=(self)" in headers["permissions-policy"], path


def test_pages_with_health_data_are_not_cached(client: TestClient) -> None:
    start_program()
    assert client.get("/progress").headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/style.css").headers.get("cache-control", "")


def test_refusals_carry_the_headers_too(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "attacker.example"})
    assert response.headers["x-frame-options"] == "DENY"


# -- 3. the live coach's socket ------------------------------------------------------------------


LIVE = "ws://127.0.0.1/coach/ws?exercise=squat"


def test_a_live_coach_socket_from_the_app_itself_opens(plain: PlainClient) -> None:
    with plain.websocket_connect(LIVE, headers={"Origin": BASE_URL}) as socket:
        assert socket.receive_json()["type"] == "set"


@pytest.mark.parametrize(
    "origin", [None, EVIL, "null", "http://127.0.0.1.evil.example", "http://127.0.0.1:9"]
)
def test_a_live_coach_socket_from_elsewhere_is_refused(
    plain: PlainClient, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    with pytest.raises(WebSocketDisconnect), plain.websocket_connect(LIVE, headers=headers):
        pass


def test_a_live_coach_socket_on_a_forged_host_is_refused(plain: PlainClient) -> None:
    headers = {"Origin": "http://attacker.example", "Host": "attacker.example"}
    with pytest.raises(WebSocketDisconnect), plain.websocket_connect(LIVE, headers=headers):
        pass


# -- 4. bodies are capped before they are read ---------------------------------------------------


def test_a_large_form_is_refused_before_it_is_read(client: TestClient) -> None:
    start_program()
    big = {**CHECK_IN, "padding": "x" * (300 * 1024)}

    response = client.post("/checkin", data=big)

    assert response.status_code == 413
    assert "256 KB" in response.text
    assert stored_check_ins() == 0


def test_a_large_streamed_body_without_a_length_is_cut_off(client: TestClient) -> None:
    start_program()
    token = csrf_token(client.get("/checkin").text) or ""

    def chunks() -> Iterator[bytes]:
        yield f"csrftoken={token}&pain=2&compared=usual&new_red_flags=no&padding=".encode()
        for _ in range(64):
            yield b"x" * 8192

    response = client.post(
        "/checkin",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 413
    assert stored_check_ins() == 0


def test_a_flood_of_fields_is_refused(client: TestClient) -> None:
    start_program()
    fields = "&".join(f"f{n}=" for n in range(5000))

    response = client.post(
        "/checkin",
        content=f"pain=2&{fields}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 413
    assert "fields" in response.text
    assert stored_check_ins() == 0


# -- 5. onboarding answers cannot be forged ------------------------------------------------------


def forged_state(**profile: object) -> str:
    base = {
        "age": 40,
        "experience": "new",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 30,
        "sitting_hours": 8,
        "pain": 3,
    }
    screening = {
        "red_flags": {flag.id: False for flag in RED_FLAGS},
        "startback": [False] * 8 + ["slightly"],
        "age": 40,
    }
    return json.dumps({"profile": {**base, **profile, "screening": screening}})


def test_a_forged_baseline_never_creates_a_person(client: TestClient) -> None:
    response = client.post("/start/baseline", data={"state": forged_state(), "measure": "none"})

    assert response.status_code == 400
    assert "start again" in response.text
    assert people() == 0


@pytest.mark.parametrize(
    "state",
    [
        forged_state(age=0).replace('"age": 0', '"age": ' + "9" * 5000),
        json.dumps({"profile": {"experience": "new"}}),
        forged_state(age="abc"),
        forged_state(age=float("inf")).replace("Infinity", "1e999"),
        json.dumps([1]),
        "",
        "not json at all",
    ],
    ids=["5000-digits", "no-age", "age-abc", "1e999", "a-list", "empty", "text"],
)
@pytest.mark.parametrize("step", ["/start/safety", "/start/clearance", "/start/startback"])
def test_mangled_onboarding_answers_ask_to_start_again(
    client: TestClient, step: str, state: str
) -> None:
    response = client.post(step, data={"state": state, **NO_FLAGS, **LOW_RISK})

    assert response.status_code == 400
    assert "start again" in response.text
    assert people() == 0


def test_the_safety_step_cannot_be_skipped(client: TestClient) -> None:
    """A signed state from step 1 (profile only) does not let STarT Back or the baseline run."""
    page = client.post(
        "/start/profile",
        data={
            "age": "40",
            "experience": "new",
            "days": ["monday", "wednesday", "friday"],
            "minutes_per_session": "30",
            "sitting_hours": "8",
            "pain": "3",
            "weeks": "12",
        },
    ).text
    state = page.split('name="state" value="', 1)[1].split('"', 1)[0]

    for step in ("/start/startback", "/start/baseline"):
        response = client.post(step, data={"state": state, **LOW_RISK, "measure": "none"})
        assert response.status_code == 400, step
    assert people() == 0


def test_answers_signed_for_one_browser_are_refused_in_another(client: TestClient) -> None:
    """The answers carried between steps are this browser's own: taken to another browser (or
    another account's sign-in) they are refused, so they cannot be replayed elsewhere."""
    profile = {
        "age": "40",
        "experience": "new",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": "30",
        "sitting_hours": "8",
        "pain": "3",
        "weeks": "12",
    }
    page = client.post("/start/profile", data=profile).text
    state = page.split('name="state" value="', 1)[1].split('"', 1)[0]
    answers = {"state": state, **NO_FLAGS}
    assert client.post("/start/safety", data=answers).status_code == 200  # its own: fine
    with TestClient(create_app()) as other:  # the same server secret, another browser
        assert other.post("/start/safety", data=answers).status_code == 400


def test_forged_screening_answers_never_resume_training(client: TestClient) -> None:
    """After new warning signs, the answers behind the clearance form are signed: all-clear
    answers made up by a page ask the safety questions again, and training stays paused."""
    start_program()
    paused = client.post("/checkin", data={**CHECK_IN, "new_red_flags": "yes"})
    assert paused.status_code == 200
    flags = {flag.id: False for flag in RED_FLAGS}
    all_clear = json.dumps({"red_flags": flags, "startback": [False] * 8 + ["slightly"], "age": 40})
    today = date.today().isoformat()

    response = client.post(
        "/checkin/screen/clearance", data={"answers": all_clear, "cleared_on": today}
    )

    assert response.status_code == 200
    assert 'action="/checkin/screen"' in response.text  # the safety questions, asked afresh
    assert "Training resumes" not in response.text
    assert 'href="/checkin/screen"' in client.get("/").text  # still paused
