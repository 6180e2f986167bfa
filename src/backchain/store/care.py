"""Clinic mode's stored values: accounts, sign-in sessions, one-time links, who follows whom,
notes between a clinician and a person, the audit log and failed sign-ins.

Like `repository`: small functions on the caller's session, keyword-only arguments, no commits.
Tokens are stored only as their SHA-256, so a copy of the database signs nobody in.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from backchain.care.accounts import LinkPurpose, Role
from backchain.errors import StoreError
from backchain.store.models import Base, PersonRow

__all__ = [
    "Account",
    "AuditEntry",
    "Link",
    "Note",
    "account",
    "account_by_email",
    "accounts",
    "add_link",
    "add_note",
    "audit",
    "audit_entries",
    "claim_personal_people",
    "clear_failures",
    "count_failures",
    "create_account",
    "end_follow",
    "end_login",
    "end_logins_of",
    "find_link",
    "follow",
    "followers",
    "following",
    "is_first_person",
    "is_following",
    "login_account",
    "notes",
    "person_of",
    "record_failure",
    "set_password",
    "start_login",
    "take_link",
    "token_hash",
]


def _account_fk(ondelete: str = "CASCADE") -> Mapped[int]:
    return mapped_column(ForeignKey("accounts.id", ondelete=ondelete), index=True)


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalised: lower case
    name: Mapped[str]
    role: Mapped[str]
    password_hash: Mapped[str | None]  # None until the owner sets one through a link
    created_at: Mapped[datetime]


class LoginRow(Base):
    """A signed-in browser: the session cookie's token, by its hash."""

    __tablename__ = "logins"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = _account_fk()
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class LinkRow(Base):
    """A one-time link: an invitation, a request to follow, or a password (re)set."""

    __tablename__ = "one_time_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str]
    made_by: Mapped[int] = _account_fk()
    account_id: Mapped[int | None] = _account_fk()  # whose password, or who asks to be followed
    made_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class FollowRow(Base):
    """A clinician following a person, by the person's consent; ended, never deleted."""

    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_pair", "person_id", "clinician_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _account_fk()  # the person's account
    clinician_id: Mapped[int] = _account_fk()
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class NoteRow(Base):
    __tablename__ = "care_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _account_fk()  # the person's account: whose program it is about
    author_id: Mapped[int] = _account_fk()
    written_at: Mapped[datetime]
    day: Mapped[date | None]  # the session it is about; None for the whole program
    text: Mapped[str]


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str]  # "viewed", "changed", "followed", ...
    detail: Mapped[str]


