"""Number lifecycle past the seed: reservations with an owner, a person, a ticket and a warning.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_RESERVED = sa.text("status = 'reserved'")


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers") as table:
        table.add_column(sa.Column("hold_owner_name", sa.String(320)))
        table.add_column(sa.Column("hold_for_id", sa.String(64)))
        table.add_column(sa.Column("hold_for_name", sa.String(256)))
        table.add_column(sa.Column("hold_ticket", sa.String(64)))
        table.add_column(sa.Column("hold_warned_at", sa.DateTime()))
    op.create_index(
        "ix_phone_numbers_tenant_hold_for_id",
        "phone_numbers",
        ["tenant", "hold_for_id"],
        sqlite_where=_RESERVED,
        postgresql_where=_RESERVED,
    )


def downgrade() -> None:
    op.drop_index("ix_phone_numbers_tenant_hold_for_id", "phone_numbers")
    with op.batch_alter_table("phone_numbers") as table:
        for column in ("hold_warned_at", "hold_ticket", "hold_for_name", "hold_for_id", "hold_owner_name"):
            table.drop_column(column)
