"""Reading video files: metadata, and upright RGB frames at the rate and size analysis needs.

PyAV (FFmpeg) gives the container's own timestamps, so variable frame rates keep their true
times, and the rotation a phone records is applied so every frame is upright.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

from backchain.errors import VideoError

__all__ = ["MAX_FRAME_RATE", "Frame", "VideoInfo", "probe", "probe_duration", "read_frames"]

# A small tolerance so a frame exactly on the sampling grid is not skipped by float noise.
_GRID_TOLERANCE_S = 1e-4
# Frames ending this long before the duration the container states mean a cut-short file: FFmpeg
# just stops at the end of what was copied, so without this a half download analyses as half a set.
TRUNCATED_GAP_S = 1.0  # s: frames ending this long before the stated duration mean a cut-off file
# A video's length as the decoder will feel it: frames packed closer than this in time count as
# more video, so timestamps squeezed together cannot hide a file that takes long to decode.
MAX_FRAME_RATE = 240.0  # frames/s: phones' slow motion films at up to 240 a second
# A frame shown before a given time is read before this many frames shown after it have been.
_REORDER_FRAMES = 16  # frames: the most H.264 and HEVC hold back to put frames in display order

_SkipFrame = Literal["DEFAULT", "NONREF"]  # the decoder skip_frame values used here


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about the video; width and height are of the upright picture."""

    duration_s: float
    fps: float
    frames: int
    width: int
    height: int
    rotation: int  # degrees the stored picture is turned to show it upright


@dataclass(frozen=True)
class Frame:
    t: float  # seconds from the first frame
    rgb: npt.NDArray[np.uint8]  # (H, W, 3), upright


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoError(f"{path}: no such file; check the path.")
    if not path.is_file():
        raise VideoError(f"{path} is not a file; give the path of a video file.")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as error:
        raise VideoError(
            f"{path} is not a video Backchain can read ({_reason(error)}); "
            "try an .mp4, .mov or .webm file."
        ) from None
    if not container.streams.video:
        container.close()
        raise VideoError(f"{path} has no video track; give a video file.")
    return container


def _reason(error: Exception) -> str:
    text = getattr(error, "strerror", None) or str(error)
    return text.split(":")[-1].strip().rstrip(".") or "unknown format"


