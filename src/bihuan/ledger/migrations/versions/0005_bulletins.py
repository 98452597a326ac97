"""bulletins: issued 督查通报, kept as they were issued (updates and deletes refused)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REFUSED = "issued bulletins cannot be changed, only superseded"


def upgrade() -> None:
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_bulletins_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["bulletins.id"], name=op.f("fk_bulletins_supersedes_id_bulletins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
        sa.UniqueConstraint("year", "sequence", name="uq_bulletins_year_sequence"),
        sa.UniqueConstraint("supersedes_id", name="uq_bulletins_supersedes_id"),
    )
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.create_index("ix_bulletins_document", ["document_id"], unique=False)
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bulletins_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{REFUSED}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER bulletins_immutable BEFORE UPDATE OR DELETE ON bulletins "
            "FOR EACH ROW EXECUTE FUNCTION bulletins_refuse()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER bulletins_no_{action.lower()} BEFORE {action} ON bulletins "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS bulletins_immutable ON bulletins")
        op.execute("DROP FUNCTION IF EXISTS bulletins_refuse()")
    else:
        op.execute("DROP TRIGGER IF EXISTS bulletins_no_update")
        op.execute("DROP TRIGGER IF EXISTS bulletins_no_delete")
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_index("ix_bulletins_document")
    op.drop_table("bulletins")
