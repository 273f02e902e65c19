"""What keeps the inventory true on every path: numbers with `;ext=` in a sync's stored changes, the
assignment status of holders Teams cannot resolve, and the journal's link to Teams' operation and to the
number an assignment replaces.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_EXTENSION = sa.String(16).with_variant(sa.String(16, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers") as table:
        table.add_column(sa.Column("assignee_assignment", sa.String(32)))
    with op.batch_alter_table("sync_changes") as table:
        table.add_column(sa.Column("extension", _EXTENSION, nullable=False, server_default=""))
        table.add_column(sa.Column("assignee_assignment", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("sync_changes") as table:
        table.drop_column("assignee_assignment")
        table.drop_column("extension")
    with op.batch_alter_table("phone_numbers") as table:
        table.drop_column("assignee_assignment")
