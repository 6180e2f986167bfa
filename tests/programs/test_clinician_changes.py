"""A clinician's change or hold of a prescription (CLINICAL.md, "Progression"): the person sees
who changed what and why, the engine continues from it, never progresses past a hold, and its
safety rules still apply.

Expected versions, loads, doses and reasons are written out by hand from CLINICAL.md, the
catalogue's ladders (the Romanian deadlift: bodyweight hip hinge below it; the glute bridge:
the marching bridge above it) and the 2 kg dumbbell step.
"""

from collections.abc import Sequence
from datetime import date

import pytest
from pydantic import ValidationError

from backchain.care import PrescriptionChange, change_decision
from backchain.care.changes import NOTHING_TO_CHANGE
from backchain.errors import ProgramError
from backchain.exercises import Equipment, load_catalogue
from backchain.programs.generator import generate_plan
from backchain.programs.models import (
    Band,
    CheckIn,
    Decision,
    DecisionKind,
    ExerciseLog,
    ExerciseState,
    Load,
    Phase,
    Plan,
    Prescription,
    SessionLog,
    SetLog,
)
from backchain.programs.profile import parse_profile
from backchain.programs.progression import decide_session
from backchain.programs.tracking import adjusted, current_states

CATALOGUE = load_catalogue()
START = date(2025, 1, 6)  # a Monday
DAY = date(2025, 1, 8)
FINE = CheckIn(date=date(2025, 1, 9), pain=1, compared="same")
WORSE = CheckIn(date=date(2025, 1, 9), pain=4, compared="worse")
RED_FLAG = CheckIn(date=date(2025, 1, 9), pain=1, compared="same", new_red_flags=True)
KIT = frozenset({Equipment.MAT, Equipment.DUMBBELLS})
BY = "Dr Ana Silva"
RDL = "romanian_deadlift"
# The engine had already moved the deadlift to 10 kg before the clinician saw the person.
AT_TEN_KG = Decision(
    exercise=RDL, kind=DecisionKind.PROGRESS, reason="Earlier.", variation=RDL, load=Load(kg=10)
)
HELD_REASON = f"Held at this level by {BY}: the same again until they change it."


def make_plan() -> Plan:
    profile = {
        "age": 40,
        "equipment": ["mat", "dumbbells"],
        "experience": "some",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 45,
        "sitting_hours": 4,
        "pain": 2,
    }
    return generate_plan(parse_profile(profile), START)


PLAN = make_plan()
SESSION = PLAN.weeks[0].sessions[0]  # the deadlift here is planned as 2 sets of 10-12 reps


def change(decisions: Sequence[Decision], **fields: object) -> Decision:
    """A clinician's change of the deadlift, made from where the decisions left it."""
    state = current_states(PLAN, decisions)[str(fields.get("exercise", RDL))]
    form = PrescriptionChange.model_validate({"exercise": RDL} | fields)
    return change_decision(form, by=BY, state=state, catalogue=CATALOGUE)


def shown(decisions: Sequence[Decision], exercise: str = RDL) -> Prescription:
    """The exercise as the plan and the session show it after these decisions."""
    last = {d.exercise: d for d in decisions if d.exercise is not None}
    prescriptions = adjusted(
        SESSION, Phase.FOUNDATION, current_states(PLAN, decisions), CATALOGUE, last=last, weeks=12
    )
    return next(p for p in prescriptions if p.exercise == exercise)


def decide(
    decisions: Sequence[Decision],
    sets: Sequence[SetLog],
    *,
    checkin: CheckIn | None = FINE,
    variation: str = RDL,
) -> Decision:
    """The engine's decision for the deadlift after a session with these sets."""
    prescription = shown(decisions)
    log = SessionLog(
        date=DAY,
        exercises=(ExerciseLog(exercise=RDL, variation=variation, sets=tuple(sets)),),
        pain_after=1,
    )
    (decision,) = decide_session(
        catalogue=CATALOGUE,
        session=log,
        prescriptions=[prescription],
        states=current_states(PLAN, decisions),
        checkin=checkin,
        earlier=[],
        equipment=KIT,
    )
    return decision


def sets(*reps: int, kg: float = 12, pain: int = 1, rpe: int = 6) -> list[SetLog]:
    return [SetLog(reps=n, load=Load(kg=kg), rpe=rpe, pain=pain) for n in reps]


# -- the person sees who changed what and why ------------------------------------------------


