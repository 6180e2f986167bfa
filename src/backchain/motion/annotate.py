"""The annotated video: the skeleton, the rep count and the cue of any fault, drawn on the clip.

Drawing only: the reps and faults come from the `AnalysisReport`, so nothing here counts or
judges. The file is written beside its destination and renamed into place at the end, so a
failure leaves nothing behind.
"""

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import numpy.typing as npt

from backchain.errors import MotionError, VideoError
from backchain.motion.analysis import AnalysisReport
from backchain.motion.landmarks import SKELETON
from backchain.motion.poses import PoseSequence
from backchain.motion.video import read_frames

__all__ = ["ANNOTATE_WIDTH", "FAULT_SHOW_S", "Overlay", "annotate", "draw_overlay", "draw_pose"]

ANNOTATE_WIDTH = 720  # px on the longer side: the skeleton stays clear, encoding stays quick
FAULT_SHOW_S = 0.75  # s either side of a fault's moment that its cue stays on screen
MAX_POSE_GAP_S = 0.2  # s to the nearest analysed frame; further away the skeleton would lag
# x264's "veryfast" encodes three times quicker than its default at a modestly larger file.
X264_OPTIONS = {"preset": "veryfast"}
TIME_SCALE = 90_000  # ticks a second for frame timestamps (MPEG's clock), so VFR times survive
CONFIDENT = 0.65  # visibility at or above: the model sees the landmark clearly
UNSURE = 0.3  # visibility at or above (and below CONFIDENT): a guess; below, mostly hidden

RGB = tuple[int, int, int]
GREEN: RGB = (40, 210, 90)
AMBER: RGB = (255, 190, 0)
RED: RGB = (235, 50, 50)
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
CUE_COLOUR: RGB = (255, 220, 60)

Progress = Callable[[float], None]  # called with the video time drawn so far, in seconds


@dataclass(frozen=True)
class Overlay:
    """What to show at one moment: the reps finished so far and the cues of faults near it."""

    reps: int
    cues: tuple[str, ...]

    @classmethod
    def at(cls, report: AnalysisReport, t: float) -> "Overlay":
        reps = sum(1 for rep in report.rep_details if rep.end_s <= t)
        near = (f.cue for f in report.faults if abs(f.time_s - t) <= FAULT_SHOW_S)
        return cls(reps, tuple(dict.fromkeys(near)))  # each cue once, in report order


