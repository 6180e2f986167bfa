"""Same-origin only: the host names the app answers to, who may change data, and the limits on bodies.

`Guard` is the ASGI middleware in front of every request and WebSocket:
- the Host header must name one of `Config.allowed_hosts` (so a DNS-rebinding page that points
  its own name at 127.0.0.1 gets nothing);
- a request that can change data (POST and the like) or opens a WebSocket must come from the
  app's own pages: `Sec-Fetch-Site` is same-origin (or absent) and `Origin`, when sent, is the
  app's own; a WebSocket must send its Origin;
- bodies are capped before they are read: by `Content-Length` up front and by counting while
  streaming, per route (`body_limit`);
- every response carries the security headers (`SECURITY_HEADERS`), and a browser without
  the form cookie is given one.

The form token is the check that needs no browser's help: `check_form_token` (a dependency on
every route) wants `X-CSRF-Token` or a `csrftoken` field that is the server's signature of the
browser's form cookie. Starlette-level CSRF packages were weighed and not used: asgi-csrf lets
a request without cookies through unchecked (exactly a cross-site form post), and the others
read the token from a header only or build JSON from the raw body.
"""

import re
import secrets
from collections.abc import Mapping
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.requests import HTTPConnection
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backchain.config import Config
from backchain.web.forms import CSRF_FIELD, SCOPE_COOKIE, read_form
from backchain.web.templating import templates

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SECURITY_HEADERS",
    "BodyTooLarge",
    "Guard",
    "Signers",
    "check_form_token",
]

CSRF_COOKIE = "backchain_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_SITE = frozenset({"same-origin", "none"})  # "none": typed in the address bar or a bookmark
_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{32,64}")

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: Mapping[str, str] = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}
# Pages hold health data: no shared or back-forward cache keeps them. Static files may be cached.
NO_STORE = (b"cache-control", b"no-store")


class Signers:
    """The app's signatures, from its one secret: the form token, and answers a page carries
    from one step to the next (onboarding, screening again)."""

    def __init__(self, secret: str) -> None:
        self.form = URLSafeSerializer(secret, salt="backchain.form")
        self.carried = URLSafeSerializer(secret, salt="backchain.carried")


