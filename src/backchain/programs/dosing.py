"""How much of a version each phase prescribes, and how long a prescription takes.

Phases follow Cortell-Tormo et al. 2018's staged volume (CLINICAL.md, "Evidence for the
program"): fewer sets of more reps first (1-2 x 20), then more sets (2-3 x 15), then heavier
(3 x 12). Every dose stays inside the chosen version's own catalogue ranges.
"""

from collections.abc import Callable
from math import ceil, floor

from backchain.exercises import Exercise
from backchain.programs.ladder import Rung
from backchain.programs.models import Phase, PlannedSession, Prescription

__all__ = [
    "PHASES",
    "REP_SECONDS",
    "TRANSITION_S",
    "estimate_seconds",
    "phase_lengths",
    "phase_of_week",
    "prescribe",
    "session_minutes",
]

PHASES = (Phase.FOUNDATION, Phase.BUILD, Phase.STRENGTH)

# Time estimates: planning figures, not clinical rules; they only decide what fits a session.
REP_SECONDS = 4.0  # about 2 s up and 2 s down at a controlled pace
TRANSITION_S = 60  # set up the next exercise: move the kit, get into position, read the cues

_Span = tuple[float, float]


def _lower_half(span: _Span) -> _Span:
    low, high = span
    return low, max(low, float(floor((low + high) / 2)))


def _upper_half(span: _Span) -> _Span:
    low, high = span
    return min(high, float(ceil((low + high) / 2))), high


def _whole(span: _Span) -> _Span:
    return span


# Foundation: more reps, lighter, short holds; build: the full ranges; strength: fewer reps,
# heavier, long holds. Sets: the low end first, then the top (Cortell-Tormo 2018).
_REPS: dict[Phase, Callable[[_Span], _Span]] = {
    Phase.FOUNDATION: _upper_half,
    Phase.BUILD: _whole,
    Phase.STRENGTH: _lower_half,
}
_HOLDS: dict[Phase, Callable[[_Span], _Span]] = {
    Phase.FOUNDATION: _lower_half,
    Phase.BUILD: _whole,
    Phase.STRENGTH: _upper_half,
}


def phase_lengths(weeks: int) -> tuple[int, int, int]:
    """Weeks of foundation, build and strength: thirds, extra weeks to foundation, then build."""
    if weeks < len(PHASES):
        raise ValueError(f"a plan needs at least {len(PHASES)} weeks, got {weeks}")
    third, extra = divmod(weeks, len(PHASES))
    return third + (extra >= 1), third + (extra >= 2), third


def phase_of_week(week: int, weeks: int) -> Phase:
    """The phase of week `week` (1-based) in a plan of `weeks` weeks."""
    if not 1 <= week <= weeks:
        raise ValueError(f"week must be 1 to {weeks}, got {week}")
    foundation, build, _ = phase_lengths(weeks)
    if week <= foundation:
        return Phase.FOUNDATION
    if week <= foundation + build:
        return Phase.BUILD
    return Phase.STRENGTH


def prescribe(exercise: Exercise, version: Rung, phase: Phase, reason: str) -> Prescription:
    """Dose `version` of `exercise` for `phase`, inside the version's own ranges."""
    dosage = version.dosage
    low_sets, top_sets = dosage.sets
    reps = None
    if dosage.reps is not None:
        low, high = _REPS[phase](dosage.reps)
        reps = (int(low), int(high))
    return Prescription(
        exercise=exercise.id,
        variation=version.id,
        sets=low_sets if phase is Phase.FOUNDATION else top_sets,
        reps=reps,
        hold_s=None if dosage.hold_s is None else _HOLDS[phase](dosage.hold_s),
        rest_s=dosage.rest_s,
        per_side=dosage.per_side,
        reason=reason,
    )


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
