"""Learn: short lessons on self-managing low back pain, offered through the first weeks.

Lessons are validated data (`data/lessons.yaml`), each citing its sources; `schedule` says
which lesson is on offer on a day of the plan. Pure: nothing here reads the store or the web.
"""

from backchain.learn.lessons import LessonError, Lessons, load_lessons, parse_lessons
from backchain.learn.models import FACTS, Block, Lesson, Paragraph, SignList
from backchain.learn.schedule import LESSON_EVERY_DAYS, lesson_for, lessons_open, opens_on

__all__ = [
    "FACTS",
    "LESSON_EVERY_DAYS",
    "Block",
    "Lesson",
    "LessonError",
    "Lessons",
    "Paragraph",
    "SignList",
    "lesson_for",
    "lessons_open",
    "load_lessons",
    "opens_on",
    "parse_lessons",
]
