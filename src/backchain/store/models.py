"""The tables: one row type per stored value, typed for SQLAlchemy 2.

Rows hold data only; turning them into domain values and back is `mapping.py`'s job. Every
child row carries a `position` so sequences come back in the order they were saved.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Dialect,
    Double,
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from backchain.outcomes.models import PARAPHRASE_WORDING

__all__ = [
    "Base",
    "CheckInRow",
    "DecisionRow",
    "DraftRow",
    "DraftSetRow",
    "DraftSkipRow",
    "PersonRow",
    "PlanRow",
    "PlanWeekRow",
    "PlannedSessionRow",
    "PrescriptionRow",
    "QuestionnaireRow",
    "RevisionRow",
    "ScreeningRow",
    "SessionLogRow",
    "SetLogRow",
    "SkipRow",
    "UtcDateTime",
    "utc_seconds",
]

# Constraint names must not depend on the backend, or a later migration that drops one would
# work on SQLite and fail on PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_seconds(moment: datetime) -> datetime:
    """The moment in UTC, to the second: what the store keeps and gives back."""
    if moment.tzinfo is None:
        raise ValueError(f"timestamps must be timezone-aware, got {moment.isoformat()}")
    return moment.astimezone(UTC).replace(microsecond=0)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC to the second, so both backends return the same value.

    SQLite has no time zones and PostgreSQL's `timestamptz` comes back in the session's zone;
    naive UTC is the one form that reads back identically from both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc_seconds(value).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {str: String(), float: Double(), datetime: UtcDateTime()}  # noqa: RUF012


def _person_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("people.id", ondelete="CASCADE"))


def _log_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("session_logs.id", ondelete="CASCADE"))


class PersonRow(Base):
    """A person's program data. In clinic mode it belongs to an account; in personal mode it
    has none (a personal database moved to clinic mode gives its people to the first person)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)


class ScreeningRow(Base):
    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_person_taken", "person_id", "taken_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    taken_at: Mapped[datetime]
    verdict: Mapped[str]
    answers: Mapped[Any] = mapped_column(JSON)  # with the clearance, when one was recorded
    wording: Mapped[str] = mapped_column(default=PARAPHRASE_WORDING)  # of the STarT Back items


