"""Form rules: one small named rule per camera-checkable cue of each exercise.

A rule measures one value over a rep and compares it with a threshold. Each fault id and the
cue it enforces come from the exercise catalogue (`Fault.breaks`), so the words a person reads
are the catalogue's. Thresholds are named constants with a unit and a reason; they describe
clear departures from the cue, not fine technique, so a fault is worth mentioning.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

from backchain.motion.counting import Rep
from backchain.motion.measures import Measures

__all__ = ["RULES", "FormRule", "View", "Window"]

FloatArray = npt.NDArray[np.float64]

# Glute bridge (CLINICAL.md: straight line shoulders-hips-knees at the top; no over-arch; pause).
BRIDGE_LINE_TOLERANCE = 0.15  # torso lengths below/above the shoulder-knee line, about 15 degrees
BRIDGE_MIN_PAUSE_S = 0.5  # s at the top: a pause you can see; shorter is a bounce
BRIDGE_MAX_KNEE_ANGLE = 120.0  # degrees at the top: wider means the feet are far from the buttocks
# Romanian deadlift (knees stay soft; hinge, not squat; weights close; stand tall).
RDL_MIN_KNEE_ANGLE = 135.0  # degrees: bending further turns the hinge into a squat
RDL_MAX_HANDS_FROM_KNEES = 0.35  # torso lengths at the bottom: the weights have drifted forward
RDL_MIN_TOP_HIP_ANGLE = 160.0  # degrees: short of this the rep did not finish upright
# Bent-over row (torso angle held through the set).
ROW_MAX_TORSO_CHANGE = 15.0  # degrees of trunk movement within a rep: the body heaves the weight
# Downward dog (hips highest; legs lengthen; hold).
DOG_MIN_HIPS_ABOVE_LINE = 0.35  # torso lengths above the hands-feet line: less is a sagging V
DOG_MIN_KNEE_ANGLE = 140.0  # degrees: knees bent more than this in the hold
DOG_MIN_HOLD_S = 5.0  # s: the shortest hold in the dosage (trials held 5-30 s)
# Kettlebell swing (hinge not squat; full hip extension; no leaning back; arms float).
SWING_MIN_KNEE_ANGLE = 120.0  # degrees at the bottom: deeper knee bend is a squat swing
SWING_MIN_TOP_HIP_ANGLE = 160.0  # degrees at the top: short of standing tall
SWING_MAX_LEAN_BACK = 0.25  # torso lengths of shoulders behind the hips, about 15 degrees back
# Squat (heels down; depth; even weight).
SQUAT_MAX_HEEL_LIFT = 0.08  # torso lengths of heel above toes at the bottom
SQUAT_MAX_DEPTH_CHANGE = 0.25  # torso lengths between this rep's depth and the set's usual depth
SQUAT_MAX_HIP_SHIFT = 0.15  # torso lengths of hips off the middle of the feet, seen from the front
# Locust (hold about 2 s; neck long).
LOCUST_MIN_HOLD_S = 2.0  # s: CLINICAL.md, hold 2 s
LOCUST_MAX_NECK_EXTENSION = 35.0  # degrees of head tipped back from the trunk line


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"
    ANY = "any"


@dataclass(frozen=True)
class Window:
    """One rep's frames and what the counter found about it."""

    rep: Rep
    mask: npt.NDArray[np.bool_]  # the rep's frames in the recording
    measures: Measures
    signal: FloatArray  # the phase signal, for the top and bottom of the rep
    depths: FloatArray  # the lowest signal value of every rep in the set

    def at(
        self, values: FloatArray, where: Literal["top", "bottom", "max", "min"]
    ) -> tuple[float, float]:
        """(value, time) at the rep's top or bottom (by the phase signal), or its max/min."""
        t = self.measures.seq.t[self.mask]
        own = values[self.mask]
        key = self.signal[self.mask] if where in ("top", "bottom") else own
        finite = np.isfinite(key) & np.isfinite(own)
        if not finite.any():
            return float("nan"), float(t[0]) if len(t) else 0.0
        pick = np.nanargmax if where in ("top", "max") else np.nanargmin
        i = int(pick(np.where(finite, key, np.nan)))
        return float(own[i]), float(t[i])


Measure = Callable[[Window], tuple[float, float]]


