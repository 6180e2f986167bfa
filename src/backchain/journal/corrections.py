"""Correcting what was logged: a set changed or removed, a session removed or logged again.

A correction is recorded, never silent: each one stores a `Revision` saying what changed, and
the decisions that depended on the corrected session are made again, for it and every session
after it, in the place they had among the other decisions (a resume, a settings change).
"""

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.orm import Session

from backchain.errors import ProgramError
from backchain.exercises import load_catalogue
from backchain.journal.core import check_log_matches, decide_log, going_into
from backchain.journal.state import Journal, load_journal
from backchain.programs.models import (
    Decision,
    ExerciseLog,
    Revision,
    RevisionKind,
    SessionLog,
    SetLog,
    Skip,
)
from backchain.store import Store, repository

__all__ = ["ALL_SETS_REMOVED", "change_set", "remove_session", "remove_set", "replace_session"]

ALL_SETS_REMOVED = "Every set was removed in a correction."


def change_set(
    store: Store,
    *,
    day: date,
    exercise: str,
    number: int,
    logged: SetLog,
    now: datetime,
    person_id: int | None = None,
) -> list[Decision]:
    """Correct the `number`-th set (from 1) of an exercise in the session logged on `day`."""

    def edit(log: SessionLog) -> tuple[SessionLog, Revision]:
        old = _set(log, exercise, number)
        changed = _with_sets(log, exercise, lambda sets: _replaced(sets, number, logged))
        summary = (
            f"Corrected set {number} of {_name(exercise)} on {_day(day)}: {_diff(old, logged)}."
        )
        before, after = old.model_dump(mode="json"), logged.model_dump(mode="json")
        return changed, Revision(
            kind=RevisionKind.SET_CHANGED, day=day, summary=summary, before=before, after=after
        )

    return _correct(store, day, now, edit, person_id)


def remove_set(
    store: Store,
    *,
    day: date,
    exercise: str,
    number: int,
    now: datetime,
    person_id: int | None = None,
) -> list[Decision]:
    """Remove the `number`-th set (from 1) of an exercise from the session logged on `day`; an
    exercise left with no sets is recorded as skipped, with the reason that it was removed."""

    def edit(log: SessionLog) -> tuple[SessionLog, Revision]:
        old = _set(log, exercise, number)
        changed = _with_sets(log, exercise, lambda sets: sets[: number - 1] + sets[number:])
        summary = f"Removed set {number} of {_name(exercise)} on {_day(day)} ({_describe(old)})."
        return changed, Revision(
            kind=RevisionKind.SET_REMOVED,
            day=day,
            summary=summary,
            before=old.model_dump(mode="json"),
        )

    return _correct(store, day, now, edit, person_id)


def replace_session(
    store: Store, *, log: SessionLog, now: datetime, person_id: int | None = None
) -> list[Decision]:
    """Log a day's session again (`backchain log --replace`), keeping its morning check-in."""

    def edit(old: SessionLog) -> tuple[SessionLog, Revision]:
        summary = f"Logged the session of {_day(log.date)} again, replacing the first log."
        return log, Revision(
            kind=RevisionKind.SESSION_REPLACED,
            day=log.date,
            summary=summary,
            before=old.model_dump(mode="json"),
            after=log.model_dump(mode="json"),
        )

    return _correct(store, log.date, now, edit, person_id)


def remove_session(store: Store, *, day: date, now: datetime, person_id: int | None = None) -> None:
    """Remove the session logged on `day`, with its check-in and decisions; the sessions after it
    are decided again without it."""
    with store.transaction() as session:
        journal = load_journal(session, person_id=person_id)
        repository.lock_person(session, person_id=journal.person_id)
        log_id, log = _logged(journal, day)
        sets = sum(len(e.sets) for e in log.exercises)
        summary = (
            f"Removed the session of {_day(day)} ({len(log.exercises)} exercises, {sets} sets)."
        )
        repository.delete_session_log(session, log_id=log_id)
        revision = Revision(
            kind=RevisionKind.SESSION_REMOVED,
            day=day,
            summary=summary,
            before=log.model_dump(mode="json"),
        )
        repository.add_revision(
            session, person_id=journal.person_id, made_at=now, revision=revision
        )
        replay(session, from_day=day, person_id=journal.person_id)


