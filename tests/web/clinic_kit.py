"""Clinic mode for the web tests: accounts made through the journal, signing in through the
login page, and a person's program with a logged session that carries a private marker."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app_client import TestClient

from backchain import journal
from backchain.care.accounts import Role
from backchain.config import Config
from backchain.journal import accounts
from backchain.programs.models import ExerciseLog, Profile, SessionLog, SetLog
from backchain.screening import RED_FLAGS
from backchain.store import Store
from backchain.store.care import Account
from backchain.web.app import create_app

__all__ = [
    "PASSWORD",
    "Clinic",
    "at_the_top",
    "clinic_app",
    "log_first_session",
    "make_clinic",
    "sign_in",
    "start_program",
]

PASSWORD = "a long enough password"
NOW = datetime.now(UTC).replace(microsecond=0)
PROFILE: dict[str, Any] = {
    "age": 40,
    "equipment": ["mat", "dumbbells"],
    "experience": "some",
    "days": ["monday", "wednesday", "friday"],
    "minutes_per_session": 40,
    "sitting_hours": 8,
    "pain": 4,
    "screening": {
        "red_flags": {flag.id: False for flag in RED_FLAGS},
        "startback": [False, False, False, False, False, False, False, False, "slightly"],
        "age": 40,
    },
}


def clinic_app(url: str, **settings: Any) -> Any:
    return create_app(url, Config(clinic=True, **settings))


@dataclass(frozen=True)
class Clinic:
    admin: Account
    clinician: Account
    other_clinician: Account
    person: Account  # followed by `clinician`
    stranger: Account  # a person followed by `other_clinician` only


def make_clinic(store: Store) -> Clinic:
    """An admin, two clinicians, and two people, each invited by one of the clinicians."""

    def account(email: str, name: str, role: Role) -> Account:
        return accounts.create_account(
            store, email=email, name=name, role=role, password=PASSWORD, now=NOW
        )

    admin = account("admin@example.org", "Ada Admin", Role.ADMIN)
    clinician = account("claire@example.org", "Claire Physio", Role.CLINICIAN)
    other = account("oscar@example.org", "Oscar Physio", Role.CLINICIAN)

    def invited(by: Account, email: str, name: str) -> Account:
        token = accounts.invite_person(store, clinician=by, now=NOW)
        return accounts.accept_invitation(
            store, token=token, email=email, name=name, password=PASSWORD, now=NOW
        )

    person = invited(clinician, "pat@example.org", "Pat Person")
    stranger = invited(other, "sam@example.org", "Sam Stranger")
    return Clinic(admin, clinician, other, person, stranger)


def sign_in(client: TestClient, account: Account, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"email": account.email, "password": password})


def start_program(store: Store, person: Account, start: date | None = None) -> int:
    """The person's program, started `start` (default: a week ago); returns their person id."""
    journal.start_program(
        store,
        profile=Profile.model_validate(PROFILE),
        start=start or date.today() - timedelta(days=7),
        now=NOW,
        account_id=person.id,
    )
    with store.read() as session:
        from backchain.store import care

        found = care.person_of(session, account_id=person.id)
    assert found is not None
    return found


def log_first_session(store: Store, person_id: int | None, notes: str) -> SessionLog:
    """Log the plan's first session, every set at the top of its range, with `notes`."""
    state = journal.today(store, day=date.today() - timedelta(days=7), person_id=person_id)
    assert state.session is not None
    log = at_the_top(store, person_id, state.session.date, notes=notes, pain=2)
    journal.log_session(store, log=log, now=NOW, person_id=person_id)
    return log


def at_the_top(
    store: Store, person_id: int | None, day: date, *, notes: str = "", pain: int = 0
) -> SessionLog:
    """The day's whole session with every set at the top of its range, at effort 6: what double
    progression progresses, when pain allows."""
    prescriptions = journal.to_log(store, day=day, person_id=person_id).prescriptions
    return SessionLog(
        date=day,
        exercises=tuple(
            ExerciseLog(
                exercise=p.exercise,
                variation=p.variation,
                sets=tuple(
                    SetLog(
                        reps=None if p.reps is None else p.reps[1],
                        hold_s=None if p.hold_s is None else p.hold_s[1],
                        rpe=6,
                        pain=pain,
                    )
                    for _ in range(p.sets)
                ),
            )
            for p in prescriptions
        ),
        pain_after=pain,
        notes=notes,
    )
