"""The live coach in Chromium, with a sample clip as the webcam (Chromium's fake capture device).

The page's speech is recorded, not played: an init script replaces `speechSynthesis.speak` with
one that keeps each utterance's text in `window.__spoken` and ends it after `SPOKEN_MS`.
"""

import csv
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from browser_kit import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PHONE, local_page, serve
from playwright.sync_api import Browser, Page, ViewportSize, WebSocket, expect

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
CLIP = "squat_02.mp4"
CAMERA_FPS = 15
CAMERA_HEIGHT = 360  # px: a small webcam, quick to write and to send
# The person stands still after the clip's last rep for this long before Chromium loops the
# file, so the set can be finished before a rep of the next loop is counted.
STILL_END_S = 4.0
COUNT_TIMEOUT_MS = 60_000  # the clip is 10.7 s; the model starts cold
SPOKEN_MS = 300  # how long the recorded speech takes to say each utterance
SPEECH_TIMEOUT_S = 5.0  # a reply's `say` is spoken within this long of it
SPEECH = f"""
window.__spoken = [];
if (window.speechSynthesis) {{
  speechSynthesis.speak = (utterance) => {{
    window.__spoken.push(utterance.text);
    setTimeout(() => utterance.dispatchEvent(new Event("end")), {SPOKEN_MS});
  }};
}}
"""
NO_SPEECH = "delete Window.prototype.speechSynthesis; delete window.SpeechSynthesisUtterance;"
SUBPIXEL = 0.5  # px a box may pass the view's edge by rounding
SUMMARY_LINE = re.compile(r"Rep (\d+)( \(held \d+\.\d s\))? — (.+)")
TABLET: ViewportSize = {"width": 768, "height": 1024}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE_ON_ITS_SIDE: ViewportSize = {"width": 844, "height": 390}


def _label(name: str) -> int:
    with (SAMPLES / "labels.tsv").open(newline="") as file:
        rows = {row["file"]: row for row in csv.DictReader(file, delimiter="\t")}
    return int(rows[name]["reps"])


def write_y4m(clip: Path, out: Path, still_s: float = 0.0) -> None:
    """The clip at CAMERA_FPS and CAMERA_HEIGHT as YUV4MPEG2 (4:2:0), which Chromium plays as a
    camera, its last frame held `still_s` longer."""
    with av.open(str(clip)) as container, out.open("wb") as file:
        stream = container.streams.video[0]
        width = height = 0
        next_t = 0.0
        frame_bytes = b""
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
            frame_bytes = b"FRAME\n" + np.ascontiguousarray(planes).tobytes()
            file.write(frame_bytes)
        file.write(frame_bytes * round(still_s * CAMERA_FPS))


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("camera") / "squat_02.y4m"
    write_y4m(SAMPLES / CLIP, out, still_s=STILL_END_S)
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
    """A phone-sized page whose speech is recorded."""
    for page in local_page(camera_browser, server, permissions=["camera"]):
        page.add_init_script(SPEECH)
        yield page


class Replies:
    """The coach's frame replies, as the page receives them."""

    def __init__(self, page: Page) -> None:
        self.frames: list[dict[str, Any]] = []
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        socket.on("framereceived", self._keep)

    def _keep(self, payload: str | bytes) -> None:
        message = json.loads(payload)
        if message["type"] == "frame":
            self.frames.append(message)

    @property
    def said(self) -> list[str]:
        return [frame["say"] for frame in self.frames if frame.get("say")]


def spoken(page: Page) -> list[str]:
    """What the page has said so far, leaving out the silent utterance that readies the voice."""
    return [text for text in page.evaluate("window.__spoken") if text]


def said_in_order(spoken: list[str], said: list[str]) -> bool:
    """Whether the page spoke what the server said, in its order, leaving out only cues (a cue
    gives way to a newer cue or a count; a count is never left out)."""
    waiting = list(said)
    for text in spoken:
        while waiting and waiting[0] != text:
            if waiting.pop(0).isdigit():
                return False
        if not waiting:
            return False
        waiting.pop(0)
    return not any(text.isdigit() for text in waiting)


def spoken_once_said(page: Page, replies: Replies) -> list[str]:
    """What the page has said, once it has said as many things as the server asked it to."""
    deadline = time.monotonic() + SPEECH_TIMEOUT_S
    while len(spoken(page)) < len(replies.said) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return spoken(page)


def start(page: Page) -> None:
    page.goto("/coach?exercise=squat")
    expect(page.get_by_role("heading", name="Set up the camera")).to_be_visible()
    page.get_by_role("button", name="Coach me").click()
    expect(page.get_by_role("status")).to_have_text("0")


def assert_in_view(page: Page, *selectors: str) -> None:
    """Every element wholly inside the viewport, as it is now: seen at once, without scrolling."""
    viewport = page.viewport_size
    assert viewport is not None
    for selector in selectors:
        box = page.locator(selector).bounding_box()
        assert box is not None, f"{selector} is not shown"
        inside = (
            box["x"] >= 0
            and box["y"] >= 0
            and box["x"] + box["width"] <= viewport["width"] + SUBPIXEL
            and box["y"] + box["height"] <= viewport["height"] + SUBPIXEL
        )
        assert inside, f"{selector} at {box} is not wholly inside the {viewport} view"


