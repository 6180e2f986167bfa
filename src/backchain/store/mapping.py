"""Domain values to rows and back; the only code that knows both shapes.

Loading goes through the domain models' own validation, so a row that no longer makes sense
(edited by hand, say) fails loudly instead of reaching the progression rules.

Reads take plain column values (`queries`' `*Values` tuples, as its queries select them), so
`repository` builds no ORM objects. The domain values are frozen and depend on nothing but
those column values, so each is made once and then remembered, keyed by the values themselves:
a remembered value can never be out of date. JSON columns are read as their text for that.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from backchain.programs.models import (
    CheckIn,
    Decision,
    DeskBreak,
    ExerciseLog,
    Load,
    Plan,
    PlannedSession,
    PlanWeek,
    Prescription,
    SessionDraft,
    SessionLog,
    SetLog,
    Skip,
)
from backchain.store.models import (
    CheckInRow,
    DecisionRow,
    DraftRow,
    DraftSetRow,
    PlannedSessionRow,
    PlanRow,
    PlanWeekRow,
    PrescriptionRow,
    SessionLogRow,
    SetLogRow,
    SetValues,
    SkipRow,
)
from backchain.store.queries import (
    CheckInValues,
    DecisionValues,
    LogValues,
    PlanValues,
    PrescriptionValues,
    SetFigures,
)

__all__ = [
    "checkin_from_row",
    "checkin_of",
    "checkin_row",
    "decision_from_row",
    "decision_of",
    "decision_row",
    "draft_from_row",
    "draft_set_row",
    "fill_log_row",
    "log_from_row",
    "log_of",
    "log_row",
    "plan_from_row",
    "plan_of",
    "plan_row",
    "set_columns",
]

_N = TypeVar("_N", int, float)

# How many distinct values each cache keeps. Plans and logs: a few people's whole program (a
# 16-week plan at five days a week has 80 sessions); small values: every kind of set, check-in
# and decision those hold.
PLAN_CACHE_SIZE = 64
LOG_CACHE_SIZE = 1024
VALUE_CACHE_SIZE = 8192


def _span(low: _N | None, high: _N | None) -> tuple[_N, _N] | None:
    return None if low is None or high is None else (low, high)


def _load(kg: float | None, band: str | None) -> Load | None:
    return None if kg is None and band is None else Load.model_validate({"kg": kg, "band": band})


def _prescription_row(prescription: Prescription, position: int) -> PrescriptionRow:
    reps, hold = prescription.reps, prescription.hold_s
    return PrescriptionRow(
        position=position,
        exercise=prescription.exercise,
        variation=prescription.variation,
        sets=prescription.sets,
        reps_low=None if reps is None else reps[0],
        reps_high=None if reps is None else reps[1],
        hold_low=None if hold is None else hold[0],
        hold_high=None if hold is None else hold[1],
        rest_s=prescription.rest_s,
        per_side=prescription.per_side,
        reason=prescription.reason,
    )


def _prescription(values: PrescriptionValues) -> Prescription:
    return Prescription(
        exercise=values.exercise,
        variation=values.variation,
        sets=values.sets,
        reps=_span(values.reps_low, values.reps_high),
        hold_s=_span(values.hold_low, values.hold_high),
        rest_s=values.rest_s,
        per_side=values.per_side,
        reason=values.reason,
    )


def _prescription_values(row: PrescriptionRow) -> PrescriptionValues:
    return PrescriptionValues._make(getattr(row, n) for n in PrescriptionValues._fields)


def plan_row(plan: Plan, *, person_id: int, created_at: datetime) -> PlanRow:
    """A new, current plan row with its weeks, sessions and prescriptions."""
    weeks = [
        PlanWeekRow(
            position=w_pos,
            week=week.week,
            phase=week.phase.value,
            sessions=[
                PlannedSessionRow(
                    position=s_pos,
                    date=planned.date,
                    prescriptions=[
                        _prescription_row(p, p_pos) for p_pos, p in enumerate(planned.exercises)
                    ],
                )
                for s_pos, planned in enumerate(week.sessions)
            ],
        )
        for w_pos, week in enumerate(plan.weeks)
    ]
    desk_break = None if plan.desk_break is None else plan.desk_break.model_dump(mode="json")
    return PlanRow(
        person_id=person_id,
        created_at=created_at,
        start=plan.start,
        weeks=len(plan.weeks),
        superseded=False,
        desk_break=desk_break,
        week_rows=weeks,
    )


@lru_cache(maxsize=PLAN_CACHE_SIZE)
def plan_of(values: PlanValues) -> Plan:
    prescriptions: dict[int, list[PrescriptionValues]] = defaultdict(list)
    for planned_id, *columns in values.prescriptions:
        prescriptions[planned_id].append(PrescriptionValues._make(columns))
    sessions: dict[int, list[_Planned]] = defaultdict(list)
    for week_id, planned_id, day in values.sessions:
        sessions[week_id].append((day, prescriptions[planned_id]))
    weeks = [(number, phase, sessions[week_id]) for week_id, number, phase in values.weeks]
    desk_break = None if values.desk_break is None else json.loads(values.desk_break)
    return _plan(values.start, desk_break, weeks)


def plan_from_row(row: PlanRow) -> Plan:
    weeks = [
        (
            week.week,
            week.phase,
            [
                (planned.date, [_prescription_values(p) for p in planned.prescriptions])
                for planned in week.sessions
            ],
        )
        for week in row.week_rows
    ]
    return _plan(row.start, row.desk_break, weeks)


_Planned = tuple[date, Sequence[PrescriptionValues]]  # a planned session: its date, its exercises


def _plan(
    start: date, desk_break: Any, weeks: Iterable[tuple[int, str, Iterable[_Planned]]]
) -> Plan:
    return Plan(
        start=start,
        weeks=tuple(
            PlanWeek(
                week=number,
                phase=phase,
                sessions=tuple(
                    PlannedSession(date=day, exercises=tuple(_prescription(p) for p in exercises))
                    for day, exercises in sessions
                ),
            )
            for number, phase, sessions in weeks
        ),
        desk_break=None if desk_break is None else DeskBreak.model_validate(desk_break),
    )


def set_columns(logged: SetLog) -> dict[str, Any]:
    """A set's values as the columns a logged set and a set in progress both have."""
    load = logged.load
    return {
        "reps": logged.reps,
        "load_kg": None if load is None else load.kg,
        "load_band": None if load is None or load.band is None else load.band.value,
        "hold_s": logged.hold_s,
        "rpe": logged.rpe,
        "pain": logged.pain,
        "faults": list(logged.faults),
    }


