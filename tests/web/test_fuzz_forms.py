"""Hostile posts to every form route, on an empty and on a populated database: whatever is sent,
the answer is one of the app's own pages or a refusal (4xx), never a 500 or a traceback.

Each test drives one group of routes with hypothesis: the real forms' field names (from the
templates) with hostile values — empty, huge, "1e999", "NaN", unicode, markup, deep JSON —
repeated, missing, or joined by made-up fields; random path ids; and for onboarding its signed
`state` field made up, mangled, or re-signed with changed contents. Most forms keep most fields
valid, so the examples reach the pages behind the first check too.

The populated database is seeded once for the module and copied for each test; its examples
share the copy and may change it (a pause, a replaced import): whatever state they reach must
still answer well.
"""

import html
import json
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from app_client import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journey_kit import (
    TODAY,
    add_draft_set,
    seed_history,
    seed_program,
    stored,
    weekdays_from,
)

from backchain import journal
from backchain.exercises import Equipment, load_catalogue
from backchain.outcomes import ODI_SECTIONS, RMDQ_ITEMS
from backchain.programs.models import Band, Weekday
from backchain.screening import RED_FLAGS, Bothersomeness
from backchain.screening.startback import STARTBACK_PARAPHRASE
from backchain.store import open_store
from backchain.store.database import BUSY_TIMEOUT_S
from backchain.web.app import create_app
from backchain.web.questionnaires import DISABILITY

# Function-scoped fixtures on purpose: one app and one database per test, shared by its examples.
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LAYOUT = '<header class="site-header">'  # every page of the app is in base.html's layout
FORM_TYPE = "application/x-www-form-urlencoded"
# Nothing else uses the app, so an answer this slow waited out the store's lock timeout (and
# its retries) on a lock the request itself holds.
SLOW_S = 2 * BUSY_TIMEOUT_S

Values = list[str]  # the values a form sends under one name: none, one, or several
Pairs = list[tuple[str, str]]

NASTY = [
    "", " ", "0", "-1", "-0", "1.5", "1e999", "-1e999", "NaN", "nan", "inf", "0x10", "1_0",
    "9" * 5000, "١٢", "１０", "²", "[/]", "[]", "{}", "null", "true", "\x00", "%00", "\r\n",
    "<script>alert(1)</script>", "\u202e", "🦴" * 200, "' OR 1=1 --", "../../etc/passwd",
    "a" * 10_000, "[" * 5000, '{"a":' * 2000,
]  # fmt: skip
HOSTILE: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(str),
    # Long text, at most ~12 KB once URL-encoded: well under the app's form cap.
    st.builds(lambda c, n: c * n, st.characters(), st.integers(100, 1000)),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
ONE_IN_FIVE = st.sampled_from([False, False, False, False, True])
CHANGES = ("valid", "hostile", "missing", "repeated")  # what a form does with a field

CATALOGUE = load_catalogue()
EXERCISES = [e.id for e in CATALOGUE]
FAULTS = sorted({f.id for e in CATALOGUE for f in e.faults})
FLAGS = [flag.id for flag in RED_FLAGS]
WEEKDAYS = [d.value for d in Weekday]


def one(*choices: str) -> st.SearchStrategy[Values]:
    return st.sampled_from(choices).map(lambda value: [value])


def some(choices: Sequence[str], low: int = 0, high: int = 4) -> st.SearchStrategy[Values]:
    return st.lists(st.sampled_from(list(choices)), min_size=low, max_size=high, unique=True)


def numbers(low: int, high: int) -> st.SearchStrategy[Values]:
    return st.integers(low, high).map(lambda n: [str(n)])


