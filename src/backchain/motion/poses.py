"""Poses over time as arrays with named landmarks; one adapter per model format lives elsewhere."""

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark

__all__ = ["LANDMARKS", "Pose", "PoseSequence"]

LANDMARKS = len(Landmark)
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Pose:
    """One person's landmarks in one frame.

    image: (33, 3) x and y in [0, 1] of the upright frame (y down), z relative depth
    world: (33, 3) metres, centred between the hips
    visibility: (33,) the model's confidence that each landmark is visible, 0-1
    """

    t: float
    image: FloatArray
    world: FloatArray
    visibility: FloatArray

    def __post_init__(self) -> None:
        _check_shape("image", self.image, (LANDMARKS, 3))
        _check_shape("world", self.world, (LANDMARKS, 3))
        _check_shape("visibility", self.visibility, (LANDMARKS,))


@dataclass(frozen=True)
class PoseSequence:
    """Landmarks of a clip, frame by frame; frames with no person hold NaN and visibility 0.

    t: (N,) seconds from the start of the video, from the container's timestamps
    image, world: (N, 33, 3); visibility: (N, 33)
    size: (width, height) of the upright frame in pixels, to turn image coordinates into pixels
    people: (N,) people seen in each frame (0 or 1 from a single-person model; more when a
    backend can tell)
    luma: (N,) mean brightness of each frame, 0 (black) to 255 (white); NaN where not measured
    """

    t: FloatArray
    image: FloatArray
    world: FloatArray
    visibility: FloatArray
    size: tuple[int, int]
    people: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    luma: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        n = len(self.t)
        _check_shape("image", self.image, (n, LANDMARKS, 3))
        _check_shape("world", self.world, (n, LANDMARKS, 3))
        _check_shape("visibility", self.visibility, (n, LANDMARKS))
        if len(self.people) == 0:
            object.__setattr__(self, "people", self.present.astype(np.int64))
        _check_shape("people", self.people, (n,))
        if len(self.luma) == 0:
            object.__setattr__(self, "luma", np.full(n, np.nan))
        _check_shape("luma", self.luma, (n,))
        if n > 1 and np.any(np.diff(self.t) <= 0):
            raise ValueError("timestamps must increase")

    def __len__(self) -> int:
        return len(self.t)

    @property
    def present(self) -> npt.NDArray[np.bool_]:
        """(N,) True where a person was found."""
        present: npt.NDArray[np.bool_] = ~np.isnan(self.image[:, 0, 0])
        return present

    @property
    def frame_s(self) -> FloatArray:
        """(N,) how long each frame stands for: until the next one, the last as long as a
        typical frame."""
        if len(self.t) < 2:
            return np.zeros(len(self.t))
        steps = np.diff(self.t)
        return np.append(steps, np.median(steps))

    def xy(self, landmark: Landmark) -> FloatArray:
        """(N, 2) image position of one landmark in pixels of the upright frame (y down)."""
        return self.image[:, landmark, :2] * np.array(self.size, dtype=np.float64)

    @classmethod
    def from_poses(
        cls,
        times: list[float],
        poses: list[Pose | None],
        size: tuple[int, int],
        *,
        people: list[int] | None = None,
        luma: list[float] | None = None,
    ) -> "PoseSequence":
        """Stack per-frame results; None (no person) becomes NaN with visibility 0.

        `people` defaults to 1 where there is a pose and 0 where not; `luma` to NaN.
        """
        n = len(times)
        image = np.full((n, LANDMARKS, 3), np.nan)
        world = np.full((n, LANDMARKS, 3), np.nan)
        visibility = np.zeros((n, LANDMARKS))
        for i, pose in enumerate(poses):
            if pose is not None:
                image[i], world[i], visibility[i] = pose.image, pose.world, pose.visibility
        return cls(
            np.asarray(times, dtype=np.float64),
            image,
            world,
            visibility,
            size,
            np.asarray(people if people is not None else [], dtype=np.int64),
            np.asarray(luma if luma is not None else [], dtype=np.float64),
        )

    def where(self, keep: npt.NDArray[np.bool_]) -> "PoseSequence":
        """The same frames with the person removed (NaN, visibility 0) where `keep` is False;
        the frames stay, so times, people and brightness are unchanged."""
        image, world, visibility = self.image.copy(), self.world.copy(), self.visibility.copy()
        image[~keep] = np.nan
        world[~keep] = np.nan
        visibility[~keep] = 0.0
        return replace(self, image=image, world=world, visibility=visibility)


def _check_shape(name: str, array: npt.NDArray[np.generic], shape: tuple[int, ...]) -> None:
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