def probe(path: Path) -> VideoInfo:
    """Duration, frame rate, frame count and upright size; VideoError when it cannot be read."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        first = _first_frame(container, path)
        rotation = int(getattr(first, "rotation", 0) or 0) % 360
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 30.0
        duration = _duration_s(container, stream)
        frames = stream.frames or round(duration * fps)
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(duration, fps, max(frames, 1), width, height, rotation)
    finally:
        container.close()


def probe_duration(path: Path, *, stop_after_s: float | None = None) -> float:
    """The video's length in seconds, from the container alone: no frame is decoded.

    The longest of the duration the header states, the span of the packets' timestamps, and
    the packet count at `MAX_FRAME_RATE` (or at the stream's rate when packets carry no times),
    so a header that understates the length or has none does not hide it. Packets are read
    to the end, unless their count alone passes `stop_after_s` (at `MAX_FRAME_RATE`): that
    bounds the work on a file of countless tiny frames. VideoError when there is nothing to read.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        length = _duration_s(container, stream)
        if stop_after_s is None or length <= stop_after_s:
            length = max(length, _packets_s(container, stream, stop_after_s))
    except av.error.FFmpegError as error:
        raise VideoError(f"{path} is corrupt or truncated ({_reason(error)}).") from None
    finally:
        container.close()
    if length <= 0:
        raise VideoError(f"{path} has no frames to analyse.")
    return length


def _packets_s(
    container: av.container.InputContainer, stream: av.VideoStream, stop_after_s: float | None
) -> float:
    """How long the stream's packets last, read without decoding them (see `probe_duration`)."""
    base = float(stream.time_base or 0)
    rate = float(stream.average_rate or stream.guessed_rate or 0) or MAX_FRAME_RATE
    first: int | None = None
    last = count = 0
    for packet in container.demux(stream):
        if packet.size == 0:  # the empty packet that flushes the decoder at the end
            continue
        count += 1
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is not None and base:
            first = stamp if first is None else min(first, stamp)
            last = max(last, stamp + (packet.duration or 0))
        if stop_after_s is not None and count / MAX_FRAME_RATE > stop_after_s:
            break  # too long whatever the times say: no need to read on
    timed = (last - first) * base if first is not None else count / rate
    return max(timed, count / MAX_FRAME_RATE)


def _first_frame(container: av.container.InputContainer, path: Path) -> av.VideoFrame:
    try:
        for frame in container.decode(video=0):
            return frame
    except av.error.FFmpegError as error:
        raise VideoError(f"{path} is corrupt or truncated ({_reason(error)}).") from None
    raise VideoError(f"{path} has no frames to analyse.")


def _duration_s(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def read_frames(
    path: Path,
    *,
    max_fps: float | None,
    max_width: int | None,
    start_s: float = 0.0,
    end_s: float | None = None,
) -> Iterator[Frame]:
    """Upright RGB frames from `start_s` to `end_s`, at most `max_fps` a second (by
    timestamp) and at most `max_width` pixels on the longer side.

    Inter-frame codecs need every frame that others are predicted from, so those are always
    decoded; a frame nothing is predicted from is decoded only when sampling takes it (see
    `_sampled_stamps`). Frames between sampling times are never converted to RGB.
    """
    step_s = 1.0 / max_fps if max_fps else 0.0
    container = _open(path)
    try:
        sampled = _sampled_stamps(path, step_s, start_s, end_s) if step_s else None
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # frame and slice threads inside FFmpeg
        origin = _origin(stream)
        _seek(container, stream, origin, start_s)
        sampler = _Sampler(start_s, step_s)
        scaler = VideoReformatter()  # set up on the first frame, reused for the rest
        decoder = stream.codec_context
        last_t: float | None = None  # the latest frame read, decoded or passed over
        for packet in container.demux(stream):
            decoder.skip_frame = _skip(packet.pts, sampled)
            if packet.pts is not None:
                read_t = _seconds(packet.pts, stream) - origin
                last_t = read_t if last_t is None else max(last_t, read_t)
            for frame in packet.decode():
                if frame.time is None:
                    continue
                t = frame.time - origin
                if end_s is not None and t >= end_s:
                    return
                if sampler.takes(t):
                    yield Frame(t, _upright_rgb(frame, max_width, scaler))
        _check_complete(path, start_s, last_t, _duration_s(container, stream))
    except av.error.FFmpegError as error:
        raise VideoError(f"{path} is corrupt or truncated ({_reason(error)}).") from None
    finally:
        container.close()


class _Sampler:
    """Takes the first frame at or after each sampling time, `step_s` apart from `start_s`;
    frames are given in display order. A step of 0 takes every frame."""

    def __init__(self, start_s: float, step_s: float) -> None:
        self._next_s = start_s
        self._step_s = step_s

    def takes(self, t: float) -> bool:
        if t + _GRID_TOLERANCE_S < self._next_s:
            return False
        self._next_s = max(self._next_s + self._step_s, t) if self._step_s else t
        return True


def _sampled_stamps(path: Path, step_s: float, start_s: float, end_s: float | None) -> set[int]:
    """The timestamps (in the stream's time base) of the frames `read_frames` will take, found
    from the packets alone: the same seek, and `_Sampler` over the packets in display order."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        origin = _origin(stream)
        _seek(container, stream, origin, start_s)
        stamps: list[int] = []
        past_end = 0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            if end_s is None or _seconds(packet.pts, stream) - origin < end_s:
                stamps.append(packet.pts)
                continue
            past_end += 1
            if past_end > _REORDER_FRAMES:
                break  # every frame shown before end_s has been read by now
        sampler = _Sampler(start_s, step_s)
        return {pts for pts in sorted(stamps) if sampler.takes(_seconds(pts, stream) - origin)}
    finally:
        container.close()


def _skip(pts: int | None, sampled: set[int] | None) -> _SkipFrame:
    """The decoder's skip_frame for the frame stamped `pts`: one that sampling will not take
    may be passed over when no other frame is predicted from it ("NONREF")."""
    if sampled is None or pts is None or pts in sampled:
        return "DEFAULT"
    return "NONREF"


def _origin(stream: av.VideoStream) -> float:
    """The stream's first timestamp in seconds: frame times are counted from it."""
    base = stream.time_base
    return float(stream.start_time * base) if stream.start_time and base else 0.0


def _seek(
    container: av.container.InputContainer, stream: av.VideoStream, origin: float, start_s: float
) -> None:
    """To the last keyframe at or before `start_s`; decoding from there reaches it."""
    base = stream.time_base
    if start_s > 0 and base is not None:
        container.seek(int((origin + start_s) / base), stream=stream)


def _seconds(pts: int, stream: av.VideoStream) -> float:
    """A timestamp in seconds, computed as PyAV computes a frame's `time`."""
    base = stream.time_base
    return float(pts) * base.numerator / base.denominator if base else 0.0


def _check_complete(path: Path, start_s: float, last_t: float | None, duration_s: float) -> None:
    """VideoError when the frames ran out well before the stated duration (0: unknown)."""
    reached = start_s if last_t is None else last_t  # None: nothing at all after the seek
    if not duration_s or duration_s - reached <= TRUNCATED_GAP_S:
        return
    raise VideoError(
        f"{path} is truncated: it should last {duration_s:.1f} s but its frames stop "
        f"{'before' if last_t is None else 'at'} {reached:.1f} s; copy or download it again."
    )


def _upright_rgb(
    frame: av.VideoFrame, max_width: int | None, scaler: VideoReformatter
) -> npt.NDArray[np.uint8]:
    rotation = int(getattr(frame, "rotation", 0) or 0) % 360
    longer = max(frame.width, frame.height)
    scale = 1.0 if not max_width or longer <= max_width else max_width / longer
    width = max(2, round(frame.width * scale)) // 2 * 2
    height = max(2, round(frame.height * scale)) // 2 * 2
    # Scaled in libswscale straight from the decoder's YUV, on one thread: both cores are busy.
    small = scaler.reformat(frame, width=width, height=height, format="rgb24", threads=1)
    rgb = np.asarray(small.to_ndarray(), dtype=np.uint8)
    if rotation:
        # FFmpeg's rotation is counter-clockwise; np.rot90 turns counter-clockwise for k > 0.
        rgb = np.ascontiguousarray(np.rot90(rgb, k=rotation // 90))
    return rgb
