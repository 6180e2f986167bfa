"""Where a person stands in their plan: the versions in use, pauses, and the session for a day.

Everything here is derived from the plan and the stored decisions, never stored twice.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from backchain.exercises import Catalogue
from backchain.programs.dosing import describe_dose, prescribe
from backchain.programs.generator import FEWER_SETS_NOTE
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
    *,
    last: Mapping[str, Decision] | None = None,
    weeks: int | None = None,
) -> tuple[Prescription, ...]:
    """The planned session with each exercise in the version the decisions have moved it to.

    `last` is the latest decision per exercise id: its kind and reason join the prescription's
    reason. `weeks` is the plan's length, to name the phase's weeks when a version is redosed.
    """
    last = last if last is not None else {}
    return tuple(
        _adjusted_one(planned, phase, states.get(planned.exercise), catalogue, last, weeks)
        for planned in session.exercises
    )


def _adjusted_one(
    planned: Prescription,
    phase: Phase,
    state: ExerciseState | None,
    catalogue: Catalogue,
    last: Mapping[str, Decision],
    weeks: int | None,
) -> Prescription:
    decision = last.get(planned.exercise)
    said = [] if decision is None else [_last_decision(decision)]
    if state is None or state.variation == planned.variation:
        if not said:
            return planned
        return planned.model_copy(update={"reason": " ".join([planned.reason, *said])})
    exercise = catalogue.get(planned.exercise)
    version = rung(exercise, state.variation)
    moved = prescribe(exercise, version, phase, "")
    notes = []
    fewest = version.dosage.sets[0]
    lowered = planned.sets < prescribe(exercise, rung(exercise, planned.variation), phase, "").sets
    if lowered and moved.sets > fewest:
        # The plan lowered the sets to fit the person's time; the new version keeps to that.
        moved = moved.model_copy(update={"sets": fewest})
        notes.append(FEWER_SETS_NOTE)
    changed = f"Changed from the plan because of your earlier sessions: now {_the(version.name)}."
    reason = " ".join([describe_dose(version, moved, phase, weeks), *notes, changed, *said])
    return moved.model_copy(update={"reason": reason})


def _last_decision(decision: Decision) -> str:
    """E.g. "Last session: repeat — work towards the top of the range in every set; …"."""
    text = decision.reason.strip()
    # Lower-case the first letter to continue the sentence, unless it starts an acronym (RPE).
    if len(text) > 1 and text[1].islower():
        text = text[0].lower() + text[1:]
    return f"Last session: {decision.kind.value} — {text}"


def _the(name: str) -> str:
    return f"the {name[0].lower()}{name[1:]}"
