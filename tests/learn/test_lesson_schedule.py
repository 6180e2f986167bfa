"""When lessons are offered: the first on day 1, then one every few days, all in the first weeks."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backchain.learn import LESSON_EVERY_DAYS, lesson_for, lessons_open, load_lessons, opens_on

START = date(2026, 1, 5)  # a Monday, day 1 of the plan
LESSONS = load_lessons()
IDS = [lesson.id for lesson in LESSONS]
FIRST_WEEKS = 4  # the brief: every lesson arrives within the plan's first 3-4 weeks

# Days after the start -> the lesson on offer (by position from 1), or None. Worked out by hand
# for a lesson every 3 days: lessons open on days 0, 3, 6, 9, 12, 15, 18 after the start.
ON_OFFER = [
    (-1, None),
    (0, 1),
    (2, 1),
    (3, 2),
    (5, 2),
    (6, 3),
    (18, 7),
    (20, 7),
    (21, None),
    (200, None),
]


@pytest.mark.parametrize(("days_after", "number"), ON_OFFER)
def test_the_lesson_on_offer(days_after: int, number: int | None) -> None:
    assert LESSON_EVERY_DAYS == 3, "the table above assumes a lesson every 3 days"
    found = lesson_for(START, START + timedelta(days=days_after))
    expected = None if number is None else LESSONS.lessons[number - 1]
    assert found == expected


def test_nothing_is_open_before_the_plan_starts() -> None:
    assert lessons_open(START, START - timedelta(days=1)) == ()


def test_lessons_open_grow_to_all_of_them() -> None:
    assert [lesson.id for lesson in lessons_open(START, START)] == IDS[:1]
    assert [lesson.id for lesson in lessons_open(START, START + timedelta(days=4))] == IDS[:2]
    assert [lesson.id for lesson in lessons_open(START, START + timedelta(days=365))] == IDS


def test_every_lesson_arrives_in_the_first_weeks() -> None:
    last = opens_on(START, len(LESSONS))
    assert last < START + timedelta(weeks=FIRST_WEEKS)
    assert opens_on(START, 1) == START


def test_lessons_are_numbered_from_one() -> None:
    with pytest.raises(ValueError, match="numbered from 1"):
        opens_on(START, 0)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    offset=st.integers(min_value=-30, max_value=120),
)
def test_the_lesson_on_offer_is_always_the_newest_open_one(start: date, offset: int) -> None:
    day = start + timedelta(days=offset)
    found = lesson_for(start, day)
    opened = lessons_open(start, day)
    assert found is None or found == opened[-1]
    assert (found is None) == (not opened or offset >= len(LESSONS) * LESSON_EVERY_DAYS)


@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_each_lesson_is_offered_in_order_for_its_days(start: date) -> None:
    days = [start + timedelta(days=n) for n in range(-5, 60)]
    offered = [lesson.id for day in days if (lesson := lesson_for(start, day)) is not None]
    assert offered == [i for i in IDS for _ in range(LESSON_EVERY_DAYS)]
