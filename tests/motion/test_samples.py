"""End to end on the labelled real clips: the real model and pipeline count every clip exactly.

Each clip is run through the model once per test run (`extraction_of` caches it), about 25 s
for the whole set on two cores.
"""

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from backchain.motion.analysis import VideoSummary, analyze
from backchain.motion.pipeline import ANALYSIS_FPS, Extraction

pytestmark = pytest.mark.slow


def test_clip_is_the_labelled_one(labelled_clip: Any) -> None:
    """A swapped or re-encoded clip would make the counts below meaningless."""
    digest = hashlib.sha256(labelled_clip.path.read_bytes()).hexdigest()
    assert digest == labelled_clip.sha256


def test_counts_the_labelled_reps(
    labelled_clip: Any, extraction_of: Callable[[str], Extraction]
) -> None:
    extraction = extraction_of(labelled_clip.path.name)
    info = extraction.info
    report = analyze(
        extraction.sequence,
        labelled_clip.exercise,
        video=VideoSummary(info.duration_s, info.fps, info.frames),
    )
    assert report.reps == labelled_clip.reps
    assert len(report.rep_details) == labelled_clip.reps
    starts = [rep.start_s for rep in report.rep_details]
    assert starts == sorted(starts)
    assert all(0 <= rep.start_s < rep.end_s <= info.duration_s for rep in report.rep_details)


def test_covers_the_whole_clip_at_the_analysis_rate(
    labelled_clip: Any, extraction_of: Callable[[str], Extraction]
) -> None:
    """Both halves of the parallel extraction arrive, with no gap or overlap at the seam."""
    extraction = extraction_of(labelled_clip.path.name)
    times = extraction.sequence.t
    assert extraction.info.duration_s == pytest.approx(labelled_clip.duration_s, abs=0.02)
    assert extraction.frames_analyzed == len(times)
    assert len(times) == pytest.approx(labelled_clip.duration_s * ANALYSIS_FPS, abs=2)
    steps = times[1:] - times[:-1]
    assert steps.min() >= 1 / extraction.info.fps - 1e-6  # no frame twice at the seam
    assert steps.max() < 1.5 / ANALYSIS_FPS  # and none missing
