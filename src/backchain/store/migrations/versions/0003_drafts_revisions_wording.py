"""Sessions in progress, corrections and settings changes, questionnaire wording, decision batches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=f"fk_{table}_{column}_{parent}", ondelete="CASCADE"
    )


def upgrade() -> None:
    # Everything answered before this revision was in Backchain's own paraphrase.
    for table in ("questionnaires", "screenings"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("wording", sa.String(), nullable=False, server_default="backchain")
            )
    # Earlier decisions applied in id order; a batch per row keeps exactly that order.
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("batch", sa.Integer(), nullable=True))
    op.execute("UPDATE decisions SET batch = id")
    with op.batch_alter_table("decisions") as batch:
        batch.alter_column("batch", existing_type=sa.Integer(), nullable=False)
    op.create_index("ix_decisions_person_batch", "decisions", ["person_id", "batch"])
    _create_draft_tables()
    op.create_table(
        "revisions",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        _fk("revisions", "person_id", "people"),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
    )
    op.create_index("ix_revisions_person_made", "revisions", ["person_id", "made_at"])


def _create_draft_tables() -> None:
    op.create_table(
        "session_drafts",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        _fk("session_drafts", "person_id", "people"),
        sa.PrimaryKeyConstraint("id", name="pk_session_drafts"),
        sa.UniqueConstraint("person_id", "day", name="uq_session_drafts_person_id_day"),
    )
    op.create_table(
        "draft_sets",
        _id(),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(), nullable=False),
        sa.Column("variation", sa.String(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("load_kg", sa.Double(), nullable=True),
        sa.Column("load_band", sa.String(), nullable=True),
        sa.Column("hold_s", sa.Double(), nullable=True),
        sa.Column("rpe", sa.Integer(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("faults", sa.JSON(), nullable=False),
        _fk("draft_sets", "draft_id", "session_drafts"),
        sa.PrimaryKeyConstraint("id", name="pk_draft_sets"),
        sa.UniqueConstraint("draft_id", "position", name="uq_draft_sets_draft_id_position"),
    )
    op.create_table(
        "draft_skips",
        _id(),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _fk("draft_skips", "draft_id", "session_drafts"),
        sa.PrimaryKeyConstraint("id", name="pk_draft_skips"),
        sa.UniqueConstraint("draft_id", "exercise", name="uq_draft_skips_draft_id_exercise"),
    )


def downgrade() -> None:
    for table in ("revisions", "draft_skips", "draft_sets", "session_drafts"):
        op.drop_table(table)
    op.drop_index("ix_decisions_person_batch", "decisions")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("batch")
    for table in ("screenings", "questionnaires"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("wording")
