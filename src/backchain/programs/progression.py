"""The progression engine: from one logged session, what each exercise does next time.

Pure functions on typed values. The rules come from CLINICAL.md: the pain monitoring model
(Silbernagel et al. 2007) and double progression. Per exercise the rules are tried in order
and the first that applies decides; a whole-program pause comes before all of them. A clinician's
hold stops every step up, and only that: the safety rules before it still apply.
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from backchain.errors import ProgramError
from backchain.exercises import Catalogue, Equipment, Exercise
from backchain.programs.ladder import Rung, carried_load, is_loaded, rung, step
from backchain.programs.models import (
    Band,
    CheckIn,
    Decision,
    DecisionKind,
    ExerciseLog,
    ExerciseState,
    Load,
    Prescription,
    SessionLog,
    SetLog,
)

__all__ = [
    "DUMBBELL_STEP_KG",
    "HEAVIEST_KG",
    "KETTLEBELL_STEP_KG",
    "LIGHTEST_DUMBBELL_KG",
    "LIGHTEST_KETTLEBELL_KG",
    "MAX_ACCEPTABLE_PAIN",
    "MAX_PROGRESS_PAIN",
    "MAX_PROGRESS_RPE",
    "decide_session",
    "meets_progression",
    "progression_blocked",
    "step_load",
]

# CLINICAL.md, pain monitoring model: pain 0-2 safe, 3-5 acceptable, above 5 too much.
MAX_ACCEPTABLE_PAIN = 5  # pain 0-10; above this, stop the exercise and regress it
# CLINICAL.md, double progression: step up only when every set has RPE <= 8 and pain <= 3.
MAX_PROGRESS_RPE = 8  # RPE 1-10
MAX_PROGRESS_PAIN = 3  # pain 0-10

# Load steps are equipment conventions, not clinical rules.
DUMBBELL_STEP_KG = 2.0  # kg per dumbbell: fixed dumbbells are commonly sold in 2 kg steps
KETTLEBELL_STEP_KG = 4.0  # kg: common kettlebell sizes go 8, 12, 16, 20, 24 kg
LIGHTEST_DUMBBELL_KG = 1.0  # kg: the smallest common dumbbell
LIGHTEST_KETTLEBELL_KG = 4.0  # kg: the smallest common kettlebell
HEAVIEST_KG = 200.0  # kg: the most a Load accepts

Direction = Literal[-1, 1]

_RED_FLAG_REASON = (
    "You reported a new warning sign, so please stop training for now. "
    "Please get checked by a clinician before training again, today if it is one of the urgent signs."
)
_TWO_PAINFUL_REASON = (
    "Pain went above 5 in two sessions running, so please pause training for now. "
    "Please see a clinician before continuing."
)
_PAINFUL_SET = "Pain went above 5 during this exercise, which is too much for now."
_SHORT_SET = "Some sets fell short of the range."
_WORSE_MORNING = "Your pain the next morning was worse than usual."
_GOOD_SESSION = (
    "Every set reached the top of the range with effort (RPE) 8 or less and pain 3 or less, "
    "and the next morning was fine."
)


@dataclass(frozen=True)
class _Case:
    """Everything one logged exercise's decision depends on."""

    exercise: Exercise
    prescription: Prescription
    version: Rung  # the version in use going into the session
    load: Load | None  # its load, when known
    log: ExerciseLog
    session: SessionLog
    checkin: CheckIn | None
    equipment: Collection[Equipment]
    held_by: str | None  # the clinician holding the exercise where it is, if one is


def decide_session(
    *,
    catalogue: Catalogue,
    session: SessionLog,
    prescriptions: Sequence[Prescription],
    states: Mapping[str, ExerciseState],
    checkin: CheckIn | None,
    earlier: Sequence[SessionLog],
    equipment: Collection[Equipment],
) -> list[Decision]:
    """One decision per prescribed exercise, in order, or a single program-level pause.

    `earlier` is the sessions logged before `session`, oldest first, not including it.
    """
    pause = _program_pause(session, checkin, earlier)
    if pause is not None:
        return [pause]
    return [
        _decide_exercise(catalogue.get(p.exercise), p, states, session, checkin, equipment)
        for p in prescriptions
    ]


