"""Administration of a real center: grid contacts (片警, 楼栋长), the list of matters (事项清单)
with a case's type, departments' parents and categories, visits to a person, the operation log.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grid_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("duty", sa.String(16), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grids.id"],
            name=op.f("fk_grid_contacts_grid_id_grids"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_grid_contacts_building_id_buildings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_contacts")),
    )
    op.create_index("ix_grid_contacts_grid_id", "grid_contacts", ["grid_id"])
    op.create_table(
        "case_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("urgency", sa.String(32), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("limit_hours", sa.Integer(), nullable=True),
        sa.Column("department_kind", sa.String(32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_types")),
        sa.UniqueConstraint("code", name=op.f("uq_case_types_code")),
    )
    op.create_table(
        "operation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_operation_log_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_operation_log_center_id_centers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operation_log")),
    )
    op.create_index("ix_operation_log_at", "operation_log", ["at"])
    op.create_index("ix_operation_log_user_id", "operation_log", ["user_id"])
    op.create_index("ix_operation_log_center_id", "operation_log", ["center_id"])
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("categories", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_departments_parent_id_departments"), "departments", ["parent_id"], ["id"]
        )
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("case_type_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_cases_case_type_id_case_types"), "case_types", ["case_type_id"], ["id"]
        )
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_visits_person_id_people"), "people", ["person_id"], ["id"]
        )
    op.create_index("ix_visits_person_id", "visits", ["person_id"])
    op.create_index("ix_people_name", "people", ["name"])


def downgrade() -> None:
    op.drop_index("ix_people_name", table_name="people")
    op.drop_index("ix_visits_person_id", table_name="visits")
    with op.batch_alter_table("visits") as batch:
        batch.drop_constraint(op.f("fk_visits_person_id_people"), type_="foreignkey")
        batch.drop_column("person_id")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("fk_cases_case_type_id_case_types"), type_="foreignkey")
        batch.drop_column("case_type_id")
    with op.batch_alter_table("departments") as batch:
        batch.drop_constraint(op.f("fk_departments_parent_id_departments"), type_="foreignkey")
        batch.drop_column("categories")
        batch.drop_column("parent_id")
    op.drop_table("operation_log")
    op.drop_table("case_types")
    op.drop_index("ix_grid_contacts_grid_id", table_name="grid_contacts")
    op.drop_table("grid_contacts")
