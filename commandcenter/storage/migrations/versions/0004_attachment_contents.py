"""Attachment contents in the database, once per SHA-256: every console of a center sees the
same photos and snapshots (a file in one machine's data folder would not travel), and a
backup of the database holds them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_contents",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attachment_contents")
