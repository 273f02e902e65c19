"""The stuck-state watch: what each tenant's channel was told, and an index over numbers Teams has not activated.

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0013"
branch_labels = None
depends_on = None

_NOT_ACTIVATED = sa.text("activation_state IS NOT NULL AND activation_state <> 'activated'")


def upgrade() -> None:
    op.create_table(
        "stuck_reports",
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(160), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "subject", name="pk_stuck_reports"),
    )
    op.create_index(
        "ix_phone_numbers_tenant_updated_at",
        "phone_numbers",
        ["tenant", "updated_at"],
        sqlite_where=_NOT_ACTIVATED,
        postgresql_where=_NOT_ACTIVATED,
    )


def downgrade() -> None:
    op.drop_index("ix_phone_numbers_tenant_updated_at", "phone_numbers")
    op.drop_table("stuck_reports")
