"""The `backchain` command line: a thin adapter over the domain packages.

User errors (`BackchainError`) become one line on stderr and exit status 2 (`common.user_errors`).
"""

import ipaddress
from typing import Annotated

import typer

from backchain.cli import calendar, corrections, data, library, motion, program, screening
from backchain.cli.common import user_errors
from backchain.errors import ConfigError

__all__ = ["app"]

app = typer.Typer(
    help="Backchain: posterior-chain training for lower back pain, run on your own machine.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(library.app, name="exercises")
app.command()(screening.screen)
app.command()(screening.score)
for command in (program.init, program.plan, program.today, program.log, program.checkin):
    app.command()(command)
app.command()(program.history)
app.add_typer(corrections.app, name="correct")
app.command()(corrections.settings)
app.command()(program.resume)
app.command()(data.export)
app.command("import")(data.import_)
app.command()(calendar.calendar)
app.command()(motion.analyze)
app.command()(motion.landmarks)


@app.command()
@user_errors
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the web app (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from backchain.config import load_config
    from backchain.web.app import create_app

    if not _loopback(host):
        raise ConfigError(
            f"Backchain has no accounts yet, so it serves only this machine and will not listen "
            f"on {host}; use --host 127.0.0.1 (the default)."
        )
    config = load_config()
    uvicorn.run(
        create_app(config=config),
        host=host,
        port=port,
        log_level="info",
        # A live-coach frame may be up to the frame limit; anything far beyond it is cut off
        # by the server before it is read into memory.
        ws_max_size=2 * config.max_frame_bytes,
    )


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
