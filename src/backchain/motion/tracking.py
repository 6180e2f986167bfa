"""Following one set frame by frame: the phase signal, computed only from frames already seen,
and the rep counter on it. File analysis feeds a recording's frames through a `SetTracker` one by
one, as the live coach feeds the camera's, so the same frames give the same reps and holds.

The signal of a frame is the exercise's phase signal over the last `SIGNAL_WINDOW_S` (its unit,
the torso length, is a median over that window), averaged over the last `SMOOTH_S`.
"""

from collections import deque

import numpy as np
import numpy.typing as npt

from backchain.motion.counting import Rep, RepCounter, RepEvent, rep_details
from backchain.motion.motions import ExerciseMotion
from backchain.motion.poses import Pose, PoseSequence

__all__ = ["SIGNAL_WINDOW_S", "SMOOTH_S", "SetTracker"]

FloatArray = npt.NDArray[np.float64]

SIGNAL_WINDOW_S = 3.0  # landmarks the phase signal's torso length is measured over
SMOOTH_S = 0.15  # trailing average: removes frame jitter, keeps a 1 s rep's shape


class SetTracker:
    """One set's frames, its phase signal and its count so far."""

    def __init__(self, motion: ExerciseMotion, size: tuple[int, int]) -> None:
        self.motion = motion
        self.size = size
        self.counter = RepCounter(motion.counter)
        self.times: list[float] = []
        self.poses: list[Pose | None] = []
        self.values: list[float] = []  # the smoothed phase signal, one per frame
        self._raw: deque[tuple[float, float]] = deque()

    @property
    def reps(self) -> int:
        return self.counter.count

    def push(self, t: float, pose: Pose | None) -> RepEvent | None:
        """Take the next frame (`t` after the last one); the rep it completes, if any."""
        self.times.append(t)
        self.poses.append(pose)
        value = self._smoothed(t, self._signal() if pose is not None else float("nan"))
        self.values.append(value)
        return self.counter.update(t, value)

    def finish(self) -> RepEvent | None:
        """The set is over: a last rep already being lowered is complete."""
        return self.counter.finish()

    def sequence(self) -> PoseSequence:
        return PoseSequence.from_poses(self.times, self.poses, self.size)

    def signal(self) -> FloatArray:
        return np.asarray(self.values, dtype=np.float64)

    def rep_details(self) -> list[Rep]:
        """Every rep counted so far, with its bottom, top and hold."""
        return rep_details(self.counter, np.asarray(self.times), self.signal())

    def recent(self, window_s: float) -> PoseSequence:
        """The frames of the last `window_s` seconds, up to the newest."""
        t, first = self.times[-1], len(self.times) - 1
        while first > 0 and self.times[first - 1] >= t - window_s:
            first -= 1
        return PoseSequence.from_poses(self.times[first:], self.poses[first:], self.size)

    def _signal(self) -> float:
        return float(self.motion.signal(self.recent(SIGNAL_WINDOW_S))[-1])

    def _smoothed(self, t: float, value: float) -> float:
        if not np.isfinite(value):
            return float("nan")
        self._raw.append((t, value))
        while self._raw[0][0] < t - SMOOTH_S:
            self._raw.popleft()
        return float(np.mean([v for _, v in self._raw]))
