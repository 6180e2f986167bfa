"""Benchmark the motion coach on the labelled sample clips, in one run: rep counts, holds and
per-rep faults against the labels, a held-out subset reported on its own, and speed against a
naive baseline that feeds every full-size frame to one model, one frame after another.

    .venv/bin/python scripts/bench_motion.py [--samples ../shared/samples] [--skip-speed]
        [--skip-mirrored]

Reads labels.tsv and labels-more.tsv from the samples folder and the per-rep fault labels from
tests/motion/data/labelled_faults.tsv. Exits 1 when a target is missed:
- every clip counted exactly;
- every labelled hold within 0.3 s;
- fault precision and recall at least 0.8 for every exercise with labelled faults;
- whole `backchain analyze` processes over the set at least 5x real time;
- the pipeline at least 3x the naive baseline's throughput, measured side by side;
- a 10 s 1080p 60 fps clip analysed in at most 3 s.

It also counts every clip mirrored left to right (the person facing the other way, made with
ffmpeg): not a target yet, a check on clips unlike the samples.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import av
import numpy as np
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "motion"))

from sample_labels import (  # noqa: E402  (the labels' reader is shared with the tests)
    SAMPLES,
    LabelledClip,
    Score,
    fault_labels,
    labelled_clips,
    score_clip,
)

from backchain.cli.motion import hidden_native_logs  # noqa: E402
from backchain.motion.analysis import AnalysisReport, VideoSummary, analyze  # noqa: E402
from backchain.motion.estimators import MediaPipePose  # noqa: E402
from backchain.motion.motions import motion_of  # noqa: E402
from backchain.motion.pipeline import extract  # noqa: E402
from backchain.motion.poses import Pose, PoseSequence  # noqa: E402
from backchain.motion.video import VideoInfo, probe  # noqa: E402

BACKCHAIN = Path(sys.executable).parent / "backchain"
MAX_HOLD_ERROR_S = 0.3  # measured against labelled time at the top
MIN_FAULT_SCORE = 0.8  # precision and recall per exercise
MIN_REALTIME = 5.0  # video seconds per wall second, whole processes over the set
MIN_SPEEDUP = 3.0  # the pipeline's throughput over the naive baseline's
MAX_BIG_CLIP_S = 3.0  # wall seconds for a 10 s 1080p 60 fps clip
# Clips kept out of tuning: no threshold was set on them. romanian_deadlift_10 was never looked
# at; bent_over_row_12's torso angles were looked at when the row's rule moved to 3D landmarks
# (its threshold stayed at 15 degrees), so it is the weaker of the two.
HELD_OUT = ("romanian_deadlift_10.mp4", "bent_over_row_12.mp4")

console = Console(highlight=False)


@dataclass(frozen=True)
class Run:
    reps: int
    wall_s: float
    video_s: float
    holds: tuple[float | None, ...] = ()
    faults: tuple[frozenset[str], ...] = ()  # per rep

    @property
    def speed(self) -> float:
        """Video seconds per wall second."""
        return self.video_s / self.wall_s


def _run(report: AnalysisReport, wall_s: float, video_s: float) -> Run:
    return Run(
        report.reps,
        wall_s,
        video_s,
        tuple(rep.hold_s for rep in report.rep_details),
        tuple(frozenset(rep.faults) for rep in report.rep_details),
    )


def ours(clip: LabelledClip) -> Run:
    """The real pipeline in this process: sampled, downscaled frames on two threads."""
    started = time.perf_counter()
    extraction = extract(clip.path, MediaPipePose)
    info = extraction.info
    report = analyze(extraction.sequence, clip.exercise, video=_summary(info))
    return _run(report, time.perf_counter() - started, info.duration_s)


def naive(clip: LabelledClip) -> Run:
    """Every frame at full size, through one model, in one thread; the same analysis."""
    started = time.perf_counter()
    info = probe(clip.path)
    times: list[float] = []
    poses: list[Pose | None] = []
    with MediaPipePose() as model, av.open(str(clip.path)) as container:
        for frame in container.decode(video=0):
            if frame.time is None:
                continue
            rgb = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
            times.append(frame.time)
            poses.append(model.estimate(rgb, frame.time))
    sequence = PoseSequence.from_poses(times, poses, (info.width, info.height))
    report = analyze(sequence, clip.exercise, video=_summary(info))
    return _run(report, time.perf_counter() - started, info.duration_s)


def process(clip: LabelledClip) -> Run:
    """A whole `backchain analyze` process, as a person runs it: start-up included."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(BACKCHAIN), "analyze", str(clip.path), "--exercise", clip.exercise, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        console.print(
            f"[red]{clip.path.name}: backchain analyze failed: {done.stderr.strip()}[/red]"
        )
        return Run(-1, wall, clip.duration_s)
    return Run(int(json.loads(done.stdout)["reps"]), wall, probe(clip.path).duration_s)


def _summary(info: VideoInfo) -> VideoSummary:
    return VideoSummary(info.duration_s, info.fps, info.frames)


