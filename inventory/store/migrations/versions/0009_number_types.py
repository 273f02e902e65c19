"""What Teams says about each number, kept verbatim: room for the number types Teams adds
(operatorConnectMobile is 21 characters), and its activationState per number and per proposed change.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

_TABLES = ("phone_numbers", "sync_changes", "teams_operations")


def upgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as table:
            table.alter_column("number_type", type_=sa.String(60), existing_type=sa.String(20))
            if name != "teams_operations":
                table.add_column(sa.Column("activation_state", sa.String(60)))


def downgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as table:
            if name != "teams_operations":
                table.drop_column("activation_state")
            table.alter_column("number_type", type_=sa.String(20), existing_type=sa.String(60))