def meets_progression(prescription: Prescription, log: ExerciseLog) -> bool:
    """Double progression (CLINICAL.md): the prescribed version, every set done, every set at
    the top of the range, RPE <= 8 and pain <= 3 in every set."""
    return (
        log.variation == prescription.variation
        and len(log.sets) >= prescription.sets
        and all(_at_top(prescription, s) for s in log.sets)
        and all(s.rpe <= MAX_PROGRESS_RPE and s.pain <= MAX_PROGRESS_PAIN for s in log.sets)
    )


def progression_blocked(session: SessionLog, checkin: CheckIn | None) -> bool:
    """CLINICAL.md: progression never happens while the last session was rated above 5 or
    the next-morning pain rose (or a new warning sign came up)."""
    if session.peak_pain > MAX_ACCEPTABLE_PAIN:
        return True
    return checkin is not None and (checkin.compared == "worse" or checkin.new_red_flags)


def step_load(load: Load, version: Rung, direction: Direction) -> Load | None:
    """One step lighter (-1) or heavier (+1); None when already at the lightest or heaviest."""
    if load.band is not None:
        bands = list(Band)
        index = bands.index(load.band) + direction
        return Load(band=bands[index]) if 0 <= index < len(bands) else None
    assert load.kg is not None  # a Load holds exactly one of kg and band
    size, lightest = _kg_step(version)
    if direction < 0:
        return Load(kg=round(max(load.kg - size, lightest), 2)) if load.kg > lightest else None
    return Load(kg=round(load.kg + size, 2)) if load.kg + size <= HEAVIEST_KG else None


# --- the whole program ---------------------------------------------------------------------


def _program_pause(
    session: SessionLog, checkin: CheckIn | None, earlier: Sequence[SessionLog]
) -> Decision | None:
    if checkin is not None and checkin.new_red_flags:
        return Decision(exercise=None, kind=DecisionKind.PAUSE, reason=_RED_FLAG_REASON)
    painful = session.peak_pain > MAX_ACCEPTABLE_PAIN
    if painful and earlier and earlier[-1].peak_pain > MAX_ACCEPTABLE_PAIN:
        return Decision(exercise=None, kind=DecisionKind.PAUSE, reason=_TWO_PAINFUL_REASON)
    return None


# --- one exercise --------------------------------------------------------------------------


def _decide_exercise(
    exercise: Exercise,
    prescription: Prescription,
    states: Mapping[str, ExerciseState],
    session: SessionLog,
    checkin: CheckIn | None,
    equipment: Collection[Equipment],
) -> Decision:
    state = states.get(exercise.id)
    version = _version(exercise, state.variation if state else prescription.variation)
    log = next((e for e in session.exercises if e.exercise == exercise.id), None)
    known_load = state.load if state else None
    if log is None:
        return _not_done(exercise, version, known_load, session)
    load = (
        known_load
        if known_load is not None
        else _heaviest(s.load for s in log.sets if s.load is not None)
    )
    held_by = state.held_by if state is not None else None
    case = _Case(exercise, prescription, version, load, log, session, checkin, equipment, held_by)
    for rule in _RULES:
        decision = rule(case)
        if decision is not None:
            return decision
    return _keep_working(case)


def _version(exercise: Exercise, variation: str) -> Rung:
    try:
        return rung(exercise, variation)
    except KeyError:
        raise ProgramError(
            f"'{variation}' is not a version of {exercise.name}; "
            f"run `backchain exercises show {exercise.id}` to see its versions."
        ) from None


def _heaviest(loads: Iterable[Load]) -> Load | None:
    """The heaviest logged load: the most kg, else the strongest band."""
    found = list(loads)
    kgs = [load.kg for load in found if load.kg is not None]
    if kgs:
        return Load(kg=max(kgs))
    bands = [load.band for load in found if load.band is not None]
    return Load(band=max(bands, key=list(Band).index)) if bands else None


# --- the rules, in order -------------------------------------------------------------------


def _not_done(
    exercise: Exercise, version: Rung, load: Load | None, session: SessionLog
) -> Decision:
    skip = next((s for s in session.skipped if s.exercise == exercise.id), None)
    said = f"Skipped this time ({skip.reason.strip()})" if skip else "Not done this time"
    return Decision(
        exercise=exercise.id,
        kind=DecisionKind.REPEAT,
        reason=f"{said}; the same again next time.",
        variation=version.id,
        load=load,
    )


