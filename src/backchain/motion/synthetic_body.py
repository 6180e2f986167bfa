"""The stick figure behind `backchain.motion.synthetic`: how it moves, and the camera that films it.

Each exercise's move places a few sagittal joints (shoulder, elbow, wrist, hip, knee, ankle,
heel, toe, ear) in metres, x forward of the standing figure and y up, from the phase of the rep
and the faults shown; both sides of the body share them. `film` gives the figure its width,
derives the 33 BlazePose landmarks (the face from the neck's direction, the hands from the
forearm's) and projects them through a camera turned `view_deg` about the vertical axis: 0 films
the figure's right side (it faces right in the image), 90 its front.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark

__all__ = ["MOVES", "Figure", "Film", "Motion", "film"]

FloatArray = npt.NDArray[np.float64]
Deg = npt.ArrayLike  # an angle in degrees, one for all frames or (N,)

# Segment lengths of an adult of about 1.75 m, in metres (joint centre to joint centre).
TORSO_M = 0.50  # hip to shoulder: the unit every signal is measured in
THIGH_M = 0.45
SHIN_M = 0.43
UPPER_ARM_M = 0.30
FOREARM_M = 0.27
ARM_M = UPPER_ARM_M + FOREARM_M
NECK_M = 0.18  # shoulder to ear
ANKLE_HEIGHT_M = 0.07  # ankle joint above the floor, standing
HEEL = (-0.05, -0.04)  # heel from the ankle, in the foot's frame (x to the toes, y to the shin)
TOE = (0.15, -0.04)  # foot index from the ankle

# How far each fault departs from the clean move: clear departures from the cue, sized so the
# rules in `rules.py` flag them while the rep still counts.
BRIDGE_SHORT_DEG = 25.0  # hips_low: the lift stops this far short of a straight line
BRIDGE_ARCH_DEG = 25.0  # over_arch: the hips rise this far past the line
BRIDGE_FEET_FAR_M = 0.40  # feet_too_far: the feet this much further from the buttocks
RDL_HALF_FINISH_DEG = 30.0  # half_finish: the trunk still this far forward at the top
ROW_TORSO_RISE_DEG = 25.0  # torso_rises: the trunk lifts this much during the pull
DOG_SAG_DEG = 70.0  # hips_low: the V opens this much towards a plank
DOG_KNEE_BEND_DEG = 60.0  # knees_stay_bent: knees at 120 degrees in the hold
SWING_SOFT_DEG = 22.0  # soft_finish: the trunk still this far forward at the top
SWING_LEAN_BACK_DEG = 25.0  # leaning_back: the trunk this far behind vertical at the top
SQUAT_SHALLOW = 0.18  # depth_varies: the rep goes this share less deep
SQUAT_HEEL_LIFT_DEG = 22.0  # heels_lift: the feet roll onto the toes this far at the bottom
SQUAT_SHIFT_M = 0.12  # shift_to_one_side: the hips move this far towards one foot
LOCUST_NECK_DEG = 50.0  # neck_cranked: the head tips back this far from the trunk line

# Half the distance between the left and right joint, in metres: shoulders 0.4 m apart, hips 0.3.
HALF_WIDTHS = {
    "shoulder": 0.20,
    "elbow": 0.22,
    "wrist": 0.20,
    "hip": 0.15,
    "knee": 0.13,
    "ankle": 0.13,
    "heel": 0.13,
    "toe": 0.14,
    "ear": 0.075,
}
# Face points from the ear as (forward, up, half width) in metres, in the head's own frame.
FACE = {
    "nose": (0.11, -0.01, 0.0),
    "eye_inner": (0.10, 0.03, 0.015),
    "eye": (0.09, 0.03, 0.03),
    "eye_outer": (0.08, 0.03, 0.045),
    "mouth": (0.09, -0.05, 0.025),
}
# Hand points from the wrist as (along the forearm, outward) in metres.
HAND = {"pinky": (0.08, 0.02), "index": (0.09, 0.0), "thumb": (0.05, -0.02)}

VISIBLE = 0.95  # a landmark the camera sees clearly
HIDDEN_DROP = 0.35  # how much less sure the model is of the far side in a pure side view
FILL = 0.8  # the figure's extent over the whole clip fills this share of the frame


@dataclass(frozen=True)
class Figure:
    """Sagittal joint positions over time, (N, 2) each, in metres; x forward, y up."""

    shoulder: FloatArray
    elbow: FloatArray
    wrist: FloatArray
    hip: FloatArray
    knee: FloatArray
    ankle: FloatArray
    heel: FloatArray
    toe: FloatArray
    ear: FloatArray
    widths: Mapping[str, float] = field(default_factory=dict)  # overrides of HALF_WIDTHS
    shift: FloatArray | None = None  # (N,) the hips and upper body moved to the right, m
    # The left side's joints where they part from the right's, (N, 2) by joint name ("knee",
    # "wrist", ...): one-leg and one-arm versions. Empty: both sides move together.
    left: Mapping[str, FloatArray] = field(default_factory=dict)


@dataclass(frozen=True)
class Film:
    """What a pose model would report: the arrays of a `PoseSequence`."""

    image: FloatArray  # (N, 33, 3)
    world: FloatArray  # (N, 33, 3)
    visibility: FloatArray  # (N, 33)
    scale: float  # pixels per metre


def ray(origin: FloatArray, deg: Deg, length: float) -> FloatArray:
    """The point `length` from `origin` at `deg` counter-clockwise from +x."""
    rad = np.radians(np.asarray(deg, dtype=np.float64))
    return np.asarray(origin + length * np.stack([np.cos(rad), np.sin(rad)], axis=-1))


def up(origin: FloatArray, tilt: Deg, length: float) -> FloatArray:
    """The point `length` above `origin`, tilted `tilt` degrees forward from vertical."""
    return ray(origin, 90.0 - np.asarray(tilt, dtype=np.float64), length)


def down(origin: FloatArray, tilt: Deg, length: float) -> FloatArray:
    """The point `length` below `origin`, swung `tilt` degrees forward from hanging straight."""
    return ray(origin, np.asarray(tilt, dtype=np.float64) - 90.0, length)


def apex(
    a: FloatArray, b: FloatArray, la: FloatArray | float, lb: float, side: FloatArray | int
) -> FloatArray:
    """The point `la` from a and `lb` from b, left of a->b for side +1 (right for -1).

    Two segments closing a triangle: a knee between a hip and an ankle that stay put. When the
    ends are too far apart the segments lie straight along a->b.
    """
    ab = b - a
    d = np.linalg.norm(ab, axis=-1, keepdims=True)
    e = ab / d
    along = (np.asarray(la) ** 2 - lb**2 + d[..., 0] ** 2) / (2 * d[..., 0])
    height = np.sqrt(np.clip(np.asarray(la) ** 2 - along**2, 0.0, None))
    normal = np.stack([-e[..., 1], e[..., 0]], axis=-1)
    return np.asarray(a + along[..., None] * e + (np.asarray(side) * height)[..., None] * normal)


@dataclass(frozen=True)
class Motion:
    """What a move is driven by: the phase and how strongly each fault shows, per frame."""

    p: FloatArray  # (N,) 0 at the bottom of the range, 1 at the top, after `range_scale`
    faults: Mapping[str, FloatArray]  # fault id -> (N,) 0 (clean) to 1 (fully shown)

    def w(self, fault: str) -> FloatArray:
        return self.faults.get(fault, np.zeros_like(self.p))


def _fixed(n: int, x: float, y: float) -> FloatArray:
    return np.tile(np.array([x, y], dtype=np.float64), (n, 1))


def _foot(ankle: FloatArray, deg: Deg) -> tuple[FloatArray, FloatArray]:
    """Heel and toe of a foot turned `deg` counter-clockwise from flat, toes forward."""
    rad = np.radians(np.broadcast_to(deg, ankle.shape[:1]))
    cos, sin = np.cos(rad)[:, None], np.sin(rad)[:, None]

    def turned(dx: float, dy: float) -> FloatArray:
        return np.asarray(
            ankle + np.concatenate([cos * dx - sin * dy, sin * dx + cos * dy], axis=1)
        )

    return turned(*HEEL), turned(*TOE)


def _legs(ankle: FloatArray, shin: Deg, thigh: Deg) -> tuple[FloatArray, FloatArray]:
    """Knee and hip from the shin's forward tilt and the thigh's backward tilt, in degrees."""
    knee = up(ankle, shin, SHIN_M)
    return knee, up(knee, -np.asarray(thigh, dtype=np.float64), THIGH_M)


def _arm(shoulder: FloatArray, upper: Deg, fore: Deg) -> tuple[FloatArray, FloatArray]:
    """Elbow and wrist, each segment swung forward from hanging by the given degrees."""
    elbow = down(shoulder, upper, UPPER_ARM_M)
    return elbow, down(elbow, fore, FOREARM_M)


def _head(shoulder: FloatArray, hip: FloatArray, tilt: Deg = 0.0) -> FloatArray:
    """The ear on the line of the trunk, the head tipped back by `tilt` degrees."""
    trunk = shoulder - hip
    deg = np.degrees(np.arctan2(trunk[:, 1], trunk[:, 0])) + np.asarray(tilt, dtype=np.float64)
    return ray(shoulder, deg, NECK_M)


@dataclass(frozen=True)
class _Upright:
    """A standing figure below the arms."""

    shoulder: FloatArray
    hip: FloatArray
    knee: FloatArray
    ankle: FloatArray
    heel: FloatArray
    toe: FloatArray

    def arms(
        self,
        upper: Deg,
        fore: Deg,
        widths: Mapping[str, float] | None = None,
        shift: FloatArray | None = None,
    ) -> Figure:
        """The whole figure, each arm segment swung forward from hanging by the given degrees."""
        elbow, wrist = _arm(self.shoulder, upper, fore)
        ear = _head(self.shoulder, self.hip)
        return Figure(self.shoulder, elbow, wrist, self.hip, self.knee, self.ankle, self.heel,
                      self.toe, ear, widths or {}, shift)  # fmt: skip


def _standing(n: int, shin: Deg, thigh: Deg, trunk: Deg, heel_lift: Deg = 0.0) -> _Upright:
    """Feet on the floor (rolled onto the toes by `heel_lift` degrees); the shin tilted forward,
    the thigh back and the trunk forward, in degrees from vertical."""
    roll = -np.broadcast_to(np.asarray(heel_lift, dtype=np.float64), (n,))
    toe_at = _fixed(n, TOE[0], ANKLE_HEIGHT_M + TOE[1])
    ankle = toe_at - (_foot(_fixed(n, 0.0, 0.0), roll)[1])
    heel, toe = _foot(ankle, roll)
    knee, hip = _legs(ankle, shin, thigh)
    return _Upright(up(hip, trunk, TORSO_M), hip, knee, ankle, heel, toe)


def bridge(m: Motion) -> Figure:
    """Lying on the back, knees bent, shoulders and feet on the floor: the hips lift until the
    shoulders, hips and knees line up (hip angle 125 -> 180 degrees)."""
    n = len(m.p)
    shoulder = _fixed(n, 0.0, 0.10)
    ankle = _fixed(n, 0.92, ANKLE_HEIGHT_M) + np.outer(
        BRIDGE_FEET_FAR_M * m.w("feet_too_far"), [1, 0]
    )
    hip_angle = (
        125 + 55 * m.p - BRIDGE_SHORT_DEG * m.w("hips_low") + BRIDGE_ARCH_DEG * m.w("over_arch")
    )
    to_knee = np.sqrt(
        TORSO_M**2 + THIGH_M**2 - 2 * TORSO_M * THIGH_M * np.cos(np.radians(hip_angle))
    )
    knee = apex(shoulder, ankle, to_knee, SHIN_M, side=1)
    hip = apex(shoulder, knee, TORSO_M, THIGH_M, side=np.where(hip_angle > 180, 1, -1))
    heel, toe = _foot(ankle, 0.0)
    return Figure(shoulder, _fixed(n, 0.30, 0.06), _fixed(n, 0.56, 0.04), hip, knee, ankle,
                  heel, toe, _fixed(n, -NECK_M, 0.10), widths={"wrist": 0.25, "elbow": 0.24})  # fmt: skip


def romanian_deadlift(m: Motion) -> Figure:
    """Standing, the hips hinge back until the trunk is 78 degrees forward, knees soft (160);
    the dumbbells hang just in front of the legs."""
    depth, bend, drift = 1 - m.p, m.w("knees_bend_too_much"), m.w("weights_drift")
    half = m.w("half_finish")
    body = _standing(len(m.p), shin=5 * depth + 22 * bend, thigh=3 + 14 * depth + 25 * bend,
                     trunk=78 * depth + RDL_HALF_FINISH_DEG * half)  # fmt: skip
    shoulder = body.shoulder[:, 0]
    target = (1 - drift) * (body.knee[:, 0] + 0.06) + drift * (shoulder + 0.10)
    swing = np.degrees(np.arcsin(np.clip((target - shoulder) / ARM_M, -0.9, 0.9)))
    return body.arms(swing, swing)


def bent_over_row(m: Motion) -> Figure:
    """Hinged 50 degrees forward on soft knees, both hands pull from hanging straight to the
    lower ribs: the elbows go back to trunk height, the forearms stay vertical."""
    n = len(m.p)
    trunk = 50 - ROW_TORSO_RISE_DEG * m.w("torso_rises")
    body = _standing(n, shin=8.0, thigh=22.0, trunk=trunk)
    return body.arms(-90 * m.p, 0.0, widths={"wrist": 0.18})


def downward_dog(m: Motion) -> Figure:
    """From a plank on hands and toes the hips rise back into an inverted V (hip angle
    180 -> 80 degrees), hands and feet staying put."""
    n = len(m.p)
    hand, ankle = _fixed(n, 0.0, 0.02), _fixed(n, -1.31, 0.16)
    hip_angle = 180 - 100 * m.p + DOG_SAG_DEG * m.w("hips_low")
    knee_angle = 180 - DOG_KNEE_BEND_DEG * m.w("knees_stay_bent")
    leg = np.sqrt(THIGH_M**2 + SHIN_M**2 - 2 * THIGH_M * SHIN_M * np.cos(np.radians(knee_angle)))
    to_ankle = np.sqrt(TORSO_M**2 + leg**2 - 2 * TORSO_M * leg * np.cos(np.radians(hip_angle)))
    shoulder = apex(hand, ankle, ARM_M, to_ankle, side=-1)
    hip = apex(shoulder, ankle, TORSO_M, leg, side=-1)
    knee = apex(hip, ankle, THIGH_M, SHIN_M, side=1)
    shin = knee - ankle
    heel, toe = _foot(ankle, np.degrees(np.arctan2(shin[:, 1], shin[:, 0])) - 90)
    elbow = hand + (shoulder - hand) * FOREARM_M / ARM_M
    return Figure(shoulder, elbow, hand, hip, knee, ankle, heel, toe, _head(shoulder, hip))


def kettlebell_swing(m: Motion) -> Figure:
    """From the hike (hinged 60 degrees, bell between the legs) to standing tall with straight
    arms at chest height, and back."""
    depth, squat = 1 - m.p, m.w("squat_swing")
    soft, lean = m.w("soft_finish"), m.w("leaning_back")
    trunk = 60 * depth - 25 * squat + SWING_SOFT_DEG * soft - SWING_LEAN_BACK_DEG * lean
    thigh = 2 + 18 * depth + 40 * squat + 6 * soft
    body = _standing(len(m.p), shin=6 * depth + 30 * squat, thigh=thigh, trunk=trunk)
    arms = -25 + 105 * m.p  # from between the legs to chest height
    return body.arms(arms, arms, widths={"wrist": 0.04, "elbow": 0.10})


def squat(m: Motion) -> Figure:
    """Hips down and back, knees forward, until the thighs are level; arms reach forward."""
    depth = np.clip(1 - m.p - SQUAT_SHALLOW * m.w("depth_varies"), 0.0, 1.0)
    body = _standing(len(m.p), shin=35 * depth, thigh=95 * depth, trunk=40 * depth,
                     heel_lift=SQUAT_HEEL_LIFT_DEG * m.w("heels_lift"))  # fmt: skip
    widths = {"knee": 0.17, "ankle": 0.15, "heel": 0.14, "toe": 0.17}
    shift = SQUAT_SHIFT_M * m.w("shift_to_one_side")
    return body.arms(80 * depth, 80 * depth, widths=widths, shift=shift)


def locust(m: Motion) -> Figure:
    """Lying face down, arms by the sides: the chest (15 degrees) and the straight legs
    (14 degrees) lift off the mat together."""
    n = len(m.p)
    hip = _fixed(n, 0.0, 0.10)
    shoulder = ray(hip, 15 * m.p, TORSO_M)
    legs = 182 - 14 * m.p
    knee = ray(hip, legs, THIGH_M)
    ankle = ray(knee, legs, SHIN_M)
    heel, toe = _foot(ankle, legs)  # feet pointed, in line with the shins
    arms = 180 + 7 * m.p  # reaching back along the body, the hands hovering as the chest lifts
    elbow = ray(shoulder, arms, UPPER_ARM_M)
    wrist = ray(elbow, arms, FOREARM_M)
    ear = _head(shoulder, hip, LOCUST_NECK_DEG * m.w("neck_cranked"))
    return Figure(shoulder, elbow, wrist, hip, knee, ankle, heel, toe, ear, widths={"wrist": 0.24})


MOVES: dict[str, Callable[[Motion], Figure]] = {
    "glute_bridge": bridge,
    "romanian_deadlift": romanian_deadlift,
    "bent_over_row": bent_over_row,
    "downward_dog": downward_dog,
    "kettlebell_swing": kettlebell_swing,
    "squat": squat,
    "locust": locust,
}


def film(figure: Figure, view_deg: float, size: tuple[int, int]) -> Film:
    """Give the figure its width, film it and frame it so the whole clip stays in the picture."""
    body = _body(figure)
    yaw = np.radians(view_deg)
    across = body[..., 0] * np.cos(yaw) - body[..., 2] * np.sin(yaw)  # image x, m
    height = body[..., 1]  # image up, m
    near = body[..., 0] * np.sin(yaw) + body[..., 2] * np.cos(yaw)  # towards the camera, m
    hips = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
    world = np.stack([across, -height, -near], axis=-1)
    world = world - world[:, hips].mean(axis=1, keepdims=True)

    width, tall = size
    span_x, span_y = np.ptp(across), np.ptp(height)
    scale = FILL * min(width / max(span_x, 1e-6), tall / max(span_y, 1e-6))  # px per m
    centre_x = (across.max() + across.min()) / 2
    centre_y = (height.max() + height.min()) / 2
    x = (width / 2 + scale * (across - centre_x)) / width
    y = (tall / 2 - scale * (height - centre_y)) / tall
    z = -scale * (near - near[:, hips].mean(axis=1, keepdims=True)) / width
    image = np.stack([x, y, z], axis=-1)
    visibility = np.broadcast_to(_visibility(view_deg), x.shape).copy()
    return Film(image, world, visibility, float(scale))


def _side(landmark: Landmark) -> int:
    """+1 for the figure's right, -1 for its left, 0 on the midline."""
    return 1 if landmark.name.startswith("RIGHT") else -1 if landmark.name.startswith("LEFT") else 0


