"""Reading and writing the domain values: small functions on a session, keyword-only arguments.

Each function works inside the caller's `Store.transaction()` (the readers also in a
`Store.read()`); none commits, so one user action is one transaction however many it calls.

The readers run `queries`' prebuilt queries: columns, not ORM objects, one query per table
whatever the number of rows, so a person's whole journal is a handful of queries.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from backchain.errors import StoreError
from backchain.outcomes.models import PARAPHRASE_WORDING, Measure, Score
from backchain.programs.models import (
    CheckIn,
    Decision,
    Plan,
    Profile,
    Revision,
    SessionLog,
)
from backchain.screening.models import ScreeningResult
from backchain.store.mapping import (
    checkin_of,
    checkin_row,
    decision_of,
    decision_row,
    fill_log_row,
    log_of,
    log_row,
    plan_of,
    plan_row,
)
from backchain.store.models import (
    CheckInRow,
    DecisionRow,
    PersonRow,
    PlannedSessionRow,
    PlanRow,
    PlanWeekRow,
    QuestionnaireRow,
    RevisionRow,
    ScreeningRow,
    SessionLogRow,
)
from backchain.store.queries import (
    CHECKIN_COLUMNS,
    CHECKINS,
    CURRENT_PLAN,
    DECISIONS,
    LOGGED_SETS,
    LOGS,
    PLAN_WEEKS,
    PLANNED_SESSIONS,
    PRESCRIPTIONS,
    QUESTIONNAIRES,
    SKIPS,
    CheckInValues,
    DecisionValues,
    LogValues,
    PlanValues,
    by_log,
    rows,
)

__all__ = [
    "NOBODY",
    "DecisionRecord",
    "QuestionnaireRecord",
    "RevisionRecord",
    "ScreeningRecord",
    "add_decisions",
    "add_person",
    "add_questionnaire",
    "add_revision",
    "add_screening",
    "add_session_log",
    "checkin_for",
    "checkins",
    "current_plan",
    "decisions",
    "delete_people",
    "delete_session_log",
    "get_profile",
    "has_plan",
    "latest_person_id",
    "latest_screening",
    "lock_person",
    "owned_by",
    "questionnaire_records",
    "questionnaires",
    "replace_decisions",
    "replace_session_log",
    "revisions",
    "save_plan",
    "screenings",
    "session_logs",
    "set_checkin",
    "update_profile",
]

# A few people's decisions (a whole program's, per person), remembered by their row values.
DECISIONS_CACHE_SIZE = 32
# Loading a whole plan or log in a few queries instead of one per week and session.
PLAN_TREE = (
    selectinload(PlanRow.week_rows)
    .selectinload(PlanWeekRow.sessions)
    .selectinload(PlannedSessionRow.prescriptions)
)
LOG_TREE = (selectinload(SessionLogRow.sets), selectinload(SessionLogRow.skips))


@dataclass(frozen=True)
class DecisionRecord:
    """A stored decision: the session log it followed (None for a program-level one), when, and
    the batch of decisions it was made with (see `DecisionRow`)."""

    log_id: int | None
    decided_on: date
    decision: Decision
    batch: int = 0


@dataclass(frozen=True)
class ScreeningRecord:
    taken_at: datetime
    verdict: str  # a `Verdict` value
    answers: Mapping[str, object]  # with "clearance", when one was recorded
    wording: str


@dataclass(frozen=True)
class QuestionnaireRecord:
    taken_on: date
    score: Score
    wording: str


@dataclass(frozen=True)
class RevisionRecord:
    made_at: datetime
    revision: Revision


def add_person(
    session: Session, *, profile: Profile, created_at: datetime, account_id: int | None = None
) -> int:
    row = PersonRow(
        created_at=created_at, profile=profile.model_dump(mode="json"), account_id=account_id
    )
    session.add(row)
    session.flush()
    return row.id


def lock_person(session: Session, *, person_id: int) -> None:
    """Take the person's row lock (PostgreSQL), so two writes for one person run one after the
    other; SQLite already takes the whole database's write lock when a transaction begins."""
    session.execute(select(PersonRow.id).where(PersonRow.id == person_id).with_for_update())


def update_profile(session: Session, *, person_id: int, profile: Profile) -> None:
    row = session.get(PersonRow, person_id)
    if row is None:
        raise StoreError(f"No person with id {person_id} is stored; start a program first.")
    row.profile = profile.model_dump(mode="json")
    session.flush()


# An id no person has: the data of a clinic account that has not started a program yet.
NOBODY = 0


def latest_person_id(session: Session, *, account_id: int | None = None) -> int | None:
    """The account's person created last (a new program makes a new one). With no account: the
    person of personal mode, who has none; clinic mode always names the account."""
    return session.scalar(select(func.max(PersonRow.id)).where(owned_by(account_id)))


def get_profile(session: Session, *, person_id: int) -> Profile:
    found = session.scalar(select(PersonRow.profile).where(PersonRow.id == person_id))
    if found is None:
        raise StoreError(f"No person with id {person_id} is stored; start a program first.")
    return Profile.model_validate(found)


