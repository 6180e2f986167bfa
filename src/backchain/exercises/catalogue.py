"""Loading the exercise catalogue; errors name the exercise and the field at fault."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backchain.datafile import top_level_list
from backchain.errors import CatalogueError
from backchain.exercises.models import Exercise

__all__ = ["CORE_EXERCISES", "Catalogue", "load_catalogue", "parse_catalogue"]

# The seven exercises the program is built on (CLINICAL.md, "The seven exercises").
CORE_EXERCISES = (
    "glute_bridge",
    "romanian_deadlift",
    "bent_over_row",
    "downward_dog",
    "kettlebell_swing",
    "squat",
    "locust",
)

_DATA_FILE = "exercises.yaml"


@dataclass(frozen=True)
class Catalogue:
    """The validated exercises, in the order of the data file."""

    exercises: tuple[Exercise, ...]

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def get(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise CatalogueError(f"Unknown exercise '{exercise_id}'. Choose one of: {known}.")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue file; the packaged one when no path is given."""
    if path is None:
        return _packaged_catalogue()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogueError(f"Cannot read exercise data {path}: {error.strerror}.") from error
    return parse_catalogue(text, source=path.name)


@cache
def _packaged_catalogue() -> Catalogue:
    text = resources.files("backchain.exercises").joinpath("data", _DATA_FILE).read_text("utf-8")
    return parse_catalogue(text, source=_DATA_FILE)


def parse_catalogue(text: str, *, source: str) -> Catalogue:
    """Validate catalogue YAML; any problem raises CatalogueError naming the exercise and field."""
    entries = top_level_list(text, source=source, key="exercises", error=CatalogueError)
    exercises = tuple(_parse_exercise(entry, n, source) for n, entry in enumerate(entries))
    _check_complete(exercises, source)
    return Catalogue(exercises)


def _parse_exercise(entry: Any, position: int, source: str) -> Exercise:
    name = entry.get("id") if isinstance(entry, Mapping) else None
    label = f"exercise '{name}'" if isinstance(name, str) else f"exercise #{position + 1}"
    try:
        return Exercise.model_validate(entry)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(whole entry)"
        message = first["msg"].removeprefix("Value error, ")
        raise CatalogueError(f"{source}: {label}: field '{field}': {message}.") from error


def _check_complete(exercises: tuple[Exercise, ...], source: str) -> None:
    ids = [e.id for e in exercises]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"{source}: exercise '{duplicates[0]}' appears more than once.")
    missing = [i for i in CORE_EXERCISES if i not in ids]
    if missing:
        raise CatalogueError(
            f"{source}: exercise '{missing[0]}' is missing; all seven are required."
        )
