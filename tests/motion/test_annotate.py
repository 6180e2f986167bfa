"""The annotated video: a readable MP4 as long as the source, with the skeleton, the rep count
and fault cues drawn where and when they belong, and nothing left behind on failure."""

from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from backchain.errors import VideoError
from backchain.motion.analysis import (
    AnalysisReport,
    Fault,
    RepDetail,
    VideoSummary,
    analyze,
)
from backchain.motion.annotate import FAULT_SHOW_S, GREEN, Overlay, annotate
from backchain.motion.landmarks import Landmark
from backchain.motion.pipeline import Extraction
from backchain.motion.poses import LANDMARKS, Pose, PoseSequence
from backchain.motion.video import probe

MakeVideo = Callable[..., Path]
GREY = 128
SIZE = (320, 240)
CUE = "Keep your back long."


def report(*, reps: tuple[RepDetail, ...] = (), faults: tuple[Fault, ...] = ()) -> AnalysisReport:
    return AnalysisReport("squat", len(reps), reps, faults, (), VideoSummary(2.0, 15.0, 30))


def rep(index: int, start_s: float, end_s: float) -> RepDetail:
    return RepDetail(index, start_s, end_s, None, ())


def fault(time_s: float, cue: str = CUE) -> Fault:
    return Fault("rounded_back", cue, 1, time_s, 0.5, 0.3)


def test_overlay_counts_reps_finished_by_then() -> None:
    done = report(reps=(rep(1, 0.2, 1.0), rep(2, 1.2, 2.0)))
    assert [Overlay.at(done, t).reps for t in (0.0, 0.99, 1.0, 1.5, 2.0, 9.0)] == [0, 0, 1, 1, 2, 2]


def test_overlay_shows_a_cue_only_near_its_fault() -> None:
    faulty = report(faults=(fault(1.0), fault(1.2), fault(3.0, "Stand tall.")))
    assert Overlay.at(faulty, 1.0 - FAULT_SHOW_S).cues == (CUE,)
    assert Overlay.at(faulty, 1.1).cues == (CUE,)  # two faults, one cue
    assert Overlay.at(faulty, 1.0 - FAULT_SHOW_S - 0.01).cues == ()
    assert Overlay.at(faulty, 2.5).cues == ("Stand tall.",)
    assert Overlay.at(faulty, 2.0).cues == ()


# A standing figure in the middle of the frame, in normalised image coordinates.
STANDING = {
    Landmark.LEFT_SHOULDER: (0.45, 0.3),
    Landmark.RIGHT_SHOULDER: (0.55, 0.3),
    Landmark.LEFT_HIP: (0.47, 0.55),
    Landmark.RIGHT_HIP: (0.53, 0.55),
    Landmark.LEFT_KNEE: (0.47, 0.72),
    Landmark.RIGHT_KNEE: (0.53, 0.72),
    Landmark.LEFT_ANKLE: (0.47, 0.9),
    Landmark.RIGHT_ANKLE: (0.53, 0.9),
}


def standing_sequence(seconds: float = 2.0, fps: float = 15.0) -> PoseSequence:
    image = np.zeros((LANDMARKS, 3))
    image[:, :2] = 0.5  # the landmarks not listed sit at the centre
    for landmark, xy in STANDING.items():
        image[landmark, :2] = xy
    times = [i / fps for i in range(round(seconds * fps))]
    poses: list[Pose | None] = [
        Pose(t=t, image=image, world=np.zeros((LANDMARKS, 3)), visibility=np.ones(LANDMARKS))
        for t in times
    ]
    return PoseSequence.from_poses(times, poses, SIZE)


