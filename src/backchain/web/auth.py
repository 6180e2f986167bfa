"""Clinic mode's sign-in: who is asking, and whether their role may open this address.

Personal mode has no accounts and none of this runs. In clinic mode `require_account`, an
app-wide dependency like the form token, runs before every route and socket:

- a few addresses are open to anyone: signing in, accepting an invitation, setting a password;
- every other one needs a signed-in account, and its area decides the role: `/clinic` is for
  clinicians, `/admin` for admins, the exercise library and signing out for anyone, and all
  else (Today, sessions, progress, history, settings...) for the person whose data it is.

Routes then read only the signed-in person's data (`deps.PersonIdDep`), or, under `/clinic`,
the data of a person who chose to be followed by this clinician (`deps.FollowedDep`).
"""

import secrets
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, WebSocketException, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.requests import HTTPConnection

from backchain.care.accounts import (
    ACCOUNT_FAILURES,
    ADDRESS_FAILURES,
    FAILURE_WINDOW,
    LOGIN_LIFETIME,
    Role,
)
from backchain.care.passwords import verify_password
from backchain.store import Store
from backchain.store import care as stored
from backchain.store.care import Account

__all__ = [
    "HOME",
    "SESSION_COOKIE",
    "AccountDep",
    "area_role",
    "current_account",
    "require_account",
    "safe_next",
    "sign_in",
    "signed_in_response",
]

SESSION_COOKIE = "backchain_session"
# Open without signing in. Everything else needs an account.
PUBLIC = ("/login", "/healthz", "/welcome/", "/password/")
# Open to any signed-in account: no health data behind them.
ANY_ROLE = ("/logout", "/exercises", "/demos")
AREAS = (("/clinic", Role.CLINICIAN), ("/admin", Role.ADMIN))
HOME = {Role.PERSON: "/", Role.CLINICIAN: "/clinic", Role.ADMIN: "/admin"}
ROLE_NAME = {Role.PERSON: "the person training", Role.CLINICIAN: "clinicians", Role.ADMIN: "admins"}


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(
        path == p.rstrip("/") or path.startswith(p if p.endswith("/") else p + "/")
        for p in prefixes
    )


def area_role(path: str) -> Role | None:
    """The role an address is for; None when any signed-in account (or anyone) may open it."""
    if _under(path, PUBLIC) or _under(path, ANY_ROLE):
        return None
    for prefix, role in AREAS:
        if _under(path, (prefix,)):
            return role
    return Role.PERSON


def _now() -> datetime:
    return datetime.now(UTC)


def _lookup(store: Store, token: str) -> Account | None:
    with store.read() as session:
        return stored.login_account(session, token=token, now=_now())


async def require_account(connection: HTTPConnection) -> None:
    """In clinic mode: refuse anyone not signed in, or not of the role the address is for."""
    connection.state.account = None
    if not connection.app.state.config.clinic:
        return
    path = connection.scope["path"]
    if _under(path, PUBLIC):
        return
    token = connection.cookies.get(SESSION_COOKIE, "")
    account = await run_in_threadpool(_lookup, connection.app.state.store, token) if token else None
    socket = connection.scope["type"] == "websocket"
    if account is None:
        if socket:
            raise WebSocketException(status.WS_1008_POLICY_VIOLATION, "sign in first")
        if connection.scope["method"] in {"GET", "HEAD"}:
            wanted = path + (f"?{connection.url.query}" if connection.url.query else "")
            raise HTTPException(
                HTTPStatus.SEE_OTHER,
                detail="Please sign in to continue.",
                headers={"Location": f"/login?next={quote(wanted, safe='')}"},
            )
        raise HTTPException(
            HTTPStatus.UNAUTHORIZED,
            detail="Your sign-in has ended, so nothing was changed. Sign in again and send it again.",
        )
    wanted_role = area_role(path)
    connection.state.account = account  # refused or not: the page shows who is signed in
    if wanted_role is not None and account.role is not wanted_role:
        if socket:
            raise WebSocketException(status.WS_1008_POLICY_VIOLATION, "not for this account")
        if path == "/" and connection.scope["method"] in {"GET", "HEAD"}:
            raise HTTPException(
                HTTPStatus.SEE_OTHER, detail="", headers={"Location": HOME[account.role]}
            )
        raise HTTPException(
            HTTPStatus.FORBIDDEN,
            detail=f"This page is for {ROLE_NAME[wanted_role]}; you are signed in as "
            f"{account.name} ({account.role.value}).",
        )


def current_account(request: Request) -> Account:
    """The signed-in account, on routes only clinic mode has."""
    account: Account | None = getattr(request.state, "account", None)
    if account is None:  # personal mode, or a public address
        raise HTTPException(HTTPStatus.NOT_FOUND, detail="There is no page at this address.")
    return account


AccountDep = Annotated[Account, Depends(current_account)]


# --- signing in ----------------------------------------------------------------------------


def sign_in(
    store: Store, *, email: str, password: str, address: str, now: datetime
) -> Account | str:
    """The account, or why signing in was refused (one line).

    Failed attempts are counted per account and per address in the database, so every web
    process sees them; over the limit, no password is even checked until the window passes.
    """
    account_key, address_key = f"account:{email}", f"address:{address}"
    since = now - FAILURE_WINDOW
    minutes = int(FAILURE_WINDOW.total_seconds() // 60)
    too_many = (
        f"Too many attempts to sign in; wait {minutes} minutes and try again, "
        "or ask an admin for a link to set a new password."
    )
    with store.read() as session:
        if (
            stored.count_failures(session, key=account_key, since=since) >= ACCOUNT_FAILURES
            or stored.count_failures(session, key=address_key, since=since) >= ADDRESS_FAILURES
        ):
            return too_many
        found = stored.account_by_email(session, email=email)
    account, stored_hash = found if found is not None else (None, None)
    if account is None or not verify_password(stored_hash, password):
        with store.transaction() as session:
            stored.record_failure(session, key=account_key, now=now, forget_before=since)
            stored.record_failure(session, key=address_key, now=now)
        return "The email or the password is not right; check both and try again."
    with store.transaction() as session:
        stored.clear_failures(session, key=account_key)
    return account


def signed_in_response(
    request: Request, store: Store, account: Account, go_to: str, now: datetime
) -> Response:
    """Start a sign-in for this browser and send it on to `go_to`."""
    token = secrets.token_urlsafe(32)
    with store.transaction() as session:
        stored.start_login(
            session, token=token, account_id=account.id, now=now, expires_at=now + LOGIN_LIFETIME
        )
    response = RedirectResponse(go_to, status_code=HTTPStatus.SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(LOGIN_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def safe_next(target: str, account: Account) -> str:
    """Where to go after signing in: a path on this site, else the account's home page."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        role = area_role(target.split("?")[0])
        if role is None or role is account.role:
            return target
    return HOME[account.role]
