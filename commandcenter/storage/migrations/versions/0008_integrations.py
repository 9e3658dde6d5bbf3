"""Outside systems that report cases through the Open311 endpoint (the 12345 hotline, a public
website): their keys (SHA-256 only) and service accounts, and which case each one reported.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_integrations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
        sa.UniqueConstraint("name", name=op.f("uq_integrations_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_integrations_key_hash")),
    )
    op.create_table(
        "external_requests",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(40), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_external_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_external_requests_integration_id_integrations"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_external_requests")),
    )
    op.create_index(
        op.f("ix_external_requests_integration_id"),
        "external_requests",
        ["integration_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_external_requests_integration_id"), table_name="external_requests")
    op.drop_table("external_requests")
    op.drop_table("integrations")