def _visibility(view_deg: float) -> FloatArray:
    """(33,) the near side clearly seen; the far side hidden behind the body from the side."""
    facing = np.cos(np.radians(view_deg))  # how squarely the right side faces the camera
    return np.array(
        [VISIBLE - HIDDEN_DROP * max(0.0, -_side(lm) * facing) for lm in Landmark],
        dtype=np.float64,
    )


Point = tuple[FloatArray, float, float]  # sagittal (N, 2), half width, share of the hip shift


def _body(figure: Figure) -> FloatArray:
    """(N, 33, 3) landmarks in the figure's frame: x forward, y up, z to its right."""
    n = len(figure.hip)
    shift = np.zeros(n) if figure.shift is None else figure.shift
    points = {**_joints(figure), **_hands(figure), **_face(figure.shoulder, figure.ear)}
    body = np.zeros((n, len(Landmark), 3))
    for landmark, (xy, half_width, follow) in points.items():
        body[:, landmark, :2] = xy
        body[:, landmark, 2] = _side(landmark) * half_width + follow * shift
    return body


def _joints(figure: Figure) -> dict[Landmark, Point]:
    widths = {**HALF_WIDTHS, **figure.widths}
    follow = {"knee": 0.5, "ankle": 0.0, "heel": 0.0, "toe": 0.0}  # feet stay put, knees half
    points: dict[Landmark, Point] = {}
    for name in HALF_WIDTHS:
        key = "FOOT_INDEX" if name == "toe" else name.upper()
        for side in ("LEFT", "RIGHT"):
            xy = _joint(figure, name, side)
            points[Landmark[f"{side}_{key}"]] = (xy, widths[name], follow.get(name, 1.0))
    return points


