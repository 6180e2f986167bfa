"""From a pose sequence to the analysis report: set-up checks, counting and form rules."""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from backchain.exercises import load_catalogue
from backchain.motion.counting import CounterConfig, Rep, count_set
from backchain.motion.measures import Measures
from backchain.motion.poses import PoseSequence
from backchain.motion.rules import RULES, FormRule, View, Window
from backchain.motion.setup import Posture, prepare, view_of
from backchain.motion.signals import SIGNALS, bridge_gaps, smooth

__all__ = ["MIN_AMPLITUDE", "AnalysisReport", "Fault", "RepDetail", "VideoSummary", "analyze"]

# The smallest movement that is a rep, in the phase signal's unit: enough to tell a rep from
# shifting about, small enough for the easiest versions of each exercise.
MIN_AMPLITUDE = {
    "glute_bridge": 0.15,  # torso lengths the hips rise towards the shoulder-knee line
    "romanian_deadlift": 0.25,  # torso lengths the shoulders drop towards the hips
    "bent_over_row": 0.3,  # torso lengths the hand rises
    "downward_dog": 0.25,  # torso lengths the hips rise above the hands-feet line
    "kettlebell_swing": 0.6,  # torso lengths the hands rise
    "squat": 0.3,  # torso lengths the hips drop
    "locust": 0.1,  # torso lengths the feet or chest lift
}
POSTURE: dict[str, Posture] = {
    "glute_bridge": "lying",
    "romanian_deadlift": "standing",
    "bent_over_row": "standing",
    "downward_dog": "hands_and_feet",
    "kettlebell_swing": "standing",
    "squat": "standing",
    "locust": "lying",
}
# Exercises whose time at the top matters (a pause, a held lift, a held pose).
HOLD_EXERCISES = frozenset({"glute_bridge", "downward_dog", "locust"})


@dataclass(frozen=True)
class Fault:
    id: str
    cue: str  # the catalogue cue the fault breaks, in plain words
    rep: int | None
    time_s: float
    value: float
    threshold: float


@dataclass(frozen=True)
class RepDetail:
    index: int
    start_s: float
    end_s: float
    hold_s: float | None
    faults: tuple[str, ...]


@dataclass(frozen=True)
class VideoSummary:
    duration_s: float
    fps: float
    frames: int


@dataclass(frozen=True)
class AnalysisReport:
    exercise: str
    reps: int
    rep_details: tuple[RepDetail, ...]
    faults: tuple[Fault, ...]
    warnings: tuple[str, ...]
    video: VideoSummary
    wall_s: float = 0.0
    frames_analyzed: int = 0
    view: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The `backchain analyze --json` contract."""
        return {
            "exercise": self.exercise,
            "reps": self.reps,
            "rep_details": [
                {
                    "index": r.index,
                    "start_s": round(r.start_s, 2),
                    "end_s": round(r.end_s, 2),
                    "hold_s": None if r.hold_s is None else round(r.hold_s, 2),
                    "faults": list(r.faults),
                }
                for r in self.rep_details
            ],
            "faults": [
                {
                    "id": f.id,
                    "cue": f.cue,
                    "rep": f.rep,
                    "time_s": round(f.time_s, 2),
                    "value": round(f.value, 3),
                    "threshold": f.threshold,
                }
                for f in self.faults
            ],
            "warnings": list(self.warnings),
            "video": {
                "duration_s": round(self.video.duration_s, 3),
                "fps": round(self.video.fps, 3),
                "frames": self.video.frames,
            },
            "timing": {"wall_s": round(self.wall_s, 3), "frames_analyzed": self.frames_analyzed},
        }


def analyze(seq: PoseSequence, exercise: str, *, video: VideoSummary) -> AnalysisReport:
    """Count reps and check form; CatalogueError for an unknown exercise id."""
    cues = _cues(exercise)
    seq, setup = prepare(seq, POSTURE[exercise])
    measures = Measures(seq)
    if not setup.usable:
        return AnalysisReport(exercise, 0, (), (), setup.warnings, video)
    signal = smooth(seq.t, bridge_gaps(seq.t, SIGNALS[exercise](seq)))
    counted = count_set(seq.t, signal, CounterConfig(MIN_AMPLITUDE[exercise]))
    reps = counted.reps
    depths = np.array([_depth(seq.t, signal, rep) for rep in reps])
    details, faults, skipped = [], [], set()
    for rep in reps:
        mask = (seq.t >= rep.start_s) & (seq.t <= rep.end_s)
        window = Window(rep, mask, measures, signal, depths)
        found, missed = _check_rep(exercise, window, view_of(measures, mask), cues)
        faults.extend(found)
        skipped.update(missed)
        hold = rep.hold_s if exercise in HOLD_EXERCISES else None
        details.append(
            RepDetail(rep.index, rep.start_s, rep.end_s, hold, tuple(f.id for f in found))
        )
    view = view_of(measures)
    warnings = [
        *setup.warnings,
        *_partial_warning(counted.partials),
        *_view_warnings(skipped, cues),
    ]
    return AnalysisReport(
        exercise,
        len(reps),
        tuple(details),
        tuple(faults),
        tuple(warnings),
        video,
        view=None if view is None else view.value,
    )


def _cues(exercise: str) -> dict[str, str]:
    """Fault id -> the words of the cue it breaks, from the catalogue."""
    entry = load_catalogue().get(exercise)
    text = {cue.id: cue.text for cue in entry.cues}
    return {fault.id: text[fault.breaks] for fault in entry.faults}


def _depth(t: npt.NDArray[np.float64], signal: npt.NDArray[np.float64], rep: Rep) -> float:
    inside = (t >= rep.start_s) & (t <= rep.top_s) & np.isfinite(signal)
    return float(np.min(signal[inside])) if inside.any() else float("nan")


def _check_rep(
    exercise: str, window: Window, view: View | None, cues: dict[str, str]
) -> tuple[list[Fault], set[FormRule]]:
    found, skipped = [], set()
    for rule in (r for r in RULES if r.exercise == exercise):
        if rule.view is not View.ANY and rule.view is not view:
            skipped.add(rule)
            continue
        broken = rule.check(window)
        if broken is not None:
            value, time = broken
            found.append(
                Fault(rule.fault, cues[rule.fault], window.rep.index, time, value, rule.threshold)
            )
    return found, skipped


def _partial_warning(partials: list[float]) -> list[str]:
    if not partials:
        return []
    times = ", ".join(f"{t:.1f} s" for t in partials)
    movements = "movement" if len(partials) == 1 else "movements"
    return [
        f"{len(partials)} {movements} did not reach the top and {'was' if len(partials) == 1 else 'were'} "
        f"not counted (at {times}); go through the full range, or use an easier version."
    ]


def _view_warnings(skipped: set[FormRule], cues: dict[str, str]) -> list[str]:
    by_view: dict[View, list[str]] = {}
    for rule in sorted(skipped, key=lambda r: r.fault):
        by_view.setdefault(rule.view, []).append(f'"{cues[rule.fault]}"')
    return [
        f"Some form checks need the camera {'at your side' if view is View.SIDE else 'in front of you'} "
        f"and were skipped for reps filmed otherwise: {'; '.join(texts)}. "
        f"Place the camera {'side-on, at hip height' if view is View.SIDE else 'facing you'} to check them."
        for view, texts in by_view.items()
    ]
