"""Values to store in the storage tests: a realistic person, hand-built plans, and strategies."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from backchain.exercises import Equipment
from backchain.outcomes import score_nrs, score_odi
from backchain.programs.models import (
    Band,
    CheckIn,
    Decision,
    DecisionKind,
    DeskBreak,
    ExerciseLog,
    Experience,
    Load,
    Phase,
    Plan,
    PlannedSession,
    PlanWeek,
    Prescription,
    Profile,
    Revision,
    RevisionKind,
    SessionLog,
    SetLog,
    Skip,
    Weekday,
)
from backchain.screening import RED_FLAGS, parse_answers, screen
from backchain.store import Store, export_data, repository
from backchain.store import drafts as stored_drafts

START = date(2025, 3, 3)  # a Monday
NOW = datetime(2025, 3, 1, 9, 30, 15, tzinfo=UTC)
SCREENING_ANSWERS: dict[str, Any] = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False, True, False, False, True, False, False, False, "moderately"],
    "age": 42,
}
ODI_SECTIONS = [2, 1, 1, 2, 1, 0, 1, None, 1, 2]


def a_profile(**changes: Any) -> Profile:
    fields: dict[str, Any] = {
        "age": 42,
        "equipment": [Equipment.MAT, Equipment.DUMBBELLS, Equipment.RESISTANCE_BAND],
        "experience": Experience.SOME,
        "days": [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY],
        "minutes_per_session": 40,
        "sitting_hours": 7.5,
        "pain": 4,
        "screening": SCREENING_ANSWERS,
        "odi": ODI_SECTIONS,
    }
    return Profile.model_validate(fields | changes)


def _prescription(exercise: str, phase: Phase, *, hold: bool = False) -> Prescription:
    sets = {Phase.FOUNDATION: 2, Phase.BUILD: 3, Phase.STRENGTH: 4}[phase]
    return Prescription(
        exercise=exercise,
        variation=exercise,
        sets=sets,
        reps=None if hold else (8, 12),
        hold_s=(20.0, 30.5) if hold else None,
        rest_s=90,
        per_side=exercise == "bent_over_row",
        reason=f"{phase.value}: {exercise} at the level your experience allows",
    )


def hand_plan(start: date = START, weeks: int = 12) -> Plan:
    """A plan like the generator's: three days a week, phases of four weeks, a desk break."""
    exercises = ["glute_bridge", "romanian_deadlift", "bent_over_row", "downward_dog"]
    plan_weeks = []
    for number in range(1, weeks + 1):
        phase = list(Phase)[min((number - 1) // 4, 2)]
        monday = start + timedelta(weeks=number - 1)
        sessions = tuple(
            PlannedSession(
                date=monday + timedelta(days=offset),
                exercises=tuple(
                    _prescription(e, phase, hold=e == "downward_dog") for e in exercises
                ),
            )
            for offset in (0, 2, 4)
        )
        plan_weeks.append(PlanWeek(week=number, phase=phase, sessions=sessions))
    desk_break = DeskBreak(
        note="Every hour of sitting, stand up for two minutes.",
        exercises=(_prescription("glute_bridge", Phase.FOUNDATION),),
    )
    return Plan(start=start, weeks=tuple(plan_weeks), desk_break=desk_break)


def a_log(day: date, *, pain_after: int = 2, notes: str = "") -> SessionLog:
    return SessionLog(
        date=day,
        exercises=(
            ExerciseLog(
                exercise="glute_bridge",
                variation="glute_bridge",
                sets=(
                    SetLog(reps=12, rpe=6, pain=1),
                    SetLog(reps=11, rpe=7, pain=2),
                ),
            ),
            ExerciseLog(
                exercise="romanian_deadlift",
                variation="romanian_deadlift",
                sets=(
                    SetLog(reps=10, load=Load(kg=8.5), rpe=7, pain=2),
                    SetLog(reps=9, load=Load(kg=8.5), rpe=8, pain=3),
                ),
            ),
            ExerciseLog(
                exercise="bent_over_row",
                variation="standing_band_row",
                sets=(SetLog(reps=12, load=Load(band=Band.GREEN), rpe=6, pain=0),),
            ),
            ExerciseLog(
                exercise="downward_dog",
                variation="bent_knee_dog",
                sets=(SetLog(hold_s=25.5, rpe=5, pain=1), SetLog(reps=3, hold_s=20, rpe=5, pain=1)),
            ),
        ),
        skipped=(Skip(exercise="kettlebell_swing", reason="no kettlebell at home yet"),),
        pain_after=pain_after,
        notes=notes,
    )


def some_decisions(kind: DecisionKind = DecisionKind.PROGRESS) -> list[Decision]:
    return [
        Decision(exercise="glute_bridge", kind=kind, reason="all sets at the top of the range"),
        Decision(
            exercise="romanian_deadlift",
            kind=DecisionKind.REPEAT,
            reason="RPE 8 on the last set",
            variation="romanian_deadlift",
            load=Load(kg=8.5),
        ),
        Decision(
            exercise="bent_over_row",
            kind=DecisionKind.REDUCE,
            reason="pain went up",
            variation="standing_band_row",
            load=Load(band=Band.RED),
        ),
    ]


def fill(store: Store) -> int:
    """Store a realistic person: screening, two questionnaires (one in an official wording),
    two plans, logs, check-ins, decisions (one program-level), a correction and a session in
    progress; returns the person's id."""
    result = screen(parse_answers(SCREENING_ANSWERS))
    with store.transaction() as session:
        person = repository.add_person(session, profile=a_profile(), created_at=NOW)
        repository.add_screening(
            session, person_id=person, taken_at=NOW, result=result, answers=SCREENING_ANSWERS
        )
        repository.add_questionnaire(
            session, person_id=person, taken_on=NOW.date(), score=score_nrs(4), answers={"pain": 4}
        )
        repository.add_questionnaire(
            session,
            person_id=person,
            taken_on=NOW.date(),
            score=score_odi(ODI_SECTIONS),
            answers={"sections": ODI_SECTIONS},
            wording="ODI 2.1a, licensed",
        )
        repository.save_plan(session, person_id=person, plan=hand_plan(weeks=13), created_at=NOW)
        repository.save_plan(session, person_id=person, plan=hand_plan(), created_at=NOW)
        for number, offset in enumerate((0, 2, 4, 7)):
            day = START + timedelta(days=offset)
            log_id = repository.add_session_log(
                session,
                person_id=person,
                log=a_log(day, pain_after=number, notes=f"session {number}\nfelt fine"),
                logged_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=18),
            )
            if number < 3:
                checkin = CheckIn(date=day + timedelta(days=1), pain=2, compared="same")
                repository.set_checkin(session, log_id=log_id, checkin=checkin)
            repository.replace_decisions(
                session, person_id=person, log_id=log_id, decided_on=day, decisions=some_decisions()
            )
        pause = Decision(exercise=None, kind=DecisionKind.PAUSE, reason="new numbness reported")
        repository.add_decisions(
            session, person_id=person, decided_on=START + timedelta(days=8), decisions=[pause]
        )
        correction = Revision(
            kind=RevisionKind.SET_CHANGED,
            day=START,
            summary="Corrected set 1 of Squat: reps 10 → 12.",
            before={"reps": 10},
            after={"reps": 12},
        )
        repository.add_revision(session, person_id=person, made_at=NOW, revision=correction)
        in_progress = START + timedelta(days=9)
        stored_drafts.add_draft_set(
            session,
            person_id=person,
            day=in_progress,
            exercise="squat",
            variation="squat",
            logged=SetLog(reps=12, rpe=7, pain=1, faults=("heels_lift",)),
            now=NOW,
        )
        stored_drafts.set_draft_skip(
            session, person_id=person, day=in_progress, exercise="locust", reason="no mat", now=NOW
        )
    return person


def snapshot(store: Store) -> dict[str, Any]:
    with store.transaction() as session:
        return export_data(session)


# Strategies for property tests: any valid value, not only the realistic ones. NUL is left
# out of text because PostgreSQL cannot store it in a text column.
_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
_FLOAT = st.floats(min_value=0.0, max_value=600.0, allow_nan=False, allow_infinity=False)
_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def _pair(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, Any] | None]:
    return st.none() | st.tuples(elements, elements).map(lambda p: (min(p), max(p)))


