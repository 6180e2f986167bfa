"""A clinician's dashboard: one row for each person they follow, and who needs attention now.

Each row says where the person stands (status), how much of the plan they have done so far,
where their pain is going, their latest disability change against its clinically important
change (CLINICAL.md, "Outcome measures"), how often form faults were noted lately and when the
next session is. Pure: the web reads each journal and hands its values over as `Training`.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from statistics import fmean

from backchain import outcomes
from backchain.outcomes import Measure, Score
from backchain.programs.models import CheckIn, Decision, Plan, SessionLog
from backchain.programs.progression import MAX_ACCEPTABLE_PAIN
from backchain.programs.schedule import done_sessions, next_session
from backchain.programs.tracking import program_pause

__all__ = [
    "DEFAULT_SORT",
    "FAULT_WINDOW",
    "IDLE_AFTER",
    "TREND_WINDOW",
    "Adherence",
    "DisabilityChange",
    "FaultRate",
    "PainTrend",
    "Person",
    "Reason",
    "Row",
    "Sort",
    "Status",
    "Training",
    "Trend",
    "dashboard",
    "dashboard_row",
    "filter_rows",
    "has_clearance",
    "parse_sort",
    "parse_status",
    "sort_rows",
]

# Every plan trains 2-5 days a week (the profile's training days), so a whole week without a
# session is news.
IDLE_AFTER = timedelta(days=7)
# Pain over the last two weeks against the two before: 4-6 sessions each, enough to even out
# one bad day, and short enough to notice a change within a phase of the plan.
TREND_WINDOW = timedelta(days=14)
# Form faults over the last four weeks: about a dozen sessions, recent enough to act on.
FAULT_WINDOW = timedelta(days=28)
PERCENT = 100
DISABILITY = (Measure.ODI, Measure.RMDQ)  # the questionnaires a change is reported for


class Status(StrEnum):
    """Where a person stands, in the order the rules are tried; values are the URL's words."""

    PAUSED = "paused"
    CLEARED = "cleared"
    IDLE = "idle"
    TRAINING = "training"
    NOT_STARTED = "not-started"

    @property
    def text(self) -> str:
        return _STATUS_TEXT[self]


_STATUS_TEXT = {
    Status.PAUSED: "paused by a warning sign",
    Status.CLEARED: "clearance recorded",
    Status.IDLE: f"no session in {IDLE_AFTER.days} days",
    Status.TRAINING: "training",
    Status.NOT_STARTED: "no program yet",
}


class Reason(StrEnum):
    """Why a person needs the clinician's attention, in the words the dashboard shows."""

    PAUSED = "training is paused"
    IDLE = f"no session in {IDLE_AFTER.days} days"
    PAIN_WORSE = f"pain worse over the last {TREND_WINDOW.days // 7} weeks"
    PAINFUL_SESSION = f"pain above {MAX_ACCEPTABLE_PAIN} in the last session"


