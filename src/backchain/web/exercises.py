"""Pages for the exercise library: the list of the seven exercises and one page per exercise."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import HTMLResponse

from backchain.errors import CatalogueError
from backchain.exercises import Catalogue, Equipment, Exercise, load_catalogue
from backchain.web.errors import NotFoundError
from backchain.web.templating import templates

__all__ = ["get_catalogue", "get_exercise", "router"]

router = APIRouter(prefix="/exercises", tags=["exercises"])


def get_catalogue() -> Catalogue:
    """The packaged catalogue (cached by the loader); a broken data file raises CatalogueError."""
    return load_catalogue()


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]


def get_exercise(exercise_id: str, catalogue: CatalogueDep) -> Exercise:
    """The exercise named in the path, or the friendly 404 page."""
    try:
        return catalogue.get(exercise_id)
    except CatalogueError as error:
        raise NotFoundError(
            title="Exercise not found",
            detail=f"There is no exercise called “{exercise_id}” in the library.",
        ) from error


ExerciseDep = Annotated[Exercise, Depends(get_exercise)]


@router.get("", response_class=HTMLResponse)
def exercise_list(
    request: Request,
    catalogue: CatalogueDep,
    equipment: Equipment | None = None,
    hx_request: Annotated[str | None, Header()] = None,
    hx_history_restore_request: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """The library; an HTMX filter click gets only the library section back."""
    shown = [e for e in catalogue if equipment is None or equipment in e.equipment]
    context = {
        "exercises": shown,
        "total": len(catalogue),
        "equipment": equipment,
        "equipment_choices": [kind for kind in Equipment if _used(kind, catalogue)],
    }
    # A history restore wants the whole page even though HTMX sends it.
    partial = hx_request is not None and hx_history_restore_request is None
    template = "_exercise_library.html" if partial else "exercise_list.html"
    response = templates.TemplateResponse(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


@router.get("/{exercise_id}", response_class=HTMLResponse)
def exercise_detail(request: Request, exercise: ExerciseDep) -> HTMLResponse:
    """Everything needed to do one exercise well, with its easier and harder versions."""
    cue_text = {cue.id: cue.text for cue in exercise.cues}
    context = {"exercise": exercise, "cue_text": cue_text}
    return templates.TemplateResponse(request, "exercise_detail.html", context)


def _used(kind: Equipment, catalogue: Catalogue) -> bool:
    return any(kind in exercise.equipment for exercise in catalogue)
