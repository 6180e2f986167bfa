"""A clinician's change of a prescription: who made it, the dose set, and whether it is held.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("by", "sets", "reps_low", "reps_high", "hold_low", "hold_high", "held")


def upgrade() -> None:
    # Every decision stored before this revision came from the engine: no clinician, no hold.
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("by", sa.String(), nullable=True))
        batch.add_column(sa.Column("sets", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reps_low", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reps_high", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("hold_low", sa.Double(), nullable=True))
        batch.add_column(sa.Column("hold_high", sa.Double(), nullable=True))
        batch.add_column(sa.Column("held", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
