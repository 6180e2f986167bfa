"""Dependencies shared by the routers: the store, a read transaction, whose data a request may
read, and that person's journal.

Whose data: in personal mode, the one person (`person_id` None). In clinic mode, the signed-in
person's own (`PersonIdDep`), or under `/clinic` a person who chose to be followed by the
signed-in clinician (`FollowedDep`); nobody else's, whatever id the address holds.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backchain import journal
from backchain.care.accounts import Role
from backchain.store import Store
from backchain.store import care as stored
from backchain.store.care import Account
from backchain.store.repository import NOBODY
from backchain.web.auth import AccountDep
from backchain.web.errors import NotFoundError

__all__ = [
    "DayDep",
    "Followed",
    "FollowedDep",
    "JournalDep",
    "OwnerDep",
    "PersonIdDep",
    "SessionDep",
    "StoreDep",
    "audit",
    "get_day",
    "get_journal",
    "get_person_id",
    "get_session",
    "get_store",
]


def get_store(request: Request) -> Store:
    """The store the app opened at start-up."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def get_day() -> date:
    """Today, for the pages that depend on the day; tests override this dependency."""
    return date.today()


DayDep = Annotated[date, Depends(get_day)]


def get_session(store: StoreDep) -> Iterator[Session]:
    """One read transaction for the request: it never waits for a writer, and cannot write
    (journal functions that write open their own transaction)."""
    with store.read() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_person_id(request: Request, store: StoreDep) -> int | None:
    """Whose data this request reads and writes: None in personal mode (the one person); in
    clinic mode the signed-in person's own, or `NOBODY` before they have started a program."""
    if not request.app.state.config.clinic:
        return None
    account: Account | None = getattr(request.state, "account", None)
    if account is None or account.role is not Role.PERSON:  # `auth` lets no one else this far
        raise NotFoundError(title="Page not found", detail="There is no page at this address.")
    with store.read() as session:
        found = stored.person_of(session, account_id=account.id)
    return NOBODY if found is None else found


PersonIdDep = Annotated[int | None, Depends(get_person_id)]


def get_owner(request: Request, person_id: PersonIdDep) -> int | None:
    """The account whose people this request exports, imports or erases; None in personal mode.
    (Depends on `get_person_id`, which lets only a person's own account this far.)"""
    account: Account | None = getattr(request.state, "account", None)
    return None if account is None else account.id


OwnerDep = Annotated[int | None, Depends(get_owner)]


@dataclass(frozen=True)
class Followed:
    """A person the signed-in clinician follows: their account, and their program's data."""

    account: Account
    person_id: int  # `NOBODY` until they have started a program


NOT_FOLLOWED = "Nobody you follow has this address; open them from your dashboard."


def get_followed(account_id: int, clinician: AccountDep, store: StoreDep) -> Followed:
    """The person in the address, only while this clinician follows them.

    Anyone else, existing or not, is the same "not found", so an address reveals nothing.
    """
    with store.read() as session:
        allowed = stored.is_following(session, clinician_id=clinician.id, person_id=account_id)
        person = stored.account(session, account_id=account_id) if allowed else None
        found = stored.person_of(session, account_id=account_id) if allowed else None
    if person is None:
        raise NotFoundError(title="Not found", detail=NOT_FOLLOWED)
    return Followed(person, NOBODY if found is None else found)


FollowedDep = Annotated[Followed, Depends(get_followed)]


def audit(store: Store, *, actor: Account, person: Account, action: str, detail: str) -> None:
    """Record that `actor` viewed or changed `person`'s data."""
    with store.transaction() as session:
        stored.audit(
            session,
            actor_id=actor.id,
            person_id=person.id,
            action=action,
            detail=detail,
            now=datetime.now(UTC),
        )


def get_journal(store: StoreDep, person_id: PersonIdDep) -> journal.Journal:
    """The stored journal, or a friendly page that says how to start a program.

    Read in a transaction of its own, ended before the route writes with `journal`. Only an
    absent program is "No program yet": a database that fails or is busy says so itself.
    """
    with store.read() as session:
        found = journal.find_journal(session, person_id=person_id)
    if found is None:
        raise NotFoundError(
            title="No program yet",
            detail="There is no plan yet: start a program from the Today page.",
        )
    return found


JournalDep = Annotated[journal.Journal, Depends(get_journal)]
