"""The live coach in Chromium, with a sample clip as the webcam (Chromium's fake capture device)."""

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from browser_kit import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, local_page, serve
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
CAMERA_FPS = 15
CAMERA_HEIGHT = 360  # px: a small webcam, quick to write and to send
COUNT_TIMEOUT_MS = 60_000  # the clip is 10.7 s; Chromium loops it, and the model starts cold


def _label(name: str) -> int:
    with (SAMPLES / "labels.tsv").open(newline="") as file:
        rows = {row["file"]: row for row in csv.DictReader(file, delimiter="\t")}
    return int(rows[name]["reps"])


def write_y4m(clip: Path, out: Path) -> None:
    """The clip at CAMERA_FPS and CAMERA_HEIGHT as YUV4MPEG2 (4:2:0), which Chromium plays as a camera."""
    with av.open(str(clip)) as container, out.open("wb") as file:
        stream = container.streams.video[0]
        width = height = 0
        next_t = 0.0
        for frame in container.decode(stream):
            if frame.time is None or frame.time + 1e-4 < next_t:
                continue
            next_t += 1 / CAMERA_FPS
            if not width:
                height = CAMERA_HEIGHT
                width = round(frame.width * height / frame.height / 2) * 2
                file.write(
                    f"YUV4MPEG2 W{width} H{height} F{CAMERA_FPS}:1 Ip A1:1 C420jpeg\n".encode()
                )
            planes = frame.reformat(width=width, height=height, format="yuv420p").to_ndarray()
            file.write(b"FRAME\n" + np.ascontiguousarray(planes).tobytes())


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("camera") / "squat_02.y4m"
    write_y4m(SAMPLES / "squat_02.mp4", out)
    return out


@pytest.fixture(scope="module")
def camera_browser(browser: Browser, camera_file: Path) -> Iterator[Browser]:
    """A Chromium of its own whose webcam plays the clip (the shared one has no camera),
    launched through the shared browser's Playwright: only one sync Playwright may run."""
    camera_args = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_file}",
    ]
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *camera_args]
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("coach-server")) as url:
        yield url


@pytest.fixture
def page(camera_browser: Browser, server: str) -> Iterator[Page]:
    yield from local_page(camera_browser, server, permissions=["camera"])


def test_the_y4m_file_holds_the_clip_at_the_camera_rate(camera_file: Path) -> None:
    with camera_file.open("rb") as file:
        header = file.readline().decode()
    assert re.fullmatch(r"YUV4MPEG2 W\d+ H360 F15:1 Ip A1:1 C420jpeg\n", header)
    width = int(header.split()[1][1:])
    frame_bytes = len(b"FRAME\n") + width * 360 * 3 // 2
    frames = (camera_file.stat().st_size - len(header)) / frame_bytes
    assert frames == int(frames)
    assert abs(frames - 10.67 * CAMERA_FPS) <= 2


def test_coach_counts_a_squat_set_from_the_camera(page: Page) -> None:
    reps = _label("squat_02.mp4")
    page.goto("/coach?exercise=squat")
    expect(page.get_by_role("heading", name="Set up the camera")).to_be_visible()
    page.get_by_role("button", name="Coach me").click()

    count = page.get_by_role("status")
    expect(count).to_have_text("0")
    expect(count).to_have_text(str(reps), timeout=COUNT_TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "coach-live-phone.png", full_page=True)
    # Chromium loops the file: finish as soon as the clip's reps are in.
    page.get_by_role("button", name="Finish set").click()

    expect(page.get_by_role("heading", name="Set finished")).to_be_visible()
    final = int(page.locator("#coach-final").inner_text())
    assert final in (reps, reps + 1)  # a rep of the next loop may land before the click
    expect(page.get_by_role("link", name="Save to this set")).to_have_attribute(
        "href", re.compile(rf"^/session/for/squat\?reps={final}(&|$)")
    )
    page.screenshot(path=ARTIFACTS / "coach-finished-phone.png", full_page=True)