def add_screening(
    session: Session,
    *,
    person_id: int,
    taken_at: datetime,
    result: ScreeningResult,
    answers: Mapping[str, object],
    wording: str = PARAPHRASE_WORDING,
) -> None:
    session.add(
        ScreeningRow(
            person_id=person_id,
            taken_at=taken_at,
            verdict=result.verdict.value,
            answers=dict(answers),
            wording=wording,
        )
    )
    session.flush()


def screenings(session: Session, *, person_id: int) -> list[ScreeningRecord]:
    """Every screening, oldest first."""
    rows = session.scalars(
        select(ScreeningRow)
        .where(ScreeningRow.person_id == person_id)
        .order_by(ScreeningRow.taken_at, ScreeningRow.id)
    )
    return [ScreeningRecord(r.taken_at, r.verdict, r.answers, r.wording) for r in rows]


def latest_screening(session: Session, *, person_id: int) -> tuple[datetime, str] | None:
    """When the person last screened and the verdict (a `Verdict` value)."""
    query = (
        select(ScreeningRow.taken_at, ScreeningRow.verdict)
        .where(ScreeningRow.person_id == person_id)
        .order_by(ScreeningRow.taken_at.desc(), ScreeningRow.id.desc())
        .limit(1)
    )
    found = session.execute(query).first()
    return None if found is None else (found.taken_at, found.verdict)


def add_questionnaire(
    session: Session,
    *,
    person_id: int,
    taken_on: date,
    score: Score,
    answers: object,
    wording: str = PARAPHRASE_WORDING,
) -> None:
    session.add(
        QuestionnaireRow(
            person_id=person_id,
            taken_on=taken_on,
            measure=score.measure.value,
            score=score.score,
            band=score.band,
            answered=score.answered,
            answers=answers,
            wording=wording,
        )
    )
    session.flush()


def questionnaire_records(session: Session, *, person_id: int) -> list[QuestionnaireRecord]:
    """Every scored questionnaire with the wording it was answered in, oldest first."""
    return [
        QuestionnaireRecord(taken_on, Score(Measure(measure), score, band, answered), wording)
        for taken_on, measure, score, band, answered, wording in rows(
            session, QUESTIONNAIRES, person_id=person_id
        )
    ]


def questionnaires(session: Session, *, person_id: int) -> list[tuple[date, Score]]:
    """Every scored questionnaire, oldest first."""
    return [(r.taken_on, r.score) for r in questionnaire_records(session, person_id=person_id)]


def save_plan(session: Session, *, person_id: int, plan: Plan, created_at: datetime) -> int:
    """Store a plan as the person's current one; earlier plans are kept, marked superseded."""
    session.execute(
        update(PlanRow)
        .where(PlanRow.person_id == person_id, PlanRow.superseded.is_(False))
        .values(superseded=True)
    )
    row = plan_row(plan, person_id=person_id, created_at=created_at)
    session.add(row)
    session.flush()
    return row.id


def has_plan(session: Session, *, person_id: int) -> bool:
    """Whether the person has a current plan, without loading it."""
    return bool(rows(session, CURRENT_PLAN, person_id=person_id))


def current_plan(session: Session, *, person_id: int) -> Plan | None:
    """The person's current plan, in four queries: the plan, its weeks, sessions, prescriptions."""
    found = rows(session, CURRENT_PLAN, person_id=person_id)
    if not found:
        return None
    plan_id, start, desk_break = found[0]
    values = PlanValues(
        start,
        desk_break,
        rows(session, PLAN_WEEKS, plan_id=plan_id),
        rows(session, PLANNED_SESSIONS, plan_id=plan_id),
        rows(session, PRESCRIPTIONS, plan_id=plan_id),
    )
    return plan_of(values)


def add_session_log(
    session: Session, *, person_id: int, log: SessionLog, logged_at: datetime
) -> int:
    row = log_row(log, person_id=person_id, logged_at=logged_at)
    session.add(row)
    session.flush()
    return row.id


def session_logs(session: Session, *, person_id: int) -> list[tuple[int, SessionLog]]:
    """Every session log with its id, by date, then in the order they were logged: three
    queries (sets, skips, logs) however many there are."""
    sets = by_log(rows(session, LOGGED_SETS, person_id=person_id))
    skips = by_log(rows(session, SKIPS, person_id=person_id))
    return [
        (log_id, log_of(LogValues(day, pain, notes, sets.get(log_id, ()), skips.get(log_id, ()))))
        for log_id, day, pain, notes in rows(session, LOGS, person_id=person_id)
    ]


def replace_session_log(session: Session, *, log_id: int, log: SessionLog) -> None:
    """Give a stored log corrected values; its id, and so its check-in, stay the same."""
    row = session.get(SessionLogRow, log_id, options=LOG_TREE)
    if row is None:
        raise StoreError(f"No session log with id {log_id} is stored.")
    # Old sets and skips go first: the new ones reuse their positions.
    row.sets, row.skips = [], []
    session.flush()
    fill_log_row(row, log)
    session.flush()


