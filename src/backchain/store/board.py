"""The clinician dashboard's reading: every followed person's program at once.

The same rows the journal reads for one person (`queries`), each led by the person's (or the
plan's) id, for all of them in one query per table: a dashboard of forty people costs as many
queries as one of two. The rows become domain values through the same `mapping` functions.
"""

from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Executable, func, select
from sqlalchemy.orm import Session

from backchain.care.dashboard import Training, has_clearance
from backchain.outcomes.models import Measure, Score
from backchain.programs.models import Plan
from backchain.store.mapping import checkin_of, decision_of, log_of, plan_of
from backchain.store.models import (
    CheckInRow,
    DecisionRow,
    PersonRow,
    PlannedSessionRow,
    PlanRow,
    PlanWeekRow,
    PrescriptionRow,
    QuestionnaireRow,
    ScreeningRow,
    SessionLogRow,
    SetLogRow,
    SkipRow,
)
from backchain.store.queries import (
    CHECKIN_COLUMNS,
    DECISION_COLUMNS,
    DESK_BREAK_COLUMN,
    LOGGED_SET_COLUMNS,
    PRESCRIPTION_COLUMNS,
    SKIP_COLUMNS,
    CheckInValues,
    DecisionValues,
    LogValues,
    PlanValues,
    by_log,
)

__all__ = ["trainings"]

Rows = tuple[tuple[Any, ...], ...]


def trainings(session: Session, *, account_ids: Sequence[int]) -> dict[int, Training]:
    """Each account's program as the dashboard reads it, by account id; accounts that have not
    started a program are left out. Thirteen queries at most, however many accounts."""
    owned = session.execute(
        select(PersonRow.account_id, func.max(PersonRow.id))
        .where(PersonRow.account_id.in_(account_ids))
        .group_by(PersonRow.account_id)
    ).all()
    people = {account_id: person_id for account_id, person_id in owned if account_id is not None}
    plans = _plans(session, list(people.values()))
    ids = list(plans)
    if not ids:
        return {}
    mine = SessionLogRow.person_id.in_(ids)
    logs = _by_first(session, _logs(mine))
    sets = _by_first(session, _sets(mine))
    skips = _by_first(session, _skips(mine))
    checkins = _by_first(session, _checkins(mine))
    decisions = _by_first(session, _decisions(ids))
    scores = _by_first(session, _questionnaires(ids))
    screenings = _by_first(session, _screenings(ids))
    found: dict[int, Training] = {}
    for account_id, person_id in people.items():
        if person_id not in plans:
            continue
        logged_sets, logged_skips = (
            by_log(sets.get(person_id, ())),
            by_log(skips.get(person_id, ())),
        )
        found[account_id] = Training(
            plan=plans[person_id],
            logs=tuple(
                (
                    log_id,
                    log_of(
                        LogValues(
                            day,
                            pain,
                            notes,
                            logged_sets.get(log_id, ()),
                            logged_skips.get(log_id, ()),
                        )
                    ),
                )
                for log_id, day, pain, notes in logs.get(person_id, ())
            ),
            checkins={
                row[0]: checkin_of(CheckInValues._make(row[1:]))
                for row in checkins.get(person_id, ())
            },
            decisions=tuple(
                decision_of(DecisionValues._make(row[3:])) for row in decisions.get(person_id, ())
            ),
            scores=[
                (taken_on, Score(Measure(measure), score, band, answered))
                for taken_on, measure, score, band, answered in scores.get(person_id, ())
            ],
            cleared=has_clearance([answers for (answers,) in screenings.get(person_id, ())]),
        )
    return found


