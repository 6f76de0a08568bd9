"""Alembic migrations shipped in the package (run by ``Store.migrate``; no alembic.ini needed)."""
