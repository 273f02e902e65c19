"""Sync runs and their changes, stored so any replica can show or commit a reviewed diff.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NumberText = sa.String(20).with_variant(sa.String(20, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_by_id", sa.String(128), nullable=False),
        sa.Column("started_by_name", sa.String(320), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("fetch_stats", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime()),
        sa.Column("closed_by_name", sa.String(320)),
        sa.Column("result", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name="pk_sync_runs"),
    )
    op.create_index("ix_sync_runs_tenant_started_at", "sync_runs", ["tenant", "started_at"])
    op.create_table(
        "sync_changes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("number", NumberText, nullable=False),
        sa.Column("number_id", Id),
        sa.Column("base_version", sa.Integer()),
        sa.Column("status", sa.String(16)),
        sa.Column("number_type", sa.String(20)),
        sa.Column("assignee_id", sa.String(64)),
        sa.Column("assignee_upn", sa.String(320)),
        sa.Column("assignee_name", sa.String(256)),
        sa.Column("assignee_type", sa.String(20)),
        sa.Column("voice_routing_policy", sa.String(128)),
        sa.Column("emergency_location_id", sa.String(64)),
        sa.Column("location", sa.String(128)),
        sa.Column("search_text", sa.String(1200)),
        sa.Column("fields", sa.JSON()),
        sa.Column("note", sa.String(512)),
        sa.PrimaryKeyConstraint("id", name="pk_sync_changes"),
    )
    op.create_index("ix_sync_changes_run_id_category_id", "sync_changes", ["run_id", "category", "id"])


def downgrade() -> None:
    op.drop_table("sync_changes")
    op.drop_table("sync_runs")
