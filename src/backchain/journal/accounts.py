"""Clinic mode's actions, each one transaction: accounts, one-time links, following, notes.

Shared by `backchain accounts` and the web app. The rules (roles, what a password must be, how
long a link lasts) are `care.accounts`'; the store keeps the values. Links are returned as
their secret token once, and stored only as a hash.
"""

import secrets
from collections.abc import Callable
from datetime import date, datetime

from backchain.care.accounts import (
    LINK_LIFETIME,
    LinkPurpose,
    Role,
    check_name,
    check_password,
    normalise_email,
)
from backchain.care.passwords import hash_password
from backchain.errors import BackchainError
from backchain.store import Store
from backchain.store import care as stored
from backchain.store.care import Account

__all__ = [
    "LINK_GONE",
    "MAX_NOTE",
    "AccountError",
    "accept_follow",
    "accept_invitation",
    "add_note",
    "create_account",
    "follow_link",
    "follow_request",
    "invite_person",
    "password_link",
    "set_password",
    "stop_following",
]

LINK_GONE = (
    "This link has been used already or has expired; ask for a new one "
    "(a clinician or an admin can make it)."
)
MAX_NOTE = 2000


class AccountError(BackchainError):
    """A request about accounts that cannot be done as asked; the message says why."""


def _checked(check: Callable[[str], str], value: str) -> str:
    try:
        return check(value)
    except ValueError as error:
        raise AccountError(str(error)) from None


def create_account(
    store: Store,
    *,
    email: str,
    name: str,
    role: Role,
    password: str | None,
    now: datetime,
) -> Account:
    """A new account; with no password, it can sign in once its owner sets one by a link."""
    address = _checked(normalise_email, email)
    shown = _checked(check_name, name)
    hashed = None if password is None else hash_password(_checked(check_password, password))
    with store.transaction() as session:
        return stored.create_account(
            session, email=address, name=shown, role=role, password_hash=hashed, now=now
        )


def _link(
    store: Store, *, purpose: LinkPurpose, made_by: int, account_id: int | None, now: datetime
) -> str:
    token = secrets.token_urlsafe(32)
    with store.transaction() as session:
        stored.add_link(
            session,
            token=token,
            purpose=purpose,
            made_by=made_by,
            account_id=account_id,
            now=now,
            expires_at=now + LINK_LIFETIME,
        )
    return token


def password_link(store: Store, *, made_by: int, email: str, now: datetime) -> str:
    """A one-time link for the account's owner to set a new password (there is no mail server:
    an admin hands it over)."""
    address = _checked(normalise_email, email)
    with store.read() as session:
        found = stored.account_by_email(session, email=address)
    if found is None:
        raise AccountError(f"There is no account for {address}.")
    return _link(
        store, purpose=LinkPurpose.PASSWORD, made_by=made_by, account_id=found[0].id, now=now
    )


def set_password(store: Store, *, token: str, password: str, now: datetime) -> Account:
    """Use a password link: the new password, and every earlier sign-in ended."""
    hashed = hash_password(_checked(check_password, password))
    with store.transaction() as session:
        link = stored.take_link(session, token=token, now=now)
        if link is None or link.purpose is not LinkPurpose.PASSWORD or link.account_id is None:
            raise AccountError(LINK_GONE)
        stored.set_password(session, account_id=link.account_id, password_hash=hashed)
        stored.end_logins_of(session, account_id=link.account_id)
        found = stored.account(session, account_id=link.account_id)
    assert found is not None  # accounts are never deleted
    return found


def invite_person(store: Store, *, clinician: Account, now: datetime) -> str:
    """A clinician's one-time invitation: whoever opens it makes a person account, followed by
    this clinician once they agree."""
    return _link(
        store, purpose=LinkPurpose.INVITE_PERSON, made_by=clinician.id, account_id=None, now=now
    )


