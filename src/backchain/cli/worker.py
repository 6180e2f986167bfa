"""`backchain worker`: run the clinic's queued video analyses on this machine."""

from typing import Annotated

import typer

from backchain.cli.common import user_errors

__all__ = ["worker"]


@user_errors
def worker(
    burst: Annotated[
        bool, typer.Option("--burst", help="Stop once the queue is empty, instead of waiting.")
    ] = False,
) -> None:
    """Run queued video analyses, one at a time, until stopped (clinic set-ups, see README).

    Give it the web app's BACKCHAIN_REDIS_URL, BACKCHAIN_DATABASE_URL and BACKCHAIN_STORAGE_DIR.
    """
    from backchain.config import load_config
    from backchain.jobs.worker import work

    work(load_config(), burst=burst)
