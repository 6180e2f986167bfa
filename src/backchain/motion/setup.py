"""Camera set-up checks: is one person fully and clearly in view, upright, in good light, and
from which side?

Problems become warnings that say how to fix the camera; they never raise, and counting goes on
with whatever can be trusted. A video turned on its side cannot be trusted at all: the phase
signals measure up and down in the picture, so it is not counted.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark
from backchain.motion.measures import Measures
from backchain.motion.people import MAX_STEP_TORSOS, follow_one
from backchain.motion.poses import PoseSequence
from backchain.motion.rules import View
from backchain.motion.signals import LEFT, RIGHT

__all__ = ["Posture", "SetupReport", "check_setup", "prepare", "view_of"]

MIN_PRESENT = 0.6  # share of frames with a person; below it, too much of the clip is unusable
MIN_CONFIDENCE = 0.6  # mean visibility of shoulders, hips and knees the model should reach
MAX_OUTSIDE = 0.2  # share of frames with head, hands or feet outside the picture
FRAME_MARGIN = 0.01  # landmarks this far outside [0, 1] count as out of the picture
MAX_JUMPS = 2  # more swaps than this: someone else is in the frame
# A frame whose shoulders or hips are outside the picture, or seen with less confidence than
# this, shows someone stepping in or out of view: the model guesses the rest of the body.
MIN_FRAME_CONFIDENCE = 0.5
# The body's long axis further than this from where the exercise holds it (the legs upright
# when standing, the body level when lying or on hands and feet) on most frames: the video is
# turned. Real sets stay within about 40 degrees (a hip thrust off a bench); turned ones are
# near 90.
MAX_TILT_DEG = 60.0
# Mean frame brightness, 0-255, below which the picture is too dark: the model misses people
# well below it, and real dim rooms are noisier than that, so it keeps a margin.
DARK_LUMA = 40.0
MIN_DARK_S = 1.0  # dark for this long, about one rep, can hide a rep
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
    usable: bool  # reps can be counted: someone was found, and the video is the right way up
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
    """The frames to analyse and what is wrong with the set-up.

    Only one person's frames are kept (anyone else's become frames with nobody), and of those
    only the ones that show the body in the picture. A video turned on its side is not usable.
    """
    following = follow_one(seq)
    others = seq.present & ~following.keep
    seq = seq.where(following.keep)
    seq = seq.where(_in_picture(seq))
    warnings = [*_light_warning(seq)]
    if following.crowded:
        warnings.append(_crowd_warning(seq, first=following.first))
    turned = _turned(seq, posture)
    if turned is not None:
        return seq, SetupReport(False, (turned, *warnings))
    report = check_setup(Measures(seq), others=others)
    return seq, SetupReport(report.usable, (*warnings, *report.warnings))


def _in_picture(seq: PoseSequence) -> npt.NDArray[np.bool_]:
    """(N,) frames whose shoulders and hips are inside the picture and clearly seen."""
    torso = [LEFT.shoulder, RIGHT.shoulder, LEFT.hip, RIGHT.hip]
    xy = seq.image[:, torso, :2]
    with np.errstate(invalid="ignore"):
        inside = np.all((xy >= -FRAME_MARGIN) & (xy <= 1 + FRAME_MARGIN), axis=(1, 2))
    clear = seq.visibility[:, torso].mean(axis=1) >= MIN_FRAME_CONFIDENCE
    kept: npt.NDArray[np.bool_] = inside & clear
    return kept


def _crowd_warning(seq: PoseSequence, *, first: bool) -> str:
    who = "the one who was there from the start" if first else "the one in view the longest"
    return (
        f"Two people were in view; Backchain followed {who} ({_place(seq)}). "
        "Next time, film with only you in the picture."
    )


def _place(seq: PoseSequence) -> str:
    """Where the person is across the picture: on the left, in the middle or on the right."""
    hips = (seq.image[:, LEFT.hip, 0] + seq.image[:, RIGHT.hip, 0]) / 2
    x = float(np.nanmedian(hips)) if np.isfinite(hips).any() else 0.5
    if x < 1 / 3:
        return "on the left"
    return "on the right" if x > 2 / 3 else "in the middle"


def _turned(seq: PoseSequence, posture: Posture) -> str | None:
    """A warning when the body lies across the picture the wrong way for the exercise."""
    if posture == "standing":
        # Ankles to hips: upright through every standing exercise, even a bent-over row.
        axis = _mid(seq, LEFT.hip, RIGHT.hip) - _mid(seq, LEFT.ankle, RIGHT.ankle)
        tilt = np.degrees(np.arctan2(np.abs(axis[:, 0]), -axis[:, 1]))  # 0 = up, 180 = down
    else:
        # Shoulders to ankles: level when lying, and close to it in a plank or a dog.
        axis = _mid(seq, LEFT.ankle, RIGHT.ankle) - _mid(seq, LEFT.shoulder, RIGHT.shoulder)
        tilt = np.degrees(np.arctan2(np.abs(axis[:, 1]), np.abs(axis[:, 0])))  # 0 = level
    tilt = tilt[np.isfinite(tilt)]
    if len(tilt) == 0:
        return None
    typical = float(np.median(tilt))
    if typical >= 180 - MAX_TILT_DEG:
        how = "upside down"
    elif typical > MAX_TILT_DEG:
        how = "turned on its side"
    else:
        return None
    return (
        f"The video looks {how}, so the reps were not counted; rotate it so the floor is at "
        "the bottom of the picture, and try again."
    )


def _mid(seq: PoseSequence, left: Landmark, right: Landmark) -> npt.NDArray[np.float64]:
    return (seq.xy(left) + seq.xy(right)) / 2


def _light_warning(seq: PoseSequence) -> list[str]:
    """A warning when the picture was too dark for long enough to hide a rep."""
    dark = seq.luma < DARK_LUMA  # NaN (not measured) is never dark
    dark_s = float(np.sum(seq.frame_s[dark]))
    if dark_s < MIN_DARK_S:
        return []
    whole = dark_s >= float(np.sum(seq.frame_s)) - MIN_DARK_S
    when = "The video is too dark" if whole else f"For {dark_s:.0f} s the picture was too dark"
    return [
        f"{when} for Backchain to see you well; film with more light on you, from the front "
        "or the side."
    ]


def check_setup(measures: Measures, *, others: npt.NDArray[np.bool_] | None = None) -> SetupReport:
    """What is wrong with the set-up; `others` marks frames of someone else, left out of the
    sequence, which are not the person being out of view."""
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
    away = float(np.mean(~present & ~others)) if others is not None else 1 - present.mean()
    if away > 1 - MIN_PRESENT:
        warnings.append(
            f"You were out of view for {100 * away:.0f}% of the video; "
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
    return int(np.sum(steps > MAX_STEP_TORSOS))
