"""Typed values of programs: the profile, the plan, session logs, check-ins and decisions."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    field_validator,
    model_validator,
)

from backchain.exercises import Dosage, Equipment
from backchain.outcomes import PainScore

__all__ = [
    "MAX_CLINICIAN_NAME",
    "MAX_HOLD_S",
    "MAX_REPS",
    "MAX_SETS",
    "Band",
    "CheckIn",
    "ClinicianName",
    "Compared",
    "Decision",
    "DecisionKind",
    "DeskBreak",
    "ExerciseLog",
    "ExerciseState",
    "Experience",
    "FreeText",
    "HoldRange",
    "Load",
    "Phase",
    "Plan",
    "PlanWeek",
    "PlannedSession",
    "Prescription",
    "Profile",
    "RepRange",
    "Revision",
    "RevisionKind",
    "Rpe",
    "SessionDraft",
    "SessionLog",
    "SetCount",
    "SetLog",
    "Skip",
    "Weekday",
]

Rpe = Annotated[int, Field(ge=1, le=10)]
# Free text a person types; NUL cannot be stored by PostgreSQL and is never meant.
FreeText = Annotated[str, Field(pattern=r"^[^\x00]*$")]
MIN_WEEKS, MAX_WEEKS, DEFAULT_WEEKS = 12, 16, 12  # CLINICAL.md: 12-16 weeks is what works
MIN_DAYS, MAX_DAYS = (
    2,
    5,
)  # CLINICAL.md: trials used 2-3 supervised sessions, up to 5 with home sessions
# NICE NG59 covers people aged 16 and over; the upper bound is a sanity check on the input.
MIN_AGE, MAX_AGE = 16, 120
# Sanity bounds on what a set can hold, for a logged set and a clinician's dose alike.
MAX_REPS = 100  # reps in one set
MAX_HOLD_S = 600.0  # seconds held in one set: ten minutes
MAX_SETS = 5  # sets of one exercise in a session
MAX_CLINICIAN_NAME = 200  # characters: a display name, as the person sees it

_N = TypeVar("_N", int, float)


def _in_order(span: tuple[_N, _N]) -> tuple[_N, _N]:
    if span[0] > span[1]:
        raise ValueError(f"a range goes from low to high, got {span[0]:g} to {span[1]:g}")
    return span


SetCount = Annotated[int, Field(ge=1, le=MAX_SETS)]
RepRange = Annotated[
    tuple[Annotated[int, Field(ge=1, le=MAX_REPS)], Annotated[int, Field(ge=1, le=MAX_REPS)]],
    AfterValidator(_in_order),
]
HoldRange = Annotated[
    tuple[
        Annotated[float, Field(gt=0, le=MAX_HOLD_S)], Annotated[float, Field(gt=0, le=MAX_HOLD_S)]
    ],
    AfterValidator(_in_order),
]
ClinicianName = Annotated[
    FreeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_CLINICIAN_NAME)
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """0 for Monday, as `date.weekday()` counts."""
        return list(Weekday).index(self)


class Experience(StrEnum):
    NEW = "new"
    SOME = "some"
    TRAINED = "trained"


class Profile(_Frozen):
    """A person's situation; the plan is a pure function of this and a start date."""

    age: Annotated[int, Field(ge=MIN_AGE, le=MAX_AGE)]
    equipment: list[Equipment] = []
    experience: Experience
    days: Annotated[list[Weekday], Field(min_length=MIN_DAYS, max_length=MAX_DAYS)]
    minutes_per_session: Annotated[int, Field(ge=10, le=180)]
    sitting_hours: Annotated[float, Field(ge=0, le=24)]
    pain: PainScore
    weeks: Annotated[int, Field(ge=MIN_WEEKS, le=MAX_WEEKS)] = DEFAULT_WEEKS
    desk_breaks: bool | None = None  # None: offered when sitting_hours >= 6
    screening: dict[str, object] | None = None  # the `backchain screen --answers` object
    odi: list[int | None] | None = None  # baseline ODI sections, as `backchain score odi`
    rmdq: list[bool] | None = None  # baseline RMDQ items, as `backchain score rmdq`

    @field_validator("equipment")
    @classmethod
    def _no_duplicates_or_none(cls, equipment: list[Equipment]) -> list[Equipment]:
        return sorted(set(equipment) - {Equipment.NONE}, key=list(Equipment).index)

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, days: list[Weekday]) -> list[Weekday]:
        if len(set(days)) != len(days):
            raise ValueError("each training day may appear only once")
        return sorted(days, key=lambda d: d.number)


