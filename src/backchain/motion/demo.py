"""Animated demonstrations of every version of every exercise, from the synthetic body model.

Each version (the main exercise or a variation) is staged in `demo_versions.STAGINGS`. Beside
the movement done well, a clip shows each camera-checked fault of the exercise. A clip is one
seamless loop: the middle rep of a seeded synthetic set, cut at its rest positions, so a loop
starts where it ends. The landmarks behind a clip are what `analyze` checks in the tests, which
proves each picture shows what its caption says. `demo()` turns the clips into keyframes in
millimetres for drawing; the drawing itself is the browser's (web/static/demo.js).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from backchain.errors import CatalogueError
from backchain.exercises import Exercise, load_catalogue
from backchain.motion.demo_versions import HOLD_S, STAGINGS, Staging
from backchain.motion.landmarks import Landmark
from backchain.motion.motions import RULES
from backchain.motion.poses import PoseSequence
from backchain.motion.rules import View
from backchain.motion.synthetic import STARTS_AT_TOP, generate

__all__ = ["FPS", "NO_RULE", "POINTS", "Clip", "Demo", "Frames", "Key", "Outline", "Prop",
           "clips", "demo", "outline", "repeat"]  # fmt: skip

FloatArray = npt.NDArray[np.float64]

SEED = 7  # one fixed seed: the same pictures on every page load and every server
FPS = 10.0  # keyframes per second; the browser eases between them
# A dosage's shortest hold is shown this much longer: the coach times a hold to the frame, so
# a hold of exactly the shortest can read a hair short and be flagged.
HOLD_MARGIN_S = 0.5
LOOP_REPS = 3  # reps in a loop that compares reps (a depth that varies)
FLOOR_BELOW_M = 0.03  # the lowest landmarks (heel, toe, wrist) sit about 3 cm above the floor
STILL_M = 0.005  # m: a figure whose points all stay this close is holding still
BOX_MARGIN_M = 0.15  # around the figure: the head's radius and a little air
NO_RULE = "The camera coach has no check for this fault yet, so there is no tested picture of it."
# A version the catalogue gained without a staging is shown as its exercise, and says so.
UNSTAGED = Staging(differs="This version has no picture of its own yet; the figure shows the "
                   "main exercise.")  # fmt: skip

# The points drawn, in the order of each frame's coordinates; the far (left) side first.
POINTS = (
    "head", "nose",
    "left_shoulder", "left_elbow", "left_wrist", "left_hip", "left_knee", "left_ankle",
    "left_heel", "left_toe",
    "right_shoulder", "right_elbow", "right_wrist", "right_hip", "right_knee", "right_ankle",
    "right_heel", "right_toe",
)  # fmt: skip
_HEAD = [
    Landmark.LEFT_EAR,
    Landmark.RIGHT_EAR,
    Landmark.LEFT_EYE,
    Landmark.RIGHT_EYE,
    Landmark.NOSE,
]
_LANDMARKS = [Landmark.NOSE] + [
    Landmark[f"{side.upper()}_{'FOOT_INDEX' if joint == 'toe' else joint.upper()}"]
    for side, joint in (name.split("_") for name in POINTS[2:])
]
BOTH_HANDS = ("left_wrist", "right_wrist")
NEAR_HAND = ("right_wrist",)  # the hand nearer the camera
HELD = {
    "dumbbell": ("dumbbell", BOTH_HANDS),
    "dumbbell_near": ("dumbbell", NEAR_HAND),
    "kettlebell": ("kettlebell", BOTH_HANDS),
    "kettlebell_near": ("kettlebell", NEAR_HAND),
    "goblet": ("goblet", BOTH_HANDS),
}
WALL_BEHIND_HIPS_M = 0.12  # the buttocks reach this far behind the hip joint
SEAT_BELOW_HIPS_M = 0.1  # a seat just touched sits this far below the hip joint
SEAT_FRONT_M = 0.1  # the seat's front edge is this far ahead of the hip joint, under the thighs
SEAT_M = 0.42  # depth of a chair seat
COUNTER_M = 0.6  # depth of a kitchen counter
BAND_M = 1.0  # from the hands to the band's anchor
BAND_LOW_M = 0.3  # height of a band anchored low behind the figure
HAND_GAP_M = 0.03  # between a hand and the wall, frame or surface it rests on


@dataclass(frozen=True)
class Outline:
    """What a version's demonstration shows, known without computing it."""

    exercise: str
    version: str
    faults: tuple[str, ...]  # the faults shown, in the order of their clips
    front: tuple[str, ...]  # those seen from the front, as the coach checks them
    unshown: Mapping[str, str]  # camera-checkable fault id -> why it has no picture here
    differs: str  # what the picture leaves out; empty when it shows the version as done
    coach_flags: Mapping[str, str]  # fault id -> why the coach reports it on this version
    uncounted: str  # why the coach cannot count this version; empty when it can


