"""Running an analysis job, and putting back the jobs whose runner stopped.

Every web process and worker has one `Runner`. `run(job_id)` claims the job in the database (so
it runs once however often it was queued), reads the upload from the storage folder, writes its
progress as it goes (which is also its heartbeat), and stores the report; the annotated video
stays in the job's folder for `Config.keep_results_minutes`. The upload is deleted once the job
is over, done or failed.

What can go wrong, and what the person sees:
- the video cannot be analysed (`BackchainError`): failed at once, with the reason;
- it runs past `Config.job_timeout_s`: failed, with a message to trim the video;
- anything unexpected, or a runner that stops (killed, machine gone: its heartbeat stops for
  `STALL_S`): the job is queued again, up to `Config.job_attempts` claims, then failed with a
  message to try again later.
"""

import logging
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backchain.config import Config
from backchain.errors import BackchainError, ConfigError
from backchain.jobs.queue import JobQueue
from backchain.motion.analysis import VideoSummary, analyze
from backchain.motion.annotate import annotate
from backchain.motion.estimators import PoseEstimator
from backchain.motion.pipeline import extract
from backchain.store import Store
from backchain.store import jobs as stored
from backchain.store.jobs import Job, JobState

__all__ = [
    "ANNOTATED",
    "FINDING_POSES",
    "STALL_S",
    "UNREADABLE",
    "UPLOAD",
    "WAITING",
    "Runner",
    "job_folder",
    "maintain",
    "maintain_once",
    "prepare_storage",
    "without_path",
]

log = logging.getLogger(__name__)

UPLOAD, ANNOTATED = "upload", "annotated.mp4"  # the files in a job's folder
WAITING = "Waiting for its turn"
FINDING_POSES = "Finding poses"
DRAWING = "Drawing the video"
TRYING_AGAIN = "Interrupted; waiting to try again"
BEAT_S = 1.0  # a running job writes its progress at most this often (the page polls as often) ...
STALL_S = 30.0  # ... so one silent for this long has lost its runner
LOST_S = 30.0  # a queued job its queue no longer holds (Redis lost it) is queued again after this
MAINTAIN_S = 10.0  # how often `maintain` looks for lost jobs and expired results
ORPHAN_S = 24 * 3600  # a folder with no job (its row already gone) is deleted after this
TIMED_OUT = (
    "This video took longer than {minutes} min to analyse; trim it to one set, or film at a "
    "lower resolution, and upload it again."
)
GAVE_UP = "The analysis was interrupted {attempts} times; upload the video again in a few minutes."
UNREADABLE = "Backchain could not read this video; try an .mp4, .mov or .webm file."
# A path left in a message after the upload's own is replaced: absolute, POSIX or Windows.
_ABSOLUTE_PATH = re.compile(r"(?:^|(?<=[\s'\"(=]))(?:/|\\\\|[A-Za-z]:[\\/])\S")


def job_folder(storage: Path, job_id: str) -> Path:
    return storage / "jobs" / job_id


def prepare_storage(config: Config) -> Path:
    """The storage folder, made if missing; a one-line `ConfigError` when it cannot be."""
    folder = config.storage
    try:
        (folder / "jobs").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"Cannot use the storage folder {folder} ({error.strerror}); set "
            "BACKCHAIN_STORAGE_DIR to a folder this user can write (the same for every web "
            "process and worker)."
        ) from None
    return folder


class TimedOut(Exception):
    """The job ran past its time limit."""


