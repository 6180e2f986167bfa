"""A test client that behaves like the person's own browser on the app's own pages.

It talks to a loopback host name, carries the form token the pages hand out (as the HTMX
header does) and sends the app's own Origin on WebSockets. Tests of what is refused use
Starlette's plain client, or pass their own headers, which win.
"""

import re
from typing import Any
from urllib.parse import urljoin

from starlette.testclient import TestClient as PlainClient

__all__ = ["BASE_URL", "TestClient", "csrf_token"]

BASE_URL = "http://127.0.0.1"
WS_URL = "ws://127.0.0.1"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
TOKEN_PAGE = "/exercises"


def csrf_token(html: str) -> str | None:
    """The form token a page carries, if it has one."""
    found = TOKEN_META.search(html)
    return found.group(1) if found else None


class TestClient(PlainClient):
    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, app: Any, base_url: str = BASE_URL, **kwargs: Any) -> None:
        super().__init__(app, base_url=base_url, **kwargs)
        self._token: str | None = None

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if method.upper() in UNSAFE:
            token = self._csrf()
            if token is not None:
                kwargs["headers"] = {"X-CSRF-Token": token, **(kwargs.get("headers") or {})}
        return super().request(method, url, **kwargs)

    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> Any:
        # Starlette joins a relative URL to ws://testserver, whatever the base URL: name the host.
        kwargs["headers"] = {"Origin": BASE_URL, **(kwargs.get("headers") or {})}
        return super().websocket_connect(urljoin(WS_URL, url), *args, **kwargs)

    def _csrf(self) -> str | None:
        if self._token is None or self.cookies.get("backchain_csrf") is None:
            self._token = csrf_token(super().request("GET", TOKEN_PAGE).text)
        return self._token
