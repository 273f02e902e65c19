"""Each journal entry keeps the Location of its Teams operation, so the reconciler can ask Teams how that
very operation went (still running: the entry stays pending) instead of guessing from the number alone.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams_operations") as table:
        table.add_column(sa.Column("operation_location", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("teams_operations") as table:
        table.drop_column("operation_location")
