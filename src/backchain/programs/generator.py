"""The plan generator: a profile and a start date in, a 12-16-week plan out (pure, deterministic).

Sources (CLINICAL.md, "Evidence for the program"): 12-16-week programs (Tataryn et al. 2021);
staged volume foundation -> build -> strength (Cortell-Tormo et al. 2018); all seven exercises
every week. Numbers that are planning choices, not clinical facts, say so where they are defined.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import cache
from math import ceil
from typing import Any

from backchain.errors import ProgramError
from backchain.exercises import (
    CORE_EXERCISES,
    Catalogue,
    Equipment,
    Exercise,
    MovementPattern,
    load_catalogue,
)
from backchain.programs.dosing import (
    PHASES,
    describe_dose,
    estimate_seconds,
    phase_lengths,
    phase_of_week,
    prescribe,
    session_minutes,
)
from backchain.programs.ladder import ALWAYS_AVAILABLE, Rung, fits, ladder
from backchain.programs.models import (
    DeskBreak,
    Experience,
    Phase,
    Plan,
    PlannedSession,
    PlanWeek,
    Prescription,
    Profile,
)
from backchain.programs.profile import check_screening

__all__ = [
    "choose_version",
    "desk_break",
    "estimate_seconds",
    "generate_plan",
    "phase_lengths",
    "phase_of_week",
    "plan_to_json",
    "prescribe",
    "session_minutes",
    "target_level",
]

# Starting level on each exercise's ladder (0 = the main exercise). A planning choice: someone
# new to training starts one step easier; "trained" starts at the main exercise like "some",
# since the progression engine moves people up once they reach the top of the range.
START_LEVEL = {Experience.NEW: -1, Experience.SOME: 0, Experience.TRAINED: 0}
# Pain monitoring model (Silbernagel et al. 2007): pain above 5 during exercise is too much.
# Starting one step easier when today's pain is already above 5 extends that rule to the start
# of a plan; the extension is a conservative choice, not in the source.
PAIN_EASIER_ABOVE = 5

# A product choice: people who sit 6 hours or more a day are offered a desk-break routine.
DESK_BREAK_SITTING_H = 6.0
# Standing, equipment-free versions from the ladders: (exercise, version).
DESK_BREAK_MOVES = (
    ("romanian_deadlift", "bodyweight_hip_hinge"),
    ("squat", "chair_squat"),
    ("downward_dog", "wall_dog"),
    ("bent_over_row", "doorframe_row"),
)
DESK_BREAK_NOTE = (
    "A short movement break for when you stand up after sitting: one easy set of each move, "
    "no kit needed. It is not a training session and does not replace one."
)
DESK_MOVE_REASON = "Done standing with no kit, so it fits a break from sitting."
FEWER_SETS_NOTE = "Sets at the low end to fit your time."
MAT_NOTE = "Use a mat or a folded blanket."

_MOVEMENT = {
    MovementPattern.BRIDGE: "bridge",
    MovementPattern.HIP_HINGE: "hip hinge",
    MovementPattern.BALLISTIC_HINGE: "hip hinge",
    MovementPattern.HORIZONTAL_PULL: "pull",
    MovementPattern.SQUAT: "squat",
    MovementPattern.BACK_EXTENSION: "back extension",
    MovementPattern.INVERSION: "inverted V",
}
_STEPS = {1: "one step", 2: "two steps"}
_EXPERIENCE = {
    Experience.NEW: "New to training",
    Experience.SOME: "Some training experience",
    Experience.TRAINED: "Experienced in training",
}
_KIT_WORDS = {
    Equipment.RESISTANCE_BAND: "a resistance band",
    Equipment.DUMBBELLS: "dumbbells",
    Equipment.KETTLEBELL: "a kettlebell",
}

# One group of prescriptions per training day of a week, in date order.
_Layout = tuple[tuple[Prescription, ...], ...]


def generate_plan(profile: Profile, start: date, catalogue: Catalogue | None = None) -> Plan:
    """The plan for `profile` starting on `start`; the same inputs always give an equal plan.

    Raises PlanBlockedError when screening says not to train, and ProgramError when the seven
    exercises cannot fit the time given.
    """
    check_screening(profile)
    catalogue = catalogue if catalogue is not None else load_catalogue()
    exercises = [catalogue.get(exercise_id) for exercise_id in CORE_EXERCISES]
    choices = [choose_version(exercise, profile) for exercise in exercises]
    layouts = {phase: _phase_layout(exercises, choices, phase, profile) for phase in PHASES}
    fitted = {phase: layout for phase, layout in layouts.items() if layout is not None}
    if len(fitted) < len(PHASES):
        raise ProgramError(_too_little_time(exercises, choices, profile))
    weeks = tuple(_week(number, start, profile, fitted) for number in range(1, profile.weeks + 1))
    return Plan(start=start, weeks=weeks, desk_break=desk_break(profile, catalogue))


def target_level(profile: Profile) -> int:
    """The ladder level a person starts at before their kit is taken into account."""
    return START_LEVEL[profile.experience] - (profile.pain > PAIN_EASIER_ABOVE)


def choose_version(exercise: Exercise, profile: Profile) -> tuple[Rung, str]:
    """The starting version and why: the nearest fitting version at or below the target level.

    Going easier is the conservative direction; only when nothing easier fits the kit is the
    nearest harder version used.
    """
    target = target_level(profile)
    rungs = ladder(exercise)
    fitting = [r for r in rungs if fits(r, profile.equipment)]
    if not fitting:
        raise ProgramError(
            f"No version of {exercise.name} fits the equipment given; add equipment to the profile."
        )
    easier = [r for r in fitting if r.level <= target]
    chosen = max(easier, key=lambda r: r.level) if easier else fitting[0]
    reason = _why(exercise, rungs, chosen, target, profile)
    if chosen.equipment == (Equipment.MAT,) and Equipment.MAT not in profile.equipment:
        reason = f"{reason} {MAT_NOTE}"
    return chosen, reason


def _why(exercise: Exercise, rungs: list[Rung], chosen: Rung, target: int, profile: Profile) -> str:
    """Why this version: the experience and pain that set the target, then any missing kit."""
    # Every version between the target and the chosen one needs kit the person lacks.
    low, high = sorted((chosen.level, target))
    blocked = [r for r in rungs if low <= r.level <= high and r is not chosen]
    sentences = []
    if target < 0:
        steps = _STEPS.get(-target, f"{-target} steps")
        named = "" if blocked else f", with {_the(chosen.name)}"
        sentences.append(f"{_easier_causes(profile)}: starting {steps} easier{named}.")
    if blocked:
        sentences.append(_kit_sentence(exercise, chosen, target, blocked))
    elif target == 0:
        sentences.append(_main_sentence(chosen, profile))
    return " ".join(sentences)


def _easier_causes(profile: Profile) -> str:
    causes = []
    if profile.experience is Experience.NEW:
        causes.append(_EXPERIENCE[Experience.NEW])
    if profile.pain > PAIN_EASIER_ABOVE:
        causes.append(f"pain is above {PAIN_EASIER_ABOVE} today")
    cause = " and ".join(causes)
    return f"{cause[0].upper()}{cause[1:]}"


def _kit_sentence(exercise: Exercise, chosen: Rung, target: int, blocked: list[Rung]) -> str:
    kit = _kit(min(blocked, key=lambda r: (abs(r.level - target), r.level)))
    if chosen.level > target:
        return f"No {kit} for an easier version: {_a(chosen.name)} is the nearest one."
    movement = _MOVEMENT[exercise.pattern]
    if movement in chosen.name.lower():
        movement = "movement"
    return f"No {kit}: {_a(chosen.name)} trains the same {movement}."


def _main_sentence(chosen: Rung, profile: Profile) -> str:
    """Why the main exercise fits: experience, today's pain and, when it needs kit, the kit."""
    causes = [
        _EXPERIENCE[profile.experience],
        f"pain {PAIN_EASIER_ABOVE} or less today",
    ]
    if not ALWAYS_AVAILABLE.intersection(chosen.equipment):
        owned = [e for e in chosen.equipment if e in profile.equipment]
        causes.append(f"{_or(_KIT_WORDS[e] for e in owned)} at hand")
    sentence = f"{', '.join(causes[:-1])} and {causes[-1]}: the main exercise, {_the(chosen.name)}"
    if profile.experience is Experience.TRAINED:
        sentence = f"{sentence}; it steps up once every set reaches the top of the range"
    return f"{sentence}."


