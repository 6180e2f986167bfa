"""`backchain serve`: the web app on this machine, or in clinic mode for a clinic's network."""

import ipaddress
import sys
from typing import Annotated

import typer

from backchain.cli.common import user_errors
from backchain.errors import ConfigError

__all__ = ["serve"]


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
) -> None:
    """Start the web app (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from backchain.config import load_config
    from backchain.web.app import create_app

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
    uvicorn.run(
        create_app(config=config),
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