def _joint(figure: Figure, name: str, side: str) -> FloatArray:
    """(N, 2) one joint of one side: the left side's own where it parts from the right's."""
    xy: FloatArray = getattr(figure, name)
    return figure.left.get(name, xy) if side == "LEFT" else xy


def _hands(figure: Figure) -> dict[Landmark, Point]:
    half_width = {**HALF_WIDTHS, **figure.widths}["wrist"]
    points: dict[Landmark, Point] = {}
    for side in ("LEFT", "RIGHT"):
        wrist = _joint(figure, "wrist", side)
        forearm = _unit(wrist - _joint(figure, "elbow", side))
        for name, (along, out) in HAND.items():
            points[Landmark[f"{side}_{name.upper()}"]] = (
                wrist + along * forearm,
                half_width + out,
                1.0,
            )
    return points


def _face(shoulder: FloatArray, ear: FloatArray) -> dict[Landmark, Point]:
    """The face looks along the neck turned 90 degrees clockwise: ahead when standing."""
    neck = _unit(ear - shoulder)
    ahead = np.stack([neck[:, 1], -neck[:, 0]], axis=-1)
    points: dict[Landmark, Point] = {}
    for name, (forward, rise, half_width) in FACE.items():
        xy = ear + forward * ahead + rise * neck
        keys = (
            ["NOSE"]
            if name == "nose"
            else [
                f"MOUTH_{side}" if name == "mouth" else f"{side}_{name.upper()}"
                for side in ("LEFT", "RIGHT")
            ]
        )
        for key in keys:
            points[Landmark[key]] = (xy, half_width, 1.0)
    return points


def _unit(v: FloatArray) -> FloatArray:
    return np.asarray(v / np.linalg.norm(v, axis=-1, keepdims=True), dtype=np.float64)
