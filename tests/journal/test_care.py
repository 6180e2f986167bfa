"""A clinician's change through the real journal and storage: a held exercise is not progressed
by a session that would progress it, and a correction decides the sessions again around the
hold, which keeps its place."""

from datetime import date, datetime, timedelta

import pytest
from test_simulation import NOW, PROFILE, START

from backchain import journal
from backchain.care import PrescriptionChange
from backchain.errors import ProgramError
from backchain.exercises import Equipment
from backchain.journal import corrections
from backchain.journal.care import change_prescription
from backchain.journal.state import load_journal
from backchain.programs.models import (
    CheckIn,
    Decision,
    DecisionKind,
    ExerciseLog,
    SessionLog,
    SetLog,
)
from backchain.store import Store

MONDAY, TUESDAY, WEDNESDAY, THURSDAY = (START + timedelta(days=n) for n in range(4))
BY = "Dr Ana Silva"
HELD = f"Held at this level by {BY}: the same again until they change it."


@pytest.fixture
def started(store: Store) -> Store:
    journal.start_program(store, profile=PROFILE, start=START, now=NOW)
    return store


def person(store: Store) -> int:
    with store.read() as session:
        return load_journal(session).person_id


def at_the_top(store: Store, day: date) -> SessionLog:
    """The day's whole session, every planned set at the top of its range, RPE 6 and pain 1:
    a session that meets every condition to progress."""
    exercises = tuple(
        ExerciseLog(
            exercise=p.exercise,
            variation=p.variation,
            sets=tuple(
                SetLog(
                    reps=None if p.reps is None else p.reps[1],
                    hold_s=None if p.hold_s is None else p.hold_s[1],
                    rpe=6,
                    pain=1,
                )
                for _ in range(p.sets)
            ),
        )
        for p in journal.to_log(store, day=day).prescriptions
    )
    return SessionLog(date=day, exercises=exercises, pain_after=1)


def log_and_check_in(store: Store, day: date) -> dict[str, Decision]:
    """Log a session at the top of every range, then a good next morning; the decisions stored."""
    journal.log_session(store, log=at_the_top(store, day), now=NOW)
    checkin = CheckIn(date=day + timedelta(days=1), pain=1, compared="same")
    decided = journal.check_in(store, checkin=checkin)
    assert decided == list(stored(store, day).values())
    return stored(store, day)


def stored(store: Store, day: date) -> dict[str, Decision]:
    with store.read() as session:
        found = load_journal(session)
        logged = found.log_on(day)
        assert logged is not None
        return {d.exercise or "": d for d in found.decisions_for(logged[0])}


def hold(store: Store, exercise: str, note: str, now: datetime = NOW) -> Decision:
    change = PrescriptionChange(exercise=exercise, held=True, note=note)
    return change_prescription(store, person_id=person(store), change=change, by=BY, now=now)


def test_a_held_exercise_is_not_progressed_by_a_session_that_would_progress_it(
    started: Store,
) -> None:
    held = hold(started, "glute_bridge", "Stay here while the hip settles")
    assert (held.kind, held.variation, held.by, held.held) == (
        DecisionKind.CHANGE,
        "glute_bridge",
        BY,
        True,
    )
    # The person sees who held it and why on the day's session.
    bridge = next(
        p for p in journal.today(started, day=MONDAY).prescriptions if p.exercise == "glute_bridge"
    )
    assert bridge.reason.endswith(
        "Held where it is by Dr Ana Silva: Stay here while the hip settles."
    )
    decided = log_and_check_in(started, MONDAY)
    assert (decided["glute_bridge"].kind, decided["glute_bridge"].variation) == (
        DecisionKind.REPEAT,
        "glute_bridge",
    )
    assert decided["glute_bridge"].reason == HELD
    # The same session steps up the exercises nobody holds.
    assert decided["squat"].kind is DecisionKind.PROGRESS
    assert decided["bent_over_row"].kind is DecisionKind.PROGRESS


def test_a_correction_decides_again_around_the_hold_in_its_place(started: Store) -> None:
    monday = log_and_check_in(started, MONDAY)
    assert (monday["glute_bridge"].kind, monday["glute_bridge"].variation) == (
        DecisionKind.PROGRESS,
        "marching_bridge",
    )
    # On Tuesday the clinician holds the bridge where Monday's session moved it.
    held = hold(started, "glute_bridge", "Stay here", now=NOW + timedelta(days=1))
    assert held.variation == "marching_bridge"
    wednesday = log_and_check_in(started, WEDNESDAY)
    assert (wednesday["glute_bridge"].kind, wednesday["glute_bridge"].reason) == (
        DecisionKind.REPEAT,
        HELD,
    )
    # Monday's squat corrected to pain 7: Monday and Wednesday are decided again.
    corrections.change_set(
        started,
        day=MONDAY,
        exercise="squat",
        number=1,
        logged=SetLog(reps=15, rpe=6, pain=7),
        now=NOW + timedelta(days=3),
    )
    monday = stored(started, MONDAY)
    assert monday["squat"].kind is DecisionKind.REGRESS
    assert monday["glute_bridge"].kind is DecisionKind.REPEAT  # pain above 5 that day
    # The hold still comes after Monday and before Wednesday, and still holds the bridge.
    wednesday = stored(started, WEDNESDAY)
    assert (
        wednesday["glute_bridge"].kind,
        wednesday["glute_bridge"].variation,
        wednesday["glute_bridge"].reason,
    ) == (DecisionKind.REPEAT, "marching_bridge", HELD)
    with started.read() as session:
        found = load_journal(session)
    batches = {r.decision.kind: r.batch for r in found.decisions if r.log_id is None}
    logs = {log.date: log_id for log_id, log in found.logs}
    monday_batch, wednesday_batch = (
        min(r.batch for r in found.decisions if r.log_id == logs[day])
        for day in (MONDAY, WEDNESDAY)
    )
    assert monday_batch < batches[DecisionKind.CHANGE] < wednesday_batch
    assert found.states["glute_bridge"].held_by == BY
    assert found.states["glute_bridge"].variation == "marching_bridge"


def test_a_change_of_an_exercise_not_in_the_plan_is_refused(started: Store) -> None:
    change = PrescriptionChange(exercise="plank", held=True, note="Why")
    with pytest.raises(ProgramError, match="'plank' is not in this plan; it holds bent_over_row,"):
        change_prescription(started, person_id=person(started), change=change, by=BY, now=NOW)
    with started.read() as session:
        assert load_journal(session).decisions == ()  # nothing was stored


def test_a_version_that_needs_kit_the_person_lacks_is_refused(store: Store) -> None:
    mat_only = PROFILE.model_copy(update={"equipment": [Equipment.MAT]})
    journal.start_program(store, profile=mat_only, start=START, now=NOW)
    change = PrescriptionChange(
        exercise="bent_over_row", variation="supported_single_arm_row", note="One arm at a time."
    )
    with pytest.raises(ProgramError, match="needs dumbbells or kettlebell, which is not in"):
        change_prescription(store, person_id=person(store), change=change, by=BY, now=NOW)
    with store.read() as session:
        assert load_journal(session).decisions == ()  # nothing was stored
