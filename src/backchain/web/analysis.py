"""Video analysis pages: upload a clip, follow the analysis, see the reps, faults and annotated video.

The limits are the app's `Config`: at most `max_analyses` run at once, and an upload takes its
slot before its body is read, so a busy server answers at once without reading it; the body is
capped at `max_upload_bytes` by `security.Guard` (up front and while it streams), and the video's length, read from the container
before any frame is decoded, at `max_video_seconds`.

Each running server keeps its files in a folder of its own under one parent in the temp folder
(`analysis_parent()`), locked while it runs. The upload is deleted as soon as its analysis is
over (or fails); the annotated video when the server stops, or, if the server was killed, when
the next one starts and finds the folder unlocked.
"""

import re
import secrets
import shutil
import statistics
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import numpy as np
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from backchain.config import Config, load_config
from backchain.errors import BackchainError, CatalogueError
from backchain.exercises import Catalogue, load_catalogue
from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze
from backchain.motion.annotate import annotate
from backchain.motion.estimators import MediaPipePose, PoseEstimator
from backchain.motion.native_logs import hidden_native_logs
from backchain.motion.pipeline import extract
from backchain.motion.video import probe, probe_duration
from backchain.web.analysis_folders import ServerFolder, analysis_parent, remove_abandoned
from backchain.web.deps import OwnerDep
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = [
    "BUSY_MESSAGE",
    "AnalysisJob",
    "JobRegistry",
    "PoseFactory",
    "quiet_pose",
    "router",
]

MAX_KEPT_RESULTS = 10  # annotated videos kept at once; older ones are deleted to bound disk use
SESSION_LOG_URL = "/session/for/{exercise}"  # today's set form for it, prefilled by the query
BUSY_MESSAGE = "Another video is being analysed; try again in a moment."
BUSY_RETRY_S = 15  # s: the Retry-After of a busy answer; a short clip is analysed in about this
UNREADABLE = "Backchain could not read this video; try an .mp4, .mov or .webm file."
_MEBIBYTE = 1024 * 1024
# A path left in a message after the upload's own is replaced: absolute, POSIX or Windows.
_ABSOLUTE_PATH = re.compile(r"(?:^|(?<=[\s'\"(=]))(?:/|\\\\|[A-Za-z]:[\\/])\S")

# MediaPipe logs from C++ to file descriptor 2 while its graph starts. `hidden_native_logs` swaps
# that descriptor for the whole process, so swaps from two threads must not interleave.
_NATIVE_LOGS = threading.Lock()
_WARM_UP_SHAPE = (64, 64, 3)  # a blank frame: no one in it, so tracking starts afresh

# Makes one pose model; the app's own is `app.state.pose_factory` (see `create_app`).
PoseFactory = Callable[[], PoseEstimator]


def quiet_pose() -> MediaPipePose:
    """A MediaPipe pose model, created and warmed up with its start-up chatter (logged on the
    first frame it reads) kept off the server's stderr."""
    with _NATIVE_LOGS, hidden_native_logs():
        model = MediaPipePose()
        model.estimate(np.zeros(_WARM_UP_SHAPE, dtype=np.uint8), 0.0)
        return model


class UploadRejected(BackchainError):
    """An upload that cannot be analysed; the message tells the user what to do."""

    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class AnalysisJob:
    """One upload's analysis; `folder` holds the upload until analysed, then the annotated video."""

    id: str
    exercise: str
    folder: Path
    duration_s: float
    owner: int | None = None  # the clinic account that uploaded it; None in personal mode
    stage: str = "Finding poses"
    done_s: float = 0.0
    report: AnalysisReport | None = None
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)  # set by the registry

    @property
    def upload(self) -> Path:
        return self.folder / "upload"

    @property
    def video(self) -> Path:
        return self.folder / "annotated.mp4"

    def run(self, pose_factory: PoseFactory) -> None:
        """Extract poses with models from `pose_factory`, analyse, draw; delete the upload
        whatever happens."""
        try:
            extraction = extract(self.upload, pose_factory, progress=self._progress)
            info = extraction.info
            report = analyze(
                extraction.sequence,
                self.exercise,
                video=VideoSummary(info.duration_s, info.fps, info.frames),
            )
            self.stage, self.done_s = "Drawing the video", 0.0
            annotate(self.upload, extraction.sequence, report, self.video, progress=self._progress)
            self.report = report
        except BackchainError as error:
            self.error = _without_path(str(error), self.upload)
        except Exception:
            self.error = "The analysis failed unexpectedly; try another video."
        finally:
            self.upload.unlink(missing_ok=True)
            if self.error is not None:
                shutil.rmtree(self.folder, ignore_errors=True)

    def _progress(self, video_s: float) -> None:
        self.done_s = max(self.done_s, min(video_s, self.duration_s))


