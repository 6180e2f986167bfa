"""Geometry and gap handling behind the phase signals."""

import numpy as np
import pytest

from backchain.motion.signals import angle, bridge_gaps, smooth


@pytest.mark.parametrize(
    ("a", "c", "degrees"),
    [
        ((1, 0), (0, 1), 90.0),
        ((1, 0), (-1, 0), 180.0),
        ((1, 0), (1, 1), 45.0),
        ((0, 2), (0, 5), 0.0),
    ],
)
def test_angle(a: tuple[float, float], c: tuple[float, float], degrees: float) -> None:
    b = np.zeros((1, 2))
    assert angle(np.array([a], float), b, np.array([c], float))[0] == pytest.approx(degrees)


def test_short_gaps_are_bridged_and_long_ones_left() -> None:
    t = np.arange(20) / 10.0  # 10 frames a second
    v = t.copy() * 2
    v[3:6] = np.nan  # 0.4 s from the frame before to the frame after: bridged
    v[10:17] = np.nan  # 0.8 s: too long
    out = bridge_gaps(t, v, max_gap_s=0.5)
    assert out[3:6] == pytest.approx([0.6, 0.8, 1.0])
    assert np.isnan(out[10:17]).all()


def test_gaps_at_the_ends_stay_empty() -> None:
    t = np.arange(10) / 10.0
    v = np.arange(10.0)
    v[:2] = np.nan
    v[-1] = np.nan
    out = bridge_gaps(t, v)
    assert np.isnan(out[:2]).all()
    assert np.isnan(out[-1])


def test_smooth_averages_a_window_and_keeps_gaps() -> None:
    t = np.arange(7) / 10.0
    v = np.array([0.0, 0.0, 0.0, 3.0, 0.0, 0.0, np.nan])
    out = smooth(t, v, window_s=0.2)
    assert out[3] == pytest.approx(1.0)  # (0 + 3 + 0) / 3
    assert out[0] == pytest.approx(0.0)
    assert np.isnan(out[6])
