"""Readable labels for catalogue values; registered as a Jinja filter by `templating`."""

from backchain.exercises import Equipment

__all__ = ["label"]

# Labels that a mechanical "snake_case -> Sentence case" would get wrong.
_LABELS: dict[str, str] = {Equipment.NONE: "No equipment"}


def label(value: str) -> str:
    """A readable label for an enum value: `hip_hinge` -> `Hip hinge`."""
    return _LABELS.get(value, value.replace("_", " ").capitalize())
