"""PostgreSQL: compress the stored documents (case, result, answer JSON) with lz4 instead of pglz.

A result is about 100 kB of JSON; pglz compression of the TOASTed text took most of a commit's time (a group commit
of 50 assessments: 138 ms with pglz, 38 ms with lz4). Only newly written values are affected; the stored text, and so
every hash in the audit chain, is unchanged. A no-op on SQLite and on servers built without lz4.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = (("assessments", "case_json"), ("assessments", "result_json"), ("answers", "answer_json"))


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    row = bind.execute(sa.text(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
    )).first()
    return row is not None


def upgrade() -> None:
    if _lz4_available():
        for table, column in COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade() -> None:
    if _lz4_available():
        for table, column in COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION pglz")
