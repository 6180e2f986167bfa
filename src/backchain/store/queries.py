"""What the readers select: the queries behind a journal-sized load, built once, and the plain
tuples they give.

Each query takes the person's or the plan's id as a parameter and selects columns, never ORM
objects; `rows` runs one and returns hashable tuples, which `mapping` turns into domain values
(remembered by those values) and which key its caches. One query per table, however many rows.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Executable, Integer, String, bindparam, cast, select
from sqlalchemy.orm import Session

from backchain.store.models import (
    CheckInRow,
    DecisionRow,
    PlannedSessionRow,
    PlanRow,
    PlanWeekRow,
    PrescriptionRow,
    QuestionnaireRow,
    SessionLogRow,
    SetLogRow,
    SkipRow,
)

__all__ = [
    "CHECKINS",
    "CHECKIN_COLUMNS",
    "CURRENT_PLAN",
    "DECISIONS",
    "DECISION_COLUMNS",
    "DESK_BREAK_COLUMN",
    "LOGGED_SETS",
    "LOGGED_SET_COLUMNS",
    "LOGS",
    "PLANNED_SESSIONS",
    "PLAN_WEEKS",
    "PRESCRIPTIONS",
    "PRESCRIPTION_COLUMNS",
    "QUESTIONNAIRES",
    "SKIPS",
    "SKIP_COLUMNS",
    "CheckInValues",
    "DecisionValues",
    "LogValues",
    "PlanValues",
    "PrescriptionValues",
    "SetFigures",
    "by_log",
    "rows",
]


class PrescriptionValues(NamedTuple):
    exercise: str
    variation: str
    sets: int
    reps_low: int | None
    reps_high: int | None
    hold_low: float | None
    hold_high: float | None
    rest_s: int
    per_side: bool
    reason: str


class PlanValues(NamedTuple):
    """A plan's rows: its own columns, then its weeks, sessions and prescriptions in order, each
    led by the id it is grouped by."""

    start: date
    desk_break: str | None  # JSON text (`DESK_BREAK_COLUMN`)
    weeks: tuple[Sequence[Any], ...]  # (id, week number, phase)
    sessions: tuple[Sequence[Any], ...]  # (week id, id, date)
    prescriptions: tuple[Sequence[Any], ...]  # (planned session id, *PRESCRIPTION_COLUMNS)


class SetFigures(NamedTuple):
    """What one set stores, logged or in progress (`SetValues`)."""

    reps: int | None
    load_kg: float | None
    load_band: str | None
    hold_s: float | None
    rpe: int
    pain: int
    faults: tuple[str, ...]


class LogValues(NamedTuple):
    date: date
    pain_after: int
    notes: str
    sets: tuple[Sequence[Any], ...]  # LOGGED_SET_COLUMNS, by exercise position and set number
    skips: tuple[Sequence[Any], ...]  # SKIP_COLUMNS, by position


class CheckInValues(NamedTuple):
    date: date
    pain: int
    compared: str
    new_red_flags: bool


class DecisionValues(NamedTuple):
    exercise: str | None
    kind: str
    reason: str
    variation: str | None
    load_kg: float | None
    load_band: str | None
    by: str | None
    sets: int | None
    reps_low: int | None
    reps_high: int | None
    hold_low: float | None
    hold_high: float | None
    held: bool


def _columns(row: type[Any], names: Iterable[str]) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in names)


_FIGURES = SetFigures._fields
PRESCRIPTION_COLUMNS = _columns(PrescriptionRow, PrescriptionValues._fields)
DESK_BREAK_COLUMN = cast(PlanRow.desk_break, String)
# A logged set: its log's id (`by_log` groups by it), its exercise, then its figures with the
# faults as JSON text.
LOGGED_SET_COLUMNS = (
    *_columns(
        SetLogRow,
        ("session_log_id", "exercise_position", "exercise", "variation", *_FIGURES[:-1]),
    ),
    cast(SetLogRow.faults, String),
)
SKIP_COLUMNS = _columns(SkipRow, ("session_log_id", "exercise", "reason"))
CHECKIN_COLUMNS = _columns(CheckInRow, CheckInValues._fields)
DECISION_COLUMNS = _columns(DecisionRow, DecisionValues._fields)


_PERSON: BindParameter[int] = bindparam("person_id", type_=Integer)
_PLAN: BindParameter[int] = bindparam("plan_id", type_=Integer)
_IN_PLAN = PlanWeekRow.plan_id == _PLAN
CURRENT_PLAN = (
    select(PlanRow.id, PlanRow.start, DESK_BREAK_COLUMN)
    .where(PlanRow.person_id == _PERSON, PlanRow.superseded.is_(False))
    .order_by(PlanRow.id.desc())
    .limit(1)
)
PLAN_WEEKS = (
    select(PlanWeekRow.id, PlanWeekRow.week, PlanWeekRow.phase)
    .where(_IN_PLAN)
    .order_by(PlanWeekRow.position)
)
PLANNED_SESSIONS = (
    select(PlannedSessionRow.plan_week_id, PlannedSessionRow.id, PlannedSessionRow.date)
    .join(PlanWeekRow)
    .where(_IN_PLAN)
    .order_by(PlanWeekRow.position, PlannedSessionRow.position)
)
PRESCRIPTIONS = (
    select(PrescriptionRow.planned_session_id, *PRESCRIPTION_COLUMNS)
    .join(PlannedSessionRow)
    .join(PlanWeekRow)
    .where(_IN_PLAN)
    .order_by(PlanWeekRow.position, PlannedSessionRow.position, PrescriptionRow.position)
)
_MINE = SessionLogRow.person_id == _PERSON
LOGS = (
    select(SessionLogRow.id, SessionLogRow.date, SessionLogRow.pain_after, SessionLogRow.notes)
    .where(_MINE)
    .order_by(SessionLogRow.date, SessionLogRow.id)
)
LOGGED_SETS = (
    select(*LOGGED_SET_COLUMNS)
    .join(SessionLogRow)
    .where(_MINE)
    .order_by(SetLogRow.session_log_id, SetLogRow.exercise_position, SetLogRow.set_number)
)
SKIPS = (
    select(*SKIP_COLUMNS)
    .join(SessionLogRow)
    .where(_MINE)
    .order_by(SkipRow.session_log_id, SkipRow.position)
)
QUESTIONNAIRES = (
    select(
        QuestionnaireRow.taken_on,
        QuestionnaireRow.measure,
        QuestionnaireRow.score,
        QuestionnaireRow.band,
        QuestionnaireRow.answered,
        QuestionnaireRow.wording,
    )
    .where(QuestionnaireRow.person_id == _PERSON)
    .order_by(QuestionnaireRow.taken_on, QuestionnaireRow.id)
)
CHECKINS = select(CheckInRow.session_log_id, *CHECKIN_COLUMNS).join(SessionLogRow).where(_MINE)
DECISIONS = (
    select(DecisionRow.session_log_id, DecisionRow.decided_on, DecisionRow.batch, *DECISION_COLUMNS)
    .where(DecisionRow.person_id == _PERSON)
    .order_by(DecisionRow.batch, DecisionRow.position, DecisionRow.id)
)


def rows(session: Session, query: Executable, **params: int) -> tuple[tuple[Any, ...], ...]:
    """Every row of a prebuilt query as a plain tuple: no ORM objects, and quick to hash and
    compare as a cache key."""
    return tuple(map(tuple, session.connection().execute(query, params).all()))


def by_log(found: Iterable[tuple[Any, ...]]) -> dict[int, tuple[tuple[Any, ...], ...]]:
    """Rows ordered by the log id in their first column, grouped by it."""
    return {log_id: tuple(group) for log_id, group in groupby(found, key=itemgetter(0))}