class Stopped(Exception):
    """The process is stopping: the job goes back to the queue for the next one to run."""


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runner:
    """Runs this process's share of the jobs, with pose models from `models`."""

    store: Store
    config: Config
    models: Callable[[], PoseEstimator]
    queue: JobQueue | None = None  # where a job goes back after an unexpected failure
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def storage(self) -> Path:
        return self.config.storage

    def run(self, job_id: str) -> None:
        with self.store.transaction() as session:
            job = stored.claim(session, job_id=job_id, stage=FINDING_POSES, now=now())
        if job is None:
            return  # another runner has it, or it is over
        folder = job_folder(self.storage, job_id)
        try:
            report = self._analyse(job, folder)
        except BackchainError as error:
            self._fail(job, without_path(str(error), folder / UPLOAD))
        except TimedOut:
            self._fail(job, TIMED_OUT.format(minutes=max(1, self.config.job_timeout_s // 60)))
        except Stopped:
            with self.store.transaction() as session:  # `recover` queues it again, anywhere
                stored.requeue(session, job_id=job_id, stage=WAITING, now=now())
        except Exception:
            log.exception("analysis %s failed unexpectedly (attempt %d)", job_id, job.attempts)
            self._retry(job)
        else:
            with self.store.transaction() as session:
                stored.finish(session, job_id=job_id, report=report, now=now())
            (folder / UPLOAD).unlink(missing_ok=True)

    def _analyse(self, job: Job, folder: Path) -> dict[str, object]:
        upload = folder / UPLOAD
        beat = _Beat(self, job)
        extraction = extract(upload, self.models, progress=beat.advance)
        info = extraction.info
        summary = VideoSummary(info.duration_s, info.fps, info.frames)
        report = analyze(extraction.sequence, job.exercise, video=summary)
        beat.stage(DRAWING)
        # Drawn under a name of its own, then renamed: a runner that was wrongly thought lost
        # and one that took its job over never write into the same file.
        drawing = folder / f"drawing-{job.attempts}.mp4"
        annotate(upload, extraction.sequence, report, drawing, progress=beat.advance)
        drawing.replace(folder / ANNOTATED)
        return report.to_json()

    def _fail(self, job: Job, message: str) -> None:
        with self.store.transaction() as session:
            failed = stored.fail(session, job_id=job.id, error=message, now=now())
        if failed:  # not when another runner finished it meanwhile: its video stays
            shutil.rmtree(job_folder(self.storage, job.id), ignore_errors=True)

    def _retry(self, job: Job) -> None:
        if job.attempts >= self.config.job_attempts:
            self._fail(job, GAVE_UP.format(attempts=job.attempts))
            return
        with self.store.transaction() as session:
            queued = stored.requeue(session, job_id=job.id, stage=TRYING_AGAIN, now=now())
        if queued and self.queue is not None:
            self.queue.submit(job.id, job.attempts)

    def recover(self, job_ids: list[str] | None = None, *, lost_s: float | None = None) -> None:
        """Put back in the queue the unfinished jobs (of `job_ids`, else all) whose runner
        stopped, or that the queue lost (queued `lost_s`, default `LOST_S`, ago or more, and
        not in it); fail those out of attempts."""
        lost_s = LOST_S if lost_s is None else lost_s
        queue = self.queue
        if queue is None:
            raise RuntimeError("a runner recovers jobs into its queue: give it one")
        moment = now()
        with self.store.read() as session:
            if job_ids is None:
                jobs = stored.unfinished(session)
            else:
                found = (stored.job(session, job_id=job_id) for job_id in job_ids)
                jobs = [j for j in found if j is not None and j.state in stored.UNFINISHED]
        for job in jobs:
            silent_s = (moment - job.beat_at).total_seconds()
            if job.state is JobState.RUNNING and silent_s >= STALL_S:
                log.warning("analysis %s lost its runner; putting it back", job.id)
                self._retry(job)
            elif (
                job.state is JobState.QUEUED
                and silent_s >= lost_s
                and not queue.knows(job.id, job.attempts)
            ):
                queue.submit(job.id, job.attempts)

    def sweep(self) -> None:
        """Delete the jobs over for longer than `keep_results_minutes`, their videos with them,
        and folders no job owns."""
        keep = timedelta(minutes=self.config.keep_results_minutes)
        with self.store.read() as session:  # most of the time there is none: no write lock
            old = stored.expired(session, finished_before=now() - keep)
        if old:
            with self.store.transaction() as session:
                stored.forget(session, job_ids=old)
        for job_id in old:
            shutil.rmtree(job_folder(self.storage, job_id), ignore_errors=True)
        parent = self.storage / "jobs"
        if not parent.is_dir():
            return
        cutoff = time.time() - ORPHAN_S
        for folder in parent.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                with self.store.read() as session:
                    owned = stored.job(session, job_id=folder.name) is not None
                if not owned:
                    shutil.rmtree(folder, ignore_errors=True)


class _Beat:
    """A running job's progress, written at most every `BEAT_S`; past the time limit it stops
    the job (`TimedOut`)."""

    def __init__(self, runner: Runner, job: Job) -> None:
        self.runner, self.job = runner, job
        self.name, self.done_s = FINDING_POSES, 0.0
        self.deadline = time.monotonic() + runner.config.job_timeout_s
        self.written = 0.0

    def stage(self, name: str) -> None:
        self.name, self.done_s = name, 0.0
        self._write()

    def advance(self, video_s: float) -> None:
        self.done_s = max(self.done_s, min(video_s, self.job.duration_s))
        clock = time.monotonic()
        if clock > self.deadline:
            raise TimedOut
        if self.runner.stopping.is_set():
            raise Stopped
        if clock - self.written >= BEAT_S:
            self._write()

    def _write(self) -> None:
        self.written = time.monotonic()
        with self.runner.store.transaction() as session:
            stored.progress(
                session, job_id=self.job.id, stage=self.name, done_s=self.done_s, now=now()
            )


def maintain_once(runner: Runner, *, lost_s: float | None = None) -> None:
    """Put back the jobs whose runner stopped (and queued ones the queue does not hold, after
    `lost_s`), delete expired results; a database or Redis hiccup is logged, to try again."""
    try:
        runner.recover(lost_s=lost_s)
        runner.sweep()
    except Exception:
        log.exception("maintenance failed; trying again in %.0f s", MAINTAIN_S)


def maintain(runner: Runner, stop: threading.Event) -> None:
    """Every `MAINTAIN_S` until `stop` is set: `maintain_once`. A process starting runs
    `maintain_once(runner, lost_s=0)` itself first: it may be the first one back after all
    stopped (a personal app restarted), so every queued job its queue lacks goes back at once."""
    while not stop.wait(MAINTAIN_S):
        maintain_once(runner)


def without_path(message: str, path: Path) -> str:
    """VideoError messages start with the file's path, here a name the person never chose: it
    becomes "The file". A message still naming a path is not shown at all."""
    message = message.replace(str(path), "The file")
    return UNREADABLE if _ABSOLUTE_PATH.search(message) else message
