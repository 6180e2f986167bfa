"""The video check's limits: analyses at once, upload size, video length, lost and expired
jobs, and messages that never show a server path.

The pose model is the fake one (`FakeEstimator`, given to `create_app`), so no test here loads
MediaPipe, and every test has a storage folder of its own (tests/conftest.py). `Network` stands
between the test client and the app as a network would: the body arrives in chunks, each after
a pause that lets other requests run, and it counts the bytes the app read.
"""

import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import numpy as np
import numpy.typing as npt
import pytest
from app_client import TestClient
from fastapi import FastAPI
from job_kit import (
    JOB_TIMEOUT_S,
    all_jobs,
    folder_of,
    left_on_disk,
    stored_job,
    wait_for,
    wait_for_all,
)
from sqlalchemy import update
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from video_kit import SQUATS, clip_of, write_clip

from backchain.config import load_config
from backchain.errors import VideoError
from backchain.jobs import runner
from backchain.motion.estimators import FakeEstimator
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.video import probe_duration
from backchain.store import jobs as stored
from backchain.store.jobs import AnalysisJobRow, JobState
from backchain.web import analysis
from backchain.web.analysis import BUSY_MESSAGE, UNREADABLE, Analyses
from backchain.web.app import create_app

MEBIBYTE = 1024 * 1024
CHUNK = 64 * 1024  # bytes the network hands the app at a time
SLOW_CHUNK_S = 0.02  # a pause before each chunk: long enough for every upload to start at once
UPLOAD_KEY = "X-Test-Upload"  # names each upload for `Network.read`


# -- harness -----------------------------------------------------------------------------------


class Network:
    """An ASGI app in front of `app` that delivers request bodies in chunks of `chunk` bytes,
    each after `delay_s`, and counts in `read` the bytes the app took, by `UPLOAD_KEY`."""

    def __init__(self, app: ASGIApp, *, chunk: int = CHUNK, delay_s: float = 0.0) -> None:
        self.app, self.chunk, self.delay_s = app, chunk, delay_s
        self.read: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = dict(scope["headers"]).get(UPLOAD_KEY.lower().encode(), b"").decode()
        self.read.setdefault(key, 0)
        pending, more = b"", True

        async def chunked() -> Message:
            nonlocal pending, more
            if not pending and more:
                message = await receive()
                if message["type"] != "http.request":
                    return message
                pending, more = message.get("body", b""), message.get("more_body", False)
            elif not pending:
                return await receive()  # the body is over: wait for the disconnect
            piece, pending = pending[: self.chunk], pending[self.chunk :]
            await anyio.sleep(self.delay_s)
            self.read[key] += len(piece)
            return {"type": "http.request", "body": piece, "more_body": bool(pending) or more}

        await self.app(scope, chunked, send)


class GatedEstimator(FakeEstimator):
    """The fake model, which reads no frame until `gate` is set: a job that runs until told."""

    def __init__(self, sequence: PoseSequence, gate: threading.Event) -> None:
        super().__init__(sequence)
        self.gate = gate

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        self.gate.wait(JOB_TIMEOUT_S)
        return super().estimate(rgb, t)


@pytest.fixture
def storage() -> Path:
    """The test's own storage folder, where its uploads and annotated videos go."""
    return load_config().storage


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set `Config` fields through their BACKCHAIN_* variables, for the apps made afterwards."""

    def use(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"BACKCHAIN_{name.upper()}", str(value))
        load_config.cache_clear()

    yield use
    load_config.cache_clear()  # before monkeypatch puts the variables back


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Set it to let the fake model of `gated_app` run; it is set at the end of the test
    whatever happens."""
    opened = threading.Event()
    yield opened
    opened.set()


