"""Where a person stands in their plan: the versions in use, pauses, and the session for a day.

Everything here is derived from the plan and the stored decisions, never stored twice.
"""

from collections.abc import Iterable, Sequence
from datetime import date

from backchain.exercises import Catalogue
from backchain.programs.dosing import prescribe
from backchain.programs.ladder import rung
from backchain.programs.models import (
    Decision,
    DecisionKind,
    ExerciseState,
    Phase,
    Plan,
    PlannedSession,
    PlanWeek,
    Prescription,
)

__all__ = ["adjusted", "current_states", "next_session", "program_pause"]


def current_states(plan: Plan, decisions: Iterable[Decision]) -> dict[str, ExerciseState]:
    """Each exercise's version and load now: the plan's first choice, then every decision in order."""
    states: dict[str, ExerciseState] = {}
    for week in plan.weeks:
        for session in week.sessions:
            for p in session.exercises:
                states.setdefault(
                    p.exercise, ExerciseState(exercise=p.exercise, variation=p.variation)
                )
    for decision in decisions:
        if decision.exercise is not None and decision.variation is not None:
            states[decision.exercise] = ExerciseState(
                exercise=decision.exercise, variation=decision.variation, load=decision.load
            )
    return states


def program_pause(decisions: Sequence[Decision]) -> Decision | None:
    """The pause in force: the latest program-level decision, when it is a pause."""
    program_level = [d for d in decisions if d.exercise is None]
    if program_level and program_level[-1].kind is DecisionKind.PAUSE:
        return program_level[-1]
    return None


def next_session(plan: Plan, day: date) -> tuple[PlanWeek, PlannedSession] | None:
    """The first session planned on or after this day; None once the plan is over."""
    for week in plan.weeks:
        for session in week.sessions:
            if session.date >= day:
                return week, session
    return None


def adjusted(
    session: PlannedSession,
    phase: Phase,
    states: dict[str, ExerciseState],
    catalogue: Catalogue,
) -> tuple[Prescription, ...]:
    """The planned session with each exercise in the version the decisions have moved it to."""
    result = []
    for planned in session.exercises:
        state = states.get(planned.exercise)
        if state is None or state.variation == planned.variation:
            result.append(planned)
            continue
        exercise = catalogue.get(planned.exercise)
        version = rung(exercise, state.variation)
        reason = f"Changed from your earlier sessions: now the {version.name.lower()}."
        result.append(prescribe(exercise, version, phase, reason))
    return tuple(result)
