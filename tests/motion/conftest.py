"""Shared fixtures for the motion tests: the labelled sample clips, small generated videos, the
real pipeline's results on the clips (computed once per run), and the installed command.

The sample clips live outside the repository, in ../shared/samples; tests that need them skip
only when that folder is absent. A test that takes `labelled_clip` runs once per clip of
labels.tsv or labels-more.tsv.
"""

import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from sample_labels import SAMPLES, LabelledClip, labelled_clips

from backchain.motion.estimators import MediaPipePose
from backchain.motion.pipeline import Extraction, extract

BACKCHAIN = Path(sys.executable).parent / "backchain"
COMMAND_TIMEOUT_S = 120  # the longest clip takes about 10 s; a hang should fail, not stall


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs the pose model on real video (seconds each)")


def _labelled_clips() -> list[LabelledClip]:
    """The clips in labels.tsv and labels-more.tsv; none when the samples folder is absent."""
    return labelled_clips(SAMPLES) if SAMPLES.is_dir() else []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "labelled_clip" in metafunc.fixturenames:
        clips = _labelled_clips()
        metafunc.parametrize("labelled_clip", clips, ids=[clip.path.name for clip in clips])


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The folder of sample clips; the test is skipped when it is absent."""
    if not SAMPLES.is_dir():
        pytest.skip(f"no sample clips at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def extraction_of(samples_dir: Path) -> Callable[[str], Extraction]:
    """The real pipeline's pose sequence for a sample clip, run once per clip per test run."""
    cache: dict[str, Extraction] = {}

    def get(name: str) -> Extraction:
        if name not in cache:
            cache[name] = extract(samples_dir / name, MediaPipePose)
        return cache[name]

    return get


MakeVideo = Callable[..., Path]


def _make_video(
    path: Path,
    *,
    seconds: float = 2.0,
    size: tuple[int, int] = (160, 120),
    fps: int = 15,
    moving_square: bool = False,
    faststart: bool = False,
) -> Path:
    """A small MP4 of a plain grey frame (no person), optionally with a square moving across
    it so every frame carries data; `faststart` puts the index first, as phones do."""
    width, height = size
    frames = round(seconds * fps)
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), mode="w", format="mp4", options=options) as container:
        stream = container.add_stream("libx264" if "libx264" in av.codecs_available else "mpeg4")
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        for i in range(frames):
            rgb = np.full((height, width, 3), 128, np.uint8)
            if moving_square:
                x = i * (width - 20) // max(frames - 1, 1)
                rgb[height // 3 : height // 3 + 20, x : x + 20] = (i * 37) % 256
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.fixture
def make_video() -> MakeVideo:
    """`make_video(path, seconds=2.0, size=(160, 120), fps=15, moving_square=False, faststart=False)`."""
    return _make_video


Backchain = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def command_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HOME for the command: the libraries under MediaPipe keep caches there, shared by all runs
    so they are built once, and kept out of the folders the tests check for stray files."""
    return tmp_path_factory.mktemp("home")


def run_backchain(*args: str | Path, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `backchain` command as a user would, with a plain environment."""
    return subprocess.run(
        [str(BACKCHAIN), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "HOME": str(home)},
    )


@pytest.fixture
def backchain(tmp_path: Path, command_home: Path) -> Backchain:
    """`backchain ARGS...` run in the test's scratch folder."""

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return run_backchain(*args, cwd=tmp_path, home=command_home)

    return run


@pytest.fixture(scope="module")
def module_backchain(tmp_path_factory: pytest.TempPathFactory, command_home: Path) -> Backchain:
    """Like `backchain`, for module-scoped fixtures that run the model once for many tests."""
    folder = tmp_path_factory.mktemp("work")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return run_backchain(*args, cwd=folder, home=command_home)

    return run
