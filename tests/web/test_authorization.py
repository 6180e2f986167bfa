"""Who may see and change what, in clinic mode: every route of the app, by every role, with its
own ids and another person's, and zero leaks.

The routes come from the app itself, so a new route joins the matrix without being listed (a
path parameter the matrix has no value for fails the test until one is added). Two people each
have a private marker in their log; a response may carry a marker only to its owner and to the
clinician who follows them. Every request is also checked not to have changed the data of
anyone the role may not change.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_client import TestClient
from clinic_kit import clinic_app, log_first_session, make_clinic, sign_in, start_program
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.websockets import WebSocketDisconnect

from backchain.store import care, export_data, open_store
from backchain.store.care import Account

MARKER = {"person": "PRIVATE-pat-7f3a", "stranger": "PRIVATE-sam-9c1d"}
PUBLIC = ("/login", "/healthz", "/welcome/{token}", "/password/{token}")
SKIPPED = {
    # Tested on its own (test_accounts): signing out in the middle would make the rest of the
    # role's requests anonymous ones.
    ("POST", "/logout"),
}
# A form that would pass most of the app's checks, so a write that is not refused shows.
FORM: dict[str, Any] = {
    "confirm": "delete",
    "text": "a note from the matrix",
    "note": "a change from the matrix",
    "day": "",
    "sets": "2",
    "reps_low": "8",
    "reps_high": "10",
    "held": "yes",
    "pain": "2",
    "pain_after": "2",
    "compared": "same",
    "new_red_flags": "no",
    "reps": "8",
    "rpe": "6",
    "reason": "matrix",
    "notes": "matrix",
    "email": "matrix@example.org",
    "name": "Matrix",
    "password": "a long enough password",
    "password_again": "a long enough password",
    "consent": "yes",
}


@dataclass(frozen=True)
class World:
    url: str
    accounts: dict[str, Account]
    day: dict[str, date]  # each person's logged day
    exercise: str  # an exercise in both plans


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder: Path = tmp_path_factory.mktemp("matrix")
    url = f"sqlite:///{folder / 'clinic.db'}"
    with open_store(url) as store:
        clinic = make_clinic(store)
        days = {}
        for role in ("person", "stranger"):
            person_id = start_program(store, getattr(clinic, role))
            days[role] = log_first_session(store, person_id, MARKER[role]).date
    return World(
        url,
        {
            "admin": clinic.admin,
            "clinician": clinic.clinician,
            "other_clinician": clinic.other_clinician,
            "person": clinic.person,
            "stranger": clinic.stranger,
        },
        days,
        "glute_bridge",
    )


# Whose markers each role may see: people their own, clinicians the person they follow.
MAY_SEE = {
    "anonymous": set(),
    "admin": set(),
    "clinician": {"person"},
    "other_clinician": {"stranger"},
    "person": {"person"},
    "stranger": {"stranger"},
}
# Whose data each role may change.
MAY_CHANGE = MAY_SEE


def _values(name: str, world: World) -> list[str]:
    """Values for a path parameter: each person's own, so every role also tries the other's."""
    people = ("person", "stranger")
    found = {
        "account_id": [str(world.accounts[p].id) for p in people],
        "clinician_id": [str(world.accounts[c].id) for c in ("clinician", "other_clinician")],
        "day": sorted({world.day[p].isoformat() for p in people}),
        "exercise": [world.exercise],
        "exercise_id": [world.exercise],
        "version_id": [world.exercise],
        "lesson_id": ["hurt_is_not_harm"],
        "n": ["1"],
        "k": ["1"],
        "job_id": ["0123456789abcdef"],
        "token": ["not-a-real-token"],
    }
    if name not in found:
        raise AssertionError(f"the matrix has no value for the path parameter {name!r}; add one")
    return found[name]


def _paths(template: str, world: World) -> list[str]:
    paths = [template]
    while any("{" in p for p in paths):
        expanded = []
        for path in paths:
            start = path.index("{")
            end = path.index("}", start)
            name = path[start + 1 : end].split(":")[0]
            expanded += [path[:start] + value + path[end + 1 :] for value in _values(name, world)]
        paths = expanded
    return paths


def _flat(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every route with its full path template, through included routers."""
    for route in routes:
        if hasattr(route, "original_router"):  # an included router (FastAPI keeps them nested)
            yield from _flat(route.original_router.routes, prefix + route.include_context.prefix)
        else:
            yield prefix, route


