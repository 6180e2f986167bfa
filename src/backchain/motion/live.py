"""The live coach's set: frames from the camera go through the same `SetTracker` as a file's,
so the count, the holds and the faults are those file analysis gives for the same frames.

Each frame's reply carries the count, the hold so far, one cue to show, and what to say: the
count as a rep completes, then the fault of that rep in a few words, or praise when it was clean.
Nothing is said before the first rep, while the person gets into position.

A set's state follows from its frames alone: `LiveSet.replay` of `LiveSet.frames()` (each
`Frame` storable as bytes) gives back the same set, so a set can resume in another process.
"""

import secrets
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze, report_of
from backchain.motion.measures import Measures
from backchain.motion.motions import PRAISE, motion_of
from backchain.motion.poses import LANDMARKS, Pose
from backchain.motion.rules import View
from backchain.motion.setup import check_setup, view_of
from backchain.motion.tracking import SetTracker

__all__ = ["IDLE_END_S", "RESUME_WINDOW_S", "Frame", "LiveSet"]

IDLE_END_S = 10.0  # a set with reps ends after this long without movement
MOVE_WINDOW_S = 1.0  # movement is the signal's range over this long ...
MOVE_FRACTION = 0.25  # ... above this share of the exercise's minimum rep amplitude
CUE_SHOW_S = 3.0  # a rep's cue stays up this long after it is judged
SETUP_WINDOW_S = 1.0  # the camera set-up is judged on the last second, as a file is on all of it
RESUME_WINDOW_S = 60.0  # a dropped connection may resume its set within this long

# A frame as bytes: its time, its width and height, whether a person was found, then the pose.
_FRAME_HEADER = struct.Struct("<dII?")
_POSE_VALUES = LANDMARKS * 3 * 2 + LANDMARKS  # image, world, visibility
# Float64 as the pose arrays are: a replay must count exactly as the live set did.
_POSE_DTYPE: np.dtype[np.float64] = np.dtype("<f8")


@dataclass(frozen=True)
class Frame:
    """One frame as a set takes it: enough to feed a fresh set the same way again."""

    t: float
    pose: Pose | None
    size: tuple[int, int]

    def to_bytes(self) -> bytes:
        """The frame as a header and the pose's raw arrays; never pickle, which runs code."""
        header = _FRAME_HEADER.pack(self.t, *self.size, self.pose is not None)
        if self.pose is None:
            return header
        pose = self.pose
        arrays = [pose.image.ravel(), pose.world.ravel(), pose.visibility]
        return header + np.concatenate(arrays, dtype=_POSE_DTYPE).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Frame":
        """The frame `to_bytes` gave; ValueError for bytes that are not one."""
        if len(data) < _FRAME_HEADER.size:
            raise ValueError("too short for a frame")
        t, width, height, present = _FRAME_HEADER.unpack_from(data)
        expected = _FRAME_HEADER.size + (_POSE_VALUES * _POSE_DTYPE.itemsize if present else 0)
        if len(data) != expected:
            raise ValueError(f"a frame of {len(data)} bytes, not {expected}")
        if not present:
            return cls(t, None, (width, height))
        values = np.frombuffer(data, _POSE_DTYPE, offset=_FRAME_HEADER.size).astype(np.float64)
        image, world, visibility = np.split(values, [LANDMARKS * 3, LANDMARKS * 6])
        pose = Pose(t, image.reshape(LANDMARKS, 3), world.reshape(LANDMARKS, 3), visibility)
        return cls(t, pose, (width, height))


