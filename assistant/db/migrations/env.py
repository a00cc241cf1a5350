"""Alembic environment: the connection comes from make_engine (never from an ini file)."""

from __future__ import annotations

from alembic import context

from assistant.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always run through assistant.db.engine.migrate
    raise RuntimeError("run migrations through assistant.db.engine.migrate(engine)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
