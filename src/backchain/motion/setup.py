"""Camera set-up checks: is one person fully and clearly in view, and from which side?

Problems become warnings that say how to fix the camera; they never raise, and counting goes on
with whatever can be trusted.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark
from backchain.motion.measures import Measures
from backchain.motion.poses import PoseSequence
from backchain.motion.rules import View
from backchain.motion.signals import LEFT, RIGHT

__all__ = ["Posture", "SetupReport", "check_setup", "prepare", "view_of"]

MIN_PRESENT = 0.6  # share of frames with a person; below it, too much of the clip is unusable
MIN_CONFIDENCE = 0.6  # mean visibility of shoulders, hips and knees the model should reach
MAX_OUTSIDE = 0.2  # share of frames with head, hands or feet outside the picture
FRAME_MARGIN = 0.01  # landmarks this far outside [0, 1] count as out of the picture
MAX_JUMP_TORSOS = 1.0  # the hips moving further than this between frames means a swap of people
MAX_JUMPS = 2  # more swaps than this: someone else is in the frame
SIDE_MAX_SHOULDERS = 0.5  # shoulder width in torso lengths: narrower is a side view
FRONT_MIN_SHOULDERS = 0.7  # wider is a front view; in between, an angled view

_CORE = [LEFT.shoulder, RIGHT.shoulder, LEFT.hip, RIGHT.hip, LEFT.knee, RIGHT.knee]
_ENDS = {
    "head": [Landmark.NOSE],
    "hands": [LEFT.wrist, RIGHT.wrist],
    "feet": [LEFT.ankle, RIGHT.ankle],
}


# How the body lies in the exercise's working position, for telling a turned video from a real one.
Posture = Literal["standing", "lying", "hands_and_feet"]


@dataclass(frozen=True)
class SetupReport:
    usable: bool  # at least some frames show a person
    warnings: tuple[str, ...]


def view_of(measures: Measures, mask: npt.NDArray[np.bool_] | None = None) -> View | None:
    """The camera's view of the body over these frames; None when there is no person."""
    widths = measures.shoulder_width if mask is None else measures.shoulder_width[mask]
    if not np.isfinite(widths).any():
        return None
    width = float(np.nanmedian(widths))
    if width <= SIDE_MAX_SHOULDERS:
        return View.SIDE
    return View.FRONT if width >= FRONT_MIN_SHOULDERS else View.ANY


def prepare(seq: PoseSequence, posture: Posture) -> tuple[PoseSequence, SetupReport]:
    """The frames to analyse and what is wrong with the set-up."""
    return seq, check_setup(Measures(seq))


def check_setup(measures: Measures) -> SetupReport:
    seq = measures.seq
    present = seq.present
    if not present.any():
        return SetupReport(
            False,
            (
                "No one was found in the video. Film your whole body from the side, in good light, and try again.",
            ),
        )
    warnings = []
    if present.mean() < MIN_PRESENT:
        warnings.append(
            f"You were out of view for {100 * (1 - present.mean()):.0f}% of the video; "
            "keep your whole body in the picture for the whole set."
        )
    if float(np.mean(seq.visibility[present][:, _CORE])) < MIN_CONFIDENCE:
        warnings.append(
            "The camera could not see you clearly: add light, use a plain background, "
            "and wear clothes that stand out from it."
        )
    outside = _outside(measures)
    if outside:
        warnings.append(
            f"Your {' and '.join(outside)} went out of the picture; move the camera back so your "
            "whole body stays in view."
        )
    if _jumps(measures) > MAX_JUMPS:
        warnings.append(
            "Someone else seems to be in the picture at times; film with only you in view."
        )
    return SetupReport(True, tuple(warnings))


def _outside(measures: Measures) -> list[str]:
    seq = measures.seq
    image = seq.image[seq.present]
    low, high = -FRAME_MARGIN, 1 + FRAME_MARGIN
    parts = []
    for part, landmarks in _ENDS.items():
        xy = image[:, landmarks, :2]
        out = np.any((xy < low) | (xy > high), axis=(1, 2))
        if out.mean() > MAX_OUTSIDE:
            parts.append(part)
    return parts


def _jumps(measures: Measures) -> int:
    seq = measures.seq
    hips = (seq.xy(LEFT.hip) + seq.xy(RIGHT.hip)) / 2
    steps = np.linalg.norm(np.diff(hips, axis=0), axis=1) / measures.torso
    return int(np.sum(steps > MAX_JUMP_TORSOS))
