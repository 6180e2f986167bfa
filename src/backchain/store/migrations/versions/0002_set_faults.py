"""Form faults on each logged set, from the camera or typed by the person.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing sets had no faults recorded: an empty list, not NULL.
    with op.batch_alter_table("set_logs") as batch:
        batch.add_column(sa.Column("faults", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("set_logs") as batch:
        batch.drop_column("faults")