class JobRegistry:
    """The analyses since the server started, by random id, their files in `folder`, and the
    slots that let at most `config.max_analyses` run at once; each runs with models from
    `pose_factory`."""

    def __init__(self, folder: ServerFolder, config: Config, pose_factory: PoseFactory) -> None:
        self.folder = folder
        self.root = folder.path
        self.config = config
        self.pose_factory = pose_factory
        self.jobs: dict[str, AnalysisJob] = {}
        self._lock = threading.Lock()
        self._running = 0  # slots taken: uploads being received and analyses not yet over

    def get(self, job_id: str) -> AnalysisJob | None:
        return self.jobs.get(job_id)

    def busy(self) -> bool:
        with self._lock:
            return self._running >= self.config.max_analyses

    def reserve(self) -> bool:
        """Take a slot without waiting; False when all are taken. The caller gives it back
        with `release()`, or hands it to `start()`."""
        with self._lock:
            if self._running >= self.config.max_analyses:
                return False
            self._running += 1
            return True

    def release(self) -> None:
        with self._lock:
            if self._running == 0:
                raise RuntimeError("an analysis slot was released twice")
            self._running -= 1

    def new_folder(self) -> tuple[str, Path]:
        job_id = secrets.token_urlsafe(12)
        folder = self.root / job_id
        folder.mkdir()
        return job_id, folder

    def start(self, job: AnalysisJob) -> None:
        """Run the job in a thread, which gives the caller's slot back when the job is over."""
        thread = threading.Thread(target=self._run, args=(job,), name=f"analysis-{job.id}")
        thread.daemon = True
        thread.start()  # first: if no thread can start, the job is not listed as running
        with self._lock:
            self.jobs[job.id] = job
            self._forget_old()

    def _run(self, job: AnalysisJob) -> None:
        try:
            job.run(self.pose_factory)
        finally:
            self.release()  # before `finished`: whoever waits for it finds the slot free
            job.finished.set()

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.finished.is_set()]
        for job in finished[: max(0, len(self.jobs) - MAX_KEPT_RESULTS)]:
            shutil.rmtree(job.folder, ignore_errors=True)
            del self.jobs[job.id]

    def close(self) -> None:
        self.folder.close()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    parent = analysis_parent()
    remove_abandoned(parent)
    # The app's own settings and pose models when `create_app` was given some, else the
    # environment's settings and MediaPipe.
    config: Config = getattr(app.state, "config", None) or load_config()
    pose_factory: PoseFactory = getattr(app.state, "pose_factory", quiet_pose)
    app.state.analysis_jobs = JobRegistry(ServerFolder(parent), config, pose_factory)
    try:
        yield
    finally:
        app.state.analysis_jobs.close()


router = APIRouter(prefix="/analyze", tags=["analysis"], lifespan=_lifespan)


def get_jobs(request: Request) -> JobRegistry:
    jobs: JobRegistry = request.app.state.analysis_jobs
    return jobs


JobsDep = Annotated[JobRegistry, Depends(get_jobs)]
CatalogueDep = Annotated[Catalogue, Depends(load_catalogue)]


def get_job(job_id: str, jobs: JobsDep, owner: OwnerDep) -> AnalysisJob:
    """The job, only for the account that uploaded it: anyone else's is "not found"."""
    job = jobs.get(job_id)
    if job is None or job.owner != owner:
        raise NotFoundError(
            title="Analysis not found",
            detail="This analysis is gone (results last until Backchain restarts); upload the video again.",
        )
    return job


