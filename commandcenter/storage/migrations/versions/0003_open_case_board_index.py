"""Indexes for a million cases. ``ix_cases_state_closed_at`` serves the dashboard's "closed today /
this month" counts. Partial covering index for the case board: only the open cases (state not terminal), with
every column the board shows, by center and deadline. With a million cases the board reads
this small index instead of looking up each open case in the whole table.

The predicate must stay word for word what ``queries.open_cases`` filters with
(``models.OPEN_CASE_PREDICATE``): a partial index is used only for a query that repeats it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
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
]


def upgrade() -> None:
    op.create_index("ix_cases_state_closed_at", "cases", ["state", "closed_at"], unique=False)
    op.create_index(
        "ix_cases_open_board",
        "cases",
        COLUMNS,
        unique=False,
        sqlite_where=sa.text(OPEN_CASE_PREDICATE),
        postgresql_where=sa.text(OPEN_CASE_PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_open_board", table_name="cases")
    op.drop_index("ix_cases_state_closed_at", table_name="cases")
