"""Video analysis pages: upload a clip, follow the analysis, see the reps, faults and annotated video.

The upload is saved in the storage folder (`Config.storage`) and its job in the database, then
queued (`backchain.jobs`): run on this process's threads, or, with Redis, by `backchain worker`s.
Any web process shows any job: the page polls the database, never a process's memory.

The limits are the app's `Config`: at most `max_analyses` videos wait or run at once, counted
in the database with the uploads this process is receiving; an upload takes its slot before its
body is read, so a busy server answers at once without reading it. The body is capped at
`max_upload_bytes` by `security.Guard` (up front and while it streams), and the video's length,
read from the container before any frame is decoded, at `max_video_seconds`. The upload is
deleted as soon as its analysis is over; the job and its annotated video after
`keep_results_minutes`.
"""

import logging
import secrets
import shutil
import statistics
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from backchain.config import Config
from backchain.errors import BackchainError, CatalogueError
from backchain.exercises import Catalogue, load_catalogue
from backchain.jobs.queue import JobQueue, RedisQueue, ThreadQueue
from backchain.jobs.runner import (
    ANNOTATED,
    UNREADABLE,
    UPLOAD,
    WAITING,
    Runner,
    job_folder,
    maintain,
    maintain_once,
    now,
    prepare_storage,
    without_path,
)
from backchain.motion.analysis import AnalysisReport
from backchain.motion.estimators import PoseEstimator, ReusedModels, quiet_pose
from backchain.motion.video import probe, probe_duration
from backchain.store import Store
from backchain.store import jobs as stored
from backchain.store.jobs import Job, JobState
from backchain.web.deps import OwnerDep
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = [
    "BUSY_MESSAGE",
    "UNREADABLE",
    "Analyses",
    "PoseFactory",
    "quiet_pose",
    "router",
]

log = logging.getLogger(__name__)

SESSION_LOG_URL = "/session/for/{exercise}"  # today's set form for it, prefilled by the query
BUSY_MESSAGE = "Another video is being analysed; try again in a moment."
BUSY_RETRY_S = 15  # s: the Retry-After of a busy answer; a short clip is analysed in about this
_MEBIBYTE = 1024 * 1024

# Makes one pose model; the app's own is `app.state.pose_factory` (see `create_app`).
PoseFactory = Callable[[], PoseEstimator]


class UploadRejected(BackchainError):
    """An upload that cannot be analysed; the message tells the user what to do."""

    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.status = status


class Analyses:
    """This process's side of the analyses: the uploads it is receiving, the queue it adds
    jobs to and, without Redis, the runner that runs them on its threads."""

    def __init__(self, store: Store, config: Config, queue: JobQueue, runner: Runner) -> None:
        self.store, self.config, self.queue, self.runner = store, config, queue, runner
        self.storage = config.storage
        self._lock = threading.Lock()
        self._receiving = 0  # uploads this process has taken a slot for and not yet queued

    def busy(self) -> bool:
        with self._lock:
            return self._receiving + self._waiting() >= self.config.max_analyses

    def reserve(self) -> bool:
        """Take a slot without waiting; False when all are taken. The caller gives it back
        with `release()` once the job is queued or the upload refused."""
        with self._lock:
            if self._receiving + self._waiting() >= self.config.max_analyses:
                return False
            self._receiving += 1
            return True

    def release(self) -> None:
        with self._lock:
            if self._receiving == 0:
                raise RuntimeError("an upload slot was released twice")
            self._receiving -= 1

    def _waiting(self) -> int:
        with self.store.read() as session:
            return stored.waiting(session)

    def new_folder(self) -> tuple[str, Path]:
        job_id = secrets.token_urlsafe(12)
        folder = job_folder(self.storage, job_id)
        folder.mkdir(parents=True)
        return job_id, folder

    def submit(self, job_id: str, exercise: str, owner: int | None, duration_s: float) -> None:
        with self.store.transaction() as session:
            stored.add_job(
                session,
                job_id=job_id,
                owner_id=owner,
                exercise=exercise,
                duration_s=duration_s,
                stage=WAITING,
                now=now(),
            )
        try:
            self.queue.submit(job_id, 0)
        except Exception:  # Redis unreachable: the job waits in the database for `recover`
            log.warning("analysis %s could not be queued yet", job_id, exc_info=True)

    def get(self, job_id: str) -> Job | None:
        """The job as it stands; one whose runner stopped is put back in the queue first."""
        with self.store.read() as session:
            job = stored.job(session, job_id=job_id)
        if job is not None and job.state in (JobState.QUEUED, JobState.RUNNING):
            self.runner.recover([job_id])
            with self.store.read() as session:
                job = stored.job(session, job_id=job_id)
        return job