class Phase(StrEnum):
    """Cortell-Tormo et al. 2018 staged volume: more reps and fewer sets first, then heavier."""

    FOUNDATION = "foundation"
    BUILD = "build"
    STRENGTH = "strength"


class Prescription(_Frozen):
    """One exercise in a session: which variation, how much, and why."""

    exercise: str
    variation: str  # the exercise's own id when it is the main version
    sets: SetCount
    reps: tuple[int, int] | None
    hold_s: tuple[float, float] | None
    rest_s: int
    per_side: bool = False
    reason: str

    @property
    def dosage(self) -> Dosage:
        """The prescription as a catalogue dosage, e.g. for `Dosage.describe()`."""
        return Dosage(
            sets=(self.sets, self.sets),
            reps=self.reps,
            hold_s=self.hold_s,
            rest_s=self.rest_s,
            per_side=self.per_side,
        )


class PlannedSession(_Frozen):
    date: date
    exercises: tuple[Prescription, ...]


class PlanWeek(_Frozen):
    week: Annotated[int, Field(ge=1)]
    phase: Phase
    sessions: tuple[PlannedSession, ...]


class DeskBreak(_Frozen):
    """A short routine for breaks from sitting, for people who sit 6 h or more a day."""

    note: str
    exercises: tuple[Prescription, ...]


class Plan(_Frozen):
    start: date
    weeks: tuple[PlanWeek, ...]
    desk_break: DeskBreak | None = None


class Band(StrEnum):
    """Resistance band colours, lightest first (the common Thera-Band order)."""

    TAN = "tan"
    YELLOW = "yellow"
    RED = "red"
    GREEN = "green"
    BLUE = "blue"
    BLACK = "black"
    SILVER = "silver"
    GOLD = "gold"


class Load(_Frozen):
    """External load: kilograms (per dumbbell or the kettlebell) or a band colour."""

    kg: Annotated[float, Field(gt=0, le=200)] | None = None
    band: Band | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.kg is None) == (self.band is None):
            raise ValueError("give either kg or band")
        return self


class SetLog(_Frozen):
    reps: Annotated[int, Field(ge=0, le=MAX_REPS)] | None = None
    load: Load | None = None
    hold_s: Annotated[float, Field(ge=0, le=MAX_HOLD_S)] | None = None
    rpe: Rpe
    pain: PainScore  # pain during the set, 0-10
    faults: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], ...] = ()  # form faults seen

    @model_validator(mode="after")
    def _reps_or_hold(self) -> Self:
        if self.reps is None and self.hold_s is None:
            raise ValueError("give reps, hold_s or both")
        return self


class ExerciseLog(_Frozen):
    exercise: str
    variation: str
    sets: Annotated[tuple[SetLog, ...], Field(min_length=1)]


class Skip(_Frozen):
    exercise: str
    reason: Annotated[FreeText, Field(min_length=1, max_length=500)]


class SessionLog(_Frozen):
    """What was done on one day, with pain after and notes."""

    date: date
    exercises: tuple[ExerciseLog, ...] = ()
    skipped: tuple[Skip, ...] = ()
    pain_after: PainScore
    notes: Annotated[FreeText, Field(max_length=5000)] = ""

    @property
    def peak_pain(self) -> int:
        """The highest pain of the day: any set, or after the session."""
        return max([self.pain_after, *(s.pain for e in self.exercises for s in e.sets)])


class SessionDraft(_Frozen):
    """A session in progress: the sets logged and the exercises skipped so far, saved as they are
    logged, until "Finish" turns it into a `SessionLog`."""

    date: date
    exercises: tuple[ExerciseLog, ...] = ()
    skipped: tuple[Skip, ...] = ()

    def sets_for(self, exercise: str) -> tuple[SetLog, ...]:
        return next((e.sets for e in self.exercises if e.exercise == exercise), ())

    def skip_reason(self, exercise: str) -> str | None:
        return next((s.reason for s in self.skipped if s.exercise == exercise), None)