def _set_row(exercise: ExerciseLog, position: int, number: int, logged: SetLog) -> SetLogRow:
    return SetLogRow(
        exercise_position=position,
        exercise=exercise.exercise,
        variation=exercise.variation,
        set_number=number,
        **set_columns(logged),
    )


def log_row(log: SessionLog, *, person_id: int, logged_at: datetime) -> SessionLogRow:
    row = SessionLogRow(person_id=person_id, date=log.date, logged_at=logged_at)
    fill_log_row(row, log)
    return row


def fill_log_row(row: SessionLogRow, log: SessionLog) -> None:
    """Give a log row the values of `log`: a new row's, or a corrected one's (same id)."""
    row.date = log.date
    row.pain_after = log.pain_after
    row.notes = log.notes
    row.sets = [
        _set_row(exercise, e_pos, number, logged)
        for e_pos, exercise in enumerate(log.exercises)
        for number, logged in enumerate(exercise.sets, start=1)
    ]
    row.skips = [
        SkipRow(position=pos, exercise=skip.exercise, reason=skip.reason)
        for pos, skip in enumerate(log.skipped)
    ]


@lru_cache(maxsize=VALUE_CACHE_SIZE)
def _set_of(figures: SetFigures) -> SetLog:
    return SetLog(
        reps=figures.reps,
        load=_load(figures.load_kg, figures.load_band),
        hold_s=figures.hold_s,
        rpe=figures.rpe,
        pain=figures.pain,
        faults=figures.faults,
    )


def _set(row: SetValues) -> SetLog:
    *figures, faults = (getattr(row, name) for name in SetFigures._fields)
    return _set_of(SetFigures._make((*figures, tuple(faults))))


_LoggedSet = tuple[int, str, str, SetLog]  # exercise position, exercise, variation, the set


@lru_cache(maxsize=LOG_CACHE_SIZE)
def log_of(values: LogValues) -> SessionLog:
    sets = [
        (position, exercise, variation, _set_of(SetFigures._make((*figures, _faults(faults)))))
        for _, position, exercise, variation, *figures, faults in values.sets
    ]
    skips = [(exercise, reason) for _, exercise, reason in values.skips]
    return _log(values.date, values.pain_after, values.notes, sets, skips)