def _kit(version: Rung) -> str:
    names = [e.value.replace("_", " ") for e in version.equipment if e not in ALWAYS_AVAILABLE]
    return _or(names)


def _or(words: Iterable[str]) -> str:
    listed = list(words)
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} or {listed[-1]}"


def _lowered(name: str) -> str:
    return name[0].lower() + name[1:]


def _a(name: str) -> str:
    lowered = _lowered(name)
    return f"{'an' if lowered[0] in 'aeiou' else 'a'} {lowered}"


def _the(name: str) -> str:
    return f"the {_lowered(name)}"


def _phase_doses(
    exercises: Sequence[Exercise],
    choices: Sequence[tuple[Rung, str]],
    phase: Phase,
    weeks: int,
    *,
    fewest_sets: bool = False,
) -> list[Prescription]:
    """The phase's prescriptions, each with its reason; with `fewest_sets`, sets at the low end."""
    return [
        _dosed(e, version, why, phase, weeks, fewest_sets=fewest_sets)
        for e, (version, why) in zip(exercises, choices, strict=True)
    ]


def _dosed(
    exercise: Exercise, version: Rung, why: str, phase: Phase, weeks: int, *, fewest_sets: bool
) -> Prescription:
    """One prescription; its reason is the dose sentence, any fewer-sets note, then `why`."""
    prescription = prescribe(exercise, version, phase, why)
    notes = [why]
    fewest = version.dosage.sets[0]
    if fewest_sets and prescription.sets > fewest:
        prescription = prescription.model_copy(update={"sets": fewest})
        notes.insert(0, FEWER_SETS_NOTE)
    reason = " ".join([describe_dose(version, prescription, phase, weeks), *notes])
    return prescription.model_copy(update={"reason": reason})


