"""Case codes from a counter, a change log for what is not a case, and the board's covering
index with the paused clock and the version.

- ``case_code_counters``: the next case number of a day comes from an upsert on one row per
  day, safe under concurrent reports and numeric past 9999 (before: MAX(code) + 1, compared as
  text, without a lock).
- ``change_log``: grids, cameras, tours and settings changed by an operation, for the consoles
  to follow (cases are followed through their archive).
- ``ix_cases_open_board`` also carries ``paused_since`` (a suspended case is judged as of the
  moment its clock stopped) and ``version`` (a step from the board names the version it saw).
  The predicate stays word for word ``models.OPEN_CASE_PREDICATE`` (see 0003).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN_CASE_PREDICATE = "state NOT IN ('closed', 'declined', 'voided', 'merged')"
COLUMNS = [
    "center_id",
    "deadline",
    "reported_at",
    "state",
    "filed_at",
    "code",
    "title",
    "category",
    "source",
    "urgency",
    "grid_id",
    "lon",
    "lat",
    "holder_center_id",
    "holder_department_id",
    "holder_user_id",
    "resume_state",
    "pending_extension_minutes",
]
NEW_COLUMNS = ["paused_since", "version"]


def _create(columns: list[str]) -> None:
    op.create_index(
        "ix_cases_open_board",
        "cases",
        columns,
        unique=False,
        sqlite_where=sa.text(OPEN_CASE_PREDICATE),
        postgresql_where=sa.text(OPEN_CASE_PREDICATE),
    )


def upgrade() -> None:
    op.create_table(
        "case_code_counters",
        sa.Column("day", sa.String(8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_case_code_counters")),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    op.drop_index("ix_cases_open_board", table_name="cases")
    _create(COLUMNS + NEW_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_cases_open_board", table_name="cases")
    _create(COLUMNS)
    op.drop_table("change_log")
    op.drop_table("case_code_counters")
