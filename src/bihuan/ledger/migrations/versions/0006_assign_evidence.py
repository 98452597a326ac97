"""assign_evidence: tasks and their units from published 任务分解表, evidence for suggestions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assign_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lead", sa.String(length=200), nullable=False),
        sa.Column("cooperating", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assign_evidence")),
    )
    with op.batch_alter_table("assign_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_assign_evidence_source", ["source"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assign_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_assign_evidence_source")
    op.drop_table("assign_evidence")