def accept_invitation(
    store: Store, *, token: str, email: str, name: str, password: str, now: datetime
) -> Account:
    """Make the invited person's account and start the clinician's following, in one go.

    The first person account of a database that held a personal program takes it over: that is
    how a personal database moves to clinic mode with nothing lost.
    """
    address = _checked(normalise_email, email)
    shown = _checked(check_name, name)
    hashed = hash_password(_checked(check_password, password))
    with store.transaction() as session:
        link = stored.take_link(session, token=token, now=now)
        if link is None or link.purpose is not LinkPurpose.INVITE_PERSON:
            raise AccountError(LINK_GONE)
        person = stored.create_account(
            session, email=address, name=shown, role=Role.PERSON, password_hash=hashed, now=now
        )
        if stored.is_first_person(session, account_id=person.id):
            stored.claim_personal_people(session, account_id=person.id)
        stored.follow(session, person_id=person.id, clinician_id=link.made_by, now=now)
        stored.audit(
            session,
            actor_id=person.id,
            person_id=person.id,
            action="shared",
            detail="Accepted an invitation: their clinician follows their training from now on.",
            now=now,
        )
    return person


def follow_link(store: Store, *, person: Account, now: datetime) -> str:
    """A person's one-time link for a clinician to follow them."""
    return _link(
        store, purpose=LinkPurpose.FOLLOW, made_by=person.id, account_id=person.id, now=now
    )


def follow_request(store: Store, *, token: str, now: datetime) -> Account:
    """Who asks to be followed by this link (nothing is used up yet)."""
    with store.read() as session:
        link = stored.find_link(session, token=token, now=now)
        person = None
        if link is not None and link.purpose is LinkPurpose.FOLLOW and link.account_id:
            person = stored.account(session, account_id=link.account_id)
    if person is None:
        raise AccountError(LINK_GONE)
    return person


def accept_follow(store: Store, *, token: str, clinician: Account, now: datetime) -> Account:
    """A clinician opens a person's link: they follow that person from now on."""
    with store.transaction() as session:
        link = stored.take_link(session, token=token, now=now)
        if link is None or link.purpose is not LinkPurpose.FOLLOW or link.account_id is None:
            raise AccountError(LINK_GONE)
        person = stored.account(session, account_id=link.account_id)
        assert person is not None  # accounts are never deleted
        stored.follow(session, person_id=person.id, clinician_id=clinician.id, now=now)
        stored.audit(
            session,
            actor_id=clinician.id,
            person_id=person.id,
            action="followed",
            detail=f"{clinician.name} follows this training from now on, at the person's request.",
            now=now,
        )
    return person


def stop_following(store: Store, *, person: Account, clinician_id: int, now: datetime) -> None:
    """The person ends a clinician's following; from now on that clinician sees nothing."""
    with store.transaction() as session:
        clinician = stored.account(session, account_id=clinician_id)
        ended = stored.end_follow(session, person_id=person.id, clinician_id=clinician_id, now=now)
        if not ended or clinician is None:
            raise AccountError("That clinician does not follow you.")
        stored.audit(
            session,
            actor_id=person.id,
            person_id=person.id,
            action="stopped sharing",
            detail=f"{clinician.name} no longer follows this training.",
            now=now,
        )


def add_note(
    store: Store,
    *,
    author: Account,
    person: Account,
    text: str,
    day: date | None,
    now: datetime,
) -> None:
    """A short message between a person and their clinician, about a session or the program."""
    cleaned = text.replace("\x00", "").strip()
    if not cleaned:
        raise AccountError("Type a note first.")
    if len(cleaned) > MAX_NOTE:
        raise AccountError(f"Keep a note under {MAX_NOTE} characters.")
    with store.transaction() as session:
        stored.add_note(
            session, person_id=person.id, author_id=author.id, day=day, text=cleaned, now=now
        )
        if author.id != person.id:
            stored.audit(
                session,
                actor_id=author.id,
                person_id=person.id,
                action="wrote a note",
                detail="A note on " + (day.isoformat() if day else "the program"),
                now=now,
            )
