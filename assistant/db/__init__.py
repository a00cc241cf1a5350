"""The one database (SQLAlchemy 2 + Alembic): feedback, curated knowledge, accounts, audit.

SQLite in the data directory by default; PostgreSQL (or any SQLAlchemy URL) through
ASSISTANT_DATABASE_URL. The schema is owned by the Alembic migrations in migrations/.
"""
