"""Robustness of video analysis, end to end with the real model: clips made at test time with
ffmpeg from the labelled samples (two people side by side, a person who leaves and comes back,
a video turned on its side, a dark one), and the pipeline's seam on a stand-in model.

Expected counts come from the labels: the reps of the parts of a sample a clip keeps. Each
clip is built and analysed once per module, about 50 s for all on two cores.
"""

import csv
import itertools
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze
from backchain.motion.estimators import MediaPipePose
from backchain.motion.landmarks import Landmark
from backchain.motion.pipeline import ANALYSIS_FPS, Extraction, extract
from backchain.motion.poses import LANDMARKS, Pose

pytestmark = pytest.mark.slow

FFMPEG_TIMEOUT_S = 60
# labels-more.tsv, notes of squat_12: "bottoms at ~0.75, 3.1, 5.4, 7.9, 10.2, 12.5 s; ends
# standing", standing tall between them, for about 0.6 s around the midpoint.
SQUAT_12_BOTTOMS_S = (0.75, 3.1, 5.4, 7.9, 10.2, 12.5)
SQUAT_12_S = 13.52
STANDING_S = 0.3  # half the time standing between two squats
TURNED = (
    "The video looks turned on its side, so the reps were not counted; rotate it so the floor "
    "is at the bottom of the picture, and try again."
)
TOO_DARK = (
    "The video is too dark for Backchain to see you well; film with more light on you, "
    "from the front or the side."
)


@dataclass(frozen=True)
class Analysed:
    extraction: Extraction
    report: AnalysisReport


def labelled_reps(samples: Path, name: str) -> int:
    with (samples / "labels-more.tsv").open(encoding="utf-8", newline="") as file:
        rows = {row["file"]: row for row in csv.DictReader(file, delimiter="\t")}
    return int(rows[name]["reps"])


def squat_12_reps(*spans: tuple[float, float]) -> int:
    """The labelled squats of squat_12 done whole inside one of the kept spans: from standing
    before the bottom (halfway from the previous one) to standing after it."""
    bottoms = SQUAT_12_BOTTOMS_S
    edges = [0.0, *((a + b) / 2 for a, b in itertools.pairwise(bottoms)), SQUAT_12_S]
    return sum(
        any(
            start <= edges[k] + STANDING_S and edges[k + 1] - STANDING_S <= end
            for start, end in spans
        )
        for k in range(len(bottoms))
    )


@pytest.fixture(scope="module")
def ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        pytest.skip("ffmpeg is not installed (Debian: apt-get install ffmpeg)")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


MakeClip = Callable[..., Path]


@pytest.fixture(scope="module")
def make_clip(ffmpeg: str, folder: Path, samples_dir: Path) -> MakeClip:
    """`make_clip(name, [sample, ...], filter_graph)`: the samples through an ffmpeg filter
    graph whose output is [out], encoded as a small H.264 MP4."""

    def make(name: str, inputs: list[str], graph: str) -> Path:
        out = folder / f"{name}.mp4"
        sources = [arg for sample in inputs for arg in ("-i", str(samples_dir / sample))]
        command = [ffmpeg, "-v", "error", "-y", *sources, "-filter_complex", graph]
        command += ["-map", "[out]", "-an", "-c:v", "libx264", "-crf", "20", "-preset", "veryfast"]
        subprocess.run(
            [*command, "-pix_fmt", "yuv420p", str(out)], check=True, timeout=FFMPEG_TIMEOUT_S
        )
        return out

    return make


def analysed(path: Path, exercise: str) -> Analysed:
    extraction = extract(path, MediaPipePose)
    info = extraction.info
    video = VideoSummary(info.duration_s, info.fps, info.frames)
    return Analysed(extraction, analyze(extraction.sequence, exercise, video=video))


# --- two people ---

LEFT_CLIP = "romanian_deadlift_10.mp4"
ENTERS_S = 3.0  # the second person steps into the right of the picture


