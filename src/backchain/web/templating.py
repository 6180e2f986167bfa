"""The one Jinja environment the routers render with, and the filters it offers templates."""

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

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
_env.globals["nav_items"] = NAV_ITEMS
# Every page's forms carry the form token: `{{ csrf_input(request) }}` inside each form.
_env.globals["csrf_input"] = csrf_input
_env.globals["csrf_token"] = csrf_token

templates = Jinja2Templates(env=_env)