def delete_session_log(session: Session, *, log_id: int) -> None:
    """Remove a log with its sets, skips, check-in and decisions."""
    session.execute(delete(SessionLogRow).where(SessionLogRow.id == log_id))
    session.flush()


def set_checkin(session: Session, *, log_id: int, checkin: CheckIn) -> None:
    """The check-in after a session; there is one per session log, so a second replaces it."""
    session.execute(delete(CheckInRow).where(CheckInRow.session_log_id == log_id))
    session.add(checkin_row(checkin, log_id=log_id))
    session.flush()


def checkin_for(session: Session, *, log_id: int) -> CheckIn | None:
    row = session.execute(
        select(*CHECKIN_COLUMNS).where(CheckInRow.session_log_id == log_id)
    ).first()
    return None if row is None else checkin_of(CheckInValues._make(row))


def checkins(session: Session, *, person_id: int) -> dict[int, CheckIn]:
    """Every check-in, by the id of the session log it follows, in one query."""
    found = rows(session, CHECKINS, person_id=person_id)
    return {row[0]: checkin_of(CheckInValues._make(row[1:])) for row in found}


def _next_batch(session: Session, person_id: int) -> int:
    latest = session.scalar(
        select(func.max(DecisionRow.batch)).where(DecisionRow.person_id == person_id)
    )
    return 1 if latest is None else latest + 1


def replace_decisions(
    session: Session,
    *,
    person_id: int,
    log_id: int,
    decided_on: date,
    decisions: Sequence[Decision],
    batch: int | None = None,
) -> None:
    """Store the decisions that follow a session log, replacing any stored for it before.

    They go in `batch` (a correction keeps a session's place among later decisions), or after
    every decision stored so far.
    """
    if session.get(SessionLogRow, log_id) is None:
        raise StoreError(f"No session log with id {log_id} is stored.")
    session.execute(
        delete(DecisionRow).where(
            DecisionRow.person_id == person_id, DecisionRow.session_log_id == log_id
        )
    )
    _add_batch(session, person_id, log_id, decided_on, decisions, batch)


def add_decisions(
    session: Session, *, person_id: int, decided_on: date, decisions: Sequence[Decision]
) -> None:
    """Store program-level decisions (a resume, a settings change) after all earlier ones."""
    _add_batch(session, person_id, None, decided_on, decisions, None)


def _add_batch(
    session: Session,
    person_id: int,
    log_id: int | None,
    decided_on: date,
    decisions: Sequence[Decision],
    batch: int | None,
) -> None:
    number = _next_batch(session, person_id) if batch is None else batch
    session.add_all(
        decision_row(
            d,
            person_id=person_id,
            log_id=log_id,
            decided_on=decided_on,
            batch=number,
            position=pos,
        )
        for pos, d in enumerate(decisions)
    )
    session.flush()


def decisions(session: Session, *, person_id: int) -> list[DecisionRecord]:
    """Every stored decision in the order it applies, so later ones override earlier ones."""
    return list(_decision_records(rows(session, DECISIONS, person_id=person_id)))


@lru_cache(maxsize=DECISIONS_CACHE_SIZE)
def _decision_records(found: tuple[tuple[Any, ...], ...]) -> tuple[DecisionRecord, ...]:
    """The records of these rows, remembered by their values (see `mapping`)."""
    return tuple(
        DecisionRecord(row[0], row[1], decision_of(DecisionValues._make(row[3:])), row[2])
        for row in found
    )


# -- revisions and erasing -------------------------------------------------------------------


def add_revision(
    session: Session, *, person_id: int, made_at: datetime, revision: Revision
) -> None:
    session.add(
        RevisionRow(
            person_id=person_id,
            made_at=made_at,
            kind=revision.kind.value,
            day=revision.day,
            summary=revision.summary,
            before=revision.before,
            after=revision.after,
        )
    )
    session.flush()


def revisions(session: Session, *, person_id: int) -> list[RevisionRecord]:
    """Every correction and settings change, oldest first."""
    rows = session.scalars(
        select(RevisionRow)
        .where(RevisionRow.person_id == person_id)
        .order_by(RevisionRow.made_at, RevisionRow.id)
    )
    return [
        RevisionRecord(
            row.made_at,
            Revision(
                kind=row.kind, day=row.day, summary=row.summary, before=row.before, after=row.after
            ),
        )
        for row in rows
    ]


def owned_by(account_id: int | None) -> Any:
    """The people of an account; with None, the people of personal mode (who have none)."""
    return (
        PersonRow.account_id.is_(None) if account_id is None else PersonRow.account_id == account_id
    )


def delete_people(session: Session, *, account_id: int | None = None) -> None:
    """Every person of the account (personal mode: with no account) and all their data; the
    database's own rows (its secret, clinic accounts) and the schema stay."""
    session.execute(delete(PersonRow).where(owned_by(account_id)))  # the rest cascades
    session.expunge_all()
