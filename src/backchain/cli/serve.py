"""`backchain serve`: the web app on this machine, or in clinic mode for a clinic's network.

With `--workers N` uvicorn runs N processes on one socket. They start afresh (spawned, not
forked), so each builds its own app from `APP_FACTORY` and reads its settings from the
`BACKCHAIN_*` environment, as `backchain worker` does: that is how `--clinic` reaches them.
"""

import ipaddress
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from backchain.cli.common import user_errors
from backchain.errors import ConfigError

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["APP_FACTORY", "MAX_WORKERS", "serve"]

#: What each of several web processes calls to build its app (uvicorn's `factory=True`).
APP_FACTORY = "backchain.web.app:create_app"
#: Each web process holds its own pose models and database connections; more processes than a
#: large server has cores only cost memory, so a bigger number is taken for a typo.
MAX_WORKERS = 32
HEALTHCHECK_S = 30


@user_errors
def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on: this machine only, unless in clinic mode."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    clinic: Annotated[
        bool,
        typer.Option(
            "--clinic", help="Clinic mode: accounts and a sign-in for every page (see README)."
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(help="Web processes sharing the port, e.g. 2 for a clinic (see README)."),
    ] = 1,
) -> None:
    """Start the web app (http://127.0.0.1:8000 by default)."""
    if not 1 <= workers <= MAX_WORKERS:
        raise ConfigError(
            f"--workers must be from 1 to {MAX_WORKERS}, not {workers}; "
            "a clinic usually runs 2 (one per CPU core at most)."
        )
    import uvicorn

    from backchain.config import ENV_PREFIX, load_config

    config = load_config()
    if clinic and not config.clinic:
        config = config.model_copy(update={"clinic": True})
    if not config.clinic and not _loopback(host):
        raise ConfigError(
            f"Personal mode has no sign-in, so it serves only this machine and will not listen "
            f"on {host}; use --host 127.0.0.1, or run clinic mode (`backchain serve --clinic`)."
        )
    if config.clinic:
        _clinic_notes(config.allowed_hosts, host)
    from backchain.jobs.runner import prepare_storage

    prepare_storage(config)  # here, where a folder it cannot use is one line
    app: FastAPI | str = APP_FACTORY
    if workers == 1:
        from backchain.web.app import create_app

        app = create_app(config=config)
    else:
        if clinic:  # the processes read their settings from the environment, not from here
            os.environ[f"{ENV_PREFIX}CLINIC"] = "true"
        _migrate()
    uvicorn.run(
        app,
        factory=workers > 1,
        workers=workers,
        # uvicorn replaces a process that has not answered its ping in this long: a process busy
        # under load for a few seconds is slow, not stuck, and killing it drops its requests.
        timeout_worker_healthcheck=HEALTHCHECK_S,
        host=host,
        port=port,
        log_level="info",
        # A live-coach frame may be up to the frame limit; anything far beyond it is cut off
        # by the server before it is read into memory.
        ws_max_size=2 * config.max_frame_bytes,
        # Behind the clinic's reverse proxy: the client's address and https from its headers
        # (FORWARDED_ALLOW_IPS names the proxy; loopback by default).
        proxy_headers=True,
    )


def _migrate() -> None:
    """Open (and so create or migrate) the database once, before the processes start: one that
    cannot be opened is one line here rather than a traceback from each of them."""
    from backchain.store import open_store

    open_store().close()


def _clinic_notes(allowed_hosts: tuple[str, ...], host: str) -> None:
    from backchain.care.accounts import Role
    from backchain.store import care, open_store

    with open_store() as store, store.read() as session:
        admins = [a for a in care.accounts(session) if a.role is Role.ADMIN]
    if not admins:
        print(
            "No admin account yet: create one with "
            "`backchain accounts create --role admin --email you@example.org`.",
            file=sys.stderr,
        )
    if not _loopback(host) and all(_loopback(name) for name in allowed_hosts):
        print(
            "Only loopback host names are allowed: set BACKCHAIN_ALLOWED_HOSTS to the name "
            "people open Backchain at (e.g. backchain.clinic.example).",
            file=sys.stderr,
        )


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