def _faults(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def log_from_row(row: SessionLogRow) -> SessionLog:
    sets = [(s.exercise_position, s.exercise, s.variation, _set(s)) for s in row.sets]
    skips = [(s.exercise, s.reason) for s in row.skips]
    return _log(row.date, row.pain_after, row.notes, sets, skips)


def _log(
    day: date,
    pain_after: int,
    notes: str,
    sets: Iterable[_LoggedSet],
    skips: Iterable[tuple[str, str]],
) -> SessionLog:
    grouped: dict[int, list[_LoggedSet]] = {}
    for logged in sets:  # ordered by exercise position, then set number
        grouped.setdefault(logged[0], []).append(logged)
    exercises = tuple(
        ExerciseLog(exercise=rows[0][1], variation=rows[0][2], sets=tuple(r[3] for r in rows))
        for rows in grouped.values()
    )
    return SessionLog(
        date=day,
        exercises=exercises,
        skipped=tuple(Skip(exercise=exercise, reason=reason) for exercise, reason in skips),
        pain_after=pain_after,
        notes=notes,
    )


def draft_set_row(exercise: str, variation: str, position: int, logged: SetLog) -> DraftSetRow:
    return DraftSetRow(
        position=position, exercise=exercise, variation=variation, **set_columns(logged)
    )


def draft_from_row(row: DraftRow) -> SessionDraft:
    """The draft's sets grouped by exercise, in the order each exercise was first logged."""
    grouped: dict[str, list[DraftSetRow]] = {}
    for set_row in row.sets:  # ordered by position
        grouped.setdefault(set_row.exercise, []).append(set_row)
    return SessionDraft(
        date=row.day,
        exercises=tuple(
            ExerciseLog(
                exercise=exercise,
                variation=rows[-1].variation,
                sets=tuple(_set(r) for r in rows),
            )
            for exercise, rows in grouped.items()
        ),
        skipped=tuple(Skip(exercise=s.exercise, reason=s.reason) for s in row.skips),
    )


def checkin_row(checkin: CheckIn, *, log_id: int) -> CheckInRow:
    return CheckInRow(
        session_log_id=log_id,
        date=checkin.date,
        pain=checkin.pain,
        compared=checkin.compared,
        new_red_flags=checkin.new_red_flags,
    )


@lru_cache(maxsize=VALUE_CACHE_SIZE)
def checkin_of(values: CheckInValues) -> CheckIn:
    return CheckIn.model_validate(values._asdict())


def checkin_from_row(row: CheckInRow) -> CheckIn:
    return checkin_of(CheckInValues(row.date, row.pain, row.compared, row.new_red_flags))


def decision_row(
    decision: Decision,
    *,
    person_id: int,
    log_id: int | None,
    decided_on: date,
    batch: int,
    position: int,
) -> DecisionRow:
    load, reps, hold = decision.load, decision.reps, decision.hold_s
    return DecisionRow(
        person_id=person_id,
        session_log_id=log_id,
        decided_on=decided_on,
        batch=batch,
        position=position,
        exercise=decision.exercise,
        kind=decision.kind.value,
        reason=decision.reason,
        variation=decision.variation,
        load_kg=None if load is None else load.kg,
        load_band=None if load is None or load.band is None else load.band.value,
        by=decision.by,
        sets=decision.sets,
        reps_low=None if reps is None else reps[0],
        reps_high=None if reps is None else reps[1],
        hold_low=None if hold is None else hold[0],
        hold_high=None if hold is None else hold[1],
        held=decision.held,
    )


@lru_cache(maxsize=VALUE_CACHE_SIZE)
def decision_of(values: DecisionValues) -> Decision:
    return Decision.model_validate(
        {
            "exercise": values.exercise,
            "kind": values.kind,
            "reason": values.reason,
            "variation": values.variation,
            "load": _load(values.load_kg, values.load_band),
            "by": values.by,
            "sets": values.sets,
            "reps": _span(values.reps_low, values.reps_high),
            "hold_s": _span(values.hold_low, values.hold_high),
            "held": values.held,
        }
    )


def decision_from_row(row: DecisionRow) -> Decision:
    return decision_of(DecisionValues._make(getattr(row, n) for n in DecisionValues._fields))
