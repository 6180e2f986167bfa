"""Pose backends: the `PoseEstimator` protocol, MediaPipe BlazePose "full", and a fake for tests.

The MediaPipe adapter is the only code that knows that model's output format.
"""

import importlib
import sys
import threading
import types
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark
from backchain.motion.native_logs import hidden_native_logs
from backchain.motion.poses import LANDMARKS, Pose, PoseSequence

__all__ = [
    "FakeEstimator",
    "MediaPipePose",
    "PoseEstimator",
    "ReusedModels",
    "forget_tracking",
    "quiet_pose",
]

# BlazePose "full": the landmark model that ships inside the mediapipe 0.10.x wheel. The "lite"
# (0) and "heavy" (2) models are downloaded on first use, which Backchain never does.
MODEL_COMPLEXITY = 1
# MediaPipe's own defaults; lower values find people more often but jitter more.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5
# Nobody in it: a model that reads it finds no one, so it tracks and smooths afresh afterwards.
_BLANK = np.zeros((64, 64, 3), dtype=np.uint8)


class PoseEstimator(Protocol):
    """Finds one person's landmarks in an upright RGB frame, or None when nobody is there."""

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None: ...

    def close(self) -> None: ...


class MediaPipePose:
    """BlazePose full through MediaPipe's pose solution, tracking from frame to frame."""

    def __init__(self) -> None:
        mp_pose = _pose_solution()  # heavy import, only when used
        self._pose: Any = mp_pose.Pose(
            static_image_mode=False,
            model_complexity=MODEL_COMPLEXITY,
            smooth_landmarks=True,
            min_detection_confidence=MIN_DETECTION_CONFIDENCE,
            min_tracking_confidence=MIN_TRACKING_CONFIDENCE,
        )

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        # One pass over each landmark list: x, y, z and visibility together.
        image = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark])
        world_landmarks = result.pose_world_landmarks
        world = (
            np.array([(p.x, p.y, p.z) for p in world_landmarks.landmark])
            if world_landmarks is not None
            else np.full((LANDMARKS, 3), np.nan)
        )
        return Pose(t=t, image=image[:, :3], world=world, visibility=image[:, 3])

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> "MediaPipePose":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# MediaPipe logs from C++ to file descriptor 2 while its graph starts. `hidden_native_logs` swaps
# that descriptor for the whole process, so swaps from two threads must not interleave.
_NATIVE_LOGS = threading.Lock()


def quiet_pose() -> "MediaPipePose":
    """A MediaPipe pose model, created and warmed up with its start-up chatter (logged on the
    first frame it reads) kept off stderr."""
    with _NATIVE_LOGS, hidden_native_logs():
        model = MediaPipePose()
        forget_tracking(model)
        return model


def forget_tracking(model: "PoseEstimator") -> None:
    """Make `model` read its next frame as a new model would (the same landmarks, to the last
    digit): it reads a blank frame, about 30 ms, where a new MediaPipe model takes a second."""
    model.estimate(_BLANK, 0.0)


class ReusedModels:
    """A pose-model factory that makes each model once and lends it again: `close()` on a lent
    model forgets its tracking and gives it back. A process that reads video after video (a
    worker) loads its models once; they close with `close()`."""

    def __init__(self, factory: Callable[[], "PoseEstimator"]) -> None:
        self._factory = factory
        self._free: list[PoseEstimator] = []
        self._lock = threading.Lock()

    def __call__(self) -> "PoseEstimator":
        with self._lock:
            model = self._free.pop() if self._free else None
        return _Lent(self._factory() if model is None else model, self)

    def give_back(self, model: "PoseEstimator") -> None:
        forget_tracking(model)
        with self._lock:
            self._free.append(model)

    def close(self) -> None:
        with self._lock:
            models, self._free = self._free, []
        for model in models:
            model.close()


class _Lent:
    def __init__(self, model: "PoseEstimator", owner: ReusedModels) -> None:
        self._model: PoseEstimator | None = model
        self._owner = owner

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        if self._model is None:
            raise RuntimeError("this pose model was given back")
        return self._model.estimate(rgb, t)

    def close(self) -> None:
        model, self._model = self._model, None
        if model is not None:
            self._owner.give_back(model)


# Modules that mediapipe imports only for its drawing helpers, which Backchain never calls.
_DRAWING_ONLY = ("matplotlib", "matplotlib.pyplot")
_IMPORT_LOCK = threading.Lock()  # each worker thread builds its own model


def _pose_solution() -> Any:
    """mediapipe's pose solution module, imported without matplotlib.

    Importing any part of mediapipe runs its package __init__, which imports its drawing helpers
    and, through them, matplotlib.pyplot: about half a second of CPU at every start, a third of
    the whole import, for plotting that Backchain never does. While mediapipe is imported,
    stand-ins take matplotlib's place; the drawing helpers keep them, and a stand-in imports the
    real module the first time anything is asked of it.
    """
    with _IMPORT_LOCK:
        missing = [name for name in _DRAWING_ONLY if name not in sys.modules]
        stand_ins = {} if "mediapipe" in sys.modules else {n: _StandIn(n) for n in missing}
        for name, stand_in in stand_ins.items():
            parent, _, child = name.rpartition(".")
            if parent in stand_ins:  # `import a.b as c` takes b from a's attributes
                vars(stand_ins[parent])[child] = stand_in
        sys.modules.update(stand_ins)
        try:
            from mediapipe.python.solutions import pose
        finally:
            for name, stand_in in stand_ins.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
    return pose


class _StandIn(types.ModuleType):
    """Holds a module's place; the first attribute asked of it imports the real module."""

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


class FakeEstimator:
    """Plays back a known pose sequence: each frame gets the pose nearest its timestamp."""

    def __init__(self, sequence: PoseSequence) -> None:
        self._sequence = sequence
        self.calls = 0

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        self.calls += 1
        if len(self._sequence) == 0:
            return None
        i = int(np.argmin(np.abs(self._sequence.t - t)))
        if not self._sequence.present[i]:
            return None
        s = self._sequence
        return Pose(t=t, image=s.image[i], world=s.world[i], visibility=s.visibility[i])

    def close(self) -> None:
        pass


assert len(Landmark) == LANDMARKS
