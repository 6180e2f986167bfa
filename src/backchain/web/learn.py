"""Learn: the lessons on self-managing back pain, and the card that offers the current one.

Every lesson is readable at any time; with a program stored, the list also says which lessons
have been offered and when the rest will be. The schedule is `backchain.learn.schedule`.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from backchain import journal
from backchain.learn import Lesson, LessonError, Lessons, lesson_for, load_lessons, opens_on
from backchain.web.deps import PersonIdDep, StoreDep
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = ["LessonCard", "get_lesson", "lesson_card", "plan_start", "router"]

router = APIRouter(prefix="/learn", tags=["learn"])


def get_lessons() -> Lessons:
    """The packaged lessons (read once); a broken data file raises LessonError."""
    return load_lessons()


LessonsDep = Annotated[Lessons, Depends(get_lessons)]


def get_lesson(lesson_id: str, lessons: LessonsDep) -> Lesson:
    """The lesson named in the path, or the friendly 404 page."""
    try:
        return lessons.get(lesson_id)
    except LessonError as error:
        raise NotFoundError(
            title="Lesson not found",
            detail=f"There is no lesson called “{lesson_id}”; the Learn page lists them all.",
        ) from error


LessonDep = Annotated[Lesson, Depends(get_lesson)]


def plan_start(session: Session, person: int | None = None) -> date | None:
    """The first day of the person's plan, or None when no program is stored yet."""
    found = journal.find_journal(session, person_id=person)
    return None if found is None else found.plan.start


def get_plan_start(store: StoreDep, person: PersonIdDep) -> date | None:
    with store.read() as session:
        return plan_start(session, person)


PlanStartDep = Annotated[date | None, Depends(get_plan_start)]


@dataclass(frozen=True)
class LessonCard:
    """The lesson on offer today, for the card on the Today page (`_lesson_card.html`)."""

    lesson: Lesson
    number: int
    total: int


def lesson_card(start: date | None, day: date) -> LessonCard | None:
    """The card for `day` in a plan that began on `start`, or None before the plan starts, after
    the lessons, or with no plan; `_lesson_card.html` shows nothing when it is None."""
    lessons = load_lessons()
    lesson = None if start is None else lesson_for(start, day, lessons)
    if lesson is None:
        return None
    return LessonCard(lesson=lesson, number=lessons.number(lesson), total=len(lessons))


@dataclass(frozen=True)
class Entry:
    """A lesson as the list shows it: its number and, with a plan, the day it is offered."""

    lesson: Lesson
    number: int
    opens: date | None  # None without a plan: no schedule, every lesson simply readable
    reached: bool
    current: bool


def _entries(lessons: Lessons, start: date | None, day: date) -> list[Entry]:
    current = None if start is None else lesson_for(start, day, lessons)
    entries = []
    for number, lesson in enumerate(lessons, start=1):
        opens = None if start is None else opens_on(start, number)
        reached = opens is None or opens <= day
        entries.append(Entry(lesson, number, opens, reached, lesson == current))
    return entries


@router.get("", response_class=HTMLResponse)
def lesson_list(request: Request, lessons: LessonsDep, start: PlanStartDep) -> HTMLResponse:
    """All the lessons; those not reached yet say when they come, and can be read now."""
    today = date.today()
    context = {"entries": _entries(lessons, start, today), "has_plan": start is not None}
    return templates.TemplateResponse(request, "learn_list.html", context)


@router.get("/{lesson_id}", response_class=HTMLResponse)
def lesson_page(
    request: Request, lesson: LessonDep, lessons: LessonsDep, start: PlanStartDep
) -> HTMLResponse:
    """One lesson with its sources, and links to the lessons either side."""
    entries = _entries(lessons, start, date.today())
    index = lessons.number(lesson) - 1
    context = {
        "entry": entries[index],
        "total": len(lessons),
        "previous": entries[index - 1].lesson if index > 0 else None,
        "next": entries[index + 1].lesson if index + 1 < len(entries) else None,
    }
    return templates.TemplateResponse(request, "learn_lesson.html", context)
