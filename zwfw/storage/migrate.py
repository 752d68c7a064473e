"""Apply the versioned Alembic migrations (`zwfw migrate`), or check they were applied."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from zwfw.core.errors import BackendUnavailable
from zwfw.storage.engine import Storage

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str | None:
    """The newest migration this code ships."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def migrate(storage: Storage, revision: str = "head") -> str | None:
    """Upgrade the database to `revision`; returns the revision it is at afterwards.

    On PostgreSQL an advisory lock makes concurrent runs (two replicas started together)
    wait for each other instead of both creating tables."""
    with storage.guard("state"), storage.engine.begin() as conn:
        if not storage.is_sqlite:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        return MigrationContext.configure(conn).get_current_revision()


def current(storage: Storage) -> str | None:
    with storage.read("state") as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_current(storage: Storage) -> None:
    """Refuse to serve a database the code does not match (run `zwfw migrate` first)."""
    found, wanted = current(storage), head()
    if found != wanted:
        raise BackendUnavailable(
            f"the state database is at migration {found or 'none'}, the code needs {wanted}:"
            " run `zwfw migrate`"
        )