def _phase_layout(
    exercises: Sequence[Exercise],
    choices: Sequence[tuple[Rung, str]],
    phase: Phase,
    profile: Profile,
) -> _Layout | None:
    """The week's sessions for a phase at its dose; with fewer sets if that is what fits."""
    budget = profile.minutes_per_session * 60
    days = len(profile.days)
    layout = _layout(_phase_doses(exercises, choices, phase, profile.weeks), days, budget)
    if layout is None:
        fewer = _phase_doses(exercises, choices, phase, profile.weeks, fewest_sets=True)
        layout = _layout(fewer, days, budget)
    return layout


def _layout(dosed: Sequence[Prescription], days: int, budget_s: float) -> _Layout | None:
    """Spread the exercises over the week's sessions so each fits; None when they cannot."""
    seconds = tuple(estimate_seconds(p) for p in dosed)
    if sum(seconds) <= budget_s:
        return (tuple(dosed),) * days
    longest, groups = _best_split(seconds, days)
    if longest > budget_s:
        return None
    filled = _add_extras(groups, seconds, budget_s)
    return tuple(tuple(dosed[i] for i in sorted(group)) for group in filled)


@cache
def _best_split(seconds: tuple[float, ...], days: int) -> tuple[float, tuple[frozenset[int], ...]]:
    """Each exercise once, split over `days` sessions as evenly as possible (exhaustive search).

    "Evenly" compares the session lengths longest first, so the longest session is as short as
    it can be, then the next. Seven exercises and at most five days keep the search small.
    """
    order = sorted(range(len(seconds)), key=lambda i: (-seconds[i], i))
    groups: list[list[int]] = [[] for _ in range(days)]
    loads = [0.0] * days
    best: list[tuple[tuple[float, ...], tuple[frozenset[int], ...]]] = []

    def place(k: int) -> None:
        if k == len(order):
            key = tuple(sorted(loads, reverse=True))
            if not best or key < best[0][0]:
                best[:] = [(key, tuple(frozenset(g) for g in groups))]
            return
        item = order[k]
        for day in range(days):
            if not groups[day] and any(not g for g in groups[:day]):
                continue  # empty days are interchangeable: try the first one only
            if best and loads[day] + seconds[item] > best[0][0][0]:
                continue  # would be longer than the best split's longest session
            groups[day].append(item)
            loads[day] += seconds[item]
            place(k + 1)
            groups[day].pop()
            loads[day] -= seconds[item]

    place(0)
    key, split = best[0]
    return key[0], split


