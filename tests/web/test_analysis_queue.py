"""Video analysis through Redis: the web app queues, `backchain worker`s run, on real servers.

Redis is a real redis-server (tests/conftest.py) persisting to an append-only file. Most tests
run the worker in this process with the fake pose model (`work(..., burst=True)` stops once the
queue is empty); one runs real `backchain worker` processes on a sample clip and kills one
mid-job, as a machine failing would.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app_client import TestClient
from fastapi import FastAPI
from job_kit import folder_of, stored_job, wait_for
from video_kit import SQUATS, clip_of, plays

from backchain.config import Config, load_config
from backchain.jobs import runner
from backchain.jobs.worker import work
from backchain.store.jobs import JobState
from backchain.web.app import create_app

pytestmark = pytest.mark.redis

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "deadlift_02.mp4"
SAMPLE_REPS = 16  # labels.tsv
WORKER_JOB_S = 240.0  # a 36-s clip on the real model, on a busy two-core machine
POLL_S = 0.2
JOB_LINK = re.compile(r'hx-get="/analyze/jobs/([^"]+)"')
BACKCHAIN = str(Path(sys.executable).with_name("backchain"))  # the installed command


@pytest.fixture
def config(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Config]:
    monkeypatch.setenv("BACKCHAIN_REDIS_URL", redis_url)
    monkeypatch.setenv("BACKCHAIN_MAX_ANALYSES", "5")
    load_config.cache_clear()
    yield load_config()
    load_config.cache_clear()


def clinic_web(config: Config) -> FastAPI:
    return create_app(config=config, pose_factory=plays(SQUATS.sequence))


def upload(client: TestClient, clip: Path, exercise: str = "squat") -> str:
    """Upload `clip` as analyze.js does; the new job's id."""
    response = client.post(
        f"/analyze?exercise={exercise}",
        content=clip.read_bytes(),
        headers={"Content-Type": "video/mp4"},
    )
    assert response.status_code == 202, response.text
    found = JOB_LINK.search(response.text)
    assert found is not None, response.text
    return found.group(1)


def test_the_web_app_queues_and_a_worker_runs_what_any_web_process_then_shows(
    config: Config, tmp_path: Path
) -> None:
    clip = clip_of(tmp_path / "squats.mp4", SQUATS.sequence)
    with TestClient(clinic_web(config)) as first, TestClient(clinic_web(config)) as second:
        job_id = upload(first, clip)
        time.sleep(0.5)
        page = second.get(f"/analyze/jobs/{job_id}").text
        assert "Waiting for its turn" in page  # the web process runs nothing itself

        work(config, pose_factory=plays(SQUATS.sequence), burst=True)

        job = wait_for(second.app, job_id, timeout_s=1)
        assert job.state is JobState.DONE, job.error
        result = second.get(f"/analyze/jobs/{job_id}").text
        assert f'data-testid="reps">{SQUATS.truth.reps}<' in result
        video = first.get(f"/analyze/jobs/{job_id}/video")
        assert video.content[4:8] == b"ftyp"
        assert [p.name for p in folder_of(first.app, job_id).iterdir()] == [runner.ANNOTATED]


def test_queued_jobs_survive_a_redis_restart(
    config: Config, redis_server: Any, tmp_path: Path
) -> None:
    clip = clip_of(tmp_path / "squats.mp4", SQUATS.sequence)
    with TestClient(clinic_web(config)) as client:
        job_ids = [upload(client, clip) for _ in range(2)]
        redis_server.stop()
        redis_server.start()  # the same port and folder: it reads its append-only file
        work(config, pose_factory=plays(SQUATS.sequence), burst=True)
        for job_id in job_ids:
            assert wait_for(client.app, job_id, timeout_s=1).state is JobState.DONE


def test_a_job_the_queue_lost_is_queued_again_when_its_page_is_polled(
    config: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clip = clip_of(tmp_path / "squats.mp4", SQUATS.sequence)
    with TestClient(clinic_web(config)) as client:
        job_id = upload(client, clip)
        queue = client.app.state.analyses.queue
        queue.redis.flushall()  # a Redis without persistence, restarted
        assert queue.queue.count == 0
        client.get(f"/analyze/jobs/{job_id}")
        assert queue.queue.count == 0  # queued too recently to be called lost

        monkeypatch.setattr(runner, "LOST_S", 0.0)
        client.get(f"/analyze/jobs/{job_id}")
        assert queue.queue.count == 1
        work(config, pose_factory=plays(SQUATS.sequence), burst=True)
        assert wait_for(client.app, job_id, timeout_s=1).state is JobState.DONE


def test_a_worker_starting_queues_again_what_the_queue_lost(config: Config, tmp_path: Path) -> None:
    clip = clip_of(tmp_path / "squats.mp4", SQUATS.sequence)
    with TestClient(clinic_web(config)) as client:
        job_id = upload(client, clip)
        client.app.state.analyses.queue.redis.flushall()
        work(config, pose_factory=plays(SQUATS.sequence), burst=True)
        assert wait_for(client.app, job_id, timeout_s=1).state is JobState.DONE


def test_a_worker_without_redis_says_what_to_set() -> None:
    done = subprocess.run(
        [BACKCHAIN, "worker"],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "BACKCHAIN_REDIS_URL"},
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "set BACKCHAIN_REDIS_URL" in done.stderr


def test_a_job_whose_worker_is_killed_mid_job_is_finished_by_another(config: Config) -> None:
    """Real `backchain worker` processes and the real model: the first is killed (SIGKILL, no
    clean-up) once the job shows progress; a second, started as systemd would, finishes it."""
    env = {**os.environ, "BACKCHAIN_REDIS_URL": str(config.redis_url)}
    with TestClient(create_app(config=config)) as client:
        job_id = upload(client, SAMPLE, "romanian_deadlift")
        first = _worker(env)
        try:
            _wait(lambda: _progress(client.app, job_id) > 0, "the first worker to start the job")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
            assert stored_job(client.app, job_id).state is JobState.RUNNING  # as the kill left it
        finally:
            first.kill()
        second = _worker(env)
        try:
            job = wait_for(client.app, job_id, timeout_s=WORKER_JOB_S)
        finally:
            second.send_signal(signal.SIGTERM)  # a warm shut-down: it was idle
            second.wait(timeout=60)
        assert job.state is JobState.DONE, job.error
        assert job.attempts == 2
        page = client.get(f"/analyze/jobs/{job_id}").text
        assert f'data-testid="reps">{SAMPLE_REPS}<' in page


def _worker(env: dict[str, str]) -> "subprocess.Popen[bytes]":
    return subprocess.Popen(
        [BACKCHAIN, "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(ready: Callable[[], bool], what: str, timeout_s: float = WORKER_JOB_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(POLL_S)
    raise AssertionError(f"timed out waiting for {what}")


def _progress(app: FastAPI, job_id: str) -> float:
    job = stored_job(app, job_id)
    return job.done_s if job.state is JobState.RUNNING else 0.0
