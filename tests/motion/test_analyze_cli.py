"""`backchain analyze VIDEO --exercise ID [--json] [--annotate OUT.mp4]` and
`backchain landmarks VIDEO -o FILE.npz`, run as the installed command."""

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import pytest

from backchain.motion.landmark_file import save_landmarks
from backchain.motion.pipeline import ANALYSIS_FPS
from backchain.motion.synthetic import generate
from backchain.motion.video import VideoInfo, probe

Run = Callable[..., subprocess.CompletedProcess[str]]
MakeVideo = Callable[..., Path]
Sample = Callable[[str], Path]  # a sample clip by name; skips the test when there are none
MakeInput = Callable[[Path, MakeVideo, Sample], Path]

SQUAT = "squat_02.mp4"
SQUAT_REPS = 5
SQUAT_DURATION_S = 10.67
COMMAND_TIMEOUT_S = 120  # as the `backchain` fixture allows


def text_renamed(folder: Path, make_video: MakeVideo, sample: Sample) -> Path:
    path = folder / "notes.mp4"
    path.write_text("Squats: 3 sets of 10, felt fine.\n")
    return path


def empty_file(folder: Path, make_video: MakeVideo, sample: Sample) -> Path:
    path = folder / "empty.mp4"
    path.touch()
    return path


def no_frames(folder: Path, make_video: MakeVideo, sample: Sample) -> Path:
    """A valid MP4 whose video stream never received a frame."""
    path = folder / "no-frames.mp4"
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4")
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 15)
        container.start_encoding()
    assert path.stat().st_size > 0
    return path


def missing(folder: Path, make_video: MakeVideo, sample: Sample) -> Path:
    return folder / "not-there.mp4"


def cut_short(folder: Path, make_video: MakeVideo, sample: Sample) -> Path:
    """Index first, as phones write it: the header reads fine, then the frames run out."""
    whole = make_video(folder / "whole.mp4", seconds=4, moving_square=True, faststart=True)
    path = folder / "cut.mp4"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    return path


def first_20kb(name: str) -> MakeInput:
    def make(folder: Path, make_video: MakeVideo, sample: Sample) -> Path:
        path = folder / f"cut-{name}"
        path.write_bytes(sample(name).read_bytes()[:20_000])
        return path

    return make


def middle_zeroed(name: str) -> MakeInput:
    def make(folder: Path, make_video: MakeVideo, sample: Sample) -> Path:
        data = bytearray(sample(name).read_bytes())
        third = len(data) // 3
        data[third : 2 * third] = bytes(third)
        path = folder / f"zeroed-{name}"
        path.write_bytes(bytes(data))
        return path

    return make


BAD_INPUTS = [
    pytest.param(text_renamed, "is not a video Backchain can read", id="text-renamed-mp4"),
    pytest.param(empty_file, "is not a video Backchain can read", id="empty-file"),
    pytest.param(no_frames, "has no", id="zero-frames"),
    pytest.param(missing, "not-there.mp4: no such file; check the path.", id="missing"),
    pytest.param(cut_short, "is truncated", id="cut-short"),
    # squat_02 keeps its index at the end, so a cut copy does not even open ...
    pytest.param(first_20kb(SQUAT), "is not a video Backchain can read", id="first-20kb"),
    # ... locust_01 keeps it first, so 18 frames decode and then the data stops.
    pytest.param(first_20kb("locust_01.mp4"), "is truncated", id="first-20kb-index-first"),
    pytest.param(middle_zeroed(SQUAT), "is corrupt or truncated", id="middle-zeroed"),
]
COMMANDS = {
    "analyze": ("--exercise", "squat", "--annotate", "out.mp4"),
    "landmarks": ("-o", "out.npz"),
}


@pytest.fixture
def sample(request: pytest.FixtureRequest) -> Sample:
    def get(name: str) -> Path:
        folder: Path = request.getfixturevalue("samples_dir")
        return folder / name

    return get


def assert_one_line_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert message in lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("make_input", "message"), BAD_INPUTS)
def test_bad_video_is_one_line_exit_2_and_writes_nothing(
    backchain: Run,
    tmp_path: Path,
    make_video: MakeVideo,
    sample: Sample,
    command: str,
    make_input: MakeInput,
    message: str,
) -> None:
    video = make_input(tmp_path, make_video, sample)
    before = sorted(tmp_path.iterdir())
    result = backchain(command, video.name, *COMMANDS[command])
    assert_one_line_error(result, message)
    assert sorted(tmp_path.iterdir()) == before  # no output, no partial file


