"""From a pose sequence to the analysis report: set-up checks, counting and form rules."""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from backchain.exercises import load_catalogue
from backchain.motion.counting import Rep
from backchain.motion.measures import Measures
from backchain.motion.motions import ExerciseMotion, motion_of
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.rules import FormRule, View, Window
from backchain.motion.setup import prepare, view_of
from backchain.motion.tracking import SetTracker

__all__ = ["AnalysisReport", "Fault", "RepDetail", "VideoSummary", "analyze", "report_of"]


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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "AnalysisReport":
        """The report `to_json` gave (to its rounding), as a stored job's result comes back."""
        return cls(
            exercise=data["exercise"],
            reps=data["reps"],
            rep_details=tuple(
                RepDetail(r["index"], r["start_s"], r["end_s"], r["hold_s"], tuple(r["faults"]))
                for r in data["rep_details"]
            ),
            faults=tuple(
                Fault(f["id"], f["cue"], f["rep"], f["time_s"], f["value"], f["threshold"])
                for f in data["faults"]
            ),
            warnings=tuple(data["warnings"]),
            video=VideoSummary(**data["video"]),
            wall_s=data["timing"]["wall_s"],
            frames_analyzed=data["timing"]["frames_analyzed"],
        )


def analyze(seq: PoseSequence, exercise: str, *, video: VideoSummary) -> AnalysisReport:
    """Count reps and check form; CatalogueError for an unknown exercise id.

    The frames go through a `SetTracker` one by one, exactly as the live coach's do.
    """
    motion = motion_of(exercise)
    seq, setup = prepare(seq, motion.posture)
    if not setup.usable:
        return AnalysisReport(exercise, 0, (), (), setup.warnings, video)
    tracker = SetTracker(motion, seq.size)
    present = seq.present
    for i, t in enumerate(seq.t):
        pose = Pose(float(t), seq.image[i], seq.world[i], seq.visibility[i]) if present[i] else None
        tracker.push(float(t), pose)
    tracker.finish()
    return report_of(tracker, video, setup.warnings)


def report_of(
    tracker: SetTracker, video: VideoSummary, setup_warnings: tuple[str, ...] = ()
) -> AnalysisReport:
    """The report on a set's frames so far: its reps, their holds and faults, and warnings."""
    motion, exercise = tracker.motion, tracker.motion.exercise
    cues = _cues(exercise)
    seq = tracker.sequence()
    measures = Measures(seq)
    signal = tracker.signal()
    reps = tracker.rep_details()
    depths = np.array([_depth(seq.t, signal, rep) for rep in reps])
    details, faults, skipped = [], [], set()
    for rep in reps:
        mask = (seq.t >= rep.start_s) & (seq.t <= rep.end_s)
        window = Window(rep, mask, measures, signal, depths)
        found, missed = _check_rep(motion, window, view_of(measures, mask), cues)
        faults.extend(found)
        skipped.update(missed)
        hold = rep.hold_s if motion.holds else None
        details.append(
            RepDetail(rep.index, rep.start_s, rep.end_s, hold, tuple(f.id for f in found))
        )
    view = view_of(measures)
    warnings = [
        *setup_warnings,
        *_partial_warning(tracker.counter.partials),
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
    motion: ExerciseMotion, window: Window, view: View | None, cues: dict[str, str]
) -> tuple[list[Fault], set[FormRule]]:
    found, skipped = [], set()
    for rule in motion.rules:
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