def _painful_set(case: _Case) -> Decision | None:
    """Pain monitoring model: above 5 during the exercise is too much; regress it."""
    if max(s.pain for s in case.log.sets) <= MAX_ACCEPTABLE_PAIN:
        return None
    why = _PAINFUL_SET
    return _regress(case, why) or _lighter(case, why) or _smaller_range(case, why)


def _short_set(case: _Case) -> Decision | None:
    """Double progression: reps (or hold) below the range means reduce."""
    if not any(_below_range(case.prescription, s) for s in case.log.sets):
        return None
    why = _SHORT_SET
    return _lighter(case, why) or _regress(case, why) or _smaller_range(case, why)


def _worse_next_morning(case: _Case) -> Decision | None:
    """Pain monitoring model: worse than usual the next morning means hold or reduce the load."""
    if case.checkin is None or case.checkin.compared != "worse":
        return None
    why = _WORSE_MORNING
    if not is_loaded(case.version):
        return _same(case, DecisionKind.REPEAT, f"{why} Hold the dose: the same again next time.")
    return _lighter(case, why) or _regress(case, why) or _smaller_range(case, why)


def _painful_session(case: _Case) -> Decision | None:
    """Pain above 5 elsewhere in the session (or after it): no step up, hold this exercise."""
    if case.session.peak_pain <= MAX_ACCEPTABLE_PAIN:
        return None
    reason = (
        "Pain went above 5 during or after this session, so this exercise stays the same "
        "until a session stays at 5 or below."
    )
    return _same(case, DecisionKind.REPEAT, reason)


def _held(case: _Case) -> Decision | None:
    """A clinician's hold (CLINICAL.md): never a step up while it stands; the same again."""
    if case.held_by is None:
        return None
    reason = f"Held at this level by {case.held_by}: the same again until they change it."
    return _same(case, DecisionKind.REPEAT, reason)


def _progress(case: _Case) -> Decision | None:
    """Double progression, only with a good next morning; never while progression is blocked."""
    if not meets_progression(case.prescription, case.log):
        return None
    if progression_blocked(case.session, case.checkin):  # the explicit guard, whatever the order
        return None
    if case.checkin is None:
        reason = "Every set reached the top of the range. The step up waits for a good next-morning check-in."
        return _same(case, DecisionKind.REPEAT, reason)
    if is_loaded(case.version):
        top = f"{_GOOD_SESSION} This is the heaviest load the app steps to, so the same again next time."
        return _heavier(case, _GOOD_SESSION) or _same(case, DecisionKind.REPEAT, top)
    top = f"{_GOOD_SESSION} This is the hardest version you can do with your kit, so keep it at the top of the range."
    return _harder(case, _GOOD_SESSION) or _same(case, DecisionKind.REPEAT, top)


def _acceptable_pain(case: _Case) -> Decision | None:
    if max(s.pain for s in case.log.sets) <= MAX_PROGRESS_PAIN:
        return None
    reason = "Pain reached 4–5, which is acceptable; hold the dose: the same again next time."
    return _same(case, DecisionKind.REPEAT, reason)


def _keep_working(case: _Case) -> Decision:
    p, log = case.prescription, case.log
    if log.variation != p.variation:
        reason = (
            "You did a different version from the one planned; the planned one again next time."
        )
    elif len(log.sets) < p.sets:
        reason = f"Fewer sets than planned this time; aim for all {p.sets} sets next time."
    elif all(_at_top(p, s) for s in log.sets):
        reason = "Every set reached the top of the range but felt hard; the same again until it feels easier."
    else:
        reason = "Work towards the top of the range in every set; the same again next time."
    return _same(case, DecisionKind.REPEAT, reason)


_RULES: tuple[Callable[[_Case], Decision | None], ...] = (
    _painful_set,
    _short_set,
    _worse_next_morning,
    _painful_session,
    _held,
    _progress,
    _acceptable_pain,
)


# --- set checks ----------------------------------------------------------------------------


def _at_top(prescription: Prescription, done: SetLog) -> bool:
    """Both parts at the top where both are prescribed (the locust: reps and a hold)."""
    reps_top = prescription.reps is None or (
        done.reps is not None and done.reps >= prescription.reps[1]
    )
    hold_top = prescription.hold_s is None or (
        done.hold_s is not None and done.hold_s >= prescription.hold_s[1]
    )
    return reps_top and hold_top