class QuestionnaireRow(Base):
    __tablename__ = "questionnaires"
    __table_args__ = (Index("ix_questionnaires_person_taken", "person_id", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    taken_on: Mapped[date]
    measure: Mapped[str]
    score: Mapped[float]
    band: Mapped[str | None]
    answered: Mapped[int | None]
    answers: Mapped[Any] = mapped_column(JSON)
    wording: Mapped[str] = mapped_column(
        default=PARAPHRASE_WORDING
    )  # of the items the person answered


class PlanRow(Base):
    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_person_superseded", "person_id", "superseded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    created_at: Mapped[datetime]
    start: Mapped[date]
    weeks: Mapped[int]  # how many weeks, for queries that need no week rows
    superseded: Mapped[bool]
    desk_break: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    week_rows: Mapped[list["PlanWeekRow"]] = relationship(
        order_by="PlanWeekRow.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PlanWeekRow(Base):
    __tablename__ = "plan_weeks"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    position: Mapped[int]
    week: Mapped[int]
    phase: Mapped[str]

    sessions: Mapped[list["PlannedSessionRow"]] = relationship(
        order_by="PlannedSessionRow.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PlannedSessionRow(Base):
    __tablename__ = "planned_sessions"
    __table_args__ = (UniqueConstraint("plan_week_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_week_id: Mapped[int] = mapped_column(ForeignKey("plan_weeks.id", ondelete="CASCADE"))
    position: Mapped[int]
    date: Mapped[date]

    prescriptions: Mapped[list["PrescriptionRow"]] = relationship(
        order_by="PrescriptionRow.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PrescriptionRow(Base):
    """One exercise of a planned session; a plan's desk break is JSON on the plan instead."""

    __tablename__ = "prescriptions"
    __table_args__ = (UniqueConstraint("planned_session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    planned_session_id: Mapped[int] = mapped_column(
        ForeignKey("planned_sessions.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    exercise: Mapped[str]
    variation: Mapped[str]
    sets: Mapped[int]
    reps_low: Mapped[int | None]
    reps_high: Mapped[int | None]
    hold_low: Mapped[float | None]
    hold_high: Mapped[float | None]
    rest_s: Mapped[int]
    per_side: Mapped[bool]
    reason: Mapped[str]


class SessionLogRow(Base):
    __tablename__ = "session_logs"
    __table_args__ = (Index("ix_session_logs_person_date", "person_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[date]
    pain_after: Mapped[int]
    notes: Mapped[str]
    logged_at: Mapped[datetime]

    sets: Mapped[list["SetLogRow"]] = relationship(
        order_by="[SetLogRow.exercise_position, SetLogRow.set_number]",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    skips: Mapped[list["SkipRow"]] = relationship(
        order_by="SkipRow.position", cascade="all, delete-orphan", passive_deletes=True
    )


class SetValues:
    """The values of one set, as a logged set and a set in progress both store them
    (`mapping.set_columns` fills them from a `SetLog`)."""

    reps: Mapped[int | None]
    load_kg: Mapped[float | None]
    load_band: Mapped[str | None]
    hold_s: Mapped[float | None]
    rpe: Mapped[int]
    pain: Mapped[int]
    faults: Mapped[list[str]] = mapped_column(JSON, default=list)  # form fault ids, camera or typed


class SetLogRow(SetValues, Base):
    """One set; `exercise_position` groups the sets of one exercise log, in logged order."""

    __tablename__ = "set_logs"
    __table_args__ = (UniqueConstraint("session_log_id", "exercise_position", "set_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_log_id: Mapped[int] = _log_fk()
    exercise_position: Mapped[int]
    exercise: Mapped[str]
    variation: Mapped[str]
    set_number: Mapped[int]


class SkipRow(Base):
    __tablename__ = "skips"
    __table_args__ = (UniqueConstraint("session_log_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_log_id: Mapped[int] = _log_fk()
    position: Mapped[int]
    exercise: Mapped[str]
    reason: Mapped[str]


class CheckInRow(Base):
    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_log_id: Mapped[int] = mapped_column(
        ForeignKey("session_logs.id", ondelete="CASCADE"), unique=True
    )
    date: Mapped[date]
    pain: Mapped[int]
    compared: Mapped[str]
    new_red_flags: Mapped[bool]


class DecisionRow(Base):
    """A decision; `session_log_id` is NULL for a program-level one (a resume, a settings change).

    Decisions apply in the order of `batch`, then `position`: the decisions made together (after
    one session, or at one resume) share a batch. A correction recomputes a session's decisions
    in the batch they had, so they keep their place among the decisions made since.
    """

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_person_batch", "person_id", "batch"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    session_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_logs.id", ondelete="CASCADE"), index=True
    )
    decided_on: Mapped[date]
    batch: Mapped[int]
    position: Mapped[int]
    exercise: Mapped[str | None]
    kind: Mapped[str]
    reason: Mapped[str]
    variation: Mapped[str | None]
    load_kg: Mapped[float | None]
    load_band: Mapped[str | None]
    # A clinician's change (kind "change") only: who made it, the dose they set, and a hold.
    by: Mapped[str | None]
    sets: Mapped[int | None]
    reps_low: Mapped[int | None]
    reps_high: Mapped[int | None]
    hold_low: Mapped[float | None]
    hold_high: Mapped[float | None]
    held: Mapped[bool] = mapped_column(default=False, server_default=false())


class DraftRow(Base):
    """A session in progress on one day: its sets and skips are saved as they are logged."""

    __tablename__ = "session_drafts"
    __table_args__ = (UniqueConstraint("person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    day: Mapped[date]
    started_at: Mapped[datetime]

    sets: Mapped[list["DraftSetRow"]] = relationship(
        order_by="DraftSetRow.position", cascade="all, delete-orphan", passive_deletes=True
    )
    skips: Mapped[list["DraftSkipRow"]] = relationship(
        order_by="DraftSkipRow.id", cascade="all, delete-orphan", passive_deletes=True
    )


def _draft_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("session_drafts.id", ondelete="CASCADE"))


class DraftSetRow(SetValues, Base):
    """One set of a session in progress; `position` orders all of the draft's sets as logged."""

    __tablename__ = "draft_sets"
    __table_args__ = (UniqueConstraint("draft_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = _draft_fk()
    position: Mapped[int]
    exercise: Mapped[str]
    variation: Mapped[str]


class DraftSkipRow(Base):
    __tablename__ = "draft_skips"
    __table_args__ = (UniqueConstraint("draft_id", "exercise"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = _draft_fk()
    exercise: Mapped[str]
    reason: Mapped[str]


class RevisionRow(Base):
    """A change to stored data the person made afterwards: a correction or new settings."""

    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_person_made", "person_id", "made_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _person_fk()
    made_at: Mapped[datetime]
    kind: Mapped[str]
    day: Mapped[date | None]  # the session it concerns, if any
    summary: Mapped[str]
    before: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