def test_the_y4m_file_holds_the_clip_at_the_camera_rate(camera_file: Path) -> None:
    with camera_file.open("rb") as file:
        header = file.readline().decode()
    assert re.fullmatch(r"YUV4MPEG2 W\d+ H360 F15:1 Ip A1:1 C420jpeg\n", header)
    width = int(header.split()[1][1:])
    frame_bytes = len(b"FRAME\n") + width * 360 * 3 // 2
    frames = (camera_file.stat().st_size - len(header)) / frame_bytes
    assert frames == int(frames)
    assert abs(frames - (10.67 + STILL_END_S) * CAMERA_FPS) <= 2


def test_coach_counts_aloud_fits_a_phone_and_sums_up_a_squat_set(page: Page) -> None:
    """The whole journey on the clip, once: the slowest test here, so not per viewport."""
    reps = _label(CLIP)
    replies = Replies(page)
    start(page)
    expect(page.get_by_role("button", name="Voice on")).to_have_attribute("aria-pressed", "true")

    count = page.get_by_role("status")
    expect(count).to_have_text(str(reps), timeout=COUNT_TIMEOUT_MS)
    assert page.viewport_size == PHONE
    assert_in_view(page, "#coach-reps", "#coach-cue", "#coach-canvas")
    assert_in_view(page, "#coach-finish", "#coach-voice")
    page.screenshot(path=ARTIFACTS / "coach-live-phone.png")
    page.get_by_role("button", name="Finish set").click()

    expect(page.get_by_role("heading", name="Set finished")).to_be_visible()
    expect(page.locator("#coach-final")).to_have_text(str(reps))
    summary = page.get_by_role("list", name="Each rep").get_by_role("listitem")
    expect(summary).to_have_count(reps)
    lines = [SUMMARY_LINE.fullmatch(line) for line in summary.all_inner_texts()]
    assert all(lines), summary.all_inner_texts()
    assert [int(line[1]) for line in lines if line] == list(range(1, reps + 1))
    expect(page.get_by_role("link", name="Save to this set")).to_have_attribute(
        "href", re.compile(rf"^/session/for/squat\?reps={reps}(&|$)")
    )
    page.screenshot(path=ARTIFACTS / "coach-finished-phone.png", full_page=True)

    said = spoken_once_said(page, replies)
    assert [text for text in said if text.isdigit()] == [str(n) for n in range(1, reps + 1)]
    assert said[0] == "1", f"spoken while getting into position: {said}"
    assert said_in_order(said, replies.said), (said, replies.said)
    assert any(not text.isdigit() for text in said), "no cue was spoken after a rep"
    judged = [frame for frame in replies.frames if frame.get("rep")]
    assert judged, "no rep was judged during the set"
    assert all(frame["say"] for frame in judged), "a rep was judged without a cue to say"
    clean = {frame["say"] for frame in judged if not frame["rep"]["faults"]}
    faulty = {frame["say"] for frame in judged if frame["rep"]["faults"]}
    assert len(clean) <= 1, f"clean reps get one word of praise: {clean}"
    assert not clean & faulty, "a rep with a fault was praised"


@pytest.mark.parametrize(
    "viewport",
    [PHONE, TABLET, DESKTOP, PHONE_ON_ITS_SIDE],
    ids=["phone", "tablet", "desktop", "side"],
)
def test_the_count_cue_picture_and_buttons_fit_the_screen(
    page: Page, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    start(page)
    expect(page.locator("#coach-video")).not_to_have_js_property("videoWidth", 0)
    assert_in_view(page, "#coach-reps", "#coach-cue", "#coach-canvas", "#coach-finish")
    assert_in_view(page, "#coach-voice")
    size = page.locator("#coach-reps").evaluate(
        "count => parseFloat(getComputedStyle(count).fontSize)"
    )
    assert size >= 40, "the count is not large enough to read at a distance"
    width, height = page.locator("#coach-canvas").evaluate("c => [c.clientWidth, c.clientHeight]")
    assert min(width, height) >= 0.4 * min(viewport["width"], viewport["height"])
    page.screenshot(path=ARTIFACTS / f"coach-live-{viewport['width']}x{viewport['height']}.png")


def test_with_the_voice_off_nothing_is_said_and_it_stays_off(page: Page) -> None:
    start(page)
    voice = page.get_by_role("button", name="Voice on")
    voice.click()
    expect(page.get_by_role("button", name="Voice off")).to_have_attribute("aria-pressed", "false")

    page.reload()  # the choice is remembered on this device
    start(page)
    expect(page.get_by_role("button", name="Voice off")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"[2-9]"), timeout=COUNT_TIMEOUT_MS)
    assert page.evaluate("window.__spoken") == []


def test_a_browser_that_cannot_speak_still_coaches(page: Page) -> None:
    page.add_init_script(NO_SPEECH)
    start(page)
    expect(page.get_by_role("button", name=re.compile("Voice"))).to_be_disabled()
    expect(page.get_by_text("This browser cannot speak the count.")).to_be_visible()
    expect(page.locator("#coach-video")).not_to_have_js_property("videoWidth", 0)
    page.get_by_role("button", name="Finish set").click()
    expect(page.get_by_role("heading", name="Set finished")).to_be_visible()
