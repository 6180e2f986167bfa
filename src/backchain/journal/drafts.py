"""The session in progress: every set is saved as it is logged, so a closed tab or a restarted
server loses nothing, and "Finish" turns the stored draft into the day's session log."""

from datetime import date, datetime

from sqlalchemy.orm import Session

from backchain.errors import ProgramError
from backchain.journal.core import add_log, going_into, to_log
from backchain.journal.state import Journal, load_journal
from backchain.programs.models import (
    Decision,
    ExerciseLog,
    Prescription,
    SessionDraft,
    SessionLog,
    SetLog,
    Skip,
)
from backchain.store import Store, repository
from backchain.store import drafts as stored_drafts

__all__ = [
    "NOT_REACHED",
    "add_set",
    "change_set",
    "draft",
    "finish",
    "remove_set",
    "skip",
]

NOT_REACHED = "Not reached: the session was finished before it."


def draft(store: Store, *, day: date, person_id: int | None = None) -> SessionDraft:
    """The session in progress on this day; empty when nothing is logged yet."""
    with store.read() as session:
        journal = load_journal(session, person_id=person_id)
        found = stored_drafts.draft(session, person_id=journal.person_id, day=day)
    return found if found is not None else SessionDraft(date=day)


def _open(
    session: Session, day: date, exercise: str, person_id: int | None
) -> tuple[Journal, Prescription]:
    """The journal, after checking the day is still open and the exercise is in its session."""
    journal = load_journal(session, person_id=person_id)
    repository.lock_person(session, person_id=journal.person_id)
    if journal.pause is not None:
        raise ProgramError(f"Training is paused. {journal.pause.reason}")
    if journal.log_on(day) is not None:
        raise ProgramError(
            f"The session for {day.isoformat()} is already saved; correct it from your history."
        )
    return journal, _prescription(session, journal, day, exercise)


def _prescription(session: Session, journal: Journal, day: date, exercise: str) -> Prescription:
    earlier = [log for _, log in journal.logs if log.date < day]
    prescriptions, _ = going_into(journal, day, earlier=earlier, before=journal.all_decisions)
    found = next((p for p in prescriptions if p.exercise == exercise), None)
    if found is None:
        names = ", ".join(p.exercise for p in prescriptions)
        raise ProgramError(f"'{exercise}' is not in this session; it holds {names}.")
    return found


def add_set(
    store: Store,
    *,
    day: date,
    exercise: str,
    logged: SetLog,
    now: datetime,
    person_id: int | None = None,
) -> None:
    """Save one set of the session in progress."""
    with store.transaction() as session:
        journal, planned = _open(session, day, exercise, person_id)
        stored_drafts.add_draft_set(
            session,
            person_id=journal.person_id,
            day=day,
            exercise=exercise,
            variation=planned.variation,
            logged=logged,
            now=now,
        )


def change_set(
    store: Store,
    *,
    day: date,
    exercise: str,
    number: int,
    logged: SetLog,
    person_id: int | None = None,
) -> None:
    """Correct the `number`-th set (from 1) of an exercise in the session in progress."""
    with store.transaction() as session:
        journal, _ = _open(session, day, exercise, person_id)
        stored_drafts.replace_draft_set(
            session,
            person_id=journal.person_id,
            day=day,
            exercise=exercise,
            number=number,
            logged=logged,
        )


def remove_set(
    store: Store, *, day: date, exercise: str, number: int, person_id: int | None = None
) -> None:
    """Remove the `number`-th set (from 1) of an exercise from the session in progress."""
    with store.transaction() as session:
        journal, _ = _open(session, day, exercise, person_id)
        stored_drafts.remove_draft_set(
            session, person_id=journal.person_id, day=day, exercise=exercise, number=number
        )


def skip(
    store: Store,
    *,
    day: date,
    exercise: str,
    reason: str,
    now: datetime,
    person_id: int | None = None,
) -> None:
    """Skip an exercise with the person's reason; its sets in progress are dropped."""
    with store.transaction() as session:
        journal, _ = _open(session, day, exercise, person_id)
        stored_drafts.set_draft_skip(
            session,
            person_id=journal.person_id,
            day=day,
            exercise=exercise,
            reason=reason,
            now=now,
        )


def finish(
    store: Store,
    *,
    day: date,
    pain_after: int,
    notes: str,
    now: datetime,
    person_id: int | None = None,
) -> tuple[SessionLog, list[Decision]]:
    """Turn the stored draft into the day's log (exercises with no sets and no skip are recorded
    as not reached) and decide what comes next, in one transaction."""
    prescriptions = to_log(store, day=day, person_id=person_id).prescriptions
    with store.transaction() as session:
        journal = load_journal(session, person_id=person_id)
        repository.lock_person(session, person_id=journal.person_id)
        stored = stored_drafts.draft(session, person_id=journal.person_id, day=day)
        log = session_log(stored or SessionDraft(date=day), prescriptions, pain_after, notes)
        decisions = add_log(session, journal, log, now)
        stored_drafts.delete_draft(session, person_id=journal.person_id, day=day)
    return log, decisions


def session_log(
    draft: SessionDraft, prescriptions: tuple[Prescription, ...], pain_after: int, notes: str
) -> SessionLog:
    """The draft as a session log, in the order of the session's exercises."""
    done, skipped = [], []
    for p in prescriptions:
        sets = draft.sets_for(p.exercise)
        if sets:
            done.append(ExerciseLog(exercise=p.exercise, variation=p.variation, sets=sets))
        else:
            reason = draft.skip_reason(p.exercise) or NOT_REACHED
            skipped.append(Skip(exercise=p.exercise, reason=reason))
    return SessionLog.model_validate(
        {
            "date": draft.date,
            "exercises": done,
            "skipped": skipped,
            "pain_after": pain_after,
            "notes": notes,
        }
    )
