"""Settings and your data: change days, kit, minutes and weeks at any time; download, import or
delete everything; add the plan to a calendar."""

import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile  # what request.form() holds, not FastAPI's subclass

from backchain.errors import BackchainError
from backchain.exercises import Equipment
from backchain.journal import find_journal
from backchain.journal.settings import change_settings, delete_everything
from backchain.programs.models import Profile, Weekday
from backchain.programs.profile import field_bounds
from backchain.store import Store, repository
from backchain.store.transfer import export_data, import_data, parse_export
from backchain.web.deps import OwnerDep, PersonIdDep, StoreDep
from backchain.web.formatting import label
from backchain.web.setform import Form, read_form
from backchain.web.templating import templates

__all__ = ["router"]

router = APIRouter(prefix="/settings", tags=["settings"])

FormDep = Annotated[Form, Depends(read_form)]
# Typed, not clicked: deleting everything cannot be done by a slip of the finger.
DELETE_CONFIRMATION = "delete my data"
EQUIPMENT = [e for e in Equipment if e is not Equipment.NONE]
DESK_BREAKS = {"": None, "on": True, "off": False}
ALREADY_HELD = (
    "This app already holds data. To import over it, tick “Replace what is stored here” "
    "(download your data first to keep a copy). Nothing was changed."
)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _profile(store: Store, person: int | None) -> Profile | None:
    # A read: it never waits for a writer, and a database that fails says so itself.
    with store.read() as session:
        found = find_journal(session, person_id=person)
    return None if found is None else found.profile


def _values(profile: Profile) -> dict[str, Any]:
    desk = {None: "", True: "on", False: "off"}[profile.desk_breaks]
    return {
        "days": [d.value for d in profile.days],
        "equipment": [e.value for e in profile.equipment],
        "minutes_per_session": str(profile.minutes_per_session),
        "weeks": str(profile.weeks),
        "desk_breaks": desk,
    }


def _page(
    request: Request,
    store: Store,
    person: int | None,
    *,
    values: dict[str, Any] | None = None,
    problem: str | None = None,
    saved: bool = False,
    data_message: str | None = None,
    data_problem: str | None = None,
    delete_problem: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    profile = _profile(store, person)
    weeks = field_bounds("weeks")
    context = {
        "has_program": profile is not None,
        "values": values if values is not None else (_values(profile) if profile else {}),
        "problem": problem,
        "saved": saved,
        "data_message": data_message,
        "data_problem": data_problem,
        "delete_problem": delete_problem,
        "weekdays": [(d.value, d.value.capitalize()) for d in Weekday],
        "equipment": [(e.value, label(e)) for e in EQUIPMENT],
        "weeks": range(weeks[0], weeks[1] + 1),
        "minutes": field_bounds("minutes_per_session"),
        "confirmation": DELETE_CONFIRMATION,
    }
    return templates.TemplateResponse(request, "settings.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
def settings_page(request: Request, store: StoreDep, person: PersonIdDep) -> HTMLResponse:
    saved = request.query_params.get("saved") == "1"
    return _page(request, store, person, saved=saved)


@router.post("", response_class=HTMLResponse)
def save_settings(
    request: Request, form: FormDep, store: StoreDep, person: PersonIdDep
) -> Response:
    """New days, kit, minutes or weeks: the rest of the plan is made again from today."""
    values: dict[str, Any] = {
        "days": form.getlist("days"),
        "equipment": form.getlist("equipment"),
        "minutes_per_session": form.get("minutes_per_session").strip(),
        "weeks": form.get("weeks").strip(),
        "desk_breaks": form.get("desk_breaks"),
    }
    changes: dict[str, object] = {
        "days": values["days"],
        "equipment": values["equipment"],
        "minutes_per_session": _number(values["minutes_per_session"]),
        "weeks": _number(values["weeks"]),
        "desk_breaks": DESK_BREAKS.get(values["desk_breaks"], values["desk_breaks"]),
    }
    try:
        change_settings(store, changes=changes, day=date.today(), now=_now(), person_id=person)
    except BackchainError as error:
        return _page(request, store, person, values=values, problem=str(error), status=422)
    return RedirectResponse("/settings?saved=1", status_code=303)


def _number(text: str) -> object:
    """A whole number as typed, or the text itself so the profile check names the field."""
    return int(text) if text.isdecimal() and len(text) <= 4 else text


@router.get("/export")
def download(store: StoreDep, owner: OwnerDep) -> Response:
    """All the data in this database as the export file (`backchain export` writes the same)."""
    with store.read() as session:
        data = export_data(session, account_id=owner)
    body = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    name = f"backchain-export-{date.today().isoformat()}.json"
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/import", response_class=HTMLResponse)
async def upload(
    request: Request, store: StoreDep, person: PersonIdDep, owner: OwnerDep
) -> HTMLResponse:
    """Import an export file; nothing changes unless the whole file is valid."""
    limit: int = request.app.state.config.max_import_bytes
    async with request.form(max_files=1, max_fields=10) as form:
        file = form.get("file")
        replace = form.get("replace") == "yes"
        if not isinstance(file, UploadFile) or not file.filename:
            problem = "Choose an export file to import."
            return await run_in_threadpool(
                _page, request, store, person, data_problem=problem, status=422
            )
        content = await file.read(limit + 1)
    # Parsing and storing are slow for a large file: off the event loop, so other pages answer.
    return await run_in_threadpool(
        _import, request, store, person, owner, content, file.filename, replace
    )


def _import(
    request: Request,
    store: Store,
    person: int | None,
    owner: int | None,
    content: bytes,
    name: str,
    replace: bool,
) -> HTMLResponse:
    limit: int = request.app.state.config.max_import_bytes
    if len(content) > limit:
        problem = f"That file is over {limit // (1024 * 1024)} MB: it is not a Backchain export."
        return _page(request, store, person, data_problem=problem, status=422)
    try:
        document = parse_export(content)
        with store.transaction() as session:
            held = repository.latest_person_id(session, account_id=owner) is not None
            if replace or not held:
                import_data(session, document, replace=replace, account_id=owner)
    except BackchainError as error:
        return _page(request, store, person, data_problem=str(error), status=422)
    # Answered once the transaction is over: the page reads the store itself.
    if held and not replace:
        return _page(request, store, person, data_problem=ALREADY_HELD, status=422)
    return _page(request, store, person, data_message=f"Imported {name}.")


@router.post("/delete", response_class=HTMLResponse)
def delete(
    request: Request, form: FormDep, store: StoreDep, person: PersonIdDep, owner: OwnerDep
) -> Response:
    """Delete everything, once the person has typed the confirmation."""
    if form.get("confirm").strip().lower() != DELETE_CONFIRMATION:
        problem = f"Type “{DELETE_CONFIRMATION}” in the box to confirm."
        return _page(request, store, person, delete_problem=problem, status=422)
    delete_everything(store, account_id=owner)
    return templates.TemplateResponse(request, "settings_deleted.html", {})