@st.composite
def form(draw: st.DrawFn, fields: Mapping[str, st.SearchStrategy[Values]]) -> Pairs:
    """A form with these fields and maybe made-up ones: calm (every field valid but maybe one,
    which is hostile, missing or repeated), or wild (any field any way)."""
    names = list(fields)
    wild = draw(st.sampled_from([False, False, False, True]))  # one form in four
    some_names = st.sets(st.sampled_from(names), max_size=1) if names else st.just(set())
    changed = set(names) if wild else draw(some_names)
    pairs: Pairs = []
    for name, valid in fields.items():
        mode = draw(st.sampled_from(CHANGES)) if name in changed else "valid"
        if mode == "valid":
            values = draw(valid)
        elif mode == "hostile":
            values = [draw(HOSTILE)]
        elif mode == "repeated":
            values = [*draw(valid), draw(HOSTILE), *draw(valid)]
        else:
            values = []
        pairs += [(name, value) for value in values]
    made_up = st.text(max_size=20)
    extra_names = st.sampled_from(names) | made_up if wild and names else made_up
    extra = draw(st.lists(st.tuples(extra_names, HOSTILE), max_size=3 if wild else 1))
    return pairs + extra


def body(pairs: st.SearchStrategy[Pairs]) -> st.SearchStrategy[bytes]:
    """The form URL-encoded, or now and then bytes that are no form at all."""
    encoded = pairs.map(lambda p: urlencode(p).encode())
    return st.one_of(encoded, encoded, encoded, st.binary(max_size=2000))


def mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`usual` three times in four: most examples should get past the first check."""
    return st.sampled_from([usual, usual, usual, rare]).flatmap(lambda chosen: chosen)


def segment(valid: Sequence[str], *, numeric: bool = False) -> st.SearchStrategy[str]:
    """A path segment: mostly one the app has, else made up or nonsense; URL-quoted."""
    made_up = st.integers(-(2**64), 2**64).map(str) if numeric else st.text(min_size=1, max_size=30)
    nasty = st.sampled_from(["0", "-1", "9" * 5000, "1e3", "1.0", " 1", "١", "abc", "%", "/", ".."])
    other = st.one_of(made_up, nasty, HOSTILE)
    chosen = mostly(st.sampled_from(list(valid)), other) if valid else other
    return chosen.map(lambda s: quote(s, safe=""))


# -- the sites ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """A database with a person mid-program: past sessions, a check-in, a correction, and
    today's session open with one set saved."""

    path: Path
    days: tuple[str, ...]  # the days logged, ISO
    logged: tuple[str, ...]  # the exercises in those sessions
    steps: int  # exercises in today's session


@dataclass(frozen=True)
class Site:
    client: TestClient
    seeded: Seeded | None  # None on the empty database

    @property
    def days(self) -> tuple[str, ...]:
        return self.seeded.days if self.seeded else ()

    @property
    def steps(self) -> int:
        return self.seeded.steps if self.seeded else 0

    def send(self, method: str, path: str, content: bytes = b"", kind: str = FORM_TYPE) -> Any:
        """Send a request as the app's own page would, and check the answer."""
        started = time.monotonic()
        response = self.client.request(
            method, path, content=content, headers={"content-type": kind}
        )
        check(response, f"{method} {path[:200]} {content[:300]!r}", time.monotonic() - started)
        return response


def check(response: Any, sent: str, took_s: float) -> None:
    """One of the app's answers, in time: no server error, no traceback, its own page when it
    is HTML."""
    assert took_s < SLOW_S, f"{took_s:.1f} s for {sent}: waiting on a lock of its own?"
    text = response.text
    assert response.status_code < 500, f"{response.status_code} for {sent}: {text[:2000]}"
    # The app refuses a post without the form token with 403: here that is the test's mistake.
    assert response.status_code != 403, f"refused as not sent from the app: {sent}"
    assert "Traceback" not in text, f"a traceback for {sent}"
    if response.headers.get("content-type", "").startswith("text/html"):
        assert LAYOUT in text, f"not one of the app's pages for {sent}: {text[:500]}"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    path = tmp_path_factory.mktemp("seeded") / "backchain.db"
    url = f"sqlite:///{path}"
    # Started two weeks ago on today's weekday, so today has a session too.
    seed_program(url, start=TODAY - timedelta(days=14), days=weekdays_from(TODAY, [0, 2, 4]))
    days = seed_history(url, until=TODAY)
    add_draft_set(url, TODAY)
    with open_store(url) as store:
        steps = len(journal.to_log(store, day=TODAY).prescriptions)
    state = stored(url)
    assert state is not None
    logged = {e.exercise for _, log in state.logs for e in log.exercises}
    return Seeded(path, tuple(d.isoformat() for d in days), tuple(sorted(logged)), steps)


