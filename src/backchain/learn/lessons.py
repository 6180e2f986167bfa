"""Loading the lessons; errors name the lesson and the field at fault."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backchain.datafile import top_level_list
from backchain.errors import LessonError
from backchain.learn.models import Lesson

__all__ = ["LessonError", "Lessons", "load_lessons", "parse_lessons"]

_DATA_FILE = "lessons.yaml"


@dataclass(frozen=True)
class Lessons:
    """The validated lessons, in the order they are offered."""

    lessons: tuple[Lesson, ...]

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self.lessons)

    def __len__(self) -> int:
        return len(self.lessons)

    def get(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        known = ", ".join(lesson.id for lesson in self.lessons)
        raise LessonError(f"Unknown lesson '{lesson_id}'. Choose one of: {known}.")

    def number(self, lesson: Lesson) -> int:
        """The lesson's place in the order, counting from 1."""
        return self.lessons.index(lesson) + 1


def load_lessons(path: Path | None = None) -> Lessons:
    """Read and validate a lessons file; the packaged one (read once) when no path is given."""
    if path is None:
        return _packaged_lessons()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise LessonError(f"Cannot read lesson data {path}: {error.strerror}.") from error
    return parse_lessons(text, source=path.name)


@cache
def _packaged_lessons() -> Lessons:
    text = resources.files("backchain.learn").joinpath("data", _DATA_FILE).read_text("utf-8")
    return parse_lessons(text, source=_DATA_FILE)


def parse_lessons(text: str, *, source: str) -> Lessons:
    """Validate lessons YAML; any problem raises LessonError naming the lesson and field."""
    entries = top_level_list(text, source=source, key="lessons", error=LessonError)
    if not entries:
        raise LessonError(f"{source}: the 'lessons:' list is empty.")
    lessons = tuple(_parse_lesson(entry, n, source) for n, entry in enumerate(entries))
    ids = [lesson.id for lesson in lessons]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise LessonError(f"{source}: lesson '{duplicates[0]}' appears more than once.")
    return Lessons(lessons)


def _parse_lesson(entry: Any, position: int, source: str) -> Lesson:
    name = entry.get("id") if isinstance(entry, Mapping) else None
    label = f"lesson '{name}'" if isinstance(name, str) else f"lesson #{position + 1}"
    try:
        return Lesson.model_validate(entry)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(whole entry)"
        message = first["msg"].removeprefix("Value error, ")
        raise LessonError(f"{source}: {label}: field '{field}': {message}.") from error
