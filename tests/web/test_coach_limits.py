"""The live coach's limits: frames too big are refused before they are decoded, live sets are
capped, and pose models are shared by threads, not made per connection.

The pose model is a `FakeEstimator` except where MediaPipe's own tracking is what is tested.
"""

import asyncio
import itertools
import re
import socket
import struct
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np
import numpy.typing as npt
import pytest
import uvicorn
from app_client import TestClient
from browser_kit import CHROMIUM, CHROMIUM_ARGS, local_page
from fastapi import FastAPI
from playwright.sync_api import Browser, WebSocket, expect
from starlette.websockets import WebSocketDisconnect

from backchain.config import Config
from backchain.motion.estimators import FakeEstimator, PoseEstimator
from backchain.motion.live_pool import PosePool
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.synthetic import generate
from backchain.motion.video import read_frames
from backchain.web.analysis import PoseFactory, quiet_pose
from backchain.web.app import create_app

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
SQUATS = generate("squat", seed=3, reps=2, lead_in_s=1.0, lead_out_s=1.0)
WIDTH, HEIGHT = 64, 48  # the largest frame LIMITS let through
LIMITS = Config(max_frame_kb=4, max_frame_pixels=WIDTH * HEIGHT, max_live_sets=2, pose_threads=2)
BUSY_CODE = 1013  # "try again later"
SERVER_TIMEOUT_S = 30.0  # to start, and to stop once its connections are closed


T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: Playwright's sync API, once a browser test has
    started it, keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class CountedFake(FakeEstimator):
    """Plays the synthetic squat set back, and remembers being closed."""

    closed = False

    def close(self) -> None:
        self.closed = True


class Models(list[CountedFake]):
    """A pose factory that keeps every model it makes, in order; none of them loads MediaPipe."""

    def __call__(self) -> CountedFake:
        self.append(CountedFake(SQUATS.sequence))
        return self[-1]


