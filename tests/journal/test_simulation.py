"""Twelve weeks of scripted people driven through the real journal and storage.

Every decision is checked against CLINICAL.md's rules (double progression and the pain
monitoring model) by an oracle written here, independently of the engine.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from backchain import journal
from backchain.errors import ProgramError
from backchain.exercises import Equipment, load_catalogue
from backchain.programs.ladder import is_loaded, rung
from backchain.programs.models import (
    CheckIn,
    Decision,
    DecisionKind,
    ExerciseLog,
    Experience,
    Load,
    Prescription,
    Profile,
    SessionLog,
    SetLog,
    Weekday,
)
from backchain.screening import RED_FLAGS
from backchain.store import Store

START = date(2026, 1, 5)  # a Monday
NOW = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
CLEAR_SCREENING: dict[str, object] = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False] * 8 + ["slightly"],
    "age": 41,
}
PROFILE = Profile(
    age=41,
    equipment=[Equipment.MAT, Equipment.RESISTANCE_BAND, Equipment.DUMBBELLS, Equipment.KETTLEBELL],
    experience=Experience.SOME,
    days=[Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY],
    minutes_per_session=60,
    sitting_hours=9,
    pain=2,
    screening=CLEAR_SCREENING,
)
# Starting loads a person would pick up; equipment conventions, not clinical rules.
FIRST_KG = 10.0
FIRST_KETTLEBELL_KG = 12.0
BANDS = ["tan", "yellow", "red", "green", "blue", "black", "silver", "gold"]
KG_STEP = {"kettlebell": 4.0, "other": 2.0}


@dataclass
class Day:
    """How one scripted session goes; the defaults are a steady, comfortable session."""

    pain: int = 1
    pain_for: dict[str, int] = field(default_factory=dict)  # exercise -> pain during
    rpe: int = 7
    pain_after: int = 1
    morning: str = "same"


Script = Callable[[int, int], Day | None]  # (week, session number in week) -> the day, or skipped


def steady(week: int, number: int) -> Day | None:
    return Day()


def flare_in_week_5(week: int, number: int) -> Day | None:
    if week == 5 and number == 1:
        return Day(pain=2, pain_for={"squat": 6}, pain_after=4, morning="worse")
    if week == 5 and number == 2:
        return Day(pain=2, pain_for={"glute_bridge": 6}, pain_after=6)
    return Day(pain=2, pain_after=2)


def skips_week_7(week: int, number: int) -> Day | None:
    return None if week == 7 else Day()


def _kettlebell_only(p: Prescription) -> bool:
    version = rung(load_catalogue().get(p.exercise), p.variation)
    return set(version.equipment) == {Equipment.KETTLEBELL}


def _first_load(p: Prescription) -> Load:
    version = rung(load_catalogue().get(p.exercise), p.variation)
    if set(version.equipment) == {Equipment.RESISTANCE_BAND}:
        return Load(band="red")  # type: ignore[arg-type]
    return Load(kg=FIRST_KETTLEBELL_KG if _kettlebell_only(p) else FIRST_KG)


def _log(
    day: date, plan: tuple[Prescription, ...], loads: dict[str, Load | None], how: Day
) -> SessionLog:
    catalogue = load_catalogue()
    exercises = []
    for p in plan:
        loaded = is_loaded(rung(catalogue.get(p.exercise), p.variation))
        load = (loads.get(p.exercise) or _first_load(p)) if loaded else None
        one = SetLog(
            reps=None if p.reps is None else p.reps[1],
            hold_s=None if p.hold_s is None else p.hold_s[1],
            load=load,
            rpe=how.rpe,
            pain=how.pain_for.get(p.exercise, how.pain),
        )
        exercises.append(
            ExerciseLog(exercise=p.exercise, variation=p.variation, sets=(one,) * p.sets)
        )
    return SessionLog(date=day, exercises=tuple(exercises), pain_after=how.pain_after)


@dataclass
class Record:
    log: SessionLog
    previous: SessionLog | None
    prescriptions: dict[str, Prescription]
    loads_before: dict[str, Load | None]
    checkin: CheckIn | None
    decisions: list[Decision]


@dataclass
class Run:
    records: list[Record] = field(default_factory=list)
    refused: list[date] = field(default_factory=list)


def simulate(store: Store, script: Script, *, resume_on: date | None = None) -> Run:
    plan, _ = journal.start_program(store, profile=PROFILE, start=START, now=NOW)
    run = Run()
    previous: SessionLog | None = None
    for week in plan.weeks:
        for number, planned in enumerate(week.sessions, start=1):
            if resume_on is not None and planned.date >= resume_on and _paused(store, planned.date):
                journal.resume(store, answers=CLEAR_SCREENING, day=planned.date, now=NOW)
            how = script(week.week, number)
            if how is None:
                continue
            view = journal.today(store, day=planned.date)
            assert view.session == planned
            log = _log(planned.date, view.prescriptions, dict(view.loads), how)
            if view.pause is not None:
                with pytest.raises(ProgramError, match="Training is paused"):
                    journal.log_session(store, log=log, now=NOW)
                run.refused.append(planned.date)
                continue
            journal.log_session(store, log=log, now=NOW)
            morning = CheckIn(
                date=planned.date + timedelta(days=1), pain=how.pain, compared=how.morning
            )  # type: ignore[arg-type]
            decisions = journal.check_in(store, checkin=morning)
            prescriptions = {p.exercise: p for p in view.prescriptions}
            run.records.append(
                Record(log, previous, prescriptions, dict(view.loads), morning, decisions)
            )
            previous = log
    return run


def _paused(store: Store, day: date) -> bool:
    return journal.today(store, day=day).pause is not None


# -- the oracle ----------------------------------------------------------------------------


def check_rules(record: Record) -> None:
    """Assert every decision of one session against CLINICAL.md's rules."""
    log = record.log
    program = [d for d in record.decisions if d.exercise is None]
    if record.previous is not None and record.previous.peak_pain > 5 and log.peak_pain > 5:
        assert [d.kind for d in record.decisions] == [DecisionKind.PAUSE], "pain > 5 twice running"
        return
    assert program == []
    logged = {e.exercise: e for e in log.exercises}
    for d in record.decisions:
        assert d.exercise is not None
        p = record.prescriptions[d.exercise]
        sets = logged[d.exercise].sets
        if any(s.pain > 5 for s in sets):
            assert d.kind in {DecisionKind.REGRESS, DecisionKind.REDUCE}, d
        if d.kind is DecisionKind.PROGRESS:
            _check_progress(record, d, p)
        if d.kind is DecisionKind.REGRESS:
            exercise = load_catalogue().get(d.exercise)
            assert d.variation is not None
            assert rung(exercise, d.variation).level < rung(exercise, p.variation).level


