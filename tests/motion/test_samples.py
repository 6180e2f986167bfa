"""End to end on the labelled real clips: the real model and pipeline count every clip exactly.

Each clip is run through the model once per test run (`extraction_of` caches it), about 25 s
for the whole set on two cores.
"""

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from sample_labels import SAMPLES, LabelledClip, Score, fault_labels, labelled_clips, score_clip

from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze
from backchain.motion.motions import motion_of
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
    # The label gives the file's duration; a longer audio track can make it longer than the video.
    assert labelled_clip.duration_s - 0.3 <= extraction.info.duration_s
    assert extraction.info.duration_s <= labelled_clip.duration_s + 0.02
    assert extraction.frames_analyzed == len(times)
    assert len(times) == pytest.approx(extraction.info.duration_s * ANALYSIS_FPS, abs=2)
    steps = times[1:] - times[:-1]
    assert steps.min() >= 1 / extraction.info.fps - 1e-6  # no frame twice at the seam
    assert steps.max() < 1.5 / ANALYSIS_FPS  # and none missing


def _report(clip: LabelledClip, extraction_of: Callable[[str], Extraction]) -> AnalysisReport:
    extraction = extraction_of(clip.path.name)
    info = extraction.info
    video = VideoSummary(info.duration_s, info.fps, info.frames)
    return analyze(extraction.sequence, clip.exercise, video=video)


FAULT_LABELS = fault_labels()
# Clips whose labelled faults the rules miss today, and why (see the benchmark's fault table).
MISSED_FAULTS = {
    "glute_bridge_12.mp4": "the labelled sag is mild: at best 0.08-0.12 torso lengths under the "
    "line, where clean side-view bridges reach up to 0.06 under it; a threshold between the two "
    "would sit inside the landmarks' jitter",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=why)]
            if (why := MISSED_FAULTS.get(name))
            else [],
        )
        for name in FAULT_LABELS
    ],
)
def test_labelled_faults_are_reported_on_their_reps_and_clean_reps_stay_clean(
    name: str, extraction_of: Callable[[str], Extraction]
) -> None:
    clip = next(c for c in labelled_clips(SAMPLES) if c.path.name == name)
    report = _report(clip, extraction_of)
    rules = [rule.fault for rule in motion_of(clip.exercise).rules]
    found = {d.index: set(d.faults) for d in report.rep_details}
    score = Score()
    score_clip(score, name, rules, FAULT_LABELS[name], found)
    assert score.misses == []


HELD = [c for c in labelled_clips(SAMPLES) if any(h is not None for h in c.holds)]
# Labelled holds the measure is more than 0.3 s from, and why.
HOLD_MISSES = {
    "glute_bridge_11.mp4": "labelled from the start of the rise (3.3 s); the time at the top "
    "reads 2.0-2.7 s",
    "glute_bridge_12.mp4": "the hips sink slowly through the single-leg hold, out of the top "
    "third before the lowering starts",
    "downward_dog_12.mp4": "labelled from the end of the pike to the start of the return; the "
    "top third also takes in part of both",
}


@pytest.mark.parametrize(
    "clip",
    [
        pytest.param(
            clip,
            marks=[pytest.mark.xfail(strict=True, reason=why)]
            if (why := HOLD_MISSES.get(clip.path.name))
            else [],
            id=clip.path.name,
        )
        for clip in HELD
    ],
)
def test_labelled_holds_are_measured_within_0_3_s(
    clip: LabelledClip, extraction_of: Callable[[str], Extraction]
) -> None:
    report = _report(clip, extraction_of)
    measured = [d.hold_s for d in report.rep_details]
    for labelled, hold in zip(clip.holds, measured, strict=True):
        if labelled is not None:
            assert hold is not None
            assert hold == pytest.approx(labelled, abs=0.3)
