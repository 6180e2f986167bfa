"""Clinic mode: accounts, sign-ins, one-time links, following, notes, the audit log and failed
sign-ins; each person's data can belong to an account.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account(
    table: str, column: str, *, nullable: bool = False, ondelete: str = "CASCADE"
) -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    return (
        sa.Column(column, sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            [column], ["accounts.id"], name=f"fk_{table}_{column}_accounts", ondelete=ondelete
        ),
    )


def _index(table: str, column: str) -> None:
    op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
    )
    op.create_table(
        "logins",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        *_account("logins", "account_id"),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_logins"),
    )
    _index("logins", "account_id")
    op.create_table(
        "one_time_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(), nullable=False),
        *_account("one_time_links", "made_by"),
        *_account("one_time_links", "account_id", nullable=True),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_one_time_links"),
    )
    _index("one_time_links", "made_by")
    _index("one_time_links", "account_id")
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        *_account("follows", "person_id"),
        *_account("follows", "clinician_id"),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_follows"),
    )
    _index("follows", "person_id")
    _index("follows", "clinician_id")
    op.create_index("ix_follows_pair", "follows", ["person_id", "clinician_id"])
    op.create_table(
        "care_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        *_account("care_notes", "person_id"),
        *_account("care_notes", "author_id"),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_care_notes"),
    )
    _index("care_notes", "person_id")
    _index("care_notes", "author_id")
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        *_account("audit_log", "actor_id", nullable=True, ondelete="SET NULL"),
        *_account("audit_log", "person_id", nullable=True, ondelete="SET NULL"),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    _index("audit_log", "actor_id")
    _index("audit_log", "person_id")
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    _index("login_failures", "key")
    # Not a batch (copy-and-swap) on SQLite: dropping the old `people` table would cascade to
    # every row that refers to it. SQLite adds a column with its reference in place. No cascade
    # from accounts: a person's health data is never deleted as a side effect.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE people ADD COLUMN account_id INTEGER REFERENCES accounts (id)")
    else:
        op.add_column("people", sa.Column("account_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_people_account_id_accounts",
            "people",
            "accounts",
            ["account_id"],
            ["id"],
        )
    op.create_index("ix_people_account_id", "people", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_people_account_id", "people")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE people DROP COLUMN account_id")
    else:
        op.drop_constraint("fk_people_account_id_accounts", "people", type_="foreignkey")
        op.drop_column("people", "account_id")
    for table in (
        "login_failures",
        "audit_log",
        "care_notes",
        "follows",
        "one_time_links",
        "logins",
        "accounts",
    ):
        op.drop_table(table)