prescriptions = st.builds(
    Prescription,
    exercise=_TEXT,
    variation=_TEXT,
    sets=st.integers(1, 5),
    reps=_pair(st.integers(0, 100)),
    hold_s=_pair(_FLOAT),
    rest_s=st.integers(0, 600),
    per_side=st.booleans(),
    reason=_TEXT,
)
plans = st.builds(
    Plan,
    start=_DATES,
    weeks=st.lists(
        st.builds(
            PlanWeek,
            week=st.integers(1, 60),
            phase=st.sampled_from(Phase),
            sessions=st.lists(
                st.builds(
                    PlannedSession,
                    date=_DATES,
                    exercises=st.lists(prescriptions, max_size=4).map(tuple),
                ),
                max_size=4,
            ).map(tuple),
        ),
        max_size=5,
    ).map(tuple),
    desk_break=st.none()
    | st.builds(DeskBreak, note=_TEXT, exercises=st.lists(prescriptions, max_size=3).map(tuple)),
)
loads = (
    st.none()
    | st.builds(Load, kg=st.floats(0.25, 200, allow_nan=False))
    | st.builds(Load, band=st.sampled_from(Band))
)
set_logs = st.builds(
    SetLog,
    reps=st.integers(0, 100),
    load=loads,
    hold_s=st.none() | _FLOAT,
    rpe=st.integers(1, 10),
    pain=st.integers(0, 10),
    faults=st.lists(st.sampled_from(["heels_lift", "short_hold", "hips_low"]), max_size=2).map(
        tuple
    ),
)
session_logs = st.builds(
    SessionLog,
    date=_DATES,
    exercises=st.lists(
        st.builds(
            ExerciseLog,
            exercise=_TEXT,
            variation=_TEXT,
            sets=st.lists(set_logs, min_size=1, max_size=4).map(tuple),
        ),
        max_size=4,
    ).map(tuple),
    skipped=st.lists(st.builds(Skip, exercise=_TEXT, reason=_TEXT.filter(bool)), max_size=2).map(
        tuple
    ),
    pain_after=st.integers(0, 10),
    notes=_TEXT,
)
engine_decisions = st.builds(
    Decision,
    exercise=st.none() | _TEXT,
    kind=st.sampled_from([kind for kind in DecisionKind if kind is not DecisionKind.CHANGE]),
    reason=_TEXT,
    variation=st.none() | _TEXT,
    load=loads,
)
# A clinician's change: always of one exercise, by someone, with any dose and hold.
clinician_changes = st.builds(
    Decision,
    exercise=_TEXT,
    kind=st.just(DecisionKind.CHANGE),
    reason=_TEXT,
    variation=st.none() | _TEXT,
    load=loads,
    by=_TEXT.filter(str.strip),
    sets=st.none() | st.integers(1, 5),
    reps=_pair(st.integers(1, 100)),
    hold_s=_pair(st.floats(min_value=0.0, max_value=600.0, exclude_min=True)),
    held=st.booleans(),
)
decisions = engine_decisions | clinician_changes
