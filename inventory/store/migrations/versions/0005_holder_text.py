"""A lower-cased holder column, so the holder filter is one LIKE on one column instead of two lower() calls
on every row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers") as table:
        table.add_column(sa.Column("holder_text", sa.String(600)))
    with op.batch_alter_table("sync_changes") as table:
        table.add_column(sa.Column("holder_text", sa.String(600)))
    # Existing holders: "name | upn" lower-cased, as rows.holder_text_of writes it.
    trim = "btrim" if op.get_bind().dialect.name == "postgresql" else "trim"
    op.execute(
        f"UPDATE phone_numbers SET holder_text = lower({trim}("
        "coalesce(assignee_name, '') || ' | ' || coalesce(assignee_upn, ''), ' |')) "
        "WHERE assignee_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("sync_changes") as table:
        table.drop_column("holder_text")
    with op.batch_alter_table("phone_numbers") as table:
        table.drop_column("holder_text")
