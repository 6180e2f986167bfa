"""`backchain worker`: runs the analyses queued in Redis, on any machine that reaches Redis, the
database and the storage folder.

One worker runs one analysis at a time in its own process (RQ's `SimpleWorker`: no fork per
job), so it loads its pose models once. Beside it a thread (`runner.maintain`) puts back the
jobs whose runner stopped (another worker killed mid-job), and deletes expired results.
"""

import threading
from collections.abc import Callable

from backchain.config import Config
from backchain.errors import ConfigError
from backchain.jobs.queue import RedisQueue
from backchain.jobs.runner import Runner, maintain, maintain_once, prepare_storage
from backchain.motion.estimators import PoseEstimator, ReusedModels, quiet_pose
from backchain.store import open_store

__all__ = ["run_queued", "work"]

_runner: Runner | None = None  # this worker's, set by `work`


def run_queued(job_id: str) -> None:
    """What the queue holds for each job: run it with this worker's runner."""
    if _runner is None:
        raise RuntimeError("queued analyses run inside `backchain worker`")
    _runner.run(job_id)


def work(
    config: Config,
    *,
    pose_factory: Callable[[], PoseEstimator] = quiet_pose,
    burst: bool = False,
) -> None:
    """Run queued jobs until stopped (SIGTERM or Ctrl-C finish the job in hand first); with
    `burst`, until the queue is empty."""
    global _runner
    if not config.redis_url:
        raise ConfigError(
            "A worker takes its jobs from Redis: set BACKCHAIN_REDIS_URL (e.g. "
            "redis://127.0.0.1:6379/0) here and for the web app. Without Redis the web app "
            "analyses videos itself."
        )
    from redis.exceptions import ConnectionError as RedisConnectionError
    from rq import SimpleWorker

    prepare_storage(config)
    store = open_store()
    queue = RedisQueue(config.redis_url, config.job_timeout_s)
    models = ReusedModels(pose_factory)
    _runner = runner = Runner(store, config, models, queue)
    stop = threading.Event()
    maintenance = threading.Thread(
        target=maintain, args=(runner, stop), name="maintenance", daemon=True
    )
    try:
        try:
            queue.redis.ping()
        except RedisConnectionError:
            raise ConfigError(
                f"Cannot reach Redis at {config.redis_url}; start it, or fix BACKCHAIN_REDIS_URL."
            ) from None
        maintain_once(runner, lost_s=0.0)  # first: what the queue lost while no worker ran
        maintenance.start()
        worker = SimpleWorker([queue.queue], connection=queue.redis)
        worker.work(burst=burst, logging_level="INFO")
    finally:
        stop.set()
        if maintenance.is_alive():
            maintenance.join()
        _runner = None
        models.close()
        queue.close()
        store.close()