JobDep = Annotated[AnalysisJob, Depends(get_job)]


@router.get("", response_class=HTMLResponse)
def analyze_page(
    request: Request, jobs: JobsDep, catalogue: CatalogueDep, exercise: str = ""
) -> HTMLResponse:
    """The upload form."""
    context = {
        "exercises": list(catalogue),
        "selected": exercise,
        "max_mb": jobs.config.max_upload_mb,
        "max_bytes": jobs.config.max_upload_bytes,
        "max_length": _minutes(jobs.config.max_video_seconds),
        "too_large": str(_too_large(jobs.config)),
        "busy": BUSY_MESSAGE if jobs.busy() else "",
    }
    return templates.TemplateResponse(request, "analyze.html", context)


@router.post("", response_model=None)
async def upload(
    request: Request, jobs: JobsDep, catalogue: CatalogueDep, owner: OwnerDep, exercise: str = ""
) -> HTMLResponse | PlainTextResponse:
    """The video as the raw request body (analyze.js sends it so); answers the progress fragment,
    or a one-line message for the form with nothing stored."""
    try:
        _check_request(request, catalogue, exercise)
    except UploadRejected as rejected:
        return PlainTextResponse(str(rejected), status_code=rejected.status)
    if not jobs.reserve():  # before the body is read: a busy server reads nothing
        headers = {"Retry-After": str(BUSY_RETRY_S)}
        return PlainTextResponse(BUSY_MESSAGE, HTTPStatus.SERVICE_UNAVAILABLE, headers)
    try:
        job = await _receive(request, jobs, exercise, owner)
        jobs.start(job)  # the job gives the slot back when it is over
    except BaseException as error:
        jobs.release()
        if not isinstance(error, UploadRejected):
            raise
        return PlainTextResponse(str(error), status_code=error.status)
    return _job_fragment(request, job, status=HTTPStatus.ACCEPTED)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, job: JobDep) -> HTMLResponse:
    """Progress while running (HTMX polls it every second), then the result."""
    return _job_fragment(request, job)


@router.get("/jobs/{job_id}/video", response_class=FileResponse)
def job_video(job: JobDep) -> FileResponse:
    if job.report is None or not job.video.is_file():
        raise NotFoundError(title="Video not found", detail="This analysis has no video yet.")
    return FileResponse(job.video, media_type="video/mp4")


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


async def _receive(
    request: Request, jobs: JobRegistry, exercise: str, owner: int | None
) -> AnalysisJob:
    """Save the body in a new job folder and check it is a video short enough to analyse;
    UploadRejected, with the folder deleted, when it is not."""
    job_id, folder = jobs.new_folder()
    path = folder / "upload"
    try:
        await _save(request, path)
        limit = jobs.config.max_video_seconds
        length_s = await run_in_threadpool(probe_duration, path, stop_after_s=limit)
        if length_s > limit:
            raise _too_long(length_s, limit)
        info = await run_in_threadpool(probe, path)  # decodes the first frame: not a broken file
    except BackchainError as error:  # VideoError: not a video, or a broken one
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, UploadRejected):
            raise
        raise UploadRejected(_without_path(str(error), path)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return AnalysisJob(job_id, exercise, folder, info.duration_s, owner)


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


def _without_path(message: str, path: Path) -> str:
    """VideoError messages start with the file's path, here a temporary name the user never
    chose: it becomes "The file". A message still naming a path is not shown at all."""
    message = message.replace(str(path), "The file")
    return UNREADABLE if _ABSOLUTE_PATH.search(message) else message


def _job_fragment(
    request: Request, job: AnalysisJob, status: HTTPStatus = HTTPStatus.OK
) -> HTMLResponse:
    context: dict[str, object] = {"job": job, "report": job.report, "percent": _percent(job)}
    if job.report is not None:
        context |= {"rows": list(_rows(job.report)), "save_url": save_url(job.report)}
    return templates.TemplateResponse(request, "analyze_job.html", context, status_code=status)


def _percent(job: AnalysisJob) -> int:
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
