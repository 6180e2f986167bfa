"""Migration 0005: decisions stored before a clinician could change a prescription come back as
the engine's decisions, and the columns go again on a downgrade without touching the rest."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from backchain.programs.models import Decision, DecisionKind, Load
from backchain.store.database import alembic_config, create_store_engine
from backchain.store.mapping import decision_from_row
from backchain.store.models import DecisionRow

CHANGE_COLUMNS = {"by", "sets", "reps_low", "reps_high", "hold_low", "hold_high", "held"}


def test_decisions_from_before_0005_are_the_engines_and_downgrade_keeps_them(
    tmp_path: Path,
) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        config = alembic_config(engine.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        for statement in (
            "INSERT INTO people (id, created_at, profile) VALUES (1, '2025-01-01 08:00:00', '{}')",
            "INSERT INTO session_logs (id, person_id, date, pain_after, notes, logged_at) "
            "VALUES (1, 1, '2025-01-06', 2, '', '2025-01-06 18:00:00')",
            "INSERT INTO decisions (person_id, session_log_id, decided_on, batch, position, "
            "exercise, kind, reason, variation, load_kg) "
            "VALUES (1, 1, '2025-01-06', 1, 0, 'romanian_deadlift', 'progress', 'why', "
            "'romanian_deadlift', 12)",
        ):
            connection.execute(text(statement))
        command.upgrade(config, "0005")
        (row,) = Session(bind=connection).scalars(select(DecisionRow)).all()
        assert decision_from_row(row) == Decision(
            exercise="romanian_deadlift",
            kind=DecisionKind.PROGRESS,
            reason="why",
            variation="romanian_deadlift",
            load=Load(kg=12),
        )
        assert row.held is False
        command.downgrade(config, "0004")
        columns = {c["name"] for c in inspect(connection).get_columns("decisions")}
        kept = connection.execute(text("SELECT kind, load_kg FROM decisions")).all()
    assert columns.isdisjoint(CHANGE_COLUMNS)
    assert kept == [("progress", 12.0)]
    engine.dispose()
