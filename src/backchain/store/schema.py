"""The export file's schema, version 4: everything stored, nested by person, without database ids.

Entries extend the domain models, so an imported file passes the same validation as a value
typed in by the person (a pain of 11 is refused here as it is at the keyboard).
"""

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    JsonValue,
    model_validator,
)

from backchain.outcomes.models import PARAPHRASE_WORDING, Measure
from backchain.programs.models import (
    CheckIn,
    Decision,
    Plan,
    Profile,
    Revision,
    SessionDraft,
    SessionLog,
)
from backchain.screening.models import Verdict

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "DecisionEntry",
    "DraftEntry",
    "ExportFile",
    "LogReference",
    "PersonEntry",
    "PlanEntry",
    "QuestionnaireEntry",
    "RevisionEntry",
    "ScreeningEntry",
    "SessionLogEntry",
]

EXPORT_FORMAT = "backchain-export"
# 2: sets carry their form faults. 3: sessions in progress, corrections and settings changes,
# and the wording questionnaires were answered in. 4: a clinician's changes of a prescription
# (decisions of kind "change", with who made them, their dose and hold). Earlier versions still
# import.
EXPORT_VERSION = 4
Index = Annotated[int, Field(ge=0)]


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScreeningEntry(_Entry):
    taken_at: AwareDatetime
    verdict: Verdict
    answers: dict[str, JsonValue]  # with "clearance", when one was recorded
    wording: str = PARAPHRASE_WORDING  # of the STarT Back items


class QuestionnaireEntry(_Entry):
    taken_on: date
    measure: Measure
    score: FiniteFloat
    band: str | None = None
    answered: Annotated[int, Field(ge=0)] | None = None
    answers: JsonValue
    wording: str = PARAPHRASE_WORDING


class PlanEntry(Plan):
    created_at: AwareDatetime
    superseded: bool


class SessionLogEntry(SessionLog):
    logged_at: AwareDatetime
    checkin: CheckIn | None = None


class DraftEntry(SessionDraft):
    started_at: AwareDatetime


class RevisionEntry(Revision):
    made_at: AwareDatetime


class LogReference(_Entry):
    """A session log by its place in the person's `session_logs`, with its date as a check."""

    index: Index
    date: date


class DecisionEntry(Decision):
    session_log: LogReference | None  # None for a program-level decision
    decided_on: date


class PersonEntry(_Entry):
    created_at: AwareDatetime
    profile: Profile
    screenings: list[ScreeningEntry] = []
    questionnaires: list[QuestionnaireEntry] = []
    plans: list[PlanEntry] = []
    session_logs: list[SessionLogEntry] = []
    decisions: list[DecisionEntry] = []  # in the order they apply
    drafts: list[DraftEntry] = []
    revisions: list[RevisionEntry] = []

    @model_validator(mode="after")
    def _one_current_plan(self) -> Self:
        if sum(not plan.superseded for plan in self.plans) > 1:
            raise ValueError("only one plan may be current (superseded: false)")
        return self

    @model_validator(mode="after")
    def _decisions_follow_logs(self) -> Self:
        for number, entry in enumerate(self.decisions):
            ref = entry.session_log
            if ref is None:
                continue
            if ref.index >= len(self.session_logs):
                raise ValueError(
                    f"decisions[{number}] refers to session log {ref.index}, "
                    f"but there are {len(self.session_logs)}"
                )
            if self.session_logs[ref.index].date != ref.date:
                raise ValueError(
                    f"decisions[{number}] refers to session log {ref.index} on {ref.date}, "
                    f"but that log is dated {self.session_logs[ref.index].date}"
                )
        return self


class ExportFile(_Entry):
    format: Literal["backchain-export"]
    version: Literal[1, 2, 3, 4]
    people: list[PersonEntry]
