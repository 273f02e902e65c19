"""Number requests made in chat: who asked, for whom, the held number, the decision and the posted card.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
# The brief said 0010; 0017 (the stuck-state watch) already follows 0010 on main, and two heads would stop
# `upgrade head`. The lead re-chains migrations when merging.
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("requester_id", sa.String(128), nullable=False),
        sa.Column("requester_name", sa.String(320), nullable=False),
        sa.Column("requester_mri", sa.String(256), nullable=False),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("person_name", sa.String(320), nullable=False),
        sa.Column("person_upn", sa.String(320), nullable=False),
        sa.Column("pool", sa.String(128)),
        sa.Column("location", sa.String(128)),
        sa.Column("note", sa.String(512), nullable=False),
        sa.Column("number", sa.String(32)),
        sa.Column("extension", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(320)),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("reason", sa.String(1024)),
        sa.Column("conversation", sa.JSON()),
        sa.Column("activity_id", sa.String(256)),
        sa.Column("approver_mris", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_number_requests"),
    )
    op.create_index("ix_number_requests_status_expires_at", "number_requests", ["status", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_number_requests_status_expires_at", "number_requests")
    op.drop_table("number_requests")
