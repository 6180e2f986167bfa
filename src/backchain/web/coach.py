"""The live coach: the page, and a WebSocket that counts reps from webcam frames as they arrive.

Protocol (one WebSocket per connection, `/coach/ws?exercise=ID[&set=SET_ID]`):
- server -> client first: {"type": "set", "set_id", "reps", "hold_s"}; a known set id (within
  `RESUME_WINDOW_S` of its last frame) resumes that set, otherwise a new set starts. When
  `Config.max_live_sets` connections are open already, it is {"type": "busy", "message"}
  instead, and the server closes the connection (code 1013, try again later).
- client -> server: binary messages, an 8-byte little-endian float64 client time in seconds
  followed by a JPEG of at most `Config.max_frame_kb` KB and `Config.max_frame_pixels` pixels;
  or the text {"type": "finish"}.
- server -> client per frame: {"type": "frame", "reps", "hold_s", "cue", "landmarks", "done"};
  for finish: {"type": "finished", "reps", "save_url"}; for anything malformed or too big:
  {"type": "warning", "message"}, and the connection stays open.

A frame's byte size is checked as it arrives and its pixel size from the JPEG header, so an
oversized frame is never decoded. Frames are decoded and read by a pose model on the threads of
a `PosePool` (made with the app, one model per thread for every connection), never on the event
loop, and dropped; only landmarks of the last seconds stay.
"""

import asyncio
import io
import json
import secrets
import struct
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any

import cv2
import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Depends, FastAPI, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from PIL import Image

from backchain.config import Config
from backchain.errors import BackchainError, CatalogueError
from backchain.exercises import Catalogue, Exercise, load_catalogue
from backchain.motion.analysis import HOLD_EXERCISES, MIN_AMPLITUDE, VideoSummary, analyze
from backchain.motion.counting import CounterConfig, RepCounter
from backchain.motion.estimators import PoseEstimator
from backchain.motion.live_pool import PosePool, PoseStream
from backchain.motion.measures import Measures
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.rules import View
from backchain.motion.setup import check_setup, view_of
from backchain.motion.signals import SIGNALS, SMOOTH_S
from backchain.web.analysis import SESSION_LOG_URL, quiet_pose
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = ["Coach", "LiveSet", "router"]

SIGNAL_WINDOW_S = 3.0  # landmarks kept to compute the phase signal (torso length is a median)
RULES_WINDOW_S = 8.0  # landmarks kept to check the form of the rep just finished
IDLE_END_S = 10.0  # a set with reps ends after this long without movement
MOVE_WINDOW_S = 1.0  # movement is the signal's range over this long ...
MOVE_FRACTION = 0.25  # ... above this share of the exercise's minimum rep amplitude
HOLD_MAX_SPEED = 0.15  # torso lengths a second: slower than this at the top is holding still
SPEED_SPAN_S = 0.4  # speed is measured across this long, so frame jitter does not read as moving
# A rep is over (its hold ended, its form can be judged) once the signal falls this share of the
# exercise's minimum amplitude below its peak since the count.
TOP_DROP_FRACTION = 0.35
CUE_SHOW_S = 3.0  # a fault's cue stays up this long after its rep
SETUP_WINDOW_S = 1.0  # the camera set-up is judged on the last second, as a file is on all of it
RESUME_WINDOW_S = 60.0  # a dropped connection may resume its set within this long
FRAME_GAP_S = 1 / 15  # the time put between the last frame of a set and a resumed stream's first
_HEADER = struct.Struct("<d")  # the client's timestamp in seconds before each JPEG
TRY_AGAIN_LATER = 1013  # the WebSocket close code for a server too busy to serve one more

_NOT_JPEG = "Frame ignored: it is not a JPEG image."

FloatArray = npt.NDArray[np.float64]


class BadMessage(BackchainError):
    """A message the coach cannot use; the text is sent back as a warning."""


