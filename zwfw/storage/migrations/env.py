"""Alembic environment: migrations run on the connection `zwfw.storage.migrate` passes in."""

from __future__ import annotations

from alembic import context

from zwfw.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
context.run_migrations()
