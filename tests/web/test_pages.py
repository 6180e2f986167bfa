"""The server-rendered pages, driven in-process through the test client."""

from html.parser import HTMLParser

import pytest
from app_client import TestClient
from markupsafe import escape

from backchain.errors import CatalogueError
from backchain.exercises import CORE_EXERCISES, Catalogue
from backchain.web import exercises

PAGES = ["/exercises", "/exercises?equipment=mat", "/exercises/glute_bridge", "/exercises/nope"]


class _Assets(HTMLParser):
    """Collects what a page loads (scripts, stylesheets) and its landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self.scripts.append(attributes.get("src") or "")
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")


def _parse(html: str) -> _Assets:
    parser = _Assets()
    parser.feed(html)
    return parser


def test_home_without_a_program_offers_to_start(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert 'href="/start"' in response.text
    assert 'href="/exercises"' in response.text  # the library is one tap away


def test_library_lists_the_seven_exercises(client: TestClient, catalogue: Catalogue) -> None:
    response = client.get("/exercises")

    assert response.status_code == 200
    assert response.text.count('class="card"') == len(CORE_EXERCISES) == 7
    for exercise in catalogue:
        assert exercise.name in response.text
        assert f'href="/exercises/{exercise.id}"' in response.text


@pytest.mark.parametrize(
    ("exercise_id", "summary"),
    [
        ("glute_bridge", "2–3 sets × 8–25 reps, rest 60 s"),
        ("downward_dog", "2–3 sets, hold 5–30 s, rest 60 s"),
    ],
)
def test_library_cards_summarise_the_dose(
    client: TestClient, exercise_id: str, summary: str
) -> None:
    html = client.get("/exercises").text
    card = html[html.index(f'href="/exercises/{exercise_id}"') :]
    card = card[: card.index("</li>")]

    assert summary in card


def test_equipment_filter_keeps_only_exercises_using_it(
    client: TestClient, catalogue: Catalogue
) -> None:
    html = client.get("/exercises", params={"equipment": "kettlebell"}).text

    assert "Kettlebell swing" in html
    assert "Glute bridge" not in html
    shown = [e for e in catalogue if f'href="/exercises/{e.id}"' in html]
    assert shown
    assert all("kettlebell" in e.equipment for e in shown)
    assert 'id="filter-kettlebell" class="chip"' in html
    assert 'aria-current="true">Kettlebell</a>' in html


def test_htmx_filter_request_gets_only_the_library_section(client: TestClient) -> None:
    response = client.get("/exercises", params={"equipment": "mat"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'class="card-grid"' in response.text
    assert "HX-Request" in response.headers["vary"]


def test_htmx_history_restore_gets_the_whole_page(client: TestClient) -> None:
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get("/exercises", headers=headers)

    assert response.text.startswith("<!doctype html>")


def test_unknown_equipment_gets_a_friendly_page(client: TestClient) -> None:
    response = client.get("/exercises", params={"equipment": "rowing_machine"})

    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert 'href="/exercises"' in response.text


@pytest.mark.parametrize("exercise_id", CORE_EXERCISES)
def test_detail_page_teaches_the_exercise(
    client: TestClient, catalogue: Catalogue, exercise_id: str
) -> None:
    exercise = catalogue.get(exercise_id)

    html = client.get(f"/exercises/{exercise_id}").text

    assert f"<h1>{exercise.name}</h1>" in html
    texts = [*exercise.setup, *exercise.steps, *exercise.cautions, *exercise.sources]
    texts += [cue.text for cue in exercise.cues] + [fault.text for fault in exercise.faults]
    for variation in exercise.variations:
        texts += [variation.name, variation.summary, *(cue.text for cue in variation.cues)]
    missing = [text for text in texts if _escaped(text) not in html]
    assert not missing


def test_glute_bridge_page_shows_dose_faults_and_variations(client: TestClient) -> None:
    html = client.get("/exercises/glute_bridge").text

    assert "2–3 sets × 8–25 reps, rest 60 s" in html
    assert "2–3 sets × 6–12 reps each side, rest 60 s" in html  # marching bridge
    assert (
        "Breaks the cue: “At the top your shoulders, hips and knees make a straight line.”" in html
    )
    easier, harder = html.index("Make it easier"), html.index("Make it harder")
    assert easier < html.index("Partial glute bridge") < html.index("Lying pelvic tilt") < harder
    assert harder < html.index("Marching glute bridge") < html.index("Single-leg glute bridge")


def test_detail_page_lists_setup_and_steps_in_order(
    client: TestClient, catalogue: Catalogue
) -> None:
    exercise = catalogue.get("squat")

    html = client.get("/exercises/squat").text

    setup = html[html.index('<h2 id="setup">') : html.index('<h2 id="steps">')]
    steps = html[html.index('<h2 id="steps">') : html.index('<h2 id="cues">')]
    assert '<ol class="steps">' in setup
    assert '<ol class="steps">' in steps
    positions = [steps.index(_escaped(step)) for step in exercise.steps]
    assert positions == sorted(positions)


def test_unknown_exercise_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/exercises/cartwheel")

    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Exercise not found" in response.text
    assert "There is no exercise called “cartwheel” in the library." in response.text
    assert 'href="/exercises"' in response.text


def test_unknown_address_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="/exercises"' in response.text


def test_user_text_in_the_address_is_escaped(client: TestClient) -> None:
    response = client.get("/exercises/<img src=x onerror=alert(1)>")

    assert response.status_code == 404
    assert "“&lt;img src=x onerror=alert(1)&gt;”" in response.text
    assert "<img" not in response.text


def test_broken_catalogue_shows_its_message_not_a_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> Catalogue:
        raise CatalogueError("exercises.yaml: exercise 'squat' is missing; all seven are required.")

    monkeypatch.setattr(exercises, "load_catalogue", broken)

    page = client.get("/exercises")
    health = client.get("/healthz")

    assert page.status_code == 500
    assert "exercise &#39;squat&#39; is missing" in page.text
    assert health.status_code == 503
    assert health.json()["status"] == "error"


def test_health_reports_the_catalogue(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": "0.1.0", "exercises": 7}


def test_vendored_htmx_and_stylesheet_are_served(client: TestClient) -> None:
    htmx = client.get("/static/htmx.min.js")
    style = client.get("/static/style.css")

    assert htmx.status_code == 200
    assert "javascript" in htmx.headers["content-type"]
    assert htmx.text.startswith("var htmx")
    assert style.status_code == 200
    assert "text/css" in style.headers["content-type"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_only_local_assets(client: TestClient, url: str) -> None:
    page = _parse(client.get(url).text)

    assert page.scripts[0] == "/static/htmx.min.js"
    assert page.stylesheets[0] == "/static/style.css"
    assert all(src.startswith("/static/") for src in page.scripts + page.stylesheets)
    assert all(client.get(src).status_code == 200 for src in page.scripts + page.stylesheets)


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_the_accessible_frame(client: TestClient, url: str) -> None:
    page = _parse(client.get(url).text)
    tags = page.tags

    assert ("html", {"lang": "en"}) in tags
    assert ("a", {"class": "skip-link", "href": "#main"}) in tags
    assert any(tag == "main" and attrs.get("id") == "main" for tag, attrs in tags)
    assert any(tag == "nav" and attrs.get("aria-label") == "Main" for tag, attrs in tags)
    assert [tag for tag, _ in tags].count("h1") == 1


def test_footer_says_backchain_does_not_diagnose(client: TestClient) -> None:
    html = client.get("/exercises").text
    footer = html[html.index("<footer") :]

    assert "does not diagnose" in footer
    assert "medical care the same day" in footer


def test_api_docs_that_load_from_a_cdn_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def _escaped(text: str) -> str:
    """Text as Jinja's autoescape writes it into the page."""
    return str(escape(text))