@dataclass(frozen=True)
class FormRule:
    """A fault when the measured value is above (or below) the threshold."""

    exercise: str
    fault: str  # the catalogue's fault id; its cue is the words shown
    view: View
    threshold: float
    worse: Literal["above", "below"]
    measure: Measure

    def check(self, window: Window) -> tuple[float, float] | None:
        """(value, time) when the rep breaks the rule, else None; NaN never breaks it."""
        value, time = self.measure(window)
        if not np.isfinite(value):
            return None
        broken = value > self.threshold if self.worse == "above" else value < self.threshold
        return (value, time) if broken else None


def _hold(window: Window) -> tuple[float, float]:
    return window.rep.hold_s, window.rep.top_s


def _torso_change(window: Window) -> tuple[float, float]:
    trunk = window.measures.trunk_from_vertical[window.mask]
    if not np.isfinite(trunk).any():
        return float("nan"), window.rep.top_s
    return float(np.nanmax(trunk) - np.nanmin(trunk)), window.rep.top_s


def _depth_change(window: Window) -> tuple[float, float]:
    depth, time = window.at(window.signal, "bottom")
    return abs(depth - float(np.nanmedian(window.depths))), time


def _lean_back(window: Window) -> tuple[float, float]:
    lean, time = window.at(window.measures.lean_forward, "top")
    return -lean, time


RULES: tuple[FormRule, ...] = (
    FormRule("glute_bridge", "hips_low", View.SIDE, -BRIDGE_LINE_TOLERANCE, "below",
             lambda w: w.at(w.measures.hips_above_knee_line, "max")),
    FormRule("glute_bridge", "over_arch", View.SIDE, BRIDGE_LINE_TOLERANCE, "above",
             lambda w: w.at(w.measures.hips_above_knee_line, "max")),
    FormRule("glute_bridge", "no_pause", View.ANY, BRIDGE_MIN_PAUSE_S, "below", _hold),
    FormRule("glute_bridge", "feet_too_far", View.SIDE, BRIDGE_MAX_KNEE_ANGLE, "above",
             lambda w: w.at(w.measures.knee_angle, "top")),
    FormRule("romanian_deadlift", "knees_bend_too_much", View.SIDE, RDL_MIN_KNEE_ANGLE, "below",
             lambda w: w.at(w.measures.knee_angle, "min")),
    FormRule("romanian_deadlift", "weights_drift", View.SIDE, RDL_MAX_HANDS_FROM_KNEES, "above",
             lambda w: w.at(w.measures.hands_from_legs, "bottom")),
    FormRule("romanian_deadlift", "half_finish", View.SIDE, RDL_MIN_TOP_HIP_ANGLE, "below",
             lambda w: w.at(w.measures.hip_angle, "max")),
    FormRule("bent_over_row", "torso_rises", View.SIDE, ROW_MAX_TORSO_CHANGE, "above", _torso_change),
    FormRule("downward_dog", "hips_low", View.SIDE, DOG_MIN_HIPS_ABOVE_LINE, "below",
             lambda w: w.at(w.measures.hips_above_ankle_line, "max")),
    FormRule("downward_dog", "knees_stay_bent", View.SIDE, DOG_MIN_KNEE_ANGLE, "below",
             lambda w: w.at(w.measures.knee_angle, "top")),
    FormRule("downward_dog", "short_hold", View.ANY, DOG_MIN_HOLD_S, "below", _hold),
    FormRule("kettlebell_swing", "squat_swing", View.SIDE, SWING_MIN_KNEE_ANGLE, "below",
             lambda w: w.at(w.measures.knee_angle, "min")),
    FormRule("kettlebell_swing", "soft_finish", View.SIDE, SWING_MIN_TOP_HIP_ANGLE, "below",
             lambda w: w.at(w.measures.hip_angle, "max")),
    FormRule("kettlebell_swing", "leaning_back", View.SIDE, SWING_MAX_LEAN_BACK, "above", _lean_back),
    FormRule("squat", "heels_lift", View.SIDE, SQUAT_MAX_HEEL_LIFT, "above",
             lambda w: w.at(w.measures.heel_lift, "bottom")),
    FormRule("squat", "depth_varies", View.ANY, SQUAT_MAX_DEPTH_CHANGE, "above", _depth_change),
    FormRule("squat", "shift_to_one_side", View.FRONT, SQUAT_MAX_HIP_SHIFT, "above",
             lambda w: w.at(w.measures.hip_shift, "bottom")),
    FormRule("locust", "short_hold", View.ANY, LOCUST_MIN_HOLD_S, "below", _hold),
    FormRule("locust", "neck_cranked", View.SIDE, LOCUST_MAX_NECK_EXTENSION, "above",
             lambda w: w.at(w.measures.neck_extension, "top")),
)  # fmt: skip
