"""Landmark files: a saved sequence loads back unchanged; anything else is one clear MotionError."""

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from backchain.errors import MotionError
from backchain.motion.landmark_file import FORMAT, VERSION, load_landmarks, save_landmarks
from backchain.motion.poses import LANDMARKS, Pose, PoseSequence
from backchain.motion.video import VideoInfo

INFO = VideoInfo(duration_s=2.0, fps=30.0, frames=60, width=640, height=360, rotation=90)


def sequence(frames: int = 20, *, missing: tuple[int, ...] = (3, 4, 11)) -> PoseSequence:
    """Random landmarks at 15 frames a second, with no person in the `missing` frames."""
    rng = np.random.default_rng(7)
    times = [i / 15 for i in range(frames)]
    poses: list[Pose | None] = [
        None
        if i in missing
        else Pose(
            t=t,
            image=rng.random((LANDMARKS, 3)),
            world=rng.normal(size=(LANDMARKS, 3)),
            visibility=rng.random(LANDMARKS),
        )
        for i, t in enumerate(times)
    ]
    luma = [float(v) for v in rng.uniform(0, 255, frames)]
    return PoseSequence.from_poses(times, poses, (640, 360), luma=luma)


def test_round_trip_keeps_every_value(tmp_path: Path) -> None:
    original = sequence()
    path = tmp_path / "poses.npz"
    save_landmarks(path, original, INFO)
    loaded, info = load_landmarks(path)
    assert info == INFO
    assert loaded.size == original.size
    for name in ("t", "image", "world", "visibility", "people", "luma"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(original, name))
    assert list(loaded.present) == [i not in (3, 4, 11) for i in range(20)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poses.npz"]  # no partial file left


def test_a_file_from_before_brightness_was_saved_loads_without_it(tmp_path: Path) -> None:
    original = sequence()
    path = tmp_path / "poses.npz"
    save_landmarks(path, original, INFO)
    rewrite(path, drop="luma")
    loaded, _ = load_landmarks(path)
    np.testing.assert_array_equal(loaded.image, original.image)
    assert np.isnan(loaded.luma).all()
    assert len(loaded.luma) == len(original)


def test_round_trip_of_an_empty_sequence(tmp_path: Path) -> None:
    path = tmp_path / "empty.npz"
    save_landmarks(path, sequence(0, missing=()), INFO)
    loaded, _ = load_landmarks(path)
    assert len(loaded) == 0


def rewrite(path: Path, *, header: dict[str, object] | None = None, drop: str = "") -> None:
    """Save the file again with its header replaced and/or one array left out."""
    with np.load(path) as data:
        arrays = {name: np.array(data[name]) for name in data.files if name != drop}
    if header is not None:
        arrays["header"] = np.array(json.dumps(header))
    np.savez_compressed(path, **arrays)


def good_header(path: Path) -> dict[str, object]:
    with np.load(path) as data:
        header: dict[str, object] = json.loads(str(data["header"]))
    return header


Spoil = Callable[[Path], None]


def text_file(path: Path) -> None:
    path.write_text("t,x,y\n0,0.5,0.5\n")


def plain_npz(path: Path) -> None:
    np.savez(path, t=np.zeros(3))


def other_format(path: Path) -> None:
    rewrite(path, header={**good_header(path), "format": "openpose-keypoints"})


def newer_version(path: Path) -> None:
    rewrite(path, header={**good_header(path), "version": VERSION + 1})


def missing_array(path: Path) -> None:
    rewrite(path, drop="visibility")


def short_luma(path: Path) -> None:
    with np.load(path) as data:
        arrays = {name: np.array(data[name]) for name in data.files}
    arrays["luma"] = arrays["luma"][:5]
    np.savez_compressed(path, **arrays)


def wrong_shape(path: Path) -> None:
    header = good_header(path)
    with np.load(path) as data:
        arrays = {name: np.array(data[name]) for name in data.files}
    arrays["image"] = arrays["image"][:, :17]  # a 17-keypoint model's output
    arrays["header"] = np.array(json.dumps(header))
    np.savez_compressed(path, **arrays)


def bad_video_info(path: Path) -> None:
    rewrite(path, header={**good_header(path), "video": {"duration_s": 2.0}})


def deleted(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (text_file, "is not a Backchain landmark file; make one with `backchain landmarks`."),
        (plain_npz, "is not a Backchain landmark file"),
        (other_format, "is not a Backchain landmark file"),
        (missing_array, "is not a Backchain landmark file"),
        (newer_version, f"was written by a newer Backchain (landmark format {VERSION + 1})"),
        (wrong_shape, "is damaged (image must have shape (20, 33, 3)"),
        (bad_video_info, "is damaged"),
        (short_luma, "is damaged (luma must have shape (20,)"),
        (deleted, "no such file; check the path."),
    ],
)
def test_bad_file_is_one_line_motion_error(tmp_path: Path, spoil: Spoil, message: str) -> None:
    path = tmp_path / "poses.npz"
    save_landmarks(path, sequence(), INFO)
    spoil(path)
    with pytest.raises(MotionError) as caught:
        load_landmarks(path)
    text = str(caught.value)
    assert message in text
    assert str(path) in text
    assert "\n" not in text


def test_header_names_the_format(tmp_path: Path) -> None:
    """Other tools can recognise the file by its header alone."""
    path = tmp_path / "poses.npz"
    save_landmarks(path, sequence(), INFO)
    header = good_header(path)
    assert (header["format"], header["version"]) == (FORMAT, VERSION)
    assert header["size"] == [640, 360]
