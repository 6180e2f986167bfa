"""The plan as an iCalendar file (RFC 5545) for any calendar app: sessions and desk breaks.

Each planned session is an all-day event on its date. With a desk-break routine in the plan,
two reminders recur on working days for the plan's whole span. UIDs depend only on the plan's
first day and the event's date or time, so importing a newer file after the plan changes
updates the events already there instead of adding copies.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from icalendar import Alarm, Calendar, Event

from backchain.exercises import Catalogue
from backchain.programs.dosing import estimate_seconds
from backchain.programs.ladder import rung
from backchain.programs.models import DeskBreak, Plan, PlannedSession, PlanWeek, Prescription

__all__ = [
    "CALENDAR_FILENAME",
    "CALENDAR_NAME",
    "DESK_BREAK_TIMES",
    "PRODID",
    "desk_break_uid",
    "plan_calendar",
    "plan_end",
    "session_uid",
]

PRODID = "-//Backchain//Backchain training plan//EN"
CALENDAR_NAME = "Backchain plan"
CALENDAR_FILENAME = "backchain-plan.ics"  # what the web download and the CLI suggest
UID_DOMAIN = "backchain.invalid"  # RFC 2606: a name that is never anyone's real domain
ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(weeks=1)
# Sessions are all-day events: the plan gives a day, not an hour, and a person trains when the
# day allows. All-day events need no time zone and do not mark the person as busy.
# Desk breaks, mid-morning and mid-afternoon: a product choice, not from a source. Two breaks
# split a typical 9-to-5 day's sitting into stretches of two to three hours. Floating local
# times (no time zone): 10:30 means 10:30 wherever the person is, and Backchain stores no zone.
DESK_BREAK_TIMES = (time(10, 30), time(15, 0))
# Desk breaks are for the working week: RFC 5545 day codes, Monday to Friday.
WORKING_DAYS = ("MO", "TU", "WE", "TH", "FR")
FRIDAY = 4  # date.weekday() of the last working day
DESK_BREAK_SUMMARY = "Backchain: desk break"
DESK_BREAK_ALARM = "Time for a desk break: stand up and do a few easy moves."
SESSION_FOOTER = (
    "Open Backchain on the day for the exact versions and loads: they follow your progress."
)


def plan_calendar(plan: Plan, *, catalogue: Catalogue, generated_at: datetime) -> bytes:
    """The plan as .ics bytes; `generated_at` (timezone-aware) stamps every event."""
    stamp = generated_at.astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    for week in plan.weeks:
        for number, session in enumerate(week.sessions, start=1):
            calendar.add_component(_session_event(plan, week, number, session, catalogue, stamp))
    if plan.desk_break is not None:
        for at in DESK_BREAK_TIMES:
            calendar.add_component(_desk_break_event(plan, plan.desk_break, at, catalogue, stamp))
    ics: bytes = calendar.to_ical()  # icalendar leaves this untyped
    return ics


def plan_end(plan: Plan) -> date:
    """The last day of the plan: the end of its last week."""
    return plan.start + len(plan.weeks) * ONE_WEEK - ONE_DAY


def session_uid(plan: Plan, day: date) -> str:
    """The same for a day's session in every calendar made from a plan starting that day."""
    return f"session-{day:%Y%m%d}.plan-{plan.start:%Y%m%d}@{UID_DOMAIN}"


def desk_break_uid(plan: Plan, at: time) -> str:
    return f"desk-break-{at:%H%M}.plan-{plan.start:%Y%m%d}@{UID_DOMAIN}"


def _session_event(
    plan: Plan,
    week: PlanWeek,
    number: int,
    session: PlannedSession,
    catalogue: Catalogue,
    stamp: datetime,
) -> Event:
    event = Event()
    event.add("uid", session_uid(plan, session.date))
    event.add("dtstamp", stamp)
    event.add("dtstart", session.date)
    event.add("dtend", session.date + ONE_DAY)  # all-day: the end date is exclusive
    event.add("transp", "TRANSPARENT")
    event.add("summary", f"Backchain: session {number} of week {week.week}")
    heading = f"Week {week.week} of {len(plan.weeks)} · {week.phase.value.capitalize()} phase"
    lines = [heading, "", *_moves(session.exercises, catalogue), "", SESSION_FOOTER]
    event.add("description", "\n".join(lines))
    return event


def _desk_break_event(
    plan: Plan, desk_break: DeskBreak, at: time, catalogue: Catalogue, stamp: datetime
) -> Event:
    start = datetime.combine(_first_working_day(plan.start), at)  # floating local time
    seconds = sum(estimate_seconds(p) for p in desk_break.exercises)
    minutes = max(1, ceil(seconds / 60))
    event = Event()
    event.add("uid", desk_break_uid(plan, at))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("transp", "TRANSPARENT")
    until = datetime.combine(plan_end(plan), time(23, 59, 59))  # floating, like the start
    event.add("rrule", {"freq": "weekly", "byday": list(WORKING_DAYS), "until": until})
    event.add("summary", DESK_BREAK_SUMMARY)
    lines = [desk_break.note, "", *_moves(desk_break.exercises, catalogue)]
    event.add("description", "\n".join(lines))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", DESK_BREAK_ALARM)
    alarm.add("trigger", timedelta(0))  # at the start of the break
    event.add_component(alarm)
    return event


def _moves(prescriptions: Iterable[Prescription], catalogue: Catalogue) -> list[str]:
    """One line per exercise: the version's name and its dose."""
    return [
        f"• {rung(catalogue.get(p.exercise), p.variation).name}: {p.dosage.describe()}"
        for p in prescriptions
    ]


def _first_working_day(day: date) -> date:
    """The day itself, or the Monday after a weekend: RFC 5545 wants the first event on a rule day."""
    while day.weekday() > FRIDAY:
        day += ONE_DAY
    return day