class LoginFailureRow(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(index=True)  # "account:<email>" or "address:<ip>"
    at: Mapped[datetime]


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    name: str
    role: Role
    has_password: bool


@dataclass(frozen=True)
class Link:
    purpose: LinkPurpose
    made_by: int
    account_id: int | None


@dataclass(frozen=True)
class Note:
    written_at: datetime
    author: str
    author_role: Role
    day: date | None
    text: str


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str  # the account's name and role, or "a removed account"
    action: str
    detail: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(row: AccountRow) -> Account:
    return Account(row.id, row.email, row.name, Role(row.role), row.password_hash is not None)


# --- accounts ------------------------------------------------------------------------------


def create_account(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    password_hash: str | None,
    now: datetime,
) -> Account:
    row = AccountRow(
        email=email, name=name, role=role.value, password_hash=password_hash, created_at=now
    )
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise StoreError(f"An account for {email} already exists; choose another email.") from None
    return _account(row)


def account(session: Session, *, account_id: int) -> Account | None:
    row = session.get(AccountRow, account_id)
    return None if row is None else _account(row)


def account_by_email(session: Session, *, email: str) -> tuple[Account, str | None] | None:
    """The account and its password hash."""
    row = session.scalar(select(AccountRow).where(AccountRow.email == email))
    return None if row is None else (_account(row), row.password_hash)


def accounts(session: Session) -> list[Account]:
    return [_account(row) for row in session.scalars(select(AccountRow).order_by(AccountRow.id))]


def set_password(session: Session, *, account_id: int, password_hash: str) -> None:
    session.execute(
        update(AccountRow).where(AccountRow.id == account_id).values(password_hash=password_hash)
    )


def person_of(session: Session, *, account_id: int) -> int | None:
    """The person (program data) an account owns now: its latest."""
    return session.scalar(select(func.max(PersonRow.id)).where(PersonRow.account_id == account_id))


def is_first_person(session: Session, *, account_id: int) -> bool:
    """No person account but this one exists: one query, however many accounts there are."""
    other = session.scalar(
        select(AccountRow.id)
        .where(AccountRow.role == Role.PERSON.value, AccountRow.id != account_id)
        .limit(1)
    )
    return other is None


def claim_personal_people(session: Session, *, account_id: int) -> int:
    """Give every person of personal mode (no account) to this account; returns how many.

    This is how a personal database moves to clinic mode: the first person account owns it.
    """
    result = session.execute(
        update(PersonRow).where(PersonRow.account_id.is_(None)).values(account_id=account_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- signing in ----------------------------------------------------------------------------


def start_login(
    session: Session, *, token: str, account_id: int, now: datetime, expires_at: datetime
) -> None:
    session.execute(delete(LoginRow).where(LoginRow.expires_at <= now))  # ended ones go
    session.add(
        LoginRow(
            token_hash=token_hash(token),
            account_id=account_id,
            started_at=now,
            expires_at=expires_at,
        )
    )


def login_account(session: Session, *, token: str, now: datetime) -> Account | None:
    """The account a session token signs in, while it has not expired."""
    row = session.scalar(
        select(AccountRow)
        .join(LoginRow, LoginRow.account_id == AccountRow.id)
        .where(LoginRow.token_hash == token_hash(token), LoginRow.expires_at > now)
    )
    return None if row is None else _account(row)


def end_login(session: Session, *, token: str) -> None:
    session.execute(delete(LoginRow).where(LoginRow.token_hash == token_hash(token)))


def end_logins_of(session: Session, *, account_id: int) -> None:
    """Sign an account out everywhere (after a password reset)."""
    session.execute(delete(LoginRow).where(LoginRow.account_id == account_id))


def record_failure(
    session: Session, *, key: str, now: datetime, forget_before: datetime | None = None
) -> None:
    """Count a failed sign-in; failures older than `forget_before` no longer count and go."""
    if forget_before is not None:
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < forget_before))
    session.add(LoginFailureRow(key=key, at=now))


def count_failures(session: Session, *, key: str, since: datetime) -> int:
    found = session.scalar(
        select(func.count())
        .select_from(LoginFailureRow)
        .where(LoginFailureRow.key == key, LoginFailureRow.at > since)
    )
    return int(found or 0)


def clear_failures(session: Session, *, key: str) -> None:
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))


# --- one-time links ------------------------------------------------------------------------


def add_link(
    session: Session,
    *,
    token: str,
    purpose: LinkPurpose,
    made_by: int,
    account_id: int | None,
    now: datetime,
    expires_at: datetime,
) -> None:
    session.add(
        LinkRow(
            token_hash=token_hash(token),
            purpose=purpose.value,
            made_by=made_by,
            account_id=account_id,
            made_at=now,
            expires_at=expires_at,
        )
    )


def find_link(session: Session, *, token: str, now: datetime) -> Link | None:
    """The link, while unused and not expired."""
    row = session.get(LinkRow, token_hash(token))
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return Link(LinkPurpose(row.purpose), row.made_by, row.account_id)


def take_link(session: Session, *, token: str, now: datetime) -> Link | None:
    """Use the link up: the same as `find_link`, and no one can use it again."""
    found = session.execute(
        update(LinkRow)
        .where(
            LinkRow.token_hash == token_hash(token),
            LinkRow.used_at.is_(None),
            LinkRow.expires_at > now,
        )
        .values(used_at=now)
        .returning(LinkRow.purpose, LinkRow.made_by, LinkRow.account_id)
    ).first()
    return None if found is None else Link(LinkPurpose(found[0]), found[1], found[2])


