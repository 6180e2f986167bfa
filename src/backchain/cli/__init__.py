"""The `backchain` command line: a thin adapter over the domain packages.

User errors (`BackchainError`) become one line on stderr and exit status 2 (`common.user_errors`).
"""

from typing import Annotated

import typer

from backchain.cli import calendar, corrections, data, library, motion, program, screening

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
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Start the web app (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from backchain.web.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")
