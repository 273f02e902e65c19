"""Whose personal chat a remembered conversation is: the jobs reach a reservation's owner through the Bot
Connector of their own chat with the bot (their Teams region), not only through the tenant's channel's.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("person_id", sa.String(128)))
    op.create_index("ix_conversations_person_id", "conversations", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_conversations_person_id", "conversations")
    op.drop_column("conversations", "person_id")