# --- following -----------------------------------------------------------------------------


def follow(session: Session, *, person_id: int, clinician_id: int, now: datetime) -> bool:
    """Start following; False when this clinician already follows this person."""
    if is_following(session, clinician_id=clinician_id, person_id=person_id):
        return False
    session.add(FollowRow(person_id=person_id, clinician_id=clinician_id, started_at=now))
    session.flush()
    return True


def end_follow(session: Session, *, person_id: int, clinician_id: int, now: datetime) -> bool:
    result = session.execute(
        update(FollowRow)
        .where(
            FollowRow.person_id == person_id,
            FollowRow.clinician_id == clinician_id,
            FollowRow.ended_at.is_(None),
        )
        .values(ended_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def is_following(session: Session, *, clinician_id: int, person_id: int) -> bool:
    found = session.scalar(
        select(FollowRow.id).where(
            FollowRow.person_id == person_id,
            FollowRow.clinician_id == clinician_id,
            FollowRow.ended_at.is_(None),
        )
    )
    return found is not None


def followers(session: Session, *, person_id: int) -> list[tuple[Account, datetime]]:
    """The clinicians who follow this person now, with when they started."""
    found = session.execute(
        select(AccountRow, FollowRow.started_at)
        .join(FollowRow, FollowRow.clinician_id == AccountRow.id)
        .where(FollowRow.person_id == person_id, FollowRow.ended_at.is_(None))
        .order_by(FollowRow.started_at)
    )
    return [(_account(row), started) for row, started in found]


def following(session: Session, *, clinician_id: int) -> list[tuple[Account, datetime]]:
    """The people this clinician follows now, with when they started."""
    found = session.execute(
        select(AccountRow, FollowRow.started_at)
        .join(FollowRow, FollowRow.person_id == AccountRow.id)
        .where(FollowRow.clinician_id == clinician_id, FollowRow.ended_at.is_(None))
        .order_by(AccountRow.name)
    )
    return [(_account(row), started) for row, started in found]


# --- notes and the audit log ---------------------------------------------------------------


def add_note(
    session: Session, *, person_id: int, author_id: int, day: date | None, text: str, now: datetime
) -> None:
    session.add(
        NoteRow(person_id=person_id, author_id=author_id, written_at=now, day=day, text=text)
    )


def notes(session: Session, *, person_id: int) -> list[Note]:
    found = session.execute(
        select(NoteRow, AccountRow.name, AccountRow.role)
        .join(AccountRow, AccountRow.id == NoteRow.author_id)
        .where(NoteRow.person_id == person_id)
        .order_by(NoteRow.written_at, NoteRow.id)
    )
    return [Note(row.written_at, name, Role(role), row.day, row.text) for row, name, role in found]


def audit(
    session: Session,
    *,
    actor_id: int | None,
    person_id: int | None,
    action: str,
    detail: str,
    now: datetime,
) -> None:
    session.add(
        AuditRow(at=now, actor_id=actor_id, person_id=person_id, action=action, detail=detail)
    )


def audit_entries(session: Session, *, person_id: int, limit: int = 200) -> list[AuditEntry]:
    """The latest entries about this person's data, newest first."""
    found = session.execute(
        select(AuditRow, AccountRow.name, AccountRow.role)
        .outerjoin(AccountRow, AccountRow.id == AuditRow.actor_id)
        .where(AuditRow.person_id == person_id)
        .order_by(AuditRow.at.desc(), AuditRow.id.desc())
        .limit(limit)
    )
    return [
        AuditEntry(
            row.at,
            "a removed account" if name is None else f"{name} ({role})",
            row.action,
            row.detail,
        )
        for row, name, role in found
    ]
