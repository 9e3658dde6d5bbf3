"""The keyed archive (issue 15): one chain across all cases, the case's resulting state in each
entry, signed checkpoints, and database triggers that refuse changing the archive.

- ``case_events.gseq``: the entry's place in the installation's one chain (NULL: written before
  this revision and not sealed yet — ``commandcenter audit seal``); ``prev_hash``/``entry_hash``
  then hold the previous entry's and this entry's HMAC-SHA256 (``commandcenter.workflow.audit``);
- ``case_events.case_after``: the case row as the step left it (the columns that matter);
- ``archive_head``: one row, the chain's newest place and MAC, locked by every writer;
- ``archive_checkpoints``: signed (Ed25519) statements "the chain had this MAC at this place";
- triggers on both engines: no UPDATE of a sealed entry, no DELETE of any entry, no UPDATE or
  DELETE of a checkpoint, no DELETE of the head (PostgreSQL: no TRUNCATE either).

A later migration that rebuilds ``case_events`` on SQLite (``batch_alter_table`` copies the
table) drops its triggers: create them again there (``create_triggers``); ``audit verify``
reports a missing trigger.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

MESSAGE = "the archive is append-only"

# (table, operation, condition) of every guard; the names are what verify looks for.
GUARDS = (
    ("case_events", "UPDATE", "OLD.gseq IS NOT NULL"),
    ("case_events", "DELETE", None),
    ("archive_checkpoints", "UPDATE", None),
    ("archive_checkpoints", "DELETE", None),
    ("archive_head", "DELETE", None),
)


def trigger_name(table: str, operation: str) -> str:
    return f"{table}_no_{operation.lower()}"


def create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION archive_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '% on %: {MESSAGE}', TG_OP, TG_TABLE_NAME "
            "USING ERRCODE = 'integrity_constraint_violation'; "
            "END $$"
        )
        for table, operation, condition in GUARDS:
            when = f" WHEN ({condition})" if condition else ""
            op.execute(
                f"CREATE TRIGGER {trigger_name(table, operation)} BEFORE {operation} ON {table} "
                f"FOR EACH ROW{when} EXECUTE PROCEDURE archive_append_only()"
            )
        for table in ("case_events", "archive_checkpoints", "archive_head"):
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE PROCEDURE archive_append_only()"
            )
        return
    for table, operation, condition in GUARDS:
        when = f" WHEN {condition}" if condition else ""
        op.execute(
            f"CREATE TRIGGER {trigger_name(table, operation)} BEFORE {operation} ON {table}"
            f"{when} BEGIN SELECT RAISE(ABORT, '{operation} on {table}: {MESSAGE}'); END"
        )


def drop_triggers(dialect: str) -> None:
    names = [trigger_name(t, o) for t, o, _ in GUARDS]
    if dialect == "postgresql":
        names += [
            f"{t}_no_truncate" for t in ("case_events", "archive_checkpoints", "archive_head")
        ]
    for name in names:
        table = name.rsplit("_no_", 1)[0]
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS archive_append_only()")


def upgrade() -> None:
    op.add_column("case_events", sa.Column("gseq", sa.BigInteger(), nullable=True))
    op.add_column("case_events", sa.Column("case_after", sa.Text(), nullable=True))
    op.create_index("ix_case_events_gseq", "case_events", ["gseq"], unique=True)
    op.create_table(
        "archive_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gseq", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_head")),
    )
    op.execute("INSERT INTO archive_head (id, gseq, entry_hash) VALUES (1, 0, NULL)")
    op.create_table(
        "archive_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gseq", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_checkpoints")),
    )
    create_triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    drop_triggers(op.get_bind().dialect.name)
    op.drop_table("archive_checkpoints")
    op.drop_table("archive_head")
    op.drop_index("ix_case_events_gseq", table_name="case_events")
    with op.batch_alter_table("case_events") as batch_op:
        batch_op.drop_column("case_after")
        batch_op.drop_column("gseq")
