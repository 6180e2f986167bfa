"""Exercise demonstrations on the web: the keyframes endpoint, the pages around the pictures,
and the moving figure in Chromium (still figures when the person asks for reduced motion)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_client import TestClient
from browser_kit import ARTIFACTS, local_page, serve
from markupsafe import escape
from playwright.sync_api import Browser, Locator, Page, expect
from test_session import start_program

from backchain.exercises import Catalogue, load_catalogue
from backchain.motion.demo import POINTS, outline
from backchain.web.app import create_app

VERSIONS = [(e.id, v) for e in load_catalogue() for v in (e.id, *(x.id for x in e.variations))]


@pytest.mark.parametrize(("exercise", "version"), VERSIONS)
def test_every_version_has_well_formed_keyframes(
    client: TestClient, exercise: str, version: str
) -> None:
    response = client.get(f"/demos/{exercise}/{version}.json")

    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    data = response.json()
    assert (data["exercise"], data["version"], data["points"]) == (exercise, version, list(POINTS))
    assert [clip["fault"] for clip in data["clips"]] == [None, *outline(exercise, version).faults]
    x0, y0, x1, y1 = data["box"]
    for clip in data["clips"]:
        assert clip["view"] in ("side", "front")
        assert len(clip["frames"]) >= 10  # a few dozen per rep
        for frame in clip["frames"]:
            assert len(frame) == 2 * len(POINTS)
            assert all(isinstance(v, int) for v in frame)
            assert all(x0 < x < x1 for x in frame[0::2])
            assert all(y0 < y < y1 for y in frame[1::2])
        frames = [key["frame"] for key in clip["keys"]]
        assert frames[0] == 0
        assert all(0 <= f < len(clip["frames"]) for f in frames)
        assert all(key["label"] for key in clip["keys"])


@pytest.mark.parametrize(
    "path",
    ["/demos/cartwheel/cartwheel.json", "/demos/squat/cartwheel.json", "/demos/squat/locust.json"],
)
def test_an_unknown_demonstration_is_the_friendly_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Demonstration not found" in response.text
    assert 'href="/exercises"' in response.text


def _panel(html: str, fault: str) -> str:
    """The first panel drawn for this fault (empty for the movement done well)."""
    match = re.search(
        rf'<figure class="demo__panel[^"]*" data-fault="{fault}">(.*?)</figure>', html, re.S
    )
    assert match, f"no panel for {fault or 'done well'}"
    return match.group(1)


def test_an_exercise_page_shows_each_version_and_each_fault_with_its_cue(
    client: TestClient, catalogue: Catalogue
) -> None:
    for exercise in catalogue:
        html = client.get(f"/exercises/{exercise.id}").text
        urls = re.findall(r'data-demo="([^"]+)"', html)
        versions = [exercise.id, *(v.id for v in exercise.regressions + exercise.progressions)]
        assert urls == [f"/demos/{exercise.id}/{v}.json" for v in versions]
        cue = {c.id: c.text for c in exercise.cues}
        for fault in exercise.faults:
            if fault.id in outline(exercise.id, exercise.id).faults:
                panel = _panel(html, fault.id)
                assert escape(fault.text) in panel
                assert escape(cue[fault.breaks]) in panel
                assert 'role="img"' in panel
        assert 'role="img" aria-label="' in _panel(html, "")


def test_faults_without_a_tested_picture_say_why(client: TestClient) -> None:
    html = client.get("/exercises/romanian_deadlift").text

    text = re.search(r'demo__panel--text">(.*?)</figure>', html, re.S)
    assert text is not None
    assert "The hips stay over the feet" in text.group(1)
    assert "no check for this fault yet" in text.group(1)
    assert "data-fault" not in text.group(0)  # nothing for the script to draw


def test_a_variation_says_what_the_picture_leaves_out_and_how_the_coach_sees_it(
    client: TestClient,
) -> None:
    html = client.get("/exercises/glute_bridge").text

    assert "The figure has no pelvis or spine to tilt" in html  # the pelvic tilt's caption
    assert "The camera coach cannot count this version" in html
    assert escape("so it reports “The hips stop short of the shoulder-knee line” here") in html


def test_the_session_step_shows_the_version_being_done(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'backchain.db'}"
    start_program(url)
    with TestClient(create_app(url)) as client:
        html = client.get("/session/1").text
    catalogue = load_catalogue()
    heading = re.search(r"<h1>(.*?)</h1>", html)
    assert heading is not None
    (demo_url,) = re.findall(r'data-demo="([^"]+)"', html)
    exercise, version = re.fullmatch(r"/demos/(\w+)/(\w+)\.json", demo_url).groups()  # type: ignore[union-attr]
    entry = catalogue.get(exercise)
    name = entry.name if version == entry.id else entry.variation(version).name
    assert heading.group(1) == str(escape(name))
    assert "/static/demo.js" in html
    for fault in outline(exercise, version).faults:
        assert f'data-fault="{fault}"' in html


# --- In Chromium ---------------------------------------------------------------------------

LEG = ".demo__panel[data-fault=''] [data-limb='right_leg']"
STILL_MS = 2000  # longer than any hold in the glute bridge's loop (1.5 s at the top)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("demo-server")) as url:
        yield url


@pytest.fixture
def moving(browser: Browser, demo_server: str) -> Iterator[Page]:
    yield from local_page(browser, demo_server, reduced_motion="no-preference")


@pytest.fixture
def still(browser: Browser, demo_server: str) -> Iterator[Page]:
    yield from local_page(browser, demo_server, reduced_motion="reduce")


def _pose(leg: Locator) -> str | None:
    return leg.get_attribute("points")


def _moves(page: Page, leg: Locator) -> None:
    """Wait until the figure's leg is drawn somewhere else; a timeout fails the test."""
    page.wait_for_function(
        "([leg, before]) => leg.getAttribute('points') !== before",
        arg=[leg.element_handle(), _pose(leg)],
        timeout=STILL_MS * 2,
    )


