"""`backchain analyze` and `backchain landmarks`: the motion coach on a video file.

The motion packages (PyAV, OpenCV, MediaPipe) are imported inside the commands, so the other
`backchain` commands start without them.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from backchain.cli.common import JsonFlag, console, print_json, user_errors
from backchain.errors import MotionError
from backchain.exercises import load_catalogue
from backchain.motion.native_logs import hidden_native_logs

if TYPE_CHECKING:
    from backchain.motion.analysis import AnalysisReport
    from backchain.motion.pipeline import Extraction
    from backchain.motion.poses import PoseSequence
    from backchain.motion.video import VideoInfo

__all__ = ["analyze", "landmarks"]

_ZIP_MAGIC = b"PK\x03\x04"  # an .npz is a zip archive
_VIEWS = {"side": "from the side", "front": "from the front", "any": "at an angle"}

VideoArgument = Annotated[
    Path,
    typer.Argument(
        metavar="VIDEO",
        help="A video file (.mp4, .mov, .webm), or a landmark file from `backchain landmarks`.",
        show_default=False,
    ),
]


@user_errors
def analyze(
    video: VideoArgument,
    exercise: Annotated[
        str,
        typer.Option(
            "--exercise", "-e", metavar="ID", help="Exercise id, e.g. squat.", show_default=False
        ),
    ],
    as_json: JsonFlag = False,
    annotate_to: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            metavar="OUT.mp4",
            help="Also write the video with the skeleton, reps and cues drawn on.",
        ),
    ] = None,
) -> None:
    """Count reps and check form in a video filmed from the side."""
    from backchain.motion.analysis import VideoSummary
    from backchain.motion.analysis import analyze as analyze_sequence
    from backchain.motion.landmark_file import load_landmarks

    started = time.perf_counter()
    load_catalogue().get(exercise)  # an unknown id fails before any decoding
    from_landmarks = _is_landmark_file(video)
    if annotate_to is not None:
        if from_landmarks:
            raise MotionError(
                "--annotate draws on the video itself; give the video, not a landmark file."
            )
        _check_output(annotate_to)
    with hidden_native_logs() as stderr:
        bar_to = None if as_json else stderr  # progress bars, on a terminal only
        sequence, info = load_landmarks(video) if from_landmarks else _poses(video, bar_to)
        report = analyze_sequence(
            sequence, exercise, video=VideoSummary(info.duration_s, info.fps, info.frames)
        )
        if annotate_to is not None:
            _annotate(video, sequence, report, annotate_to, bar_to, info)
    report = replace(report, wall_s=time.perf_counter() - started, frames_analyzed=len(sequence))
    if as_json:
        print_json(report.to_json())
    else:
        _print_report(report, annotate_to)


@user_errors
def landmarks(
    video: Annotated[
        Path, typer.Argument(metavar="VIDEO", help="A video file.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.npz",
            help="Where to save the landmarks.",
            show_default=False,
        ),
    ],
) -> None:
    """Save a video's pose landmarks, to analyse again later without the model."""
    from backchain.motion.landmark_file import save_landmarks

    _check_output(output)
    with hidden_native_logs() as stderr:
        extraction = _extract(video, stderr)
    save_landmarks(output, extraction.sequence, extraction.info)
    found = int(extraction.sequence.present.sum())
    saved = f"Saved {extraction.frames_analyzed} frames ({found} with a person) to {output}."
    console.print(Text(saved), highlight=False)


def _is_landmark_file(path: Path) -> bool:
    """By extension or by content: an .npz is a zip archive, which no video format is."""
    if path.suffix.lower() == ".npz":
        return True
    try:
        with path.open("rb") as file:
            return file.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
    except OSError:
        return False  # reading it as a video gives the clearer message


def _check_output(path: Path) -> None:
    if path.is_dir():
        raise MotionError(f"{path} is a folder; give a file name to write.")
    if not path.parent.is_dir():
        raise MotionError(f"{path.parent}: no such folder; create it or write somewhere else.")


def _progress(stderr: TextIO | None) -> Progress:
    """A bar of video seconds done, shown only on a terminal."""
    terminal = Console(file=stderr or sys.stderr)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.1f} of {task.total:.1f} s of video"),
        TimeElapsedColumn(),
        console=terminal,
        transient=True,
        disable=stderr is None or not terminal.is_terminal,
    )


def _extract(video: Path, stderr: TextIO | None) -> Extraction:
    from backchain.motion.estimators import MediaPipePose
    from backchain.motion.pipeline import extract
    from backchain.motion.video import probe

    info = probe(video)
    with _progress(stderr) as bar:
        task = bar.add_task("Finding poses", total=info.duration_s)
        return extract(video, MediaPipePose, progress=lambda s: bar.update(task, completed=s))


def _poses(video: Path, stderr: TextIO | None) -> tuple[PoseSequence, VideoInfo]:
    extraction = _extract(video, stderr)
    return extraction.sequence, extraction.info


def _annotate(
    video: Path,
    sequence: PoseSequence,
    report: AnalysisReport,
    out: Path,
    stderr: TextIO | None,
    info: VideoInfo,
) -> None:
    from backchain.motion.annotate import annotate

    with _progress(stderr) as bar:
        task = bar.add_task("Drawing", total=info.duration_s)
        annotate(video, sequence, report, out, progress=lambda t: bar.update(task, completed=t))


def _print_report(report: AnalysisReport, annotated: Path | None) -> None:
    view = f", filmed {_VIEWS[report.view]}" if report.view in _VIEWS else ""
    reps = "1 rep" if report.reps == 1 else f"{report.reps} reps"
    console.print(
        f"[bold]{report.exercise}[/bold]: {reps}{view} "
        f"({report.video.duration_s:.1f} s of video analysed in {report.wall_s:.1f} s)",
        highlight=False,
    )
    if report.rep_details:
        console.print(_rep_table(report))
    if report.warnings:
        console.print(
            Panel(Text("\n\n".join(report.warnings)), title="Warnings", border_style="yellow"),
            highlight=False,
        )
    if annotated is not None:
        console.print(Text(f"Annotated video: {annotated}"), highlight=False)  # a path: not markup


def _rep_table(report: AnalysisReport) -> Table:
    cues = {fault.id: fault.cue for fault in report.faults}
    table = Table()
    for column in ("rep", "start", "end", "hold", "faults"):
        table.add_column(column, justify="left" if column == "faults" else "right")
    for rep in report.rep_details:
        table.add_row(
            str(rep.index),
            f"{rep.start_s:.1f} s",
            f"{rep.end_s:.1f} s",
            "–" if rep.hold_s is None else f"{rep.hold_s:.1f} s",
            "\n".join(cues.get(fault, fault) for fault in rep.faults) or "–",
        )
    return table