@dataclass
class LiveSet:
    """One set being counted live: the counter's state outlives a dropped connection."""

    id: str
    exercise: str
    counter: RepCounter
    poses: deque[tuple[float, Pose | None]] = field(default_factory=deque)
    raw: deque[tuple[float, float]] = field(default_factory=deque)  # phase signal, last SMOOTH_S
    smooth: deque[tuple[float, float]] = field(
        default_factory=deque
    )  # smoothed, last MOVE_WINDOW_S
    size: tuple[int, int] = (0, 0)
    last_t: float | None = None
    last_move_t: float | None = None
    peak: float | None = None  # the signal's peak since the last count; None once the rep is over
    hold_from: float | None = None
    fault_ids: list[str] = field(default_factory=list)
    fault_cue: tuple[str, float] | None = None  # the latest fault's cue and its rep's time
    seen: float = field(default_factory=time.monotonic)

    @classmethod
    def new(cls, exercise: str) -> "LiveSet":
        config = CounterConfig(MIN_AMPLITUDE[exercise])
        return cls(secrets.token_urlsafe(9), exercise, RepCounter(config))

    @property
    def reps(self) -> int:
        return self.counter.count

    def update(self, t: float, pose: Pose | None, size: tuple[int, int]) -> dict[str, Any]:
        """Take one frame's pose at set time `t`; the reply for the client."""
        self.size, self.last_t, self.seen = size, t, time.monotonic()
        self._remember(t, pose)
        value = self._smoothed(t, self._signal())
        if self.counter.update(t, value) is not None:
            if self.peak is not None:  # counted again before falling far: judge the last one now
                self._check_form(t)
            self.peak, self.hold_from = value, None
        hold = self._hold(t, value)
        return {
            "type": "frame",
            "reps": self.reps,
            "hold_s": round(hold, 1),
            "cue": self._cue(t, pose),
            "landmarks": _landmarks(pose),
            "done": self._idle(t, value) and hold == 0.0,
        }

    def finish(self) -> dict[str, Any]:
        """End the set: judge a rep still at the top; the reply with the session log's link."""
        if self.peak is not None and self.last_t is not None:
            self._check_form(self.last_t)
            self.peak = None
        return {"type": "finished", "reps": self.reps, "save_url": self.save_url()}

    def save_url(self) -> str:
        faults = f"&faults={','.join(self.fault_ids)}" if self.fault_ids else ""
        return f"{SESSION_LOG_URL.format(exercise=self.exercise)}?reps={self.reps}{faults}"

    def _remember(self, t: float, pose: Pose | None) -> None:
        self.poses.append((t, pose))
        while self.poses[0][0] < t - RULES_WINDOW_S:
            self.poses.popleft()

    def _sequence(self, since: float) -> PoseSequence:
        recent = [(t, p) for t, p in self.poses if t >= since]
        return PoseSequence.from_poses([t for t, _ in recent], [p for _, p in recent], self.size)

    def _signal(self) -> float:
        t = self.poses[-1][0]
        if self.poses[-1][1] is None:
            return float("nan")
        values = SIGNALS[self.exercise](self._sequence(t - SIGNAL_WINDOW_S))
        return float(values[-1])

    def _smoothed(self, t: float, value: float) -> float:
        """A trailing average over the analysis' smoothing window (live, nothing comes after)."""
        if not np.isfinite(value):
            return float("nan")
        self.raw.append((t, value))
        while self.raw[0][0] < t - SMOOTH_S:
            self.raw.popleft()
        smoothed = float(np.mean([v for _, v in self.raw]))
        self.smooth.append((t, smoothed))
        while self.smooth[0][0] < t - MOVE_WINDOW_S:
            self.smooth.popleft()
        return smoothed

    def _hold(self, t: float, value: float) -> float:
        """Seconds held still at the top of the current rep; its form is judged once it is over."""
        if self.peak is None or not np.isfinite(value):
            return 0.0
        self.peak = max(self.peak, value)
        if value < self.peak - TOP_DROP_FRACTION * self.counter.config.min_amplitude:
            self._check_form(t)
            self.peak, self.hold_from = None, None
            return 0.0
        if self.exercise not in HOLD_EXERCISES:
            return 0.0
        speed = self._speed(t)
        if speed is not None and speed > HOLD_MAX_SPEED:
            self.hold_from = None
        elif self.hold_from is None:
            self.hold_from = t
        return 0.0 if self.hold_from is None else t - self.hold_from

    def _speed(self, t: float) -> float | None:
        recent = [(ti, v) for ti, v in self.smooth if ti >= t - SPEED_SPAN_S]
        if len(recent) < 2 or recent[-1][0] == recent[0][0]:
            return None
        return abs(recent[-1][1] - recent[0][1]) / (recent[-1][0] - recent[0][0])

    def _idle(self, t: float, value: float) -> bool:
        values = [v for _, v in self.smooth]
        moving = (
            bool(values)
            and max(values) - min(values) > MOVE_FRACTION * self.counter.config.min_amplitude
        )
        if np.isfinite(value) and moving:
            self.last_move_t = t
        if self.last_move_t is None:
            self.last_move_t = t
        return self.reps > 0 and t - self.last_move_t >= IDLE_END_S

    def _check_form(self, t: float) -> None:
        """Run the form rules over the last few seconds; keep the faults of the newest rep."""
        seq = self._sequence(t - RULES_WINDOW_S)
        duration = float(seq.t[-1] - seq.t[0]) if len(seq) > 1 else 0.0
        fps = (len(seq) - 1) / duration if duration > 0 else 0.0
        report = analyze(seq, self.exercise, video=VideoSummary(duration, fps, len(seq)))
        if not report.rep_details:
            return
        last = report.rep_details[-1]
        for fault in report.faults:
            if fault.rep == last.index:
                self.fault_cue = (fault.cue, t)
                if fault.id not in self.fault_ids:
                    self.fault_ids.append(fault.id)

    def _cue(self, t: float, pose: Pose | None) -> str:
        """One cue at a time: a set-up problem first, then the latest fault, then the view."""
        if pose is None:
            return "Step into the picture: your whole body, side-on to the camera."
        recent = Measures(self._sequence(t - SETUP_WINDOW_S))
        problems = check_setup(recent).warnings
        if problems:
            return problems[0]
        if self.fault_cue is not None and t - self.fault_cue[1] <= CUE_SHOW_S:
            return self.fault_cue[0]
        if view_of(recent) is View.FRONT:
            return "Turn side-on to the camera so every form check can see you."
        return ""