@pytest.fixture
def models() -> Models:
    return Models()


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The byte size of every image OpenCV decodes."""
    sizes: list[int] = []
    real = cv2.imdecode

    def spy(buffer: npt.NDArray[np.uint8], flags: int) -> Any:
        sizes.append(len(buffer))
        return real(buffer, flags)

    monkeypatch.setattr(cv2, "imdecode", spy)
    return sizes


def _client(config: Config, pose_factory: PoseFactory) -> TestClient:
    return TestClient(create_app(config=config, pose_factory=pose_factory))


def _image(width: int, height: int) -> npt.NDArray[np.uint8]:
    return np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)


def _jpeg(width: int = WIDTH, height: int = HEIGHT, *, progressive: bool = False) -> bytes:
    options = [cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive), cv2.IMWRITE_JPEG_QUALITY, 10]
    ok, encoded = cv2.imencode(".jpg", _image(width, height), options)
    assert ok
    return encoded.tobytes()


def _claiming(jpeg: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header rewritten to claim another size; the data stays small."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):  # baseline, progressive
        if marker in jpeg:
            at = jpeg.index(marker)
            return jpeg[: at + 5] + struct.pack(">HH", height, width) + jpeg[at + 9 :]
    raise AssertionError("no frame header")


def _with_comment(jpeg: bytes, size: int) -> bytes:
    """The JPEG with a comment segment of `size` bytes after its start: still a valid JPEG."""
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", size + 2) + b"c" * size + jpeg[2:]


def _png() -> bytes:
    ok, encoded = cv2.imencode(".png", np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8))
    assert ok
    return encoded.tobytes()


def _message(t: float, image: bytes) -> bytes:
    return struct.pack("<d", t) + image


def _open(client: TestClient, exercise: str = "squat") -> Any:
    return client.websocket_connect(f"/coach/ws?exercise={exercise}")


@pytest.mark.parametrize(
    ("image", "warning"),
    [
        (_with_comment(_jpeg(), 5 * 1024), "larger than the 4 KB"),
        (_claiming(_jpeg(), 16_000, 16_000), "its header claims more than 3,072 pixels"),
        (_claiming(_jpeg(progressive=True), 16_000, 16_000), "claims more than 3,072 pixels"),
        (_claiming(_jpeg(), 4_000, 3_000), "at 4000 × 3000 it has more than 3,072 pixels"),
        (_with_comment(_claiming(_jpeg(), 4_000, 3_000), 1000), "at 4000 × 3000"),
        (_jpeg(WIDTH + 1, HEIGHT), f"at {WIDTH + 1} × {HEIGHT} it has more than"),
        (_png(), "not a JPEG"),  # OpenCV would decode it: only JPEGs are read
        (_jpeg()[: _jpeg().index(b"\xff\xc0")], "not a JPEG"),  # cut before its frame header
    ],
    ids=[
        "bytes",
        "pixels",
        "progressive",
        "photo-size",
        "after-comment",
        "one-column-over",
        "png",
        "cut-off",
    ],
)
def test_a_frame_over_the_limits_gets_a_warning_and_is_never_decoded(
    models: Models, decoded: list[int], image: bytes, warning: str
) -> None:
    with _client(LIMITS, models) as client, _open(client) as socket:
        socket.receive_json()
        socket.send_bytes(_message(0.0, image))
        reply = socket.receive_json()
        assert reply["type"] == "warning"
        assert warning in reply["message"]
        assert decoded == []
        at_the_limit = _jpeg()
        socket.send_bytes(_message(0.1, at_the_limit))
        assert socket.receive_json()["type"] == "frame"
        assert decoded == [len(at_the_limit)]


def test_one_live_set_over_the_cap_is_told_so_and_closed(models: Models) -> None:
    with _client(LIMITS, models) as client:
        with _open(client) as first, _open(client) as second:
            assert first.receive_json()["type"] == second.receive_json()["type"] == "set"
            with _open(client) as third:
                busy = third.receive_json()
                assert busy["type"] == "busy"
                assert "already in use in 2 windows; close one" in busy["message"]
                with pytest.raises(WebSocketDisconnect) as closed:
                    third.receive_json()
                assert closed.value.code == BUSY_CODE
            first.send_bytes(_message(0.0, _jpeg()))  # the open ones carry on
            assert first.receive_json()["type"] == "frame"
        with _open(client) as first, _open(client) as second:  # closed ones free their places
            assert first.receive_json()["type"] == second.receive_json()["type"] == "set"


def _one_frame(client: TestClient) -> dict[str, Any]:
    with _open(client) as socket:
        socket.receive_json()
        socket.send_bytes(_message(0.0, _jpeg()))
        reply: dict[str, Any] = socket.receive_json()
        return reply


def test_a_connection_that_fails_frees_its_place() -> None:
    class Broken(CountedFake):
        def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
            raise RuntimeError("the model broke")

    one_set = LIMITS.model_copy(update={"max_live_sets": 1})
    with _client(one_set, lambda: Broken(SQUATS.sequence)) as client:
        with pytest.raises(RuntimeError, match="the model broke"):
            _one_frame(client)
        with _open(client) as socket:
            assert socket.receive_json()["type"] == "set"


@pytest.mark.parametrize("threads", [1, 2])
def test_connections_share_one_model_per_pose_thread(models: Models, threads: int) -> None:
    config = LIMITS.model_copy(update={"max_live_sets": 4, "pose_threads": threads})
    replies: list[dict[str, Any]] = []
    with _client(config, models) as client:
        with ExitStack() as stack:
            sockets = [stack.enter_context(_open(client)) for _ in range(config.max_live_sets)]
            for socket in sockets:
                socket.receive_json()
            for t in SQUATS.sequence.t:  # every set gets every frame, in turn
                for socket in sockets:
                    socket.send_bytes(_message(float(t), _jpeg()))
                    replies.append(socket.receive_json())
        assert len(models) == threads
        assert not any(model.closed for model in models)
    assert all(model.closed for model in models)  # closed with the app
    last = replies[-len(sockets) :]
    assert [reply["reps"] for reply in last] == [SQUATS.truth.reps] * len(sockets)


class Recorder:
    """A model that notes the frames it reads by their (uniform) brightness."""

    def __init__(self, made: list["Recorder"]) -> None:
        self.read: list[int] = []
        made.append(self)

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        self.read.append(int(rgb.max()))
        return None

    def close(self) -> None:
        pass


def _frame(brightness: int) -> npt.NDArray[np.uint8]:
    return np.full((4, 4, 3), brightness, dtype=np.uint8)


async def _read(pool: PosePool, streams: list[int], order: list[int]) -> None:
    """Stream `i` of `streams` reads frames of brightness `streams[i]`, in `order`."""
    with pool.stream() as a, pool.stream() as b:
        handles = [a, b]
        for i in order:
            await handles[i].run(lambda model, i=i: model.estimate(_frame(streams[i]), 0.0))


def test_a_model_turning_to_another_stream_first_reads_a_blank_frame() -> None:
    made: list[Recorder] = []
    pool = PosePool(1, lambda: Recorder(made))
    _run(_read(pool, [10, 20], [0, 0, 1, 0, 1, 1]))
    pool.close()
    assert [model.read for model in made] == [[10, 10, 0, 20, 0, 10, 0, 20, 20]]


def test_streams_no_more_than_the_threads_keep_a_model_each() -> None:
    made: list[Recorder] = []
    pool = PosePool(2, lambda: Recorder(made))
    _run(_read(pool, [10, 20], [0, 1, 0, 1, 1, 0]))
    pool.close()
    assert sorted(model.read for model in made) == [[10, 10, 10], [20, 20, 20]]


def _landmarks(model: PoseEstimator, frames: list[npt.NDArray[np.uint8]]) -> list[Any]:
    poses = [model.estimate(rgb, i / 15) for i, rgb in enumerate(frames)]
    return [None if pose is None else pose.image for pose in poses]


def _first_frames(clip: str, count: int) -> list[npt.NDArray[np.uint8]]:
    frames = read_frames(SAMPLES / clip, max_fps=15, max_width=480)
    return [frame.rgb for frame in itertools.islice(frames, count)]


def test_a_shared_mediapipe_model_reads_a_new_stream_as_a_new_model_would() -> None:
    """Tracking and smoothing carried over from another person would move every landmark.
    The real model: its tracking is what the blank frame between streams must reset."""
    squat = _first_frames("squat_02.mp4", 30)
    bridge = _first_frames("glute_bridge_01.mp4", 20)
    with quiet_pose() as fresh:
        expected = _landmarks(fresh, squat[:30])

    async def after_another_stream() -> list[Any]:
        with pool.stream() as other, pool.stream() as this:
            await other.run(lambda model: _landmarks(model, bridge[:20]))
            return await this.run(lambda model: _landmarks(model, squat[:30]))

    pool = PosePool(1, quiet_pose)
    try:
        shared = _run(after_another_stream())
    finally:
        pool.close()
    assert all(e is not None for e in expected)
    for want, got in zip(expected, shared, strict=True):
        np.testing.assert_array_equal(got, want)


@contextmanager
def _served(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port, in a thread of this process."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="server")
    thread.start()
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while not server.started:
            assert thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(SERVER_TIMEOUT_S)
        listener.close()


@pytest.mark.browser
def test_the_page_says_the_coach_is_busy_and_stops(browser: Browser) -> None:
    nobody = PoseSequence.from_poses([], [], (WIDTH, HEIGHT))  # the fake camera shows no one
    app = create_app(config=Config(max_live_sets=1), pose_factory=lambda: FakeEstimator(nobody))
    camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *camera]
    )
    page_on = contextmanager(local_page)
    try:
        with (
            _served(app) as url,
            page_on(chromium, url, permissions=["camera"]) as first,
            page_on(chromium, url, permissions=["camera"]) as second,
        ):
            first.goto("/coach?exercise=squat")
            first.get_by_role("button", name="Coach me").click()
            expect(first.locator("#coach-cue")).to_contain_text("Step into", timeout=30_000)
            sockets: list[WebSocket] = []
            second.on("websocket", lambda socket: sockets.append(socket))
            second.goto("/coach?exercise=squat")
            second.get_by_role("button", name="Coach me").click()
            expect(second.get_by_role("alert")).to_have_text(
                re.compile("already in use in another window; close it")
            )
            expect(second.get_by_role("heading", name="Set up the camera")).to_be_visible()
            second.wait_for_timeout(2_500)  # more than the page's reconnect delay
            assert len(sockets) == 1
            expect(first.locator("#coach-live")).to_be_visible()
    finally:
        chromium.close()
