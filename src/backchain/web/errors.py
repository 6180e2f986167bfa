"""Turning errors into friendly HTML pages, so a user never sees a traceback or bare JSON."""

from collections.abc import Callable, Coroutine, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from backchain.errors import BackchainError
from backchain.web.templating import templates

__all__ = ["EXCEPTION_HANDLERS", "NotFoundError"]


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
    BackchainError: _backchain_error,
}