def test_a_changed_dose_and_load_show_with_who_and_why() -> None:
    changed = change([AT_TEN_KG], sets=3, reps=(8, 10), load={"kg": 12}, note="Heavier, fewer reps")
    history = [AT_TEN_KG, changed]
    deadlift = shown(history)
    assert (deadlift.variation, deadlift.sets, deadlift.reps, deadlift.hold_s) == (
        RDL,
        3,
        (8, 10),
        None,
    )
    assert current_states(PLAN, history)[RDL].load == Load(kg=12)
    assert deadlift.reason == (
        "Your clinician's dose: 3 sets of 8–10 reps. "
        "Changed by Dr Ana Silva to 3 sets, 8–10 reps, 12 kg: Heavier, fewer reps."
    )
    others = [
        p
        for p in adjusted(SESSION, Phase.FOUNDATION, current_states(PLAN, history), CATALOGUE)
        if p.exercise != RDL
    ]
    assert others == [p for p in SESSION.exercises if p.exercise != RDL]


def test_a_changed_version_is_dosed_for_the_phase_and_says_who_moved_it() -> None:
    moved = change([], exercise="glute_bridge", variation="marching_bridge", note="Ready for it")
    bridge = shown([moved], "glute_bridge")
    assert (bridge.variation, bridge.sets, bridge.reps, bridge.per_side) == (
        "marching_bridge",
        2,
        (10, 12),
        True,
    )
    assert bridge.reason == (
        "Foundation phase (weeks 1–4): 2 sets of 10–12 reps each side, more reps while the "
        "movement becomes familiar, as near as this version's range (6–12) allows. "
        "Changed from the plan: now the marching glute bridge. "
        "Changed by Dr Ana Silva to the marching glute bridge: Ready for it."
    )


def test_a_hold_still_shows_who_and_why_after_the_next_session() -> None:
    held = change(
        [AT_TEN_KG], sets=2, reps=(8, 10), held=True, note="Steady while the hip settles."
    )
    repeat = decide([AT_TEN_KG, held], sets(10, 10, kg=10))
    assert shown([AT_TEN_KG, held, repeat]).reason == (
        "Your clinician's dose: 2 sets of 8–10 reps. "
        "Changed by Dr Ana Silva to 2 sets, 8–10 reps and held there: Steady while the hip "
        "settles. Last session: repeat — held at this level by Dr Ana Silva: the same again "
        "until they change it."
    )


# -- a hold: never a step up; the safety rules still apply ----------------------------------


def test_a_held_exercise_that_meets_every_progression_condition_is_not_progressed() -> None:
    held = change([AT_TEN_KG], load={"kg": 12}, reps=(8, 10), held=True, note="Hold here")
    # Every set at the top of the clinician's range, RPE 6, pain 1, a good next morning.
    decision = decide([AT_TEN_KG, held], sets(10, 10))
    assert decision == Decision(
        exercise=RDL,
        kind=DecisionKind.REPEAT,
        reason=HELD_REASON,
        variation=RDL,
        load=Load(kg=12),
    )


def test_the_same_session_without_the_hold_progresses_from_the_clinicians_load() -> None:
    changed = change([AT_TEN_KG], load={"kg": 12}, reps=(8, 10), note="Go on from here")
    # 10 reps is the top of the clinician's 8-10, though short of the plan's 10-12.
    decision = decide([AT_TEN_KG, changed], sets(10, 10))
    assert (decision.kind, decision.variation, decision.load) == (
        DecisionKind.PROGRESS,
        RDL,
        Load(kg=14),
    )


@pytest.mark.parametrize(
    ("logged", "checkin", "kind", "variation", "load"),
    [
        # Pain above 5 in the exercise: the easier version, as without a hold.
        (sets(10, 10, pain=7), FINE, DecisionKind.REGRESS, "bodyweight_hip_hinge", None),
        # Reps below the clinician's range: one load step lighter.
        (sets(10, 6), FINE, DecisionKind.REDUCE, RDL, Load(kg=10)),
        # Worse the next morning: one load step lighter.
        (sets(10, 10), WORSE, DecisionKind.REDUCE, RDL, Load(kg=10)),
    ],
    ids=["pain 7", "short set", "worse next morning"],
)
def test_the_safety_rules_still_apply_under_a_hold(
    logged: list[SetLog],
    checkin: CheckIn,
    kind: DecisionKind,
    variation: str,
    load: Load | None,
) -> None:
    held = change([AT_TEN_KG], load={"kg": 12}, reps=(8, 10), held=True, note="Hold here")
    decision = decide([AT_TEN_KG, held], logged, checkin=checkin)
    assert (decision.kind, decision.variation, decision.load) == (kind, variation, load)


