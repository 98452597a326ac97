"""login audit log and draft confirmations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_events")),
    )
    with op.batch_alter_table("login_events", schema=None) as batch_op:
        batch_op.create_index("ix_login_events_name", ["name", "at"], unique=False)
        batch_op.create_index("ix_login_events_address", ["address", "at"], unique=False)
    op.create_table(
        "draft_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_draft_confirmations_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_draft_confirmations_draft_id_drafts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_confirmations")),
        sa.UniqueConstraint("draft_id", name=op.f("uq_draft_confirmations_draft_id")),
    )


def downgrade() -> None:
    op.drop_table("draft_confirmations")
    with op.batch_alter_table("login_events", schema=None) as batch_op:
        batch_op.drop_index("ix_login_events_address")
        batch_op.drop_index("ix_login_events_name")
    op.drop_table("login_events")