Compared = Literal["better", "same", "worse"]


class CheckIn(_Frozen):
    """The next-morning check: pain now compared with the person's usual, and new symptoms."""

    date: date
    pain: PainScore
    compared: Compared  # pain this morning compared with usual
    new_red_flags: bool = False


class DecisionKind(StrEnum):
    PROGRESS = "progress"
    REPEAT = "repeat"
    REDUCE = "reduce"
    REGRESS = "regress"
    PAUSE = "pause"
    RESUME = "resume"  # after a pause, once screening is clear again; never from the engine
    SWITCH = "switch"  # another version after a change of kit; never from the engine
    CHANGE = "change"  # a clinician's change or hold of a prescription; never from the engine


class Decision(_Frozen):
    """A progression decision with its reason, shown to the person and stored.

    `exercise` is None for a decision about the whole program (pause and see a clinician).
    `variation` and `load` are what the next session uses.

    A clinician's change (kind CHANGE, CLINICAL.md) also says who made it (`by`), the dose they
    set (`sets`, `reps`, `hold_s`; None keeps the engine's) and whether the exercise is `held`
    where it is; no other kind carries these.
    """

    exercise: str | None
    kind: DecisionKind
    reason: str
    variation: str | None = None
    load: Load | None = None
    by: ClinicianName | None = None
    sets: SetCount | None = None
    reps: RepRange | None = None
    hold_s: HoldRange | None = None
    held: bool = False

    @model_validator(mode="after")
    def _change_fields(self) -> Self:
        if self.kind is DecisionKind.CHANGE:
            if self.exercise is None or self.by is None:
                raise ValueError("a clinician's change names the exercise and who made it (by)")
        elif self.by is not None or self.held or self.dose:
            raise ValueError("only a clinician's change (kind change) has by, a dose or a hold")
        return self

    @property
    def dose(self) -> dict[str, object]:
        """The clinician's dose, as Prescription fields: only the parts they set."""
        return _dose(self.sets, self.reps, self.hold_s)


def _dose(
    sets: int | None, reps: tuple[int, int] | None, hold_s: tuple[float, float] | None
) -> dict[str, object]:
    parts = {"sets": sets, "reps": reps, "hold_s": hold_s}
    return {name: value for name, value in parts.items() if value is not None}


class ExerciseState(_Frozen):
    """Where an exercise stands now: the variation in use and its load, if loaded.

    `change` is the clinician's change in force, if any: who made it and why. `sets`, `reps` and
    `hold_s` are the dose it set, kept while the variation stays the one it was set for.
    """

    exercise: str
    variation: str
    load: Load | None = None
    sets: SetCount | None = None
    reps: RepRange | None = None
    hold_s: HoldRange | None = None
    change: Decision | None = None

    @model_validator(mode="after")
    def _change_is_a_change(self) -> Self:
        if self.change is not None and self.change.kind is not DecisionKind.CHANGE:
            raise ValueError("an exercise's change in force is a clinician's change")
        return self

    @property
    def held_by(self) -> str | None:
        """The clinician holding the exercise where it is, if one is: then it never progresses."""
        return self.change.by if self.change is not None and self.change.held else None

    @property
    def held(self) -> bool:
        return self.held_by is not None

    @property
    def dose(self) -> dict[str, object]:
        """The clinician's dose in force, as Prescription fields: only the parts they set."""
        return _dose(self.sets, self.reps, self.hold_s)


class RevisionKind(StrEnum):
    """A change the person made to what was stored: corrections are recorded, never silent."""

    SET_CHANGED = "set_changed"
    SET_REMOVED = "set_removed"
    SESSION_REMOVED = "session_removed"
    SESSION_REPLACED = "session_replaced"
    SETTINGS_CHANGED = "settings_changed"


class Revision(_Frozen):
    """One correction or settings change: what it concerned, in words, and the values before and after."""

    kind: RevisionKind
    day: date | None = None  # the session it concerns, if any
    summary: Annotated[str, Field(min_length=1, max_length=2000)]
    before: JsonValue = None
    after: JsonValue = None
