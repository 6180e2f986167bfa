"""Uploading a clip on the video check in Chromium, and reading the result."""

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, local_page, serve
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
ANALYSIS_TIMEOUT_MS = 240_000  # a cold model start and a loaded CI machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("analyze-server")) as url:
        yield url


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    yield from local_page(browser, server)


def _label(name: str) -> int:
    with (SAMPLES / "labels.tsv").open(newline="") as file:
        rows = {row["file"]: row for row in csv.DictReader(file, delimiter="\t")}
    return int(rows[name]["reps"])


def test_upload_a_squat_clip_and_see_the_reps_and_the_video(page: Page) -> None:
    page.goto("/analyze")
    expect(page.get_by_role("heading", level=1)).to_have_text("Video check")
    page.get_by_label("Exercise").select_option("squat")
    page.get_by_label("Video of one set").set_input_files(SAMPLES / "squat_02.mp4")
    page.get_by_role("button", name="Analyse the video").click()

    result = page.locator("#analysis-result")
    expect(result).to_be_visible(timeout=ANALYSIS_TIMEOUT_MS)
    expect(page.get_by_test_id("reps")).to_have_text(str(_label("squat_02.mp4")))
    video = result.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function(
        "document.querySelector('#analysis-result video').readyState >= 1"
    )  # the browser could load the annotated video's metadata
    expect(result.get_by_role("link", name="Save to this set")).to_have_attribute(
        "href", f"/session/for/squat?reps={_label('squat_02.mp4')}"
    )
    page.screenshot(path=ARTIFACTS / "analyze-result-phone.png", full_page=True)


def test_a_text_file_gets_a_message_next_to_the_field(page: Page, tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video\n" * 50)
    page.goto("/analyze")
    page.get_by_label("Video of one set").set_input_files(notes)
    page.get_by_role("button", name="Analyse the video").click()
    expect(page.locator("#video-error")).to_contain_text("not a video")
    expect(page.locator("#analysis-result")).to_have_count(0)
