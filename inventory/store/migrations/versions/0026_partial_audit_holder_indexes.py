"""The audit's holder indexes keep only rows that name a holder: an import's or an add's audit rows name
none, and a million-number import no longer writes two index entries per number that no query can find
(`history <user>` asks `holder_id = :h` or `holder_upn = :h`, which both databases prove implies NOT NULL).

Revision ID: 0026
Revises: 0019
Create Date: 2026-12-06
"""

from alembic import op

revision = "0026"
down_revision = "0023"
branch_labels = None
depends_on = None

_HOLDER_COLUMNS = ("holder_id", "holder_upn")


def _name(column: str) -> str:
    return f"ix_audit_events_tenant_{column}_id"


def upgrade() -> None:
    for column in _HOLDER_COLUMNS:
        op.drop_index(_name(column), "audit_events")
        where = f"{column} IS NOT NULL"
        op.execute(f"CREATE INDEX {_name(column)} ON audit_events (tenant, {column}, id) WHERE {where}")


def downgrade() -> None:
    for column in _HOLDER_COLUMNS:
        op.drop_index(_name(column), "audit_events")
        op.create_index(_name(column), "audit_events", ["tenant", column, "id"])