class Trend(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


class Sort(StrEnum):
    ATTENTION = "attention"  # needs attention first, most reasons first, then by name
    NAME = "name"
    LAST = "last"  # longest since the last session first
    ADHERENCE = "adherence"  # least of the plan done first


DEFAULT_SORT = Sort.ATTENTION


@dataclass(frozen=True)
class Training:
    """What the dashboard reads of one person's program, as the journal holds it."""

    plan: Plan
    logs: Sequence[tuple[int, SessionLog]]  # (log id, log), by date
    checkins: Mapping[int, CheckIn]  # by log id
    decisions: Sequence[Decision]  # in the order they apply
    scores: Sequence[tuple[date, Score]] = ()  # questionnaires, oldest first
    cleared: bool = False  # the latest screening carries a clinician's clearance


def has_clearance(screenings: Sequence[Mapping[str, object]]) -> bool:
    """Whether the latest of a person's screenings (their answers, oldest first) carries a
    clinician's clearance: `Training.cleared`."""
    return bool(screenings) and screenings[-1].get("clearance") is not None


@dataclass(frozen=True)
class Person:
    """A followed person: their account, and their program (None before they start one)."""

    account_id: int
    name: str
    training: Training | None


@dataclass(frozen=True)
class Adherence:
    """Planned sessions due by today, and how many of them are done."""

    done: int
    planned: int

    @property
    def percent(self) -> int | None:
        """None before the first planned session."""
        return round(self.done / self.planned * PERCENT) if self.planned else None


@dataclass(frozen=True)
class PainTrend:
    """The latest pain (0-10) and, when both windows have sessions, its direction: the mean
    peak pain of the last `TREND_WINDOW` against the one before, by the NRS's important change."""

    latest: int
    latest_on: date
    direction: Trend | None
    change: outcomes.Change | None


@dataclass(frozen=True)
class DisabilityChange:
    """The disability questionnaire answered last: its latest score, and the change from its
    first score (None while it was answered once)."""

    measure: Measure
    latest: float
    taken_on: date
    since: date
    change: outcomes.Change | None


@dataclass(frozen=True)
class FaultRate:
    """Logged sets in the last `FAULT_WINDOW`, and how many had a form fault noted."""

    faulty: int
    sets: int

    @property
    def percent(self) -> int:
        return round(self.faulty / self.sets * PERCENT)


@dataclass(frozen=True)
class Row:
    account_id: int
    name: str
    status: Status
    adherence: Adherence | None
    pain: PainTrend | None
    disability: DisabilityChange | None
    faults: FaultRate | None
    last_session: date | None
    next_session: date | None
    reasons: tuple[Reason, ...]

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)


def dashboard(
    people: Iterable[Person],
    *,
    today: date,
    sort: Sort = DEFAULT_SORT,
    status: Status | None = None,
) -> list[Row]:
    """The rows shown: each person's, of the status asked for (all without one), in order."""
    rows = [dashboard_row(person, today=today) for person in people]
    return sort_rows(filter_rows(rows, status), sort)


def dashboard_row(person: Person, *, today: date) -> Row:
    training = person.training
    if training is None:
        return Row(
            account_id=person.account_id,
            name=person.name,
            status=Status.NOT_STARTED,
            adherence=None,
            pain=None,
            disability=None,
            faults=None,
            last_session=None,
            next_session=None,
            reasons=(),
        )
    logs = [log for _, log in training.logs if log.date <= today]
    paused = program_pause(training.decisions) is not None
    idle = _idle(training.plan, logs, today)
    pain = _pain(training, today)
    reasons = [
        Reason.PAUSED if paused else None,
        Reason.IDLE if idle and not paused else None,  # a pause explains the missing sessions
        Reason.PAIN_WORSE if pain is not None and pain.direction is Trend.WORSE else None,
        Reason.PAINFUL_SESSION if logs and logs[-1].peak_pain > MAX_ACCEPTABLE_PAIN else None,
    ]
    return Row(
        account_id=person.account_id,
        name=person.name,
        status=_status(paused=paused, cleared=training.cleared, idle=idle),
        adherence=_adherence(training.plan, logs, today),
        pain=pain,
        disability=_disability(training.scores),
        faults=_faults(logs, today),
        last_session=logs[-1].date if logs else None,
        next_session=_next(training.plan, [log.date for _, log in training.logs], today),
        reasons=tuple(reason for reason in reasons if reason is not None),
    )


def _status(*, paused: bool, cleared: bool, idle: bool) -> Status:
    if paused:
        return Status.PAUSED
    if cleared:
        return Status.CLEARED
    return Status.IDLE if idle else Status.TRAINING


def _idle(plan: Plan, logs: Sequence[SessionLog], today: date) -> bool:
    """A week or more since the last session; with none yet, since the plan started."""
    since = logs[-1].date if logs else plan.start
    return today - since >= IDLE_AFTER


def _adherence(plan: Plan, logs: Sequence[SessionLog], today: date) -> Adherence:
    """A session done early counts once its planned day has come, so it never tops 100 %."""
    due = [s.date for week in plan.weeks for s in week.sessions if s.date <= today]
    done = done_sessions(plan, [log.date for log in logs])
    return Adherence(done=sum(1 for day in due if day in done), planned=len(due))