def _landmarks(pose: Pose | None) -> list[list[float]]:
    if pose is None:
        return []
    rows = np.column_stack([pose.image[:, :2], pose.visibility])
    return [[round(float(v), 3) for v in row] for row in rows]


class LiveSets:
    """Sets by id, kept `RESUME_WINDOW_S` after their last frame so a reconnect can resume."""

    def __init__(self) -> None:
        self.sets: dict[str, LiveSet] = {}

    def open(self, exercise: str, set_id: str | None) -> LiveSet:
        self._expire()
        known = self.sets.get(set_id or "")
        if known is not None and known.exercise == exercise:
            known.seen = time.monotonic()
            return known
        live = LiveSet.new(exercise)
        self.sets[live.id] = live
        return live

    def close(self, live: LiveSet) -> None:
        self.sets.pop(live.id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self.sets.items() if now - s.seen > RESUME_WINDOW_S]:
            del self.sets[key]


@dataclass
class Coach:
    """The live coach's part of the app: its sets, its pose threads and its open connections."""

    config: Config
    sets: LiveSets
    poses: PosePool
    connections: int = 0  # counted on the event loop only, so without a lock


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The app's own lifespan runs first and sets `app.state.config`.
    config: Config = app.state.config
    app.state.coach = Coach(config, LiveSets(), PosePool(config.pose_threads, getattr(app.state, "pose_factory", quiet_pose)))
    try:
        yield
    finally:
        await asyncio.to_thread(app.state.coach.poses.close)


router = APIRouter(prefix="/coach", tags=["coach"], lifespan=_lifespan)
CatalogueDep = Annotated[Catalogue, Depends(load_catalogue)]


def _exercise(catalogue: Catalogue, exercise_id: str) -> Exercise:
    try:
        return catalogue.get(exercise_id)
    except CatalogueError as error:
        raise NotFoundError(
            title="Exercise not found",
            detail=f"There is no exercise called “{exercise_id}” to coach; choose one from the library.",
        ) from error


@router.get("", response_class=HTMLResponse)
def coach_page(request: Request, catalogue: CatalogueDep, exercise: str = "squat") -> HTMLResponse:
    """Camera set-up guidance, then the live count."""
    context = {"exercise": _exercise(catalogue, exercise), "idle_s": IDLE_END_S}
    return templates.TemplateResponse(request, "coach.html", context)


