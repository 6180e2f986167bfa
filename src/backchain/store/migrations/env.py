"""Alembic's environment: runs migrations on the connection `open_store` passes in.

Without one (an author running `alembic` commands through `alembic_config(url)`), it opens
the URL in the configuration itself. To draft the next migration from changed models:

    store = open_store("sqlite:////tmp/scratch.db")  # a scratch database at the latest revision
    command.revision(alembic_config(store.engine.url), "what changed", autogenerate=True, rev_id="0002")

then review it and write its types out in full, as 0001 does, so it never imports the models.
"""

from alembic import context
from sqlalchemy import Connection

from backchain.store.database import create_store_engine
from backchain.store.models import Base


def run_migrations(connection: Connection) -> None:
    # Batch mode lets later migrations alter SQLite tables, which it can only rebuild.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit(
        "Backchain's migrations run against a database; offline (--sql) mode is not set up."
    )

passed = context.config.attributes.get("connection")
if passed is not None:
    run_migrations(passed)
else:
    engine = create_store_engine(context.config.get_main_option("sqlalchemy.url", ""))
    try:
        with engine.begin() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()