def _below_range(prescription: Prescription, done: SetLog) -> bool:
    """A part not logged is not counted as short: there is nothing to compare."""
    reps_short = (
        prescription.reps is not None and done.reps is not None and done.reps < prescription.reps[0]
    )
    hold_short = (
        prescription.hold_s is not None
        and done.hold_s is not None
        and done.hold_s < prescription.hold_s[0]
    )
    return reps_short or hold_short


# --- moves on the ladder and the load ------------------------------------------------------


def _same(case: _Case, kind: DecisionKind, reason: str, load: Load | None = None) -> Decision:
    """The same version; the load in use unless a new one is given."""
    load = load if load is not None else case.load
    return _moved(case, kind, reason, case.version, load)


def _moved(
    case: _Case, kind: DecisionKind, reason: str, version: Rung, load: Load | None
) -> Decision:
    return Decision(
        exercise=case.exercise.id, kind=kind, reason=reason, variation=version.id, load=load
    )


def _regress(case: _Case, why: str) -> Decision | None:
    easier = step(case.exercise, case.version.id, -1, case.equipment)
    if easier is None:
        return None
    reason = f"{why} Next time, the easier version: {easier.name.lower()}."
    return _moved(case, DecisionKind.REGRESS, reason, easier, carried_load(case.load, easier))


def _harder(case: _Case, why: str) -> Decision | None:
    harder = step(case.exercise, case.version.id, 1, case.equipment)
    if harder is None:
        return None
    load = carried_load(case.load, harder)
    start = " Start with a light load." if is_loaded(harder) and load is None else ""
    reason = f"{why} Next time, the harder version: {harder.name.lower()}.{start}"
    return _moved(case, DecisionKind.PROGRESS, reason, harder, load)


def _lighter(case: _Case, why: str) -> Decision | None:
    """One load step down; None for bodyweight versions and at the lightest load."""
    if not is_loaded(case.version):
        return None
    if case.load is None:
        reason = f"{why} Next time, {_about_one_step(case, -1)}."
        return _same(case, DecisionKind.REDUCE, reason)
    lighter = step_load(case.load, case.version, -1)
    if lighter is None:
        return None
    reason = f"{why} Next time, a lighter load: {_describe(lighter)}."
    return _same(case, DecisionKind.REDUCE, reason, lighter)


def _heavier(case: _Case, why: str) -> Decision | None:
    """One load step up; None at the heaviest load."""
    if case.load is None:
        reason = f"{why} Next time, {_about_one_step(case, 1)}."
        return _same(case, DecisionKind.PROGRESS, reason)
    heavier = step_load(case.load, case.version, 1)
    if heavier is None:
        return None
    reason = f"{why} Next time: {_describe(heavier)}."
    return _same(case, DecisionKind.PROGRESS, reason, heavier)


def _smaller_range(case: _Case, why: str) -> Decision:
    """At the easiest version (and lightest load): the same version, done smaller."""
    loaded = is_loaded(case.version)
    low_end = "the low end of the reps" if case.prescription.reps else "the shortest hold"
    easiest = "the easiest version and lightest load" if loaded else "the easiest version"
    reason = f"{why} This is already {easiest}, so next time use a smaller range of movement and aim for {low_end}."
    return _same(case, DecisionKind.REPEAT if loaded else DecisionKind.REDUCE, reason)


def _kg_step(version: Rung) -> tuple[float, float]:
    """(step, lightest) in kg: kettlebell sizes for kettlebell-only versions, else dumbbells."""
    if set(version.equipment) == {Equipment.KETTLEBELL}:
        return KETTLEBELL_STEP_KG, LIGHTEST_KETTLEBELL_KG
    return DUMBBELL_STEP_KG, LIGHTEST_DUMBBELL_KG


def _about_one_step(case: _Case, direction: Direction) -> str:
    """What to change when the load in use is not known, in terms of the kit at hand."""
    options = set(case.version.equipment)
    usable = options & set(case.equipment) or options
    band = "the next stronger band" if direction > 0 else "the next lighter band"
    if usable == {Equipment.RESISTANCE_BAND}:
        return f"use {band}"
    verb = "add" if direction > 0 else "take off"
    text = f"{verb} a little weight (about {_kg_step(case.version)[0]:g} kg)"
    return f"{text}, or use {band}" if Equipment.RESISTANCE_BAND in usable else text


def _describe(load: Load) -> str:
    return f"the {load.band.value} band" if load.band is not None else f"{load.kg:g} kg"
