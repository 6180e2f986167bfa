"""Where a person stands in their plan: the versions in use, pauses, and the session for a day.

Everything here is derived from the plan and the stored decisions, never stored twice. A
clinician's change (CLINICAL.md) is one of those decisions: the engine continues from it.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from backchain.exercises import Catalogue
from backchain.programs.dosing import describe_dose, dose_words, prescribe
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
    """Each exercise's version and load now: the plan's first choice, then every decision in order.

    A clinician's change sets the version (None keeps it), the load, a dose and a hold, replacing
    any earlier change. The engine's decisions then move the version and load: the change's dose
    stays while the version stays the one it was set for, and its hold stays whatever happens.
    """
    states: dict[str, ExerciseState] = {}
    for week in plan.weeks:
        for session in week.sessions:
            for p in session.exercises:
                states.setdefault(
                    p.exercise, ExerciseState(exercise=p.exercise, variation=p.variation)
                )
    for decision in decisions:
        exercise = decision.exercise
        if exercise is None:
            continue
        before = states.get(exercise)
        if decision.kind is DecisionKind.CHANGE:
            changed = _changed(exercise, before, decision)
            if changed is not None:
                states[exercise] = changed
        elif decision.variation is not None:
            states[exercise] = _moved(exercise, before, decision.variation, decision)
    return states


def _changed(exercise: str, before: ExerciseState | None, change: Decision) -> ExerciseState | None:
    """The state a change sets; None when it keeps a version the exercise does not have yet."""
    variation, load = change.variation, change.load
    if variation is None:  # the version in use stays, and its load unless the change gives one
        if before is None:
            return None
        variation, load = before.variation, load if load is not None else before.load
    return ExerciseState(
        exercise=exercise,
        variation=variation,
        load=load,
        sets=change.sets,
        reps=change.reps,
        hold_s=change.hold_s,
        change=change,
    )


def _moved(
    exercise: str, before: ExerciseState | None, variation: str, decision: Decision
) -> ExerciseState:
    if before is not None and before.variation == variation:
        return before.model_copy(update={"load": decision.load})  # the clinician's dose stays
    held = before.change if before is not None and before.held else None
    return ExerciseState(exercise=exercise, variation=variation, load=decision.load, change=held)


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
    """The reason says, in order: the dose and why, how the version moved from the plan, the
    clinician's change in force (who and why), and the last decision."""
    decision = last.get(planned.exercise)
    change = None if state is None else state.change
    told = [] if change is None else [change.reason]
    said = [] if decision is None or decision == change else [_last_decision(decision)]
    if state is None or state.variation == planned.variation:
        shown, dose, moved = planned, [planned.reason], []
    else:
        shown, dose, name = _redosed(planned, phase, state.variation, catalogue, weeks)
        # With a clinician's change in force, its own words (`told`) say who moved what.
        why = "" if change is not None else " because of your earlier sessions"
        moved = [f"Changed from the plan{why}: now {name}."]
    if state is not None and state.dose:
        shown = shown.model_copy(update=state.dose)
        dose = [f"Your clinician's dose: {dose_words(shown)}."]
    if shown is planned and not (told or said):
        return planned
    return shown.model_copy(update={"reason": " ".join([*dose, *moved, *told, *said])})


def _redosed(
    planned: Prescription, phase: Phase, variation: str, catalogue: Catalogue, weeks: int | None
) -> tuple[Prescription, list[str], str]:
    """Another version, dosed for the phase: the prescription, why that dose, and its name."""
    exercise = catalogue.get(planned.exercise)
    version = rung(exercise, variation)
    moved = prescribe(exercise, version, phase, "")
    notes = []
    fewest = version.dosage.sets[0]
    lowered = planned.sets < prescribe(exercise, rung(exercise, planned.variation), phase, "").sets
    if lowered and moved.sets > fewest:
        # The plan lowered the sets to fit the person's time; the new version keeps to that.
        moved = moved.model_copy(update={"sets": fewest})
        notes.append(FEWER_SETS_NOTE)
    return moved, [describe_dose(version, moved, phase, weeks), *notes], _the(version.name)


def _last_decision(decision: Decision) -> str:
    """E.g. "Last session: repeat — work towards the top of the range in every set; …"; a
    clinician's change, which no session made, as its own words ("Changed by …")."""
    if decision.kind is DecisionKind.CHANGE:
        return decision.reason.strip()
    text = decision.reason.strip()
    # Lower-case the first letter to continue the sentence, unless it starts an acronym (RPE).
    if len(text) > 1 and text[1].islower():
        text = text[0].lower() + text[1:]
    return f"Last session: {decision.kind.value} — {text}"


def _the(name: str) -> str:
    return f"the {name[0].lower()}{name[1:]}"