@dataclass(frozen=True)
class Clip:
    """One loop of a version: done well (`fault` None) or showing one fault."""

    fault: str | None
    view: View  # SIDE, or FRONT for a fault only seen from the front
    reps: int  # reps in the loop
    sequence: PoseSequence  # the landmarks of one loop, t from 0


@dataclass(frozen=True)
class Key:
    """A still for reduced motion: a frame of the loop and what it shows."""

    frame: int
    label: str


@dataclass(frozen=True)
class Prop:
    """Kit drawn with the figure, in mm: held at the points `at`, or placed at `x`, `y` and
    reaching `w` along the floor (negative: backwards)."""

    kind: str  # dumbbell, kettlebell, goblet, band, mat, wall, chair, counter, door_frame
    at: tuple[str, ...] = ()
    x: int = 0
    y: int = 0
    w: int = 0


@dataclass(frozen=True)
class Frames:
    """A clip as drawn: x, y of each of POINTS per frame, in mm, y up from the floor."""

    fault: str | None
    view: View
    frames: tuple[tuple[int, ...], ...]
    keys: tuple[Key, ...]


@dataclass(frozen=True)
class Demo:
    """Everything the browser draws for one version, on one floor in one box."""

    outline: Outline
    fps: float
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in mm around every clip and placed prop
    clips: tuple[Frames, ...]
    props: tuple[Prop, ...]


@cache
def outline(exercise_id: str, version_id: str) -> Outline:
    """The plan of a version's demonstration; CatalogueError for an unknown id."""
    exercise, staging = _version(exercise_id, version_id)
    ruled = {rule.fault: rule.view for rule in RULES if rule.exercise == exercise.id}
    checkable = [
        f.id for f in exercise.faults if f.camera_checkable and f.id not in staging.inapplicable
    ]
    shown = tuple(f for f in checkable if f in ruled and f not in staging.left_out)
    front = tuple(f for f in shown if ruled[f] is View.FRONT)
    unshown = {f: staging.left_out.get(f, NO_RULE) for f in checkable if f not in shown}
    return Outline(exercise.id, version_id, shown, front, unshown, staging.differs,
                   staging.coach_flags, staging.uncounted)  # fmt: skip


@cache
def clips(exercise_id: str, version_id: str) -> tuple[Clip, ...]:
    """The version done well, then each fault it shows; CatalogueError for unknown ids."""
    exercise, staging = _version(exercise_id, version_id)
    hold_s = _hold(exercise, version_id, staging)
    plan = outline(exercise_id, version_id)
    return tuple(
        _clip(exercise.id, fault, staging, hold_s, View.FRONT if fault in plan.front else View.SIDE)
        for fault in (None, *plan.faults)
    )


@cache
def demo(exercise_id: str, version_id: str) -> Demo:
    """The keyframes of a version's clips, computed once; CatalogueError for unknown ids."""
    staging = _version(exercise_id, version_id)[1]
    drawn = [(clip, _metres(clip.sequence)) for clip in clips(exercise_id, version_id)]
    props = tuple(_prop(kind, drawn[0][1]) for kind in staging.kit)
    frames = tuple(
        Frames(c.fault, c.view, _mm(points), _keys(points, c.reps)) for c, points in drawn
    )
    box = _box(np.concatenate([points.reshape(-1, 2) for _, points in drawn]), props)
    return Demo(outline(exercise_id, version_id), FPS, box, frames, props)


