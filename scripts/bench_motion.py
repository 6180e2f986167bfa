"""Benchmark the motion coach on the labelled sample clips: rep counts and speed, against a
naive baseline that feeds every full-size frame to one model, one frame after another.

    .venv/bin/python scripts/bench_motion.py [--samples ../shared/samples]

Reads labels.tsv and labels-more.tsv. Exits 1 when a target is missed: every clip counted
exactly, every labelled hold within 0.3 s, at least 5x real time overall, and at least 3x the
baseline's throughput.
"""

import argparse
import csv
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from rich.console import Console
from rich.table import Table

from backchain.cli.motion import hidden_native_logs
from backchain.motion.analysis import VideoSummary, analyze
from backchain.motion.estimators import MediaPipePose
from backchain.motion.pipeline import extract
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.video import VideoInfo, probe

DEFAULT_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
MIN_REALTIME = 5.0  # video seconds per wall second over the whole set
MIN_SPEEDUP = 3.0  # our throughput over the naive baseline's
MAX_HOLD_ERROR_S = 0.3  # measured against labelled time at the top

console = Console(highlight=False)


@dataclass(frozen=True)
class Clip:
    path: Path
    exercise: str
    reps: int
    holds: tuple[float | None, ...] = ()  # labelled time at the top per rep, where given


@dataclass(frozen=True)
class Run:
    reps: int
    wall_s: float
    video_s: float
    holds: tuple[float | None, ...] = ()

    @property
    def speed(self) -> float:
        """Video seconds per wall second."""
        return self.video_s / self.wall_s


LABEL_FILES = ("labels.tsv", "labels-more.tsv")


def read_labels(samples: Path) -> list[Clip]:
    clips = []
    for name in LABEL_FILES:
        if not (samples / name).is_file():
            continue
        with (samples / name).open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file, delimiter="\t"):
                reps = int(row["reps"])
                holds = _holds(row.get("holds_s_by_eye") or "", reps)
                clips.append(Clip(samples / row["file"], row["exercise"], reps, holds))
    return clips


def _holds(text: str, reps: int) -> tuple[float | None, ...]:
    """Labelled holds: "3.3; 3.3; 2.3" one per rep, or "about 1.4 each"; a "+" (still holding
    when the clip ends) or no number leaves the rep unlabelled."""
    if "each" in text:
        number = re.search(r"\d+(\.\d+)?", text)
        return (float(number.group()),) * reps if number else ()
    parts = [part.strip() for part in text.split(";")] if text.strip() else []
    values = []
    for part in parts:
        number = re.match(r"\d+(\.\d+)?(?!\+)", part)
        values.append(float(number.group()) if number and "+" not in part[:8] else None)
    return tuple(values)


def ours(clip: Clip) -> Run:
    """The real pipeline: sampled, downscaled frames on two threads, then the analysis."""
    started = time.perf_counter()
    extraction = extract(clip.path, MediaPipePose)
    info = extraction.info
    report = analyze(extraction.sequence, clip.exercise, video=_summary(info))
    holds = tuple(rep.hold_s for rep in report.rep_details)
    return Run(report.reps, time.perf_counter() - started, info.duration_s, holds)


def hold_errors(clips: list[Clip], runs: list[Run]) -> list[float]:
    """Measured minus labelled hold, over every rep with a labelled hold."""
    errors = []
    for clip, run in zip(clips, runs, strict=True):
        for labelled, measured in zip(clip.holds, run.holds, strict=False):
            if labelled is not None and measured is not None:
                errors.append(measured - labelled)
    return errors


def naive(clip: Clip) -> Run:
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
    return Run(report.reps, time.perf_counter() - started, info.duration_s)


def _summary(info: VideoInfo) -> VideoSummary:
    return VideoSummary(info.duration_s, info.fps, info.frames)


def run_all(clips: list[Clip], method: Callable[[Clip], Run], name: str) -> list[Run]:
    runs = []
    for clip in clips:
        with hidden_native_logs():  # MediaPipe's C++ log lines
            run = method(clip)
        console.print(
            f"  {name:<6} {clip.path.name:<22} {run.reps:>3} reps (expected {clip.reps:>2})"
            f"  {run.wall_s:6.2f} s  {run.speed:5.2f}x real time"
        )
        runs.append(run)
    return runs


def throughput(runs: list[Run]) -> float:
    return sum(r.video_s for r in runs) / sum(r.wall_s for r in runs)


