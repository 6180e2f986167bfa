"""The session a person sees: planned versions moved by decisions, with the last decision's why."""

from datetime import date
from typing import Any

from backchain.exercises import load_catalogue
from backchain.programs.generator import FEWER_SETS_NOTE, generate_plan
from backchain.programs.models import (
    Decision,
    DecisionKind,
    ExerciseState,
    Phase,
    Plan,
    PlannedSession,
)
from backchain.programs.profile import parse_profile
from backchain.programs.tracking import adjusted

START = date(2025, 1, 6)  # a Monday
PROGRESSED = (
    "Every set reached the top of the range with effort (RPE) 8 or less and pain 3 or less, "
    "and the next morning was fine. Next time, the harder version: marching glute bridge."
)


def make_plan(**changes: Any) -> Plan:
    data = {
        "age": 40,
        "equipment": ["mat", "dumbbells"],
        "experience": "some",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 45,
        "sitting_hours": 4,
        "pain": 2,
    } | changes
    return generate_plan(parse_profile(data), START)


def first_session(plan: Plan) -> PlannedSession:
    return plan.weeks[0].sessions[0]


def planned_states(session: PlannedSession) -> dict[str, ExerciseState]:
    return {
        p.exercise: ExerciseState(exercise=p.exercise, variation=p.variation)
        for p in session.exercises
    }


def test_without_decisions_the_plan_is_what_you_see() -> None:
    session = first_session(make_plan())
    states = planned_states(session)
    assert adjusted(session, Phase.FOUNDATION, states, load_catalogue()) == session.exercises
    assert (
        adjusted(session, Phase.FOUNDATION, states, load_catalogue(), last={}) == session.exercises
    )


def test_the_last_decision_joins_the_reason_when_the_version_stays() -> None:
    session = first_session(make_plan())
    repeat = Decision(
        exercise="squat",
        kind=DecisionKind.REPEAT,
        reason="Work towards the top of the range in every set; the same again next time.",
        variation="squat",
    )
    shown = adjusted(
        session, Phase.FOUNDATION, planned_states(session), load_catalogue(), last={"squat": repeat}
    )
    squat = next(p for p in shown if p.exercise == "squat")
    planned = next(p for p in session.exercises if p.exercise == "squat")
    assert squat.reason == (
        f"{planned.reason} Last session: repeat — work towards the top of the range in every set; "
        "the same again next time."
    )
    assert squat.model_copy(update={"reason": planned.reason}) == planned
    others = [p for p in shown if p.exercise != "squat"]
    assert others == [p for p in session.exercises if p.exercise != "squat"]


def test_a_moved_version_is_redosed_and_says_why() -> None:
    session = first_session(make_plan())
    states = planned_states(session)
    states["glute_bridge"] = ExerciseState(exercise="glute_bridge", variation="marching_bridge")
    progress = Decision(
        exercise="glute_bridge",
        kind=DecisionKind.PROGRESS,
        reason=PROGRESSED,
        variation="marching_bridge",
    )
    shown = adjusted(
        session,
        Phase.FOUNDATION,
        states,
        load_catalogue(),
        last={"glute_bridge": progress},
        weeks=12,
    )
    bridge = next(p for p in shown if p.exercise == "glute_bridge")
    assert (bridge.variation, bridge.sets, bridge.reps, bridge.per_side) == (
        "marching_bridge",
        2,
        (10, 12),
        True,
    )
    assert bridge.reason == (
        "Foundation phase (weeks 1–4): 2 sets of 10–12 reps each side, more reps while the "
        "movement becomes familiar, as near as this version's range (6–12) allows. "
        "Changed from the plan because of your earlier sessions: now the marching glute bridge. "
        "Last session: progress — every set reached the top of the range with effort (RPE) 8 or "
        "less and pain 3 or less, and the next morning was fine. Next time, the harder version: "
        "marching glute bridge."
    )


def test_a_moved_version_without_a_last_decision_still_says_it_changed() -> None:
    session = first_session(make_plan())
    states = planned_states(session) | {
        "squat": ExerciseState(exercise="squat", variation="goblet_squat")
    }
    squat = next(
        p
        for p in adjusted(session, Phase.FOUNDATION, states, load_catalogue())
        if p.exercise == "squat"
    )
    assert squat.reason == (
        "Foundation phase: 2 sets of 10–12 reps, more reps while the movement becomes familiar, "
        "as near as this version's range (8–12) allows. Changed from the plan because of your "
        "earlier sessions: now the goblet squat."
    )


def test_an_acronym_at_the_start_of_a_decision_keeps_its_capitals() -> None:
    session = first_session(make_plan())
    hard = Decision(
        exercise="squat",
        kind=DecisionKind.REPEAT,
        reason="RPE 9 on the last set.",
        variation="squat",
    )
    shown = adjusted(
        session, Phase.FOUNDATION, planned_states(session), load_catalogue(), last={"squat": hard}
    )
    assert next(p for p in shown if p.exercise == "squat").reason.endswith(
        " Last session: repeat — RPE 9 on the last set."
    )


def test_a_moved_version_keeps_the_fewer_sets_the_time_allowed() -> None:
    plan = make_plan(days=["monday", "thursday"], minutes_per_session=20)
    build = next(w for w in plan.weeks if w.phase is Phase.BUILD)
    session = next(s for s in build.sessions if any(p.exercise == "squat" for p in s.exercises))
    planned = next(p for p in session.exercises if p.exercise == "squat")
    assert planned.sets == 3  # the squat's range is 3-3, so the plan could not lower it
    lowered = next(p for p in session.exercises if FEWER_SETS_NOTE in p.reason)
    states = planned_states(session) | {
        lowered.exercise: ExerciseState(
            exercise=lowered.exercise, variation=_harder(lowered.exercise)
        )
    }
    moved = next(
        p
        for p in adjusted(session, Phase.BUILD, states, load_catalogue(), weeks=12)
        if p.exercise == lowered.exercise
    )
    assert moved.sets == 2
    assert moved.reason.startswith("Build phase (weeks 5–8): 2 sets of ")
    assert FEWER_SETS_NOTE in moved.reason


def _harder(exercise: str) -> str:
    return {
        "glute_bridge": "marching_bridge",
        "romanian_deadlift": "staggered_stance_rdl",
        "downward_dog": "three_legged_dog",
        "locust": "locust_arms_forward",
    }[exercise]
