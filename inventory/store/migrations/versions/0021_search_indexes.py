"""Search at 1,000,000 numbers: a trigram index over the number and the free text, and case-blind filter indexes.

SQLite: a contentless FTS5 table with the trigram tokenizer (SQLite 3.34+) over `phone_numbers(number,
search_text)`, kept in step by triggers so that every writer (imports, sync commits, assignments, deletes)
updates it in its own transaction without knowing.
PostgreSQL: pg_trgm GIN indexes, which the planner weighs against the ordered scan itself.
Both: indexes on `lower(pool)`, `lower(location)` and `lower(carrier)`, the case-blind equality the filters use.
None of these is in `tables.metadata` (Core cannot describe them); `inventory/store/search_index.py` names them.

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-06
"""

from alembic import op

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None

_CASE_BLIND = {
    "ix_phone_numbers_search_pool": "tenant, lower(pool), status, number",
    "ix_phone_numbers_search_location": "tenant, lower(location), number",
    "ix_phone_numbers_search_carrier": "tenant, lower(carrier), number",
}
_TRIGRAM_PG = {
    "ix_phone_numbers_search_number_trgm": "number",
    "ix_phone_numbers_search_text_trgm": "search_text",
    "ix_phone_numbers_search_holder_trgm": "holder_text",
}
# Contentless (it keeps only its index; the text stays in phone_numbers), so it may index the number between
# ^ and $: `*0000` is then the phrase "0000$", an exact suffix. Only a change to the indexed text touches it.
_INDEXED = "'^' || {row}.number || '$', {row}.search_text"
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER phone_numbers_text_insert AFTER INSERT ON phone_numbers BEGIN
        INSERT INTO phone_numbers_text (rowid, number, search_text) VALUES (new.id, {_INDEXED.format(row="new")});
    END""",
    f"""CREATE TRIGGER phone_numbers_text_delete AFTER DELETE ON phone_numbers BEGIN
        INSERT INTO phone_numbers_text (phone_numbers_text, rowid, number, search_text)
        VALUES ('delete', old.id, {_INDEXED.format(row="old")});
    END""",
    f"""CREATE TRIGGER phone_numbers_text_update AFTER UPDATE OF number, search_text ON phone_numbers
    WHEN old.number IS NOT new.number OR old.search_text IS NOT new.search_text BEGIN
        INSERT INTO phone_numbers_text (phone_numbers_text, rowid, number, search_text)
        VALUES ('delete', old.id, {_INDEXED.format(row="old")});
        INSERT INTO phone_numbers_text (rowid, number, search_text) VALUES (new.id, {_INDEXED.format(row="new")});
    END""",
]


def upgrade() -> None:
    for name, columns in _CASE_BLIND.items():
        op.execute(f"CREATE INDEX {name} ON phone_numbers ({columns})")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in _TRIGRAM_PG.items():
            op.execute(f"CREATE INDEX {name} ON phone_numbers USING gin ({column} gin_trgm_ops)")
        return
    # detail=full (positions): a quoted phrase is then an exact substring of one column, so the index alone
    # counts the matches of `*0000` without reading rows; without positions it could only say "holds 000".
    op.execute(
        "CREATE VIRTUAL TABLE phone_numbers_text USING fts5(number, search_text, content='', "
        "tokenize='trigram', columnsize=0)"
    )
    op.execute(  # the numbers already there
        "INSERT INTO phone_numbers_text (rowid, number, search_text) "
        f"SELECT id, {_INDEXED.format(row='phone_numbers')} FROM phone_numbers"
    )
    for trigger in _SQLITE_TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _TRIGRAM_PG:
            op.execute(f"DROP INDEX {name}")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER phone_numbers_text_{trigger}")
        op.execute("DROP TABLE phone_numbers_text")
    for name in _CASE_BLIND:
        op.execute(f"DROP INDEX {name}")
