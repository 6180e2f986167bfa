"""The one Jinja environment the routers render with, and the filters it offers templates."""

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

from backchain.exercises import Dosage
from backchain.web.formatting import label

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
# The main navigation, in order: (path, key, label). A page appears here once it exists.
NAV_ITEMS: list[tuple[str, str, str]] = [("/exercises", "exercises", "Exercises")]
NAV_ITEMS += [("/", "home", "Today"), ("/plan", "plan", "Plan")]
NAV_ITEMS.append(("/analyze", "analyze", "Video check"))
NAV_ITEMS.append(("/session", "session", "Session"))
NAV_ITEMS.append(("/progress", "progress", "Progress"))
_env.globals["nav_items"] = NAV_ITEMS

templates = Jinja2Templates(env=_env)
