"""Where analysis jobs wait for a runner: this process's threads, or a Redis queue for workers.

Both take a job's id and its attempt number, nothing else: the job itself (its video, its state)
is in the database and the storage folder, so a queue that loses a message loses no job — the
web process or a worker puts it back (`runner.recover`).

- `ThreadQueue`: personal mode, no Redis. Jobs run on a few threads of the web process.
- `RedisQueue`: several web processes and `backchain worker`s on any machine. The queue is RQ's,
  chosen for being small, maintained, Redis-only and plain Python: a worker is one process
  running queued function calls (see the README). Each attempt is its own RQ job
  (`<id>-<attempt>`), so a job put back after a lost worker never meets its old RQ entry.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

__all__ = ["QUEUE_NAME", "JobQueue", "RedisQueue", "ThreadQueue", "rq_id"]

QUEUE_NAME = "backchain-analysis"
RUN = "backchain.jobs.worker.run_queued"  # what a worker calls with the job's id
TIMEOUT_GRACE_S = 60  # RQ stops a job this long after the job's own time limit, should it not


class JobQueue(Protocol):
    def submit(self, job_id: str, attempt: int) -> None:
        """Queue the job's next run; `attempt` is how many times it was claimed before."""

    def knows(self, job_id: str, attempt: int) -> bool:
        """Whether that run is still waiting in the queue or running."""

    def close(self) -> None: ...


def rq_id(job_id: str, attempt: int) -> str:
    return f"{job_id}-{attempt}"


class ThreadQueue:
    """Jobs run by `run` on `threads` threads of this process, in the order they came."""

    def __init__(self, run: Callable[[str], None], threads: int) -> None:
        self._run = run
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="analysis")
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def submit(self, job_id: str, attempt: int) -> None:
        key = rq_id(job_id, attempt)
        with self._lock:
            self._pending.add(key)
        self._executor.submit(self._work, job_id, key)

    def knows(self, job_id: str, attempt: int) -> bool:
        with self._lock:
            return rq_id(job_id, attempt) in self._pending

    def close(self) -> None:
        """Drop the jobs not started (they stay queued in the database), finish the running."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _work(self, job_id: str, key: str) -> None:
        try:
            self._run(job_id)
        finally:
            with self._lock:
                self._pending.discard(key)


class RedisQueue:
    """RQ's queue on the Redis at `url`; `backchain worker` processes run what it holds."""

    def __init__(self, url: str, timeout_s: int) -> None:
        from redis import Redis  # only clinic set-ups load the Redis client
        from rq import Queue

        self.redis = Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
        self.queue = Queue(QUEUE_NAME, connection=self.redis)
        self.timeout_s = timeout_s

    def submit(self, job_id: str, attempt: int) -> None:
        self.queue.enqueue_call(
            RUN,
            args=(job_id,),
            job_id=rq_id(job_id, attempt),
            timeout=self.timeout_s + TIMEOUT_GRACE_S,
            result_ttl=0,  # the result is in the database
            failure_ttl=24 * 3600,
        )

    def knows(self, job_id: str, attempt: int) -> bool:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            job = Job.fetch(rq_id(job_id, attempt), connection=self.redis)
        except NoSuchJobError:
            return False
        return job.get_status(refresh=False) in (
            JobStatus.QUEUED,
            JobStatus.STARTED,
            JobStatus.SCHEDULED,
        )

    def close(self) -> None:
        self.redis.close()