@pytest.mark.parametrize("video", ["not-there.mp4", "notes.mp4"])
def test_unknown_exercise_fails_before_the_video_is_read(
    backchain: Run, tmp_path: Path, video: str
) -> None:
    (tmp_path / "notes.mp4").write_text("not a video")
    result = backchain("analyze", video, "--exercise", "plank", "--annotate", "out.mp4")
    assert_one_line_error(result, "Unknown exercise 'plank'. Choose one of: glute_bridge,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.mp4"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--annotate", "no/such/folder/out.mp4"), "no/such/folder: no such folder"),
        (("--annotate", "."), ". is a folder"),
    ],
)
def test_bad_annotate_path_fails_before_any_work(
    backchain: Run, tmp_path: Path, make_video: MakeVideo, args: tuple[str, ...], message: str
) -> None:
    make_video(tmp_path / "grey.mp4")
    result = backchain("analyze", "grey.mp4", "--exercise", "squat", *args)
    assert_one_line_error(result, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grey.mp4"]


def test_landmarks_needs_an_output(backchain: Run, tmp_path: Path, make_video: MakeVideo) -> None:
    make_video(tmp_path / "grey.mp4")
    result = backchain("landmarks", "grey.mp4")
    assert result.returncode == 2  # Typer's own usage error
    assert "--output" in result.stderr


@pytest.mark.slow
def test_no_person_is_zero_reps_with_a_warning(
    backchain: Run, tmp_path: Path, make_video: MakeVideo
) -> None:
    make_video(tmp_path / "grey.mp4", seconds=2)
    result = backchain("analyze", "grey.mp4", "--exercise", "squat", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the model's own log lines stay hidden
    out = json.loads(result.stdout)
    assert (out["reps"], out["rep_details"], out["faults"]) == (0, [], [])
    assert len(out["warnings"]) == 1
    assert out["warnings"][0].startswith("No one was found in the video.")
    assert out["timing"]["frames_analyzed"] == 24  # 2 s at 12 frames a second


@pytest.mark.slow
def test_no_person_human_output_and_annotation(
    backchain: Run, tmp_path: Path, make_video: MakeVideo
) -> None:
    make_video(tmp_path / "grey.mp4", seconds=2)
    result = backchain("analyze", "grey.mp4", "--exercise", "squat", "--annotate", "out.mp4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("squat: 0 reps (2.0 s of video analysed in ")
    assert "Warnings" in result.stdout
    assert "No one was found in the video." in result.stdout
    assert probe(tmp_path / "out.mp4").duration_s == pytest.approx(2.0, abs=0.2)


# One run of the model on a real clip, shared by the tests below.


@dataclass(frozen=True)
class SquatRuns:
    folder: Path
    analyze: subprocess.CompletedProcess[str]  # --json --annotate folder/squat.mp4
    landmarks: subprocess.CompletedProcess[str]  # -o folder/squat.npz


@pytest.fixture(scope="module")
def squat(
    samples_dir: Path, tmp_path_factory: pytest.TempPathFactory, module_backchain: Run
) -> SquatRuns:
    folder = tmp_path_factory.mktemp("squat")
    video = samples_dir / SQUAT
    return SquatRuns(
        folder,
        module_backchain(
            "analyze", video, "-e", "squat", "--json", "--annotate", folder / "squat.mp4"
        ),
        module_backchain("landmarks", video, "-o", folder / "squat.npz"),
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a run that worked and said nothing on stderr (no model log lines)."""
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.slow
def test_json_contract_on_a_real_clip(squat: SquatRuns) -> None:
    out = json.loads(succeeded(squat.analyze))
    assert list(out) == ["exercise", "reps", "rep_details", "faults", "warnings", "video", "timing"]
    assert (out["exercise"], out["reps"]) == ("squat", SQUAT_REPS)
    assert [rep["index"] for rep in out["rep_details"]] == [1, 2, 3, 4, 5]
    for rep in out["rep_details"]:
        assert list(rep) == ["index", "start_s", "end_s", "hold_s", "faults"]
        assert 0 <= rep["start_s"] < rep["end_s"] <= SQUAT_DURATION_S
        assert rep["hold_s"] is None  # squats are not timed at the top
        assert all(isinstance(fault, str) for fault in rep["faults"])
    for fault in out["faults"]:
        assert list(fault) == ["id", "cue", "rep", "time_s", "value", "threshold"]
        assert isinstance(fault["cue"], str)
        assert isinstance(fault["time_s"], float)
    assert all(isinstance(warning, str) for warning in out["warnings"])
    assert out["video"] == {
        "duration_s": pytest.approx(SQUAT_DURATION_S, abs=0.01),
        "fps": 30.0,
        "frames": 320,
    }
    assert list(out["timing"]) == ["wall_s", "frames_analyzed"]
    assert 0 < out["timing"]["wall_s"] < COMMAND_TIMEOUT_S
    assert out["timing"]["frames_analyzed"] == pytest.approx(SQUAT_DURATION_S * ANALYSIS_FPS, abs=2)


@pytest.mark.slow
def test_annotate_writes_the_video_alongside_the_json(squat: SquatRuns) -> None:
    succeeded(squat.analyze)
    written = probe(squat.folder / "squat.mp4")
    assert written.duration_s == pytest.approx(SQUAT_DURATION_S, abs=0.2)
    assert written.frames > 0
    assert sorted(p.name for p in squat.folder.iterdir()) == ["squat.mp4", "squat.npz"]


@pytest.mark.slow
def test_landmark_file_gives_the_same_analysis(squat: SquatRuns, backchain: Run) -> None:
    from_video = json.loads(succeeded(squat.analyze))
    frames = from_video["timing"]["frames_analyzed"]
    assert succeeded(squat.landmarks).startswith(f"Saved {frames} frames ({frames} with a person)")
    result = backchain("analyze", squat.folder / "squat.npz", "--exercise", "squat", "--json")
    from_file = json.loads(succeeded(result))
    assert from_file["reps"] == from_video["reps"] == SQUAT_REPS
    for a, b in zip(from_file["rep_details"], from_video["rep_details"], strict=True):
        assert a["start_s"] == pytest.approx(b["start_s"], abs=0.2)
        assert a["end_s"] == pytest.approx(b["end_s"], abs=0.2)
    assert from_file["video"] == from_video["video"]


@pytest.mark.slow
def test_landmark_file_is_recognised_by_content_and_read_for_humans(
    squat: SquatRuns, backchain: Run, tmp_path: Path
) -> None:
    succeeded(squat.landmarks)
    renamed = tmp_path / "squat-poses"  # no .npz extension
    shutil.copy(squat.folder / "squat.npz", renamed)
    out = succeeded(backchain("analyze", renamed, "--exercise", "squat"))
    assert out.startswith(f"squat: {SQUAT_REPS} reps, filmed from the front")
    table = [line.split("│") for line in out.splitlines() if line.count("│") == 6]  # 5 columns
    assert [row[1].strip() for row in table if row[1].strip()] == ["1", "2", "3", "4", "5"]


@pytest.mark.slow
def test_annotate_needs_the_video_not_a_landmark_file(
    squat: SquatRuns, backchain: Run, tmp_path: Path
) -> None:
    succeeded(squat.landmarks)
    npz = squat.folder / "squat.npz"
    result = backchain("analyze", npz, "--exercise", "squat", "--annotate", tmp_path / "o.mp4")
    assert_one_line_error(result, "--annotate draws on the video itself")
    assert not (tmp_path / "o.mp4").exists()


@pytest.mark.parametrize(("reps", "said"), [(1, "squat: 1 rep, "), (2, "squat: 2 reps, ")])
def test_the_count_is_said_in_words_that_agree_with_it(
    reps: int, said: str, backchain: Run, tmp_path: Path
) -> None:
    synthetic = generate("squat", seed=reps, reps=reps)
    seq = synthetic.sequence
    duration_s = float(seq.t[-1])
    info = VideoInfo(duration_s, 15.0, len(seq), *seq.size, rotation=0)
    save_landmarks(tmp_path / "squat.npz", seq, info)
    out = succeeded(backchain("analyze", tmp_path / "squat.npz", "--exercise", "squat"))
    assert out.startswith(said)