def test_a_red_flag_pauses_the_program_under_a_hold() -> None:
    held = change([AT_TEN_KG], held=True, note="Hold here")
    decision = decide([AT_TEN_KG, held], sets(10, 10, kg=10), checkin=RED_FLAG)
    assert (decision.exercise, decision.kind) == (None, DecisionKind.PAUSE)


def test_after_a_safety_regression_the_hold_still_stands() -> None:
    held = change([AT_TEN_KG], sets=2, reps=(8, 10), held=True, note="Hold here")
    regressed = decide([AT_TEN_KG, held], sets(10, 10, kg=10, pain=7))
    history = [AT_TEN_KG, held, regressed]
    state = current_states(PLAN, history)[RDL]
    # The easier version keeps the hold, but not the dose set for the deadlift.
    assert (state.variation, state.held_by, state.sets, state.reps) == (
        "bodyweight_hip_hinge",
        BY,
        None,
        None,
    )
    perfect = [SetLog(reps=12, rpe=6, pain=1)] * 2
    again = decide(history, perfect, variation="bodyweight_hip_hinge")
    assert (again.kind, again.variation, again.reason) == (
        DecisionKind.REPEAT,
        "bodyweight_hip_hinge",
        HELD_REASON,
    )


def test_a_later_change_without_a_hold_releases_it() -> None:
    held = change([AT_TEN_KG], load={"kg": 12}, held=True, note="Hold here")
    released = change([AT_TEN_KG, held], note="Cleared to progress")
    history = [AT_TEN_KG, held, released]
    assert released.reason == "Hold released by Dr Ana Silva: Cleared to progress."
    assert current_states(PLAN, history)[RDL].held is False
    # Back to the plan's 10-12: every set at 12 with a good morning steps up from 12 kg.
    decision = decide(history, sets(12, 12))
    assert (decision.kind, decision.load) == (DecisionKind.PROGRESS, Load(kg=14))


# -- what a change may be --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"variation": "goblet_squat"},
            "'goblet_squat' is not a version of Dumbbell Romanian deadlift; choose one of: "
            "wall_hip_hinge, bodyweight_hip_hinge, romanian_deadlift, staggered_stance_rdl, "
            "single_leg_rdl.",
        ),
        (
            {"variation": "bodyweight_hip_hinge", "load": {"kg": 12}},
            "Bodyweight hip hinge is done without weights or a band, so it takes no load; "
            "leave the load out.",
        ),
        (
            {"load": {"band": Band.RED}},
            "Dumbbell Romanian deadlift takes a weight in kg, not a band.",
        ),
        (
            {"hold_s": (5, 10)},
            "Dumbbell Romanian deadlift is counted in reps, with no hold; give reps instead.",
        ),
        ({}, NOTHING_TO_CHANGE),
    ],
    ids=["not a version", "load on bodyweight", "band for dumbbells", "hold for reps", "nothing"],
)
def test_a_change_that_does_not_fit_the_exercise_is_refused(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ProgramError) as raised:
        change([AT_TEN_KG], note="Why", **fields)
    assert str(raised.value) == message


def test_reps_for_a_hold_only_exercise_are_refused() -> None:
    with pytest.raises(ProgramError, match="Downward-facing dog is held, not counted in reps"):
        change([], exercise="downward_dog", reps=(8, 10), note="Why")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reps": (10, 8)}, "a range goes from low to high, got 10 to 8"),
        ({"sets": 6}, "less than or equal to 5"),
        ({"hold_s": (0, 10)}, "greater than 0"),
        ({"note": "   "}, "at least 1 character"),
        ({"variation": RDL, "colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_a_form_out_of_bounds_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PrescriptionChange.model_validate({"exercise": RDL, "note": "Why"} | fields)


def test_only_a_clinicians_change_names_who_and_holds() -> None:
    with pytest.raises(ValidationError, match="names the exercise and who made it"):
        Decision(exercise=RDL, kind=DecisionKind.CHANGE, reason="Why", variation=RDL)
    with pytest.raises(ValidationError, match="only a clinician's change"):
        Decision(exercise=RDL, kind=DecisionKind.REPEAT, reason="Why", variation=RDL, held=True)
    with pytest.raises(ValidationError, match="only a clinician's change"):
        Decision(exercise=RDL, kind=DecisionKind.REPEAT, reason="Why", sets=2)


def test_a_state_holds_only_through_a_clinicians_change() -> None:
    with pytest.raises(ValidationError, match="a clinician's change"):
        ExerciseState(exercise=RDL, variation=RDL, change=AT_TEN_KG)
