"""The live coach's set: frames from the camera go through the same `SetTracker` as a file's,
so the count, the holds and the faults are those file analysis gives for the same frames.

Each frame's reply carries the count, the hold so far, one cue to show, and what to say: the
count as a rep completes, then the fault of that rep in a few words, or praise when it was clean.
Nothing is said before the first rep, while the person gets into position.
"""

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze, report_of
from backchain.motion.measures import Measures
from backchain.motion.motions import PRAISE, motion_of
from backchain.motion.poses import Pose
from backchain.motion.rules import View
from backchain.motion.setup import check_setup, view_of
from backchain.motion.tracking import SetTracker

__all__ = ["IDLE_END_S", "RESUME_WINDOW_S", "LiveSet", "LiveSets"]

IDLE_END_S = 10.0  # a set with reps ends after this long without movement
MOVE_WINDOW_S = 1.0  # movement is the signal's range over this long ...
MOVE_FRACTION = 0.25  # ... above this share of the exercise's minimum rep amplitude
CUE_SHOW_S = 3.0  # a rep's cue stays up this long after it is judged
SETUP_WINDOW_S = 1.0  # the camera set-up is judged on the last second, as a file is on all of it
RESUME_WINDOW_S = 60.0  # a dropped connection may resume its set within this long


@dataclass
class LiveSet:
    """One set being coached live: its tracker outlives a dropped connection."""

    id: str
    exercise: str
    tracker: SetTracker | None = None  # made with the first frame, which gives the size
    judged: int = 0  # reps whose form has been judged
    shown: tuple[str, float] | None = None  # the latest rep's cue and when it was judged
    last_t: float | None = None
    last_move_t: float | None = None
    seen: float = field(default_factory=time.monotonic)

    @classmethod
    def new(cls, exercise: str) -> "LiveSet":
        motion_of(exercise)  # CatalogueError for an exercise the coach cannot read
        return cls(secrets.token_urlsafe(9), exercise)

    @property
    def reps(self) -> int:
        return 0 if self.tracker is None else self.tracker.reps

    def update(self, t: float, pose: Pose | None, size: tuple[int, int]) -> dict[str, Any]:
        """Take one frame's pose at set time `t`; the reply for the client."""
        if self.tracker is None:
            self.tracker = SetTracker(motion_of(self.exercise), size)
        tracker = self.tracker
        self.last_t, self.seen = t, time.monotonic()
        counted = tracker.push(t, pose)
        say: str | None = str(counted.index) if counted is not None else None
        rep: dict[str, Any] | None = None
        if counted is None and self.judged < tracker.reps and not tracker.counter.at_top:
            rep = self._judge(self.judged + 1, t)
            say = rep.pop("say")
        hold = self._hold(t)
        return {
            "type": "frame",
            "reps": tracker.reps,
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

    def _idle(self, t: float) -> bool:
        assert self.tracker is not None
        times, values = self.tracker.times, self.tracker.values
        recent = [v for ti, v in zip(times, values, strict=True) if ti >= t - MOVE_WINDOW_S]
        known = [v for v in recent if np.isfinite(v)]
        amplitude = self.tracker.motion.min_amplitude
        if known and max(known) - min(known) > MOVE_FRACTION * amplitude:
            self.last_move_t = t
        if self.last_move_t is None:
            self.last_move_t = t
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