def run_all(
    clips: list[LabelledClip], method: Callable[[LabelledClip], Run], name: str
) -> list[Run]:
    runs = []
    for clip in clips:
        with hidden_native_logs():  # MediaPipe's C++ log lines
            run = method(clip)
        console.print(
            f"  {name:<7} {clip.path.name:<26} {run.reps:>3} reps (expected {clip.reps:>2})"
            f"  {run.wall_s:6.2f} s  {run.speed:5.2f}x real time"
        )
        runs.append(run)
    return runs


def throughput(runs: list[Run]) -> float:
    return sum(r.video_s for r in runs) / sum(r.wall_s for r in runs)


def count_table(clips: list[LabelledClip], runs: dict[str, list[Run]]) -> Table:
    table = Table(title="Rep counts and speed per clip (speed: video seconds per wall second)")
    table.add_column("clip")
    table.add_column("exercise")
    table.add_column("video s", justify="right")
    table.add_column("expected", justify="right")
    for name in runs:
        for column in (name, f"{name} speed"):
            table.add_column(column, justify="right")
    for i, clip in enumerate(clips):
        cells = []
        for results in runs.values():
            cells += [_count(results[i].reps, clip.reps), f"{results[i].speed:.2f}x"]
        held = " (held out)" if clip.path.name in HELD_OUT else ""
        table.add_row(
            clip.path.name + held,
            clip.exercise,
            f"{runs['ours'][i].video_s:.1f}",
            str(clip.reps),
            *cells,
        )
    return table


def _count(counted: int, expected: int) -> str:
    return (
        str(counted) if counted == expected else f"[red]{counted} ({counted - expected:+d})[/red]"
    )


def exact_share(clips: list[LabelledClip], runs: list[Run]) -> tuple[int, int]:
    return sum(r.reps == c.reps for r, c in zip(runs, clips, strict=True)), len(clips)


def hold_rows(clips: list[LabelledClip], runs: list[Run]) -> list[tuple[str, int, float, float]]:
    """(clip, rep, labelled, measured) for every rep with a labelled hold."""
    rows = []
    for clip, run in zip(clips, runs, strict=True):
        for index, (labelled, measured) in enumerate(zip(clip.holds, run.holds, strict=False), 1):
            if labelled is not None and measured is not None:
                rows.append((clip.path.name, index, labelled, measured))
    return rows


def hold_table(rows: list[tuple[str, int, float, float]]) -> Table:
    table = Table(
        title=f"Holds: time at the top against the labels (target within {MAX_HOLD_ERROR_S} s)"
    )
    for column in ("clip", "rep", "labelled s", "measured s", "error s"):
        table.add_column(column, justify="left" if column == "clip" else "right")
    for name, index, labelled, measured in rows:
        error = measured - labelled
        shown = f"{error:+.2f}" if abs(error) <= MAX_HOLD_ERROR_S else f"[red]{error:+.2f}[/red]"
        table.add_row(name, str(index), f"{labelled:.1f}", f"{measured:.2f}", shown)
    return table


def fault_scores(clips: list[LabelledClip], runs: list[Run]) -> dict[str, Score]:
    """Per exercise, over the clips with per-rep fault labels."""
    labels = fault_labels()
    scores: dict[str, Score] = {}
    for clip, run in zip(clips, runs, strict=True):
        if clip.path.name not in labels:
            continue
        rules = [rule.fault for rule in motion_of(clip.exercise).rules]
        found = {i: set(faults) for i, faults in enumerate(run.faults, 1)}
        score = scores.setdefault(clip.exercise, Score())
        score_clip(score, clip.path.name, rules, labels[clip.path.name], found)
    return scores


def fault_table(scores: dict[str, Score], title: str) -> Table:
    table = Table(title=title)
    for column in ("exercise", "TP", "FP", "FN", "precision", "recall", "where it differs"):
        table.add_column(
            column, justify="left" if column in ("exercise", "where it differs") else "right"
        )
    for exercise, score in sorted(scores.items()):
        table.add_row(
            exercise,
            str(score.true_positives),
            str(score.false_positives),
            str(score.false_negatives),
            _ratio(score.precision),
            _ratio(score.recall),
            "; ".join(score.misses),
        )
    return table


def _ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    shown = f"{value:.2f}"
    return shown if value >= MIN_FAULT_SCORE else f"[red]{shown}[/red]"


def big_clip(samples: Path, folder: Path) -> Path | None:
    """A 10 s 1080p 60 fps clip made from a sample, as a phone would record it."""
    if shutil.which("ffmpeg") is None:
        return None
    out = folder / "squat_1080p60.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-stream_loop", "1", "-i", str(samples / "squat_12.mp4"),
         "-vf", "scale=1920:1080,fps=60", "-t", "10", "-c:v", "libx264", "-preset", "veryfast",
         "-crf", "20", "-an", str(out)],
        check=True,
    )  # fmt: skip
    return out


def mirrored(clips: list[LabelledClip], folder: Path) -> list[LabelledClip] | None:
    """Each clip flipped left to right, or None without ffmpeg."""
    if shutil.which("ffmpeg") is None:
        return None
    flipped = []
    for clip in clips:
        out = folder / clip.path.name
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(clip.path), "-vf", "hflip", "-c:v",
             "libx264", "-preset", "veryfast", "-crf", "20", "-an", str(out)],
            check=True,
        )  # fmt: skip
        flipped.append(replace(clip, path=out))
    return flipped


