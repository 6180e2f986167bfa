"""Each exercise as a ladder of versions, easiest first, and which rungs a person's kit allows."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from backchain.exercises import Dosage, Equipment, Exercise
from backchain.programs.models import Load

__all__ = ["Rung", "carried_load", "fits", "is_loaded", "ladder", "rung", "step"]

# Floor work needs no kit: a mat is a comfort, and a folded blanket does the same job.
ALWAYS_AVAILABLE = frozenset({Equipment.NONE, Equipment.MAT})
WEIGHTS = frozenset({Equipment.DUMBBELLS, Equipment.KETTLEBELL})  # what a load in kg is


@dataclass(frozen=True)
class Rung:
    """One version of an exercise; level 0 is the main exercise, whose id is the exercise id."""

    id: str
    name: str
    level: int
    equipment: tuple[Equipment, ...]
    dosage: Dosage


def ladder(exercise: Exercise) -> list[Rung]:
    """All versions of an exercise, easiest first."""
    main = Rung(exercise.id, exercise.name, 0, tuple(exercise.equipment), exercise.dosage)
    others = [
        Rung(v.id, v.name, v.level, tuple(v.equipment), v.dosage) for v in exercise.variations
    ]
    return sorted([main, *others], key=lambda r: r.level)


def rung(exercise: Exercise, rung_id: str) -> Rung:
    """The version with this id; KeyError when the exercise has none."""
    for candidate in ladder(exercise):
        if candidate.id == rung_id:
            return candidate
    raise KeyError(f"{exercise.id} has no version '{rung_id}'")


def fits(version: Rung, equipment: Collection[Equipment]) -> bool:
    """True when any one of the version's equipment options is at hand."""
    return any(item in ALWAYS_AVAILABLE or item in equipment for item in version.equipment)


def is_loaded(version: Rung) -> bool:
    """True when the version is done with an external load (weights or a band) only."""
    return not ALWAYS_AVAILABLE.intersection(version.equipment)


def carried_load(load: Load | None, version: Rung) -> Load | None:
    """The load a version takes: `load` when the version is loaded and takes that kind of load
    (kg for weights, a band colour for a band), else None."""
    if load is None or not is_loaded(version):
        return None
    kinds = set(version.equipment)
    takes = Equipment.RESISTANCE_BAND in kinds if load.band is not None else bool(kinds & WEIGHTS)
    return load if takes else None


def step(
    exercise: Exercise,
    current: str,
    direction: Literal[-1, 1],
    equipment: Collection[Equipment],
) -> Rung | None:
    """The nearest easier (-1) or harder (+1) version that fits the kit; None at the end."""
    rungs = ladder(exercise)
    level = rung(exercise, current).level
    ahead = [r for r in rungs if (r.level - level) * direction > 0 and fits(r, equipment)]
    return min(ahead, key=lambda r: abs(r.level - level), default=None)
