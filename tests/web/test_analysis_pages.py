"""The video check: upload a clip, follow the job, read the result; refused uploads store nothing.

The analysis' pose model is a `FakeEstimator` playing a synthetic set back over a grey clip of
the set's frames (the video check's journey in Chromium runs the real model on a real clip).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_client import TestClient
from job_kit import all_jobs, folder_of, left_on_disk, wait_for
from video_kit import SQUATS, clip_of, plays

from backchain.config import load_config
from backchain.store.jobs import JobState
from backchain.web.app import create_app

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app, its analyses' pose model playing the squat set back."""
    with TestClient(create_app(pose_factory=plays(SQUATS.sequence))) as test_client:
        yield test_client


def _post(client: TestClient, body: bytes, kind: str = "video/mp4", exercise: str = "squat"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/analyze?exercise={exercise}", content=body, headers={"Content-Type": kind}
    )


def test_the_form_offers_every_exercise_and_takes_only_videos(client: TestClient) -> None:
    page = client.get("/analyze?exercise=squat")
    assert page.status_code == 200
    assert 'accept="video/*"' in page.text
    assert '<option value="squat" selected>' in page.text
    assert page.text.count("<option ") == 7
    assert 'href="/analyze" aria-current="page"' in page.text


def test_a_squat_clip_is_counted_and_annotated_and_the_upload_deleted(
    client: TestClient, tmp_path: Path
) -> None:
    clip = clip_of(tmp_path / "squats.mp4", SQUATS.sequence)
    started = _post(client, clip.read_bytes())
    assert started.status_code == 202, started.text
    assert 'hx-trigger="every 1s"' in started.text
    (queued,) = all_jobs(client.app)
    job = wait_for(client.app, queued.id)
    assert job.state is JobState.DONE, job.error

    result = client.get(f"/analyze/jobs/{job.id}")
    assert result.status_code == 200
    assert "hx-trigger" not in result.text  # polling stops with the result
    assert f'data-testid="reps">{SQUATS.truth.reps}<' in result.text
    assert f"/session/for/squat?reps={SQUATS.truth.reps}" in result.text
    assert f'src="/analyze/jobs/{job.id}/video"' in result.text
    video = client.get(f"/analyze/jobs/{job.id}/video")
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    assert [p.name for p in folder_of(client.app, job.id).iterdir()] == ["annotated.mp4"]
    download = client.get(f"/analyze/jobs/{job.id}/video?download=true")
    assert download.content == video.content
    assert "attachment" in download.headers["content-disposition"]


@pytest.mark.parametrize(
    ("body", "kind", "exercise", "status", "message"),
    [
        (b"just some notes, not a video\n" * 20, "video/mp4", "squat", 400, "not a video"),
        (b"plain text", "text/plain", "squat", 415, "not a video"),
        (b"", "video/mp4", "squat", 400, "Choose a video file"),
        (b"\x00" * 10, "video/mp4", "handstand", 400, "Choose the exercise"),
        (b"x", "multipart/form-data; boundary=x", "squat", 400, "needs JavaScript"),
        # the form posted as it is, without analyze.js: the exercise is in the body, not the query
        (
            b"exercise=squat&video=set.mp4",
            "application/x-www-form-urlencoded",
            "",
            400,
            "needs JavaScript",
        ),
    ],
)
def test_refused_uploads_get_a_message_and_leave_nothing(
    client: TestClient, body: bytes, kind: str, exercise: str, status: int, message: str
) -> None:
    response = _post(client, body, kind, exercise)
    assert response.status_code == status
    assert message in response.text
    assert "/tmp" not in response.text  # the temporary file's name means nothing to the user
    assert left_on_disk(client.app) == []
    assert all_jobs(client.app) == []


def test_a_video_over_the_limit_is_refused_while_streaming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BACKCHAIN_MAX_UPLOAD_MB", "1")
    load_config.cache_clear()
    body = (SAMPLES / "squat_02.mp4").read_bytes() + bytes(1024 * 1024)

    def chunks():  # type: ignore[no-untyped-def]  # no Content-Length: the stream check stops it
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    try:
        with TestClient(create_app()) as client:
            response = client.post(
                "/analyze?exercise=squat", content=chunks(), headers={"Content-Type": "video/mp4"}
            )
            assert response.status_code == 413
            assert "larger than" in response.text
            assert left_on_disk(client.app) == []

            declared = _post(client, body)  # with Content-Length: refused before reading
            assert declared.status_code == 413
    finally:
        load_config.cache_clear()


def test_an_unknown_job_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/analyze/jobs/nope")
    assert response.status_code == 404
    assert "upload the video again" in response.text
