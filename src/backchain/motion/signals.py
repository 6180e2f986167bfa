"""Phase signals: one number per frame that rises as a rep's working phase completes.

Each signal is in torso lengths or degrees, computed from image landmarks, so it reads the
same at any distance from the camera. `tracking.SetTracker` computes them frame by frame from
the frames seen so far, and smooths them.
"""

import warnings
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark, Side
from backchain.motion.poses import PoseSequence

__all__ = [
    "LEFT",
    "RIGHT",
    "angle",
    "nan_reduce",
    "torso_length",
]

FloatArray = npt.NDArray[np.float64]
LEFT, RIGHT = Side("left"), Side("right")


def torso_length(seq: PoseSequence) -> float:
    """Median shoulder-to-hip distance in pixels: the unit every height is measured in."""
    shoulders = (seq.xy(LEFT.shoulder) + seq.xy(RIGHT.shoulder)) / 2
    hips = (seq.xy(LEFT.hip) + seq.xy(RIGHT.hip)) / 2
    lengths = np.linalg.norm(shoulders - hips, axis=1)
    return float(np.nanmedian(lengths)) if np.any(np.isfinite(lengths)) else float("nan")


def angle(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """(N,) angle at b between b->a and b->c, in degrees (0-180)."""
    v1, v2 = a - b, c - b
    norms = np.linalg.norm(v1, axis=1) * np.linalg.norm(v2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(v1 * v2, axis=1) / norms
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def _mid(seq: PoseSequence, left: Landmark, right: Landmark) -> FloatArray:
    return (seq.xy(left) + seq.xy(right)) / 2


def _up(seq: PoseSequence, upper: FloatArray, lower: FloatArray) -> FloatArray:
    """How far `upper` is above `lower`, in torso lengths (image y points down)."""
    return np.asarray((lower[:, 1] - upper[:, 1]) / torso_length(seq), dtype=np.float64)


def nan_reduce(reduce: Callable[..., FloatArray], stacked: FloatArray) -> FloatArray:
    """`np.nanmean`/`np.nanmax` over axis 0, giving NaN quietly where every value is NaN
    (frames with nobody in them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(reduce(stacked, axis=0), dtype=np.float64)


def _side_mean(values: Callable[[Side], FloatArray]) -> FloatArray:
    return nan_reduce(np.nanmean, np.stack([values(LEFT), values(RIGHT)]))


def hip_extension(seq: PoseSequence) -> FloatArray:
    """Shoulder-hip-knee angle: 180 when the body is straight through the hips."""
    return _side_mean(lambda s: angle(seq.xy(s.shoulder), seq.xy(s.hip), seq.xy(s.knee)))


def shoulders_over_hips(seq: PoseSequence) -> FloatArray:
    """Shoulder height above the hips: about 1 standing tall, lower as the trunk hinges."""
    return _up(seq, _mid(seq, LEFT.shoulder, RIGHT.shoulder), _mid(seq, LEFT.hip, RIGHT.hip))


def hips_over_ankles(seq: PoseSequence) -> FloatArray:
    """Hip height above the ankles: highest standing, lowest at the bottom of a squat."""
    return _up(seq, _mid(seq, LEFT.hip, RIGHT.hip), _mid(seq, LEFT.ankle, RIGHT.ankle))


def wrists_over_hips(seq: PoseSequence) -> FloatArray:
    """Height of the hands above the hips (both hands together, as on a kettlebell)."""
    return _up(seq, _mid(seq, LEFT.wrist, RIGHT.wrist), _mid(seq, LEFT.hip, RIGHT.hip))


def pulling_wrist(seq: PoseSequence) -> FloatArray:
    """Height of the higher hand above its hip: the pulling hand of a one- or two-arm row."""
    sides = ((LEFT, seq.xy(LEFT.hip)), (RIGHT, seq.xy(RIGHT.hip)))
    return nan_reduce(np.nanmax, np.stack([_up(seq, seq.xy(s.wrist), hip) for s, hip in sides]))


def hips_above_line(seq: PoseSequence, end: str) -> FloatArray:
    """How far the hips sit above the line from the shoulders to the knees or ankles, in
    torso lengths, on the side of the body facing up (positive = hips high)."""
    shoulders = _mid(seq, LEFT.shoulder, RIGHT.shoulder)
    hips = _mid(seq, LEFT.hip, RIGHT.hip)
    far = _mid(seq, LEFT.knee, RIGHT.knee) if end == "knee" else _mid(seq, LEFT.ankle, RIGHT.ankle)
    line = far - shoulders
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.sum((hips - shoulders) * line, axis=1) / np.sum(line * line, axis=1)
    closest = shoulders + t[:, None] * line
    return np.asarray((closest[:, 1] - hips[:, 1]) / torso_length(seq), dtype=np.float64)


def prone_lift(seq: PoseSequence) -> FloatArray:
    """Lying face down: the higher of the feet and the chest above the hips."""
    hips = _mid(seq, LEFT.hip, RIGHT.hip)
    feet = _up(seq, _mid(seq, LEFT.ankle, RIGHT.ankle), hips)
    chest = _up(seq, _mid(seq, LEFT.shoulder, RIGHT.shoulder), hips)
    return np.asarray(np.fmax(feet, chest), dtype=np.float64)
