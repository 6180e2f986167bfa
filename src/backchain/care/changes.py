"""A clinician's change of a person's prescription: what the form sends, and the decision it makes.

CLINICAL.md, "Progression": a clinician who follows the person may change a prescription
(version, sets, reps, hold, load) or hold it where it is; the engine continues from it and never
progresses past a hold. Pure: the journal stores the decision, `programs.tracking` applies it.
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from backchain.errors import ProgramError
from backchain.exercises import Catalogue, Exercise
from backchain.programs.ladder import Rung, carried_load, is_loaded, ladder, rung
from backchain.programs.models import (
    Decision,
    DecisionKind,
    ExerciseState,
    FreeText,
    HoldRange,
    Load,
    RepRange,
    SetCount,
)

__all__ = ["MAX_NOTE", "NOTHING_TO_CHANGE", "PrescriptionChange", "change_decision"]

MAX_NOTE = 1000  # characters: a few sentences of why, shown to the person with the change
NOTHING_TO_CHANGE = "Nothing to change: give a version, a dose, a load or a hold."

Note = Annotated[
    FreeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE)
]


class PrescriptionChange(BaseModel):
    """What a clinician's form sends for one exercise: the version, dose and load they set (a
    version or load left out keeps the one in use; a dose left out is the app's own), whether
    to hold the exercise there, and why, in words the person will read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise: str
    variation: str | None = None
    sets: SetCount | None = None
    reps: RepRange | None = None
    hold_s: HoldRange | None = None
    load: Load | None = None
    held: bool = False
    note: Note


def change_decision(
    change: PrescriptionChange, *, by: str, state: ExerciseState, catalogue: Catalogue
) -> Decision:
    """The decision recording `change`, made by `by`, from where the exercise stands (`state`).

    Like the engine's decisions, its variation and load are what the next session uses: the
    version given or the one in use, and the load given or the one in use when that version
    takes it. A change replaces any earlier one for the exercise, its dose and hold included.
    """
    if change.exercise != state.exercise:
        raise ValueError(f"a change of '{change.exercise}' needs that exercise's state")
    name = by.strip()
    if not name:
        raise ProgramError("A change needs the name of the clinician who made it.")
    exercise = catalogue.get(change.exercise)
    version = _version(exercise, change.variation or state.variation)
    _check_load(change.load, version)
    _check_dose(change, version)
    return Decision(
        exercise=exercise.id,
        kind=DecisionKind.CHANGE,
        reason=_reason(change, name, state, version),
        variation=version.id,
        load=change.load if change.load is not None else carried_load(state.load, version),
        by=name,
        sets=change.sets,
        reps=change.reps,
        hold_s=change.hold_s,
        held=change.held,
    )


def _version(exercise: Exercise, variation: str) -> Rung:
    try:
        return rung(exercise, variation)
    except KeyError:
        versions = ", ".join(r.id for r in ladder(exercise))
        raise ProgramError(
            f"'{variation}' is not a version of {exercise.name}; choose one of: {versions}."
        ) from None


def _check_load(load: Load | None, version: Rung) -> None:
    """A load only for a version done with weights or a band, of the kind it takes (as the
    engine carries loads: kg for weights, a colour for a band)."""
    if load is None:
        return
    if not is_loaded(version):
        raise ProgramError(
            f"{version.name} is done without weights or a band, so it takes no load; "
            "leave the load out."
        )
    if carried_load(load, version) is None:
        wanted = "a weight in kg, not a band" if load.band is not None else "a band, not kg"
        raise ProgramError(f"{version.name} takes {wanted}.")


def _check_dose(change: PrescriptionChange, version: Rung) -> None:
    """Reps only for a version counted in reps, a hold only for one that has a hold."""
    if change.reps is not None and version.dosage.reps is None:
        raise ProgramError(f"{version.name} is held, not counted in reps; give a hold instead.")
    if change.hold_s is not None and version.dosage.hold_s is None:
        raise ProgramError(f"{version.name} is counted in reps, with no hold; give reps instead.")


def _reason(change: PrescriptionChange, by: str, state: ExerciseState, version: Rung) -> str:
    """Who changed what, and why: e.g. "Changed by Dr Ana Silva to 2 sets, 8–10 reps and held
    there: keep it steady while the hip settles." """
    what = _what(change, state, version)
    note = change.note if change.note[-1] in ".!?" else f"{change.note}."
    if what:
        held = " and held there" if change.held else ""
        released = " and released from the hold" if state.held and not change.held else ""
        return f"Changed by {by} to {', '.join(what)}{held}{released}: {note}"
    if change.held:
        return f"Held where it is by {by}: {note}"
    if state.held:
        return f"Hold released by {by}: {note}"
    if state.change is not None:
        return f"Back to the app's own progression by {by}: {note}"
    raise ProgramError(NOTHING_TO_CHANGE)


def _what(change: PrescriptionChange, state: ExerciseState, version: Rung) -> list[str]:
    parts = []
    if version.id != state.variation:
        parts.append(f"the {version.name[0].lower()}{version.name[1:]}")
    if change.sets is not None:
        parts.append(f"{change.sets} set" + ("s" if change.sets != 1 else ""))
    if change.reps is not None:
        parts.append(f"{_span(change.reps)} reps")
    if change.hold_s is not None:
        parts.append(f"{_span(change.hold_s)} s holds")
    if change.load is not None and change.load != state.load:
        load = change.load
        parts.append(f"the {load.band.value} band" if load.band is not None else f"{load.kg:g} kg")
    return parts


def _span(span: tuple[float, float]) -> str:
    low, high = (f"{value:g}" for value in span)
    return low if low == high else f"{low}–{high}"
