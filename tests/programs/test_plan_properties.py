"""Properties every generated plan has, for any valid profile and start date."""

import json
import re
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from backchain.errors import ProgramError
from backchain.exercises import CORE_EXERCISES, load_catalogue
from backchain.programs.generator import generate_plan, plan_to_json, session_minutes
from backchain.programs.ladder import rung
from backchain.programs.models import Plan, Prescription
from backchain.programs.profile import parse_profile

SEVEN = set(CORE_EXERCISES)  # the catalogue tests pin these to CLINICAL.md
KIT = ["mat", "resistance_band", "dumbbells", "kettlebell"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TOO_LITTLE_TIME = re.compile(
    r"^7 exercises need at least (\d+) minutes per session on (\d) days a week; you gave (\d+)\. "
    r"Give more minutes or more days\.$"
)

PHASE_WEEKS = re.compile(r"^(Foundation|Build|Strength) phase \(weeks? (\d+)(?:–(\d+))?\): ")

profiles = st.fixed_dictionaries(
    {
        "age": st.integers(16, 120),
        "equipment": st.lists(st.sampled_from(KIT), unique=True),
        "experience": st.sampled_from(["new", "some", "trained"]),
        "days": st.lists(st.sampled_from(WEEKDAYS), min_size=2, max_size=5, unique=True),
        "minutes_per_session": st.integers(10, 90),
        "sitting_hours": st.floats(0, 24),
        "pain": st.integers(0, 10),
        "weeks": st.integers(12, 16),
    },
    optional={"desk_breaks": st.booleans()},
)
starts = st.dates(date(2020, 1, 1), date(2040, 12, 31))
PROPERTY = settings(max_examples=50, deadline=None)


def plan_or_none(data: dict[str, Any], start: date) -> Plan | None:
    """The plan, or None when the time given is too short (checking what the error says)."""
    try:
        return generate_plan(parse_profile(data), start)
    except ProgramError as error:
        message = str(error)
    found = TOO_LITTLE_TIME.match(message)
    assert found is not None, message
    needed, days, gave = (int(part) for part in found.groups())
    assert (days, gave) == (len(data["days"]), data["minutes_per_session"])
    assert needed > gave
    return None


@PROPERTY
@given(profiles, starts)
def test_same_profile_and_start_give_the_same_plan(data: dict[str, Any], start: date) -> None:
    first = plan_or_none(data, start)
    second = plan_or_none(json.loads(json.dumps(data)), start)
    assert first == second
    if first is not None and second is not None:
        assert plan_to_json(first) == plan_to_json(second)


@PROPERTY
@given(profiles, starts)
def test_no_prescription_outside_its_version_ranges(data: dict[str, Any], start: date) -> None:
    plan = plan_or_none(data, start)
    if plan is None:
        return
    catalogue = load_catalogue()
    routine = plan.desk_break.exercises if plan.desk_break is not None else ()
    planned = [p for w in plan.weeks for s in w.sessions for p in s.exercises]
    for p in [*planned, *routine]:
        dosage = rung(catalogue.get(p.exercise), p.variation).dosage
        assert p.sets <= dosage.sets[1]
        assert p in routine or dosage.sets[0] <= p.sets
        for given_range, allowed in ((p.reps, dosage.reps), (p.hold_s, dosage.hold_s)):
            assert (given_range is None) == (allowed is None)
            if given_range is not None and allowed is not None:
                assert allowed[0] <= given_range[0] <= given_range[1] <= allowed[1]
                # A session dose reads as a coach writes it: the version's own range or a
                # range of at least 2 (never 14-15); the desk break's single easy set aside.
                assert (
                    p in routine or given_range == allowed or given_range[1] - given_range[0] >= 2
                )


@PROPERTY
@given(profiles, starts)
def test_every_reason_names_its_phase_weeks_and_dose(data: dict[str, Any], start: date) -> None:
    plan = plan_or_none(data, start)
    if plan is None:
        return
    named: dict[str, set[int]] = {}
    for week in plan.weeks:
        for p in (p for s in week.sessions for p in s.exercises):
            found = PHASE_WEEKS.match(p.reason)
            assert found is not None, p.reason
            name, first, last = found.group(1), found.group(2), found.group(3) or found.group(2)
            assert name.lower() == week.phase.value
            named.setdefault(name.lower(), set()).add(int(first))
            named[name.lower()].add(int(last))
            assert int(first) <= week.week <= int(last)
            assert_states_its_dose(p)
    for phase, ends in named.items():
        weeks = {w.week for w in plan.weeks if w.phase.value == phase}
        assert ends == {min(weeks), max(weeks)}, phase


def assert_states_its_dose(p: Prescription) -> None:
    """The reason's numbers are the prescription's own (fewer sets included)."""
    if p.reps is None:
        assert f": {p.sets} holds of " in p.reason
    else:
        assert f": {p.sets} sets of {span(p.reps)} reps" in p.reason
    if p.hold_s is not None:
        assert f"{span(p.hold_s)} s" in p.reason


def span(given: tuple[float, float]) -> str:
    low, high = (f"{value:g}" for value in given)
    return low if low == high else f"{low}–{high}"


@PROPERTY
@given(profiles, starts)
def test_every_week_covers_all_seven_within_the_time(data: dict[str, Any], start: date) -> None:
    plan = plan_or_none(data, start)
    if plan is None:
        return
    assert len(plan.weeks) == data["weeks"]
    for week in plan.weeks:
        assert {p.exercise for s in week.sessions for p in s.exercises} == SEVEN
        assert len(week.sessions) == len(data["days"])
        for session in week.sessions:
            assert session_minutes(session) <= data["minutes_per_session"]
            assert WEEKDAYS[session.date.weekday()] in data["days"]
            assert 0 <= (session.date - start).days - 7 * (week.week - 1) < 7


@PROPERTY
@given(profiles, starts)
def test_plan_json_round_trips(data: dict[str, Any], start: date) -> None:
    plan = plan_or_none(data, start)
    if plan is None:
        return
    as_json = plan_to_json(plan)
    assert json.loads(json.dumps(as_json)) == as_json
    assert as_json["start"] == start.isoformat()
    dates = [s["date"] for w in as_json["weeks"] for s in w["sessions"]]
    assert dates == sorted(dates)
    assert len(dates) == len(set(dates))


@PROPERTY
@given(profiles, starts)
def test_enough_minutes_always_give_a_plan(data: dict[str, Any], start: date) -> None:
    # 18 minutes on 2 days is the most any kit, experience and pain need (dumbbells and a
    # kettlebell, "some": worked out by hand in test_generator); more days need less.
    data = data | {"minutes_per_session": max(data["minutes_per_session"], 18)}
    assert plan_or_none(data, start) is not None
