"""The app's own secret, kept in the database so every process that shares it signs alike."""

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from backchain.store.database import Store
from backchain.store.models import Base

__all__ = ["SecretRow", "signing_secret"]

SIGNING = "signing"


class SecretRow(Base):
    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


def signing_secret(store: Store) -> str:
    """The secret that signs forms, made on first use; two processes starting at once agree."""
    for _ in range(2):
        with store.transaction() as session:
            found = session.scalar(select(SecretRow.value).where(SecretRow.name == SIGNING))
            if found is not None:
                return found
        try:
            with store.transaction() as session:
                made = secrets.token_urlsafe(48)
                session.add(SecretRow(name=SIGNING, value=made))
            return made
        except IntegrityError:  # another process made it first; read theirs
            continue
    raise AssertionError("unreachable: the secret row exists after an insert conflict")
