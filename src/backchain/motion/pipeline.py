"""From a video file to a pose sequence, using both cores: two stretches of the video are
estimated in parallel, and in each one decoding runs ahead of the model in its own thread."""

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from backchain.motion.estimators import PoseEstimator
from backchain.motion.poses import Pose, PoseSequence
from backchain.motion.video import Frame, VideoInfo, probe, read_frames

__all__ = ["ANALYSIS_FPS", "ANALYSIS_WIDTH", "Extraction", "extract"]

# Sampling for analysis. Reps take a second or more and holds are timed to 0.1 s, so 15 frames a
# second resolves every phase; the landmark model sees 256 px, so 480 px frames lose nothing.
ANALYSIS_FPS = 15.0
ANALYSIS_WIDTH = 480
WORKERS = 2  # one model per core: MediaPipe's graph runs each frame on a single core
WARM_UP_S = 1.0  # frames a stretch runs before its own start, so tracking has locked on
_QUEUE_FRAMES = 8  # decoded frames waiting for the model; bounds memory
_END = object()

Progress = Callable[[float], None]  # called with the video time reached, in seconds


@dataclass(frozen=True)
class Extraction:
    sequence: PoseSequence
    info: VideoInfo
    frames_analyzed: int


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
    edges = [info.duration_s * k / workers for k in range(workers + 1)]
    edges[-1] = float("inf")
    results: list[list[tuple[float, Pose | None]]] = [[] for _ in range(workers)]
    done = [0.0] * workers
    lock = threading.Lock()

    def run(k: int) -> None:
        model = estimator()
        try:
            begin = max(0.0, edges[k] - WARM_UP_S) if k else 0.0
            frames = read_frames(
                path, max_fps=fps, max_width=width, start_s=begin, end_s=edges[k + 1]
            )
            for frame in _prefetched(frames):
                pose = model.estimate(frame.rgb, frame.t)
                if frame.t >= edges[k]:
                    results[k].append((frame.t, pose))
                    with lock:
                        done[k] = frame.t - edges[k]
                        if progress is not None:
                            progress(sum(done))
        finally:
            model.close()

    _run_all(run, workers)
    merged = [item for part in results for item in part]
    times = [t for t, _ in merged]
    poses = [pose for _, pose in merged]
    size = (info.width, info.height)
    return Extraction(PoseSequence.from_poses(times, poses, size), info, len(times))


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


def _prefetched(frames: Iterator[Frame]) -> Iterator[Frame]:
    """Decode ahead in a thread: FFmpeg and the model both release the GIL, so they overlap."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_FRAMES)
    failure: list[BaseException] = []
    stop = threading.Event()

    def produce() -> None:
        try:
            for frame in frames:
                if stop.is_set():
                    return
                waiting.put(frame)
        except BaseException as error:  # handed to the consumer, raised there
            failure.append(error)
        finally:
            waiting.put(_END)

    worker = threading.Thread(target=produce, name="decode", daemon=True)
    worker.start()
    try:
        while (item := waiting.get()) is not _END:
            assert isinstance(item, Frame)
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                waiting.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)
    if failure:
        raise failure[0]