def _correct(
    store: Store,
    day: date,
    now: datetime,
    edit: Callable[[SessionLog], tuple[SessionLog, Revision]],
    person_id: int | None,
) -> list[Decision]:
    """Apply `edit` to the session logged on `day`, record it, and decide again from there."""
    with store.transaction() as session:
        journal = load_journal(session, person_id=person_id)
        repository.lock_person(session, person_id=journal.person_id)
        log_id, log = _logged(journal, day)
        corrected, revision = edit(log)
        earlier = [other for _, other in journal.logs if other.date < day]
        prescriptions, _ = going_into(journal, day, earlier=earlier, before=journal.all_decisions)
        check_log_matches(corrected, prescriptions)
        repository.replace_session_log(session, log_id=log_id, log=corrected)
        repository.add_revision(
            session, person_id=journal.person_id, made_at=now, revision=revision
        )
        decided = replay(session, from_day=day, person_id=journal.person_id)
        return decided.get(log_id, [])


def replay(session: Session, *, from_day: date, person_id: int) -> dict[int, list[Decision]]:
    """Decide again every session logged on or after `from_day`, in date order, each from the
    decisions that came before it; returns the new decisions by log id."""
    journal = load_journal(session, person_id=person_id)
    records = list(journal.decisions)
    decided: dict[int, list[Decision]] = {}
    for index, (log_id, log) in enumerate(journal.logs):
        if log.date < from_day:
            continue
        batch = min((r.batch for r in records if r.log_id == log_id), default=None)
        before = [r.decision for r in records if batch is None or r.batch < batch]
        checkin = journal.checkins.get(log_id)
        earlier = [other for _, other in journal.logs[:index]]
        decisions = decide_log(journal, log, earlier=earlier, before=before, checkin=checkin)
        decided_on = log.date if checkin is None else checkin.date
        repository.replace_decisions(
            session,
            person_id=journal.person_id,
            log_id=log_id,
            decided_on=decided_on,
            decisions=decisions,
            batch=batch,
        )
        number = batch if batch is not None else max((r.batch for r in records), default=0) + 1
        kept = [r for r in records if r.log_id != log_id]
        new = [repository.DecisionRecord(log_id, decided_on, d, number) for d in decisions]
        records = sorted(kept + new, key=lambda r: r.batch)
        decided[log_id] = decisions
    return decided


def _logged(journal: Journal, day: date) -> tuple[int, SessionLog]:
    found = journal.log_on(day)
    if found is None:
        raise ProgramError(
            f"No session is logged for {day.isoformat()}; `backchain history` lists your sessions."
        )
    return found


def _set(log: SessionLog, exercise: str, number: int) -> SetLog:
    sets = next((e.sets for e in log.exercises if e.exercise == exercise), ())
    if not 1 <= number <= len(sets):
        logged = f"{len(sets)} set{'s' if len(sets) != 1 else ''}" if sets else "no sets"
        raise ProgramError(
            f"The session of {log.date.isoformat()} has {logged} of '{exercise}'; "
            f"there is no set {number} to correct."
        )
    return sets[number - 1]


def _replaced(sets: tuple[SetLog, ...], number: int, logged: SetLog) -> tuple[SetLog, ...]:
    return (*sets[: number - 1], logged, *sets[number:])


def _with_sets(
    log: SessionLog, exercise: str, change: Callable[[tuple[SetLog, ...]], tuple[SetLog, ...]]
) -> SessionLog:
    """The log with one exercise's sets changed; with none left, the exercise becomes a skip."""
    exercises: list[ExerciseLog] = []
    skipped = list(log.skipped)
    for entry in log.exercises:
        if entry.exercise != exercise:
            exercises.append(entry)
            continue
        sets = change(entry.sets)
        if sets:
            exercises.append(entry.model_copy(update={"sets": sets}))
        else:
            skipped.append(Skip(exercise=exercise, reason=ALL_SETS_REMOVED))
    return log.model_copy(update={"exercises": tuple(exercises), "skipped": tuple(skipped)})


def _name(exercise: str) -> str:
    return load_catalogue().get(exercise).name


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


_FIELDS = (("reps", "reps"), ("hold_s", "hold (s)"), ("load", "load"), ("rpe", "effort (RPE)"))


def _diff(old: SetLog, new: SetLog) -> str:
    """What changed, e.g. "reps 10 → 12, pain 2 → 6"."""
    changes = [
        f"{label} {_value(getattr(old, name))} → {_value(getattr(new, name))}"
        for name, label in (*_FIELDS, ("pain", "pain"), ("faults", "form faults"))
        if getattr(old, name) != getattr(new, name)
    ]
    return ", ".join(changes) or "no values changed"


def _describe(logged: SetLog) -> str:
    parts = [
        f"{label} {_value(getattr(logged, name))}"
        for name, label in (*_FIELDS, ("pain", "pain"))
        if getattr(logged, name) is not None
    ]
    return ", ".join(parts)


def _value(value: object) -> str:
    if value is None or value == ():
        return "none"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    load_kg, band = getattr(value, "kg", None), getattr(value, "band", None)
    if load_kg is not None:
        return f"{load_kg:g} kg"
    if band is not None:
        return f"{band} band"
    return str(value)