@pytest.fixture(scope="module")
def two_people(make_clip: MakeClip) -> Analysed:
    """Someone doing deadlifts on the left from the start, and a second person squatting on
    the right from 3 s on; the clip ends with the deadlifts."""
    path = make_clip(
        "two_people",
        [LEFT_CLIP, "squat_12.mp4"],
        "[0:v]scale=-2:432,setsar=1,fps=25[a];"
        f"[1:v]scale=-2:432,setsar=1,fps=25,tpad=start_duration={ENTERS_S}:color=gray[b];"
        "[a][b]hstack=inputs=2:shortest=1[out]",
    )
    return analysed(path, "romanian_deadlift")


def test_two_people_the_one_there_from_the_start_is_counted(
    two_people: Analysed, samples_dir: Path
) -> None:
    report = two_people.report
    assert report.reps == labelled_reps(samples_dir, LEFT_CLIP)
    assert (
        "Two people were in view; Backchain followed the one who was there from the start "
        "(on the left). Next time, film with only you in the picture."
    ) in report.warnings
    assert TURNED not in report.warnings
    assert not any("dark" in warning for warning in report.warnings)


def test_two_people_one_person_is_followed_through_the_whole_clip(two_people: Analysed) -> None:
    """Both halves of the parallel extraction follow the person on the left, where the
    deadlift clip fills the first 24 % of the picture's width."""
    seq = two_people.extraction.sequence
    left_share = 404 * 432 / 720 / (404 * 432 / 720 + 768)
    hips = (seq.image[:, Landmark.LEFT_HIP, 0] + seq.image[:, Landmark.RIGHT_HIP, 0]) / 2
    assert seq.present.mean() > 0.9
    assert np.all(hips[seq.present] < left_share)
    assert np.any(seq.people >= 2)  # and the pipeline saw the second person
    assert not np.any(seq.people[seq.t < ENTERS_S] >= 2)


# --- leaving and coming back ---

OUT_S, BACK_S = (4.3, 4.7), (8.8, 9.2)  # standing still in squat_12 while sliding out and in
AWAY_S = 2.0


@pytest.fixture(scope="module")
def left_and_came_back(make_clip: MakeClip) -> Analysed:
    """squat_12 to 4.3 s; the picture slides out to the right (the person half out of view),
    2 s of the room blurred beyond recognition, the picture slides back in, and squat_12 goes
    on from 9.2 s to the end."""
    (out_0, out_1), (in_0, in_1) = OUT_S, BACK_S
    slide_out, slide_in = out_1 - out_0, in_1 - in_0
    grey = "color=c=gray:s=768x432:r=25:d={d}"
    path = make_clip(
        "left_and_came_back",
        ["squat_12.mp4"],
        "[0:v]fps=25,split=5[a][b][c][d][e];"
        f"[a]trim=0:{out_0},setpts=PTS-STARTPTS[before];"
        f"[b]trim={out_0}:{out_1},setpts=PTS-STARTPTS[o];{grey.format(d=slide_out)}[g1];"
        f"[g1][o]overlay=x='main_w*t/{slide_out}':y=0:shortest=1[going];"
        f"[c]trim={out_1}:{out_1 + AWAY_S},setpts=PTS-STARTPTS,gblur=sigma=60[away];"
        f"[d]trim={in_0}:{in_1},setpts=PTS-STARTPTS[i];{grey.format(d=slide_in)}[g2];"
        f"[g2][i]overlay=x='main_w*(1-t/{slide_in})':y=0:shortest=1[coming];"
        f"[e]trim={in_1},setpts=PTS-STARTPTS[after];"
        "[before][going][away][coming][after]concat=n=5:v=1[out]",
    )
    return analysed(path, "squat")


def test_leaving_and_coming_back_counts_only_the_reps_done(
    left_and_came_back: Analysed, samples_dir: Path
) -> None:
    assert len(SQUAT_12_BOTTOMS_S) == labelled_reps(samples_dir, "squat_12.mp4")
    report = left_and_came_back.report
    assert report.reps == squat_12_reps((0.0, OUT_S[0]), (BACK_S[1], float("inf")))
    assert not any("Two people" in warning for warning in report.warnings)


