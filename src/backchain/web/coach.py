"""The live coach: the page, and a WebSocket that counts reps from webcam frames as they arrive.

Protocol (one WebSocket per connection, `/coach/ws?exercise=ID[&set=SET_ID]`):
- server -> client first: {"type": "set", "set_id", "reps", "hold_s"}; a known set id (within
  `RESUME_WINDOW_S` of its last frame) resumes that set, otherwise a new set starts. When
  `Config.max_live_sets` connections are open already, it is {"type": "busy", "message"}
  instead, and the server closes the connection (code 1013, try again later).
- client -> server: binary messages, an 8-byte little-endian float64 client time in seconds
  followed by a JPEG of at most `Config.max_frame_kb` KB and `Config.max_frame_pixels` pixels;
  or the text {"type": "finish"}.
- server -> client per frame: {"type": "frame", "reps", "hold_s", "cue", "say", "rep",
  "landmarks", "done"}: `say` is what to speak now (the count as a rep completes, then the rep's
  fault in a few words or praise) or null; `rep` is null, or {"index", "hold_s", "faults": [{"id",
  "cue"}]} on the frame a rep is judged. For finish: {"type": "finished", "reps", "summary" (one
  {"index", "hold_s", "faults"} per rep), "faults", "save_url"}, the set analysed as a file of
  its frames would be. For anything malformed or too big: {"type": "warning", "message"}, and
  the connection stays open.

A frame's byte size is checked as it arrives and its pixel size from the JPEG header, so an
oversized frame is never decoded. Frames are decoded and read by a pose model on the threads of
a `PosePool` (made with the app, one model per thread for every connection), never on the event
loop, and dropped; the set's landmarks stay (`motion.live.LiveSet`), and each frame is kept
where a reconnect to any web process finds it (`web.live_sets`: Redis when configured).
"""

import asyncio
import io
import json
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
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
from backchain.motion.estimators import PoseEstimator
from backchain.motion.live import IDLE_END_S, Frame, LiveSet
from backchain.motion.live_pool import PosePool, PoseStream
from backchain.motion.poses import Pose
from backchain.web.analysis import SESSION_LOG_URL, quiet_pose
from backchain.web.errors import NotFoundError
from backchain.web.live_sets import LiveSetStore, live_sets
from backchain.web.templating import templates

__all__ = ["Coach", "LiveSet", "router"]

FRAME_GAP_S = 1 / 15  # the time put between the last frame of a set and a resumed stream's first
_HEADER = struct.Struct("<d")  # the client's timestamp in seconds before each JPEG
SET_ID = r"^[A-Za-z0-9_-]{1,32}$"  # what `LiveSet.new` makes; anything else is no set of ours
TRY_AGAIN_LATER = 1013  # the WebSocket close code for a server too busy to serve one more

_NOT_JPEG = "Frame ignored: it is not a JPEG image."

FloatArray = npt.NDArray[np.float64]


class BadMessage(BackchainError):
    """A message the coach cannot use; the text is sent back as a warning."""


@dataclass
class Coach:
    """The live coach's part of the app: its sets, its pose threads and its open connections."""

    config: Config
    sets: LiveSetStore
    poses: PosePool
    connections: int = 0  # counted on the event loop only, so without a lock


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The app's own lifespan runs first and sets `app.state.config`.
    config: Config = app.state.config
    app.state.coach = Coach(
        config,
        live_sets(config),
        PosePool(config.pose_threads, getattr(app.state, "pose_factory", quiet_pose)),
    )
    try:
        yield
    finally:
        await asyncio.to_thread(app.state.coach.poses.close)
        await app.state.coach.sets.aclose()


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
    set_id: Annotated[str | None, Query(alias="set", pattern=SET_ID)] = None,
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
        live = await coach.sets.open(exercise, set_id)
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
                await coach.sets.close(live)
                finished = await asyncio.to_thread(live.finish)
                finished["save_url"] = _save_url(live.exercise, finished)
                await socket.send_json(finished)
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
            reply = live.update(t, pose, size)
            await coach.sets.record(live, Frame(t, pose, size))
            await socket.send_json(reply)
        except BadMessage as bad:
            await socket.send_json({"type": "warning", "message": str(bad)})


def _save_url(exercise: str, finished: dict[str, Any]) -> str:
    """The session log's form, filled in with the set's reps and faults."""
    faults = f"&faults={','.join(finished['faults'])}" if finished["faults"] else ""
    return f"{SESSION_LOG_URL.format(exercise=exercise)}?reps={finished['reps']}{faults}"


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
