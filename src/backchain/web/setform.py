"""The set form, shared by the guided session and by corrections in the history: which values a
set of a version takes, what the form starts with, and reading it back with messages per field."""

from dataclasses import dataclass

from pydantic import ValidationError

from backchain.exercises import Exercise, Fault
from backchain.programs.ladder import Rung, is_loaded
from backchain.programs.models import Band, Load, SetLog
from backchain.web.forms import Form, read_form

__all__ = [
    "BANDS",
    "PAIN_CHOICES",
    "RPE_CHOICES",
    "Form",
    "SetFields",
    "load_text",
    "parse_set",
    "read_form",
    "set_values",
    "whole",
]

RPE_CHOICES = tuple(range(1, 11))
PAIN_CHOICES = tuple(range(0, 11))
BANDS = tuple(b.value for b in Band)
MAX_REPS = 100  # the most a SetLog accepts
MAX_HOLD_S = 600  # seconds: the longest hold a SetLog accepts
MAX_DIGITS = 10  # longer text is never a count a person means, and is not parsed at all


@dataclass(frozen=True)
class SetFields:
    """What a set of one version takes: reps, a hold, or both; a load when it is loaded."""

    reps: bool
    hold: bool
    loaded: bool
    per_side: bool
    faults: tuple[Fault, ...]

    @classmethod
    def of(cls, exercise: Exercise, version: Rung) -> "SetFields":
        dosage = version.dosage
        return cls(
            reps=dosage.reps is not None,
            hold=dosage.hold_s is not None,
            loaded=is_loaded(version),
            per_side=dosage.per_side,
            faults=tuple(exercise.faults),
        )


def load_text(load: Load | None) -> str:
    """A load as typed in the form: "8" for 8 kg, "red" for a band."""
    if load is None:
        return ""
    return f"{load.kg:g}" if load.kg is not None else str(load.band)


def set_values(logged: SetLog) -> dict[str, object]:
    """A logged set as the form's starting values, for correcting it."""
    return {
        "reps": "" if logged.reps is None else str(logged.reps),
        "hold_s": "" if logged.hold_s is None else f"{logged.hold_s:g}",
        "load": load_text(logged.load),
        "rpe": str(logged.rpe),
        "pain": str(logged.pain),
        "faults": list(logged.faults),
    }


def parse_set(
    fields: SetFields, form: Form
) -> tuple[dict[str, object], SetLog | None, dict[str, str]]:
    """The values as typed, the set (None when something is wrong) and a message per field."""
    values: dict[str, object] = {
        name: form.get(name).strip() for name in ("reps", "hold_s", "load", "rpe", "pain")
    }
    known = {f.id for f in fields.faults}
    faults = [f for f in form.getlist("faults") if f in known]
    values["faults"] = faults
    errors: dict[str, str] = {}
    reps = hold = None
    if fields.reps:
        reps = whole(str(values["reps"]), 0, MAX_REPS, errors, "reps")
    if fields.hold and (not fields.reps or values["hold_s"]):
        hold = _number(str(values["hold_s"]), MAX_HOLD_S, errors, "hold_s", "seconds held")
    load = _parse_load(str(values["load"]), errors) if fields.loaded else None
    rpe = whole(str(values["rpe"]), 1, 10, errors, "rpe")
    pain = whole(str(values["pain"]), 0, 10, errors, "pain")
    if errors or rpe is None or pain is None:
        return values, None, errors
    data = {"reps": reps, "hold_s": hold, "load": load, "rpe": rpe, "pain": pain, "faults": faults}
    try:
        return values, SetLog.model_validate(data), errors
    except ValidationError:
        errors["reps"] = "Give the reps or the seconds held."
        return values, None, errors


def whole(text: str, low: int, high: int, errors: dict[str, str], name: str) -> int | None:
    """A whole number from `low` to `high`, or a message for the field."""
    try:
        value = int(text) if len(text) <= MAX_DIGITS else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        errors[name] = f"Choose a whole number from {low} to {high}."
        return None
    return value


def _number(text: str, high: float, errors: dict[str, str], name: str, what: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= high:  # also refuses NaN
        errors[name] = f"Give the {what} as a number from 0 to {high:g}."
        return None
    return value


def _parse_load(text: str, errors: dict[str, str]) -> Load | None:
    if not text:
        return None
    if text.lower() in BANDS:
        return Load(band=Band(text.lower()))
    try:
        return Load(kg=float(text.lower().removesuffix("kg").strip()))
    except (ValueError, ValidationError):
        errors["load"] = "Give the weight in kg (such as 8), a band colour, or leave it empty."
        return None
