"""The clinician's pages in clinic mode: the dashboard, a followed person's page, a change of
prescription, notes, the report, and that nobody else's data is reachable.

Pat's plan starts Monday 6 January 2025 (Mondays, Wednesdays and Fridays) and "today" is
Friday 17 January: six sessions were due (6, 8, 10, 13, 15, 17 January); Pat logged three.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_client import TestClient
from clinic_kit import NOW, PROFILE, Clinic, clinic_app, make_clinic, sign_in

from backchain import journal
from backchain.care.accounts import Role
from backchain.journal import accounts
from backchain.programs.models import ExerciseLog, Profile, SessionLog, SetLog
from backchain.store import Store, open_store
from backchain.store import care as stored
from backchain.store.care import Account
from backchain.web import clinic
from backchain.web.app import create_app
from backchain.web.deps import get_day

START = date(2025, 1, 6)
TODAY = date(2025, 1, 17)
LOGGED = (date(2025, 1, 6), date(2025, 1, 8), date(2025, 1, 13))
PAT_NOTES = "Felt steady, knees fine"
HOLD_NOTE = "Keep it steady while the hip settles"


@dataclass(frozen=True)
class World:
    url: str
    clinic: Clinic
    pat_person_id: int


def log_day(store: Store, person_id: int, day: date, **extra: Any) -> None:
    """Two sets of glute bridges at pain 2, with the hips short of the line in the first."""
    sets = (
        SetLog(reps=16, rpe=6, pain=2, faults=("hips_low",)),
        SetLog(reps=16, rpe=6, pain=2),
    )
    log = SessionLog(
        date=day,
        exercises=(ExerciseLog(exercise="glute_bridge", variation="glute_bridge", sets=sets),),
        pain_after=1,
        **extra,
    )
    journal.log_session(store, log=log, now=NOW, person_id=person_id)


def start(store: Store, person: Account) -> int:
    journal.start_program(
        store, profile=Profile.model_validate(PROFILE), start=START, now=NOW, account_id=person.id
    )
    with store.read() as session:
        found = stored.person_of(session, account_id=person.id)
    assert found is not None
    return found


@pytest.fixture
def world(tmp_path: Path) -> World:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    with open_store(url) as store:
        made = make_clinic(store)
        person_id = start(store, made.person)
        for day in LOGGED:
            log_day(store, person_id, day, notes=PAT_NOTES if day == LOGGED[-1] else "")
    return World(url, made, person_id)


def with_clinic(app: Any) -> Any:
    """The app, with the clinic's router included until web/app.py includes it itself."""
    if not any(getattr(route, "original_router", None) is clinic.router for route in app.routes):
        app.include_router(clinic.router)
    return app


def app_for(url: str) -> Any:
    app = with_clinic(clinic_app(url))
    app.dependency_overrides[get_day] = lambda: TODAY
    return app


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    """Signed in as Claire, who follows Pat."""
    with TestClient(app_for(world.url)) as test_client:
        assert sign_in(test_client, world.clinic.clinician).status_code == 200
        yield test_client


def read(world: World, what: str, account: Account) -> list[Any]:
    with open_store(world.url) as store, store.read() as session:
        if what == "notes":
            return list(stored.notes(session, person_id=account.id))
        if what == "audit":
            return list(stored.audit_entries(session, person_id=account.id))
        found = journal.find_journal(session, person_id=world.pat_person_id)
        assert found is not None
        return list(found.decisions)


def every_form_carries_the_token(page: str) -> bool:
    posts = page.count('method="post"')
    return posts > 0 and page.count('<input type="hidden" name="csrftoken"') == posts


