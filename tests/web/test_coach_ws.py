"""The live coach's WebSocket: frames counted as they arrive, bad messages answered with a
warning, a dropped connection resumed by its set id.

The pose model is a `FakeEstimator` playing a synthetic set back (the live coach's journey in
Chromium runs the real model on a real clip): the camera's frames carry the set's times, and
the coach's set time starts at 0 with the first frame, as the set's own does.
"""

import json
import struct
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from app_client import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect
from video_kit import FRAME_SIZE, SQUATS, camera_frames, plays

from backchain.motion.analysis import VideoSummary, analyze
from backchain.motion.synthetic import generate
from backchain.web.app import create_app

HOLD_S = 2.0  # at the top of each bridge
BRIDGES = generate("glute_bridge", seed=4, reps=3, hold_s=HOLD_S, jitter=2.0, size=FRAME_SIZE)


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app, its pose models playing the squat set."""
    with TestClient(create_app(pose_factory=plays(SQUATS.sequence))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def squat_frames() -> list[tuple[float, bytes]]:
    """The squat set as the page would send it: JPEGs with their times."""
    return camera_frames(SQUATS.sequence)


def _message(t: float, jpeg: bytes) -> bytes:
    return struct.pack("<d", t) + jpeg


def _send_frames(socket: WebSocketTestSession, frames: list[tuple[float, bytes]]) -> dict[str, Any]:
    reply: dict[str, Any] = {}
    for t, jpeg in frames:
        socket.send_bytes(_message(t, jpeg))
        reply = socket.receive_json()
        assert reply["type"] == "frame", reply
    return reply


def test_a_squat_set_is_counted_live_and_finishes_with_a_link(
    client: TestClient, squat_frames: list[tuple[float, bytes]]
) -> None:
    with client.websocket_connect("/coach/ws?exercise=squat") as socket:
        opened = socket.receive_json()
        assert opened["type"] == "set"
        assert opened["reps"] == 0
        last = _send_frames(socket, squat_frames)
        assert last["reps"] == SQUATS.truth.reps
        assert len(last["landmarks"]) == 33
        assert all(len(point) == 3 for point in last["landmarks"])
        socket.send_text(json.dumps({"type": "finish"}))
        finished = socket.receive_json()
    assert finished["type"] == "finished"
    assert finished["reps"] == SQUATS.truth.reps
    assert finished["save_url"].startswith(f"/session/for/squat?reps={SQUATS.truth.reps}")


@pytest.mark.parametrize(
    ("send", "warning"),
    [
        (lambda s: s.send_text("hello?"), "must be JSON"),
        (lambda s: s.send_text('{"type": "pause"}'), "only text message"),
        (lambda s: s.send_bytes(struct.pack("<d", 1.0) + b"not a jpeg at all"), "not a JPEG"),
        (lambda s: s.send_bytes(b"\x01\x02"), "8-byte time"),
        (lambda s: s.send_bytes(struct.pack("<d", float("nan")) + b"x"), "not a number"),
    ],
)
def test_malformed_messages_get_a_warning_and_the_socket_stays_open(
    client: TestClient, squat_frames: list[tuple[float, bytes]], send: Any, warning: str
) -> None:
    with client.websocket_connect("/coach/ws?exercise=squat") as socket:
        socket.receive_json()
        send(socket)
        reply = socket.receive_json()
        assert reply["type"] == "warning"
        assert warning in reply["message"]
        t, jpeg = squat_frames[0]
        socket.send_bytes(_message(t, jpeg))
        assert socket.receive_json()["type"] == "frame"


def test_a_reconnect_with_the_set_id_keeps_the_count(
    client: TestClient, squat_frames: list[tuple[float, bytes]]
) -> None:
    half = len(squat_frames) // 2
    with client.websocket_connect("/coach/ws?exercise=squat") as socket:
        set_id = socket.receive_json()["set_id"]
        before = _send_frames(socket, squat_frames[:half])["reps"]
    assert 0 < before < SQUATS.truth.reps
    # A new page's clock starts again at 0: the server carries the set's time on.
    rest = [(t - squat_frames[half][0], jpeg) for t, jpeg in squat_frames[half:]]
    with client.websocket_connect(f"/coach/ws?exercise=squat&set={set_id}") as socket:
        resumed = socket.receive_json()
        assert resumed == {"type": "set", "set_id": set_id, "reps": before, "hold_s": 0.0}
        assert _send_frames(socket, rest)["reps"] == SQUATS.truth.reps
    with client.websocket_connect("/coach/ws?exercise=squat&set=unknown") as socket:
        fresh = socket.receive_json()
        assert fresh["set_id"] != set_id
        assert fresh["reps"] == 0


@pytest.mark.parametrize("set_id", ["x" * 33, "a:b", "../*"])
def test_a_set_id_the_coach_never_made_is_refused(client: TestClient, set_id: str) -> None:
    """It would name keys in the shared store: only ids of the coach's own form get that far."""
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(f"/coach/ws?exercise=squat&set={quote(set_id)}") as socket,
    ):
        socket.receive_json()
    assert refused.value.code == 1008


def test_the_coach_page_guides_the_set_up_first(client: TestClient) -> None:
    page = client.get("/coach?exercise=glute_bridge")
    assert page.status_code == 200
    assert "whole body" in page.text
    assert ">Coach me<" in page.text
    assert 'role="status" aria-live="polite"' in page.text
    assert client.get("/coach?exercise=handstand").status_code == 404


def test_a_glute_bridge_set_shows_its_holds() -> None:
    holds, reply = [], {}
    app = create_app(pose_factory=plays(BRIDGES.sequence))
    with (
        TestClient(app) as client,
        client.websocket_connect("/coach/ws?exercise=glute_bridge") as socket,
    ):
        socket.receive_json()
        for t, jpeg in camera_frames(BRIDGES.sequence):
            socket.send_bytes(_message(t, jpeg))
            reply = socket.receive_json()
            holds.append(reply["hold_s"])
    assert reply["reps"] == BRIDGES.truth.reps
    # The hold shown as each top ends is the one file analysis measures on the same frames.
    seq = BRIDGES.sequence
    filed = analyze(seq, "glute_bridge", video=VideoSummary(float(seq.t[-1]), 15.0, len(seq)))
    longest = max(rep.hold_s or 0.0 for rep in filed.rep_details)
    assert longest > HOLD_S  # the pause, and the ends of the rise and the lowering
    assert max(holds) == pytest.approx(longest, abs=0.15)
    assert holds[0] == 0.0
