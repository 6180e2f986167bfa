"""Seeded synthetic pose sequences of the seven exercises, returned with their ground truth.

A stick figure (`synthetic_body`) performs `reps` reps on a smooth phase curve: from the rest
position through the working phase in `tempo_s / 2`, held at the top for `hold_s`, back in
`tempo_s / 2`, then paused at the bottom for `pause_s`. Exercises that start standing tall
(the deadlift and the squat) start at the top and go down first. A lead-in (lying or standing
still with one slow set-up shift that is not a rep) and a lead-out (still, or stepping away)
frame the set. Faults named after the rules' fault ids change the kinematics of chosen reps.

`tops` in the truth are the times the phase reaches the top, the end of the rising movement.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from backchain.motion.motions import MOTIONS, Where
from backchain.motion.poses import PoseSequence
from backchain.motion.synthetic_body import MOVES, Figure, Motion, film

__all__ = ["FAULTS", "Params", "Synthetic", "Truth", "generate"]

FloatArray = npt.NDArray[np.float64]

SET_UP_SHIFT = 0.12  # share of the range the lead-in shift moves: set-up, never a rep
REP_VARIATION = 0.06  # up to this share of the range is left out of a rep: no two reps alike
SHORT_HOLD_SHARE = 0.1  # a `short_hold` rep holds a tenth of `hold_s`: clearly short
STEP_AWAY_M = 0.4  # how far a standing person walks off in the lead-out
MAX_DROP_RUN = 3  # never more than this many frames without a person in a row
JITTER_UNIT = 1e-3  # `jitter` is in thousandths of the frame (width for x, height for y)
MIN_STRETCH_S = 1e-6  # shorter stretches are left out: far below a frame, and never divided by

# Where each fault shows (top or bottom of the chosen reps, or their hold), and how each
# exercise's set starts and ends, from its motion.
FAULTS: Mapping[str, Mapping[str, Where]] = {e: m.synthetic_faults for e, m in MOTIONS.items()}
STARTS_AT_TOP = frozenset(e for e, m in MOTIONS.items() if m.starts_at_top)
STEPS_AWAY = frozenset(e for e, m in MOTIONS.items() if m.steps_away)


@dataclass(frozen=True)
class Params:
    """The arguments a sequence was generated with."""

    exercise: str
    seed: int
    reps: int
    tempo_s: float
    hold_s: float
    pause_s: float
    lead_in_s: float
    lead_out_s: float
    range_scale: float
    jitter: float
    drop_rate: float
    view_deg: float
    fps: float
    size: tuple[int, int]


@dataclass(frozen=True)
class Truth:
    """What really happened in a synthetic sequence."""

    params: Params
    reps: int
    tops: tuple[float, ...]  # s: when each rep reaches the top of its working phase
    holds: tuple[float, ...]  # s held at the top, per rep
    faults: Mapping[str, tuple[int, ...]]  # fault id -> 1-based reps it was injected in
    dropped: tuple[int, ...]  # frames replaced by "no person"


@dataclass(frozen=True)
class Synthetic:
    sequence: PoseSequence
    truth: Truth


@dataclass(frozen=True)
class _Segment:
    start_s: float
    end_s: float
    p0: float
    p1: float
    rise: bool  # the rising movement of a rep (ends at a top)


def generate(
    exercise: str,
    *,
    seed: int,
    reps: int = 8,
    tempo_s: float = 2.5,
    hold_s: float = 0.5,
    pause_s: float = 0.5,
    lead_in_s: float = 2.0,
    lead_out_s: float = 2.0,
    range_scale: float = 1.0,
    jitter: float = 0.0,
    drop_rate: float = 0.0,
    view_deg: float = 0.0,
    fps: float = 15.0,
    faults: Mapping[str, Sequence[int]] | None = None,
    size: tuple[int, int] = (640, 480),
    move: Callable[[Motion], Figure] | None = None,
) -> Synthetic:
    """A sequence of `reps` reps of `exercise` and its truth; ValueError for bad arguments.

    `jitter` is the standard deviation of landmark noise in thousandths of the frame (x in
    widths, y in heights): 2 moves landmarks by about 1 px in a 640x480 frame. `drop_rate` is
    the share of frames without a person, never more than three in a row. `view_deg` turns the
    camera about the vertical: 0 films the right side, 90 the front. `move` stands in for the
    exercise's own move (`MOVES`): a version of it, such as one leg lifted, on the same timeline.
    """
    params = Params(
        exercise, seed, reps, tempo_s, hold_s, pause_s, lead_in_s, lead_out_s,
        range_scale, jitter, drop_rate, view_deg, fps, size,
    )  # fmt: skip
    chosen = _check(params, faults or {})
    noise_seed, drop_seed, rep_seed = np.random.SeedSequence(seed).spawn(3)
    shortfall = REP_VARIATION * np.random.default_rng(rep_seed).random(reps)
    segments = _timeline(params, chosen, shortfall)
    t = np.arange(int(np.floor(segments[-1].end_s * fps)) + 1) / fps
    p = _phase(t, segments)
    figure = (move or MOVES[exercise])(_motion(params, chosen, t, p, segments))
    if exercise in STEPS_AWAY:
        figure = _step_away(figure, t, segments[-1].end_s - lead_out_s, lead_out_s)
    shot = film(figure, view_deg, size)
    image, world = _jitter(shot.image, shot.world, jitter, size, shot.scale, noise_seed)
    visibility = shot.visibility
    dropped = _drops(len(t), drop_rate, drop_seed)
    image[dropped], world[dropped], visibility[dropped] = np.nan, np.nan, 0.0
    rises = [s for s in segments if s.rise]
    holds = [_hold(params, chosen, k) for k in range(1, reps + 1)]
    truth = Truth(
        params,
        reps,
        tuple(s.end_s for s in rises[:reps]),
        tuple(holds),
        {fault: tuple(sorted(set(ks))) for fault, ks in chosen.items()},
        tuple(int(i) for i in np.flatnonzero(dropped)),
    )
    return Synthetic(PoseSequence(t, image, world, visibility, size), truth)


def _check(params: Params, faults: Mapping[str, Sequence[int]]) -> dict[str, Sequence[int]]:
    if params.exercise not in FAULTS:
        raise ValueError(f"unknown exercise {params.exercise!r}; known: {', '.join(FAULTS)}")
    if params.reps < 0 or params.tempo_s <= 0 or params.fps <= 0:
        raise ValueError("reps must be >= 0, tempo_s and fps > 0")
    if min(params.hold_s, params.pause_s, params.lead_in_s, params.lead_out_s) < 0:
        raise ValueError("hold_s, pause_s, lead_in_s and lead_out_s must be >= 0")
    if not 0 < params.range_scale <= 1.2 or params.jitter < 0:
        raise ValueError("range_scale must be in (0, 1.2] and jitter >= 0")
    if not 0 <= params.drop_rate <= 0.5:
        raise ValueError("drop_rate must be in [0, 0.5]")
    known = FAULTS[params.exercise]
    for fault, reps in faults.items():
        if fault not in known:
            raise ValueError(
                f"cannot make fault {fault!r} for {params.exercise}; known: {', '.join(known)}"
            )
        if any(not 1 <= k <= params.reps for k in reps):
            raise ValueError(f"fault {fault!r}: reps are numbered 1 to {params.reps}")
    return dict(faults)


def _hold(params: Params, faults: Mapping[str, Sequence[int]], rep: int) -> float:
    if rep in faults.get("no_pause", ()):
        return 0.0
    if rep in faults.get("short_hold", ()):
        return SHORT_HOLD_SHARE * params.hold_s
    return params.hold_s


def _timeline(
    params: Params, faults: Mapping[str, Sequence[int]], shortfall: FloatArray
) -> list[_Segment]:
    """Still, rising and falling stretches of the phase, from the lead-in to the lead-out."""
    top_start = params.exercise in STARTS_AT_TOP
    rest = 1.0 if top_start else 0.0
    shifted = rest - SET_UP_SHIFT if top_start else rest + SET_UP_SHIFT
    quarter = params.lead_in_s / 4
    steps: list[tuple[float, float, bool]] = [  # (duration, phase reached, rising)
        (quarter, rest, False), (quarter, shifted, False),
        (quarter, rest, False), (quarter, rest, False),
    ]  # fmt: skip
    move = params.tempo_s / 2
    for k in range(1, params.reps + 1):
        hold, pause, short = _hold(params, faults, k), params.pause_s, shortfall[k - 1]
        if top_start:  # down, pause, up, hold; some reps a little shallower
            steps += [
                (move, short, False),
                (pause, short, False),
                (move, 1.0, True),
                (hold, 1.0, False),
            ]
        else:  # up, hold, down, pause; some reps a little lower
            steps += [
                (move, 1 - short, True),
                (hold, 1 - short, False),
                (move, 0.0, False),
                (pause, 0.0, False),
            ]
    steps.append((params.lead_out_s, rest, False))
    segments, start, level = [], 0.0, rest
    for duration, reached, rising in steps:
        if duration > MIN_STRETCH_S:
            segments.append(_Segment(start, start + duration, level, reached, rising))
            start, level = start + duration, reached
    return segments or [_Segment(0.0, 0.0, rest, rest, False)]


def _phase(t: FloatArray, segments: Sequence[_Segment]) -> FloatArray:
    """The phase at each frame: 0 at the bottom, 1 at the top, eased in and out of each move."""
    starts = np.array([s.start_s for s in segments])
    index = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(segments) - 1)
    p0 = np.array([s.p0 for s in segments])[index]
    p1 = np.array([s.p1 for s in segments])[index]
    length = np.array([s.end_s - s.start_s for s in segments])[index]
    s = np.clip((t - starts[index]) / np.where(length > 0, length, 1.0), 0.0, 1.0)
    return np.asarray(p0 + (p1 - p0) * (1 - np.cos(np.pi * s)) / 2, dtype=np.float64)


def _motion(
    params: Params,
    faults: Mapping[str, Sequence[int]],
    t: FloatArray,
    p: FloatArray,
    segments: Sequence[_Segment],
) -> Motion:
    """The phase after `range_scale`, and how strongly each fault shows in each frame.

    A top fault of rep k grows with the phase from the bottom before rep k's top to the bottom
    after it; a bottom fault from the top before rep k's bottom to rep k's top. Both are zero
    where their window begins and ends, so the motion stays continuous.
    """
    rise_starts = np.array([s.start_s for s in segments if s.rise])
    rise_ends = np.array([s.end_s for s in segments if s.rise])
    rising_rep = np.searchsorted(rise_starts, t, side="right")  # the rep whose top is next or last
    bottom_rep = np.searchsorted(rise_ends, t, side="right") + 1  # the rep whose bottom is next
    weights = {}
    for fault, reps in faults.items():
        where = FAULTS[params.exercise][fault]
        if where == "top":
            weights[fault] = p * np.isin(rising_rep, reps)
        elif where == "bottom":
            weights[fault] = (1 - p) * np.isin(bottom_rep, reps)
    scale = params.range_scale
    scaled = 1 - scale * (1 - p) if params.exercise in STARTS_AT_TOP else scale * p
    return Motion(np.asarray(scaled, dtype=np.float64), weights)


def _step_away(figure: Figure, t: FloatArray, start_s: float, duration_s: float) -> Figure:
    """Walk the whole figure forward over the lead-out (a glide: the signals ignore it)."""
    if duration_s <= MIN_STRETCH_S:
        return figure
    share = np.clip((t - start_s) / duration_s, 0.0, 1.0)
    dx = STEP_AWAY_M * (1 - np.cos(np.pi * share))[:, None] / 2
    offset = np.concatenate([dx, np.zeros_like(dx)], axis=1)
    moved = {
        name: getattr(figure, name) + offset
        for name in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "toe", "ear")
    }
    left = {name: xy + offset for name, xy in figure.left.items()}
    return replace(figure, **moved, left=left)


def _jitter(
    image: FloatArray,
    world: FloatArray,
    jitter: float,
    size: tuple[int, int],
    scale: float,
    seed: np.random.SeedSequence,
) -> tuple[FloatArray, FloatArray]:
    """Add the same Gaussian noise to the image (normalised) and world (metre) coordinates."""
    if jitter == 0:
        return image.copy(), world.copy()
    noise = np.random.default_rng(seed).normal(0.0, jitter * JITTER_UNIT, image.shape)
    # The image is in frame fractions (z in widths); the world in metres, with the same axes.
    metres = noise * np.array([size[0], size[1], size[0]], dtype=np.float64) / scale
    return image + noise, world + metres


def _drops(n: int, rate: float, seed: np.random.SeedSequence) -> npt.NDArray[np.bool_]:
    """A random `rate` of the frames, never more than MAX_DROP_RUN of them in a row."""
    dropped = np.zeros(n, dtype=bool)
    wanted = round(rate * n)
    for i in np.random.default_rng(seed).permutation(n):
        if dropped.sum() >= wanted:
            break
        before = 0
        while i - before - 1 >= 0 and dropped[i - before - 1]:
            before += 1
        after = 0
        while i + after + 1 < n and dropped[i + after + 1]:
            after += 1
        if before + after + 1 <= MAX_DROP_RUN:
            dropped[i] = True
    return dropped