def text_of(page: str) -> str:
    """The page's words, tags stripped and spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


# -- the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_has_a_row_for_each_person_followed(client: TestClient) -> None:
    page = client.get("/clinic")
    assert page.status_code == 200
    words = text_of(page.text)
    # Pat: 3 of the 6 sessions due; last on Monday 13th, four days ago: training.
    assert "Pat Person training 3 of 6 (50%)" in words
    assert "Mon 13 Jan" in words
    assert "Sam Stranger" not in words  # followed by Oscar only
    assert 'href="/clinic/people/' in page.text
    assert every_form_carries_the_token(page.text)


@pytest.mark.parametrize("query", ["?sort=bogus&status=bogus", "?sort=&status=", "?sort=name"])
def test_unknown_sorts_and_statuses_show_everyone(client: TestClient, query: str) -> None:
    page = client.get(f"/clinic{query}")
    assert page.status_code == 200
    assert "Pat Person" in page.text


def test_a_status_filter_that_matches_nobody_says_so(client: TestClient) -> None:
    page = client.get("/clinic?status=paused")
    assert page.status_code == 200
    assert "Nobody you follow is paused by a warning sign now." in text_of(page.text)
    assert "Pat Person" not in page.text


def test_a_clinician_who_follows_nobody_sees_how_to_start(world: World) -> None:
    with open_store(world.url) as store:
        nina = accounts.create_account(
            store,
            email="nina@example.org",
            name="Nina Physio",
            role=Role.CLINICIAN,
            password="another long password",
            now=NOW,
        )
    with TestClient(app_for(world.url)) as test_client:
        sign_in(test_client, nina, "another long password")
        page = test_client.get("/clinic")
    assert page.status_code == 200
    assert "Nobody shares their training with you yet." in page.text
    assert "<table" not in page.text


def test_an_invitation_link_is_shown_once_and_works(client: TestClient, world: World) -> None:
    page = client.post("/clinic/invite")
    assert page.status_code == 200
    found = re.search(r'value="http://127\.0\.0\.1/welcome/([A-Za-z0-9_-]+)"', page.text)
    assert found, page.text
    assert "works once and expires in 7 days" in page.text
    with open_store(world.url) as store:
        accounts.accept_invitation(
            store,
            token=found.group(1),
            email="quinn@example.org",
            name="Quinn Newcomer",
            password="a long enough password",
            now=NOW,
        )
    words = text_of(client.get("/clinic").text)
    assert "Quinn Newcomer no program yet" in words


# -- a person's page --------------------------------------------------------------------------


def test_the_person_page_shows_their_log_and_is_audited(client: TestClient, world: World) -> None:
    pat = world.clinic.person
    assert read(world, "audit", pat)[0].action != "viewed"
    page = client.get(f"/clinic/people/{pat.id}")
    assert page.status_code == 200
    words = text_of(page.text)
    for day in ("Monday 06 January 2025", "Wednesday 08 January 2025", "Monday 13 January 2025"):
        assert day in words
    assert f"Their notes: “{PAT_NOTES}”" in words
    assert "Set 1 16 reps · RPE 6 · pain 2 · 1 form fault" in words
    assert "Glute bridge: The hips stop short of the shoulder-knee line. (1 of 2 sets)" in words
    latest = read(world, "audit", pat)[0]
    assert (latest.actor, latest.action) == ("Claire Physio (clinician)", "viewed")
    # Posted: a change form for each of the 7 exercises, the note, and signing out.
    assert every_form_carries_the_token(page.text)
    assert page.text.count('method="post" action="/clinic/people/') == 8


def test_the_clinic_is_for_clinicians_in_clinic_mode_only(world: World) -> None:
    with TestClient(app_for(world.url)) as pat:
        sign_in(pat, world.clinic.person)
        assert pat.get("/clinic").status_code == 403
        assert pat.get(f"/clinic/people/{world.clinic.person.id}").status_code == 403
    with TestClient(with_clinic(create_app(world.url))) as anyone:
        assert anyone.get("/clinic").status_code == 404
        assert anyone.get(f"/clinic/people/{world.clinic.person.id}").status_code == 404


def test_a_person_without_a_program_is_said_so(client: TestClient, world: World) -> None:
    with open_store(world.url) as store:
        token = accounts.invite_person(store, clinician=world.clinic.clinician, now=NOW)
        rae = accounts.accept_invitation(
            store, token=token, email="rae@example.org", name="Rae", password="x" * 12, now=NOW
        )
    page = client.get(f"/clinic/people/{rae.id}")
    assert page.status_code == 200
    assert "Rae has not started a program yet." in text_of(page.text)
    assert client.post(f"/clinic/people/{rae.id}/changes", data={}).status_code == 404


# -- nobody else's data -----------------------------------------------------------------------


def test_a_clinician_who_does_not_follow_a_person_gets_not_found(world: World) -> None:
    pat = world.clinic.person
    decisions_before = read(world, "decisions", pat)
    with TestClient(app_for(world.url)) as oscar:
        sign_in(oscar, world.clinic.other_clinician)
        assert oscar.get(f"/clinic/people/{pat.id}").status_code == 404
        changed = oscar.post(
            f"/clinic/people/{pat.id}/changes",
            data={"exercise": "glute_bridge", "held": "yes", "note": "Hold it"},
        )
        assert changed.status_code == 404
        noted = oscar.post(f"/clinic/people/{pat.id}/notes", data={"text": "Hello"})
        assert noted.status_code == 404
        assert oscar.get(f"/clinic/people/{pat.id}/report.pdf").status_code == 404
        assert "Pat Person" not in oscar.get("/clinic").text
    assert read(world, "notes", pat) == []
    assert read(world, "decisions", pat) == decisions_before
    assert not any("Oscar" in entry.actor for entry in read(world, "audit", pat))


# -- a change of prescription -----------------------------------------------------------------


def test_a_hold_is_stored_and_shown(client: TestClient, world: World) -> None:
    pat = world.clinic.person
    response = client.post(
        f"/clinic/people/{pat.id}/changes",
        data={
            "exercise": "glute_bridge",
            "variation": "glute_bridge",
            "held": "yes",
            "note": HOLD_NOTE,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/clinic/people/{pat.id}?changed=glute_bridge#plan"
    with open_store(world.url) as store, store.read() as session:
        found = journal.find_journal(session, person_id=world.pat_person_id)
    assert found is not None
    assert found.states["glute_bridge"].held_by == "Claire Physio"
    words = text_of(client.get(response.headers["location"]).text)
    assert "Saved: the change to Glute bridge applies from their next session" in words
    assert f"Clinician's change Held where it is by Claire Physio: {HOLD_NOTE}." in words
    changed = [e for e in read(world, "audit", pat) if e.action == "changed"]
    assert [e.detail for e in changed] == [f"Held where it is by Claire Physio: {HOLD_NOTE}."]


def test_a_bad_change_says_what_is_wrong_and_saves_nothing(
    client: TestClient, world: World
) -> None:
    pat = world.clinic.person
    before = read(world, "decisions", pat)
    page = client.post(
        f"/clinic/people/{pat.id}/changes",
        data={"exercise": "glute_bridge", "variation": "kettlebell_swing", "sets": "9", "note": ""},
    )
    assert page.status_code == 422
    words = text_of(page.text)
    assert "Nothing was changed." in words
    for line in (
        "Choose one of the versions of Glute bridge in the list.",
        "Give the sets as a whole number from 1 to 5, or leave it empty.",
        "Say why, in a line or two: the person reads it with the change.",
    ):
        assert words.count(line) == 1
    assert '<details class="clinic-change" id="change-glute_bridge" open>' in page.text
    assert 'name="sets" type="text" inputmode="numeric" value="9"' in page.text  # kept as typed
    assert read(world, "decisions", pat) == before
    assert not any(e.action == "changed" for e in read(world, "audit", pat))


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"reps_low": "12", "reps_high": "8"}, "Put the lower number first, then the higher one."),
        ({"reps_low": "0"}, "Give the reps as whole numbers from 1 to 100, or leave them empty."),
        ({"hold_low": "nan"}, "Give the hold in seconds, up to 600, or leave it empty."),
        ({"load": "heavy"}, "Give the load in kg (such as 8) or a band colour, or leave it empty."),
        ({"sets": "3", "load": "8"}, "Glute bridge is done without weights or a band"),
    ],
)
def test_each_bad_field_has_its_line(
    client: TestClient, world: World, fields: dict[str, str], line: str
) -> None:
    pat = world.clinic.person
    before = read(world, "decisions", pat)
    data = {"exercise": "glute_bridge", "note": "Because", **fields}
    page = client.post(f"/clinic/people/{pat.id}/changes", data=data)
    assert page.status_code == 422
    assert line in text_of(page.text)
    assert read(world, "decisions", pat) == before


def test_an_exercise_not_in_the_plan_changes_nothing(client: TestClient, world: World) -> None:
    pat = world.clinic.person
    page = client.post(
        f"/clinic/people/{pat.id}/changes", data={"exercise": "pull_up", "note": "Why not"}
    )
    assert page.status_code == 422
    assert "That exercise is not in their plan" in page.text


# -- notes and escaping -----------------------------------------------------------------------


def test_a_note_is_saved_and_audited(client: TestClient, world: World) -> None:
    pat = world.clinic.person
    response = client.post(
        f"/clinic/people/{pat.id}/notes",
        data={"text": "Well done this week", "day": "2025-01-13"},
    )
    assert response.status_code == 200  # after the redirect back to the page
    assert "Your note is saved" in response.text
    [note] = read(world, "notes", pat)
    assert (note.author, note.day, note.text) == (
        "Claire Physio",
        date(2025, 1, 13),
        "Well done this week",
    )
    assert any(e.action == "wrote a note" for e in read(world, "audit", pat))


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ({"text": "   "}, "Type a note first."),
        ({"text": "Hi", "day": "2025-01-10"}, "Choose one of their sessions in the list"),
        ({"text": "Hi", "day": "soon"}, "Choose one of their sessions in the list"),
    ],
)
def test_a_bad_note_is_sent_back(
    client: TestClient, world: World, data: dict[str, str], line: str
) -> None:
    pat = world.clinic.person
    page = client.post(f"/clinic/people/{pat.id}/notes", data=data)
    assert page.status_code == 422
    assert line in page.text
    assert read(world, "notes", pat) == []


def test_free_text_comes_back_escaped(world: World) -> None:
    with open_store(world.url) as store:
        token = accounts.invite_person(store, clinician=world.clinic.clinician, now=NOW)
        odd = accounts.accept_invitation(
            store, token=token, email="odd@example.org", name="<b>x</b>", password="y" * 12, now=NOW
        )
        start(store, odd)
    with TestClient(app_for(world.url)) as claire:
        sign_in(claire, world.clinic.clinician)
        claire.post(f"/clinic/people/{odd.id}/notes", data={"text": "<script>alert(1)</script>"})
        pages = [claire.get("/clinic").text, claire.get(f"/clinic/people/{odd.id}").text]
    for page in pages:
        assert "&lt;b&gt;x&lt;/b&gt;" in page
        assert "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert "<script>alert" not in pages[1]


# -- the report -------------------------------------------------------------------------------


def test_the_report_downloads_and_is_audited(client: TestClient, world: World) -> None:
    pat = world.clinic.person
    response = client.get(f"/clinic/people/{pat.id}/report.pdf?start=2025-01-06&end=2025-01-17")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"] == (
        'attachment; filename="backchain-report-2025-01-06-2025-01-17.pdf"'
    )
    latest = read(world, "audit", pat)[0]
    assert (latest.action, latest.detail) == (
        "downloaded the report",
        "The report of 06 Jan 2025 to 17 Jan 2025",
    )


@pytest.mark.parametrize("query", ["start=13-01-2025", "start=2025-01-17&end=2025-01-06"])
def test_a_bad_report_period_is_a_400(client: TestClient, world: World, query: str) -> None:
    pat = world.clinic.person
    response = client.get(f"/clinic/people/{pat.id}/report.pdf?{query}")
    assert response.status_code == 400
    assert not any(e.action == "downloaded the report" for e in read(world, "audit", pat))
