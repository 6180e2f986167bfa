"""Camera set-up checks on small hand-built sequences of a person standing still, and the
preparation of a recording (one person followed, turned videos, light) on those and on seeded
synthetic sets."""

from collections.abc import Callable

import numpy as np
import pytest

from backchain.motion.landmarks import Landmark
from backchain.motion.measures import Measures
from backchain.motion.poses import LANDMARKS, PoseSequence
from backchain.motion.rules import View
from backchain.motion.setup import Posture, check_setup, prepare, view_of
from backchain.motion.synthetic import generate

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


# --- prepare: one person followed, the body in the picture, upright, in good light ---

FPS = 15.0
Stretch = tuple[float, int]  # (x offset of the person from the middle, frames), or NaN: nobody


def clip(*stretches: Stretch, people: dict[int, int] | None = None) -> PoseSequence:
    """Standing people one after another at 15 frames a second; an offset of NaN is nobody.
    Consecutive stretches at different places are the model jumping from one to another."""
    parts = []
    for dx, frames in stretches:
        image = standing(frames).image.copy()
        image[:, :, 0] += dx
        parts.append(image)
    image = np.concatenate(parts)
    n = len(image)
    visibility = np.where(np.isnan(image[:, :, 0]), 0.0, 0.95)
    count = (~np.isnan(image[:, 0, 0])).astype(np.int64)
    for frame, seen in (people or {}).items():
        count[frame] = seen
    t = np.arange(n) / FPS
    return PoseSequence(t, image, np.zeros_like(image), visibility, (480, 640), count)


LEFT_SIDE, RIGHT_SIDE, GONE = -0.3, 0.25, float("nan")


def crowd(who: str, where: str) -> str:
    return (
        f"Two people were in view; Backchain followed {who} ({where}). "
        "Next time, film with only you in the picture."
    )


FROM_THE_START = "the one who was there from the start"


def test_the_one_there_from_the_start_is_followed_when_the_model_jumps() -> None:
    seq, report = prepare(clip((LEFT_SIDE, 45), (RIGHT_SIDE, 30)), "standing")
    assert list(seq.present) == [True] * 45 + [False] * 30
    assert report.usable
    assert report.warnings == (crowd(FROM_THE_START, "on the left"),)


def test_the_same_person_is_followed_through_swaps_back_and_forth() -> None:
    seq, report = prepare(
        clip((LEFT_SIDE, 20), (RIGHT_SIDE, 15), (LEFT_SIDE, 20), (RIGHT_SIDE, 15)), "standing"
    )
    assert list(seq.present) == ([True] * 20 + [False] * 15) * 2
    assert report.warnings == (crowd(FROM_THE_START, "on the left"),)


def test_the_one_in_view_longest_is_followed_when_they_came_second() -> None:
    seq, report = prepare(clip((LEFT_SIDE, 20), (RIGHT_SIDE, 60)), "standing")
    assert list(seq.present) == [False] * 20 + [True] * 60
    assert report.warnings == (crowd("the one in view the longest", "on the right"),)


def test_a_moment_on_someone_else_is_dropped_without_a_warning() -> None:
    """Under a second on another body is the model slipping, not a second person."""
    seq, report = prepare(clip((0.0, 30), (RIGHT_SIDE + 0.2, 5), (0.0, 30)), "standing")
    assert list(seq.present) == [True] * 30 + [False] * 5 + [True] * 30
    assert report.warnings == ()


def test_leaving_and_coming_back_somewhere_else_is_still_one_person() -> None:
    seq, report = prepare(clip((LEFT_SIDE, 30), (GONE, 30), (RIGHT_SIDE, 30)), "standing")
    assert list(seq.present) == [True] * 30 + [False] * 30 + [True] * 30
    assert not any("Two people" in w for w in report.warnings)


def test_two_people_seen_at_once_are_reported_and_the_person_kept() -> None:
    """The pipeline marks frames where its two models found different people."""
    seq, report = prepare(clip((0.0, 40), people=dict.fromkeys(range(20, 40), 2)), "standing")
    assert seq.present.all()
    assert report.warnings == (crowd(FROM_THE_START, "in the middle"),)


def hip_outside(image: np.ndarray, visibility: np.ndarray) -> None:
    image[:, L.LEFT_HIP, 0] += 0.6


