"""Which planned session each logged day stands for, and which session comes next.

One session per planned day: a log on a training day stands for that day's session; a log on
another day stands for the first session of its week not yet done (catching up, or training a
day early). A session that a log stands for is done and is never offered again.
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from backchain.programs.models import Plan, PlannedSession, PlanWeek

__all__ = ["Slot", "done_sessions", "next_session", "session_for", "week_of"]

ONE_WEEK = timedelta(days=7)

Slot = tuple[PlanWeek, PlannedSession]


def week_of(plan: Plan, day: date) -> PlanWeek | None:
    """The plan week this day falls in; None before the start or after the end."""
    index = (day - plan.start).days // ONE_WEEK.days
    return plan.weeks[index] if 0 <= index < len(plan.weeks) else None


def session_for(plan: Plan, done: Iterable[date], day: date) -> Slot | None:
    """The session a log on this day stands for, given the planned dates already done; None
    when the day is outside the plan or its week's sessions are all done."""
    week = week_of(plan, day)
    if week is None:
        return None
    taken = set(done)
    open_sessions = [s for s in week.sessions if s.date not in taken]
    exact = [s for s in open_sessions if s.date == day]
    if exact:
        return week, exact[0]
    return (week, open_sessions[0]) if open_sessions else None


def done_sessions(plan: Plan, log_days: Iterable[date]) -> dict[date, date]:
    """For each planned date that a log stands for, the day it was logged (logs in date order)."""
    done: dict[date, date] = {}
    for day in sorted(log_days):
        slot = session_for(plan, done, day)
        if slot is not None:
            done[slot[1].date] = day
    return done


def next_session(
    plan: Plan, day: date, done: Mapping[date, date] | Iterable[date] = ()
) -> Slot | None:
    """The first session planned on or after this day that is not done; None once the plan is over."""
    taken = set(done)
    for week in plan.weeks:
        for session in week.sessions:
            if session.date >= day and session.date not in taken:
                return week, session
    return None