@pytest.fixture(params=["empty", "populated"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    path = tmp_path / "fuzz.db"
    found: Seeded | None = None
    if request.param == "populated":
        found = request.getfixturevalue("seeded")
        with sqlite3.connect(found.path) as source, sqlite3.connect(path) as copy:
            source.backup(copy)  # the template is in WAL mode: a file copy could miss pages
    app = create_app(f"sqlite:///{path}")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Site(client, found)


@pytest.fixture
def empty_site(tmp_path: Path) -> Iterator[Site]:
    app = create_app(f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Site(client, None)


# -- the forms' fields ------------------------------------------------------------------------


def dates(*extra: str) -> st.SearchStrategy[Values]:
    near = st.dates(TODAY - timedelta(days=400), TODAY + timedelta(days=3)).map(date.isoformat)
    bad = st.sampled_from(
        ["2026-02-30", "0001-01-01", "9999-12-31", "2026-1-1", "20261118", *extra]
    )
    return st.one_of(near, bad).map(lambda day: [day])


FLAG_FIELDS = {flag: one("no", "no", "no", "no", "no", "yes") for flag in FLAGS}
STARTBACK_FIELDS = {
    **{f"item{n}": one("agree", "disagree") for n in range(1, 9)},
    "item9": one(*(b.value for b in Bothersomeness)),
    "wording-startback": one(STARTBACK_PARAPHRASE.name),
}
QUESTIONNAIRE_FIELDS = {
    **{f"odi{n}": one("0", "1", "2", "3", "4", "5", "") for n in range(1, ODI_SECTIONS + 1)},
    "rmdq": some([str(n) for n in range(1, RMDQ_ITEMS + 1)], 0, RMDQ_ITEMS),
    **{f"wording-{m.value}": one(wording.name) for m, wording in DISABILITY.items()},
}
CLEARANCE_FIELDS = {
    "cleared": one("night_pain") | some(FLAGS, 1, 3),  # onboarding's `states` raise night_pain
    "cleared_on": dates(),
    "cleared_by": one("", "Dr Patel, GP"),
}
SET_FIELDS = {
    "reps": numbers(0, 100),
    "hold_s": st.floats(0, 600).map(lambda s: [f"{s:g}"]),
    "load": one("", "8", "8kg", "12.5", "-3", *(b.value for b in Band)),
    "rpe": numbers(1, 10),
    "pain": numbers(0, 10),
    "faults": some(FAULTS),
}
PROFILE_FIELDS = {
    "age": numbers(16, 120),
    "equipment": some([e.value for e in Equipment if e is not Equipment.NONE]),
    "experience": one("new", "some", "trained"),
    "days": some(WEEKDAYS, 2, 5),
    "minutes_per_session": numbers(20, 90),  # fewer may be too few for the exercises
    "sitting_hours": numbers(0, 24),
    "pain": numbers(0, 10),
    "weeks": numbers(12, 16),
}
SETTINGS_FIELDS = {
    "days": PROFILE_FIELDS["days"],
    "equipment": PROFILE_FIELDS["equipment"],
    "minutes_per_session": PROFILE_FIELDS["minutes_per_session"],
    "weeks": PROFILE_FIELDS["weeks"],
    "desk_breaks": one("", "on", "off"),
}


@st.composite
def screening_answers(draw: st.DrawFn) -> Values:
    """The hidden answers of the paused page: the app's own JSON, changed, or anything."""
    raised = draw(st.sets(st.sampled_from(FLAGS), max_size=3))
    answers: dict[str, Any] = {
        "red_flags": {flag: flag in raised for flag in FLAGS},
        "startback": [False] * 8 + [draw(st.sampled_from([b.value for b in Bothersomeness]))],
        "age": draw(st.integers(10, 130)),
    }
    if draw(st.booleans()):
        answers["clearance"] = {"flags": sorted(raised), "date": TODAY.isoformat(), "by": None}
    return [draw(mostly(st.just(json.dumps(answers)), JSON_VALUE.map(json.dumps)))]


# -- onboarding -----------------------------------------------------------------------------

ONBOARDING: dict[str, dict[str, st.SearchStrategy[Values]]] = {
    "/start/profile": {**PROFILE_FIELDS, "new": one("", "1", "0")},
    "/start/safety": FLAG_FIELDS,
    "/start/clearance": CLEARANCE_FIELDS,
    "/start/startback": STARTBACK_FIELDS,
    "/start/baseline": {"measure": one("odi", "rmdq", "none"), **QUESTIONNAIRE_FIELDS},
}
NO_FLAGS = dict.fromkeys(FLAGS, "no")
LOW_RISK = {**{f"item{n}": "disagree" for n in range(1, 9)}, "item9": "slightly"}


VALID_PROFILE = {
    "age": ["40"],
    "equipment": ["mat"],
    "experience": ["some"],
    "days": ["monday", "wednesday", "friday"],
    "minutes_per_session": ["30"],
    "sitting_hours": ["8"],
    "pain": ["3"],
    "weeks": ["12"],
}


def carried(page: str) -> str:
    found = re.search(r'name="state" value="([^"]*)"', page)
    assert found is not None, "the page carries no earlier answers"
    return html.unescape(found.group(1))


@pytest.fixture
def states(site: Site) -> dict[str, str]:
    """The signed `state` the app hands to each onboarding step, walking through once."""
    post = site.client.post
    profile = carried(post("/start/profile", data=VALID_PROFILE).text)
    clear = carried(post("/start/safety", data={"state": profile, **NO_FLAGS}).text)
    see_clinician = {"state": profile, **NO_FLAGS, "night_pain": "yes"}
    to_clear = carried(post("/start/safety", data=see_clinician).text)
    baseline = carried(post("/start/startback", data={"state": clear, **LOW_RISK}).text)
    return {
        "/start/safety": profile,
        "/start/clearance": to_clear,
        "/start/startback": clear,
        "/start/baseline": baseline,
    }


@st.composite
def resigned(draw: st.DrawFn, states: list[str], signer: Any) -> str:
    """A state the app handed out with one value changed, and signed again: only the server
    can sign, so this stands for a bug that signed something it should not have."""
    holder, data = signer.loads(draw(st.sampled_from(states)))  # as `web.forms.signed` signs
    target = data["profile"] if draw(st.booleans()) else data
    key = draw(st.sampled_from(sorted(target)) | st.text(max_size=10))
    target[key] = draw(JSON_VALUE)
    return str(signer.dumps([holder, data]))


def mangled(state: str, where: int, char: str) -> str:
    at = where % (len(state) + 1)
    return state[:at] + char + state[at + 1 :]


def state_values(states: dict[str, str], route: str, signer: Any) -> st.SearchStrategy[Values]:
    """Mostly the state the app hands to this step, else another step's, or one tampered with."""
    valid = st.sampled_from(sorted(states.values()))
    tampered = st.one_of(
        st.builds(mangled, valid, st.integers(0, 2000), st.characters()),
        resigned(list(states.values()), signer),
        JSON_VALUE.map(lambda v: str(signer.dumps(v))),
        HOSTILE,
    )
    own = st.just(states[route]) if route in states else valid
    return mostly(own, st.one_of(valid, tampered)).map(lambda v: [v])


@settings(FUZZ, max_examples=50)  # no plan is made until the last step: cheap
@given(data=st.data())
def test_onboarding_forms(site: Site, states: dict[str, str], data: st.DataObject) -> None:
    route = data.draw(st.sampled_from(sorted(ONBOARDING)))
    signer = site.client.app.state.signers.carried
    fields = {"state": state_values(states, route, signer), **ONBOARDING[route]}
    site.send("POST", route, data.draw(body(form(fields))))


# -- check-in, screening again, the questionnaire re-take -----------------------------------

CHECKIN: dict[str, dict[str, st.SearchStrategy[Values]]] = {
    "/checkin": {
        "pain": numbers(0, 10),
        "compared": one("better", "same", "worse"),
        "new_red_flags": one("no", "no", "yes"),
    },
    "/checkin/screen": {**FLAG_FIELDS, **STARTBACK_FIELDS},
    "/checkin/screen/clearance": {"answers": screening_answers(), **CLEARANCE_FIELDS},
    "/checkin/questionnaire": QUESTIONNAIRE_FIELDS,
}


@FUZZ
@given(data=st.data())
def test_checkin_forms(site: Site, data: st.DataObject) -> None:
    """Needs a program: on the empty database every one of these is "No program yet"."""
    route = data.draw(st.sampled_from(sorted(CHECKIN)))
    site.send("POST", route, data.draw(body(form(CHECKIN[route]))))


# -- the session in progress ----------------------------------------------------------------


def numbered(count: int) -> st.SearchStrategy[str]:
    return segment([str(n) for n in range(1, count + 2)], numeric=True)


@FUZZ
@given(data=st.data())
def test_session_forms(site: Site, data: st.DataObject) -> None:
    n, k = data.draw(numbered(site.steps)), data.draw(numbered(3))
    route, fields = data.draw(
        st.sampled_from(
            [
                (f"/session/{n}/sets", SET_FIELDS),
                (f"/session/{n}/sets/{k}", SET_FIELDS),
                (f"/session/{n}/sets/{k}/delete", {}),
                (f"/session/{n}/skip", {"reason": one("Knee hurts today", " ")}),
            ]
        )
    )
    if data.draw(ONE_IN_FIVE):  # the pages behind the same addresses
        site.send("GET", route)
    else:
        site.send("POST", route, data.draw(body(form(fields))))


FINISH_FIELDS = {"pain_after": numbers(0, 10), "notes": one("", "Went well.", "x" * 5001)}


@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_finishing_the_session(site: Site, data: st.DataObject) -> None:
    """Finishing ends the day's session, so it has a database of its own; sets sent after it
    find the day closed."""
    n = data.draw(numbered(site.steps))
    route, fields = data.draw(
        st.sampled_from([("/session/finish", FINISH_FIELDS), (f"/session/{n}/sets", SET_FIELDS)])
    )
    site.send("POST", route, data.draw(body(form(fields))))


# -- corrections in the history -------------------------------------------------------------

BAD_DAYS = ["today", "-1", "2026-11-18T00:00", "2026-W47-3", "1700000000", "9" * 30]


@FUZZ
@given(data=st.data())
def test_history_forms(site: Site, data: st.DataObject) -> None:
    days = list(site.days) + data.draw(dates(*BAD_DAYS))
    day = data.draw(segment(days))
    exercise = data.draw(segment(site.seeded.logged if site.seeded else EXERCISES))
    k = data.draw(numbered(3))
    route, fields = data.draw(
        st.sampled_from(
            [
                (f"/history/{day}/{exercise}/{k}", SET_FIELDS),
                (f"/history/{day}/{exercise}/{k}/delete", {}),
                (f"/history/{day}/delete", {"confirm": one("yes", "no", "")}),
            ]
        )
    )
    if data.draw(ONE_IN_FIVE):
        site.send("GET", route)
    else:
        site.send("POST", route, data.draw(body(form(fields))))


# -- settings and your data -----------------------------------------------------------------


@st.composite
def changed_document(draw: st.DrawFn, document: Mapping[str, Any]) -> bytes:
    """An export file with one value somewhere in it replaced, or taken out."""
    changed = json.loads(json.dumps(document))
    node: Any = changed
    while isinstance(node, dict | list) and node:
        key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        if isinstance(node[key], dict | list) and node[key] and draw(st.booleans()):
            node = node[key]
            continue
        if isinstance(node, dict) and draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(JSON_VALUE)
        break
    return json.dumps(changed).encode()


def import_file(document: Mapping[str, Any]) -> st.SearchStrategy[bytes]:
    whole = json.dumps(document).encode()
    return st.one_of(
        st.just(whole),
        changed_document(document),
        st.binary(max_size=2000),
        HOSTILE.map(str.encode),
    )


@pytest.fixture
def exported(site: Site) -> dict[str, Any]:
    """The site's data as its export file, taken once: each change of settings adds a plan."""
    response = site.client.get("/settings/export")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


@settings(FUZZ, max_examples=15)  # a change of settings makes the plan again: ~0.5 s
@given(data=st.data())
def test_settings_forms(site: Site, exported: dict[str, Any], data: st.DataObject) -> None:
    """The settings form, and the import: the site's own export, changed, or anything at all."""
    sent = data.draw(st.sampled_from(["settings", "import", "import", "junk"]))
    if sent == "settings":
        site.send("POST", "/settings", data.draw(body(form(SETTINGS_FIELDS))))
    elif sent == "import":
        name = data.draw(st.one_of(st.just("backchain-export.json"), st.text(max_size=50)))
        content = data.draw(import_file(exported))
        pairs = data.draw(form({"replace": one("yes", "", "no")}))
        fields = {key: [v for k, v in pairs if k == key] for key, _ in pairs}
        started = time.monotonic()
        response = site.client.post(
            "/settings/import", data=fields, files={"file": (name, content)}
        )
        shown = f"POST /settings/import {fields} file {name!r} {content[:300]!r}"
        check(response, shown, time.monotonic() - started)
    else:  # a body that is not what its content type says
        kinds = ["multipart/form-data", "multipart/form-data; boundary=x", FORM_TYPE, "text/plain"]
        kind = data.draw(st.sampled_from(kinds))
        site.send("POST", "/settings/import", data.draw(st.binary(max_size=2000)), kind=kind)


@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_deleting_everything(site: Site, data: st.DataObject) -> None:
    """Deleting has a database of its own: after it, the settings form finds no program."""
    route, fields = data.draw(
        st.sampled_from(
            [
                ("/settings/delete", {"confirm": one("delete my data", " Delete My Data ", "no")}),
                ("/settings", SETTINGS_FIELDS),
            ]
        )
    )
    site.send("POST", route, data.draw(body(form(fields))))


# -- the video upload -----------------------------------------------------------------------

UPLOAD_TYPES = ["video/mp4", "application/octet-stream", "text/plain", "multipart/form-data", ""]


@settings(FUZZ, max_examples=15)
@given(
    exercise=segment(EXERCISES),
    kind=st.sampled_from(UPLOAD_TYPES),
    junk=st.binary(max_size=2048),
)
def test_video_upload_refuses_junk(empty_site: Site, exercise: str, kind: str, junk: bytes) -> None:
    """Small junk only: no example is a video, so no analysis starts."""
    empty_site.send("POST", f"/analyze?exercise={exercise}", junk, kind=kind)


# -- what the fuzzing found, kept as examples -----------------------------------------------

CLEAR_ANSWERS: dict[str, Any] = {
    "red_flags": dict.fromkeys(FLAGS, False),
    "startback": [False] * 8 + ["slightly"],
    "age": 40,
}
URGENT_ANSWERS = {**CLEAR_ANSWERS, "red_flags": {**CLEAR_ANSWERS["red_flags"], "bladder": True}}


def clearance_post(answers: str) -> bytes:
    fields = {"answers": answers, "cleared": "bladder", "cleared_on": TODAY.isoformat()}
    return urlencode(fields).encode()


@pytest.mark.parametrize("site", ["empty"], indirect=True)
@pytest.mark.parametrize(
    ("method", "route"),
    [("GET", "/session/1"), ("POST", "/session/1/sets"), ("POST", "/session/finish")],
)
def test_session_pages_without_a_program_are_not_found(site: Site, method: str, route: str) -> None:
    """They were a 500: the journal's "No program yet" reached the error handler."""
    content = b"rpe=6&pain=1&reps=8&pain_after=2" if method == "POST" else b""
    response = site.send(method, route, content)
    assert response.status_code == 404
    assert "start a program" in response.text


def test_session_pages_after_the_plan_are_not_found(tmp_path: Path) -> None:
    """They were a 500: the journal's "your plan is complete" reached the error handler."""
    url = f"sqlite:///{tmp_path / 'done.db'}"
    seed_program(url, start=TODAY - timedelta(weeks=20), days=weekdays_from(TODAY, [1, 3]))
    with TestClient(create_app(url), raise_server_exceptions=False) as client:
        site = Site(client, None)
        for method, route in [("GET", "/session/1"), ("POST", "/session/1/sets")]:
            assert site.send(method, route, b"rpe=6&pain=1&reps=8").status_code == 404
        assert site.send("GET", "/session").status_code == 200  # says why, as before


@pytest.mark.parametrize("site", ["populated"], indirect=True)
@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        pytest.param(CLEAR_ANSWERS, "Training resumes", id="nothing-to-clear"),
        pytest.param(URGENT_ANSWERS, "Please get medical help today", id="urgent-ticked"),
    ],
)
def test_clearance_of_what_cannot_be_cleared_is_refused(
    site: Site, answers: dict[str, Any], shown: str
) -> None:
    """They were a 500: the clearance's last check raised out of the route. Answers as this
    server signed them: with nothing to clear training resumes, and an urgent sign is never
    cleared (no clearance form is offered for it)."""
    site.client.get("/")  # this browser's form cookie, which the answers are signed for
    holder = [site.client.cookies.get("backchain_csrf"), None]  # as `web.forms.signed` signs
    signed = site.client.app.state.signers.carried.dumps([holder, answers])
    response = site.send("POST", "/checkin/screen/clearance", clearance_post(signed))
    assert response.status_code == 200
    assert shown in html.unescape(response.text)
    assert 'action="/checkin/screen/clearance"' not in response.text


@pytest.mark.parametrize("site", ["populated"], indirect=True)
def test_import_over_data_without_replace_answers_at_once(site: Site, exported: Any) -> None:
    """It waited 15 s on its own write lock, then showed the page as if nothing was stored."""
    started = time.monotonic()
    response = site.client.post(
        "/settings/import", files={"file": ("export.json", json.dumps(exported).encode())}
    )
    check(response, "POST /settings/import without replace", time.monotonic() - started)
    assert response.status_code == 422
    assert 'name="days"' in response.text  # the settings form: the program is still there


@pytest.mark.parametrize("site", ["populated"], indirect=True)
@pytest.mark.parametrize("answers", ["9" * 5000, "[" * 5000], ids=["long-number", "deep"])
def test_clearance_with_unreadable_answers_shows_the_form(site: Site, answers: str) -> None:
    response = site.send("POST", "/checkin/screen/clearance", clearance_post(answers))
    assert response.status_code == 200
