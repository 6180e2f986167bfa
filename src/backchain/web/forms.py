"""Posted forms: the token each one carries, and reading one once per request, within the field
limit, parsed off the event loop."""

from http import HTTPStatus
from urllib.parse import parse_qs

from anyio import to_thread
from fastapi import Request
from fastapi.requests import HTTPConnection
from itsdangerous import BadSignature
from markupsafe import Markup
from starlette.exceptions import HTTPException

__all__ = [
    "CSRF_FIELD",
    "SCOPE_COOKIE",
    "Form",
    "carried",
    "csrf_input",
    "csrf_token",
    "read_form",
    "signed",
]

CSRF_FIELD = "csrftoken"
SCOPE_COOKIE = "backchain.csrf_cookie"  # this browser's form cookie, put there by security.Guard
_CACHE = "backchain.form"


def csrf_token(request: HTTPConnection) -> str:
    """The token this browser's forms carry: the server's signature of its form cookie."""
    return str(request.app.state.signers.form.dumps(request.scope.get(SCOPE_COOKIE, "")))


def signed(request: HTTPConnection, data: object) -> str:
    """Answers a page carries to the next step, signed so that the server can trust them back:
    in this browser, and in clinic mode for this account, only."""
    return str(request.app.state.signers.carried.dumps([_holder(request), data]))


def carried(request: HTTPConnection, text: str) -> object | None:
    """What `signed` made, or None when `text` is not exactly that (changed, forged, mangled)
    or was made for another browser or account."""
    try:
        found: object = request.app.state.signers.carried.loads(text)
    except BadSignature:
        return None
    if not (isinstance(found, list) and len(found) == 2 and found[0] == _holder(request)):
        return None
    data: object = found[1]
    return data


def _holder(request: HTTPConnection) -> list[object]:
    account = getattr(request.state, "account", None)
    return [request.scope.get(SCOPE_COOKIE, ""), None if account is None else account.id]


def csrf_input(request: HTTPConnection) -> Markup:
    """The hidden field every form that changes data starts with."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, csrf_token(request)
    )


class Form:
    """A URL-encoded form body (what these pages' forms send)."""

    def __init__(self, body: bytes, *, max_fields: int | None = None) -> None:
        self.fields = parse_qs(
            body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=max_fields
        )

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, [default])[0]

    def getlist(self, name: str) -> list[str]:
        return self.fields.get(name, [])


async def read_form(request: Request) -> Form:
    """The posted form; the body was capped in size before it was read (`security.Guard`)."""
    cached: Form | None = request.scope.get(_CACHE)
    if cached is not None:
        return cached
    body = await request.body()
    limit: int = request.app.state.config.max_form_fields
    if body.count(b"&") >= limit:  # counted before parsing, so a flood of fields costs nothing
        raise HTTPException(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            detail=f"The form has more than {limit} fields, more than any Backchain page sends; "
            "nothing was saved. Go back and send it from the page.",
        )
    form = await to_thread.run_sync(lambda: Form(body, max_fields=limit))
    request.scope[_CACHE] = form
    return form
