"""How much of a version each phase prescribes, why, and how long a prescription takes.

Phases follow Cortell-Tormo et al. 2018's staged volume (CLINICAL.md, "Evidence for the
program"): fewer sets of more reps first (1-2 x 20), then more sets (2-3 x 15), then heavier
(3 x 12). Every dose stays inside the chosen version's own catalogue ranges, and reads as a
coach would write it: a common rep or hold range inside the version's range, or the version's
own range when none fits inside it.
"""

from collections.abc import Mapping, Sequence

from backchain.exercises import Exercise
from backchain.programs.ladder import Rung
from backchain.programs.models import Phase, PlannedSession, Prescription

__all__ = [
    "COACH_HOLD_RANGES_S",
    "COACH_REP_RANGES",
    "PHASES",
    "PHASE_HOLDS_S",
    "PHASE_REPS",
    "REP_SECONDS",
    "TRANSITION_S",
    "coach_range",
    "describe_dose",
    "dose_words",
    "estimate_seconds",
    "phase_lengths",
    "phase_of_week",
    "phase_weeks",
    "prescribe",
    "session_minutes",
]

PHASES = (Phase.FOUNDATION, Phase.BUILD, Phase.STRENGTH)

# Time estimates: planning figures, not clinical rules; they only decide what fits a session.
REP_SECONDS = 4.0  # about 2 s up and 2 s down at a controlled pace
TRANSITION_S = 60  # set up the next exercise: move the kit, get into position, read the cues

_Span = tuple[float, float]

# Ranges coaches commonly write, in reps and in seconds held. A planning choice, not a clinical
# rule: every prescribed range is one of these inside the version's catalogue range, so a dose
# never reads as an arbitrary split like 17-25 or 14-15.
COACH_REP_RANGES: tuple[tuple[int, int], ...] = (
    (5, 8),
    (6, 8),
    (6, 10),
    (8, 10),
    (8, 12),
    (10, 12),
    (10, 15),
    (12, 15),
    (15, 20),
    (20, 25),
)
COACH_HOLD_RANGES_S: tuple[_Span, ...] = ((5, 10), (10, 15), (10, 20), (15, 20), (20, 30))

# What each phase aims at. Reps: the tops are Cortell-Tormo 2018's 20, 15 and 12 reps; the
# bottoms are the coach range ending there (a planning choice). Holds: the trials' 5-30 s
# (Tataryn 2021) from short to long, in the same light-to-heavy order as the reps; the split
# into three is a planning choice.
PHASE_REPS: Mapping[Phase, tuple[int, int]] = {
    Phase.FOUNDATION: (15, 20),
    Phase.BUILD: (12, 15),
    Phase.STRENGTH: (8, 12),
}
PHASE_HOLDS_S: Mapping[Phase, _Span] = {
    Phase.FOUNDATION: (5, 10),
    Phase.BUILD: (10, 20),
    Phase.STRENGTH: (20, 30),
}
# Why each phase doses as it does, in words. "While the movement becomes familiar" is the
# planning reason for starting light, not a clinical rule.
_REPS_PURPOSE: Mapping[Phase, str] = {
    Phase.FOUNDATION: "more reps while the movement becomes familiar",
    Phase.BUILD: "a middle range of reps as the work builds up",
    Phase.STRENGTH: "fewer reps, so each one can be heavier or harder",
}
_HOLDS_PURPOSE: Mapping[Phase, str] = {
    Phase.FOUNDATION: "short holds while the position becomes familiar",
    Phase.BUILD: "longer holds as the work builds up",
    Phase.STRENGTH: "the longest holds",
}


def coach_range(allowed: _Span, target: _Span, common: Sequence[_Span]) -> _Span:
    """The common range inside `allowed` nearest `target`; `allowed` itself when none fits.

    Nearest means the top closest to the target's top (the top is what a person works up to),
    then the bottom closest to the target's bottom, then the lower range: a documented
    tie-break so the choice is always the same.
    """
    low, high = allowed
    inside = [span for span in common if low <= span[0] and span[1] <= high]
    if not inside:
        return allowed
    return min(inside, key=lambda s: (abs(s[1] - target[1]), abs(s[0] - target[0]), s[1]))


def _reps(version: Rung, phase: Phase) -> tuple[int, int] | None:
    reps = version.dosage.reps
    if reps is None:
        return None
    low, high = coach_range(reps, PHASE_REPS[phase], COACH_REP_RANGES)
    return int(low), int(high)


def _hold(version: Rung, phase: Phase) -> _Span | None:
    hold = version.dosage.hold_s
    return None if hold is None else coach_range(hold, PHASE_HOLDS_S[phase], COACH_HOLD_RANGES_S)


def phase_lengths(weeks: int) -> tuple[int, int, int]:
    """Weeks of foundation, build and strength: thirds, extra weeks to foundation, then build."""
    if weeks < len(PHASES):
        raise ValueError(f"a plan needs at least {len(PHASES)} weeks, got {weeks}")
    third, extra = divmod(weeks, len(PHASES))
    return third + (extra >= 1), third + (extra >= 2), third