def _check_progress(record: Record, d: Decision, p: Prescription) -> None:
    log, checkin = record.log, record.checkin
    assert log.peak_pain <= 5, "never progress after a session with pain above 5"
    assert checkin is not None, "progress waits for the next-morning check-in"
    assert checkin.compared != "worse", "never progress when the morning was worse"
    sets = next(e.sets for e in log.exercises if e.exercise == d.exercise)
    assert len(sets) >= p.sets
    for s in sets:
        assert s.rpe <= 8
        assert s.pain <= 3
        assert p.reps is None or (s.reps is not None and s.reps >= p.reps[1])
        assert p.hold_s is None or (s.hold_s is not None and s.hold_s >= p.hold_s[1])
    exercise = load_catalogue().get(d.exercise)
    if is_loaded(rung(exercise, p.variation)):
        before = sets[0].load
        assert d.variation == p.variation
        assert before is not None
        assert d.load is not None
        if before.band is not None:
            assert d.load.band is not None
            assert BANDS.index(d.load.band) == BANDS.index(before.band) + 1
        else:
            step = KG_STEP["kettlebell" if _kettlebell_only(p) else "other"]
            assert d.load.kg == before.kg + step  # type: ignore[operator]
    else:
        assert d.variation is not None
        assert rung(exercise, d.variation).level > rung(exercise, p.variation).level