def frame_at(path: Path, t: float) -> npt.NDArray[np.int16]:
    """The RGB frame shown at time t, as signed integers for differences."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= t - 1e-3:
                return np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.int16)
    raise AssertionError(f"no frame at {t} s in {path}")


def pixel(xy: tuple[float, float], size: tuple[int, int]) -> tuple[int, int]:
    """(row, column) of a normalised point."""
    return round(xy[1] * size[1]), round(xy[0] * size[0])


def test_writes_a_readable_mp4_as_long_as_the_source(tmp_path: Path, make_video: MakeVideo) -> None:
    source = make_video(tmp_path / "grey.mp4", seconds=2.0, size=SIZE)
    out = tmp_path / "annotated.mp4"
    annotate(source, standing_sequence(), report(), out)
    written, original = probe(out), probe(source)
    assert written.duration_s == pytest.approx(original.duration_s, abs=0.2)
    assert written.frames > 0
    assert (written.width, written.height) == SIZE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.mp4", "grey.mp4"]


def test_skeleton_is_drawn_on_the_bones_and_nowhere_else(
    tmp_path: Path, make_video: MakeVideo
) -> None:
    source = make_video(tmp_path / "grey.mp4", seconds=2.0, size=SIZE)
    out = tmp_path / "annotated.mp4"
    annotate(source, standing_sequence(), report(), out)
    drawn, plain = frame_at(out, 1.0), frame_at(source, 1.0)
    hip, knee = STANDING[Landmark.LEFT_HIP], STANDING[Landmark.LEFT_KNEE]
    thigh = pixel(((hip[0] + knee[0]) / 2, (hip[1] + knee[1]) / 2), SIZE)
    for row, column in (thigh, pixel(STANDING[Landmark.RIGHT_ANKLE], SIZE)):
        assert np.abs(drawn[row, column] - plain[row, column]).max() > 60
        assert np.abs(drawn[row, column] - np.array(GREEN)).max() < 50  # a visible landmark
    empty = (slice(40, 200), slice(260, 320))  # right of the figure, below the rep count
    assert np.abs(drawn[empty] - plain[empty]).max() < 12  # only compression noise


def test_cue_appears_near_its_fault_only(tmp_path: Path, make_video: MakeVideo) -> None:
    source = make_video(tmp_path / "grey.mp4", seconds=2.0, size=SIZE)
    out = tmp_path / "annotated.mp4"
    annotate(source, standing_sequence(0.0), report(faults=(fault(1.5),)), out)
    bottom = (slice(SIZE[1] - 40, SIZE[1]), slice(0, SIZE[0]))
    quiet, cued = frame_at(out, 0.2)[bottom], frame_at(out, 1.5)[bottom]
    assert np.abs(quiet - GREY).max() < 12
    assert np.abs(cued - GREY).max() > 60


def test_rep_count_changes_when_a_rep_ends(tmp_path: Path, make_video: MakeVideo) -> None:
    source = make_video(tmp_path / "grey.mp4", seconds=2.0, size=SIZE)
    out = tmp_path / "annotated.mp4"
    annotate(source, standing_sequence(0.0), report(reps=(rep(1, 0.2, 1.0),)), out)
    counter = (slice(0, 40), slice(0, 160))
    before, same, after = (frame_at(out, t)[counter] for t in (0.2, 0.8, 1.4))
    assert np.abs(before - same).max() < 12
    assert np.abs(before - after).max() > 60


def test_failure_leaves_nothing_behind(tmp_path: Path, make_video: MakeVideo) -> None:
    """A file cut short fails after frames were already written; no partial output remains."""
    whole = make_video(tmp_path / "whole.mp4", seconds=4.0, moving_square=True, faststart=True)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    before = sorted(tmp_path.iterdir())
    with pytest.raises(VideoError, match="truncated"):
        annotate(cut, standing_sequence(4.0), report(), tmp_path / "annotated.mp4")
    assert sorted(tmp_path.iterdir()) == before


def test_annotates_a_real_clip(
    samples_dir: Path, extraction_of: Callable[[str], Extraction], tmp_path: Path
) -> None:
    source = samples_dir / "squat_02.mp4"
    extraction = extraction_of("squat_02.mp4")
    info = extraction.info
    analysis = analyze(
        extraction.sequence, "squat", video=VideoSummary(info.duration_s, info.fps, info.frames)
    )
    out = tmp_path / "squat.mp4"
    annotate(source, extraction.sequence, analysis, out)
    written = probe(out)
    assert written.duration_s == pytest.approx(info.duration_s, abs=0.2)
    assert written.frames == pytest.approx(info.frames, abs=2)
    with av.open(str(out)) as container:
        codec = container.streams.video[0].codec_context.name
    assert codec == ("h264" if "libx264" in av.codecs_available else "mpeg4")
    # The skeleton sits on the person: at the left hip of a frame where one was found.
    i = int(np.flatnonzero(extraction.sequence.present)[len(extraction.sequence) // 2])
    t = float(extraction.sequence.t[i])
    hip = tuple(extraction.sequence.image[i, Landmark.LEFT_HIP, :2])
    row, column = pixel(hip, (info.width, info.height))
    drawn, plain = frame_at(out, t), frame_at(source, t)
    assert np.abs(drawn[row, column] - plain[row, column]).max() > 60
