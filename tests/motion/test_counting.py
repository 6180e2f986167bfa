"""The rep counter on hand-made phase signals, where the right count is obvious."""

import numpy as np
import pytest

from backchain.motion.counting import CounterConfig, RepCounter, count_reps, count_set

FPS = 15.0
CONFIG = CounterConfig(min_amplitude=0.3)


def cycles(
    n: int, *, period_s: float = 2.0, start_high: bool = True, amplitude: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """n full cycles of a cosine between 0 and `amplitude`, plus one second still at each end."""
    t = np.arange(0, n * period_s + 2.0, 1 / FPS)
    phase = np.clip(t - 1.0, 0, n * period_s) / period_s * 2 * np.pi
    wave = (np.cos(phase) + 1) / 2 if start_high else (1 - np.cos(phase)) / 2
    return t, amplitude * wave


@pytest.mark.parametrize("n", [1, 3, 8])
def test_starting_at_the_top_counts_each_return(n: int) -> None:
    t, v = cycles(n)
    assert len(count_reps(t, v, CONFIG)) == n


@pytest.mark.parametrize("n", [1, 3, 8])
def test_starting_at_the_bottom_counts_the_first_rise(n: int) -> None:
    # Ends back at the bottom: each of the n rises is a rep (an RDL filmed from the hinge).
    t, v = cycles(n, start_high=False)
    assert len(count_reps(t, v, CONFIG)) == n


def test_movement_smaller_than_the_minimum_amplitude_counts_nothing() -> None:
    t, v = cycles(5, amplitude=0.2)
    assert count_reps(t, v, CONFIG) == []


def test_jitter_inside_the_band_counts_nothing_extra() -> None:
    t, v = cycles(4)
    rng = np.random.default_rng(7)
    assert len(count_reps(t, v + rng.normal(0, 0.03, len(v)), CONFIG)) == 4


def test_a_one_frame_spike_is_not_a_rep() -> None:
    t, v = cycles(2)
    still = np.full(30, v[-1])
    spike = still.copy()
    spike[15] = -1.0  # one frame far below the range, then straight back
    values = np.concatenate([v, spike])
    times = np.concatenate([t, t[-1] + (np.arange(30) + 1) / FPS])
    assert len(count_reps(times, values, CONFIG)) == 2


def test_a_half_rep_is_not_counted() -> None:
    # Down to 60 % of the way and back up: not past the 35 % line, so no rep.
    t, v = cycles(3)
    t2 = t[-1] + np.arange(1, 31) / FPS
    half = 1 - 0.4 * np.sin(np.linspace(0, np.pi, 30))
    assert len(count_reps(np.concatenate([t, t2]), np.concatenate([v, half]), CONFIG)) == 3


def test_a_rise_part_of_the_way_up_is_reported_as_partial() -> None:
    # Two full reps, then down and only 55 % of the way back up, then down again: less than the
    # exercise's minimum amplitude (0.6), so not a rep.
    config = CounterConfig(min_amplitude=0.6)
    t, v = cycles(2, start_high=True)
    tail_t = t[-1] + np.arange(1, 61) / FPS
    part = np.concatenate(
        [np.linspace(1, 0, 15), np.linspace(0, 0.55, 15), np.linspace(0.55, 0, 15), np.zeros(15)]
    )
    counted = count_set(np.concatenate([t, tail_t]), np.concatenate([v, part]), config)
    assert len(counted.reps) == 2
    assert len(counted.partials) == 1
    assert tail_t[25] <= counted.partials[0] <= tail_t[35]


def test_full_reps_leave_no_partials() -> None:
    t, v = cycles(5)
    assert count_set(t, v, CONFIG).partials == []


def test_missing_values_are_skipped_not_counted() -> None:
    t, v = cycles(3)
    v = v.copy()
    v[40:44] = np.nan
    assert len(count_reps(t, v, CONFIG)) == 3


def test_hold_time_at_the_top() -> None:
    # Rise over 1 s, hold 2.0 s, lower over 1 s, rest 1 s; three times. The top is the top 35 %
    # of the rep's range, so the last 0.35 s of the rise and the first of the lowering count.
    pieces, t0 = [], 0.0
    for _ in range(3):
        for duration, start, end in (
            (1.0, 0.0, 1.0),
            (2.0, 1.0, 1.0),
            (1.0, 1.0, 0.0),
            (1.0, 0.0, 0.0),
        ):
            n = int(duration * FPS)
            pieces.append((t0 + np.arange(n) / FPS, np.linspace(start, end, n, endpoint=False)))
            t0 += duration
    t = np.concatenate([p[0] for p in pieces])
    v = np.concatenate([p[1] for p in pieces])
    reps = count_reps(t, v, CONFIG)
    assert len(reps) == 3
    for rep in reps:
        assert rep.hold_s == pytest.approx(2.7, abs=0.1)
        assert rep.start_s < rep.top_s < rep.end_s


def test_streaming_counter_reports_each_rep_once_near_the_top() -> None:
    t, v = cycles(3, period_s=2.0)
    counter = RepCounter(CONFIG)
    events = [e for ti, vi in zip(t, v, strict=True) if (e := counter.update(float(ti), float(vi)))]
    assert [e.index for e in events] == [1, 2, 3]
    # Tops of the cosine are at 1 + 2k s; the count comes on the way up, before the top.
    for k, event in enumerate(events, start=1):
        assert 1 + 2 * k - 0.6 < event.t <= 1 + 2 * k


def test_a_shallow_rep_among_full_ones_is_counted() -> None:
    # Two full reps, then down and only half way up (0.5: more than the minimum 0.3), then a
    # full one: four reps, the third at its half-way top.
    t, v = cycles(2)
    down, part_up, part_down = (
        np.linspace(1, 0, 15),
        np.linspace(0, 0.5, 15),
        np.linspace(0.5, 0, 15),
    )
    tail = np.concatenate([down, part_up, part_down, np.linspace(0, 1, 15), np.ones(15)])
    tail_t = t[-1] + np.arange(1, len(tail) + 1) / FPS
    reps = count_reps(np.concatenate([t, tail_t]), np.concatenate([v, tail]), CONFIG)
    assert len(reps) == 4
    assert tail_t[25] <= reps[2].top_s <= tail_t[35]


def test_a_held_rep_counts_when_it_is_lowered_not_while_still_up() -> None:
    # Up and held, down; up and held; the recording ends while still up.
    config = CounterConfig(min_amplitude=0.3, counts_on="return")
    rise, hold, fall = np.linspace(0, 1, 15), np.ones(30), np.linspace(1, 0, 15)
    values = np.concatenate([np.zeros(10), rise, hold, fall, np.zeros(10), rise, hold])
    times = np.arange(len(values)) / FPS
    counter = RepCounter(config)
    events = [e for ti, vi in zip(times, values, strict=True) if (e := counter.update(ti, vi))]
    assert [e.index for e in events] == [1]
    assert times[55] <= events[0].t <= times[65]  # as the lowering starts, after the hold
    assert len(count_reps(times, values, config)) == 1


def test_a_pose_held_from_the_first_frame_counts_when_its_floor_is_known() -> None:
    values = np.full(75, 0.9) + np.random.default_rng(3).normal(0, 0.01, 75)
    times = np.arange(75) / FPS
    assert count_reps(times, values, CONFIG) == []
    held = count_reps(times, values, CounterConfig(min_amplitude=0.3, counts_on="top", floor=0.0))
    assert len(held) == 1
    assert held[0].hold_s == pytest.approx(5.0, abs=0.1)


def test_a_slow_part_way_movement_is_not_a_shallow_rep() -> None:
    # Two full reps rising in 1 s, then a slow drift half way up over 3 s and back (changing
    # hands, shifting the weight): more than the minimum amplitude, but not at the set's tempo.
    t, v = cycles(2)
    tail = np.concatenate(
        [np.linspace(1, 0, 15), np.linspace(0, 0.5, 45), np.linspace(0.5, 0, 45), np.zeros(15)]
    )
    tail_t = t[-1] + np.arange(1, len(tail) + 1) / FPS
    counted = count_set(np.concatenate([t, tail_t]), np.concatenate([v, tail]), CONFIG)
    assert len(counted.reps) == 2
    assert len(counted.partials) == 1
