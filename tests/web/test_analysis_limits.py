"""The video check's limits: analyses at once, upload size, video length, left-over files, and
messages that never show a server path.

The pose model is the fake one (`FakeEstimator`, given to `create_app`), so no test here loads
MediaPipe, and every server folder lives in a private temp folder. `Network` stands between the
test client and the app as a network would: the body arrives in chunks, each after a pause that
lets other requests run, and it counts the bytes the app read.
"""

import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import numpy as np
import numpy.typing as npt
import pytest
from app_client import TestClient
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from video_kit import SQUATS, write_clip

from backchain.config import load_config
from backchain.errors import VideoError
from backchain.motion.estimators import FakeEstimator
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.video import probe_duration
from backchain.web import analysis, analysis_folders
from backchain.web.analysis import BUSY_MESSAGE, UNREADABLE, JobRegistry
from backchain.web.analysis_folders import LOCK_NAME
from backchain.web.app import create_app

MEBIBYTE = 1024 * 1024
CHUNK = 64 * 1024  # bytes the network hands the app at a time
SLOW_CHUNK_S = 0.02  # a pause before each chunk: long enough for every upload to start at once
JOB_TIMEOUT_S = 60.0  # a two-second clip through the fake model takes well under a second
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


@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every server folder of these tests under a temp folder of their own."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


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
    probe, extract = analysis.probe, analysis.extract

    def spy_probe(*args: Any, **kwargs: Any) -> Any:
        calls.append("probe")
        return probe(*args, **kwargs)

    def spy_extract(*args: Any, **kwargs: Any) -> Any:
        calls.append("extract")
        return extract(*args, **kwargs)

    monkeypatch.setattr(analysis, "probe", spy_probe)
    monkeypatch.setattr(analysis, "extract", spy_extract)
    return calls


def post(client: TestClient, body: Any, key: str = "", kind: str = "video/mp4") -> Any:
    headers = {"Content-Type": kind, UPLOAD_KEY: key}
    return client.post("/analyze?exercise=squat", content=body, headers=headers)


def registry(app: FastAPI) -> JobRegistry:
    jobs: JobRegistry = app.state.analysis_jobs
    return jobs


def left_on_disk(app: FastAPI) -> list[str]:
    return sorted(p.name for p in registry(app).root.iterdir() if p.name != LOCK_NAME)


def wait_for_jobs(app: FastAPI) -> None:
    for job in list(registry(app).jobs.values()):
        assert job.finished.wait(JOB_TIMEOUT_S), f"job {job.id} did not finish"


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
        assert len(registry(app).jobs) == MAX_ANALYSES
        assert BUSY_MESSAGE in client.get("/analyze").text  # the form says so too

        gate.set()
        wait_for_jobs(app)
        assert [job.error for job in registry(app).jobs.values()] == [None] * MAX_ANALYSES
        assert BUSY_MESSAGE not in client.get("/analyze").text
        again = post(client, clip, key="again")
        assert again.status_code == 202, again.text
        wait_for_jobs(app)


def _fail_the_first_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first job's pose extraction fails as a broken file would; later ones run."""
    extract, calls = analysis.extract, []

    def broken_once(path: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        if len(calls) == 1:
            raise VideoError(f"{path} is corrupt or truncated (invalid data).")
        return extract(path, *args, **kwargs)

    monkeypatch.setattr(analysis, "extract", broken_once)


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
        wait_for_jobs(app)
        second = post(client, clip)
        assert second.status_code == 202, second.text
        wait_for_jobs(app)


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
        assert registry(app).jobs == {}
        assert not registry(app).busy()


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
        assert not registry(app).busy()


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
        wait_for_jobs(app)
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


# -- left-over folders -------------------------------------------------------------------------

OTHER_SERVER = """
import sys, time
from pathlib import Path
from backchain.web.analysis_folders import ServerFolder
folder = ServerFolder(Path(sys.argv[1]))
(folder.path / "job").mkdir()
(folder.path / "job" / "annotated.mp4").write_bytes(b"a person's video")
print(folder.path, flush=True)
time.sleep(600)
"""
OTHER_SERVER_TIMEOUT_S = 60.0


@contextmanager
def other_server(parent: Path) -> Iterator[tuple["subprocess.Popen[str]", Path]]:
    """Another Backchain process with a folder and an annotated video under `parent`; killed
    at the end if the test has not killed it yet."""
    with subprocess.Popen(
        [sys.executable, "-c", OTHER_SERVER, str(parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stdout is not None
        try:
            yield process, Path(process.stdout.readline().strip())
        finally:
            process.kill()


def _kill(process: "subprocess.Popen[str]") -> None:
    process.kill()  # SIGKILL: no clean-up code runs
    process.wait(OTHER_SERVER_TIMEOUT_S)


def test_a_killed_servers_folder_is_removed_at_start_up_and_a_running_ones_kept() -> None:
    parent = analysis_folders.analysis_parent()
    with (
        other_server(parent) as (killed, killed_folder),
        other_server(parent) as (running, running_folder),
    ):
        being_made = (
            parent / f"{analysis_folders.FOLDER_PREFIX}1-setup"
        )  # its lock file not written yet
        being_made.mkdir()
        (being_made / LOCK_NAME).touch()
        unrelated = parent / "notes"
        unrelated.mkdir()
        _kill(killed)
        assert (killed_folder / "job" / "annotated.mp4").is_file()  # what a kill leaves behind

        app = create_app()
        with TestClient(app):
            own = registry(app).root
            assert own.parent == parent
            assert not killed_folder.exists()
            assert (running_folder / "job" / "annotated.mp4").is_file()
            assert being_made.is_dir()
            assert unrelated.is_dir()
        assert not own.exists()  # a server that stops deletes its own

        _kill(running)
        with TestClient(create_app()):
            assert not running_folder.exists()  # once its owner is gone too


def test_two_apps_in_one_process_keep_each_others_folders() -> None:
    first, second = create_app(), create_app()
    with TestClient(first), TestClient(second):
        assert registry(first).root.is_dir()
        assert registry(second).root.is_dir()


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
    monkeypatch: pytest.MonkeyPatch, private_temp: Path, words: str, shown: str
) -> None:
    monkeypatch.setattr(analysis, "probe_duration", _length_probe_failing_with(words))
    with TestClient(create_app()) as client:
        response = post(client, b"\x00" * 100)
    assert response.status_code == 400
    assert response.text == shown


def test_a_real_unreadable_file_names_no_server_path(private_temp: Path) -> None:
    with TestClient(create_app()) as client:
        response = post(client, b"just some notes, not a video\n" * 20)
    assert response.status_code == 400
    assert response.text.startswith("The file is not a video")
    assert str(private_temp) not in response.text


def test_a_failed_job_names_no_server_path(
    monkeypatch: pytest.MonkeyPatch, gate: threading.Event, private_temp: Path, tmp_path: Path
) -> None:
    _fail_the_first_job(monkeypatch)
    app = gated_app(gate)
    with TestClient(app) as client:
        assert post(client, write_clip(tmp_path / "set.mp4", 30).read_bytes()).status_code == 202
        wait_for_jobs(app)
        (job,) = registry(app).jobs.values()
        assert job.error == "The file is corrupt or truncated (invalid data)."
        page = client.get(f"/analyze/jobs/{job.id}")
        assert job.error in page.text
        assert str(private_temp) not in page.text
        assert left_on_disk(app) == []  # a failed job keeps nothing