def check_next_sessions_follow_decisions(store: Store, run: Run) -> None:
    """The session after each decision uses the version the decision chose."""
    latest: dict[str, str] = {}
    for record in run.records:
        for d in record.decisions:
            if d.exercise is not None and d.variation is not None:
                latest[d.exercise] = d.variation
    view = journal.today(store, day=run.records[-1].log.date + timedelta(days=1))
    for p in view.prescriptions:
        if p.exercise in latest:
            assert p.variation == latest[p.exercise]


def kinds(run: Run) -> list[DecisionKind]:
    return [d.kind for r in run.records for d in r.decisions]


# -- the people ----------------------------------------------------------------------------


def test_steady_responder_progresses_and_never_backs_off(store: Store) -> None:
    run = simulate(store, steady)
    assert len(run.records) == 36  # 12 weeks x 3 days
    for record in run.records:
        check_rules(record)
    made = kinds(run)
    assert DecisionKind.PROGRESS in made
    assert not {DecisionKind.REDUCE, DecisionKind.REGRESS, DecisionKind.PAUSE} & set(made)
    # The bridge is body weight: it climbs the ladder, first to the marching bridge.
    bridge = [d.variation for r in run.records for d in r.decisions if d.exercise == "glute_bridge"]
    assert bridge[0] == "marching_bridge"
    # The row is loaded: 10 kg goes up 2 kg at a time.
    first_row = next(d for r in run.records for d in r.decisions if d.exercise == "bent_over_row")
    assert first_row.kind is DecisionKind.PROGRESS
    assert first_row.load == Load(kg=12.0)
    check_next_sessions_follow_decisions(store, run)


def test_flare_in_week_5_regresses_then_pauses_until_screened_again(store: Store) -> None:
    resume_day = START + timedelta(weeks=5)  # Monday of week 6
    run = simulate(store, flare_in_week_5, resume_on=resume_day)
    for record in run.records:
        check_rules(record)
    week5 = [r for r in run.records if START + timedelta(weeks=4) <= r.log.date < resume_day]
    first, second = week5[0], week5[1]
    # Four comfortable weeks took the squat up two rungs; pain 6 brings it one rung down.
    assert first.prescriptions["squat"].variation == "goblet_squat"
    squat = next(d for d in first.decisions if d.exercise == "squat")
    assert squat.kind is DecisionKind.REGRESS
    assert squat.variation == "tempo_squat"
    assert not any(d.kind is DecisionKind.PROGRESS for d in first.decisions), "morning was worse"
    assert [d.kind for d in second.decisions] == [DecisionKind.PAUSE]
    assert "clinician" in second.decisions[0].reason
    # The third session of week 5 is refused while paused; week 6 goes on after screening again.
    assert run.refused == [START + timedelta(weeks=4, days=4)]
    assert kinds(run).count(DecisionKind.PAUSE) == 1
    assert any(r.log.date >= resume_day for r in run.records)


def test_a_skipped_week_leaves_no_trace_and_the_plan_carries_on(store: Store) -> None:
    run = simulate(store, skips_week_7)
    for record in run.records:
        check_rules(record)
    week7 = [START + timedelta(weeks=6, days=d) for d in range(7)]
    assert not [r for r in run.records if r.log.date in week7]
    assert len(run.records) == 33
    after = next(r for r in run.records if r.log.date > week7[-1])
    assert after.previous is not None
    assert after.previous.date < week7[0]
    assert after.decisions, "decisions carry on after the gap"
    check_next_sessions_follow_decisions(store, run)


@pytest.mark.parametrize("compared", ["worse"])
def test_worse_morning_blocks_progress_on_a_perfect_session(store: Store, compared: str) -> None:
    def perfect_but_sore(week: int, number: int) -> Day | None:
        return Day(morning=compared) if week == 1 else None

    run = simulate(store, perfect_but_sore)
    assert run.records
    for record in run.records:
        check_rules(record)
        assert all(d.kind is not DecisionKind.PROGRESS for d in record.decisions)
