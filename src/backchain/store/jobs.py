"""Video analyses: each upload's job, its progress and its result, shared by every web process
and worker through the database.

A job goes `queued` -> `running` -> `done` or `failed`. Whoever runs it claims it first
(`claim`: only one claim wins, however many times it was queued) and writes its progress, which
doubles as a heartbeat (`beat_at`): a running job whose heartbeat stopped lost its runner.
Like `repository`: small functions on the caller's session, keyword-only arguments, no commits.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from backchain.store.models import Base

__all__ = [
    "UNFINISHED",
    "Job",
    "JobState",
    "add_job",
    "claim",
    "expired",
    "fail",
    "finish",
    "forget",
    "job",
    "progress",
    "requeue",
    "unfinished",
    "waiting",
]


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


class AnalysisJobRow(Base):
    __tablename__ = "analysis_jobs"
    __table_args__ = (Index("ix_analysis_jobs_state_beat", "state", "beat_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The clinic account that uploaded it; None in personal mode.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    exercise: Mapped[str]
    duration_s: Mapped[float]  # the video's length
    state: Mapped[str]
    stage: Mapped[str]  # what the running job is doing, in words
    done_s: Mapped[float]  # how far into the video the stage has got
    attempts: Mapped[int]  # claims so far
    error: Mapped[str | None]  # why it failed, in words for the person
    report: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime]
    beat_at: Mapped[datetime]  # the last sign of life: queued, claimed or progressed
    finished_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Job:
    id: str
    owner_id: int | None
    exercise: str
    duration_s: float
    state: JobState
    stage: str
    done_s: float
    attempts: int
    error: str | None
    report: dict[str, Any] | None  # `AnalysisReport.to_json()`
    created_at: datetime
    beat_at: datetime
    finished_at: datetime | None


def _job(row: AnalysisJobRow) -> Job:
    return Job(
        row.id,
        row.owner_id,
        row.exercise,
        row.duration_s,
        JobState(row.state),
        row.stage,
        row.done_s,
        row.attempts,
        row.error,
        row.report,
        row.created_at,
        row.beat_at,
        row.finished_at,
    )


def add_job(
    session: Session,
    *,
    job_id: str,
    owner_id: int | None,
    exercise: str,
    duration_s: float,
    stage: str,
    now: datetime,
) -> None:
    session.add(
        AnalysisJobRow(
            id=job_id,
            owner_id=owner_id,
            exercise=exercise,
            duration_s=duration_s,
            state=JobState.QUEUED,
            stage=stage,
            done_s=0.0,
            attempts=0,
            error=None,
            report=None,
            created_at=now,
            beat_at=now,
            finished_at=None,
        )
    )


def job(session: Session, *, job_id: str) -> Job | None:
    row = session.get(AnalysisJobRow, job_id)
    return None if row is None else _job(row)


def waiting(session: Session) -> int:
    """Jobs queued or running."""
    query = select(func.count()).where(AnalysisJobRow.state.in_(UNFINISHED))
    return session.scalar(query) or 0


def claim(session: Session, *, job_id: str, stage: str, now: datetime) -> Job | None:
    """Take a queued job to run it; None when it is not queued (another claim won, or it is
    over). The one UPDATE decides between claims that race."""
    claimed = session.execute(
        update(AnalysisJobRow)
        .where(AnalysisJobRow.id == job_id, AnalysisJobRow.state == JobState.QUEUED)
        .values(
            state=JobState.RUNNING,
            stage=stage,
            done_s=0.0,
            attempts=AnalysisJobRow.attempts + 1,
            beat_at=now,
        )
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return job(session, job_id=job_id)


def progress(session: Session, *, job_id: str, stage: str, done_s: float, now: datetime) -> None:
    session.execute(
        update(AnalysisJobRow)
        .where(AnalysisJobRow.id == job_id, AnalysisJobRow.state == JobState.RUNNING)
        .values(stage=stage, done_s=done_s, beat_at=now)
    )


def finish(session: Session, *, job_id: str, report: dict[str, Any], now: datetime) -> bool:
    """Record the result of a running job; False when it was no longer running."""
    return _end(session, job_id, now, state=JobState.DONE, report=report)


def fail(session: Session, *, job_id: str, error: str, now: datetime) -> bool:
    """Give up on an unfinished job with a message for the person."""
    return _end(session, job_id, now, state=JobState.FAILED, error=error)


def _end(session: Session, job_id: str, now: datetime, **values: Any) -> bool:
    ended = session.execute(
        update(AnalysisJobRow)
        .where(AnalysisJobRow.id == job_id, AnalysisJobRow.state.in_(UNFINISHED))
        .values(finished_at=now, beat_at=now, **values)
    )
    return bool(ended.rowcount == 1)  # type: ignore[attr-defined]


def requeue(session: Session, *, job_id: str, stage: str, now: datetime) -> bool:
    """Put an unfinished job back in the queue (its runner stopped); False when it is over."""
    queued = session.execute(
        update(AnalysisJobRow)
        .where(AnalysisJobRow.id == job_id, AnalysisJobRow.state.in_(UNFINISHED))
        .values(state=JobState.QUEUED, stage=stage, done_s=0.0, beat_at=now)
    )
    return bool(queued.rowcount == 1)  # type: ignore[attr-defined]


def unfinished(session: Session) -> list[Job]:
    query = select(AnalysisJobRow).where(AnalysisJobRow.state.in_(UNFINISHED))
    return [_job(row) for row in session.scalars(query.order_by(AnalysisJobRow.created_at))]


def expired(session: Session, *, finished_before: datetime) -> list[str]:
    """Jobs over since before `finished_before`: their results may go."""
    query = select(AnalysisJobRow.id).where(
        AnalysisJobRow.state.not_in(UNFINISHED), AnalysisJobRow.finished_at < finished_before
    )
    return list(session.scalars(query))


def forget(session: Session, *, job_ids: list[str]) -> None:
    if job_ids:
        session.execute(delete(AnalysisJobRow).where(AnalysisJobRow.id.in_(job_ids)))
