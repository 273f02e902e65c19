"""Onboarding suggestions, four eyes and slow approvals: what the channel was last told of people who need
numbers; a tenant's switches set in chat (`four eyes on`), the policy and emergency
location an operator's assignment sent for approval carries, and the journal's entries of one hold owner
found by index (the reconciler looks up a request's approval, `request:<id>`, to move the request on).

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_teams_operations_hold_owner", "teams_operations", ["hold_owner"])
    op.create_table(
        "tenant_switches",
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("four_eyes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", name="pk_tenant_switches"),
    )
    op.create_table(
        "onboarding_posts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("people_key", sa.String(64), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_onboarding_posts"),
        sa.UniqueConstraint("tenant", name="uq_onboarding_posts_tenant"),
    )
    with op.batch_alter_table("number_requests") as table:
        table.add_column(sa.Column("policy", sa.String(128)))
        table.add_column(sa.Column("location_id", sa.String(64)))
        table.add_column(sa.Column("person_type", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("number_requests") as table:
        table.drop_column("person_type")
        table.drop_column("location_id")
        table.drop_column("policy")
    op.drop_table("tenant_switches")
    op.drop_table("onboarding_posts")
    op.drop_index("ix_teams_operations_hold_owner", table_name="teams_operations")