def test_leaving_and_coming_back_leaves_the_time_away_empty(left_and_came_back: Analysed) -> None:
    seq = left_and_came_back.extraction.sequence
    away = (seq.t > OUT_S[1] + 0.2) & (seq.t < OUT_S[1] + AWAY_S - 0.2)
    assert not seq.present[away].any()


# --- a video turned on its side ---


@pytest.fixture(
    scope="module",
    params=[("squat", 1), ("glute_bridge", 2)],
    ids=["squat-clockwise", "bridge-anticlockwise"],
)
def turned(request: pytest.FixtureRequest, make_clip: MakeClip) -> Analysed:
    """The first 5 s of a sample, turned a quarter with ffmpeg's transpose."""
    exercise, transpose = request.param
    sample = {"squat": "squat_12.mp4", "glute_bridge": "glute_bridge_10.mp4"}[exercise]
    path = make_clip(
        f"turned_{exercise}",
        [sample],
        f"[0:v]trim=0:5,setpts=PTS-STARTPTS,transpose={transpose}[out]",
    )
    return analysed(path, exercise)


def test_a_turned_video_is_not_counted_and_says_why(turned: Analysed) -> None:
    assert turned.extraction.sequence.present.mean() > 0.5  # the model did find the person
    assert turned.report.reps == 0
    assert turned.report.rep_details == ()
    assert turned.report.warnings[0] == TURNED


# --- a dark video ---

DARK_SPAN_S = (0.0, 7.0)  # squat_12's first three squats


@pytest.fixture(scope="module", params=[0.4, 0.08], ids=["dim", "very-dark"])
def dark(request: pytest.FixtureRequest, make_clip: MakeClip) -> tuple[float, Analysed]:
    """The first 7 s of squat_12 with every level scaled down to `param` of full brightness."""
    level = request.param
    start, end = DARK_SPAN_S
    path = make_clip(
        f"dark_{level}",
        ["squat_12.mp4"],
        f"[0:v]trim={start}:{end},setpts=PTS-STARTPTS,curves=all='0/0 1/{level}'[out]",
    )
    return level, analysed(path, "squat")


def test_a_dark_video_is_counted_right_or_warned_about(dark: tuple[float, Analysed]) -> None:
    level, result = dark
    warned = TOO_DARK in result.report.warnings
    assert warned or result.report.reps == squat_12_reps(DARK_SPAN_S)
    if level < 0.1:
        assert warned


def test_a_clip_in_good_light_has_no_light_warning(left_and_came_back: Analysed) -> None:
    assert not any("dark" in warning for warning in left_and_came_back.report.warnings)
    luma = left_and_came_back.extraction.sequence.luma
    assert np.isfinite(luma).all()


# --- the pipeline's seam, on a stand-in model ---

PLACES = {"left": 0.25, "right": 0.75}


def standing_at(x: float, t: float) -> Pose:
    """A person at `x` across the picture: shoulders 0.3 and hips 0.55 of the height down."""
    image = np.zeros((LANDMARKS, 3))
    image[:, 0] = x
    image[:, 1] = 0.5
    image[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], 1] = 0.3
    image[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 1] = 0.55
    return Pose(t, image, np.zeros((LANDMARKS, 3)), np.full(LANDMARKS, 0.9))


class FirstSeen:
    """A stand-in for a tracking model with two people in view: it locks onto the person on
    the left when its first frame comes before `switch_s`, else the one on the right, and
    follows that person to the end, as MediaPipe's tracking does."""

    def __init__(self, switch_s: float) -> None:
        self.switch_s = switch_s
        self.locked: str | None = None

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        if self.locked is None:
            self.locked = "left" if t < self.switch_s else "right"
        return standing_at(PLACES[self.locked], t)

    def close(self) -> None:
        pass


