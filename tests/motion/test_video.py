"""Video reading: rotation metadata, variable frame rates and sampling by timestamp, including
frames the decoder passes over because sampling does not take them."""

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from backchain.errors import VideoError
from backchain.motion.video import probe, read_frames


def write_video(
    path: Path, times_s: list[float], *, rotation: int = 0, size: tuple[int, int] = (64, 32)
) -> Path:
    """A small MPEG-4 clip whose frames have a white square in the top-left corner."""
    width, height = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        for t in times_s:
            image = np.zeros((height, width, 3), np.uint8)
            image[:8, :8] = 255
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = round(t * 1000), Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


# Encoders whose B-frames no other frame is predicted from: the frames sampling may pass over.
B_FRAME_CODECS = {
    "mpeg4": {"bf": "2"},
    "libx264": {"x264-params": "bframes=3:b-pyramid=none:keyint=30"},
}
FAST_FPS = 60


def write_moving_video(
    path: Path, *, codec: str, seconds: float = 2.0, faststart: bool = False
) -> Path:
    """A 60 frames/s clip with B-frames: a square moves across and changes shade every frame, so
    no two frames look alike. `faststart` puts the index first, as phones do."""
    width, height, frames = 96, 64, round(seconds * FAST_FPS)
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as out:
        stream = out.add_stream(codec, rate=FAST_FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, FAST_FPS)
        stream.options = B_FRAME_CODECS[codec]
        for i in range(frames):
            image = np.full((height, width, 3), 128, np.uint8)
            x = i * (width - 16) // (frames - 1)
            image[24:40, x : x + 16] = (i * 37) % 256
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FAST_FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def white_corner(rgb: np.ndarray) -> tuple[str, str]:
    ys, xs = np.nonzero(rgb.mean(axis=2) > 128)
    h, w = rgb.shape[:2]
    return ("top" if ys.mean() < h / 2 else "bottom", "left" if xs.mean() < w / 2 else "right")


def test_rotation_metadata_gives_upright_frames(tmp_path: Path) -> None:
    path = write_video(tmp_path / "phone.mp4", [i / 15 for i in range(15)], rotation=90)
    info = probe(path)
    assert (info.width, info.height, info.rotation) == (32, 64, 90)
    frame = next(read_frames(path, max_fps=None, max_width=None))
    assert frame.rgb.shape == (64, 32, 3)
    # Shown turned 90 degrees counter-clockwise, the top-left corner ends at the bottom left.
    assert white_corner(frame.rgb) == ("bottom", "left")


def test_unrotated_frames_are_left_alone(tmp_path: Path) -> None:
    path = write_video(tmp_path / "plain.mp4", [i / 15 for i in range(15)])
    frame = next(read_frames(path, max_fps=None, max_width=None))
    assert white_corner(frame.rgb) == ("top", "left")


def test_variable_frame_rate_keeps_the_container_times(tmp_path: Path) -> None:
    times = [0.0, 0.1, 0.15, 0.4, 0.45, 0.5, 1.2, 1.25]
    path = write_video(tmp_path / "vfr.mp4", times)
    got = [frame.t for frame in read_frames(path, max_fps=None, max_width=None)]
    assert got == pytest.approx(times, abs=0.002)


def test_sampling_takes_at_most_the_asked_rate(tmp_path: Path) -> None:
    path = write_video(tmp_path / "fast.mp4", [i / 30 for i in range(60)])
    got = [frame.t for frame in read_frames(path, max_fps=10, max_width=None)]
    assert len(got) == 20
    assert np.diff(got) == pytest.approx([0.1] * 19, abs=0.02)


def test_frames_are_shrunk_to_the_width_asked(tmp_path: Path) -> None:
    path = write_video(tmp_path / "wide.mp4", [0.0, 0.1], size=(320, 180))
    frame = next(read_frames(path, max_fps=None, max_width=160))
    assert frame.rgb.shape == (90, 160, 3)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"", "not a video"), (b"hello, this is text\n" * 50, "not a video")],
)
def test_unreadable_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "clip.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(VideoError, match=message) as caught:
        probe(path)
    assert "\n" not in str(caught.value)


@pytest.fixture(params=[codec for codec in B_FRAME_CODECS if codec in av.codecs_available])
def b_frame_clip(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = write_moving_video(tmp_path / "fast.mp4", codec=request.param)
    with av.open(str(path)) as container:
        kinds = {frame.pict_type for frame in container.decode(video=0)}
    assert av.video.frame.PictureType.B in kinds, "no B-frames: the tests below would prove nothing"
    return path


@pytest.mark.parametrize(("start_s", "end_s"), [(0.0, None), (0.0, 1.0), (0.5, None), (0.7, 1.3)])
def test_sampled_frames_are_the_pictures_at_their_times(
    b_frame_clip: Path, start_s: float, end_s: float | None
) -> None:
    """Passing over frames nothing is predicted from changes neither which frames sampling takes
    nor a single pixel of them, from the start or after a seek to the middle."""
    every = {
        round(frame.t * FAST_FPS): frame.rgb
        for frame in read_frames(b_frame_clip, max_fps=None, max_width=None)
    }
    sampled = list(
        read_frames(b_frame_clip, max_fps=15, max_width=None, start_s=start_s, end_s=end_s)
    )
    last = 2.0 if end_s is None else end_s
    expected = np.arange(round(start_s * FAST_FPS), round(last * FAST_FPS), FAST_FPS // 15)
    assert [frame.t for frame in sampled] == pytest.approx(expected / FAST_FPS, abs=1e-3)
    for frame in sampled:
        assert np.array_equal(frame.rgb, every[round(frame.t * FAST_FPS)]), frame.t


def test_a_cut_short_file_is_reported_even_when_its_last_frames_are_passed_over(
    tmp_path: Path,
) -> None:
    whole = write_moving_video(tmp_path / "whole.mp4", codec="mpeg4", seconds=4, faststart=True)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(VideoError, match="truncated"):
        list(read_frames(cut, max_fps=15, max_width=None))
    assert len(list(read_frames(whole, max_fps=15, max_width=None))) == 60