def _next(plan: Plan, log_days: Sequence[date], today: date) -> date | None:
    found = next_session(plan, today, done_sessions(plan, log_days))
    return None if found is None else found[1].date


def _pain(training: Training, today: date) -> PainTrend | None:
    """The latest reading is the next-morning pain when the last session has one (it came
    later), else that session's peak pain. The trend compares peak pain, which every session
    has, so a missed check-in never tilts it."""
    logged = [(log_id, log) for log_id, log in training.logs if log.date <= today]
    if not logged:
        return None
    log_id, last = logged[-1]
    morning = training.checkins.get(log_id)
    latest, latest_on = (
        (last.peak_pain, last.date) if morning is None else (morning.pain, morning.date)
    )
    recent = _mean_peak(logged, today - TREND_WINDOW, today)
    earlier = _mean_peak(logged, today - 2 * TREND_WINDOW, today - TREND_WINDOW)
    if recent is None or earlier is None:
        return PainTrend(latest, latest_on, None, None)
    change = outcomes.change(Score(Measure.NRS, earlier), Score(Measure.NRS, recent))
    return PainTrend(latest, latest_on, _trend(change), change)


def _mean_peak(logged: Sequence[tuple[int, SessionLog]], after: date, until: date) -> float | None:
    """Mean peak pain of the sessions after `after` up to `until` (one decimal, as scores)."""
    peaks = [log.peak_pain for _, log in logged if after < log.date <= until]
    return round(fmean(peaks), 1) if peaks else None


def _trend(change: outcomes.Change) -> Trend:
    if not change.important:
        return Trend.SAME
    return Trend.BETTER if change.direction is outcomes.Direction.IMPROVED else Trend.WORSE


def _disability(scores: Sequence[tuple[date, Score]]) -> DisabilityChange | None:
    taken = [(day, score) for day, score in scores if score.measure in DISABILITY]
    if not taken:
        return None
    taken_on, latest = taken[-1]
    same = [(day, score) for day, score in taken if score.measure is latest.measure]
    since, first = same[0]
    change = outcomes.change(first, latest) if len(same) > 1 else None
    return DisabilityChange(latest.measure, latest.score, taken_on, since, change)


def _faults(logs: Sequence[SessionLog], today: date) -> FaultRate | None:
    sets = [
        s
        for log in logs
        if log.date > today - FAULT_WINDOW
        for exercise in log.exercises
        for s in exercise.sets
    ]
    return FaultRate(sum(1 for s in sets if s.faults), len(sets)) if sets else None


# -- order and choice -------------------------------------------------------------------------


def parse_sort(text: str | None) -> Sort:
    """The order a query asks for; anything else is the default, never an error."""
    try:
        return Sort(text or DEFAULT_SORT)
    except ValueError:
        return DEFAULT_SORT


def parse_status(text: str | None) -> Status | None:
    """The status a query filters by; None (everyone) for anything else."""
    try:
        return Status(text) if text else None
    except ValueError:
        return None


def filter_rows(rows: Iterable[Row], status: Status | None) -> list[Row]:
    return [row for row in rows if status is None or row.status is status]


def sort_rows(rows: Iterable[Row], by: Sort) -> list[Row]:
    """Rows in the order asked for; ties always by name, so the order never jumps about."""
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.account_id))
    if by is Sort.ATTENTION:
        return sorted(by_name, key=lambda row: -len(row.reasons))
    if by is Sort.LAST:
        return sorted(by_name, key=lambda row: row.last_session or date.min)
    if by is Sort.ADHERENCE:
        return sorted(by_name, key=_adherence_key)
    return by_name


def _adherence_key(row: Row) -> tuple[bool, int]:
    """Least done first; nobody with nothing due yet counts as behind, so they come last."""
    percent = None if row.adherence is None else row.adherence.percent
    return (percent is None, 0 if percent is None else percent)