def person_at(extraction: Extraction) -> set[float]:
    return {float(x) for x in extraction.sequence.image[:, Landmark.LEFT_HIP, 0]}


def test_the_second_stretch_follows_the_first_stretchs_person(
    tmp_path: Path, make_video: Callable[..., Path]
) -> None:
    """The second model starts on the other person: the stretch is estimated again by the
    first model carrying on, and its frames are marked as showing two people."""
    path = make_video(tmp_path / "grey.mp4", seconds=4.0)
    extraction = extract(path, lambda: FirstSeen(switch_s=0.5))
    seq = extraction.sequence
    assert person_at(extraction) == {PLACES["left"]}
    assert list(seq.people) == [1 if t < 2.0 else 2 for t in seq.t]
    steps = np.diff(seq.t)
    assert len(seq) == pytest.approx(4.0 * ANALYSIS_FPS, abs=2)
    assert steps.min() > 0
    # none missing: each sampling step takes the next frame of the video
    assert steps.max() <= 1 / ANALYSIS_FPS + 1 / extraction.info.fps + 1e-6


def test_stretches_that_agree_are_kept_as_they_are(
    tmp_path: Path, make_video: Callable[..., Path]
) -> None:
    path = make_video(tmp_path / "grey.mp4", seconds=4.0)
    extraction = extract(path, lambda: FirstSeen(switch_s=10.0))
    assert person_at(extraction) == {PLACES["left"]}
    assert set(extraction.sequence.people) == {1}


class ReadsLimbs:
    """A stand-in for a tracking model that reads one person's arms and legs `shift` torso
    lengths (0.25 here) to the side when its first frame comes at or after `switch_s`: the
    same body, read differently from there on, as a model started part-way may do."""

    TORSO = 0.25  # shoulders 0.3 and hips 0.55 of the height, as `standing_at` places them
    ASPECT = 120 / 160  # make_video's picture: a torso length across is this share of its width

    def __init__(self, switch_s: float, shift: float) -> None:
        self.switch_s, self.shift = switch_s, shift
        self.offset: float | None = None

    def estimate(self, rgb: npt.NDArray[np.uint8], t: float) -> Pose | None:
        if self.offset is None:
            self.offset = 0.0 if t < self.switch_s else self.shift * self.TORSO
        pose = standing_at(PLACES["left"], t)
        limbs = [Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE,
                 Landmark.RIGHT_ANKLE, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST]  # fmt: skip
        pose.image[limbs, 0] += self.offset * self.ASPECT
        return pose

    def close(self) -> None:
        pass


def knees_at(extraction: Extraction) -> list[float]:
    return [round(float(x), 6) for x in extraction.sequence.image[:, Landmark.LEFT_KNEE, 0]]


def test_a_second_stretch_that_reads_the_body_differently_is_read_again(
    tmp_path: Path, make_video: Callable[..., Path]
) -> None:
    """Its model places the limbs 0.25 torso lengths away from where the first model does: the
    first model reads the stretch again, so the signal has no jump at the seam, and no one
    else is said to be in view."""
    path = make_video(tmp_path / "grey.mp4", seconds=4.0)
    extraction = extract(path, lambda: ReadsLimbs(switch_s=0.5, shift=0.25))
    assert set(knees_at(extraction)) == {PLACES["left"]}
    assert set(extraction.sequence.people) == {1}


def test_a_second_stretch_that_differs_by_jitter_is_kept(
    tmp_path: Path, make_video: Callable[..., Path]
) -> None:
    """A few hundredths of a torso length apart is the model's jitter: the stretch is kept."""
    path = make_video(tmp_path / "grey.mp4", seconds=4.0)
    extraction = extract(path, lambda: ReadsLimbs(switch_s=0.5, shift=0.03))
    seq, knees = extraction.sequence, knees_at(extraction)
    assert [x == PLACES["left"] for x in knees] == [t < 2.0 for t in seq.t]