def _plans(session: Session, person_ids: list[int]) -> dict[int, Plan]:
    """Each person's current plan (the latest not superseded), in five queries for all."""
    current = session.execute(
        select(PlanRow.person_id, func.max(PlanRow.id))
        .where(PlanRow.person_id.in_(person_ids), PlanRow.superseded.is_(False))
        .group_by(PlanRow.person_id)
    ).all()
    person_of = {plan_id: person_id for person_id, plan_id in current}
    if not person_of:
        return {}
    in_plans = PlanWeekRow.plan_id.in_(list(person_of))
    heads = _by_first(
        session,
        select(PlanRow.id, PlanRow.start, DESK_BREAK_COLUMN).where(PlanRow.id.in_(list(person_of))),
    )
    weeks = _by_first(
        session,
        select(PlanWeekRow.plan_id, PlanWeekRow.id, PlanWeekRow.week, PlanWeekRow.phase)
        .where(in_plans)
        .order_by(PlanWeekRow.plan_id, PlanWeekRow.position),
    )
    sessions = _by_first(
        session,
        select(
            PlanWeekRow.plan_id,
            PlannedSessionRow.plan_week_id,
            PlannedSessionRow.id,
            PlannedSessionRow.date,
        )
        .select_from(PlannedSessionRow)
        .join(PlanWeekRow)
        .where(in_plans)
        .order_by(PlanWeekRow.plan_id, PlanWeekRow.position, PlannedSessionRow.position),
    )
    prescriptions = _by_first(
        session,
        select(PlanWeekRow.plan_id, PrescriptionRow.planned_session_id, *PRESCRIPTION_COLUMNS)
        .select_from(PrescriptionRow)
        .join(PlannedSessionRow)
        .join(PlanWeekRow)
        .where(in_plans)
        .order_by(
            PlanWeekRow.plan_id,
            PlanWeekRow.position,
            PlannedSessionRow.position,
            PrescriptionRow.position,
        ),
    )
    found = {}
    for plan_id, person_id in person_of.items():
        ((start, desk_break),) = heads[plan_id]
        rows = (weeks.get(plan_id, ()), sessions.get(plan_id, ()), prescriptions.get(plan_id, ()))
        found[person_id] = plan_of(PlanValues(start, desk_break, *rows))
    return found


def _logs(mine: Any) -> Executable:
    return (
        select(
            SessionLogRow.person_id,
            SessionLogRow.id,
            SessionLogRow.date,
            SessionLogRow.pain_after,
            SessionLogRow.notes,
        )
        .where(mine)
        .order_by(SessionLogRow.person_id, SessionLogRow.date, SessionLogRow.id)
    )


def _sets(mine: Any) -> Executable:
    return (
        select(SessionLogRow.person_id, *LOGGED_SET_COLUMNS)
        .select_from(SetLogRow)
        .join(SessionLogRow)
        .where(mine)
        .order_by(
            SessionLogRow.person_id,
            SetLogRow.session_log_id,
            SetLogRow.exercise_position,
            SetLogRow.set_number,
        )
    )


def _skips(mine: Any) -> Executable:
    return (
        select(SessionLogRow.person_id, *SKIP_COLUMNS)
        .select_from(SkipRow)
        .join(SessionLogRow)
        .where(mine)
        .order_by(SessionLogRow.person_id, SkipRow.session_log_id, SkipRow.position)
    )


def _checkins(mine: Any) -> Executable:
    return (
        select(SessionLogRow.person_id, CheckInRow.session_log_id, *CHECKIN_COLUMNS)
        .select_from(CheckInRow)
        .join(SessionLogRow)
        .where(mine)
        .order_by(SessionLogRow.person_id)
    )


def _decisions(ids: list[int]) -> Executable:
    return (
        select(
            DecisionRow.person_id,
            DecisionRow.session_log_id,
            DecisionRow.decided_on,
            DecisionRow.batch,
            *DECISION_COLUMNS,
        )
        .where(DecisionRow.person_id.in_(ids))
        .order_by(DecisionRow.person_id, DecisionRow.batch, DecisionRow.position, DecisionRow.id)
    )


def _questionnaires(ids: list[int]) -> Executable:
    return (
        select(
            QuestionnaireRow.person_id,
            QuestionnaireRow.taken_on,
            QuestionnaireRow.measure,
            QuestionnaireRow.score,
            QuestionnaireRow.band,
            QuestionnaireRow.answered,
        )
        .where(QuestionnaireRow.person_id.in_(ids))
        .order_by(QuestionnaireRow.person_id, QuestionnaireRow.taken_on, QuestionnaireRow.id)
    )


def _screenings(ids: list[int]) -> Executable:
    return (
        select(ScreeningRow.person_id, ScreeningRow.answers)
        .where(ScreeningRow.person_id.in_(ids))
        .order_by(ScreeningRow.person_id, ScreeningRow.taken_at, ScreeningRow.id)
    )


def _by_first(session: Session, query: Executable) -> dict[Any, Rows]:
    """The query's rows, ordered by their first column, grouped by it and without it."""
    found: Iterable[tuple[Any, ...]] = map(tuple, session.execute(query).all())
    return {
        key: tuple(row[1:] for row in group) for key, group in groupby(found, key=itemgetter(0))
    }