@dataclass
class LiveSet:
    """One set being coached live; its state follows from its frames (see `replay`)."""

    id: str
    exercise: str
    tracker: SetTracker | None = None  # made with the first frame, which gives the size
    judged: int = 0  # reps whose form has been judged
    shown: tuple[str, float] | None = None  # the latest rep's cue and when it was judged
    last_t: float | None = None
    last_move_t: float | None = None

    @classmethod
    def new(cls, exercise: str) -> "LiveSet":
        motion_of(exercise)  # CatalogueError for an exercise the coach cannot read
        return cls(secrets.token_urlsafe(9), exercise)

    @classmethod
    def replay(cls, set_id: str, exercise: str, frames: Iterable[Frame]) -> "LiveSet":
        """The set `frames` were fed to, rebuilt by feeding them again. A frame not after the
        one before is a copy written twice (a store unsure its write went through) and skipped."""
        motion_of(exercise)
        live = cls(set_id, exercise)
        for frame in frames:
            if live.last_t is None or frame.t > live.last_t:
                live._advance(frame.t, frame.pose, frame.size)
        return live

    @property
    def reps(self) -> int:
        return 0 if self.tracker is None else self.tracker.reps

    @property
    def frame_count(self) -> int:
        return 0 if self.tracker is None else len(self.tracker.times)

    def frames(self) -> list[Frame]:
        """Every frame fed so far, each at the size the set took from its first (it uses no other)."""
        if self.tracker is None:
            return []
        tracker = self.tracker
        fed = zip(tracker.times, tracker.poses, strict=True)
        return [Frame(t, pose, tracker.size) for t, pose in fed]

    def update(self, t: float, pose: Pose | None, size: tuple[int, int]) -> dict[str, Any]:
        """Take one frame's pose at set time `t`; the reply for the client."""
        say, rep = self._advance(t, pose, size)
        hold = self._hold(t)
        return {
            "type": "frame",
            "reps": self.reps,
            "hold_s": round(hold, 1),
            "cue": self._cue(t, pose),
            "say": say,
            "rep": rep,
            "landmarks": _landmarks(pose),
            "done": self._idle(t) and hold == 0.0,
        }

    def finish(self) -> dict[str, Any]:
        """End the set: the whole set analysed as a file of its frames would be (the web layer
        adds the link to the session log)."""
        report = self.report()
        summary = [
            {
                "index": detail.index,
                "hold_s": None if detail.hold_s is None else round(detail.hold_s, 1),
                "faults": [
                    {"id": f.id, "cue": f.cue} for f in report.faults if f.rep == detail.index
                ],
            }
            for detail in report.rep_details
        ]
        faults = sorted({f.id for f in report.faults})
        return {
            "type": "finished",
            "reps": report.reps,
            "summary": summary,
            "faults": faults,
        }

    def report(self) -> AnalysisReport:
        """The set's frames analysed exactly as a recording of them is."""
        if self.tracker is None:
            return AnalysisReport(self.exercise, 0, (), (), (), VideoSummary(0.0, 0.0, 0))
        seq = self.tracker.sequence()
        return analyze(seq, self.exercise, video=_summary(self.tracker.times))

    def _advance(
        self, t: float, pose: Pose | None, size: tuple[int, int]
    ) -> tuple[str | None, dict[str, Any] | None]:
        """Everything a frame changes in the set (and nothing only shown, which a replay skips):
        what to say, and the rep judged on this frame."""
        if self.tracker is None:
            self.tracker = SetTracker(motion_of(self.exercise), size)
        tracker = self.tracker
        self.last_t = t
        counted = tracker.push(t, pose)
        say: str | None = str(counted.index) if counted is not None else None
        rep: dict[str, Any] | None = None
        if counted is None and self.judged < tracker.reps and not tracker.counter.at_top:
            rep = self._judge(self.judged + 1, t)
            say = rep.pop("say")
        self._note_movement(t)
        return say, rep

    def _judge(self, index: int, t: float) -> dict[str, Any]:
        """The form of rep `index`, now that it has left the top."""
        assert self.tracker is not None
        self.judged = index
        report = report_of(self.tracker, _summary(self.tracker.times))
        motion = self.tracker.motion
        faults = [f for f in report.faults if f.rep == index]
        detail = report.rep_details[index - 1]
        self.shown = (faults[0].cue if faults else PRAISE, t)
        return {
            "index": index,
            "hold_s": None if detail.hold_s is None else round(detail.hold_s, 1),
            "faults": [{"id": f.id, "cue": f.cue} for f in faults],
            "say": motion.say(faults[0].id) if faults else PRAISE,
        }

    def _hold(self, t: float) -> float:
        """Seconds at the top of the current rep, for the exercises that hold there."""
        tracker = self.tracker
        if tracker is None or not tracker.motion.holds:
            return 0.0
        since = tracker.counter.top_since
        return 0.0 if since is None else t - since

    def _note_movement(self, t: float) -> None:
        assert self.tracker is not None
        times, values = self.tracker.times, self.tracker.values
        recent = [v for ti, v in zip(times, values, strict=True) if ti >= t - MOVE_WINDOW_S]
        known = [v for v in recent if np.isfinite(v)]
        amplitude = self.tracker.motion.min_amplitude
        if known and max(known) - min(known) > MOVE_FRACTION * amplitude:
            self.last_move_t = t
        if self.last_move_t is None:
            self.last_move_t = t

    def _idle(self, t: float) -> bool:
        assert self.last_move_t is not None
        return self.reps > 0 and t - self.last_move_t >= IDLE_END_S

    def _cue(self, t: float, pose: Pose | None) -> str:
        """One cue at a time: a set-up problem first, then the latest rep's, then the view."""
        if pose is None:
            return "Step into the picture: your whole body, side-on to the camera."
        assert self.tracker is not None
        recent = Measures(self.tracker.recent(SETUP_WINDOW_S))
        problems = check_setup(recent).warnings
        if problems:
            return problems[0]
        if self.shown is not None and t - self.shown[1] <= CUE_SHOW_S:
            return self.shown[0]
        if view_of(recent) is View.FRONT:
            return "Turn side-on to the camera so every form check can see you."
        return ""


def _summary(times: list[float]) -> VideoSummary:
    duration = times[-1] - times[0] if len(times) > 1 else 0.0
    fps = (len(times) - 1) / duration if duration > 0 else 0.0
    return VideoSummary(duration, fps, len(times))


def _landmarks(pose: Pose | None) -> list[list[float]]:
    if pose is None:
        return []
    rows = np.column_stack([pose.image[:, :2], pose.visibility])
    return [[round(float(v), 3) for v in row] for row in rows]
