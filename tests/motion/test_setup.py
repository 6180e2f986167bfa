"""Camera set-up checks on small hand-built sequences of a person standing still."""

import numpy as np
import pytest

from backchain.motion.landmarks import Landmark
from backchain.motion.measures import Measures
from backchain.motion.poses import LANDMARKS, PoseSequence
from backchain.motion.rules import View
from backchain.motion.setup import check_setup, view_of

L = Landmark
# A person standing, seen from the side, in a 480 x 640 frame: (x, y) in [0, 1].
STANDING = {
    L.NOSE: (0.52, 0.15), L.LEFT_EAR: (0.49, 0.15), L.RIGHT_EAR: (0.49, 0.15),
    L.LEFT_SHOULDER: (0.5, 0.25), L.RIGHT_SHOULDER: (0.5, 0.25),
    L.LEFT_ELBOW: (0.5, 0.37), L.RIGHT_ELBOW: (0.5, 0.37),
    L.LEFT_WRIST: (0.5, 0.48), L.RIGHT_WRIST: (0.5, 0.48),
    L.LEFT_HIP: (0.5, 0.5), L.RIGHT_HIP: (0.5, 0.5),
    L.LEFT_KNEE: (0.5, 0.7), L.RIGHT_KNEE: (0.5, 0.7),
    L.LEFT_ANKLE: (0.5, 0.9), L.RIGHT_ANKLE: (0.5, 0.9),
    L.LEFT_HEEL: (0.48, 0.92), L.RIGHT_HEEL: (0.48, 0.92),
    L.LEFT_FOOT_INDEX: (0.56, 0.92), L.RIGHT_FOOT_INDEX: (0.56, 0.92),
}  # fmt: skip


def standing(
    frames: int = 30, *, shoulder_gap: float = 0.0, visibility: float = 0.95
) -> PoseSequence:
    image = np.zeros((frames, LANDMARKS, 3))
    for landmark, (x, y) in STANDING.items():
        image[:, landmark, :2] = (x, y)
    image[:, L.LEFT_SHOULDER, 0] -= shoulder_gap / 2
    image[:, L.RIGHT_SHOULDER, 0] += shoulder_gap / 2
    t = np.arange(frames) / 15.0
    vis = np.full((frames, LANDMARKS), visibility)
    return PoseSequence(t, image, np.zeros_like(image), vis, (480, 640))


def with_frames(
    seq: PoseSequence, image: np.ndarray, visibility: np.ndarray | None = None
) -> PoseSequence:
    vis = seq.visibility if visibility is None else visibility
    return PoseSequence(seq.t, image, seq.world, vis, seq.size)


def test_a_clear_side_view_has_no_warnings() -> None:
    report = check_setup(Measures(standing()))
    assert report.usable
    assert report.warnings == ()


def test_no_person_is_unusable_with_a_fix() -> None:
    seq = standing()
    empty = with_frames(seq, np.full_like(seq.image, np.nan), np.zeros_like(seq.visibility))
    report = check_setup(Measures(empty))
    assert not report.usable
    assert "No one was found" in report.warnings[0]


def test_person_missing_for_half_the_clip() -> None:
    seq = standing(40)
    image = seq.image.copy()
    image[:20] = np.nan
    report = check_setup(Measures(with_frames(seq, image)))
    assert report.usable
    assert any("out of view for 50%" in w for w in report.warnings)


def test_feet_out_of_the_picture() -> None:
    seq = standing()
    image = seq.image.copy()
    image[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 1] = 1.08
    (warning,) = check_setup(Measures(with_frames(seq, image))).warnings
    assert "feet went out of the picture" in warning


def test_low_confidence() -> None:
    (warning,) = check_setup(Measures(standing(visibility=0.3))).warnings
    assert "could not see you clearly" in warning


def test_jumps_between_people() -> None:
    seq = standing(30)
    image = seq.image.copy()
    image[10:12, :, 0] += 0.4  # the hips leap across the frame and back, twice
    image[20:22, :, 0] += 0.4
    warnings = check_setup(Measures(with_frames(seq, image))).warnings
    assert any("Someone else" in w for w in warnings)


@pytest.mark.parametrize(
    ("gap", "view"),
    [(0.0, View.SIDE), (0.1, View.SIDE), (0.2, View.ANY), (0.25, View.FRONT)],
)
def test_view_from_shoulder_width(gap: float, view: View) -> None:
    # Torso is 0.25 of the frame height = 160 px; gap x 480 px / 160 px in torso lengths.
    assert view_of(Measures(standing(shoulder_gap=gap))) is view
