"""Live-coach sets waiting for a reconnect, kept where the process that takes the reconnect finds
them: `MemorySets` in this process, for one person on their own machine; `RedisSets` in Redis,
when `Config.redis_url` is set, so a set resumes on any of several web processes.

In Redis a set is two keys, both expiring `RESUME_WINDOW_S` after its last frame:
`backchain:live:<id>:frames`, its frames in order (`Frame.to_bytes()`), and
`backchain:live:<id>:meta`, a hash with its exercise. Redis is the truth: a connection rebuilds
its set from the frames there and no process keeps a set once its connection is gone.

Counting never waits on Redis for long nor stops when it is away: the set carries on in the
connection's memory, and its frames are written again in full once Redis answers.
"""

import asyncio
import logging
import time
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from backchain.config import Config
from backchain.motion.live import RESUME_WINDOW_S, Frame, LiveSet

__all__ = ["LiveSetStore", "MemorySets", "RedisSets", "live_sets"]

logger = logging.getLogger(__name__)

KEY_PREFIX = "backchain:live:"
REDIS_TIMEOUT_S = 0.5  # the longest a frame waits for Redis; the camera sends one every ~70 ms
REDIS_RETRY_S = 5.0  # after a failed write, frames go unwritten this long rather than each wait


class LiveSetStore(Protocol):
    """What the coach's socket needs of the place its sets wait for a reconnect."""

    async def open(self, exercise: str, set_id: str | None) -> LiveSet:
        """The set `set_id` of `exercise` if it is waiting, else a new set."""
        ...

    async def record(self, live: LiveSet, frame: Frame) -> None:
        """Keep `frame`, which `live` has just taken, so the set can resume with it."""
        ...

    async def close(self, live: LiveSet) -> None:
        """The set is finished: a reconnect starts a new one."""
        ...

    async def aclose(self) -> None:
        """Let go of the store's connections as the app stops."""
        ...


def live_sets(config: Config) -> LiveSetStore:
    """Redis when the configuration names one, else this process's memory."""
    return MemorySets() if config.redis_url is None else RedisSets.from_url(config.redis_url)


class MemorySets:
    """Sets in this process's memory, each kept `RESUME_WINDOW_S` after its last frame."""

    def __init__(self) -> None:
        self.sets: dict[str, LiveSet] = {}
        self.seen: dict[str, float] = {}  # each set's last frame or opening, monotonic seconds

    async def open(self, exercise: str, set_id: str | None) -> LiveSet:
        self._expire()
        live = self.sets.get(set_id or "")
        if live is None or live.exercise != exercise:
            live = LiveSet.new(exercise)
            self.sets[live.id] = live
        self.seen[live.id] = time.monotonic()
        return live

    async def record(self, live: LiveSet, frame: Frame) -> None:
        if live.id in self.sets:  # not once it is finished
            self.seen[live.id] = time.monotonic()

    async def close(self, live: LiveSet) -> None:
        self.sets.pop(live.id, None)
        self.seen.pop(live.id, None)

    async def aclose(self) -> None:
        pass

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, seen in self.seen.items() if now - seen > RESUME_WINDOW_S]:
            del self.sets[key], self.seen[key]


class RedisSets:
    """Sets in Redis, rebuilt from their frames by whichever process a connection reaches."""

    def __init__(self, client: Redis) -> None:
        self.client = client
        self.ttl_ms = round(RESUME_WINDOW_S * 1000)
        self._away = False  # Redis failed last time it was asked
        self._resting_until = 0.0  # monotonic; no frame is written before

    @classmethod
    def from_url(cls, url: str) -> "RedisSets":
        # One immediate retry: a pooled connection may be stale after Redis restarted.
        return cls(
            Redis.from_url(
                url,
                socket_timeout=REDIS_TIMEOUT_S,
                socket_connect_timeout=REDIS_TIMEOUT_S,
                retry=Retry(NoBackoff(), 1),
            )
        )

    async def open(self, exercise: str, set_id: str | None) -> LiveSet:
        if set_id:
            try:
                live = await self._rebuild(exercise, set_id)
            except RedisError as error:
                self._failed(error)
            else:
                if live is not None:
                    return live
        return LiveSet.new(exercise)

    async def record(self, live: LiveSet, frame: Frame) -> None:
        if time.monotonic() < self._resting_until:
            return
        frames_key, _ = _keys(live.id)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.rpush(frames_key, frame.to_bytes())
                self._keep(pipe, live)
                stored, *_ = await pipe.execute()
            if stored != live.frame_count:  # frames went unwritten, or keys expired, meanwhile
                await self._rewrite(live)
        except RedisError as error:
            self._failed(error)
        else:
            if self._away:
                logger.info("Redis answers again: live sets can resume once more.")
            self._away = False

    async def close(self, live: LiveSet) -> None:
        try:
            await self.client.delete(*_keys(live.id))
        except RedisError as error:  # the keys expire in any case
            self._failed(error)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _rebuild(self, exercise: str, set_id: str) -> LiveSet | None:
        """The set as its frames in Redis make it; None when it is gone or of another exercise."""
        frames_key, meta_key = _keys(set_id)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hget(meta_key, "exercise")
            pipe.lrange(frames_key, 0, -1)
            stored_exercise, blobs = await pipe.execute()
        if stored_exercise is None or stored_exercise.decode() != exercise or not blobs:
            return None
        return await asyncio.to_thread(_replay, set_id, exercise, blobs)

    async def _rewrite(self, live: LiveSet) -> None:
        """All of the set's frames, in place of what Redis holds."""
        blobs = await asyncio.to_thread(lambda: [frame.to_bytes() for frame in live.frames()])
        frames_key, _ = _keys(live.id)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(frames_key)
            pipe.rpush(frames_key, *blobs)
            self._keep(pipe, live)
            await pipe.execute()
        logger.info("Live set %s written to Redis again in full (%d frames).", live.id, len(blobs))

    def _keep(self, pipe: Pipeline, live: LiveSet) -> None:
        """The set's exercise, and both its keys kept `RESUME_WINDOW_S` from now."""
        frames_key, meta_key = _keys(live.id)
        pipe.hset(meta_key, "exercise", live.exercise)
        pipe.pexpire(frames_key, self.ttl_ms)
        pipe.pexpire(meta_key, self.ttl_ms)

    def _failed(self, error: RedisError) -> None:
        if not self._away:
            logger.warning(
                "Redis did not answer (%s): live sets count on, but a dropped connection "
                "cannot resume them until it does. Check BACKCHAIN_REDIS_URL and the server.",
                error,
            )
        self._away = True
        self._resting_until = time.monotonic() + REDIS_RETRY_S


def _keys(set_id: str) -> tuple[str, str]:
    return f"{KEY_PREFIX}{set_id}:frames", f"{KEY_PREFIX}{set_id}:meta"


def _replay(set_id: str, exercise: str, blobs: list[bytes]) -> LiveSet | None:
    """On a thread: the set fed its stored frames again; None when they cannot be read."""
    try:
        frames = [Frame.from_bytes(blob) for blob in blobs]
    except ValueError as error:  # written by another version, say: start afresh
        logger.warning("Live set %s cannot be resumed: %s.", set_id, error)
        return None
    return LiveSet.replay(set_id, exercise, frames)
