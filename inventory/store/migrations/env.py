"""Alembic environment: always run by inventory.store.migrate with a connection already open."""

from __future__ import annotations

from alembic import context

from inventory.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `switchboard db upgrade`; it opens the connection for Alembic.")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