def gated_app(gate: threading.Event) -> FastAPI:
    """The app, its analyses run by the fake model, which waits for `gate`."""
    return create_app(pose_factory=lambda: GatedEstimator(SQUATS.sequence, gate))


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The decoding steps the app ran: the first-frame check, then pose extraction."""
    calls: list[str] = []
    probe, extract = analysis.probe, runner.extract

    def spy_probe(*args: Any, **kwargs: Any) -> Any:
        calls.append("probe")
        return probe(*args, **kwargs)

    def spy_extract(*args: Any, **kwargs: Any) -> Any:
        calls.append("extract")
        return extract(*args, **kwargs)

    monkeypatch.setattr(analysis, "probe", spy_probe)
    monkeypatch.setattr(runner, "extract", spy_extract)
    return calls


def post(client: TestClient, body: Any, key: str = "", kind: str = "video/mp4") -> Any:
    headers = {"Content-Type": kind, UPLOAD_KEY: key}
    return client.post("/analyze?exercise=squat", content=body, headers=headers)


def analyses(app: FastAPI) -> Analyses:
    found: Analyses = app.state.analyses
    return found


# -- analyses at once --------------------------------------------------------------------------

UPLOADS = 6
MAX_ANALYSES = 2


def test_uploads_past_the_limit_are_told_to_come_back_and_are_not_read(
    settings: Callable[..., None], gate: threading.Event, tmp_path: Path
) -> None:
    settings(max_analyses=MAX_ANALYSES)
    clip = write_clip(tmp_path / "set.mp4", 30).read_bytes()
    app = gated_app(gate)
    network = Network(app, chunk=len(clip) // 4, delay_s=SLOW_CHUNK_S)
    with TestClient(network) as client:
        # One post first, so the client holds its form token before the threads share it.
        assert client.post("/analyze?exercise=", content=b"x").status_code == 400
        together = threading.Barrier(UPLOADS)

        def send(n: int) -> Any:
            together.wait()
            return post(client, clip, key=str(n))

        with ThreadPoolExecutor(UPLOADS) as pool:
            answers = list(pool.map(send, range(UPLOADS)))

        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [202] * MAX_ANALYSES + [503] * (UPLOADS - MAX_ANALYSES)
        for n, answer in enumerate(answers):
            if answer.status_code == 503:
                assert answer.text == BUSY_MESSAGE
                assert int(answer.headers["Retry-After"]) > 0
                assert network.read[str(n)] == 0  # refused before its body was read
            else:
                assert network.read[str(n)] == len(clip)
        assert len(all_jobs(app)) == MAX_ANALYSES
        assert BUSY_MESSAGE in client.get("/analyze").text  # the form says so too

        gate.set()
        assert [job.error for job in wait_for_all(app)] == [None] * MAX_ANALYSES
        assert BUSY_MESSAGE not in client.get("/analyze").text
        again = post(client, clip, key="again")
        assert again.status_code == 202, again.text
        wait_for_all(app)


def _fail_the_first_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first job's pose extraction fails as a broken file would; later ones run."""
    extract, calls = runner.extract, []

    def broken_once(path: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        if len(calls) == 1:
            raise VideoError(f"{path} is corrupt or truncated (invalid data).")
        return extract(path, *args, **kwargs)

    monkeypatch.setattr(runner, "extract", broken_once)


@pytest.mark.parametrize(
    ("ending", "first_status"),
    [("the job is over", 202), ("the job fails", 202), ("the upload is refused", 400)],
)
def test_the_slot_is_given_back_however_the_upload_ends(
    settings: Callable[..., None],
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    ending: str,
    first_status: int,
) -> None:
    settings(max_analyses=1)
    gate.set()
    clip = write_clip(tmp_path / "set.mp4", 30).read_bytes()
    app = gated_app(gate)
    with TestClient(app) as client:
        if ending == "the job fails":
            _fail_the_first_job(monkeypatch)
        body = b"notes, not a video\n" * 20 if ending == "the upload is refused" else clip
        first = post(client, body)
        assert first.status_code == first_status, first.text
        wait_for_all(app)
        second = post(client, clip)
        assert second.status_code == 202, second.text
        wait_for_all(app)


# -- size and length ---------------------------------------------------------------------------


def test_an_oversize_upload_is_cut_off_and_leaves_nothing(settings: Callable[..., None]) -> None:
    settings(max_upload_mb=1)
    body = bytes(3 * MEBIBYTE)
    app = create_app()
    network = Network(app)
    with TestClient(network) as client:

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams
            for start in range(0, len(body), CHUNK):
                yield body[start : start + CHUNK]

        streamed = post(client, chunks(), key="streamed")
        assert streamed.status_code == 413
        assert "larger than" in streamed.text
        assert "1 MB" in streamed.text
        assert network.read["streamed"] <= MEBIBYTE + CHUNK  # stopped at the cap, not the end

        declared = post(client, body, key="declared")  # Content-Length says it: nothing is read
        assert declared.status_code == 413
        assert network.read["declared"] == 0

        assert left_on_disk(app) == []
        assert all_jobs(app) == []
        assert not analyses(app).busy()


TEN_MINUTES = "This video is 10 min long; Backchain analyses up to 3 min — trim it to the set and upload again."


@pytest.mark.parametrize(
    ("name", "clip", "limit_s", "message"),
    [
        # the container states its duration: 600 frames a second apart
        ("ten-minutes.mp4", {"frames": 600, "fps": 1, "size": (16, 16)}, 180, TEN_MINUTES),
        ("ten-minutes.mkv", {"frames": 600, "fps": 1, "size": (16, 16), "container": "matroska"}, 180, TEN_MINUTES),
        # a raw H.264 stream states no duration: its 600 packets at 25 a second are counted
        ("no-duration.h264", {"frames": 600, "fps": 25, "size": (16, 16), "container": "h264", "codec": "libx264"}, 20,
         "This video is 24 s long; Backchain analyses up to 20 s — trim it to the set and upload again."),
        # 2,400 frames squeezed into 2.4 s of timestamps: counted as frames, not by the clock
        ("squeezed.mkv", {"frames": 2400, "step_s": 0.001, "size": (16, 16), "container": "matroska"}, 5,
         "Backchain analyses up to 5 s"),
    ],
)  # fmt: skip
def test_a_long_video_is_refused_before_a_frame_is_decoded(
    settings: Callable[..., None],
    gate: threading.Event,
    decoded: list[str],
    tmp_path: Path,
    name: str,
    clip: dict[str, Any],
    limit_s: int,
    message: str,
) -> None:
    settings(max_video_seconds=limit_s)
    body = write_clip(tmp_path / name, **clip).read_bytes()
    app = gated_app(gate)
    with TestClient(app) as client:
        response = post(client, body, kind="application/octet-stream")
        assert response.status_code == 413
        assert message in response.text
        assert decoded == []  # neither the first frame nor any pose was read
        assert left_on_disk(app) == []
        assert not analyses(app).busy()


def test_a_video_within_the_limit_is_decoded(
    settings: Callable[..., None], gate: threading.Event, decoded: list[str], tmp_path: Path
) -> None:
    """The other side of the test above: the same spies see a video that is let through."""
    settings(max_video_seconds=180)
    gate.set()
    app = gated_app(gate)
    with TestClient(app) as client:
        response = post(client, write_clip(tmp_path / "set.mp4", 30).read_bytes())
        assert response.status_code == 202, response.text
        wait_for_all(app)
    assert decoded == ["probe", "extract"]


@pytest.mark.parametrize(
    ("clip", "length_s"),
    [
        ({"frames": 600, "fps": 1}, 600.0),
        ({"frames": 600, "fps": 1, "container": "matroska"}, 600.0),
        ({"frames": 600, "fps": 25, "container": "h264", "codec": "libx264"}, 24.0),
        ({"frames": 2400, "step_s": 0.001, "container": "matroska"}, 10.0),  # 2,400 at 240 a second
    ],
)
def test_the_length_probe_reads_the_container_not_the_frames(
    tmp_path: Path, clip: dict[str, Any], length_s: float
) -> None:
    path = write_clip(tmp_path / "clip", size=(16, 16), **clip)
    assert probe_duration(path) == pytest.approx(length_s, abs=0.05)


def test_the_length_probe_stops_counting_once_the_frames_alone_are_too_many(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "clip.mkv", 2400, step_s=0.001, container="matroska")
    assert 5.0 < probe_duration(path, stop_after_s=5.0) < 5.1  # stopped at 1,201 frames of 2,400


# -- lost and expired jobs ---------------------------------------------------------------------


def _stored_job(app: FastAPI, clip: Path, *, claimed: bool, silent_s: float) -> str:
    """A job as a runner that stopped leaves it: its upload in place, queued or claimed, and
    no sign of life for `silent_s`."""
    job_id, folder = analyses(app).new_folder()
    (folder / runner.UPLOAD).write_bytes(clip.read_bytes())
    store, past = app.state.store, datetime.now(UTC) - timedelta(seconds=silent_s)
    with store.transaction() as session:
        stored.add_job(
            session, job_id=job_id, owner_id=None, exercise="squat", duration_s=2.0,
            stage=runner.WAITING, now=past,
        )  # fmt: skip
        if claimed:
            assert stored.claim(session, job_id=job_id, stage=runner.FINDING_POSES, now=past)
    return job_id


def test_a_job_whose_runner_stopped_runs_again_when_its_page_is_polled(tmp_path: Path) -> None:
    clip = clip_of(tmp_path / "squats.mp4", SQUATS.sequence)
    app = create_app(pose_factory=lambda: FakeEstimator(SQUATS.sequence))
    with TestClient(app) as client:
        fresh = _stored_job(app, clip, claimed=True, silent_s=1)
        lost = _stored_job(app, clip, claimed=True, silent_s=runner.STALL_S + 1)
        assert "Finding poses" in client.get(f"/analyze/jobs/{fresh}").text  # still running
        client.get(f"/analyze/jobs/{lost}")
        job = wait_for(app, lost)
        assert job.state is JobState.DONE, job.error
        assert job.attempts == 2
        page = client.get(f"/analyze/jobs/{lost}").text
        assert f'data-testid="reps">{SQUATS.truth.reps}<' in page
        assert (
            stored_job(app, fresh).state is JobState.RUNNING
        )  # left alone: its runner may be alive


def test_a_job_out_of_attempts_is_failed_with_a_message(
    settings: Callable[..., None], tmp_path: Path
) -> None:
    settings(job_attempts=2)
    app = create_app(pose_factory=lambda: FakeEstimator(SQUATS.sequence))
    with TestClient(app) as client:
        lost = _stored_job(app, write_clip(tmp_path / "set.mp4", 30), claimed=True, silent_s=60)
        with app.state.store.transaction() as session:  # claimed once before already
            session.execute(update(AnalysisJobRow).values(attempts=2))
        page = client.get(f"/analyze/jobs/{lost}").text
        assert "The analysis was interrupted 2 times; upload the video again" in page
        assert left_on_disk(app) == []


def test_an_unexpected_error_is_tried_again_up_to_the_limit(
    settings: Callable[..., None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings(job_attempts=3)
    calls: list[Path] = []

    def failing(path: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        raise RuntimeError("a bug")

    monkeypatch.setattr(runner, "extract", failing)
    app = create_app(pose_factory=lambda: FakeEstimator(SQUATS.sequence))
    with TestClient(app) as client:
        assert post(client, write_clip(tmp_path / "set.mp4", 30).read_bytes()).status_code == 202
        (job,) = wait_for_all(app)
        assert len(calls) == 3
        assert (
            job.error
            == "The analysis was interrupted 3 times; upload the video again in a few minutes."
        )
        assert left_on_disk(app) == []


def test_an_error_once_is_tried_again_and_the_job_finishes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    extract, calls = runner.extract, []

    def failing_once(path: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        if len(calls) == 1:
            raise RuntimeError("a passing fault")
        return extract(path, *args, **kwargs)

    monkeypatch.setattr(runner, "extract", failing_once)
    app = create_app(pose_factory=lambda: FakeEstimator(SQUATS.sequence))
    with TestClient(app) as client:
        assert post(client, write_clip(tmp_path / "set.mp4", 30).read_bytes()).status_code == 202
        (job,) = wait_for_all(app)
        assert (job.state, job.attempts, len(calls)) == (JobState.DONE, 2, 2)


FRAME_S = 0.1  # with a 1 s time limit, a video of a few seconds is far over it


class SlowEstimator(FakeEstimator):
    """The fake model, taking `FRAME_S` over every frame."""

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        time.sleep(FRAME_S)
        return super().estimate(rgb, t)


def test_a_job_past_its_time_limit_fails_with_a_message(
    settings: Callable[..., None], tmp_path: Path
) -> None:
    settings(job_timeout_s=1)
    app = create_app(pose_factory=lambda: SlowEstimator(SQUATS.sequence))
    with TestClient(app) as client:
        clip = write_clip(tmp_path / "set.mp4", 60)  # 24 frames read, FRAME_S each, on 2 threads
        assert post(client, clip.read_bytes()).status_code == 202
        (job,) = wait_for_all(app)
        assert job.state is JobState.FAILED
        assert str(job.error).startswith("This video took longer than 1 min")
        assert job.attempts == 1  # not tried again: it would take as long
        assert left_on_disk(app) == []


def test_a_job_running_when_the_server_stops_runs_after_a_restart(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "set.mp4", 60)
    app = create_app(pose_factory=lambda: SlowEstimator(SQUATS.sequence))
    with TestClient(app) as client:
        assert post(client, clip.read_bytes()).status_code == 202
        (job,) = all_jobs(app)
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while stored_job(app, job.id).done_s == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
    stopped = stored_job(app, job.id)  # the server stopped mid-job, without waiting for it
    assert (stopped.state, stopped.stage) == (JobState.QUEUED, runner.WAITING)

    restarted = create_app(pose_factory=lambda: FakeEstimator(SQUATS.sequence))
    with TestClient(restarted):
        finished = wait_for(restarted, job.id)
    assert (finished.state, finished.attempts) == (JobState.DONE, 2)


def test_results_go_after_the_keep_time_with_their_video(tmp_path: Path) -> None:
    app = create_app(pose_factory=lambda: FakeEstimator(SQUATS.sequence))
    with TestClient(app) as client:
        assert post(client, write_clip(tmp_path / "set.mp4", 30).read_bytes()).status_code == 202
        (job,) = wait_for_all(app)
        runner_of(app).sweep()
        assert folder_of(app, job.id).is_dir()  # within the keep time: kept
        long_ago = datetime.now(UTC) - timedelta(minutes=app.state.config.keep_results_minutes + 1)
        with app.state.store.transaction() as session:
            session.execute(update(AnalysisJobRow).values(finished_at=long_ago))
        runner_of(app).sweep()
        assert not folder_of(app, job.id).exists()
        gone = client.get(f"/analyze/jobs/{job.id}")
        assert gone.status_code == 404
        assert "results are kept for 60 min" in gone.text


def test_a_folder_no_job_owns_is_deleted_once_old(storage: Path) -> None:
    app = create_app(pose_factory=lambda: FakeEstimator(SQUATS.sequence))
    with TestClient(app):
        old, new = storage / "jobs" / "old", storage / "jobs" / "new"
        for folder in (old, new):
            folder.mkdir(parents=True)
            (folder / runner.ANNOTATED).write_bytes(b"a person's video")
        day_ago = time.time() - runner.ORPHAN_S - 60
        os.utime(old, (day_ago, day_ago))
        runner_of(app).sweep()
        assert not old.exists()
        assert (new / runner.ANNOTATED).is_file()  # may be an upload arriving right now


def runner_of(app: FastAPI) -> runner.Runner:
    return analyses(app).runner


# -- no server paths in messages ---------------------------------------------------------------


def _length_probe_failing_with(words: str) -> Callable[..., float]:
    def failing(path: Path, **kwargs: Any) -> float:
        raise VideoError(words.format(path=path))

    return failing


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        ("{path} is corrupt or truncated (moov atom not found).", "The file is corrupt or truncated (moov atom not found)."),
        ("{path} has no video track; give a video file.", "The file has no video track; give a video file."),
        ("{path} could not be copied to {path.parent}/frames (disk full).", UNREADABLE),
        ("Cannot open /var/lib/backchain/codecs (denied).", UNREADABLE),
        (r"Cannot open C:\Users\me\AppData\Local\Temp\x (denied).", UNREADABLE),
    ],
)  # fmt: skip
def test_a_refusal_names_no_server_path(
    monkeypatch: pytest.MonkeyPatch, words: str, shown: str
) -> None:
    monkeypatch.setattr(analysis, "probe_duration", _length_probe_failing_with(words))
    with TestClient(create_app()) as client:
        response = post(client, b"\x00" * 100)
    assert response.status_code == 400
    assert response.text == shown


def test_a_real_unreadable_file_names_no_server_path(storage: Path) -> None:
    with TestClient(create_app()) as client:
        response = post(client, b"just some notes, not a video\n" * 20)
    assert response.status_code == 400
    assert response.text.startswith("The file is not a video")
    assert str(storage) not in response.text


def test_a_failed_job_names_no_server_path(
    monkeypatch: pytest.MonkeyPatch, gate: threading.Event, storage: Path, tmp_path: Path
) -> None:
    _fail_the_first_job(monkeypatch)
    app = gated_app(gate)
    with TestClient(app) as client:
        assert post(client, write_clip(tmp_path / "set.mp4", 30).read_bytes()).status_code == 202
        (job,) = wait_for_all(app)
        assert job.error == "The file is corrupt or truncated (invalid data)."
        page = client.get(f"/analyze/jobs/{job.id}")
        assert job.error in page.text
        assert str(storage) not in page.text
        assert left_on_disk(app) == []  # a failed job keeps nothing
