"""Capacity thresholds per pool, operators' saved searches, and assignment rules.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pool_thresholds",
        sa.Column("tenant", sa.String(64), primary_key=True),
        sa.Column("pool", sa.String(128), primary_key=True),
        sa.Column("min_free", sa.Integer()),
        sa.Column("min_share_pct", sa.Integer()),
        sa.Column("low", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "saved_searches",
        sa.Column("operator_id", sa.String(128), primary_key=True),
        sa.Column("tenant", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("search", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )

    op.create_table(
        "assignment_rules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("pool", sa.String(128), nullable=False),
        sa.Column("policy", sa.String(256)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_assignment_rules_tenant_position", "assignment_rules", ["tenant", "position"])


def downgrade() -> None:
    op.drop_index("ix_assignment_rules_tenant_position", "assignment_rules")
    op.drop_table("assignment_rules")
    op.drop_table("saved_searches")
    op.drop_table("pool_thresholds")
