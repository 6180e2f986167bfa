"""When each lesson is offered: the first on the plan's first day, then one every few days."""

from datetime import date, timedelta

from backchain.learn.lessons import Lessons, load_lessons
from backchain.learn.models import Lesson

__all__ = ["LESSON_EVERY_DAYS", "lesson_for", "lessons_open", "opens_on"]

# Days between one lesson and the next. A product choice: two short readings a week sit easily
# beside training, and seven lessons all arrive by day 19, inside the first three weeks, while
# the habits they support are forming.
LESSON_EVERY_DAYS = 3


def opens_on(plan_start: date, number: int) -> date:
    """The day lesson `number` (from 1) is offered: the plan's first day for lesson 1."""
    if number < 1:
        raise ValueError(f"lessons are numbered from 1, got {number}")
    return plan_start + timedelta(days=(number - 1) * LESSON_EVERY_DAYS)


def lessons_open(plan_start: date, day: date, lessons: Lessons | None = None) -> tuple[Lesson, ...]:
    """The lessons offered by `day`, in order; none before the plan starts."""
    lessons = lessons if lessons is not None else load_lessons()
    return tuple(
        lesson
        for number, lesson in enumerate(lessons, start=1)
        if opens_on(plan_start, number) <= day
    )


def lesson_for(plan_start: date, day: date, lessons: Lessons | None = None) -> Lesson | None:
    """The lesson on offer on `day`: the newest one, for the days until the next one opens.

    None before the plan starts, and once the last lesson has had its days.
    """
    lessons = lessons if lessons is not None else load_lessons()
    opened = lessons_open(plan_start, day, lessons)
    if not opened:
        return None
    newest = opened[-1]
    days_since = (day - opens_on(plan_start, len(opened))).days
    return newest if days_since < LESSON_EVERY_DAYS else None
