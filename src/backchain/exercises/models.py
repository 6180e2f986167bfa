"""Typed models of the exercise catalogue; the data file is validated against these on load."""

from enum import StrEnum
from typing import Annotated, Literal, Protocol, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = [
    "Cue",
    "Dosage",
    "Equipment",
    "Exercise",
    "Fault",
    "MovementPattern",
    "Muscle",
    "Variation",
]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3)]
_N = TypeVar("_N", int, float)


def _span(span: tuple[float, float]) -> str:
    low, high = (f"{value:g}" for value in span)
    return low if low == high else f"{low}–{high}"


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Identified = TypeVar("_Identified", bound=_HasId)


def _ordered(span: tuple[_N, _N]) -> tuple[_N, _N]:
    if span[0] > span[1]:
        raise ValueError(f"range must be [low, high], got [{span[0]}, {span[1]}]")
    return span


# Bounds are sanity limits on the data file, not clinical rules; the clinical ranges are
# checked against CLINICAL.md in the tests.
Sets = Annotated[
    tuple[Annotated[int, Field(ge=1, le=5)], Annotated[int, Field(ge=1, le=5)]],
    AfterValidator(_ordered),
]
Reps = Annotated[
    tuple[Annotated[int, Field(ge=1, le=30)], Annotated[int, Field(ge=1, le=30)]],
    AfterValidator(_ordered),
]
HoldSeconds = Annotated[
    tuple[Annotated[float, Field(gt=0, le=60)], Annotated[float, Field(gt=0, le=60)]],
    AfterValidator(_ordered),
]


class Equipment(StrEnum):
    NONE = "none"
    MAT = "mat"
    RESISTANCE_BAND = "resistance_band"
    DUMBBELLS = "dumbbells"
    KETTLEBELL = "kettlebell"


class MovementPattern(StrEnum):
    BRIDGE = "bridge"
    HIP_HINGE = "hip_hinge"
    BALLISTIC_HINGE = "ballistic_hinge"
    HORIZONTAL_PULL = "horizontal_pull"
    SQUAT = "squat"
    BACK_EXTENSION = "back_extension"
    INVERSION = "inversion"


class Muscle(StrEnum):
    GLUTEUS_MAXIMUS = "gluteus_maximus"
    GLUTEUS_MEDIUS = "gluteus_medius"
    HAMSTRINGS = "hamstrings"
    ERECTOR_SPINAE = "erector_spinae"
    MULTIFIDUS = "multifidus"
    LATISSIMUS_DORSI = "latissimus_dorsi"
    RHOMBOIDS = "rhomboids"
    TRAPEZIUS = "trapezius"
    REAR_DELTOIDS = "rear_deltoids"
    SHOULDERS = "shoulders"
    BICEPS = "biceps"
    FOREARMS = "forearms"
    QUADRICEPS = "quadriceps"
    ADDUCTORS = "adductors"
    CALVES = "calves"
    ABDOMINALS = "abdominals"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dosage(_Model):
    """How much: sets, a rep range and/or a hold time, and rest between sets."""

    sets: Sets
    reps: Reps | None = None
    hold_s: HoldSeconds | None = None
    rest_s: Annotated[int, Field(ge=15, le=300)]
    per_side: bool = False

    @model_validator(mode="after")
    def _reps_or_hold(self) -> Self:
        if self.reps is None and self.hold_s is None:
            raise ValueError("give reps, hold_s or both")
        return self

    def describe(self) -> str:
        """One line a person can follow, e.g. "2–3 sets × 8–25 reps, rest 60 s"."""
        side = " each side" if self.per_side else ""
        sets = _span(self.sets)
        parts = [f"{sets} {'set' if sets == '1' else 'sets'}"]
        if self.reps is not None:
            parts[0] += f" × {_span(self.reps)} reps{side}"
        if self.hold_s is not None:
            # With reps the hold is at the top of every rep; without them the hold is the set.
            each = " per rep" if self.reps is not None else side
            parts.append(f"hold {_span(self.hold_s)} s{each}")
        parts.append(f"rest {self.rest_s} s")
        return ", ".join(parts)


class Cue(_Model):
    """One thing to do or feel, in plain words; faults point at it by id."""

    id: Slug
    text: Text


class Fault(_Model):
    """A common way the movement goes wrong, the cue it breaks, and whether a camera can see it."""

    id: Slug
    text: Text
    breaks: Slug
    camera_checkable: bool


def _unique_ids(items: list[_Identified]) -> list[_Identified]:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"duplicate id '{item.id}'")
        seen.add(item.id)
    return items


Cues = Annotated[list[Cue], Field(min_length=1), AfterValidator(_unique_ids)]


class Variation(_Model):
    """An easier (regression) or harder (progression) version of an exercise."""

    id: Slug
    name: Text
    kind: Literal["regression", "progression"]
    level: Annotated[int, Field(ge=-3, le=3)]
    equipment: Annotated[list[Equipment], Field(min_length=1)]
    summary: Text
    cues: Cues
    dosage: Dosage

    @model_validator(mode="after")
    def _level_matches_kind(self) -> Self:
        if self.level == 0 or (self.level < 0) != (self.kind == "regression"):
            raise ValueError(
                "level must be negative for a regression and positive for a progression"
            )
        return self


class Exercise(_Model):
    """One of the seven exercises, with everything needed to teach, dose and check it."""

    id: Slug
    name: Text
    pattern: MovementPattern
    primary_muscles: Annotated[list[Muscle], Field(min_length=1)]
    secondary_muscles: list[Muscle] = []
    equipment: Annotated[list[Equipment], Field(min_length=1)]
    setup: Annotated[list[Text], Field(min_length=1)]
    steps: Annotated[list[Text], Field(min_length=2)]
    cues: Cues
    faults: Annotated[list[Fault], Field(min_length=1), AfterValidator(_unique_ids)]
    dosage: Dosage
    cautions: Annotated[list[Text], Field(min_length=1)]
    sources: Annotated[list[Text], Field(min_length=1)]
    variations: Annotated[list[Variation], AfterValidator(_unique_ids)]

    @field_validator("faults")
    @classmethod
    def _faults_name_real_cues(cls, faults: list[Fault], info: ValidationInfo) -> list[Fault]:
        cue_ids = {cue.id for cue in info.data.get("cues", [])}
        for fault in faults:
            if fault.breaks not in cue_ids:
                raise ValueError(f"fault '{fault.id}' breaks unknown cue '{fault.breaks}'")
        return faults

    @field_validator("variations")
    @classmethod
    def _two_each_way(cls, variations: list[Variation]) -> list[Variation]:
        for kind in ("regression", "progression"):
            levels = [v.level for v in variations if v.kind == kind]
            if len(levels) < 2:
                raise ValueError(f"needs at least two {kind}s, found {len(levels)}")
            if len(set(levels)) != len(levels):
                raise ValueError(f"two {kind}s share a level; give each its own step")
        return variations

    @property
    def regressions(self) -> list[Variation]:
        """Easier versions, the nearest step first."""
        return sorted(
            (v for v in self.variations if v.kind == "regression"), key=lambda v: -v.level
        )

    @property
    def progressions(self) -> list[Variation]:
        """Harder versions, the nearest step first."""
        return sorted(
            (v for v in self.variations if v.kind == "progression"), key=lambda v: v.level
        )

    def variation(self, variation_id: str) -> Variation:
        for candidate in self.variations:
            if candidate.id == variation_id:
                return candidate
        raise KeyError(variation_id)
