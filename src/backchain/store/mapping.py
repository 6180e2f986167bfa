"""Domain values to rows and back; the only code that knows both shapes.

Loading goes through the domain models' own validation, so a row that no longer makes sense
(edited by hand, say) fails loudly instead of reaching the progression rules.
"""

from datetime import date, datetime
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

__all__ = [
    "checkin_from_row",
    "checkin_row",
    "decision_from_row",
    "decision_row",
    "draft_from_row",
    "draft_set_row",
    "fill_log_row",
    "log_from_row",
    "log_row",
    "plan_from_row",
    "plan_row",
    "set_columns",
]

_N = TypeVar("_N", int, float)


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


def _prescription(row: PrescriptionRow) -> Prescription:
    return Prescription(
        exercise=row.exercise,
        variation=row.variation,
        sets=row.sets,
        reps=_span(row.reps_low, row.reps_high),
        hold_s=_span(row.hold_low, row.hold_high),
        rest_s=row.rest_s,
        per_side=row.per_side,
        reason=row.reason,
    )


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


def plan_from_row(row: PlanRow) -> Plan:
    weeks = tuple(
        PlanWeek(
            week=week.week,
            phase=week.phase,
            sessions=tuple(
                PlannedSession(
                    date=planned.date,
                    exercises=tuple(_prescription(p) for p in planned.prescriptions),
                )
                for planned in week.sessions
            ),
        )
        for week in row.week_rows
    )
    desk_break = None if row.desk_break is None else DeskBreak.model_validate(row.desk_break)
    return Plan(start=row.start, weeks=weeks, desk_break=desk_break)


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


def _set(row: SetValues) -> SetLog:
    return SetLog(
        reps=row.reps,
        load=_load(row.load_kg, row.load_band),
        hold_s=row.hold_s,
        rpe=row.rpe,
        pain=row.pain,
        faults=tuple(row.faults),
    )


def _exercise_logs(rows: list[SetLogRow]) -> tuple[ExerciseLog, ...]:
    grouped: dict[int, list[SetLogRow]] = {}
    for row in rows:  # already ordered by exercise position, then set number
        grouped.setdefault(row.exercise_position, []).append(row)
    return tuple(
        ExerciseLog(
            exercise=sets[0].exercise,
            variation=sets[0].variation,
            sets=tuple(_set(s) for s in sets),
        )
        for sets in grouped.values()
    )


def log_from_row(row: SessionLogRow) -> SessionLog:
    return SessionLog(
        date=row.date,
        exercises=_exercise_logs(row.sets),
        skipped=tuple(Skip(exercise=s.exercise, reason=s.reason) for s in row.skips),
        pain_after=row.pain_after,
        notes=row.notes,
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


def checkin_from_row(row: CheckInRow) -> CheckIn:
    return CheckIn.model_validate(
        {
            "date": row.date,
            "pain": row.pain,
            "compared": row.compared,
            "new_red_flags": row.new_red_flags,
        }
    )


def decision_row(
    decision: Decision,
    *,
    person_id: int,
    log_id: int | None,
    decided_on: date,
    batch: int,
    position: int,
) -> DecisionRow:
    load = decision.load
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
    )


def decision_from_row(row: DecisionRow) -> Decision:
    return Decision.model_validate(
        {
            "exercise": row.exercise,
            "kind": row.kind,
            "reason": row.reason,
            "variation": row.variation,
            "load": _load(row.load_kg, row.load_band),
        }
    )