def _queue(config: Config, runner: Runner) -> JobQueue:
    if config.redis_url:
        return RedisQueue(config.redis_url, config.job_timeout_s)
    return ThreadQueue(runner.run, config.max_analyses)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The app's own lifespan runs first and sets `app.state.config` and `app.state.store`.
    config: Config = app.state.config
    store: Store = app.state.store
    models = ReusedModels(getattr(app.state, "pose_factory", quiet_pose))
    runner = Runner(store, config, models)
    runner.queue = queue = _queue(config, runner)
    prepare_storage(config)
    app.state.analyses = Analyses(store, config, queue, runner)
    await run_in_threadpool(partial(maintain_once, runner, lost_s=0.0))
    stop = threading.Event()
    maintenance = threading.Thread(
        target=maintain, args=(runner, stop), name="analysis-maintenance", daemon=True
    )
    maintenance.start()
    try:
        yield
    finally:
        stop.set()
        runner.stopping.set()  # a job in hand stops at its next frame and is queued again
        await run_in_threadpool(_close, maintenance, queue, models)


def _close(maintenance: threading.Thread, queue: JobQueue, models: ReusedModels) -> None:
    maintenance.join()
    queue.close()
    models.close()


router = APIRouter(prefix="/analyze", tags=["analysis"], lifespan=_lifespan)


def get_analyses(request: Request) -> Analyses:
    analyses: Analyses = request.app.state.analyses
    return analyses


AnalysesDep = Annotated[Analyses, Depends(get_analyses)]
CatalogueDep = Annotated[Catalogue, Depends(load_catalogue)]


def get_job(job_id: str, analyses: AnalysesDep, owner: OwnerDep) -> Job:
    """The job, only for the account that uploaded it: anyone else's is "not found"."""
    job = analyses.get(job_id)
    if job is None or job.owner_id != owner:
        minutes = analyses.config.keep_results_minutes
        raise NotFoundError(
            title="Analysis not found",
            detail=f"This analysis is gone (results are kept for {_minutes(minutes * 60)}); "
            "upload the video again.",
        )
    return job


JobDep = Annotated[Job, Depends(get_job)]


@router.get("", response_class=HTMLResponse)
async def analyze_page(
    request: Request, analyses: AnalysesDep, catalogue: CatalogueDep, exercise: str = ""
) -> HTMLResponse:
    """The upload form."""
    config = analyses.config
    context = {
        "exercises": list(catalogue),
        "selected": exercise,
        "max_mb": config.max_upload_mb,
        "max_bytes": config.max_upload_bytes,
        "max_length": _minutes(config.max_video_seconds),
        "too_large": str(_too_large(config)),
        "busy": BUSY_MESSAGE if await run_in_threadpool(analyses.busy) else "",
    }
    return templates.TemplateResponse(request, "analyze.html", context)


@router.post("", response_model=None)
async def upload(
    request: Request,
    analyses: AnalysesDep,
    catalogue: CatalogueDep,
    owner: OwnerDep,
    exercise: str = "",
) -> HTMLResponse | PlainTextResponse:
    """The video as the raw request body (analyze.js sends it so); answers the progress fragment,
    or a one-line message for the form with nothing stored."""
    try:
        _check_request(request, catalogue, exercise)
    except UploadRejected as rejected:
        return PlainTextResponse(str(rejected), status_code=rejected.status)
    # Before the body is read: a busy server reads nothing.
    if not await run_in_threadpool(analyses.reserve):
        headers = {"Retry-After": str(BUSY_RETRY_S)}
        return PlainTextResponse(BUSY_MESSAGE, HTTPStatus.SERVICE_UNAVAILABLE, headers)
    try:
        job_id = await _receive(request, analyses, exercise, owner)
    except UploadRejected as rejected:
        return PlainTextResponse(str(rejected), status_code=rejected.status)
    finally:
        analyses.release()  # the job, once queued, is counted in the database
    job = await run_in_threadpool(analyses.get, job_id)
    assert job is not None
    return _job_fragment(request, job, status=HTTPStatus.ACCEPTED)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, job: JobDep) -> HTMLResponse:
    """Progress while waiting or running (HTMX polls it every second), then the result."""
    return _job_fragment(request, job)


@router.get("/jobs/{job_id}/video", response_class=FileResponse)
def job_video(job: JobDep, analyses: AnalysesDep, download: bool = False) -> FileResponse:
    video = job_folder(analyses.storage, job.id) / ANNOTATED
    if job.state is not JobState.DONE or not video.is_file():
        raise NotFoundError(title="Video not found", detail="This analysis has no video yet.")
    name = f"backchain-{job.exercise}-{job.created_at:%Y-%m-%d-%H%M}.mp4" if download else None
    return FileResponse(video, media_type="video/mp4", filename=name)


