"""Reading an app's analysis jobs as the pages do: from the database and the storage folder."""

import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from backchain.jobs.runner import job_folder
from backchain.store import jobs as stored
from backchain.store.jobs import AnalysisJobRow, Job, JobState

__all__ = [
    "JOB_TIMEOUT_S",
    "all_jobs",
    "folder_of",
    "left_on_disk",
    "stored_job",
    "wait_for",
    "wait_for_all",
]

JOB_TIMEOUT_S = 60.0  # the fake model takes no time; drawing a small clip well under a second
POLL_S = 0.02


def all_jobs(app: Any) -> list[Job]:
    """Every job in the app's database, oldest first."""
    with app.state.store.read() as session:
        ids = session.scalars(select(AnalysisJobRow.id).order_by(AnalysisJobRow.created_at))
        return [job for job_id in ids if (job := stored.job(session, job_id=job_id)) is not None]


def stored_job(app: Any, job_id: str) -> Job:
    """The job as the database has it now."""
    with app.state.store.read() as session:
        job = stored.job(session, job_id=job_id)
    assert job is not None, f"job {job_id} is not in the database"
    return job


def folder_of(app: Any, job_id: str) -> Path:
    return job_folder(app.state.config.storage, job_id)


def left_on_disk(app: Any) -> list[str]:
    """The job folders in the app's storage folder, and what each holds."""
    parent = app.state.config.storage / "jobs"
    if not parent.is_dir():
        return []
    return sorted(
        f"{folder.name}/{name}"
        for folder in parent.iterdir()
        for name in [p.name for p in folder.iterdir()] or [""]
    )


def wait_for(app: Any, job_id: str, timeout_s: float = JOB_TIMEOUT_S) -> Job:
    """The job once it is over (done or failed)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = stored_job(app, job_id)
        if job.state in (JobState.DONE, JobState.FAILED):
            return job
        time.sleep(POLL_S)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s:.0f} s")


def wait_for_all(app: Any) -> list[Job]:
    return [wait_for(app, job.id) for job in all_jobs(app)]
