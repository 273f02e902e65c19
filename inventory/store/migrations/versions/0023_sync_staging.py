"""Staging tables for a sync: what Teams reported, page by page, so the diff reads it back in bounded chunks.

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0019"
branch_labels = None
depends_on = None

NumberText = sa.String(20).with_variant(sa.String(20, collation="C"), "postgresql")
ExtensionText = sa.String(16).with_variant(sa.String(16, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sync_stagings",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name="pk_sync_stagings"),
    )
    op.create_table(
        "sync_staged_numbers",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", NumberText, nullable=False),
        sa.Column("extension", ExtensionText, nullable=False, server_default=""),
        sa.Column("number_type", sa.String(60)),
        sa.Column("assignment_status", sa.String(32), nullable=False),
        sa.Column("holder_id", sa.String(64)),
        sa.Column("location_id", sa.String(64)),
        sa.Column("city", sa.String(128)),
        sa.Column("activation_state", sa.String(60)),
    )
    op.create_index(
        "ix_sync_staged_numbers_run_id_number_extension", "sync_staged_numbers", ["run_id", "number", "extension"]
    )
    op.create_table(
        "sync_staged_accounts",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("upn", sa.String(320)),
        sa.Column("display_name", sa.String(256)),
        sa.Column("account_type", sa.String(20)),
        sa.Column("enterprise_voice", sa.Integer(), nullable=False),
        sa.Column("voice_routing_policy", sa.String(128)),
        sa.PrimaryKeyConstraint("run_id", "id", name="pk_sync_staged_accounts"),
    )
    op.create_table(
        "sync_staged_names",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(256)),
        sa.Column("upn", sa.String(320)),
        sa.PrimaryKeyConstraint("run_id", "id", name="pk_sync_staged_names"),
    )
    op.create_table(
        "sync_staged_claims",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("number", NumberText, nullable=False),
        sa.Column("extension", ExtensionText, nullable=False, server_default=""),
        sa.Column("account_id", sa.String(64), nullable=False),
    )
    op.create_index(
        "ix_sync_staged_claims_run_id_number_extension", "sync_staged_claims", ["run_id", "number", "extension"]
    )


def downgrade() -> None:
    op.drop_index("ix_sync_staged_claims_run_id_number_extension", "sync_staged_claims")
    op.drop_table("sync_staged_claims")
    op.drop_table("sync_staged_names")
    op.drop_table("sync_staged_accounts")
    op.drop_index("ix_sync_staged_numbers_run_id_number_extension", "sync_staged_numbers")
    op.drop_table("sync_staged_numbers")
    op.drop_table("sync_stagings")