def repeat(sequence: PoseSequence, times: int) -> PoseSequence:
    """A loop played `times` over, as a person watching it sees it."""
    n, step = len(sequence), 1 / FPS
    t = np.concatenate([sequence.t + k * n * step for k in range(times)])
    image, world, visibility = (
        np.concatenate([array] * times)
        for array in (sequence.image, sequence.world, sequence.visibility)
    )
    return PoseSequence(t, image, world, visibility, sequence.size)


def _version(exercise_id: str, version_id: str) -> tuple[Exercise, Staging]:
    exercise = load_catalogue().get(exercise_id)
    known = [exercise.id, *(v.id for v in exercise.variations)]
    if version_id not in known:
        raise CatalogueError(
            f"{exercise.name} has no version '{version_id}'. Choose one of: {', '.join(known)}."
        )
    return exercise, STAGINGS.get(version_id, UNSTAGED)


def _hold(exercise: Exercise, version_id: str, staging: Staging) -> float:
    if staging.hold_s is not None:
        return staging.hold_s
    main = version_id == exercise.id
    dosage = exercise.dosage if main else exercise.variation(version_id).dosage
    return HOLD_S if dosage.hold_s is None else dosage.hold_s[0] + HOLD_MARGIN_S


def _clip(exercise: str, fault: str | None, staging: Staging, hold_s: float, view: View) -> Clip:
    """The middle rep of a set with the fault in every rep; or, for a depth that varies, the
    middle LOOP_REPS reps of a set where every third rep is shallower."""
    shown = LOOP_REPS if fault == "depth_varies" else 1
    reps = shown + 2  # one before and one after: the loop starts and ends at rest
    faulty = [k for k in range(1, reps + 1) if (k - 2) % shown == shown - 1]
    synthetic = generate(
        exercise, seed=SEED, reps=reps, tempo_s=staging.tempo_s, hold_s=hold_s,
        pause_s=staging.pause_s, lead_in_s=0.0, lead_out_s=0.0, range_scale=staging.range_scale,
        view_deg=90.0 if view is View.FRONT else 0.0, fps=FPS,
        faults={fault: faulty} if fault else None, move=staging.move,
    )  # fmt: skip
    # A rep starts half a tempo before its top, or, going down first, a whole tempo and the
    # pause at the bottom before it (the timeline of `synthetic`).
    lead_s = staging.tempo_s / 2
    if exercise in STARTS_AT_TOP:
        lead_s += staging.tempo_s / 2 + staging.pause_s
    tops = synthetic.truth.tops
    first, last = (round((tops[k] - lead_s) * FPS) for k in (1, 1 + shown))
    return Clip(fault, view, shown, _cut(synthetic.sequence, first, last))


def _cut(sequence: PoseSequence, first: int, last: int) -> PoseSequence:
    window = slice(first, last)
    return PoseSequence(sequence.t[window] - sequence.t[first], sequence.image[window],
                        sequence.world[window], sequence.visibility[window], sequence.size)  # fmt: skip


def _metres(sequence: PoseSequence) -> FloatArray:
    """(N, len(POINTS), 2) the points in metres: x forward from the feet at the start, y up
    from the floor. The filming's scale is the image's shoulder-to-hip length over the world's."""
    pixels = sequence.image[..., :2] * np.array(sequence.size, dtype=np.float64)
    a, b = Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP
    scale = np.median(
        np.linalg.norm(pixels[:, a] - pixels[:, b], axis=-1)
        / np.linalg.norm(sequence.world[:, a, :2] - sequence.world[:, b, :2], axis=-1)
    )
    metres = pixels / scale * np.array([1.0, -1.0])  # y up
    points = np.concatenate([metres[:, _HEAD].mean(axis=1, keepdims=True), metres[:, _LANDMARKS]],
                            axis=1)  # fmt: skip
    feet = points[0, [POINTS.index("left_ankle"), POINTS.index("right_ankle")], 0].mean()
    return np.asarray(points - [feet, points[..., 1].min() - FLOOR_BELOW_M], dtype=np.float64)


