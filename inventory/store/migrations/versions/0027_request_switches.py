"""Who may request a number and who approves, set in chat (`requests ...`, `approvers ...`): two more of a
tenant's switches. Each column is NULL where no admin set it (the configuration file decides), so four eyes
becomes nullable too: a row made by `requests anyone` must not also pin four eyes.

Revision ID: 0027
Revises: 0019
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenant_switches") as table:
        table.alter_column("four_eyes", existing_type=sa.Integer(), nullable=True)
        table.add_column(sa.Column("requests", sa.String(20)))
        table.add_column(sa.Column("approvers", sa.JSON()))


def downgrade() -> None:
    op.execute("UPDATE tenant_switches SET four_eyes = 0 WHERE four_eyes IS NULL")
    with op.batch_alter_table("tenant_switches") as table:
        table.drop_column("approvers")
        table.drop_column("requests")
        table.alter_column("four_eyes", existing_type=sa.Integer(), nullable=False)
