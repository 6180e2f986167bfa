"""Changing a running program's settings: the rest of the plan is made again, the past stays.

Pure functions: the journal stores what they return.
"""

from collections.abc import Collection, Mapping
from datetime import date, timedelta

from backchain.exercises import Catalogue, Equipment
from backchain.programs.ladder import fits, ladder, rung
from backchain.programs.models import Decision, DecisionKind, ExerciseState, Plan, PlanWeek

__all__ = ["kit_switches", "splice"]

ONE_WEEK = timedelta(days=7)


def splice(old: Plan, fresh: Plan, day: date, done: Collection[date]) -> Plan:
    """`fresh` from `day` on, `old` before it: weeks that are over stay as they were; in the
    current and later weeks, sessions before `day` and sessions already done are kept, and the
    fresh plan's sessions fill the days from `day` that are free, up to the fresh week's number
    of sessions (a week never holds more sessions than the new settings ask for)."""
    weeks = []
    for index, week in enumerate(fresh.weeks):
        earlier = old.weeks[index] if index < len(old.weeks) else None
        week_start = old.start + index * ONE_WEEK
        if earlier is not None and week_start + ONE_WEEK <= day:
            weeks.append(earlier)
            continue
        kept = (
            []
            if earlier is None
            else [s for s in earlier.sessions if s.date < day or s.date in done]
        )
        taken = {s.date for s in kept}
        room = max(len(week.sessions) - len(kept), 0)
        added = [s for s in week.sessions if s.date >= day and s.date not in taken][:room]
        sessions = tuple(sorted([*kept, *added], key=lambda s: s.date))
        weeks.append(PlanWeek(week=week.week, phase=week.phase, sessions=sessions))
    return Plan(start=old.start, weeks=tuple(weeks), desk_break=fresh.desk_break)


def kit_switches(
    states: Mapping[str, ExerciseState], equipment: Collection[Equipment], catalogue: Catalogue
) -> list[Decision]:
    """For each exercise whose version in use needs kit no longer at hand, the nearest version
    that fits: easier first (the conservative direction), else the nearest harder one."""
    switches = []
    for exercise_id, state in states.items():
        exercise = catalogue.get(exercise_id)
        current = rung(exercise, state.variation)
        if fits(current, equipment):
            continue
        fitting = [r for r in ladder(exercise) if fits(r, equipment)]
        easier = [r for r in fitting if r.level <= current.level]
        if not fitting:
            continue  # the plan generator refuses a kit with no version at all
        chosen = (
            max(easier, key=lambda r: r.level) if easier else min(fitting, key=lambda r: r.level)
        )
        reason = (
            f"Your equipment changed and {current.name.lower()} needs kit you no longer listed, "
            f"so {chosen.name.lower()} from now on."
        )
        switches.append(
            Decision(
                exercise=exercise_id,
                kind=DecisionKind.SWITCH,
                reason=reason,
                variation=chosen.id,
                load=None,
            )
        )
    return switches
