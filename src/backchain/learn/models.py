"""Typed models of the lessons; the data file is validated against these on load."""

from collections.abc import Mapping
from string import Formatter
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
)

from backchain.programs.models import MAX_WEEKS, MIN_WEEKS
from backchain.programs.progression import (
    MAX_ACCEPTABLE_PAIN,
    MAX_PROGRESS_PAIN,
    MAX_PROGRESS_RPE,
)
from backchain.screening import RED_FLAGS, Verdict

__all__ = ["FACTS", "Block", "Lesson", "Paragraph", "SignList"]

# Numbers a lesson may quote as {name}. They come from the code that applies them, so a lesson
# can never state a different limit from the one Backchain uses.
FACTS: Mapping[str, int] = {
    "max_acceptable_pain": MAX_ACCEPTABLE_PAIN,
    "max_progress_pain": MAX_PROGRESS_PAIN,
    "max_progress_rpe": MAX_PROGRESS_RPE,
    "min_weeks": MIN_WEEKS,
    "max_weeks": MAX_WEEKS,
}

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3)]


def _fill_facts(text: str) -> str:
    """Put the engine's numbers into a paragraph; an unknown {name} is an error in the data."""
    names = [name for _, name, _, _ in Formatter().parse(text) if name is not None]
    unknown = [name for name in names if name not in FACTS]
    if unknown:
        known = ", ".join(sorted(FACTS))
        raise ValueError(f"unknown fact '{{{unknown[0]}}}'; a lesson may quote {known}")
    return text.format_map(FACTS)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Paragraph(_Model):
    """A paragraph of plain text; {name} quotes one of FACTS."""

    text: Annotated[Text, AfterValidator(_fill_facts)]


class SignList(_Model):
    """The warning signs of one severity, read from the screening questions, never copied."""

    signs: Literal["urgent", "see_clinician"]

    @property
    def items(self) -> tuple[str, ...]:
        verdict = Verdict(self.signs)
        return tuple(flag.reason for flag in RED_FLAGS if flag.severity is verdict)


def _block_kind(value: object) -> str:
    """A block with a `signs:` key is a sign list; anything else is read as a paragraph."""
    if isinstance(value, Mapping):
        return "signs" if "signs" in value else "text"
    return "signs" if isinstance(value, SignList) else "text"


# Tagged, so a mistake in a sign list is reported against the sign list, not as a paragraph.
Block = Annotated[
    Annotated[Paragraph, Tag("text")] | Annotated[SignList, Tag("signs")],
    Discriminator(_block_kind),
]


class Lesson(_Model):
    """One short reading on self-managing back pain, with the sources it rests on."""

    id: Slug
    title: Text
    summary: Text  # one line for the lesson list and the Today card
    body: Annotated[list[Block], Field(min_length=2)]
    sources: Annotated[list[Text], Field(min_length=1)]
