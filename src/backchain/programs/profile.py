"""Reading a profile from JSON, and the checks that must pass before a plan is made.

Every error is one line that names the field, says what is wrong and what is allowed.
"""

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from backchain.errors import PlanBlockedError, ProgramError
from backchain.exercises import Equipment
from backchain.outcomes import score_odi, score_rmdq
from backchain.programs.models import Experience, Profile, Weekday
from backchain.screening import ScreeningResult, Verdict, parse_answers, screen

__all__ = ["check_screening", "field_bounds", "parse_profile"]

_EQUIPMENT = ", ".join(e.value for e in Equipment if e is not Equipment.NONE)
_CHOICES = {
    "equipment": _EQUIPMENT,
    "experience": ", ".join(e.value for e in Experience),
    "days": ", ".join(d.value for d in Weekday),
}
_SHOWN_MAX = 40  # characters of a wrong value to quote back in a message


def field_bounds(field: str) -> tuple[Any, Any]:
    """The lower and upper limits Profile puts on a field, so messages never drift from it."""
    low: Any = None
    high: Any = None
    for item in Profile.model_fields[field].metadata:
        # annotated_types.Ge/Le for numbers, MinLen/MaxLen for lists
        low = getattr(item, "ge", getattr(item, "min_length", low))
        high = getattr(item, "le", getattr(item, "max_length", high))
    return low, high


def _range(field: str) -> str:
    low, high = field_bounds(field)
    return f"{low} to {high}"


# What each field allows, in words: "give <this>".
_ALLOWED = {
    "age": f"a whole number of years from {_range('age')}",
    "equipment": f"a list of any of {_EQUIPMENT} (or an empty list)",
    "experience": f"one of {_CHOICES['experience']}",
    "days": f'a list of {_range("days")} different weekdays, e.g. ["monday", "thursday"]',
    "minutes_per_session": f"a whole number of minutes from {_range('minutes_per_session')}",
    "sitting_hours": f"the hours a day spent sitting, a number from {_range('sitting_hours')}",
    "pain": f"today's pain as a whole number from {_range('pain')}",
    "weeks": f"a whole number of weeks from {_range('weeks')}",
    "desk_breaks": "true or false",
    "screening": "the `backchain screen --answers` object",
    "odi": "a list of the 10 ODI section scores, each 0 to 5 or null",
    "rmdq": "a list of the 24 RMDQ answers, each true or false",
}
_ALLOWED_ITEM = {
    "equipment": f"one of {_EQUIPMENT}",
    "days": f"one of {_CHOICES['days']}",
    "odi": "a section score from 0 to 5, or null",
    "rmdq": "true or false",
}


def parse_profile(data: object) -> Profile:
    """Validate a profile JSON object; baseline ODI/RMDQ and screening answers are checked too."""
    if not isinstance(data, Mapping):
        raise ProgramError(f"A profile must be a JSON object with the fields {_field_list()}.")
    unknown = [str(key) for key in data if key not in Profile.model_fields]
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise ProgramError(
            f"Unknown profile field{plural} {names}; the fields are {_field_list()}."
        )
    try:
        text = json.dumps(dict(data), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ProgramError(
            "A profile must hold only JSON values: numbers, text, true/false, null, lists and objects."
        ) from error
    try:
        # Strict JSON rules: 35.0 is not a whole number and "8" is not a number of hours.
        profile = Profile.model_validate_json(text, strict=True)
    except ValidationError as error:
        raise ProgramError(_message(error.errors()[0])) from error
    if profile.odi is not None:
        score_odi(profile.odi)
    if profile.rmdq is not None:
        score_rmdq(profile.rmdq)
    if profile.screening is not None:
        parse_answers(profile.screening)
    return profile


def check_screening(profile: Profile) -> ScreeningResult | None:
    """Screen the profile's answers, if it has any; a verdict other than proceed blocks the plan."""
    if profile.screening is None:
        return None
    result = screen(parse_answers(profile.screening))
    if result.verdict is not Verdict.PROCEED:
        raise PlanBlockedError(result.message)
    return result


def _field_list() -> str:
    return ", ".join(Profile.model_fields)


def _message(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error["loc"]]
    field, where = loc[0], ".".join(loc)
    prefix = f"Profile field '{where}'"
    kind, value = error["type"], error["input"]
    if kind == "missing":
        return f"{prefix} is missing; give {_ALLOWED[field]}."
    if kind == "enum":
        return f"{prefix}: {_show(value)} is not one of {_CHOICES[field]}."
    if field == "days" and kind in {"too_short", "too_long"}:
        return f"{prefix}: give {_range('days')} training days, got {len(value)}."
    if field == "days" and kind == "value_error":
        repeated = next(day for day in value if value.count(day) > 1)
        return f"{prefix}: {_show(repeated)} appears more than once; give each training day once."
    allowed = _ALLOWED_ITEM.get(field, _ALLOWED[field]) if len(loc) > 1 else _ALLOWED[field]
    return f"{prefix}: give {allowed}, got {_show(value)}."


def _show(value: Any) -> str:
    """A wrong value as the person wrote it in JSON, shortened; text in single quotes."""
    shown = f"'{value}'" if isinstance(value, str) else json.dumps(value)
    return shown if len(shown) <= _SHOWN_MAX else shown[: _SHOWN_MAX - 1] + "…"
