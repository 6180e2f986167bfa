"""Dependencies shared by the routers: the store, a read transaction, and the current person's
journal."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backchain import journal
from backchain.store import Store
from backchain.web.errors import NotFoundError

__all__ = ["JournalDep", "SessionDep", "StoreDep", "get_journal", "get_session", "get_store"]


def get_store(request: Request) -> Store:
    """The store the app opened at start-up."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def get_session(store: StoreDep) -> Iterator[Session]:
    """One read transaction for the request: it never waits for a writer, and cannot write
    (journal functions that write open their own transaction)."""
    with store.read() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_journal(store: StoreDep) -> journal.Journal:
    """The stored journal, or a friendly page that says how to start a program.

    Read in a transaction of its own, ended before the route writes with `journal`. Only an
    absent program is "No program yet": a database that fails or is busy says so itself.
    """
    with store.read() as session:
        found = journal.find_journal(session)
    if found is None:
        raise NotFoundError(
            title="No program yet",
            detail="There is no plan yet: start a program from the Today page.",
        )
    return found


JournalDep = Annotated[journal.Journal, Depends(get_journal)]