def annotate(
    video_path: Path,
    sequence: PoseSequence,
    report: AnalysisReport,
    out_path: Path,
    *,
    progress: Progress | None = None,
) -> None:
    """Write an MP4 of the video with the pose nearest each frame and the report's overlay."""
    partial = out_path.with_name(f".{out_path.name}.partial")
    try:
        writer = _Mp4Writer(partial)
        try:
            for frame in read_frames(video_path, max_fps=None, max_width=ANNOTATE_WIDTH):
                rgb = np.array(frame.rgb)  # a copy: draw on our own pixels
                pose = _nearest(sequence, frame.t)
                if pose is not None:
                    draw_pose(rgb, sequence.image[pose, :, :2], sequence.visibility[pose])
                draw_overlay(rgb, Overlay.at(report, frame.t))
                writer.write(rgb, frame.t)
                if progress is not None:
                    progress(frame.t)
        finally:
            writer.close()
        if writer.frames == 0:
            raise VideoError(f"{video_path} has no frames to draw on.")
        partial.replace(out_path)
    except (av.error.FFmpegError, OSError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "strerror", None) or str(error)
        raise MotionError(f"Cannot write {out_path} ({reason}); check the folder.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _nearest(sequence: PoseSequence, t: float) -> int | None:
    """Index of the analysed frame nearest `t`, if it is close enough and shows a person."""
    if len(sequence) == 0:
        return None
    i = int(np.argmin(np.abs(sequence.t - t)))
    if abs(sequence.t[i] - t) > MAX_POSE_GAP_S or not sequence.present[i]:
        return None
    return i


def _colour(visibility: float) -> RGB:
    if visibility >= CONFIDENT:
        return GREEN
    return AMBER if visibility >= UNSURE else RED


def draw_pose(
    rgb: npt.NDArray[np.uint8],
    image_xy: npt.NDArray[np.float64],
    visibility: npt.NDArray[np.float64],
) -> None:
    """Bones and landmark dots, in place; each coloured by how surely the model sees it.

    image_xy: (33, 2) normalised x, y of the upright frame (y down); visibility: (33,)
    """
    height, width = rgb.shape[:2]
    scale = max(width, height) / ANNOTATE_WIDTH
    points = np.round(image_xy * (width, height)).astype(np.int64)
    thickness, radius = max(2, round(3 * scale)), max(2, round(4 * scale))
    for a, b in SKELETON:
        colour = _colour(min(visibility[a], visibility[b]))
        cv2.line(rgb, tuple(points[a]), tuple(points[b]), colour, thickness, cv2.LINE_AA)
    for point, seen in zip(points, visibility, strict=True):
        cv2.circle(rgb, tuple(point), radius, _colour(float(seen)), -1, cv2.LINE_AA)


def draw_overlay(rgb: npt.NDArray[np.uint8], overlay: Overlay) -> None:
    """The rep count at the top left and fault cues along the bottom, in place."""
    height, width = rgb.shape[:2]
    size = max(0.5, max(width, height) / 1000)
    _text(rgb, f"Reps: {overlay.reps}", (12, 12), size * 1.2, WHITE)
    lines = [line for cue in overlay.cues for line in _wrap(cue, width - 24, size)]
    line_height = _line_height(size)
    top = height - 12 - line_height * len(lines)
    for k, line in enumerate(lines):
        _text(rgb, line, (12, top + k * line_height), size, CUE_COLOUR)


_FONT = cv2.FONT_HERSHEY_SIMPLEX


def _line_height(size: float) -> int:
    (_, text_height), baseline = cv2.getTextSize("Ag", _FONT, size, _weight(size))
    return round((text_height + baseline) * 1.4)


def _weight(size: float) -> int:
    return max(1, round(2 * size))


def _text(
    rgb: npt.NDArray[np.uint8], text: str, top_left: tuple[int, int], size: float, colour: RGB
) -> None:
    """Text with a dark outline, so it reads on light and dark backgrounds alike."""
    (_, text_height), _ = cv2.getTextSize(text, _FONT, size, _weight(size))
    origin = (top_left[0], top_left[1] + text_height)
    cv2.putText(rgb, text, origin, _FONT, size, BLACK, _weight(size) + 3, cv2.LINE_AA)
    cv2.putText(rgb, text, origin, _FONT, size, colour, _weight(size), cv2.LINE_AA)


def _wrap(text: str, max_width: int, size: float) -> list[str]:
    """Split text into lines no wider than `max_width` pixels (a long word gets its own line)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        fits = cv2.getTextSize(candidate, _FONT, size, _weight(size))[0][0] <= max_width
        if lines and fits:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


class _Mp4Writer:
    """H.264 when this FFmpeg build has libx264, else MPEG-4 part 2; both play everywhere."""

    def __init__(self, path: Path) -> None:
        self.frames = 0
        self._container = av.open(str(path), mode="w", format="mp4")
        self._stream: av.VideoStream | None = None
        self._last_pts = -1

    def write(self, rgb: npt.NDArray[np.uint8], t: float) -> None:
        if self._stream is None:
            self._stream = self._open_stream(rgb.shape[1], rgb.shape[0])
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        # Strictly increasing, as the encoder requires, even if two times round alike.
        self._last_pts = frame.pts = max(self._last_pts + 1, round(t * TIME_SCALE))
        frame.time_base = Fraction(1, TIME_SCALE)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def _open_stream(self, width: int, height: int) -> av.VideoStream:
        if "libx264" in av.codecs_available:
            stream = self._container.add_stream("libx264", options=X264_OPTIONS)
        else:
            stream = self._container.add_stream("mpeg4")
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, TIME_SCALE)
        stream.codec_context.time_base = Fraction(1, TIME_SCALE)
        return stream

    def close(self) -> None:
        try:
            if self._stream is not None:
                for packet in self._stream.encode(None):
                    self._container.mux(packet)
        finally:
            self._container.close()
