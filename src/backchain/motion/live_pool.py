"""Pose models for live streams: a few threads, each holding one model for every stream it serves.

Memory and threads grow with the pool, never with the number of streams. A MediaPipe model
tracks the person from one frame to the next and smooths their landmarks, so a model that turns
from one stream to another first forgets the last one: it reads a blank frame, finds nobody, and
reads the next frame as a new model would (the same landmarks, to the last digit). Each stream
keeps to one thread, the least busy when it opened: with no more streams than threads no model
ever switches; streams that share a thread, when their frames alternate, lose tracking and
smoothing (each frame is read like a first one) and cost the blank frame (about 30 ms) a switch.
"""

import asyncio
import itertools
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from backchain.motion.estimators import PoseEstimator, forget_tracking

__all__ = ["PosePool", "PoseStream"]

T = TypeVar("T")
PoseJob = Callable[[PoseEstimator], T]


class _Lane:
    """One thread and the one model it holds, made by `factory` on the first job."""

    def __init__(self, factory: Callable[[], PoseEstimator], name: str) -> None:
        self._factory = factory
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._model: PoseEstimator | None = None
        self._tracking: int | None = None  # the stream the model last read; only its thread looks
        self.streams = 0  # streams keeping to this lane; only the event loop looks

    def submit(self, stream: int, job: PoseJob[T]) -> "Future[T]":
        return self._executor.submit(self._run, stream, job)

    def close(self) -> None:
        """Drop the queued jobs, wait for the one in hand, then close the model."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._model is not None:  # the thread has ended: nothing else holds the model
            self._model.close()
            self._model = None

    def _run(self, stream: int, job: PoseJob[T]) -> T:
        if self._model is None:
            self._model = self._factory()
        elif self._tracking != stream:
            forget_tracking(self._model)
        self._tracking = stream
        return job(self._model)


@dataclass(frozen=True)
class PoseStream:
    """One stream's way into the pool: its jobs run in order on its lane's thread."""

    _lane: _Lane
    _id: int

    async def run(self, job: PoseJob[T]) -> T:
        """Run `job` with the lane's model, off the event loop, and await its result."""
        return await asyncio.wrap_future(self._lane.submit(self._id, job))


class PosePool:
    """`threads` lanes, each with its own model; `stream()` hands one to each stream."""

    def __init__(self, threads: int, factory: Callable[[], PoseEstimator]) -> None:
        if threads < 1:
            raise ValueError("a pose pool needs at least one thread")
        self._lanes = [_Lane(factory, f"pose-{i}") for i in range(threads)]
        self._ids = itertools.count()

    @contextmanager
    def stream(self) -> Iterator[PoseStream]:
        """A stream on the least busy lane, for as long as the `with` block lasts."""
        lane = min(self._lanes, key=lambda lane: lane.streams)
        lane.streams += 1
        try:
            yield PoseStream(lane, next(self._ids))
        finally:
            lane.streams -= 1

    def close(self) -> None:
        """Finish the jobs in hand and close every model; blocks, so call it off the event loop."""
        for lane in self._lanes:
            lane.close()
