"""supervision: handovers, signs, requests, graded notices, attachments, contacts, reminders, outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 00:42:12.060945
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_sha256", ["sha256"], unique=False)

    op.create_table(
        "current_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_current_plans_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_current_plans")),
    )
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("task_key", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=False),
        sa.Column("sign_by", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_handovers_document_id_documents")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_handovers_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.create_index("ix_handovers_task", ["document_id", "task_key"], unique=False)

    op.create_table(
        "unit_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("dingtalk_webhook", sa.String(length=500), nullable=True),
        sa.Column("dingtalk_secret", sa.String(length=200), nullable=True),
        sa.Column("wecom_webhook", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_contacts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_contacts")),
    )
    with op.batch_alter_table("unit_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_unit_contacts_unit", ["unit_id"], unique=False)

    op.create_table(
        "unit_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("task_key", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_unit_id", sa.Integer(), nullable=True),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("attachment_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_unit_requests_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_unit_id"], ["units.id"], name=op.f("fk_unit_requests_proposed_unit_id_units")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_requests_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_requests")),
    )
    with op.batch_alter_table("unit_requests", schema=None) as batch_op:
        batch_op.create_index("ix_unit_requests_task", ["document_id", "task_key"], unique=False)

    op.create_table(
        "handover_signs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"], ["handovers.id"], name=op.f("fk_handover_signs_handover_id_handovers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_signs")),
        sa.UniqueConstraint("handover_id", name=op.f("uq_handover_signs_handover_id")),
    )
    op.create_table(
        "notice_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_events_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_events")),
    )
    with op.batch_alter_table("notice_events", schema=None) as batch_op:
        batch_op.create_index("ix_notice_events_notice", ["notice_id"], unique=False)

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("task_key", sa.String(length=32), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("leader", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_reminders_document_id_documents")
        ),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_reminders_notice_id_notices")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_reminders_unit_id_units")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reminders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("dedupe", name=op.f("uq_reminders_dedupe")),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_unit", ["unit_id"], unique=False)

    op.create_table(
        "request_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("new_lead_unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["new_lead_unit_id"], ["units.id"], name=op.f("fk_request_decisions_new_lead_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["unit_requests.id"], name=op.f("fk_request_decisions_request_id_unit_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_decisions")),
        sa.UniqueConstraint("request_id", name=op.f("uq_request_decisions_request_id")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("gave_up_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminders.id"], name=op.f("fk_outbox_reminder_id_reminders")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_outbox_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("reminder_id", "channel", "recipient", name="uq_outbox_reminder_channel"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["sent_at", "next_attempt_at"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("sender", sa.String(length=100), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_deliveries_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_outbox", ["outbox_id"], unique=False)

    with op.batch_alter_table("notice_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notice_answers_attachment_id_attachments"),
            "attachments",
            ["attachment_id"],
            ["id"],
        )

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grade", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("answer_by", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("copy_unit_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("copy_leader", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("rule", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notices_attachment_id_attachments"), "attachments", ["attachment_id"], ["id"]
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notices_attachment_id_attachments"), type_="foreignkey")
        batch_op.drop_column("rule")
        batch_op.drop_column("draft")
        batch_op.drop_column("attachment_id")
        batch_op.drop_column("copy_leader")
        batch_op.drop_column("copy_unit_ids")
        batch_op.drop_column("answer_by")
        batch_op.drop_column("grade")

    with op.batch_alter_table("notice_answers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notice_answers_attachment_id_attachments"), type_="foreignkey"
        )
        batch_op.drop_column("attachment_id")

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_outbox")

    op.drop_table("deliveries")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    op.drop_table("request_decisions")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_unit")

    op.drop_table("reminders")
    with op.batch_alter_table("notice_events", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_events_notice")

    op.drop_table("notice_events")
    op.drop_table("handover_signs")
    with op.batch_alter_table("unit_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_unit_requests_task")

    op.drop_table("unit_requests")
    with op.batch_alter_table("unit_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_unit_contacts_unit")

    op.drop_table("unit_contacts")
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_index("ix_handovers_task")

    op.drop_table("handovers")
    op.drop_table("current_plans")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_sha256")

    op.drop_table("attachments")