def report_mirrored(clips: list[LabelledClip]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        flipped = mirrored(clips, Path(folder))
        if flipped is None:
            console.print("mirrored clips: ffmpeg is missing to make them")
            return
        runs = run_all(flipped, ours, "mirror")
    misses = [
        f"{c.path.name} {r.reps}/{c.reps}"
        for c, r in zip(clips, runs, strict=True)
        if r.reps != c.reps
    ]
    right, total = exact_share(clips, runs)
    console.print(
        f"mirrored clips (not a target): {right}/{total} counted exactly"
        + (f"; missed: {', '.join(misses)}" if misses else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="folder with labels.tsv")
    parser.add_argument("--skip-speed", action="store_true", help="accuracy only: no baseline")
    parser.add_argument("--skip-mirrored", action="store_true", help="no mirrored clips")
    args = parser.parse_args()
    if not (args.samples / "labels.tsv").is_file():
        console.print(f"[red]No labels.tsv in {args.samples}; pass --samples FOLDER.[/red]")
        return 2
    clips = labelled_clips(args.samples)
    console.print(f"{len(clips)} clips from {args.samples}")
    runs = {"ours": run_all(clips, ours, "ours")}
    if not args.skip_speed:
        runs["process"] = run_all(clips, process, "process")
        runs["naive"] = run_all(clips, naive, "naive")
    console.print(count_table(clips, runs))

    checks: list[tuple[str, bool]] = []
    mine = runs["ours"]
    seen = [i for i, c in enumerate(clips) if c.path.name not in HELD_OUT]
    held = [i for i, c in enumerate(clips) if c.path.name in HELD_OUT]
    for label, picked in (("tuned-on", seen), ("held-out", held)):
        right, total = exact_share([clips[i] for i in picked], [mine[i] for i in picked])
        console.print(f"exact counts, {label} clips: {right}/{total}")
    right, total = exact_share(clips, mine)
    checks.append((f"every clip counted exactly: {right}/{total}", right == total))

    rows = hold_rows(clips, mine)
    console.print(hold_table(rows))
    errors = np.array([measured - labelled for _, _, labelled, measured in rows])
    within = int(np.sum(np.abs(errors) <= MAX_HOLD_ERROR_S))
    console.print(
        f"holds: mean absolute error {np.abs(errors).mean():.2f} s, mean error {errors.mean():+.2f} s"
    )
    checks.append(
        (f"labelled holds within {MAX_HOLD_ERROR_S} s: {within}/{len(rows)}", within == len(rows))
    )

    scores = fault_scores(clips, mine)
    console.print(fault_table(scores, "Faults per exercise on labelled reps (all labelled clips)"))
    held_clips = [clips[i] for i in held]
    console.print(
        fault_table(
            fault_scores(held_clips, [mine[i] for i in held]), "Faults, held-out clips only"
        )
    )
    for exercise, score in sorted(scores.items()):
        ok = all(v is None or v >= MIN_FAULT_SCORE for v in (score.precision, score.recall))
        checks.append(
            (
                f"{exercise} faults: precision {_ratio(score.precision)}, recall {_ratio(score.recall)}",
                ok,
            )
        )

    if not args.skip_speed:
        whole, pipeline, base = (throughput(runs[n]) for n in ("process", "ours", "naive"))
        console.print(
            f"throughput: whole processes {whole:.2f}x, in-process {pipeline:.2f}x, "
            f"naive {base:.2f}x real time"
        )
        checks.append(
            (
                f"whole processes {whole:.2f}x real time (target >= {MIN_REALTIME:.0f}x)",
                whole >= MIN_REALTIME,
            )
        )
        checks.append(
            (
                f"{pipeline / base:.2f}x the naive baseline (target >= {MIN_SPEEDUP:.0f}x)",
                pipeline / base >= MIN_SPEEDUP,
            )
        )
        with tempfile.TemporaryDirectory() as folder:
            clip_path = big_clip(args.samples, Path(folder))
            if clip_path is None:
                checks.append(("10 s 1080p 60 fps clip: ffmpeg is missing to make it", False))
            else:
                big = LabelledClip(clip_path, "squat", 0, 10.0, "")
                with hidden_native_logs():
                    inside, whole_run = ours(big), process(big)
                console.print(
                    f"10 s 1080p 60 fps clip: {inside.wall_s:.2f} s in-process, "
                    f"{whole_run.wall_s:.2f} s as a whole process"
                )
                checks.append((f"10 s 1080p 60 fps clip in {inside.wall_s:.2f} s (target <= {MAX_BIG_CLIP_S:.0f} s)", inside.wall_s <= MAX_BIG_CLIP_S))  # fmt: skip

    if not args.skip_mirrored:
        report_mirrored(clips)

    for text, met in checks:
        console.print(f"{'[green]met[/green]   ' if met else '[red]MISSED[/red]'} {text}")
    return 0 if all(met for _, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
