"""The clinician's change form for one exercise, read and checked on the server: whatever the
page offered (the versions in the select too), every value is checked here, and a problem is one
line per field with nothing saved."""

from collections.abc import Callable
from typing import TypeVar

from pydantic import ValidationError

from backchain.care import PrescriptionChange
from backchain.care.changes import MAX_NOTE as MAX_CHANGE_NOTE
from backchain.exercises import Exercise
from backchain.programs.ladder import ladder
from backchain.programs.models import MAX_HOLD_S, MAX_REPS, MAX_SETS, Band, Load
from backchain.web.forms import Form

__all__ = ["CHECKED", "FIELDS", "parse_change"]

CHECKED = "yes"  # the value the "hold where it is" checkbox sends
FIELDS = ("variation", "sets", "reps_low", "reps_high", "hold_low", "hold_high", "load", "note")
MAX_DIGITS = 10  # longer text is never a number a clinician means, and is not parsed at all
_N = TypeVar("_N", int, float)
_T = TypeVar("_T")


def _whole(text: str, high: int) -> int | None:
    """A whole number from 1 to `high`, else None."""
    value = int(text) if text.isdigit() and len(text) <= MAX_DIGITS else 0
    return value if 1 <= value <= high else None


def _reps(text: str) -> int | None:
    return _whole(text, MAX_REPS)


def _seconds(text: str) -> float | None:
    """Seconds, more than 0 and up to `MAX_HOLD_S`, else None."""
    try:
        value = float(text) if len(text) <= MAX_DIGITS else -1.0
    except ValueError:
        return None
    return value if 0 < value <= MAX_HOLD_S else None  # also refuses NaN


def _range(
    low: str, high: str, parse: Callable[[str], _N | None], problem: str
) -> tuple[_N, _N] | None:
    """A range from two fields: both empty is None, and one stands for both. A `ValueError`
    with the line to show when a number is not right."""
    if not low and not high:
        return None
    first, last = parse(low or high), parse(high or low)
    if first is None or last is None:
        raise ValueError(problem)
    if first > last:
        raise ValueError("Put the lower number first, then the higher one.")
    return first, last


def _load(text: str) -> Load | None:
    """A weight in kg or a band colour, as the set form takes them; None when empty."""
    if not text:
        return None
    if text.lower() in {band.value for band in Band}:
        return Load(band=Band(text.lower()))
    try:
        return Load(kg=float(text.lower().removesuffix("kg").strip()))
    except (ValueError, ValidationError):
        raise ValueError(
            "Give the load in kg (such as 8) or a band colour, or leave it empty."
        ) from None


def parse_change(
    form: Form, exercise: Exercise
) -> tuple[dict[str, object], PrescriptionChange | None, dict[str, str]]:
    """The values as typed, the change (None when something is wrong) and a line per field.
    Every value is checked here, whatever the form offered (the versions in the select too)."""
    values: dict[str, object] = {name: form.get(name).strip() for name in FIELDS}
    values["held"] = form.get("held") == CHECKED
    text = {name: str(values[name]) for name in FIELDS}
    errors: dict[str, str] = {}

    def read(name: str, parse: Callable[[], _T]) -> _T | None:
        try:
            return parse()
        except ValueError as error:
            errors[name] = str(error)
            return None

    if text["variation"] and text["variation"] not in {r.id for r in ladder(exercise)}:
        errors["variation"] = f"Choose one of the versions of {exercise.name} in the list."
    sets = _whole(text["sets"], MAX_SETS) if text["sets"] else None
    if text["sets"] and sets is None:
        errors["sets"] = f"Give the sets as a whole number from 1 to {MAX_SETS}, or leave it empty."
    reps_problem = f"Give the reps as whole numbers from 1 to {MAX_REPS}, or leave them empty."
    reps = read("reps", lambda: _range(text["reps_low"], text["reps_high"], _reps, reps_problem))
    hold_problem = f"Give the hold in seconds, up to {MAX_HOLD_S:g}, or leave it empty."
    hold = read("hold", lambda: _range(text["hold_low"], text["hold_high"], _seconds, hold_problem))
    load = read("load", lambda: _load(text["load"]))
    if not text["note"]:
        errors["note"] = "Say why, in a line or two: the person reads it with the change."
    elif len(text["note"]) > MAX_CHANGE_NOTE:
        errors["note"] = f"Keep the note under {MAX_CHANGE_NOTE} characters."
    if errors:
        return values, None, errors
    try:
        found = PrescriptionChange(
            exercise=exercise.id,
            variation=text["variation"] or None,
            sets=sets,
            reps=reps,
            hold_s=hold,
            load=load,
            held=bool(values["held"]),
            note=text["note"],
        )
    except ValidationError as error:  # the checks above leave nothing for these; just in case
        errors["form"] = f"The change could not be read ({error.errors()[0]['msg']}); check it."
        return values, None, errors
    return values, found, errors
