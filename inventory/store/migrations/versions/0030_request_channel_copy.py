"""Where the channel's copy of a personal-chat request was posted, so the reconciler and the expiry job can
show the outcome there too (before, only the requester's own card followed a slow approval or an expiry),
and the subject of a queued note, by which the poster finds the request its post belongs to.

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("number_requests") as table:
        table.add_column(sa.Column("channel_conversation", sa.JSON()))
        table.add_column(sa.Column("channel_activity_id", sa.String(256)))
    with op.batch_alter_table("notifications") as table:
        table.add_column(sa.Column("subject", sa.String(80)))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as table:
        table.drop_column("subject")
    with op.batch_alter_table("number_requests") as table:
        table.drop_column("channel_activity_id")
        table.drop_column("channel_conversation")
