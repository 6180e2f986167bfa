"""Dependencies shared by the routers: the store, and the current person's journal."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backchain.store import Store

__all__ = ["SessionDep", "StoreDep", "get_store"]


def get_store(request: Request) -> Store:
    """The store the app opened at start-up."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def get_session(store: StoreDep) -> Iterator[Session]:
    """One transaction for a request that only reads; journal functions open their own."""
    with store.transaction() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
