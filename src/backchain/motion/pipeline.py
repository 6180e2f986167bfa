"""From a video file to a pose sequence, using both cores: two stretches of the video are
estimated in parallel, and in each one decoding runs ahead of the model in its own thread.

The model follows one person from frame to frame, so with two people in view each stretch's
model may lock onto a different one; and a model that starts part-way may read a half-hidden
body differently (an arm behind a bench). The stretches overlap by a warm-up; where the models
disagree there, on the person or on where the joints are, the later stretch is estimated again
by the earlier stretch's model carrying on, so the whole video is read as a single model would
read it, and the frames where the two models saw different people are marked as showing two.
"""

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from backchain.motion.estimators import PoseEstimator
from backchain.motion.people import joint_gap, same_person
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.video import Frame, VideoInfo, probe, read_frames

__all__ = ["ANALYSIS_FPS", "ANALYSIS_WIDTH", "Extraction", "extract"]

# Sampling for analysis. Reps take a second or more and holds are timed to 0.1 s, so 12 frames a
# second resolves every phase (every sample clip counts, holds and faults the same as at 15; at 10
# three clips miscount); the landmark model sees 256 px, so 480 px frames lose nothing.
ANALYSIS_FPS = 12.0
ANALYSIS_WIDTH = 480
WORKERS = 2  # one model per core: MediaPipe's graph runs each frame on a single core
WARM_UP_S = 1.0  # frames a stretch runs before its own start, so tracking has locked on
# The last part of the warm-up, where tracking has settled, decides whether the two models at a
# seam follow the same person; frames closer in time than MATCH_S are compared.
SETTLED_S = WARM_UP_S / 2
MATCH_S = 0.1
# Two models reading one body at the same moment (frames SAME_MOMENT_S apart at most) agree on
# its main joints to a few hundredths of a torso length. Past MAX_SEAM_GAP_TORSOS they read it
# differently (an arm half hidden behind a bench, say), and the phase signal would jump at the
# seam: the later stretch is read again by the model that followed the body so far.
SAME_MOMENT_S = 0.05
MAX_SEAM_GAP_TORSOS = 0.08
LUMA_STRIDE = 4  # every 4th pixel each way: a frame's mean brightness needs no more
_LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 luma from RGB
_QUEUE_FRAMES = 8  # decoded frames waiting for the model; bounds memory
_END = object()

Progress = Callable[[float], None]  # called with the video time reached, in seconds


@dataclass(frozen=True)
class Extraction:
    sequence: PoseSequence
    info: VideoInfo
    frames_analyzed: int


@dataclass(frozen=True)
class _Result:
    t: float
    pose: Pose | None
    luma: float
    people: int


@dataclass
class _Stretch:
    """A stretch's frames from its start on, and its warm-up frames before that."""

    begin: float
    start: float
    end: float
    frames: list[_Result] = field(default_factory=list)
    warm_up: list[_Result] = field(default_factory=list)


def extract(
    path: Path,
    estimator: Callable[[], PoseEstimator],
    *,
    fps: float | None = ANALYSIS_FPS,
    width: int | None = ANALYSIS_WIDTH,
    workers: int = WORKERS,
    progress: Progress | None = None,
) -> Extraction:
    """Run pose estimation over the video; VideoError for a file that cannot be read.

    The video is cut into `workers` consecutive stretches, each decoded and estimated in its
    own thread by its own estimator (from the `estimator` factory). Each stretch after the
    first starts `WARM_UP_S` early so tracking has settled by the time its frames count.
    """
    info = probe(path)
    size = (info.width, info.height)
    edges = [info.duration_s * k / workers for k in range(workers + 1)]
    edges[-1] = float("inf")
    stretches = [
        _Stretch(max(0.0, edges[k] - WARM_UP_S) if k else 0.0, edges[k], edges[k + 1])
        for k in range(workers)
    ]
    models: list[PoseEstimator | None] = [None] * workers
    done = [0.0] * workers
    lock = threading.Lock()

    def run(k: int) -> None:
        stretch = stretches[k]
        frames = _frames(path, stretch, fps, width)  # decoding starts while the model loads
        try:
            model = models[k] = estimator()
            for frame in frames:
                result = _estimate(model, frame)
                if frame.t < stretch.start:
                    stretch.warm_up.append(result)
                    continue
                stretch.frames.append(result)
                with lock:
                    done[k] = frame.t - stretch.start
                    if progress is not None:
                        progress(sum(done))
        finally:
            frames.close()

    try:
        _run_all(run, workers)
        for k in range(1, workers):
            if _diverged(stretches[k - 1].frames, stretches[k].warm_up, size):
                model = models[k - 1]
                assert model is not None
                stretches[k] = _carry_on(model, path, stretches[k], fps, width, size)
                models[k - 1], models[k] = models[k], model  # it follows the next seam too
    finally:
        for model in models:
            if model is not None:
                model.close()
    merged = [result for stretch in stretches for result in stretch.frames]
    sequence = PoseSequence.from_poses(
        [r.t for r in merged],
        [r.pose for r in merged],
        size,
        people=[r.people for r in merged],
        luma=[r.luma for r in merged],
    )
    return Extraction(sequence, info, len(merged))


