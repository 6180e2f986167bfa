"""Form rules: one small named rule per camera-checkable cue of each exercise (the rules of each
exercise are listed with the rest of its motion in `motions.py`).

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

__all__ = [
    "FormRule",
    "View",
    "Window",
    "depth_change",
    "heel_rise",
    "hold",
    "lean_back",
    "torso_change",
]

FloatArray = npt.NDArray[np.float64]


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

    def held(self, values: FloatArray, share: float = 0.5) -> tuple[float, float]:
        """(value, time) over the time held at the top of the rep: the value the lowest `share`
        of that time is at or below (the median by default)."""
        t = self.measures.seq.t
        rep = self.rep
        during = (t >= rep.top_s) & (t <= rep.top_s + rep.hold_s) & np.isfinite(values)
        if not during.any():
            return float("nan"), rep.top_s
        return float(np.quantile(values[during], share)), rep.top_s


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


def hold(window: Window) -> tuple[float, float]:
    return window.rep.hold_s, window.rep.top_s


def torso_change(window: Window) -> tuple[float, float]:
    trunk = window.measures.trunk_from_vertical_3d[window.mask]
    if not np.isfinite(trunk).any():
        return float("nan"), window.rep.top_s
    return float(np.nanmax(trunk) - np.nanmin(trunk)), window.rep.top_s


def heel_rise(window: Window) -> tuple[float, float]:
    """How much higher the heels sit above the toes at the bottom than standing at the top: the
    camera's height changes how the foot looks, but not how much it changes."""
    bottom, time = window.at(window.measures.heel_lift, "bottom")
    top, _ = window.at(window.measures.heel_lift, "top")
    return bottom - top, time


def depth_change(window: Window) -> tuple[float, float]:
    depth, time = window.at(window.signal, "bottom")
    return abs(depth - float(np.nanmedian(window.depths))), time


def lean_back(window: Window) -> tuple[float, float]:
    lean, time = window.at(window.measures.lean_forward, "top")
    return -lean, time
