"""The first tables: people, screenings, questionnaires, plans, session logs and decisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Written out in full, not imported from the models, so it creates the same schema whatever the
models later become. Timestamps are naive UTC to the second (see `models.UtcDateTime`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=f"fk_{table}_{column}_{parent}", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "people",
        _id(),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
    )
    op.create_table(
        "screenings",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        _fk("screenings", "person_id", "people"),
        sa.PrimaryKeyConstraint("id", name="pk_screenings"),
    )
    op.create_index("ix_screenings_person_taken", "screenings", ["person_id", "taken_at"])
    op.create_table(
        "questionnaires",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("band", sa.String(), nullable=True),
        sa.Column("answered", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        _fk("questionnaires", "person_id", "people"),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaires"),
    )
    op.create_index("ix_questionnaires_person_taken", "questionnaires", ["person_id", "taken_on"])
    _create_plan_tables()
    _create_log_tables()


def _create_plan_tables() -> None:
    op.create_table(
        "plans",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("desk_break", sa.JSON(none_as_null=True), nullable=True),
        _fk("plans", "person_id", "people"),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    op.create_index("ix_plans_person_superseded", "plans", ["person_id", "superseded"])
    op.create_table(
        "plan_weeks",
        _id(),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(), nullable=False),
        _fk("plan_weeks", "plan_id", "plans"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_weeks"),
        sa.UniqueConstraint("plan_id", "position", name="uq_plan_weeks_plan_id_position"),
    )
    op.create_table(
        "planned_sessions",
        _id(),
        sa.Column("plan_week_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        _fk("planned_sessions", "plan_week_id", "plan_weeks"),
        sa.PrimaryKeyConstraint("id", name="pk_planned_sessions"),
        sa.UniqueConstraint(
            "plan_week_id", "position", name="uq_planned_sessions_plan_week_id_position"
        ),
    )
    op.create_table(
        "prescriptions",
        _id(),
        sa.Column("planned_session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(), nullable=False),
        sa.Column("variation", sa.String(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps_low", sa.Integer(), nullable=True),
        sa.Column("reps_high", sa.Integer(), nullable=True),
        sa.Column("hold_low", sa.Double(), nullable=True),
        sa.Column("hold_high", sa.Double(), nullable=True),
        sa.Column("rest_s", sa.Integer(), nullable=False),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _fk("prescriptions", "planned_session_id", "planned_sessions"),
        sa.PrimaryKeyConstraint("id", name="pk_prescriptions"),
        sa.UniqueConstraint(
            "planned_session_id", "position", name="uq_prescriptions_planned_session_id_position"
        ),
    )


def _create_log_tables() -> None:
    op.create_table(
        "session_logs",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("pain_after", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        _fk("session_logs", "person_id", "people"),
        sa.PrimaryKeyConstraint("id", name="pk_session_logs"),
    )
    op.create_index("ix_session_logs_person_date", "session_logs", ["person_id", "date"])
    op.create_table(
        "set_logs",
        _id(),
        sa.Column("session_log_id", sa.Integer(), nullable=False),
        sa.Column("exercise_position", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(), nullable=False),
        sa.Column("variation", sa.String(), nullable=False),
        sa.Column("set_number", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("load_kg", sa.Double(), nullable=True),
        sa.Column("load_band", sa.String(), nullable=True),
        sa.Column("hold_s", sa.Double(), nullable=True),
        sa.Column("rpe", sa.Integer(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        _fk("set_logs", "session_log_id", "session_logs"),
        sa.PrimaryKeyConstraint("id", name="pk_set_logs"),
        sa.UniqueConstraint(
            "session_log_id",
            "exercise_position",
            "set_number",
            name="uq_set_logs_session_log_id_exercise_position_set_number",
        ),
    )
    op.create_table(
        "skips",
        _id(),
        sa.Column("session_log_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _fk("skips", "session_log_id", "session_logs"),
        sa.PrimaryKeyConstraint("id", name="pk_skips"),
        sa.UniqueConstraint("session_log_id", "position", name="uq_skips_session_log_id_position"),
    )
    op.create_table(
        "checkins",
        _id(),
        sa.Column("session_log_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("compared", sa.String(), nullable=False),
        sa.Column("new_red_flags", sa.Boolean(), nullable=False),
        _fk("checkins", "session_log_id", "session_logs"),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
        sa.UniqueConstraint("session_log_id", name="uq_checkins_session_log_id"),
    )
    op.create_table(
        "decisions",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("session_log_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("variation", sa.String(), nullable=True),
        sa.Column("load_kg", sa.Double(), nullable=True),
        sa.Column("load_band", sa.String(), nullable=True),
        _fk("decisions", "person_id", "people"),
        _fk("decisions", "session_log_id", "session_logs"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_person_id", "decisions", ["person_id"])
    op.create_index("ix_decisions_session_log_id", "decisions", ["session_log_id"])


def downgrade() -> None:
    # Children first; dropping a table drops its indexes with it.
    for table in (
        "decisions",
        "checkins",
        "skips",
        "set_logs",
        "session_logs",
        "prescriptions",
        "planned_sessions",
        "plan_weeks",
        "plans",
        "questionnaires",
        "screenings",
        "people",
    ):
        op.drop_table(table)
