"""Per-frame body measurements the form rules read, computed once per recording.

Angles are in degrees; distances in torso lengths (shoulder-to-hip), so they do not depend on
how far the person is from the camera. Image y points down.
"""

from functools import cached_property

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark
from backchain.motion.poses import PoseSequence
from backchain.motion.signals import (
    LEFT,
    RIGHT,
    angle,
    hip_extension,
    hips_above_line,
    nan_reduce,
    torso_length,
)

__all__ = ["Measures"]

FloatArray = npt.NDArray[np.float64]


class Measures:
    """Lazily computed (N,) arrays over a pose sequence."""

    def __init__(self, seq: PoseSequence) -> None:
        self.seq = seq
        self.torso = torso_length(seq)

    def _mid(self, left: Landmark, right: Landmark) -> FloatArray:
        return (self.seq.xy(left) + self.seq.xy(right)) / 2

    def _mean_sides(self, left: FloatArray, right: FloatArray) -> FloatArray:
        return nan_reduce(np.nanmean, np.stack([left, right]))

    @cached_property
    def hip_angle(self) -> FloatArray:
        """Shoulder-hip-knee angle; 180 = straight through the hips."""
        return hip_extension(self.seq)

    @cached_property
    def knee_angle(self) -> FloatArray:
        """Hip-knee-ankle angle; 180 = straight leg."""
        xy = self.seq.xy
        return self._mean_sides(
            angle(xy(LEFT.hip), xy(LEFT.knee), xy(LEFT.ankle)),
            angle(xy(RIGHT.hip), xy(RIGHT.knee), xy(RIGHT.ankle)),
        )

    @cached_property
    def bent_knee_angle(self) -> FloatArray:
        """The more bent knee's angle: the standing leg when the other one is raised."""
        xy = self.seq.xy
        return nan_reduce(
            np.nanmin,
            np.stack(
                [
                    angle(xy(LEFT.hip), xy(LEFT.knee), xy(LEFT.ankle)),
                    angle(xy(RIGHT.hip), xy(RIGHT.knee), xy(RIGHT.ankle)),
                ]
            ),
        )

    @cached_property
    def trunk_from_vertical(self) -> FloatArray:
        """Angle of the hip-to-shoulder line from vertical; 0 = upright, 90 = horizontal."""
        v = self._mid(LEFT.shoulder, RIGHT.shoulder) - self._mid(LEFT.hip, RIGHT.hip)
        return np.asarray(np.degrees(np.arctan2(np.abs(v[:, 0]), -v[:, 1])), dtype=np.float64)

    @cached_property
    def trunk_from_vertical_3d(self) -> FloatArray:
        """The trunk's angle from vertical in the model's metric 3D landmarks: the same from
        any side, where the picture's angle flattens a lean towards the camera."""
        world = self.seq.world
        v = (world[:, LEFT.shoulder] + world[:, RIGHT.shoulder]) / 2 - (
            world[:, LEFT.hip] + world[:, RIGHT.hip]
        ) / 2
        return np.asarray(
            np.degrees(np.arctan2(np.hypot(v[:, 0], v[:, 2]), -v[:, 1])), dtype=np.float64
        )

    @cached_property
    def hips_above_knee_line(self) -> FloatArray:
        return hips_above_line(self.seq, "knee")

    @cached_property
    def hips_above_ankle_line(self) -> FloatArray:
        return hips_above_line(self.seq, "ankle")

    @cached_property
    def facing(self) -> FloatArray:
        """+1 when the person faces right in the image, -1 left (nose ahead of the ears)."""
        ears = self._mid(LEFT.ear, RIGHT.ear)
        return np.asarray(np.sign(self.seq.xy(Landmark.NOSE)[:, 0] - ears[:, 0]), dtype=np.float64)

    @cached_property
    def lean_forward(self) -> FloatArray:
        """Shoulders ahead of the hips along the facing direction; negative = leaning back."""
        dx = self._mid(LEFT.shoulder, RIGHT.shoulder)[:, 0] - self._mid(LEFT.hip, RIGHT.hip)[:, 0]
        return np.asarray(dx * self.facing / self.torso, dtype=np.float64)

    @cached_property
    def hands_from_legs(self) -> FloatArray:
        """Horizontal gap between the hands and the knees."""
        gap = self._mid(LEFT.wrist, RIGHT.wrist)[:, 0] - self._mid(LEFT.knee, RIGHT.knee)[:, 0]
        return np.asarray(np.abs(gap) / self.torso, dtype=np.float64)

    @cached_property
    def heel_lift(self) -> FloatArray:
        """How far the heels sit above the toes."""
        xy = self.seq.xy
        left = (xy(LEFT.foot)[:, 1] - xy(LEFT.heel)[:, 1]) / self.torso
        right = (xy(RIGHT.foot)[:, 1] - xy(RIGHT.heel)[:, 1]) / self.torso
        return self._mean_sides(left, right)

    @cached_property
    def hip_shift(self) -> FloatArray:
        """Sideways offset of the hips from the middle of the feet (seen from the front)."""
        hips = self._mid(LEFT.hip, RIGHT.hip)[:, 0]
        feet = self._mid(LEFT.ankle, RIGHT.ankle)[:, 0]
        return np.asarray(np.abs(hips - feet) / self.torso, dtype=np.float64)

    @cached_property
    def neck_extension(self) -> FloatArray:
        """How far the head is tipped back from the line of the trunk, in degrees."""
        ears = self._mid(LEFT.ear, RIGHT.ear)
        shoulders = self._mid(LEFT.shoulder, RIGHT.shoulder)
        hips = self._mid(LEFT.hip, RIGHT.hip)
        straight = 180.0 - angle(ears, shoulders, hips)
        return np.asarray(straight, dtype=np.float64)

    @cached_property
    def shoulder_width(self) -> FloatArray:
        """Distance between the shoulders in the image: large from the front, small from the side."""
        gap = self.seq.xy(LEFT.shoulder) - self.seq.xy(RIGHT.shoulder)
        return np.asarray(np.linalg.norm(gap, axis=1) / self.torso, dtype=np.float64)
