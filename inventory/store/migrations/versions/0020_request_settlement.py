"""The journal's entries of one hold owner are found by index: the reconciler looks up a request's
approval (`request:<id>`) to move the request on once Teams has finished.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06
"""

from alembic import op

revision = "0020"
down_revision = "0018"  # the lead re-chains migrations when merging
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_teams_operations_hold_owner", "teams_operations", ["hold_owner"])


def downgrade() -> None:
    op.drop_index("ix_teams_operations_hold_owner", table_name="teams_operations")