@pytest.mark.browser
def test_the_figure_moves_beside_its_faults_and_pauses(moving: Page) -> None:
    bridge = load_catalogue().get("glute_bridge")
    breaks = {f.id: next(c.text for c in bridge.cues if c.id == f.breaks) for f in bridge.faults}
    moving.goto("/exercises/glute_bridge")
    demo = moving.locator(".demo").first
    leg = demo.locator(LEG)
    expect(leg).to_have_attribute("points", re.compile(r"\d"))

    _moves(moving, leg)
    for fault in outline("glute_bridge", "glute_bridge").faults:
        panel = demo.locator(f".demo__panel[data-fault='{fault}']")
        expect(panel.locator("svg [data-limb='right_leg']")).to_have_count(1)
        expect(panel.locator(".demo__cue")).to_contain_text(breaks[fault])
    demo.scroll_into_view_if_needed()
    demo.screenshot(path=ARTIFACTS / "demo-glute-bridge-phone.png")

    demo.get_by_role("button", name="Pause animation of the Glute bridge").click()
    play = demo.get_by_role("button", name="Play animation of the Glute bridge")
    expect(play).to_be_visible()
    paused = _pose(leg)
    moving.wait_for_timeout(STILL_MS)
    assert _pose(leg) == paused, "the figure moved while paused"
    play.click()
    _moves(moving, leg)


@pytest.mark.browser
def test_with_reduced_motion_the_key_positions_stand_still_side_by_side(still: Page) -> None:
    still.goto("/exercises/squat")
    demo = still.locator(".demo").first
    done = demo.locator(".demo__panel[data-fault='']")
    expect(done.locator(".demo__still")).to_have_count(3)
    expect(done.locator(".demo__still-label")).to_have_text(
        ["Start", "Halfway", re.compile("^End of the movement")]
    )
    expect(done.locator(".demo__figure")).to_have_attribute(
        "aria-label", re.compile("Key positions: Start;")
    )
    legs = done.locator(".demo__still [data-limb='right_leg']")
    poses = [_pose(leg) for leg in legs.all()]
    assert len(set(poses)) == 3, "the stills should show three different positions"
    still.wait_for_timeout(STILL_MS)
    assert [_pose(leg) for leg in legs.all()] == poses, "a still figure moved"
    expect(demo.locator("[data-demo-toggle]")).to_be_hidden()
    demo.scroll_into_view_if_needed()
    demo.screenshot(path=ARTIFACTS / "demo-squat-reduced-motion-phone.png")