def _add_extras(
    groups: Sequence[frozenset[int]], seconds: Sequence[float], budget_s: float
) -> list[set[int]]:
    """Add second appearances where time allows: the least-seen exercise, the shortest day first."""
    filled = [set(group) for group in groups]
    loads = [sum(seconds[i] for i in group) for group in filled]
    while True:
        options = [
            (sum(i in g for g in filled), i, loads[day], day)
            for day, group in enumerate(filled)
            for i in range(len(seconds))
            if i not in group and loads[day] + seconds[i] <= budget_s
        ]
        if not options:
            return filled
        _, item, _, day = min(options)
        filled[day].add(item)
        loads[day] += seconds[item]


def _too_little_time(
    exercises: Sequence[Exercise], choices: Sequence[tuple[Rung, str]], profile: Profile
) -> str:
    days = len(profile.days)
    longest = 0.0
    for phase in PHASES:
        dosed = _phase_doses(exercises, choices, phase, profile.weeks, fewest_sets=True)
        seconds = tuple(estimate_seconds(p) for p in dosed)
        longest = max(longest, _best_split(seconds, days)[0])
    return (
        f"{len(exercises)} exercises need at least {ceil(longest / 60)} minutes per session on "
        f"{days} days a week; you gave {profile.minutes_per_session}. "
        "Give more minutes or more days."
    )


def _week(number: int, start: date, profile: Profile, layouts: dict[Phase, _Layout]) -> PlanWeek:
    phase = phase_of_week(number, profile.weeks)
    first = start + timedelta(weeks=number - 1)
    training = {day.number for day in profile.days}
    dates = [first + timedelta(days=i) for i in range(7)]
    dates = [day for day in dates if day.weekday() in training]
    sessions = tuple(
        PlannedSession(date=day, exercises=group)
        for day, group in zip(dates, layouts[phase], strict=True)
    )
    return PlanWeek(week=number, phase=phase, sessions=sessions)


def desk_break(profile: Profile, catalogue: Catalogue) -> DeskBreak | None:
    """The desk-break routine when asked for, or by default for 6 h or more of sitting a day."""
    wanted = profile.desk_breaks
    if wanted is None:
        wanted = profile.sitting_hours >= DESK_BREAK_SITTING_H
    if not wanted:
        return None
    moves = []
    for exercise_id, version_id in DESK_BREAK_MOVES:
        exercise = catalogue.get(exercise_id)
        for version in ladder(exercise):
            if version.id == version_id and version.equipment == (Equipment.NONE,):
                moves.append(_desk_move(exercise, version))
    return DeskBreak(note=DESK_BREAK_NOTE, exercises=tuple(moves)) if moves else None


def _desk_move(exercise: Exercise, version: Rung) -> Prescription:
    """One easy set: reps or hold at the low end of the version's range."""
    dosage = version.dosage
    return Prescription(
        exercise=exercise.id,
        variation=version.id,
        sets=1,
        reps=None if dosage.reps is None else (dosage.reps[0], dosage.reps[0]),
        hold_s=None if dosage.hold_s is None else (dosage.hold_s[0], dosage.hold_s[0]),
        rest_s=dosage.rest_s,
        per_side=dosage.per_side,
        reason=DESK_MOVE_REASON,
    )


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data: the documented contract plus start, desk_break and ranges."""
    return {
        "start": plan.start.isoformat(),
        "weeks": [
            {
                "week": week.week,
                "phase": week.phase.value,
                "sessions": [
                    {
                        "date": session.date.isoformat(),
                        "exercises": [_prescription_json(p) for p in session.exercises],
                    }
                    for session in week.sessions
                ],
            }
            for week in plan.weeks
        ],
        "desk_break": None
        if plan.desk_break is None
        else {
            "note": plan.desk_break.note,
            "exercises": [_prescription_json(p) for p in plan.desk_break.exercises],
        },
    }


def _prescription_json(prescription: Prescription) -> dict[str, Any]:
    hold = prescription.hold_s
    return {
        "exercise": prescription.exercise,
        "variation": prescription.variation,
        "sets": prescription.sets,
        "reps": None if prescription.reps is None else list(prescription.reps),
        # The contract's hold_s is a single number: the top of the prescribed range, the hold
        # to work up to. The whole range is in hold_range_s.
        "hold_s": None if hold is None else hold[1],
        "rest_s": prescription.rest_s,
        "reason": prescription.reason,
        "per_side": prescription.per_side,
        "hold_range_s": None if hold is None else list(hold),
    }