def clip_table(clips: list[Clip], mine: list[Run], base: list[Run]) -> Table:
    table = Table(title="Rep counts and speed per clip (speed: video seconds per wall second)")
    for column in ("clip", "exercise", "video s", "expected"):
        table.add_column(column, justify="left" if column in ("clip", "exercise") else "right")
    for column in ("ours", "ours wall s", "ours speed", "naive", "naive wall s", "naive speed"):
        table.add_column(column, justify="right")
    for clip, a, b in zip(clips, mine, base, strict=True):
        table.add_row(
            clip.path.name,
            clip.exercise,
            f"{a.video_s:.1f}",
            str(clip.reps),
            _count(a.reps, clip.reps),
            f"{a.wall_s:.2f}",
            f"{a.speed:.2f}x",
            _count(b.reps, clip.reps),
            f"{b.wall_s:.2f}",
            f"{b.speed:.2f}x",
        )
    return table


def _count(counted: int, expected: int) -> str:
    return (
        str(counted) if counted == expected else f"[red]{counted} ({counted - expected:+d})[/red]"
    )


def totals_table(clips: list[Clip], mine: list[Run], base: list[Run]) -> Table:
    table = Table(title="Totals")
    table.add_column("measure")
    table.add_column("ours", justify="right")
    table.add_column("naive", justify="right")
    errors = {
        name: [abs(r.reps - c.reps) for r, c in zip(runs, clips, strict=True)]
        for name, runs in (("ours", mine), ("naive", base))
    }
    rows: list[tuple[str, Callable[[list[int]], str]]] = [
        ("exact count", lambda e: f"{e.count(0)}/{len(e)} ({100 * e.count(0) / len(e):.0f}%)"),
        ("off by one", lambda e: f"{e.count(1)}/{len(e)} ({100 * e.count(1) / len(e):.0f}%)"),
        ("mean absolute error (reps)", lambda e: f"{sum(e) / len(e):.2f}"),
    ]
    for label, show in rows:
        table.add_row(label, show(errors["ours"]), show(errors["naive"]))
    table.add_row("video seconds", f"{_sum(mine, 'video_s'):.1f}", f"{_sum(base, 'video_s'):.1f}")
    table.add_row("wall seconds", f"{_sum(mine, 'wall_s'):.1f}", f"{_sum(base, 'wall_s'):.1f}")
    table.add_row("throughput", f"{throughput(mine):.2f}x", f"{throughput(base):.2f}x")
    return table


def _sum(runs: list[Run], field: str) -> float:
    return float(sum(getattr(r, field) for r in runs))


def check_targets(clips: list[Clip], mine: list[Run], base: list[Run]) -> bool:
    exact = all(r.reps == c.reps for r, c in zip(mine, clips, strict=True))
    errors = hold_errors(clips, mine)
    within = sum(abs(e) <= MAX_HOLD_ERROR_S for e in errors)
    console.print(
        f"holds: {within}/{len(errors)} labelled holds within {MAX_HOLD_ERROR_S} s; "
        f"mean absolute error {sum(map(abs, errors)) / max(len(errors), 1):.2f} s, "
        f"mean error {sum(errors) / max(len(errors), 1):+.2f} s"
    )
    speed = throughput(mine)
    ratio = speed / throughput(base)
    checks = [
        (f"every clip counted exactly: {'yes' if exact else 'no'}", exact),
        (
            f"every labelled hold within {MAX_HOLD_ERROR_S} s: {within}/{len(errors)}",
            within == len(errors),
        ),
        (
            f"throughput {speed:.2f}x real time (target >= {MIN_REALTIME:.0f}x)",
            speed >= MIN_REALTIME,
        ),
        (
            f"{ratio:.2f}x the naive baseline's throughput (target >= {MIN_SPEEDUP:.0f}x)",
            ratio >= MIN_SPEEDUP,
        ),
    ]
    for text, met in checks:
        console.print(f"{'[green]met[/green]   ' if met else '[red]MISSED[/red]'} {text}")
    return all(met for _, met in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--samples", type=Path, default=DEFAULT_SAMPLES, help="folder with labels.tsv"
    )
    args = parser.parse_args()
    if not (args.samples / "labels.tsv").is_file():
        console.print(f"[red]No labels.tsv in {args.samples}; pass --samples FOLDER.[/red]")
        return 2
    clips = read_labels(args.samples)
    console.print(f"{len(clips)} clips from {args.samples}")
    mine = run_all(clips, ours, "ours")
    base = run_all(clips, naive, "naive")
    console.print(clip_table(clips, mine, base))
    console.print(totals_table(clips, mine, base))
    return 0 if check_targets(clips, mine, base) else 1


if __name__ == "__main__":
    sys.exit(main())