def _mm(points: FloatArray) -> tuple[tuple[int, ...], ...]:
    return tuple(
        tuple(int(v) for v in frame) for frame in np.rint(points * 1000).reshape(len(points), -1)
    )


def _keys(points: FloatArray, reps: int) -> tuple[Key, ...]:
    """Stills for reduced motion: the start, halfway and the far end of each rep, with the time
    held there, so a fault of timing shows in the words."""
    n = len(points)
    away = np.abs(points - points[0]).max(axis=(1, 2))
    keys = [Key(0, "Start")]
    for rep in range(reps):
        span = np.arange(rep * n // reps, (rep + 1) * n // reps)
        far = int(span[np.argmax(away[span])])
        if reps == 1:
            keys.append(Key(int(span[np.argmax(away[span] >= away[far] / 2)]), "Halfway"))
        still = np.abs(points[span] - points[far]).max(axis=(1, 2)) <= STILL_M
        held_s = (int(still.sum()) - 1) / FPS
        label = "End of the movement" if reps == 1 else f"Rep {rep + 1}"
        keys.append(Key(far, f"{label}, held {held_s:.1f} s" if held_s > 0 else label))
    return tuple(keys)


def _box(points: FloatArray, props: Sequence[Prop]) -> tuple[int, int, int, int]:
    """Around every point and placed prop, down to just below the floor."""
    ends = [end / 1000 for p in props if not p.at for end in (p.x, p.x + p.w)]
    xs = np.concatenate([points[:, 0], ends])
    return (_mm1(xs.min() - BOX_MARGIN_M), _mm1(-BOX_MARGIN_M / 2), _mm1(xs.max() + BOX_MARGIN_M),
            _mm1(points[:, 1].max() + BOX_MARGIN_M))  # fmt: skip


def _mm1(metres: float) -> int:
    return round(metres * 1000)


def _prop(kind: str, points: FloatArray) -> Prop:
    """Kit in the hands, or placed where the version done well needs it."""
    if kind in HELD:
        return Prop(*HELD[kind])
    at = {name: points[:, i] for i, name in enumerate(POINTS)}
    hip, wrist, ankle = at["right_hip"], at["right_wrist"], at["right_ankle"]
    low = int(np.argmin(hip[:, 1]))
    placed = {
        "mat": lambda: Prop("mat", x=_mm1(points[..., 0].min() - 0.1),
                            w=_mm1(np.ptp(points[..., 0]) + 0.2)),
        "wall_behind": lambda: Prop("wall", x=_mm1(hip[:, 0].min() - WALL_BEHIND_HIPS_M)),
        "wall_ahead": lambda: Prop("wall", x=_mm1(wrist[:, 0].max() + HAND_GAP_M)),
        "chair_behind": lambda: Prop("chair", x=_mm1(hip[low, 0] + SEAT_FRONT_M),
                                     y=_mm1(hip[low, 1] - SEAT_BELOW_HIPS_M), w=-_mm1(SEAT_M)),
        "chair_ahead": lambda: Prop("chair", x=_mm1(at["left_wrist"][0, 0] - SEAT_M / 2),
                                    y=_mm1(at["left_wrist"][0, 1] - HAND_GAP_M), w=_mm1(SEAT_M)),
        "counter": lambda: Prop("counter", x=_mm1(wrist[0, 0] - HAND_GAP_M),
                                y=_mm1(wrist[0, 1] - HAND_GAP_M), w=_mm1(COUNTER_M)),
        "door_frame": lambda: Prop("door_frame", x=_mm1(wrist[0, 0] + HAND_GAP_M)),
        "band_ahead": lambda: Prop("band", BOTH_HANDS, x=_mm1(wrist[0, 0] + BAND_M),
                                   y=_mm1(wrist[0, 1])),
        "band_behind": lambda: Prop("band", BOTH_HANDS, x=_mm1(ankle[0, 0] - BAND_M),
                                    y=_mm1(BAND_LOW_M)),
    }  # fmt: skip
    return placed[kind]()
