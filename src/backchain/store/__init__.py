"""Storage: SQLite by default or PostgreSQL, migrated by Alembic, with export and import.

An adapter around the domain: it imports `programs`, `screening` and `outcomes`; they never
import it.
"""

from backchain.store import care, jobs, repository, secrets
from backchain.store.database import DATABASE_URL_VAR, Store, database_url, open_store
from backchain.store.repository import DecisionRecord
from backchain.store.transfer import EXPORT_FORMAT, EXPORT_VERSION, export_data, import_data

__all__ = [
    "DATABASE_URL_VAR",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "DecisionRecord",
    "Store",
    "care",
    "database_url",
    "export_data",
    "import_data",
    "jobs",
    "open_store",
    "repository",
    "secrets",
]
