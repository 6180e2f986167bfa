"""The clearance form, shared by onboarding and screening again after a pause.

CLINICAL.md, "Clearance": a "see a clinician" flag stops training until the person says a
clinician has assessed it and cleared them to exercise (which flags, the date, optionally who).
Urgent flags are never offered here: they need care the same day.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backchain import screening
from backchain.errors import ScreeningError

__all__ = ["NOTHING_TO_CLEAR", "ClearanceForm", "clearance_form", "read_clearance"]

NOTHING_TO_CLEAR = (
    "None of your answers needs a clinician's clearance; answer the safety questions again."
)


@dataclass(frozen=True)
class ClearanceForm:
    """What the clearance form shows: the raised flags it can clear, what was typed, messages."""

    flags: tuple[screening.RedFlag, ...]
    values: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    @property
    def options(self) -> list[tuple[str, str]]:
        return [(flag.id, flag.reason) for flag in self.flags]


def clearance_form(raised: Sequence[screening.RedFlag], today: date) -> ClearanceForm | None:
    """The empty form when every raised flag could be cleared; None when one is urgent."""
    if not raised or any(not flag.clearable for flag in raised):
        return None
    return ClearanceForm(flags=tuple(raised), values={"cleared": []}, today=today)


def read_clearance(
    form: Mapping[str, list[str]], raised: Sequence[screening.RedFlag], today: date
) -> tuple[dict[str, object] | None, ClearanceForm]:
    """The clearance in the answers-file format when it covers every raised flag, else None with
    the form to show again, each message next to its field."""
    ticked = [f for f in form.get("cleared", []) if f in {flag.id for flag in raised}]
    typed_day = form.get("cleared_on", [""])[0].strip()
    typed_by = form.get("cleared_by", [""])[0].strip()
    values = {"cleared": ticked, "cleared_on": typed_day, "cleared_by": typed_by}
    errors: dict[str, str] = {}
    missing = [flag for flag in raised if flag.id not in ticked]
    if missing:
        errors["cleared"] = (
            "Tick each sign a clinician has assessed and cleared; training can start only when "
            "every one of them is."
        )
    for name, check in (
        ("cleared_on", lambda: screening.clearance_date(typed_day, today)),
        ("cleared_by", lambda: screening.cleared_by(typed_by)),
    ):
        try:
            check()
        except ScreeningError as error:
            errors[name] = str(error)
    answer: dict[str, object] = {"flags": ticked, "date": typed_day, "by": typed_by or None}
    if not raised:  # answers sent back with nothing to clear: no form of ours asks this
        errors["cleared"] = NOTHING_TO_CLEAR
    if not errors:
        try:  # the whole rule, checked once more: an urgent sign is never cleared here
            screening.parse_clearance(answer, today=today)
        except ScreeningError as error:
            errors["cleared"] = str(error)
    shown = ClearanceForm(flags=tuple(raised), values=values, errors=errors, today=today)
    return (None if errors else answer), shown
