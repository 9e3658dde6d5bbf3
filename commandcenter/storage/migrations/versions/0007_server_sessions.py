"""The center's server: its log-in sessions (token hashes only), the record of every log-in,
failure and lock-out, the ids of write requests (a replay is refused), and a flag for
passwords an administrator gave (changed at next log-in).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (with its default): SQLite needs no table copy for it.
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "server_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_server_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_server_sessions")),
    )
    op.create_index(
        op.f("ix_server_sessions_user_id"), "server_sessions", ["user_id"], unique=False
    )
    op.create_table(
        "auth_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_events")),
    )
    op.create_index("ix_auth_events_username_at", "auth_events", ["username", "at"])
    op.create_index("ix_auth_events_address_at", "auth_events", ["address", "at"])
    op.create_table(
        "used_request_ids",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", "request_id", name=op.f("pk_used_request_ids")),
    )
    op.create_index(op.f("ix_used_request_ids_at"), "used_request_ids", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_used_request_ids_at"), table_name="used_request_ids")
    op.drop_table("used_request_ids")
    op.drop_index("ix_auth_events_address_at", table_name="auth_events")
    op.drop_index("ix_auth_events_username_at", table_name="auth_events")
    op.drop_table("auth_events")
    op.drop_index(op.f("ix_server_sessions_user_id"), table_name="server_sessions")
    op.drop_table("server_sessions")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("must_change_password")
