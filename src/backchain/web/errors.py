"""Turning errors into friendly HTML pages, so a user never sees a traceback or bare JSON."""

import logging
from collections.abc import Callable, Coroutine, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from backchain.errors import BackchainError, StoreBusyError
from backchain.web.security import SAFE_METHODS
from backchain.web.templating import templates

__all__ = ["BUSY_TITLE", "EXCEPTION_HANDLERS", "RETRY_AFTER_S", "NotFoundError"]

logger = logging.getLogger(__name__)

# The store already waited (and retried) for the other change before giving up; a few more
# seconds is when trying again is likely to work.
RETRY_AFTER_S = 5
BUSY_TITLE = "Backchain is busy"
BUSY_READING = "Backchain is busy saving something else; nothing was lost — try again in a moment."
# A form post that was refused: the person's typed answers must not be lost with it. Browsers
# keep a form's contents when the person goes back to it.
BUSY_WRITING = (
    "Backchain is busy saving something else, so your answers were not saved; nothing else was "
    "lost. Go back with your browser's Back button — the form still has what you entered — "
    "and send it again in a moment."
)


class NotFoundError(HTTPException):
    """Something the user asked for does not exist; `title` and `detail` are shown to them."""

    def __init__(self, *, title: str, detail: str) -> None:
        super().__init__(status_code=HTTPStatus.NOT_FOUND, detail=detail)
        self.title = title


async def _http_error(request: Request, error: HTTPException) -> HTMLResponse:
    if isinstance(error, NotFoundError):
        title, detail = error.title, error.detail
    elif error.status_code == HTTPStatus.NOT_FOUND:
        title, detail = "Page not found", "There is no page at this address."
    else:
        title, detail = HTTPStatus(error.status_code).phrase, error.detail
    return _error_page(request, error.status_code, title, detail, error.headers)


async def _invalid_request(request: Request, error: RequestValidationError) -> HTMLResponse:
    detail = "The address has a value Backchain does not understand; start again from the library."
    return _error_page(request, HTTPStatus.UNPROCESSABLE_ENTITY, "Unknown choice", detail)


async def _busy(request: Request, error: StoreBusyError) -> HTMLResponse:
    # Another change held the database longer than the store waits: nothing was written.
    logger.warning("%s %s refused: %s", request.method, request.url.path, error)
    detail = BUSY_READING if request.method in SAFE_METHODS else BUSY_WRITING
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    return _error_page(request, HTTPStatus.SERVICE_UNAVAILABLE, BUSY_TITLE, detail, headers)


async def _backchain_error(request: Request, error: BackchainError) -> HTMLResponse:
    # Raised by the domain, e.g. a broken exercise data file; its message says what to do.
    title = "Backchain cannot show this page"
    return _error_page(request, HTTPStatus.INTERNAL_SERVER_ERROR, title, str(error))


def _error_page(
    request: Request,
    status_code: int,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    context = {"title": title, "detail": detail}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status_code, headers=headers
    )


Handler = Callable[[Request, Any], Coroutine[Any, Any, Response]]

# HTTP errors, bad query values and broken data, all rendered in the site's layout.
EXCEPTION_HANDLERS: dict[int | type[Exception], Handler] = {
    HTTPException: _http_error,
    RequestValidationError: _invalid_request,
    StoreBusyError: _busy,
    BackchainError: _backchain_error,
}
