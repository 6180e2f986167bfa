"""Reading and writing the domain values: small functions on a session, keyword-only arguments.

Each function works inside the caller's `Store.transaction()`; none commits, so one user action
is one transaction however many of these it calls.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from backchain.errors import StoreError
from backchain.outcomes.models import Measure, Score
from backchain.programs.models import CheckIn, Decision, Plan, Profile, SessionLog
from backchain.screening.models import ScreeningResult
from backchain.store.mapping import (
    checkin_from_row,
    checkin_row,
    decision_from_row,
    decision_row,
    log_from_row,
    log_row,
    plan_from_row,
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
    ScreeningRow,
    SessionLogRow,
)

__all__ = [
    "DecisionRecord",
    "add_person",
    "add_questionnaire",
    "add_screening",
    "add_session_log",
    "checkin_for",
    "current_plan",
    "decisions",
    "get_profile",
    "latest_person_id",
    "latest_screening",
    "questionnaires",
    "replace_decisions",
    "save_plan",
    "session_logs",
    "set_checkin",
]

# Loading a whole plan or log in a few queries instead of one per week and session.
PLAN_TREE = (
    selectinload(PlanRow.week_rows)
    .selectinload(PlanWeekRow.sessions)
    .selectinload(PlannedSessionRow.prescriptions)
)
LOG_TREE = (selectinload(SessionLogRow.sets), selectinload(SessionLogRow.skips))


@dataclass(frozen=True)
class DecisionRecord:
    """A stored decision: the session log it followed (None for a program-level one) and when."""

    log_id: int | None
    decided_on: date
    decision: Decision


def add_person(session: Session, *, profile: Profile, created_at: datetime) -> int:
    row = PersonRow(created_at=created_at, profile=profile.model_dump(mode="json"))
    session.add(row)
    session.flush()
    return row.id


def latest_person_id(session: Session) -> int | None:
    """The person created last; Backchain is local-first, so usually the only one."""
    return session.scalar(select(func.max(PersonRow.id)))


def get_profile(session: Session, *, person_id: int) -> Profile:
    row = session.get(PersonRow, person_id)
    if row is None:
        raise StoreError(f"No person with id {person_id} is stored; start a program first.")
    return Profile.model_validate(row.profile)


def add_screening(
    session: Session,
    *,
    person_id: int,
    taken_at: datetime,
    result: ScreeningResult,
    answers: Mapping[str, object],
) -> None:
    session.add(
        ScreeningRow(
            person_id=person_id,
            taken_at=taken_at,
            verdict=result.verdict.value,
            answers=dict(answers),
        )
    )
    session.flush()


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
    session: Session, *, person_id: int, taken_on: date, score: Score, answers: object
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
        )
    )
    session.flush()


def questionnaires(session: Session, *, person_id: int) -> list[tuple[date, Score]]:
    """Every scored questionnaire, oldest first."""
    rows = session.scalars(
        select(QuestionnaireRow)
        .where(QuestionnaireRow.person_id == person_id)
        .order_by(QuestionnaireRow.taken_on, QuestionnaireRow.id)
    )
    return [
        (row.taken_on, Score(Measure(row.measure), row.score, row.band, row.answered))
        for row in rows
    ]


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


def current_plan(session: Session, *, person_id: int) -> Plan | None:
    row = session.scalars(
        select(PlanRow)
        .where(PlanRow.person_id == person_id, PlanRow.superseded.is_(False))
        .order_by(PlanRow.id.desc())
        .limit(1)
        .options(PLAN_TREE)
    ).first()
    return None if row is None else plan_from_row(row)


def add_session_log(
    session: Session, *, person_id: int, log: SessionLog, logged_at: datetime
) -> int:
    row = log_row(log, person_id=person_id, logged_at=logged_at)
    session.add(row)
    session.flush()
    return row.id


def session_logs(session: Session, *, person_id: int) -> list[tuple[int, SessionLog]]:
    """Every session log with its id, by date, then in the order they were logged."""
    rows = session.scalars(
        select(SessionLogRow)
        .where(SessionLogRow.person_id == person_id)
        .order_by(SessionLogRow.date, SessionLogRow.id)
        .options(*LOG_TREE)
    )
    return [(row.id, log_from_row(row)) for row in rows]


def set_checkin(session: Session, *, log_id: int, checkin: CheckIn) -> None:
    """The check-in after a session; there is one per session log, so a second replaces it."""
    session.execute(delete(CheckInRow).where(CheckInRow.session_log_id == log_id))
    session.add(checkin_row(checkin, log_id=log_id))
    session.flush()


def checkin_for(session: Session, *, log_id: int) -> CheckIn | None:
    row = session.scalars(select(CheckInRow).where(CheckInRow.session_log_id == log_id)).first()
    return None if row is None else checkin_from_row(row)


def replace_decisions(
    session: Session,
    *,
    person_id: int,
    log_id: int | None,
    decided_on: date,
    decisions: Sequence[Decision],
) -> None:
    """Store the decisions that follow a session log, replacing any stored for it before.

    With `log_id` None these are the program-level decisions, and they replace all of the
    person's earlier program-level ones.
    """
    if log_id is not None and session.get(SessionLogRow, log_id) is None:
        raise StoreError(f"No session log with id {log_id} is stored.")
    same_log = (
        DecisionRow.session_log_id.is_(None)
        if log_id is None
        else DecisionRow.session_log_id == log_id
    )
    session.execute(delete(DecisionRow).where(DecisionRow.person_id == person_id, same_log))
    session.add_all(
        decision_row(d, person_id=person_id, log_id=log_id, decided_on=decided_on, position=pos)
        for pos, d in enumerate(decisions)
    )
    session.flush()


def decisions(session: Session, *, person_id: int) -> list[DecisionRecord]:
    """Every stored decision in the order it was stored, so later ones override earlier ones."""
    rows = session.scalars(
        select(DecisionRow).where(DecisionRow.person_id == person_id).order_by(DecisionRow.id)
    )
    return [
        DecisionRecord(row.session_log_id, row.decided_on, decision_from_row(row)) for row in rows
    ]