def _check_request(request: Request, catalogue: Catalogue, exercise: str) -> None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind.startswith("multipart/") or kind == "application/x-www-form-urlencoded":
        # The form itself, posted without analyze.js: a file input sends only its name.
        raise UploadRejected("Uploading needs JavaScript; turn it on and try again.")
    if kind and not (kind.startswith("video/") or kind == "application/octet-stream"):
        raise UploadRejected(
            "That file is not a video; choose an .mp4, .mov or .webm file.",
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        )
    try:
        catalogue.get(exercise)
    except CatalogueError:
        raise UploadRejected("Choose the exercise in the video.") from None


async def _receive(request: Request, analyses: Analyses, exercise: str, owner: int | None) -> str:
    """Save the body in a new job folder, check it is a video short enough to analyse, and
    queue its job; UploadRejected, with the folder deleted, when it is not a video to analyse."""
    job_id, folder = analyses.new_folder()
    path = folder / UPLOAD
    try:
        await _save(request, path)
        limit = analyses.config.max_video_seconds
        length_s = await run_in_threadpool(probe_duration, path, stop_after_s=limit)
        if length_s > limit:
            raise _too_long(length_s, limit)
        info = await run_in_threadpool(probe, path)  # decodes the first frame: not a broken file
        await run_in_threadpool(analyses.submit, job_id, exercise, owner, info.duration_s)
    except BackchainError as error:  # VideoError: not a video, or a broken one
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, UploadRejected):
            raise
        raise UploadRejected(without_path(str(error), path)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job_id


async def _save(request: Request, path: Path) -> None:
    """Stream the body to `path`; `security.Guard` stops it once past `max_upload_bytes`."""
    size = 0
    with path.open("wb") as file:
        try:
            async for chunk in request.stream():
                size += len(chunk)
                file.write(chunk)
        except ClientDisconnect:
            raise UploadRejected(
                "The upload stopped before the end; upload the video again."
            ) from None
    if size == 0:
        raise UploadRejected("Choose a video file to upload.")


def _too_large(config: Config) -> UploadRejected:
    return UploadRejected(
        f"That video is larger than {config.max_upload_mb} MB; "
        "trim it to one set, or film at a lower resolution.",
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    )


def _too_long(length_s: float, limit_s: int) -> UploadRejected:
    shown = max(round(length_s), limit_s + 1)  # rounded, but never shown as within the limit
    return UploadRejected(
        f"This video is {_minutes(shown)} long; Backchain analyses up to {_minutes(limit_s)} "
        "— trim it to the set and upload again.",
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    )


def _minutes(seconds: int) -> str:
    """A length as people say it: 45 s, 3 min, 3 min 20 s."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def _job_fragment(request: Request, job: Job, status: HTTPStatus = HTTPStatus.OK) -> HTMLResponse:
    keep = _minutes(get_analyses(request).config.keep_results_minutes * 60)
    context: dict[str, object] = {
        "job": job,
        "report": None,
        "percent": _percent(job),
        "keep": keep,
    }
    if job.report is not None:
        report = AnalysisReport.from_json(job.report)
        context |= {"report": report, "rows": list(_rows(report)), "save_url": save_url(report)}
    return templates.TemplateResponse(request, "analyze_job.html", context, status_code=status)


def _percent(job: Job) -> int:
    return round(100 * job.done_s / job.duration_s) if job.duration_s > 0 else 0


def _rows(report: AnalysisReport) -> Iterator[dict[str, object]]:
    cues = {fault.id: fault.cue for fault in report.faults}
    for rep in report.rep_details:
        yield {"rep": rep, "cues": [cues.get(fault, fault) for fault in rep.faults]}


def save_url(report: AnalysisReport) -> str:
    """The session log's set form, prefilled with the whole set: its reps, its mean hold (for
    exercises that hold) and every fault seen in any rep."""
    query: dict[str, str] = {"reps": str(report.reps)}
    holds = [rep.hold_s for rep in report.rep_details if rep.hold_s is not None]
    if holds:
        query["hold"] = str(round(statistics.fmean(holds)))
    faults = list(dict.fromkeys(fault.id for fault in report.faults))
    if faults:
        query["faults"] = ",".join(faults)
    return f"{SESSION_LOG_URL.format(exercise=report.exercise)}?{urlencode(query, safe=',')}"