def phase_weeks(phase: Phase, weeks: int) -> tuple[int, int]:
    """The first and last week (1-based) of `phase` in a plan of `weeks` weeks."""
    lengths = phase_lengths(weeks)
    index = PHASES.index(phase)
    first = sum(lengths[:index]) + 1
    return first, first + lengths[index] - 1


def phase_of_week(week: int, weeks: int) -> Phase:
    """The phase of week `week` (1-based) in a plan of `weeks` weeks."""
    if not 1 <= week <= weeks:
        raise ValueError(f"week must be 1 to {weeks}, got {week}")
    return next(p for p in PHASES if phase_weeks(p, weeks)[1] >= week)


def prescribe(exercise: Exercise, version: Rung, phase: Phase, reason: str) -> Prescription:
    """Dose `version` of `exercise` for `phase`, inside the version's own ranges.

    Sets: the low end of the version's range in foundation, the top later (Cortell-Tormo 2018).
    """
    dosage = version.dosage
    low_sets, top_sets = dosage.sets
    return Prescription(
        exercise=exercise.id,
        variation=version.id,
        sets=low_sets if phase is Phase.FOUNDATION else top_sets,
        reps=_reps(version, phase),
        hold_s=_hold(version, phase),
        rest_s=dosage.rest_s,
        per_side=dosage.per_side,
        reason=reason,
    )


def describe_dose(
    version: Rung, prescription: Prescription, phase: Phase, weeks: int | None = None
) -> str:
    """One sentence: the phase (and its weeks, when the plan length is known), the dose, and why.

    E.g. "Foundation phase (weeks 1–4): 2 sets of 15–20 reps, more reps while the movement
    becomes familiar."
    """
    name = phase.value.capitalize()
    when = f"{name} phase" if weeks is None else f"{name} phase ({_weeks(phase, weeks)})"
    return f"{when}: {dose_words(prescription)}{_dose_why(version, prescription, phase)}."


def _dose_why(version: Rung, prescription: Prescription, phase: Phase) -> str:
    """The end of the dose sentence: the phase's purpose, and how the version's range limits it."""
    if all(_fixed(version, p) for p in PHASES):
        parts = [("reps", prescription.reps), ("hold", prescription.hold_s)]
        kept = " and ".join(part for part, given in parts if given is not None)
        return f"; this version has the same {kept} in every phase"
    reps = prescription.reps is not None
    purpose = (_REPS_PURPOSE if reps else _HOLDS_PURPOSE)[phase]
    given = prescription.reps if reps else prescription.hold_s
    target = PHASE_REPS[phase] if reps else PHASE_HOLDS_S[phase]
    allowed = version.dosage.reps if reps else version.dosage.hold_s
    if given == target or allowed is None:
        return f", {purpose}"
    unit = "" if reps else " s"
    return f", {purpose}, as near as this version's range ({_span(allowed)}{unit}) allows"


def _fixed(version: Rung, phase: Phase) -> bool:
    """True when the phase doses the version's whole catalogue ranges."""
    dosage = version.dosage
    return (_reps(version, phase), _hold(version, phase)) == (dosage.reps, dosage.hold_s)


def _weeks(phase: Phase, weeks: int) -> str:
    first, last = phase_weeks(phase, weeks)
    return f"week {first}" if first == last else f"weeks {first}–{last}"


def dose_words(prescription: Prescription) -> str:
    """E.g. "2 sets of 15–20 reps", "3 sets of 15 reps with a 2 s hold", "2 holds of 5–10 s"."""
    side = " each side" if prescription.per_side else ""
    hold, reps = prescription.hold_s, prescription.reps
    if reps is None:
        assert hold is not None  # a prescription has reps, a hold or both
        return f"{_count(prescription.sets, 'hold')} of {_span(hold)} s{side}"
    words = f"{_count(prescription.sets, 'set')} of {_span(reps)} reps{side}"
    return words if hold is None else f"{words} with a {_span(hold)} s hold"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _span(span: _Span) -> str:
    low, high = (f"{value:g}" for value in span)
    return low if low == high else f"{low}–{high}"


def estimate_seconds(prescription: Prescription) -> float:
    """A generous estimate of the time one prescription takes, set-up and rests included.

    Reps count at the top of the range, with the hold (if any) at the top of every rep;
    a hold-only set is the hold itself. Per-side work counts twice.
    """
    sides = 2 if prescription.per_side else 1
    hold = 0.0 if prescription.hold_s is None else prescription.hold_s[1]
    reps = prescription.reps
    per_set = hold if reps is None else reps[1] * (REP_SECONDS + hold)
    work = prescription.sets * per_set * sides
    rests = (prescription.sets - 1) * prescription.rest_s
    return work + rests + TRANSITION_S


def session_minutes(session: PlannedSession) -> float:
    """The estimated length of a session in minutes."""
    return sum(estimate_seconds(p) for p in session.exercises) / 60
