"""Feedback (kept if it exists already), accounts, entries with versions, audit, queue.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "feedback" not in existing:  # databases from before migrations already have it
        op.create_table(
            "feedback",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("created", sa.DateTime),
            sa.Column("rating", sa.String(8)),
            sa.Column("question", sa.Text),
            sa.Column("answer", sa.Text),
            sa.Column("lang", sa.String(8)),
            sa.Column("refs", sa.Text),
            sa.Column("comment", sa.Text),
            sa.Column("channel", sa.String(16)),
        )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created", sa.DateTime),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created", sa.DateTime),
        sa.Column("expires", sa.DateTime, nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("slug", sa.String(120), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("published_version", sa.Integer, nullable=True),
        sa.Column("author", sa.String(64)),
        sa.Column("reviewer", sa.String(64)),
        sa.Column("created", sa.DateTime),
        sa.Column("updated", sa.DateTime),
    )
    op.create_table(
        "entry_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "entry_id",
            sa.Integer,
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=True),
        sa.Column("effective_until", sa.Date, nullable=True),
        sa.Column("author", sa.String(64)),
        sa.Column("comment", sa.Text),
        sa.Column("created", sa.DateTime),
        sa.UniqueConstraint("entry_id", "version"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("time", sa.DateTime),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("slug", sa.String(120)),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_audit_time", "audit", ["time"])
    op.create_table(
        "queue",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created", sa.DateTime),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("refs", sa.Text),
        sa.Column("handled_by", sa.String(120)),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "queue", "audit", "entry_versions", "entries", "sessions", "users"):
        op.drop_table(table)
