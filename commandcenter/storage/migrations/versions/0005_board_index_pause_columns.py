"""The case board's partial covering index also carries ``resume_state`` and
``pending_extension_minutes``: the board puts a suspended case in the column of the state it
resumes to, and its "needs my action" queue shows extension requests waiting for a decision.
Without them in the index, every open case would be read from the table again.

The predicate stays word for word ``models.OPEN_CASE_PREDICATE`` (see 0003).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
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
NEW_COLUMNS = ["resume_state", "pending_extension_minutes"]


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
    op.drop_index("ix_cases_open_board", table_name="cases")
    _create(COLUMNS + NEW_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_cases_open_board", table_name="cases")
    _create(COLUMNS)
