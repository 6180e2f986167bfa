"""The report's lines: what the store holds about a period, put in plain words for `pdf`.

Each function turns stored records into small frozen values the report template lays out; none
of them names a condition. Screening words follow CLINICAL.md ("Clearance"); clinically
important change comes from `outcomes`.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from backchain import outcomes, screening
from backchain.errors import CatalogueError, ScreeningError
from backchain.exercises import Catalogue
from backchain.journal import Journal
from backchain.outcomes import OFFICIAL_WORDING, PARAPHRASE_WORDING, Change, Measure, Questionnaire
from backchain.programs.models import DecisionKind, SessionLog
from backchain.reports import progress_charts as arrange
from backchain.reports.progress_charts import Period
from backchain.store import repository

__all__ = [
    "KIND_WORDS",
    "OFFICIAL_WORDS",
    "PARAPHRASE_WORDS",
    "VERDICT_WORDS",
    "DecisionLine",
    "FaultLine",
    "PainChange",
    "ScreeningLine",
    "SessionLine",
    "VolumeLine",
    "WordingLine",
    "decision_lines",
    "fault_lines",
    "pain_changes",
    "screening_line",
    "session_line",
    "volume_lines",
    "wording_lines",
]

PARAPHRASE_WORDS = "Backchain's own plain paraphrase"
OFFICIAL_WORDS = "official wording loaded from a file"
WHOLE_PROGRAM = "Whole program"  # a decision about the program, not one exercise
PERCENT = 100
# A stored screening's verdict, in words a clinician and the person both read.
VERDICT_WORDS = {
    screening.Verdict.PROCEED: "clear to train",
    screening.Verdict.SEE_CLINICIAN: "see a clinician before training",
    screening.Verdict.URGENT: "get medical help the same day",
}
# Decision kinds in words; a kind this table lacks reads as its own name.
KIND_WORDS = {
    DecisionKind.PROGRESS: "Progress",
    DecisionKind.REPEAT: "Repeat",
    DecisionKind.REDUCE: "Reduce",
    DecisionKind.REGRESS: "Easier version",
    DecisionKind.PAUSE: "Pause",
    DecisionKind.RESUME: "Resume",
    DecisionKind.SWITCH: "Other version (kit)",
    DecisionKind.CHANGE: "Clinician's change",
}


@dataclass(frozen=True)
class ScreeningLine:
    taken_on: date
    verdict: str  # in words
    reasons: tuple[str, ...]  # the signs answered "yes", each with its clearance, if any
    startback: str | None  # the STarT Back risk group, in words
    clearance: str | None  # the clinician's clearance kept with it, in words
    wording: str


@dataclass(frozen=True)
class PainChange:
    """One pain series from the first to the last session of the period that has a value."""

    name: str
    first: date
    last: date
    change: Change


@dataclass(frozen=True)
class SessionLine:
    day: date
    done: tuple[str, ...]  # exercise names
    skipped: tuple[tuple[str, str], ...]  # (exercise name, reason)
    pain_after: int
    notes: str


@dataclass(frozen=True)
class VolumeLine:
    exercise: str
    sessions: int
    sets: int
    reps: int
    hold_s: float  # seconds held in all, for holds and paused reps


@dataclass(frozen=True)
class FaultLine:
    exercise: str
    fault: str  # the fault's id, as logged
    text: str  # the catalogue's words for it, or the id
    sets: int  # sets where it was noted
    of: int  # sets of the exercise in the period

    @property
    def rate(self) -> float:
        return round(self.sets / self.of * PERCENT, 1)


@dataclass(frozen=True)
class DecisionLine:
    day: date
    exercise: str
    kind: str
    reason: str
    by: str | None  # who decided, when not the engine (a clinician's change)


@dataclass(frozen=True)
class WordingLine:
    questionnaire: str
    taken_on: date
    wording: str


def screening_line(record: repository.ScreeningRecord) -> ScreeningLine:
    try:
        verdict = VERDICT_WORDS[screening.Verdict(record.verdict)]
    except ValueError:  # a verdict this version does not know: shown as stored
        verdict = record.verdict
    reasons: tuple[str, ...] = ()
    startback = None
    try:
        result = screening.screen(screening.parse_answers(record.answers))
    except ScreeningError:  # stored before the rules changed: the verdict stands alone
        pass
    else:
        reasons = result.reasons
        startback = (
            f"{result.startback.risk.value} risk (total {result.startback.total}, "
            f"psychosocial subscale {result.startback.psychosocial})"
        )
    return ScreeningLine(
        taken_on=record.taken_at.date(),
        verdict=verdict,
        reasons=reasons,
        startback=startback,
        clearance=_clearance_words(record.answers),
        wording=_wording_words(record.wording),
    )


def _clearance_words(answers: Mapping[str, object]) -> str | None:
    raw = answers.get("clearance")
    if raw is None:
        return None
    try:
        cleared = screening.parse_clearance(raw)
    except ScreeningError:  # stored before the rules changed: say so, never fail the report
        return "A clinician's clearance was recorded."
    who = f"A clinician ({cleared.by})" if cleared.by else "A clinician"
    signs = "; ".join(
        flag.reason.lower() if (flag := screening.red_flag(flag_id)) else flag_id
        for flag_id in cleared.flags
    )
    return f"{who} assessed and cleared exercise on {cleared.date:%d %b %Y} for: {signs}."


def _wording_words(wording: str) -> str:
    if wording == PARAPHRASE_WORDING:
        return PARAPHRASE_WORDS
    if wording == OFFICIAL_WORDING:
        return OFFICIAL_WORDS
    return f"{OFFICIAL_WORDS} ({wording})"


def wording_lines(
    screenings: Sequence[repository.ScreeningRecord],
    records: Sequence[repository.QuestionnaireRecord],
) -> tuple[WordingLine, ...]:
    startback = Questionnaire.STARTBACK.full_name
    names = {Measure.ODI: Questionnaire.ODI.full_name, Measure.RMDQ: Questionnaire.RMDQ.full_name}
    lines = [
        WordingLine(startback, r.taken_at.date(), _wording_words(r.wording)) for r in screenings
    ]
    lines += [
        WordingLine(names[r.score.measure], r.taken_on, _wording_words(r.wording))
        for r in records
        if r.score.measure in names  # pain (NRS) is one number, asked the same everywhere
    ]
    return tuple(sorted(lines, key=lambda line: line.taken_on))


def pain_changes(state: Journal, period: Period) -> tuple[PainChange, ...]:
    """First and last value of each pain series in the period, and whether the change matters."""
    logs = arrange.logs_in(state, period)
    series = {
        arrange.PEAK_PAIN: [(log.date, log.peak_pain) for _, log in logs],
        arrange.PAIN_AFTER: [(log.date, log.pain_after) for _, log in logs],
        arrange.NEXT_MORNING: [
            (log.date, c.pain) for i, log in logs if (c := state.checkins.get(i)) is not None
        ],
    }
    return tuple(
        PainChange(
            name,
            values[0][0],
            values[-1][0],
            outcomes.change(outcomes.score_nrs(values[0][1]), outcomes.score_nrs(values[-1][1])),
        )
        for name, values in series.items()
        if len(values) >= 2
    )


def session_line(log: SessionLog, catalogue: Catalogue) -> SessionLine:
    return SessionLine(
        day=log.date,
        done=tuple(arrange.exercise_name(catalogue, e.exercise) for e in log.exercises),
        skipped=tuple(
            (arrange.exercise_name(catalogue, s.exercise), s.reason) for s in log.skipped
        ),
        pain_after=log.pain_after,
        notes=log.notes,
    )


def volume_lines(logs: Sequence[SessionLog], catalogue: Catalogue) -> tuple[VolumeLine, ...]:
    """Sessions, sets, reps and seconds held for each exercise done in the period."""
    sessions: Counter[str] = Counter()
    sets: Counter[str] = Counter()
    reps: Counter[str] = Counter()
    held: dict[str, float] = defaultdict(float)
    for log in logs:
        for exercise in log.exercises:
            sessions[exercise.exercise] += 1
            sets[exercise.exercise] += len(exercise.sets)
            reps[exercise.exercise] += sum(s.reps or 0 for s in exercise.sets)
            held[exercise.exercise] += sum(s.hold_s or 0.0 for s in exercise.sets)
    return tuple(
        VolumeLine(arrange.exercise_name(catalogue, e), sessions[e], sets[e], reps[e], held[e])
        for e in sessions
    )


def fault_lines(logs: Sequence[SessionLog], catalogue: Catalogue) -> tuple[FaultLine, ...]:
    """For each exercise, the sets in which each form fault was noted, out of all its sets."""
    sets: Counter[str] = Counter()
    noted: dict[str, Counter[str]] = defaultdict(Counter)
    for log in logs:
        for exercise in log.exercises:
            sets[exercise.exercise] += len(exercise.sets)
            for s in exercise.sets:
                noted[exercise.exercise].update(set(s.faults))
    return tuple(
        FaultLine(
            arrange.exercise_name(catalogue, e), fault, _fault_text(catalogue, e, fault), n, sets[e]
        )
        for e in sets
        for fault, n in sorted(noted[e].items())
    )


def _fault_text(catalogue: Catalogue, exercise_id: str, fault_id: str) -> str:
    try:
        faults = catalogue.get(exercise_id).faults
    except CatalogueError:  # an exercise this version does not know: its fault ids stand
        return fault_id
    return next((f.text for f in faults if f.id == fault_id), fault_id)


def decision_lines(
    state: Journal, period: Period, catalogue: Catalogue
) -> tuple[DecisionLine, ...]:
    """Every decision made in the period, by date (in the order they apply within a day), with
    who made it when not the engine."""
    made = [r for r in state.decisions if r.decided_on in period]
    return tuple(
        DecisionLine(
            day=record.decided_on,
            exercise=(
                WHOLE_PROGRAM
                if (exercise := record.decision.exercise) is None
                else arrange.exercise_name(catalogue, exercise)
            ),
            kind=KIND_WORDS.get(record.decision.kind, record.decision.kind.value.capitalize()),
            reason=record.decision.reason,
            by=record.decision.by,
        )
        for record in sorted(made, key=lambda r: r.decided_on)  # stable: same-day order kept
    )