@router.websocket("/ws")
async def coach_socket(
    socket: WebSocket,
    exercise: str = "",
    set_id: Annotated[str | None, Query(alias="set")] = None,
) -> None:
    try:
        load_catalogue().get(exercise)
    except CatalogueError:
        await socket.close(code=1008, reason="unknown exercise")
        return
    coach: Coach = socket.app.state.coach
    await socket.accept()
    if coach.connections >= coach.config.max_live_sets:
        await socket.send_json({"type": "busy", "message": _busy(coach.config.max_live_sets)})
        await socket.close(code=TRY_AGAIN_LATER, reason="live coach busy")
        return
    coach.connections += 1
    try:
        live = coach.sets.open(exercise, set_id)
        await socket.send_json({"type": "set", "set_id": live.id, "reps": live.reps, "hold_s": 0.0})
        with coach.poses.stream() as poses:
            await _serve(socket, coach, live, poses)
    except WebSocketDisconnect:
        pass  # the set stays for RESUME_WINDOW_S
    finally:
        coach.connections -= 1


def _busy(limit: int) -> str:
    windows = "another window; close it" if limit == 1 else f"{limit} windows; close one"
    return f"The live coach is already in use in {windows} and press Coach me again."


async def _serve(socket: WebSocket, coach: Coach, live: LiveSet, poses: PoseStream) -> None:
    offset: float | None = None  # client time -> set time, so a resumed stream keeps going forward
    while True:
        message = await socket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        try:
            if message.get("text") is not None:
                _finish_request(message["text"])
                coach.sets.close(live)
                await socket.send_json(live.finish())
                continue
            client_t, jpeg = _split(message.get("bytes") or b"", coach.config.max_frame_bytes)
            if offset is not None:
                t = client_t + offset
            else:
                t = 0.0 if live.last_t is None else live.last_t + FRAME_GAP_S
            if live.last_t is not None and t <= live.last_t:
                raise BadMessage("Frame skipped: its time is not after the previous frame's.")
            limit = coach.config.max_frame_pixels
            pose, size = await poses.run(partial(_read_pose, jpeg=jpeg, t=t, max_pixels=limit))
            offset = t - client_t
            await socket.send_json(live.update(t, pose, size))
        except BadMessage as bad:
            await socket.send_json({"type": "warning", "message": str(bad)})


def _finish_request(text: str) -> None:
    try:
        message = json.loads(text)
    except json.JSONDecodeError:
        raise BadMessage('Message ignored: text must be JSON like {"type": "finish"}.') from None
    if not isinstance(message, dict) or message.get("type") != "finish":
        raise BadMessage('Message ignored: the only text message is {"type": "finish"}.')


def _split(data: bytes, max_bytes: int) -> tuple[float, memoryview]:
    """The client's timestamp and the JPEG's bytes (not copied), refused when too big to read."""
    if len(data) <= _HEADER.size:
        raise BadMessage("Frame ignored: a frame is an 8-byte time followed by a JPEG.")
    (client_t,) = _HEADER.unpack_from(data)
    if not np.isfinite(client_t):
        raise BadMessage("Frame ignored: its time is not a number.")
    jpeg = memoryview(data)[_HEADER.size :]
    if len(jpeg) > max_bytes:
        raise BadMessage(
            f"Frame ignored: at {_kb(len(jpeg))} KB it is larger than the {_kb(max_bytes)} KB "
            "the coach reads; send smaller frames."
        )
    return float(client_t), jpeg


def _read_pose(
    model: PoseEstimator, *, jpeg: memoryview, t: float, max_pixels: int
) -> tuple[Pose | None, tuple[int, int]]:
    """On a pose thread: the frame's pose and size. The JPEG is decoded only once its header
    shows it within `max_pixels`, and no copy of it is kept."""
    size = _jpeg_size(jpeg)
    if size is None or size[0] * size[1] > max_pixels:
        shown = "its header claims" if size is None else f"at {size[0]} × {size[1]} it has"
        raise BadMessage(
            f"Frame ignored: {shown} more than {max_pixels:,} pixels; send smaller frames."
        )
    bgr = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise BadMessage(_NOT_JPEG)
    rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    return model.estimate(rgb, t), (rgb.shape[1], rgb.shape[0])


def _jpeg_size(jpeg: memoryview) -> tuple[int, int] | None:
    """Width and height from the JPEG's header (Pillow reads no pixels until asked to); None
    for a header claiming so many pixels that Pillow refuses it outright."""
    try:
        with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        return None
    except (OSError, SyntaxError, ValueError):  # what Pillow raises for a broken header
        raise BadMessage(_NOT_JPEG) from None
    return width, height


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f}"
