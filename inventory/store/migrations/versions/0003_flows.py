"""Card flows, the Teams operation journal and operators' chosen tenants.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NumberText = sa.String(20).with_variant(sa.String(20, collation="C"), "postgresql")
ExtensionText = sa.String(16).with_variant(sa.String(16, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "flows",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("operator_id", sa.String(128), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_flows"),
    )
    op.create_index("ix_flows_operator_id_updated_at", "flows", ["operator_id", "updated_at"])
    op.create_index("ix_flows_expires_at", "flows", ["expires_at"])
    op.create_table(
        "teams_operations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("number", NumberText, nullable=False),
        sa.Column("extension", ExtensionText, nullable=False, server_default=""),
        sa.Column("number_type", sa.String(20), nullable=False),
        sa.Column("account_id", sa.String(64)),
        sa.Column("account_upn", sa.String(320)),
        sa.Column("account_name", sa.String(256)),
        sa.Column("account_type", sa.String(20)),
        sa.Column("policy", sa.String(128)),
        sa.Column("location_id", sa.String(64)),
        sa.Column("hold_owner", sa.String(128)),
        sa.Column("flow_id", sa.String(36)),
        sa.Column("operator_id", sa.String(128), nullable=False),
        sa.Column("operator_name", sa.String(320), nullable=False),
        sa.Column("correlation_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_teams_operations"),
    )
    op.create_index("ix_teams_operations_status_created_at", "teams_operations", ["status", "created_at"])
    op.create_index("ix_teams_operations_flow_id", "teams_operations", ["flow_id"])
    op.create_table(
        "operator_prefs",
        sa.Column("operator_id", sa.String(128), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("upn", sa.String(320)),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("operator_id", name="pk_operator_prefs"),
    )


def downgrade() -> None:
    op.drop_table("operator_prefs")
    op.drop_table("teams_operations")
    op.drop_table("flows")
