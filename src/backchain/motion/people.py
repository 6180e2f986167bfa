"""Telling people apart in a single-person model's output, so one person is followed all set.

The model reports one person a frame and, when someone else is in view, may jump to them. A
body cannot cross a torso length of the picture from one frame to the next, so such a jump
marks another person. The frames are cut into tracks at jumps and at gaps; tracks are joined
into people by where each person was last seen; the person in view longest is followed.
"""

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backchain.motion.landmarks import Landmark
from backchain.motion.poses import Pose, PoseSequence

__all__ = ["Following", "Track", "follow_one", "joint_gap", "same_person", "tracks"]

FloatArray = npt.NDArray[np.float64]

# The hips moving further than this between frames: a body does not move that fast, so the
# model has jumped to someone else.
MAX_STEP_TORSOS = 1.0
MAX_SIZE_RATIO = 1.6  # torsos this much unlike in size between frames: someone else
MAX_SWAP_GAP_S = 0.5  # a jump across a gap this short is a swap; longer, the person may have moved
# A track that starts within this distance of where someone was last seen is that person, back
# in place after a moment out of view.
SAME_PLACE_TORSOS = 1.5
MIN_OTHER_S = 1.0  # someone else tracked for less than this is the model slipping, not a person

_HIPS = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
_SHOULDERS = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]
_JOINTS = [
    *_SHOULDERS,
    *_HIPS,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
    Landmark.LEFT_WRIST,
    Landmark.RIGHT_WRIST,
]


def _places(image: FloatArray, size: tuple[int, int]) -> tuple[FloatArray, FloatArray]:
    """Hip centre (..., 2) and torso length (...,) in pixels, from image landmarks (..., 33, 3)."""
    scale = np.array(size, dtype=np.float64)
    hips = image[..., _HIPS, :2].mean(axis=-2) * scale
    shoulders = image[..., _SHOULDERS, :2].mean(axis=-2) * scale
    return hips, np.linalg.norm(shoulders - hips, axis=-1)


def _apart(
    hip_a: FloatArray, torso_a: FloatArray, hip_b: FloatArray, torso_b: FloatArray, reach: float
) -> npt.NDArray[np.bool_]:
    """Whether places are of different people: hips more than `reach` torsos apart, or torsos
    too unlike in size. NaN (nobody) is never apart."""
    larger, smaller = np.fmax(torso_a, torso_b), np.fmin(torso_a, torso_b)
    far = np.linalg.norm(hip_a - hip_b, axis=-1) > reach * larger
    apart: npt.NDArray[np.bool_] = far | (larger > MAX_SIZE_RATIO * smaller)
    return apart


def _apart_in(seq: PoseSequence, a: int, b: int, reach: float) -> bool:
    """Whether frames `a` and `b` show different people."""
    hips, torsos = _places(seq.image[[a, b]], seq.size)
    return bool(_apart(hips[0], torsos[0], hips[1], torsos[1], reach))


def same_person(a: Pose, b: Pose, size: tuple[int, int]) -> bool:
    """Whether two poses a moment apart are of one person."""
    (hip_a, torso_a), (hip_b, torso_b) = _places(a.image, size), _places(b.image, size)
    return not bool(_apart(hip_a, torso_a, hip_b, torso_b, MAX_STEP_TORSOS))


def joint_gap(a: Pose, b: Pose, size: tuple[int, int]) -> float:
    """How far apart two readings of one moment put the body's main joints: the median
    distance, in torso lengths."""
    scale = np.array(size, dtype=np.float64)
    gaps = np.linalg.norm((a.image[_JOINTS, :2] - b.image[_JOINTS, :2]) * scale, axis=-1)
    _, torso = _places(a.image, size)
    return float(np.median(gaps) / torso)


@dataclass(frozen=True)
class Track:
    """Frames [start, stop) in which the model followed one body without a break."""

    start: int
    stop: int


def tracks(seq: PoseSequence) -> list[Track]:
    """The sequence cut at every frame with nobody and at every jump between bodies."""
    present = seq.present
    hips, torsos = _places(seq.image, seq.size)
    steps = _apart(hips[:-1], torsos[:-1], hips[1:], torsos[1:], MAX_STEP_TORSOS)
    jump = np.r_[False, steps & present[:-1] & present[1:]]  # frame i jumped from frame i - 1
    before, after = np.r_[False, present[:-1]], np.r_[present[1:], False]
    starts = np.flatnonzero(present & (~before | jump))
    stops = np.flatnonzero(present & (~after | np.r_[jump[1:], False])) + 1
    return [Track(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


@dataclass(frozen=True)
class Following:
    """Which frames show the person followed, and whether anyone else was seen."""

    keep: npt.NDArray[np.bool_]  # (N,) frames of the person followed
    crowded: bool  # someone else was in view long enough to be a person, not a slip
    first: bool  # the person followed is the first one who was in view


def follow_one(seq: PoseSequence) -> Following:
    """The frames of the person in view longest; on a tie, of the one seen first."""
    found = tracks(seq)
    owners = _owners(seq, found)
    frames = np.zeros(max(owners, default=0) + 1, dtype=np.int64)
    for track, owner in zip(found, owners, strict=True):
        frames[owner] += track.stop - track.start
    chosen = int(np.argmax(frames))  # people are numbered as they appear: argmax takes the first
    keep = np.zeros(len(seq), dtype=np.bool_)
    others = np.zeros(len(seq), dtype=np.bool_)
    for track, owner in zip(found, owners, strict=True):
        (keep if owner == chosen else others)[track.start : track.stop] = True
    seen_together = bool(np.any(seq.people >= 2))
    crowded = float(np.sum(seq.frame_s[others])) >= MIN_OTHER_S or seen_together
    return Following(keep, crowded, chosen == 0)


def _owners(seq: PoseSequence, found: list[Track]) -> list[int]:
    """Who each track is, numbered from 0 as people appear.

    Without a swap (a jump from one body to another a moment later) there is no sign of anyone
    else, so every track is the one person, wherever they moved while out of view.
    """
    swaps = [_is_swap(seq, before, after) for before, after in itertools.pairwise(found)]
    if not any(swaps):
        return [0] * len(found)
    owners = [0]
    last_seen = {0: found[0].stop - 1}  # each person's last frame so far
    for track, swap in zip(found[1:], swaps, strict=True):
        ruled_out = owners[-1] if swap else None
        near = [
            (_distance(seq, frame, track.start), person)
            for person, frame in last_seen.items()
            if person != ruled_out and not _apart_in(seq, frame, track.start, SAME_PLACE_TORSOS)
        ]
        owner = min(near)[1] if near else len(last_seen)
        owners.append(owner)
        last_seen[owner] = track.stop - 1
    return owners


def _distance(seq: PoseSequence, a: int, b: int) -> float:
    """How far apart the hips are in two frames, in pixels."""
    hips, _ = _places(seq.image[[a, b]], seq.size)
    return float(np.linalg.norm(hips[0] - hips[1]))


def _is_swap(seq: PoseSequence, before: Track, after: Track) -> bool:
    """Whether the model jumped from one body to another between two tracks."""
    last, first = before.stop - 1, after.start
    if seq.t[first] - seq.t[last] > MAX_SWAP_GAP_S:
        return False
    return _apart_in(seq, last, first, MAX_STEP_TORSOS)
