"""Live sets resumed on another web process: with Redis configured, a set whose connection
drops goes on, on any process sharing that Redis, within `RESUME_WINDOW_S`, exactly as if it
had never stopped; and it counts on when Redis goes away.

Two apps made with `create_app` stand for two web processes: they share only the Redis server
(a real one, see `redis_url`). Their pose models are `FakeEstimator`s playing a synthetic squat
set back. Resuming within one process without Redis is tested in test_coach_ws.py.
"""

import json
import struct
import time
from collections.abc import Iterator
from typing import Any

import pytest
from app_client import TestClient
from redis import Redis
from starlette.testclient import WebSocketTestSession
from video_kit import SQUATS, camera_frames, plays

from backchain.config import Config
from backchain.motion.live import RESUME_WINDOW_S
from backchain.web import live_sets
from backchain.web.app import create_app

Frames = list[tuple[float, bytes]]

SET_KEYS = "backchain:live:*"
SHORT_WINDOW_S = 1.0  # a resume window short enough to wait out in a test


@pytest.fixture(scope="module")
def squat_frames() -> Frames:
    return camera_frames(SQUATS.sequence)


@pytest.fixture
def db(redis_url: str) -> Iterator[Redis]:
    """The test's Redis database, to look at the keys the coach leaves there."""
    client = Redis.from_url(redis_url)
    yield client
    client.close()


def _app(redis_url: str) -> TestClient:
    """One web process of the clinic: its own app, sharing only Redis."""
    config = Config(redis_url=redis_url)
    return TestClient(create_app(config=config, pose_factory=plays(SQUATS.sequence)))


def _connect(client: TestClient, set_id: str | None = None) -> Any:
    resume = f"&set={set_id}" if set_id else ""
    return client.websocket_connect(f"/coach/ws?exercise=squat{resume}")


def _send(socket: WebSocketTestSession, frames: Frames) -> dict[str, Any]:
    """The reply to the last frame."""
    reply: dict[str, Any] = {}
    for t, jpeg in frames:
        socket.send_bytes(struct.pack("<d", t) + jpeg)
        reply = socket.receive_json()
        assert reply["type"] == "frame", reply
    return reply


def _new_page(frames: Frames) -> Frames:
    """The frames as a page opened to resume sends them: its clock starts at 0."""
    return [(t - frames[0][0], jpeg) for t, jpeg in frames]


def _finish(socket: WebSocketTestSession) -> dict[str, Any]:
    socket.send_text(json.dumps({"type": "finish"}))
    finished: dict[str, Any] = socket.receive_json()
    assert finished["type"] == "finished"
    return finished


def _uninterrupted(redis_url: str, frames: Frames) -> dict[str, Any]:
    with _app(redis_url) as client, _connect(client) as socket:
        socket.receive_json()
        _send(socket, frames)
        return _finish(socket)


def _thirds(frames: Frames) -> list[Frames]:
    third = len(frames) // 3
    return [frames[:third], frames[third : 2 * third], frames[2 * third :]]


@pytest.mark.redis
def test_a_set_dropped_on_one_process_goes_on_on_another_as_if_never_dropped(
    redis_url: str, squat_frames: Frames
) -> None:
    whole = _uninterrupted(redis_url, squat_frames)
    assert whole["reps"] == SQUATS.truth.reps
    first, second, last = _thirds(squat_frames)
    with _app(redis_url) as a, _app(redis_url) as b:
        with _connect(a) as socket:
            set_id = socket.receive_json()["set_id"]
            after_first = _send(socket, first)["reps"]
        with _connect(b, set_id) as socket:
            opened = socket.receive_json()
            assert opened == {"type": "set", "set_id": set_id, "reps": after_first, "hold_s": 0.0}
            after_second = _send(socket, _new_page(second))["reps"]
        assert 0 < after_first < after_second < SQUATS.truth.reps
        # Back on the first process, which saw the set before: what Redis holds wins.
        with _connect(a, set_id) as socket:
            assert socket.receive_json()["reps"] == after_second
            _send(socket, _new_page(last))
            finished = _finish(socket)
    assert finished == whole


@pytest.mark.redis
def test_a_sets_keys_last_the_resume_window_from_its_last_frame(
    redis_url: str, db: Redis, squat_frames: Frames
) -> None:
    with _app(redis_url) as client, _connect(client) as socket:
        set_id = socket.receive_json()["set_id"]
        _send(socket, squat_frames[:5])
        keys = sorted(key.decode() for key in db.keys(SET_KEYS))
        assert keys == [f"backchain:live:{set_id}:frames", f"backchain:live:{set_id}:meta"]
        assert db.llen(keys[0]) == 5
        assert db.hget(keys[1], "exercise") == b"squat"
        for key in keys:
            assert 0 < db.pttl(key) <= RESUME_WINDOW_S * 1000


@pytest.mark.redis
def test_a_set_resumes_while_frames_come_and_starts_afresh_once_its_keys_expire(
    redis_url: str, db: Redis, squat_frames: Frames, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_sets, "RESUME_WINDOW_S", SHORT_WINDOW_S)
    frames = squat_frames[:12]
    with _app(redis_url) as client:
        with _connect(client) as socket:
            set_id = socket.receive_json()["set_id"]
            for frame in frames:  # for longer than the window: each frame renews it
                _send(socket, [frame])
                time.sleep(SHORT_WINDOW_S / 8)
        with _connect(client, set_id) as socket:
            assert socket.receive_json()["set_id"] == set_id
        time.sleep(SHORT_WINDOW_S * 1.5)
        assert db.keys(SET_KEYS) == []
        with _connect(client, set_id) as socket:
            fresh = socket.receive_json()
    assert fresh["set_id"] != set_id
    assert fresh["reps"] == 0


@pytest.mark.redis
def test_finishing_a_set_deletes_its_keys(redis_url: str, db: Redis, squat_frames: Frames) -> None:
    with _app(redis_url) as client:
        with _connect(client) as socket:
            set_id = socket.receive_json()["set_id"]
            _send(socket, squat_frames[:5])
            assert len(db.keys(SET_KEYS)) == 2
            _finish(socket)
            assert db.keys(SET_KEYS) == []
        with _connect(client, set_id) as socket:
            assert socket.receive_json()["set_id"] != set_id


@pytest.mark.redis
def test_a_set_counts_on_while_redis_is_away_and_is_written_again_when_it_is_back(
    redis_url: str,
    redis_server: Any,
    db: Redis,
    squat_frames: Frames,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live_sets, "REDIS_RETRY_S", 0.0)  # try Redis again on the next frame
    whole = _uninterrupted(redis_url, squat_frames)
    first, second, last = _thirds(squat_frames)
    with _app(redis_url) as a, _app(redis_url) as b:
        with _connect(a) as socket:
            set_id = socket.receive_json()["set_id"]
            before = _send(socket, first)["reps"]
            redis_server.stop(kill=True)
            try:
                assert _send(socket, second)["reps"] > before  # counted all the same
            finally:
                redis_server.start()
            _send(socket, last)
        assert db.llen(f"backchain:live:{set_id}:frames") == len(squat_frames)
        with _connect(b, set_id) as socket:
            assert socket.receive_json()["reps"] == whole["reps"]
            finished = _finish(socket)
    assert finished == whole
