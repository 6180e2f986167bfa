"""Clinic mode's account pages: signing in and out, invitations, passwords, the person's care
team, and the admin's accounts page. In personal mode none of these exist (404)."""

from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backchain.care.accounts import Role
from backchain.errors import BackchainError
from backchain.journal import accounts
from backchain.store import care as stored
from backchain.web.auth import (
    HOME,
    SESSION_COOKIE,
    AccountDep,
    safe_next,
    sign_in,
    signed_in_response,
)
from backchain.web.deps import StoreDep
from backchain.web.errors import NotFoundError
from backchain.web.forms import Form, read_form
from backchain.web.templating import templates

__all__ = ["router"]


def clinic_only(request: Request) -> None:
    """Accounts exist only in clinic mode; in personal mode these addresses are not found."""
    if not request.app.state.config.clinic:
        raise NotFoundError(title="Page not found", detail="There is no page at this address.")


router = APIRouter(tags=["accounts"], dependencies=[Depends(clinic_only)])
FormDep = Annotated[Form, Depends(read_form)]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _render(
    request: Request, template: str, context: dict[str, Any], status: int = HTTPStatus.OK
) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def _link(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


# --- signing in and out --------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> HTMLResponse:
    return _render(request, "login.html", {"next": next, "email": "", "problem": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, form: FormDep, store: StoreDep) -> Response:
    email = form.get("email").strip().lower()
    target = form.get("next")
    address = request.client.host if request.client else "unknown"
    found = sign_in(store, email=email, password=form.get("password"), address=address, now=_now())
    if isinstance(found, str):
        status = HTTPStatus.TOO_MANY_REQUESTS if "Too many" in found else HTTPStatus.UNAUTHORIZED
        context = {"next": target, "email": email, "problem": found}
        return _render(request, "login.html", context, status)
    return signed_in_response(request, store, found, safe_next(target, found), _now())


@router.post("/logout")
def logout(request: Request, store: StoreDep) -> RedirectResponse:
    """End the sign-in on the server, not only in this browser."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        with store.transaction() as session:
            stored.end_login(session, token=token)
    response = RedirectResponse("/login", status_code=HTTPStatus.SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


# --- invitations and passwords (open without signing in) -----------------------------------


@router.get("/welcome/{token}", response_class=HTMLResponse)
def welcome_page(request: Request, token: str, store: StoreDep) -> HTMLResponse:
    """A clinician's invitation: make an account, agreeing to be followed."""
    clinician = _inviter(store, token)
    values = {"email": "", "name": ""}
    return _render(
        request, "welcome.html", {"clinician": clinician, "values": values, "problem": None}
    )


def _inviter(store: StoreDep, token: str) -> stored.Account:
    with store.read() as session:
        link = stored.find_link(session, token=token, now=_now())
        clinician = None
        if link is not None and link.purpose.value == "invite_person":
            clinician = stored.account(session, account_id=link.made_by)
    if clinician is None:
        raise NotFoundError(title="Link not valid", detail=accounts.LINK_GONE)
    return clinician


@router.post("/welcome/{token}", response_class=HTMLResponse)
def welcome(request: Request, token: str, form: FormDep, store: StoreDep) -> Response:
    clinician = _inviter(store, token)
    values = {"email": form.get("email"), "name": form.get("name")}
    problem = None
    if form.get("consent") != "yes":
        problem = f"Tick the box to agree that {clinician.name} may follow your training."
    elif form.get("password") != form.get("password_again"):
        problem = "The two passwords are not the same; type them again."
    if problem is None:
        try:
            person = accounts.accept_invitation(
                store,
                token=token,
                email=values["email"],
                name=values["name"],
                password=form.get("password"),
                now=_now(),
            )
        except BackchainError as error:
            problem = str(error)
        else:
            return signed_in_response(request, store, person, "/start", _now())
    context = {"clinician": clinician, "values": values, "problem": problem}
    return _render(request, "welcome.html", context, HTTPStatus.UNPROCESSABLE_ENTITY)


@router.get("/password/{token}", response_class=HTMLResponse)
def password_page(request: Request, token: str, store: StoreDep) -> HTMLResponse:
    with store.read() as session:
        link = stored.find_link(session, token=token, now=_now())
    if link is None or link.purpose.value != "password":
        raise NotFoundError(title="Link not valid", detail=accounts.LINK_GONE)
    return _render(request, "password.html", {"problem": None})


@router.post("/password/{token}", response_class=HTMLResponse)
def password(request: Request, token: str, form: FormDep, store: StoreDep) -> Response:
    if form.get("password") != form.get("password_again"):
        problem = "The two passwords are not the same; type them again."
    else:
        try:
            account = accounts.set_password(
                store, token=token, password=form.get("password"), now=_now()
            )
        except BackchainError as error:
            problem = str(error)
        else:
            return signed_in_response(request, store, account, HOME[account.role], _now())
    return _render(request, "password.html", {"problem": problem}, HTTPStatus.UNPROCESSABLE_ENTITY)


# --- the person's care team ----------------------------------------------------------------


def _care_page(
    request: Request,
    store: StoreDep,
    person: stored.Account,
    *,
    link: str | None = None,
    problem: str | None = None,
    status: int = HTTPStatus.OK,
) -> HTMLResponse:
    with store.read() as session:
        context = {
            "followers": stored.followers(session, person_id=person.id),
            "notes": stored.notes(session, person_id=person.id),
            "entries": stored.audit_entries(session, person_id=person.id),
            "link": link,
            "problem": problem,
            "today": date.today(),
        }
    return _render(request, "care.html", context, status)


@router.get("/care", response_class=HTMLResponse)
def care_page(request: Request, person: AccountDep, store: StoreDep) -> HTMLResponse:
    """Who follows you, your notes with them, and who has looked at or changed your data."""
    return _care_page(request, store, person)


@router.post("/care/link", response_class=HTMLResponse)
def care_link(request: Request, person: AccountDep, store: StoreDep) -> HTMLResponse:
    token = accounts.follow_link(store, person=person, now=_now())
    return _care_page(request, store, person, link=_link(request, f"/clinic/follow/{token}"))


@router.post("/care/stop/{clinician_id}")
def stop_sharing(clinician_id: int, person: AccountDep, store: StoreDep) -> Response:
    try:
        accounts.stop_following(store, person=person, clinician_id=clinician_id, now=_now())
    except BackchainError as error:
        raise NotFoundError(title="Not found", detail=str(error)) from None
    return RedirectResponse("/care", status_code=HTTPStatus.SEE_OTHER)


@router.post("/care/notes", response_class=HTMLResponse)
def care_note(request: Request, form: FormDep, person: AccountDep, store: StoreDep) -> Response:
    day = _day(form.get("day"))
    try:
        accounts.add_note(
            store, author=person, person=person, text=form.get("text"), day=day, now=_now()
        )
    except BackchainError as error:
        return _care_page(request, store, person, problem=str(error), status=422)
    return RedirectResponse("/care#notes", status_code=HTTPStatus.SEE_OTHER)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


# --- a clinician accepts a person's link ---------------------------------------------------


@router.get("/clinic/follow/{token}", response_class=HTMLResponse)
def follow_page(request: Request, token: str, clinician: AccountDep, store: StoreDep) -> Response:
    try:
        person = accounts.follow_request(store, token=token, now=_now())
    except BackchainError as error:
        raise NotFoundError(title="Link not valid", detail=str(error)) from None
    return _render(request, "follow.html", {"person": person})


@router.post("/clinic/follow/{token}")
def follow(token: str, clinician: AccountDep, store: StoreDep) -> Response:
    try:
        person = accounts.accept_follow(store, token=token, clinician=clinician, now=_now())
    except BackchainError as error:
        raise NotFoundError(title="Link not valid", detail=str(error)) from None
    return RedirectResponse(f"/clinic/people/{person.id}", status_code=HTTPStatus.SEE_OTHER)


# --- the admin's accounts ------------------------------------------------------------------


def _admin_page(
    request: Request,
    store: StoreDep,
    *,
    link: tuple[str, str] | None = None,
    values: dict[str, str] | None = None,
    problem: str | None = None,
    status: int = HTTPStatus.OK,
) -> HTMLResponse:
    with store.read() as session:
        everyone = stored.accounts(session)
    context = {
        "accounts": everyone,
        "link": link,
        "values": values or {"email": "", "name": ""},
        "problem": problem,
    }
    return _render(request, "admin.html", context, status)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, admin: AccountDep, store: StoreDep) -> HTMLResponse:
    """Accounts only: an admin sees no one's health data."""
    return _admin_page(request, store)


@router.post("/admin/clinicians", response_class=HTMLResponse)
def add_clinician(request: Request, form: FormDep, admin: AccountDep, store: StoreDep) -> Response:
    values = {"email": form.get("email"), "name": form.get("name")}
    try:
        made = accounts.create_account(
            store,
            email=values["email"],
            name=values["name"],
            role=Role.CLINICIAN,
            password=None,
            now=_now(),
        )
        token = accounts.password_link(store, made_by=admin.id, email=made.email, now=_now())
    except BackchainError as error:
        return _admin_page(request, store, values=values, problem=str(error), status=422)
    return _admin_page(request, store, link=(made.email, _link(request, f"/password/{token}")))


@router.post("/admin/password-link/{account_id}", response_class=HTMLResponse)
def reset_link(request: Request, account_id: int, admin: AccountDep, store: StoreDep) -> Response:
    with store.read() as session:
        found = stored.account(session, account_id=account_id)
    if found is None:
        raise NotFoundError(title="Not found", detail="There is no such account.")
    token = accounts.password_link(store, made_by=admin.id, email=found.email, now=_now())
    return _admin_page(request, store, link=(found.email, _link(request, f"/password/{token}")))
