"""The live coach's WebSocket: frames of a real clip counted as they arrive, bad messages
answered with a warning, a dropped connection resumed by its set id."""

import csv
import json
import struct
from pathlib import Path
from typing import Any

import cv2
import pytest
from app_client import TestClient
from starlette.testclient import WebSocketTestSession

from backchain.motion.video import read_frames

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
FPS = 15.0  # what the page sends


def _label(name: str) -> int:
    with (SAMPLES / "labels.tsv").open(newline="") as file:
        rows = {row["file"]: row for row in csv.DictReader(file, delimiter="\t")}
    return int(rows[name]["reps"])


@pytest.fixture(scope="module")
def squat_frames() -> list[tuple[float, bytes]]:
    """squat_02 as the page would send it: 15 fps JPEGs with their times."""
    frames = []
    for frame in read_frames(SAMPLES / "squat_02.mp4", max_fps=FPS, max_width=480):
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR))
        assert ok
        frames.append((frame.t, jpeg.tobytes()))
    return frames


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
        assert last["reps"] == _label("squat_02.mp4")
        assert len(last["landmarks"]) == 33
        assert all(len(point) == 3 for point in last["landmarks"])
        socket.send_text(json.dumps({"type": "finish"}))
        finished = socket.receive_json()
    assert finished["type"] == "finished"
    assert finished["reps"] == 5
    assert finished["save_url"].startswith("/session/for/squat?reps=5")


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
    assert 0 < before < 5
    # A new page's clock starts again at 0: the server carries the set's time on.
    rest = [(t - squat_frames[half][0], jpeg) for t, jpeg in squat_frames[half:]]
    with client.websocket_connect(f"/coach/ws?exercise=squat&set={set_id}") as socket:
        resumed = socket.receive_json()
        assert resumed == {"type": "set", "set_id": set_id, "reps": before, "hold_s": 0.0}
        assert _send_frames(socket, rest)["reps"] == _label("squat_02.mp4")
    with client.websocket_connect("/coach/ws?exercise=squat&set=unknown") as socket:
        fresh = socket.receive_json()
        assert fresh["set_id"] != set_id
        assert fresh["reps"] == 0


def test_the_coach_page_guides_the_set_up_first(client: TestClient) -> None:
    page = client.get("/coach?exercise=glute_bridge")
    assert page.status_code == 200
    assert "whole body" in page.text
    assert ">Coach me<" in page.text
    assert 'role="status" aria-live="polite"' in page.text
    assert client.get("/coach?exercise=handstand").status_code == 404


def test_a_glute_bridge_set_shows_its_holds(client: TestClient) -> None:
    clip = SAMPLES / "glute_bridge_01.mp4"
    holds, reply = [], {}
    with client.websocket_connect("/coach/ws?exercise=glute_bridge") as socket:
        socket.receive_json()
        for frame in read_frames(clip, max_fps=FPS, max_width=480):
            _, jpeg = cv2.imencode(".jpg", cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR))
            socket.send_bytes(_message(frame.t, jpeg.tobytes()))
            reply = socket.receive_json()
            holds.append(reply["hold_s"])
    assert reply["reps"] == _label(clip.name)
    assert max(holds) >= 1.0  # the clip pauses about 2 s at each top
    assert holds[0] == 0.0
