"""Videos and camera frames for the web tests, and the fake pose model that reads them.

A `FakeEstimator` stands in for MediaPipe wherever the model is not what a test is about: it
gives each frame the pose of a synthetic set nearest the frame's time and never looks at the
pixels. So the frames here are small and grey; only their times and their size matter, and the
size is the set's, so its poses keep the proportions they were generated with.
"""

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from backchain.motion.estimators import FakeEstimator
from backchain.motion.poses import PoseSequence
from backchain.motion.synthetic import generate
from backchain.web.analysis import PoseFactory

__all__ = ["FRAME_SIZE", "SQUATS", "camera_frames", "clip_of", "plays", "write_clip"]

FRAME_SIZE = (64, 48)  # width, height: 4:3 like the synthetic sets' default 640 x 480
GREY = 128
# A squat set filmed from the side, its landmarks jittering about a pixel (at 640 x 480) as a
# real model's do.
SQUATS = generate(
    "squat", seed=5, reps=4, jitter=2.0, lead_in_s=1.0, lead_out_s=1.0, size=FRAME_SIZE
)


def plays(sequence: PoseSequence) -> PoseFactory:
    """A pose factory for `create_app`: every model it makes plays `sequence` back."""
    return lambda: FakeEstimator(sequence)


def write_clip(
    path: Path,
    frames: int,
    *,
    fps: int = 15,
    step_s: float | None = None,
    container: str = "mp4",
    codec: str = "mpeg4",
    size: tuple[int, int] = FRAME_SIZE,
) -> Path:
    """A real video of grey frames, `step_s` apart (1 / `fps` unless given)."""
    width, height = size
    step = step_s if step_s is not None else 1 / fps
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        image = np.full((height, width, 3), GREY, np.uint8)
        for k in range(frames):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = round(k * step * 1000), Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def clip_of(path: Path, sequence: PoseSequence) -> Path:
    """A grey video with a frame at each of the sequence's times, at its size."""
    fps = (len(sequence) - 1) / float(sequence.t[-1] - sequence.t[0])
    return write_clip(path, len(sequence), fps=round(fps), size=sequence.size)


def camera_frames(sequence: PoseSequence) -> list[tuple[float, bytes]]:
    """The sequence as the coach page sends a camera: (time, JPEG) at each of its times."""
    width, height = sequence.size
    ok, jpeg = cv2.imencode(".jpg", np.full((height, width, 3), GREY, np.uint8))
    assert ok
    return [(float(t), jpeg.tobytes()) for t in sequence.t]
