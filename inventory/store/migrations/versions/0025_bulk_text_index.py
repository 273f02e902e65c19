"""Bulk writers index their numbers' text once per batch, not row by row (SQLite only).

The per-row insert trigger of migration 0021 about doubled the CSV import: every row written also wrote
its trigrams, one FTS5 insert at a time. Now a writer that adds many rows puts a row in
`phone_numbers_text_bulk` first, within its own write transaction; while that row exists the insert
trigger stands aside, and the writer indexes the batch with one `INSERT ... SELECT`
(`search_index.bulk_indexed`) and removes the row before it commits. Other transactions never see the
flag: SQLite has one writer, and the flag is gone before the commit. Every other insert, update and
delete keeps the triggers of 0021. PostgreSQL is unchanged (its GIN indexes follow every write).

Revision ID: 0025
Revises: 0019
Create Date: 2026-12-06
"""

from alembic import op

revision = "0025"
down_revision = "0026"
branch_labels = None
depends_on = None

_INDEXED = "'^' || new.number || '$', new.search_text"


def _insert_trigger(when: str) -> str:
    return f"""CREATE TRIGGER phone_numbers_text_insert AFTER INSERT ON phone_numbers {when} BEGIN
        INSERT INTO phone_numbers_text (rowid, number, search_text) VALUES (new.id, {_INDEXED});
    END"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE phone_numbers_text_bulk (writer INTEGER PRIMARY KEY)")
    op.execute("DROP TRIGGER phone_numbers_text_insert")
    op.execute(_insert_trigger("WHEN NOT EXISTS (SELECT 1 FROM phone_numbers_text_bulk)"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER phone_numbers_text_insert")
    op.execute(_insert_trigger(""))
    op.execute("DROP TABLE phone_numbers_text_bulk")
