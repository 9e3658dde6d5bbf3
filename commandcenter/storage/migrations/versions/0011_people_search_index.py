"""The residents' search: ``ix_people_grid_name_house`` (grid, name, house) instead of
``ix_people_grid_id``. A search by name or building (``LIKE '%…%'``, no index can seek it) reads
this index alone, grid by grid in name order, instead of each resident's row; the grid's own
index is its first column.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_people_grid_name_house", "people", ["grid_id", "name", "house_id"])
    op.drop_index("ix_people_grid_id", table_name="people")


def downgrade() -> None:
    op.create_index("ix_people_grid_id", "people", ["grid_id"])
    op.drop_index("ix_people_grid_name_house", table_name="people")