def _frames(path: Path, stretch: _Stretch, fps: float | None, width: int | None) -> "_Prefetched":
    frames = read_frames(
        path, max_fps=fps, max_width=width, start_s=stretch.begin, end_s=stretch.end
    )
    return _Prefetched(frames)


def _estimate(model: PoseEstimator, frame: Frame) -> _Result:
    pose = model.estimate(frame.rgb, frame.t)
    return _Result(frame.t, pose, _luma(frame.rgb), int(pose is not None))


def _luma(rgb: npt.NDArray[np.uint8]) -> float:
    """Mean brightness of a frame, 0-255, from a sample of its pixels."""
    sample = rgb[::LUMA_STRIDE, ::LUMA_STRIDE].reshape(-1, 3)
    return float(sample.mean(axis=0) @ _LUMA_WEIGHTS)


def _diverged(before: list[_Result], warm_up: list[_Result], size: tuple[int, int]) -> bool:
    """Whether the next stretch's model settled on someone other than the one followed so far,
    or reads the same body differently."""
    if not warm_up:
        return False
    settled = [r for r in warm_up if r.t >= warm_up[-1].t - SETTLED_S and r.pose is not None]
    votes, gaps = [], []
    for result in settled:
        match = min(before, key=lambda b: abs(b.t - result.t), default=None)
        if match is None or match.pose is None or abs(match.t - result.t) > MATCH_S:
            continue
        assert result.pose is not None
        votes.append(not same_person(match.pose, result.pose, size))
        if abs(match.t - result.t) <= SAME_MOMENT_S:
            gaps.append(joint_gap(match.pose, result.pose, size))
    switched = bool(votes) and sum(votes) > len(votes) / 2
    return switched or (bool(gaps) and float(np.median(gaps)) > MAX_SEAM_GAP_TORSOS)


def _carry_on(
    model: PoseEstimator,
    path: Path,
    stretch: _Stretch,
    fps: float | None,
    width: int | None,
    size: tuple[int, int],
) -> _Stretch:
    """The stretch estimated again by the model that followed the person up to its start; a
    frame where the stretch's own model had found someone else shows two people."""
    first_try = {r.t: r.pose for r in stretch.frames}
    again = _Stretch(stretch.begin, stretch.start, stretch.end)
    for frame in _frames(path, stretch, fps, width):
        if frame.t < stretch.start:
            continue  # the model is warm: it has just seen the frames before
        result = _estimate(model, frame)
        other = first_try.get(frame.t)
        if other is not None and (result.pose is None or not same_person(result.pose, other, size)):
            result = _Result(result.t, result.pose, result.luma, result.people + 1)
        again.frames.append(result)
    return again


def _run_all(run: Callable[[int], None], workers: int) -> None:
    """Run `run(k)` for each worker in its own thread; the first failure is raised here."""
    failures: list[BaseException] = []

    def guarded(k: int) -> None:
        try:
            run(k)
        except BaseException as error:  # handed to the caller, raised below
            failures.append(error)

    threads = [
        threading.Thread(target=guarded, args=(k,), name=f"pose-{k}") for k in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


class _Prefetched:
    """Frames decoded ahead in a thread, from construction on: FFmpeg and the model both release
    the GIL, so they overlap. `close()` stops the thread, whether or not the frames were read."""

    def __init__(self, frames: Iterator[Frame]) -> None:
        self._frames = frames
        self._waiting: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_FRAMES)
        self._failure: list[BaseException] = []
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._produce, name="decode", daemon=True)
        self._worker.start()

    def _produce(self) -> None:
        try:
            for frame in self._frames:
                if self._stop.is_set():
                    return
                self._waiting.put(frame)
        except BaseException as error:  # handed to the consumer, raised there
            self._failure.append(error)
        finally:
            self._waiting.put(_END)

    def __iter__(self) -> Iterator[Frame]:
        try:
            while (item := self._waiting.get()) is not _END:
                assert isinstance(item, Frame)
                yield item
        finally:
            self.close()
        if self._failure:
            raise self._failure[0]

    def close(self) -> None:
        self._stop.set()
        while self._worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                self._waiting.get_nowait()
            except queue.Empty:
                self._worker.join(timeout=0.05)