class BodyTooLarge(HTTPException):
    """A request body went past its route's limit while it was being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, detail=too_large_message(limit))


def too_large_message(limit: int) -> str:
    return (
        f"What was sent is larger than Backchain accepts here ({_size(limit)}); nothing was "
        "saved. Go back and send something smaller."
    )


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count / 1024:g} KB"


def body_limit(config: Config, path: str) -> int:
    """The most bytes a request to `path` may send: a video, an export file, or a form."""
    if path == "/analyze":
        return config.max_upload_bytes
    if path == "/settings/import":
        return config.max_import_bytes
    return config.max_form_bytes


class Guard:
    """The middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, config: Config) -> None:
        self.app = app
        self.config = config
        self.hosts = frozenset(config.allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        origin = headers.get("origin")
        if not self._host_allowed(headers) or origin is None or not _same_origin(origin, headers):
            await send({"type": "websocket.close", "code": 1008, "reason": "not from this app"})
            return
        await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        if not self._host_allowed(headers):
            detail = (
                "Backchain does not answer to this address. Open it at the address it was "
                "started on, such as http://127.0.0.1:8000."
            )
            await refuse(scope, receive, send, HTTPStatus.BAD_REQUEST, "Unknown address", detail)
            return
        if scope["method"] not in SAFE_METHODS:
            if not _from_this_app(headers):
                detail = (
                    "This was sent from another website or app, so Backchain did not act on "
                    "it. To make a change, use Backchain's own page."
                )
                await refuse(scope, receive, send, HTTPStatus.FORBIDDEN, "Not sent here", detail)
                return
            limit = body_limit(self.config, scope["path"])
            declared = headers.get("content-length", "")
            if not declared.isdigit() and "content-length" in headers:
                detail = "The request's length is not a number; nothing was saved."
                await refuse(scope, receive, send, HTTPStatus.BAD_REQUEST, "Bad request", detail)
                return
            if declared.isdigit() and int(declared) > limit:
                status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
                await refuse(scope, receive, send, status, "Too large", too_large_message(limit))
                return
            receive = _capped(receive, limit)
        cookie = _cookie(headers)
        scope[SCOPE_COOKIE] = cookie or secrets.token_urlsafe(32)
        await self.app(scope, receive, _with_headers(send, scope, new_cookie=cookie is None))

    def _host_allowed(self, headers: Mapping[str, str]) -> bool:
        host = _hostname(headers.get("host", ""))
        return host is not None and host in self.hosts


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _hostname(netloc: str) -> str | None:
    """The host name in a Host header or an origin's netloc, without port or IPv6 brackets."""
    try:
        parts = urlsplit(f"//{netloc}")
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError:
        return None
    return parts.hostname


def _same_origin(origin: str, headers: Mapping[str, str]) -> bool:
    """An Origin header names this very server: the scheme's host and port are the request's Host."""
    parts = urlsplit(origin)
    return (
        parts.scheme in {"http", "https"}
        and parts.netloc.lower() == headers.get("host", "").lower()
    )


def _from_this_app(headers: Mapping[str, str]) -> bool:
    """A browser says where a request comes from; a client that says nothing is not a browser
    page, and still needs the form token."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in SAME_SITE:
        return False
    origin = headers.get("origin")
    return origin is None or _same_origin(origin, headers)


def _cookie(headers: Mapping[str, str]) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # http.cookies raises CookieError and others on hostile input
        return None
    morsel = jar.get(CSRF_COOKIE)
    if morsel is None or not _COOKIE_VALUE.fullmatch(morsel.value):
        return None
    return morsel.value


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return capped


def _with_headers(send: Send, scope: Scope, *, new_cookie: bool) -> Send:
    static = scope["path"].startswith("/static/")

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers += [
                (name.encode(), value.encode())
                for name, value in SECURITY_HEADERS.items()
                if name.encode() not in present
            ]
            if not static and b"cache-control" not in present:
                headers.append(NO_STORE)
            if new_cookie:
                headers.append((b"set-cookie", _cookie_header(scope).encode("latin-1")))
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _cookie_header(scope: Scope) -> str:
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return f"{CSRF_COOKIE}={scope[SCOPE_COOKIE]}; Path=/; HttpOnly; SameSite=Strict{secure}"


async def refuse(
    scope: Scope, receive: Receive, send: Send, status: HTTPStatus, title: str, detail: str
) -> None:
    request = Request(scope, receive)
    scope[SCOPE_COOKIE] = ""
    context = {"title": title, "detail": detail}
    response = templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers={"connection": "close"}
    )
    await response(scope, receive, _with_headers(send, scope, new_cookie=False))


# -- the form token --------------------------------------------------------------------------


async def check_form_token(connection: HTTPConnection) -> None:
    """Refuse a data-changing request whose form token is not this browser's own."""
    if connection.scope["type"] != "http" or connection.scope["method"] in SAFE_METHODS:
        return
    assert isinstance(connection, Request)
    token = connection.headers.get(CSRF_HEADER) or await _form_token(connection)
    cookie = connection.scope.get(SCOPE_COOKIE, "")
    if not (token and cookie and _signed_by_us(connection, token, cookie)):
        raise HTTPException(
            HTTPStatus.FORBIDDEN,
            detail="This page was open from before, or came from elsewhere, so nothing was "
            "changed. Go back, reload the page, and send it again.",
        )


async def _form_token(request: Request) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return (await read_form(request)).get(CSRF_FIELD)
    if kind == "multipart/form-data":
        # An upload form's token is its first field; Starlette keeps files on disk, not in memory.
        form = await request.form(max_files=1, max_fields=request.app.state.config.max_form_fields)
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def _signed_by_us(request: Request, token: str, cookie: str) -> bool:
    signers: Signers = request.app.state.signers
    try:
        value = signers.form.loads(token)
    except BadSignature:
        return False
    return isinstance(value, str) and secrets.compare_digest(value, cookie)