def shoulder_above(image: np.ndarray, visibility: np.ndarray) -> None:
    image[:, L.LEFT_SHOULDER, 1] -= 0.3


def unclear(image: np.ndarray, visibility: np.ndarray) -> None:
    visibility *= 0.3


@pytest.mark.parametrize("spoil", [hip_outside, shoulder_above, unclear])
def test_frames_of_someone_half_out_of_the_picture_are_dropped(
    spoil: Callable[[np.ndarray, np.ndarray], None],
) -> None:
    """Stepping in or out of view, the model guesses the body: those frames are not counted on."""
    seq = standing(45)
    image, visibility = seq.image.copy(), seq.visibility.copy()
    spoil(image[30:], visibility[30:])
    prepared, report = prepare(with_frames(seq, image, visibility), "standing")
    assert list(prepared.present) == [True] * 30 + [False] * 15
    assert report.usable


# The posture each exercise's synthetic figure works in.
POSTURES: dict[str, Posture] = {
    "glute_bridge": "lying",
    "romanian_deadlift": "standing",
    "bent_over_row": "standing",
    "downward_dog": "hands_and_feet",
    "kettlebell_swing": "standing",
    "squat": "standing",
    "locust": "lying",
}
TURNED = (
    "The video looks turned on its side, so the reps were not counted; rotate it so the floor "
    "is at the bottom of the picture, and try again."
)


def turned(seq: PoseSequence, quarter_turns: int) -> PoseSequence:
    """The sequence as a video turned a quarter clockwise (+1) or anticlockwise (-1) shows it."""
    image = seq.image.copy()
    x, y = seq.image[..., 0], seq.image[..., 1]
    image[..., 0], image[..., 1] = (1 - y, x) if quarter_turns > 0 else (y, 1 - x)
    width, height = seq.size
    return PoseSequence(seq.t, image, seq.world, seq.visibility, (height, width))


@pytest.mark.parametrize("exercise", POSTURES)
def test_an_upright_set_is_counted(exercise: str) -> None:
    seq = generate(exercise, seed=3, reps=3).sequence
    _, report = prepare(seq, POSTURES[exercise])
    assert report.usable
    assert TURNED not in report.warnings


@pytest.mark.parametrize("quarter_turns", [1, -1])
@pytest.mark.parametrize("exercise", POSTURES)
def test_a_set_turned_on_its_side_is_not_counted(exercise: str, quarter_turns: int) -> None:
    seq = turned(generate(exercise, seed=3, reps=3).sequence, quarter_turns)
    _, report = prepare(seq, POSTURES[exercise])
    assert not report.usable
    assert report.warnings == (TURNED,)


def test_a_standing_set_upside_down_is_not_counted() -> None:
    seq = turned(turned(generate("squat", seed=3, reps=3).sequence, 1), 1)
    _, report = prepare(seq, "standing")
    assert not report.usable
    assert report.warnings[0].startswith(
        "The video looks upside down, so the reps were not counted"
    )


def lit(seq: PoseSequence, luma: np.ndarray) -> PoseSequence:
    return PoseSequence(seq.t, seq.image, seq.world, seq.visibility, seq.size, seq.people, luma)


TOO_DARK = "for Backchain to see you well; film with more light on you, from the front or the side."


@pytest.mark.parametrize(
    ("luma", "warning"),
    [
        (np.full(90, 20.0), f"The video is too dark {TOO_DARK}"),
        (np.r_[np.full(30, 120.0), np.full(30, 15.0), np.full(30, 120.0)], f"For 2 s the picture was too dark {TOO_DARK}"),
        (np.r_[np.full(40, 120.0), np.full(8, 15.0), np.full(42, 120.0)], None),  # about half a second
        (np.full(90, 120.0), None),
        (np.full(90, np.nan), None),  # not measured, as in older landmark files
    ],
    ids=["all-dark", "dark-for-a-while", "a-moment-dark", "bright", "unknown"],
)  # fmt: skip
def test_light(luma: np.ndarray, warning: str | None) -> None:
    _, report = prepare(lit(standing(90), luma), "standing")
    assert report.usable
    assert report.warnings == (() if warning is None else (warning,))