def _routes(app: Any, world: World) -> list[tuple[str, str, str]]:
    """(method, template, path) for every route of the app."""
    found = []
    for prefix, route in _flat(app.routes, ""):
        if isinstance(route, APIRoute | APIWebSocketRoute) and prefix:
            raise AssertionError(f"a router included with a prefix ({prefix}): add it to paths")
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                if (method, route.path) in SKIPPED:
                    continue
                found += [(method, route.path, p) for p in _paths(route.path, world)]
        elif isinstance(route, APIWebSocketRoute):
            found += [("WS", route.path, p) for p in _paths(route.path, world)]
    return found


def _snapshot(world: World, role: str) -> object:
    """Everything stored about one person: their program data, notes and followers."""
    account = world.accounts[role]
    with open_store(world.url) as store, store.read() as session:
        return (
            export_data(session, account_id=account.id)["people"],
            care.notes(session, person_id=account.id),
            [a.id for a, _ in care.followers(session, person_id=account.id)],
        )


@contextmanager
def _client(app: Any, world: World, role: str) -> Iterator[TestClient]:
    with TestClient(app) as client:
        if role != "anonymous":
            sign_in(client, world.accounts[role])
            assert client.cookies.get("backchain_session"), f"{role} could not sign in"
        yield client


def _ask(client: TestClient, method: str, path: str) -> tuple[int, str]:
    if method == "WS":
        try:
            with client.websocket_connect(path + "?exercise=squat") as socket:
                socket.close()
                return 101, ""
        except WebSocketDisconnect as closed:
            return closed.code, ""
    if method == "GET":
        response = client.get(path, follow_redirects=False)
    else:
        response = client.request(method, path, data=FORM, follow_redirects=False)
    return response.status_code, response.text


def _run(world: World, role: str, leaks: list[str]) -> None:
    app = clinic_app(world.url)
    routes = _routes(app, world)
    while routes:
        with _client(app, world, role) as client:
            while routes:
                method, template, path = routes.pop(0)
                status, body = _ask(client, method, path)
                for owner, marker in MARKER.items():
                    if marker in body and owner not in MAY_SEE[role]:
                        leaks.append(f"{role} {method} {path} shows {owner}'s data")
                public = template in PUBLIC or template.startswith(("/static", "/exercises"))
                if role == "anonymous" and not public and method != "WS" and status < 300:
                    leaks.append(f"anonymous {method} {path} answered {status}")
                if role in {"anonymous", "admin"} and method == "WS" and status == 101:
                    leaks.append(f"{role} opened the socket {path}")
                if role != "anonymous" and client.cookies.get("backchain_session") is None:
                    break  # a request signed the role out: sign in again for the rest


def test_the_owner_and_their_clinician_do_see_the_data(world: World) -> None:
    """The other half of zero leaks: the markers are really on the pages the matrix checks.
    (Run first: the matrix lets each person erase their own data.)"""
    day = world.day["person"].isoformat()
    with (
        _client(clinic_app(world.url), world, "person") as owner,
        _client(clinic_app(world.url), world, "clinician") as clinician,
    ):
        assert MARKER["person"] in owner.get(f"/history/{day}").text
        page = clinician.get(f"/clinic/people/{world.accounts['person'].id}").text
        assert MARKER["person"] in page


def test_no_role_sees_or_changes_what_it_may_not(world: World) -> None:
    leaks: list[str] = []
    people = ("person", "stranger")
    start = {p: _snapshot(world, p) for p in people}
    for role in ("anonymous", "admin"):
        _run(world, role, leaks)
    for person in people:
        assert _snapshot(world, person) == start[person], f"anonymous or admin changed {person}"
    for role in ("other_clinician", "stranger"):
        _run(world, role, leaks)
    assert _snapshot(world, "person") == start["person"], "someone else changed Pat's data"
    stranger_now = _snapshot(world, "stranger")
    for role in ("clinician", "person"):
        _run(world, role, leaks)
    assert _snapshot(world, "stranger") == stranger_now, "someone else changed Sam's data"
    assert leaks == []


def test_the_matrix_reaches_every_kind_of_route(world: World) -> None:
    """The matrix is only as good as its routes: the clinician's person pages, the person's
    own pages, the admin's, and the live-coach socket are all in it."""
    app = clinic_app(world.url)
    templates = {template for _, template, _ in _routes(app, world)}
    for expected in (
        "/clinic/people/{account_id}",
        "/history/{day}",
        "/admin",
        "/care",
        "/coach/ws",
        "/progress/report.pdf",
        "/settings/export",
        "/analyze/jobs/{job_id}",
    ):
        assert expected in templates, expected
