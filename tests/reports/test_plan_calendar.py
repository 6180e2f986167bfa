"""The plan as an .ics file, read back with icalendar: sessions, desk breaks and stable UIDs."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from backchain.exercises import Catalogue, load_catalogue
from backchain.programs.generator import generate_plan
from backchain.programs.ladder import rung
from backchain.programs.models import Plan, Profile
from backchain.reports.calendar import plan_calendar, plan_end
from backchain.screening import RED_FLAGS

MONDAY = date(2026, 1, 5)
SATURDAY = date(2026, 1, 3)
GENERATED = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
CLEAR = {
    "red_flags": {flag.id: False for flag in RED_FLAGS},
    "startback": [False] * 8 + ["slightly"],
    "age": 38,
}
WEEKEND = {5, 6}  # date.weekday() of Saturday and Sunday


def profile(**changes: Any) -> Profile:
    data: dict[str, Any] = {
        "age": 38,
        "equipment": ["mat", "dumbbells"],
        "experience": "some",
        "days": ["monday", "wednesday", "friday"],
        "minutes_per_session": 40,
        "sitting_hours": 9,  # 6 h or more: desk breaks on by default
        "pain": 3,
        "screening": CLEAR,
    }
    return Profile.model_validate({**data, **changes})


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def events(plan: Plan, catalogue: Catalogue, generated: datetime = GENERATED) -> list[Event]:
    ics = plan_calendar(plan, catalogue=catalogue, generated_at=generated)
    parsed = Calendar.from_ical(ics)
    return list(parsed.walk("VEVENT"))


def sessions(found: list[Event]) -> list[Event]:
    return [e for e in found if str(e["UID"]).startswith("session-")]


def desk_breaks(found: list[Event]) -> list[Event]:
    return [e for e in found if "RRULE" in e]


def test_the_file_is_a_calendar_with_a_name(catalogue: Catalogue) -> None:
    ics = plan_calendar(
        generate_plan(profile(), MONDAY), catalogue=catalogue, generated_at=GENERATED
    )
    parsed = Calendar.from_ical(ics)
    assert parsed["VERSION"] == "2.0"
    assert "Backchain" in str(parsed["PRODID"])
    assert str(parsed["X-WR-CALNAME"]) == "Backchain plan"


@pytest.mark.parametrize(
    ("days", "weeks"),
    [(["monday", "wednesday", "friday"], 12), (["tuesday", "saturday"], 16)],
)
def test_every_session_is_there_once_on_its_date(
    catalogue: Catalogue, days: list[str], weeks: int
) -> None:
    plan = generate_plan(profile(days=days, weeks=weeks), MONDAY)
    found = sessions(events(plan, catalogue))
    planned = Counter(s.date for week in plan.weeks for s in week.sessions)
    assert Counter(e.decoded("DTSTART") for e in found) == planned
    assert sum(planned.values()) == len(days) * weeks
    for event in found:
        start = event.decoded("DTSTART")
        assert type(start) is date, "sessions are all-day events"
        assert event.decoded("DTEND") == start + timedelta(days=1)


def test_session_summary_counts_within_the_week(catalogue: Catalogue) -> None:
    found = sessions(events(generate_plan(profile(), MONDAY), catalogue))
    by_day = {e.decoded("DTSTART"): str(e["SUMMARY"]) for e in found}
    # Monday, Wednesday, Friday from Monday 5 January: week 2's third session is Friday the 16th.
    assert by_day[date(2026, 1, 5)] == "Backchain: session 1 of week 1"
    assert by_day[date(2026, 1, 16)] == "Backchain: session 3 of week 2"
    assert by_day[date(2026, 3, 27)] == "Backchain: session 3 of week 12"


def test_session_description_lists_each_exercise_with_its_dose(catalogue: Catalogue) -> None:
    plan = generate_plan(profile(), MONDAY)
    found = {e.decoded("DTSTART"): str(e["DESCRIPTION"]) for e in sessions(events(plan, catalogue))}
    for week in plan.weeks:
        for session in week.sessions:
            text = found[session.date]
            assert text.startswith(f"Week {week.week} of 12")
            for p in session.exercises:
                name = rung(catalogue.get(p.exercise), p.variation).name
                assert f"{name}: {p.dosage.describe()}" in text
    first = found[MONDAY]
    assert "Glute bridge: " in first
    assert "Locust pose lift: " in first
    assert " sets × " in first


@pytest.mark.parametrize("start", [MONDAY, SATURDAY])
def test_desk_breaks_recur_on_working_days_across_the_plan(
    catalogue: Catalogue, start: date
) -> None:
    plan = generate_plan(profile(), start)
    assert plan.desk_break is not None
    found = desk_breaks(events(plan, catalogue))
    starts = sorted(e.decoded("DTSTART").time() for e in found)
    assert starts == [time(10, 30), time(15, 0)]
    last_day = start + timedelta(weeks=12) - timedelta(days=1)
    assert plan_end(plan) == last_day
    for event in found:
        first = event.decoded("DTSTART")
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=first)
        days = [moment.date() for moment in rule]
        assert all(day.weekday() not in WEEKEND for day in days)
        assert days[0] >= start
        assert days[-1] <= last_day
        assert len(days) == 12 * 5, "every working day of 12 weeks"
        assert len(set(days)) == len(days)


def test_desk_break_reminds_and_lists_the_moves(catalogue: Catalogue) -> None:
    found = desk_breaks(events(generate_plan(profile(), MONDAY), catalogue))
    for event in found:
        assert str(event["SUMMARY"]) == "Backchain: desk break"
        text = str(event["DESCRIPTION"])
        assert "Chair squat: 1 set" in text
        assert "Bodyweight hip hinge: 1 set" in text
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == timedelta(0)
        assert event.decoded("DTEND") > event.decoded("DTSTART")


@pytest.mark.parametrize("changes", [{"desk_breaks": False}, {"sitting_hours": 2}])
def test_no_desk_breaks_when_they_are_off(catalogue: Catalogue, changes: dict[str, Any]) -> None:
    plan = generate_plan(profile(**changes), MONDAY)
    assert plan.desk_break is None
    found = events(plan, catalogue)
    assert desk_breaks(found) == []
    assert not any("desk break" in str(e["SUMMARY"]) for e in found)
    assert len(found) == 36


def test_uids_are_unique_and_stable_across_generations(catalogue: Catalogue) -> None:
    plan = generate_plan(profile(), MONDAY)
    first = [str(e["UID"]) for e in events(plan, catalogue)]
    later = [str(e["UID"]) for e in events(plan, catalogue, GENERATED + timedelta(days=30))]
    assert first == later
    assert len(set(first)) == len(first)


def test_a_changed_plan_keeps_the_uids_of_its_dates(catalogue: Catalogue) -> None:
    """Importing the file again after a change updates events instead of adding copies."""
    before = {
        e.decoded("DTSTART"): str(e["UID"])
        for e in sessions(events(generate_plan(profile(), MONDAY), catalogue))
    }
    changed = generate_plan(profile(days=["monday", "thursday"], minutes_per_session=60), MONDAY)
    after = {e.decoded("DTSTART"): str(e["UID"]) for e in sessions(events(changed, catalogue))}
    shared = before.keys() & after.keys()
    assert shared, "Mondays are in both plans"
    assert all(before[day] == after[day] for day in shared)


def test_events_are_stamped_in_utc(catalogue: Catalogue) -> None:
    found = events(generate_plan(profile(), MONDAY), catalogue)
    assert {e.decoded("DTSTAMP") for e in found} == {GENERATED}
