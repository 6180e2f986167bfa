"""Exercise demonstrations: each version's keyframes as JSON, and the words around the pictures.

`demo.js` draws the figures from `GET /demos/{exercise}/{version}.json`; the `_demo.html` partial
lays out the panels it draws into, with their captions and text alternatives, from `demo_view`
(a template global, so the exercise and session pages need no extra context).
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from backchain.errors import CatalogueError
from backchain.exercises import Exercise
from backchain.motion.demo import POINTS, Demo, Outline, demo, outline
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = ["DemoView", "Panel", "demo_view", "router"]

router = APIRouter(prefix="/demos", tags=["demos"])

CACHE_MAX_AGE_S = 86_400  # a day: the pictures change only with a new release


def get_demo(exercise_id: str, version_id: str) -> Demo:
    """The demonstration named in the path, or the friendly 404 page."""
    try:
        return demo(exercise_id, version_id)
    except CatalogueError as error:
        raise NotFoundError(
            title="Demonstration not found",
            detail=f"There is no exercise version “{exercise_id} / {version_id}” to show.",
        ) from error


DemoDep = Annotated[Demo, Depends(get_demo)]


@router.get("/{exercise_id}/{version_id}.json")
def demo_json(shown: DemoDep) -> JSONResponse:
    """The keyframes of one version: done well, then each fault it shows."""
    headers = {"Cache-Control": f"public, max-age={CACHE_MAX_AGE_S}"}
    return JSONResponse(_json(shown), headers=headers)


def _json(shown: Demo) -> dict[str, Any]:
    return {
        "exercise": shown.outline.exercise,
        "version": shown.outline.version,
        "fps": shown.fps,
        "units": "mm",
        "points": list(POINTS),
        "box": list(shown.box),
        "props": [
            {"kind": p.kind, "at": list(p.at), "x": p.x, "y": p.y, "w": p.w} for p in shown.props
        ],
        "clips": [
            {
                "fault": clip.fault,
                "view": clip.view.value,
                "frames": [list(frame) for frame in clip.frames],
                "keys": [{"frame": key.frame, "label": key.label} for key in clip.keys],
            }
            for clip in shown.clips
        ],
    }


@dataclass(frozen=True)
class Panel:
    """One picture and its caption; a fault without a picture says why."""

    fault: str | None  # None: the movement done well
    title: str
    cue: str | None  # the words of the cue a fault breaks
    note: str  # what the picture leaves out, or why there is none
    alt: str  # the text alternative of the picture
    drawn: bool


@dataclass(frozen=True)
class DemoView:
    url: str
    name: str  # of the version
    panels: tuple[Panel, ...]  # done well, the faults shown, then those without a picture
    coach_notes: tuple[str, ...]  # how the camera coach treats this version


FRONT_NOTE = "Seen from the front, where this fault shows."


def demo_view(exercise: Exercise, version_id: str) -> DemoView:
    """What the page shows around one version's pictures; cheap, the keyframes load later."""
    plan = outline(exercise.id, version_id)
    variation = None if version_id == exercise.id else exercise.variation(version_id)
    name = exercise.name if variation is None else variation.name
    how = " ".join(exercise.steps) if variation is None else variation.summary
    cue = {c.id: c.text for c in exercise.cues}
    fault = {f.id: f.text for f in exercise.faults}
    breaks = {f.id: cue[f.breaks] for f in exercise.faults}
    done = Panel(None, "Done well", None, plan.differs, f"{name}, done well: {how}", True)
    shown = [
        Panel(f, fault[f], breaks[f], FRONT_NOTE if f in plan.front else "",
              f"{name} with a fault: {fault[f]}", True)
        for f in plan.faults
    ]  # fmt: skip
    unshown = [Panel(f, fault[f], breaks[f], why, "", False) for f, why in plan.unshown.items()]
    url = f"/demos/{exercise.id}/{version_id}.json"
    return DemoView(url, name, (done, *shown, *unshown), _coach_notes(plan, fault))


def _coach_notes(plan: Outline, fault: dict[str, str]) -> tuple[str, ...]:
    """How the camera coach, which knows the exercise but not the version, treats it."""
    notes = []
    if plan.uncounted:
        notes.append(f"The camera coach cannot count this version: {plan.uncounted}")
    notes += [
        f"The camera coach checks this version as the main exercise, so it reports "
        f"“{fault[f].rstrip('.')}” here: {why}"
        for f, why in plan.coach_flags.items()
    ]
    return tuple(notes)


# The exercise and session pages call this from `_demo.html`; their routes stay unchanged.
templates.env.globals["demo_view"] = demo_view
