"""Inventory: phone numbers and the append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NumberText = sa.String(20).with_variant(sa.String(20, collation="C"), "postgresql")
ExtensionText = sa.String(16).with_variant(sa.String(16, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "phone_numbers",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("number", NumberText, nullable=False),
        sa.Column("extension", ExtensionText, nullable=False, server_default=""),
        sa.Column("number_type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee_id", sa.String(64)),
        sa.Column("assignee_upn", sa.String(320)),
        sa.Column("assignee_name", sa.String(256)),
        sa.Column("assignee_type", sa.String(20)),
        sa.Column("voice_routing_policy", sa.String(128)),
        sa.Column("emergency_location_id", sa.String(64)),
        sa.Column("location", sa.String(128)),
        sa.Column("range_label", sa.String(64)),
        sa.Column("carrier", sa.String(128)),
        sa.Column("pool", sa.String(128)),
        sa.Column("tags", sa.String(512), nullable=False, server_default=""),
        sa.Column("notes", sa.Text()),
        sa.Column("search_text", sa.String(1200), nullable=False, server_default=""),
        sa.Column("hold_owner", sa.String(128)),
        sa.Column("hold_note", sa.String(512)),
        sa.Column("hold_expires_at", sa.DateTime()),
        sa.Column("quarantined_until", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(320)),
        sa.Column("last_modified_by", sa.String(320)),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name="pk_phone_numbers"),
        sa.UniqueConstraint("tenant", "number", "extension", name="uq_phone_numbers_tenant_number_extension"),
    )
    number_indexes: tuple[tuple[str, ...], ...] = (
        ("tenant", "status", "number"),
        ("tenant", "pool", "status", "number"),
        ("tenant", "location", "number"),
        ("tenant", "range_label", "number"),
    )
    for columns in number_indexes:
        op.create_index("ix_phone_numbers_" + "_".join(columns), "phone_numbers", list(columns))
    # Partial: only held, reserved or quarantined rows pay for these, so bulk imports stay fast.
    for columns, where in (
        (("tenant", "assignee_id"), "assignee_id IS NOT NULL"),
        (("hold_expires_at",), "status = 'reserved'"),
        (("quarantined_until",), "status = 'quarantined'"),
    ):
        condition = sa.text(where)
        op.create_index(
            "ix_phone_numbers_" + "_".join(columns),
            "phone_numbers",
            list(columns),
            sqlite_where=condition,
            postgresql_where=condition,
        )

    op.create_table(
        "audit_events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.String(128), nullable=False),
        sa.Column("operator_name", sa.String(320), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("number", sa.String(20)),
        sa.Column("extension", sa.String(16)),
        sa.Column("holder_id", sa.String(64)),
        sa.Column("holder_upn", sa.String(320)),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
        sa.Column("correlation_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    audit_indexes: tuple[tuple[str, ...], ...] = (
        ("tenant", "number", "id"),
        ("tenant", "holder_id", "id"),
        ("tenant", "holder_upn", "id"),
        ("correlation_id",),
    )
    for columns in audit_indexes:
        op.create_index("ix_audit_events_" + "_".join(columns), "audit_events", list(columns))
    _make_audit_append_only()


def _make_audit_append_only() -> None:
    """The audit trail is evidence: the database itself refuses to change or delete it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_table("audit_events")
    op.drop_table("phone_numbers")
