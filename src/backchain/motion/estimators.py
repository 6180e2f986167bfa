"""Pose backends: the `PoseEstimator` protocol, MediaPipe BlazePose "full", and a fake for tests.

The MediaPipe adapter is the only code that knows that model's output format.
"""

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark
from backchain.motion.poses import LANDMARKS, Pose, PoseSequence

__all__ = ["FakeEstimator", "MediaPipePose", "PoseEstimator"]

# BlazePose "full": the landmark model that ships inside the mediapipe 0.10.x wheel. The "lite"
# (0) and "heavy" (2) models are downloaded on first use, which Backchain never does.
MODEL_COMPLEXITY = 1
# MediaPipe's own defaults; lower values find people more often but jitter more.
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5


class PoseEstimator(Protocol):
    """Finds one person's landmarks in an upright RGB frame, or None when nobody is there."""

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None: ...

    def close(self) -> None: ...


class MediaPipePose:
    """BlazePose full through MediaPipe's pose solution, tracking from frame to frame."""

    def __init__(self) -> None:
        from mediapipe.python.solutions import pose as mp_pose  # heavy import, only when used

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
        image = np.array([[p.x, p.y, p.z] for p in result.pose_landmarks.landmark])
        visibility = np.array([p.visibility for p in result.pose_landmarks.landmark])
        world_landmarks = result.pose_world_landmarks
        world = (
            np.array([[p.x, p.y, p.z] for p in world_landmarks.landmark])
            if world_landmarks is not None
            else np.full((LANDMARKS, 3), np.nan)
        )
        return Pose(t=t, image=image, world=world, visibility=visibility)

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> "MediaPipePose":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


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
