"""Video analysis pages: upload a clip, follow the analysis, see the reps, faults and annotated video.

The upload is written to a temporary folder and deleted as soon as the analysis is over (or fails);
only the annotated video stays, until the server stops. One analysis runs at a time, in a thread.
"""

import secrets
import shutil
import statistics
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import numpy as np
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse

from backchain.errors import BackchainError, CatalogueError
from backchain.exercises import Catalogue, load_catalogue
from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze
from backchain.motion.annotate import annotate
from backchain.motion.estimators import MediaPipePose
from backchain.motion.native_logs import hidden_native_logs
from backchain.motion.pipeline import extract
from backchain.motion.video import probe
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = ["MAX_UPLOAD_BYTES", "AnalysisJob", "JobRegistry", "quiet_pose", "router"]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # 200 MB: a few minutes of phone video, plenty for one set
MAX_KEPT_RESULTS = 10  # annotated videos kept at once; older ones are deleted to bound disk use
SESSION_LOG_URL = "/session/for/{exercise}"  # today's set form for it, prefilled by the query
_MEBIBYTE = 1024 * 1024

# MediaPipe logs from C++ to file descriptor 2 while its graph starts. `hidden_native_logs` swaps
# that descriptor for the whole process, so swaps from two threads must not interleave.
_NATIVE_LOGS = threading.Lock()
_WARM_UP_SHAPE = (64, 64, 3)  # a blank frame: no one in it, so tracking starts afresh


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
    stage: str = "Finding poses"
    done_s: float = 0.0
    report: AnalysisReport | None = None
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def upload(self) -> Path:
        return self.folder / "upload"

    @property
    def video(self) -> Path:
        return self.folder / "annotated.mp4"

    def run(self) -> None:
        """Extract poses, analyse, draw; delete the upload whatever happens."""
        try:
            extraction = extract(self.upload, quiet_pose, progress=self._progress)
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
            self.error = str(error)
        except Exception:
            self.error = "The analysis failed unexpectedly; try another video."
        finally:
            self.upload.unlink(missing_ok=True)
            if self.error is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
            self.finished.set()

    def _progress(self, video_s: float) -> None:
        self.done_s = max(self.done_s, min(video_s, self.duration_s))


class JobRegistry:
    """The analyses since the server started, by random id; their files live under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.jobs: dict[str, AnalysisJob] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> AnalysisJob | None:
        return self.jobs.get(job_id)

    def busy(self) -> bool:
        return any(not job.finished.is_set() for job in self.jobs.values())

    def new_folder(self) -> tuple[str, Path]:
        job_id = secrets.token_urlsafe(12)
        folder = self.root / job_id
        folder.mkdir()
        return job_id, folder

    def start(self, job: AnalysisJob) -> None:
        with self._lock:
            self.jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=job.run, name=f"analysis-{job.id}", daemon=True).start()

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.finished.is_set()]
        for job in finished[: max(0, len(self.jobs) - MAX_KEPT_RESULTS)]:
            shutil.rmtree(job.folder, ignore_errors=True)
            del self.jobs[job.id]

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    root = Path(tempfile.mkdtemp(prefix="backchain-analysis-"))
    app.state.analysis_jobs = JobRegistry(root)
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


def get_job(job_id: str, jobs: JobsDep) -> AnalysisJob:
    job = jobs.get(job_id)
    if job is None:
        raise NotFoundError(
            title="Analysis not found",
            detail="This analysis is gone (results last until Backchain restarts); upload the video again.",
        )
    return job


JobDep = Annotated[AnalysisJob, Depends(get_job)]


@router.get("", response_class=HTMLResponse)
def analyze_page(request: Request, catalogue: CatalogueDep, exercise: str = "") -> HTMLResponse:
    """The upload form."""
    context = {
        "exercises": list(catalogue),
        "selected": exercise,
        "max_mb": MAX_UPLOAD_BYTES // _MEBIBYTE,
    }
    return templates.TemplateResponse(request, "analyze.html", context)


@router.post("", response_model=None)
async def upload(
    request: Request, jobs: JobsDep, catalogue: CatalogueDep, exercise: str = ""
) -> HTMLResponse | PlainTextResponse:
    """The video as the raw request body (analyze.js sends it so); answers the progress fragment,
    or a one-line message for the form with nothing stored."""
    try:
        _check_request(request, jobs, catalogue, exercise)
        job_id, folder = jobs.new_folder()
        try:
            await _save(request, folder / "upload")
            info = probe(folder / "upload")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    except UploadRejected as rejected:
        return PlainTextResponse(str(rejected), status_code=rejected.status)
    except BackchainError as error:  # VideoError from probe: not a video, or a broken one
        return PlainTextResponse(_without_path(str(error)), status_code=HTTPStatus.BAD_REQUEST)
    job = AnalysisJob(job_id, exercise, folder, info.duration_s)
    jobs.start(job)
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


def _check_request(
    request: Request, jobs: JobRegistry, catalogue: Catalogue, exercise: str
) -> None:
    try:
        catalogue.get(exercise)
    except CatalogueError:
        raise UploadRejected("Choose the exercise in the video.") from None
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind.startswith("multipart/"):
        raise UploadRejected("Uploading needs JavaScript; turn it on and try again.")
    if kind and not (kind.startswith("video/") or kind == "application/octet-stream"):
        raise UploadRejected(
            "That file is not a video; choose an .mp4, .mov or .webm file.",
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD_BYTES:
        raise _too_large()
    if jobs.busy():
        raise UploadRejected(
            "Another video is being analysed; wait for it to finish, then try again.",
            HTTPStatus.CONFLICT,
        )


async def _save(request: Request, path: Path) -> None:
    """Stream the body to `path`, stopping as soon as it passes the size limit."""
    size = 0
    with path.open("wb") as file:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise _too_large()
            file.write(chunk)
    if size == 0:
        raise UploadRejected("Choose a video file to upload.")


def _too_large() -> UploadRejected:
    return UploadRejected(
        f"That video is larger than {MAX_UPLOAD_BYTES // _MEBIBYTE} MB; "
        "trim it to one set, or film at a lower resolution.",
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    )


def _without_path(message: str) -> str:
    """VideoError messages start with the file's path, here a temporary name the user never chose."""
    for marker in (" is not a video", " is corrupt", " has no "):
        if marker in message:
            return "The file" + message[message.index(marker) :]
    return message


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
