"""A voice routing policy grant that failed after Teams assigned the number stays in the journal
(status policy_pending) and is retried with backoff: how often it was tried and when it is next due.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams_operations") as table:
        table.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("retry_at", sa.DateTime()))


def downgrade() -> None:
    with op.batch_alter_table("teams_operations") as table:
        table.drop_column("retry_at")
        table.drop_column("attempts")
