"""Sessions in progress: each set of the day's session stored as it is logged, until the
journal turns the draft into a session log. Like `repository`, every function works inside the
caller's `Store.transaction()` and none commits."""

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from backchain.errors import StoreError
from backchain.programs.models import SessionDraft, SetLog
from backchain.store.mapping import draft_from_row, draft_set_row, set_columns
from backchain.store.models import DraftRow, DraftSetRow, DraftSkipRow

__all__ = [
    "add_draft_set",
    "delete_draft",
    "draft",
    "drafts",
    "remove_draft_set",
    "replace_draft_set",
    "set_draft_skip",
]


def _draft_row(session: Session, person_id: int, day: date) -> DraftRow | None:
    return session.scalars(
        select(DraftRow)
        .where(DraftRow.person_id == person_id, DraftRow.day == day)
        .options(selectinload(DraftRow.sets), selectinload(DraftRow.skips))
    ).first()


def draft(session: Session, *, person_id: int, day: date) -> SessionDraft | None:
    """The session in progress on this day, if one was started."""
    row = _draft_row(session, person_id, day)
    return None if row is None else draft_from_row(row)


def drafts(session: Session, *, person_id: int) -> list[tuple[datetime, SessionDraft]]:
    """Every session in progress with when it was started, by day."""
    rows = session.scalars(
        select(DraftRow)
        .where(DraftRow.person_id == person_id)
        .order_by(DraftRow.day)
        .options(selectinload(DraftRow.sets), selectinload(DraftRow.skips))
    )
    return [(row.started_at, draft_from_row(row)) for row in rows]


def _open_draft(session: Session, person_id: int, day: date, now: datetime) -> DraftRow:
    row = _draft_row(session, person_id, day)
    if row is None:
        row = DraftRow(person_id=person_id, day=day, started_at=now)
        session.add(row)
        session.flush()
    return row


def add_draft_set(
    session: Session,
    *,
    person_id: int,
    day: date,
    exercise: str,
    variation: str,
    logged: SetLog,
    now: datetime,
) -> None:
    """Save a set of the session in progress; it clears a skip of the same exercise."""
    row = _open_draft(session, person_id, day, now)
    position = max((s.position for s in row.sets), default=-1) + 1
    row.sets.append(draft_set_row(exercise, variation, position, logged))
    row.skips = [s for s in row.skips if s.exercise != exercise]
    session.flush()


def _draft_set(row: DraftRow | None, exercise: str, number: int) -> DraftSetRow:
    """The `number`-th set (from 1) logged for the exercise in the draft."""
    found = [] if row is None else [s for s in row.sets if s.exercise == exercise]
    if not 1 <= number <= len(found):
        raise StoreError(f"There is no set {number} of this exercise in the session in progress.")
    return found[number - 1]


def replace_draft_set(
    session: Session, *, person_id: int, day: date, exercise: str, number: int, logged: SetLog
) -> None:
    row = _draft_set(_draft_row(session, person_id, day), exercise, number)
    for name, value in set_columns(logged).items():
        setattr(row, name, value)
    session.flush()


def remove_draft_set(
    session: Session, *, person_id: int, day: date, exercise: str, number: int
) -> None:
    draft_row = _draft_row(session, person_id, day)
    target = _draft_set(draft_row, exercise, number)
    assert draft_row is not None  # _draft_set found a set in it
    draft_row.sets.remove(target)
    session.flush()


def set_draft_skip(
    session: Session, *, person_id: int, day: date, exercise: str, reason: str, now: datetime
) -> None:
    """Mark an exercise skipped with the person's reason; its sets in progress are dropped."""
    row = _open_draft(session, person_id, day, now)
    row.sets = [s for s in row.sets if s.exercise != exercise]
    row.skips = [s for s in row.skips if s.exercise != exercise]
    session.flush()
    row.skips.append(DraftSkipRow(exercise=exercise, reason=reason))
    session.flush()


def delete_draft(session: Session, *, person_id: int, day: date) -> None:
    session.execute(delete(DraftRow).where(DraftRow.person_id == person_id, DraftRow.day == day))
    session.flush()
