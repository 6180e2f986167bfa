"""The one Jinja environment the routers render with, and the filters it offers templates."""

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.requests import HTTPConnection

from backchain.exercises import Dosage
from backchain.web.formatting import label
from backchain.web.forms import csrf_input, csrf_token

__all__ = ["templates"]

# Kept flat: the package data ships `web/templates/*.html`, not subfolders.
TEMPLATES_DIR = Path(__file__).parent / "templates"

# StrictUndefined: a misspelt variable is an error in the tests, not a silently empty page.
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=jinja2.select_autoescape(),
    undefined=jinja2.StrictUndefined,
)
_env.filters["dosage"] = Dosage.describe
_env.filters["label"] = label
# The main navigation, in the order of a person's day: (path, key, label).
NAV_ITEMS: list[tuple[str, str, str]] = [
    ("/", "home", "Today"),
    ("/session", "session", "Session"),
    ("/plan", "plan", "Plan"),
    ("/progress", "progress", "Progress"),
    ("/learn", "learn", "Learn"),
    ("/analyze", "analyze", "Video check"),
    ("/exercises", "exercises", "Exercises"),
    ("/history", "history", "History"),
    ("/settings", "settings", "Settings"),
]
# Clinic mode: each role has its own pages; the person's gain their care team.
ROLE_NAV: dict[str, list[tuple[str, str, str]]] = {
    "person": [*NAV_ITEMS[:-1], ("/care", "care", "Care team"), NAV_ITEMS[-1]],
    "clinician": [("/clinic", "clinic", "People"), ("/exercises", "exercises", "Exercises")],
    "admin": [("/admin", "admin", "Accounts")],
}


def nav_for(request: HTTPConnection) -> list[tuple[str, str, str]]:
    """The main navigation for whoever is signed in (personal mode: the person's)."""
    account = getattr(request.state, "account", None)
    return NAV_ITEMS if account is None else ROLE_NAV[account.role.value]


_env.globals["nav_for"] = nav_for
# Every page's forms carry the form token: `{{ csrf_input(request) }}` inside each form.
_env.globals["csrf_input"] = csrf_input
_env.globals["csrf_token"] = csrf_token


@lru_cache(maxsize=256)
def _chart(*args: Any) -> Markup:
    """A chart drawn by `progress_chart.html`, once per chart: charts are frozen values."""
    return Markup(_env.get_template("progress_chart.html").module.chart(*args))  # type: ignore[attr-defined]


# `{{ chart(id, title, description, c, empty_text) }}`: drawing a chart is most of a page's cost.
_env.globals["chart"] = _chart

templates = Jinja2Templates(env=_env)
