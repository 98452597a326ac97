"""The ledger's tables. Rows are only ever added: corrections, reassignments and new reports are
new rows with who and when, and the current state is derived (the newest row wins).

A plan is a `Document` (one region's report for one plan year) with one `Revision` per distinct
text imported; sections, indicators and tasks belong to a revision. Assignments and progress
refer to a task by its document and `key` (a hash of its text), so they stay attached when a
corrected revision repeats the task word for word.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Document(Base):
    """One report: a region's plan for one year."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("region", "plan_year", name="uq_documents_region_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(100))
    plan_year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))

    revisions: Mapped[list[Revision]] = relationship(back_populates="document", order_by="Revision.number")


class Revision(Base):
    """One imported text of a document; a corrected text is a new revision, the old one stays."""

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_revisions_document_number"),
        UniqueConstraint("document_id", "text_sha256", name="uq_revisions_document_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    text_sha256: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(String(200))
    report_date: Mapped[dt.date | None] = mapped_column(Date)
    speaker: Mapped[str | None] = mapped_column(String(100))
    meeting: Mapped[str | None] = mapped_column(String(300))
    plan_json: Mapped[str] = mapped_column(Text)  # the extraction engine's output, as imported
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))

    document: Mapped[Document] = relationship(back_populates="revisions")


class SectionRow(Base):
    __tablename__ = "sections"
    __table_args__ = (Index("ix_sections_revision", "revision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    sid: Mapped[str] = mapped_column(String(40))
    heading: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)
    parent_sid: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str | None] = mapped_column(String(20))
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)


class IndicatorRow(Base):
    __tablename__ = "indicators"
    __table_args__ = (Index("ix_indicators_revision", "revision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    iid: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(32))  # stable across revisions: name, period, unit
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40))
    growth_pct: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[str | None] = mapped_column(String(20))
    qualifier: Mapped[str | None] = mapped_column(String(20))
    growth_qualifier: Mapped[str | None] = mapped_column(String(20))
    range_low: Mapped[float | None] = mapped_column(Float)
    range_high: Mapped[float | None] = mapped_column(Float)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    quote: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    section_sid: Mapped[str | None] = mapped_column(String(40))


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("revision_id", "key", name="uq_tasks_revision_key"),
        Index("ix_tasks_revision", "revision_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    tid: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)  # 序号 within the revision, from 1
    key: Mapped[str] = mapped_column(String(32))
    section_sid: Mapped[str | None] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(Text)  # the work area (L2 heading, else L1)
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    indicator_iids: Mapped[list[str]] = mapped_column(JSON, default=list)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)


class Unit(Base):
    """A unit of the directory (发展和改革局 …). Its names and keywords are in UnitProfile rows."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class UnitProfile(Base):
    """Short name, aliases and keywords of a unit; a changed directory adds a profile."""

    __tablename__ = "unit_profiles"
    __table_args__ = (Index("ix_unit_profiles_unit", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    short_name: Mapped[str | None] = mapped_column(String(50))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class Assignment(Base):
    """Who leads a task, who cooperates, the leader, deadline and milestones. Newest row wins."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_task", "document_id", "task_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    task_key: Mapped[str] = mapped_column(String(32))
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    cooperating_unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    leader: Mapped[str | None] = mapped_column(String(100))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    # [{"due": "2022-06-30", "label": "完成主体工程", "pct": 50}, …]
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(20))  # confirmed (a suggestion accepted) | set
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class ProgressReport(Base):
    """A unit's report on a task for a period (2022-06). A correction is a newer row for the same
    task and period; every version is kept."""

    __tablename__ = "progress_reports"
    __table_args__ = (Index("ix_progress_task", "document_id", "task_key", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    task_key: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    # cumulative values reached, by indicator key (see track.plans.indicator_key)
    values: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    percent: Mapped[float | None] = mapped_column(Float)  # 形象进度, 0-100, for tasks without a quantity
    narrative: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # a form's one-time token: the same form saved twice stores one report
    submission: Mapped[str | None] = mapped_column(String(64), unique=True)


class User(Base):
    """A person who logs in: admin (督查室), unit (one unit's liaison) or leader (reads all)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    email: Mapped[str | None] = mapped_column(String(300))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class WebSession(Base):
    """A server-side login session; the browser holds only the random token (hashed here)."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Notice(Base):
    """A 催办/督办 notice to a unit about a task."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_task", "document_id", "task_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    task_key: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(10))  # 提醒 | 催办 | 督办
    text: Mapped[str] = mapped_column(Text)
    grade: Mapped[str | None] = mapped_column(String(10))  # 一般 | 重点 | 挂牌
    answer_by: Mapped[dt.date | None] = mapped_column(Date)
    copy_unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    copy_leader: Mapped[str | None] = mapped_column(String(100))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    draft: Mapped[bool] = mapped_column(Boolean, default=False)  # a rule's proposal, sent once approved
    rule: Mapped[str | None] = mapped_column(String(40))  # the reminder rule that wrote it, if any
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class NoticeAnswer(Base):
    __tablename__ = "notice_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    text: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class Publication(Base):
    """Publishing (or withdrawing) a plan on the public page; the newest row holds."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    published: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class Draft(Base):
    """An uploaded report being reviewed before import; each correction is a new draft row
    pointing at the one it corrects."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    source_name: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    plan_json: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class DraftConfirmation(Base):
    """A draft confirmed into a plan; a draft is confirmed once."""

    __tablename__ = "draft_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class LoginEvent(Base):
    """One login attempt, as typed: ok, bad (wrong name or password), lockout (the failure that
    started a lock) or locked (refused unchecked while locked). Rows are only ever added."""

    __tablename__ = "login_events"
    __table_args__ = (
        Index("ix_login_events_name", "name", "at"),
        Index("ix_login_events_address", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))


# --- supervision (督导): 交办, 签收, requests, graded notices, attachments, contacts, reminders ---


class CurrentPlan(Base):
    """The office's choice of the plan everyone works on; the newest row holds. A newer import
    never becomes the current plan by itself."""

    __tablename__ = "current_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class Handover(Base):
    """交办: a task handed to its lead unit on a date, to be signed for by `sign_by`. Publishing
    the 任务分解表 writes one row per assigned task; a change of lead unit writes a new row."""

    __tablename__ = "handovers"
    __table_args__ = (Index("ix_handovers_task", "document_id", "task_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    task_key: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    handed_on: Mapped[dt.date] = mapped_column(Date)  # the 交办 date: reporting duty starts here
    sign_by: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class HandoverSign(Base):
    """签收: the unit signed for a handover (once)."""

    __tablename__ = "handover_signs"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class Attachment(Base):
    """A file a person attached (evidence, a notice's document). The bytes live content-addressed
    under the data directory (by `sha256`); `mime` is sniffed from the bytes, never taken from
    the browser."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_sha256", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class UnitRequest(Base):
    """A unit's request on a task: 调整 (change of lead unit, optionally naming one), 延期 (a new
    deadline) or 办结 (close the task, with evidence attachments)."""

    __tablename__ = "unit_requests"
    __table_args__ = (Index("ix_unit_requests_task", "document_id", "task_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    task_key: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(10))  # 调整 | 延期 | 办结
    reason: Mapped[str] = mapped_column(Text)
    proposed_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    new_deadline: Mapped[dt.date | None] = mapped_column(Date)
    attachment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class RequestDecision(Base):
    """The office's answer to a request (once): accepted or refused, with a reason; accepting a
    调整 names the new lead unit."""

    __tablename__ = "request_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("unit_requests.id"), unique=True)
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    new_lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class NoticeEvent(Base):
    """A step in a notice's life other than an answer (answers are NoticeAnswer rows):
    发出 (a rule's draft approved by the office), 签收, 退回 (with the reason), 办结."""

    __tablename__ = "notice_events"
    __table_args__ = (Index("ix_notice_events_notice", "notice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    action: Mapped[str] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class UnitContact(Base):
    """Where a unit's messages go; the newest row of a unit holds."""

    __tablename__ = "unit_contacts"
    __table_args__ = (Index("ix_unit_contacts_unit", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    email: Mapped[str | None] = mapped_column(String(300))
    dingtalk_webhook: Mapped[str | None] = mapped_column(String(500))
    dingtalk_secret: Mapped[str | None] = mapped_column(String(200))
    wecom_webhook: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class Reminder(Base):
    """One message a rule (or a person's action) produced for someone, in the in-app 待办.
    `dedupe` names the rule, the subject and the day, so a second run on the same day adds
    nothing. Addressed to a unit, a user, or a leader by name."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_unit", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(40))
    day: Mapped[dt.date] = mapped_column(Date)  # the day the rule fired for
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    task_key: Mapped[str | None] = mapped_column(String(32))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    leader: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    why: Mapped[str] = mapped_column(Text)  # the rule, in words
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OutboxMessage(Base):
    """A reminder to deliver over one channel (email, dingtalk, wecom), written in the same
    transaction as the reminder. Delivery state is the only thing updated in place; every
    attempt is also a Delivery row. A sender claims rows with a lease (`claimed_by`,
    `claimed_until`; FOR UPDATE SKIP LOCKED on PostgreSQL)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("reminder_id", "channel", "recipient", name="uq_outbox_reminder_channel"),
        Index("ix_outbox_due", "sent_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"))
    channel: Mapped[str] = mapped_column(String(10))  # email | dingtalk | wecom
    recipient: Mapped[str] = mapped_column(String(500))  # an address or a webhook URL
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # for the dingtalk secret
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    gave_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class Delivery(Base):
    """One attempt to deliver an outbox message, and how it went."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_outbox", "outbox_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sender: Mapped[str] = mapped_column(String(100))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)


class BulletinRecord(Base):
    """An issued 督查通报: its 文号 (the year's sequence), the plan, date and period it covers, the
    files exactly as issued with their SHA-256, who issued it and when. Never changed: the
    database refuses updates and deletes (migration 0005's triggers). A correction is a new
    bulletin whose `supersedes_id` names the one it replaces (each is superseded at most once)."""

    __tablename__ = "bulletins"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_bulletins_year_sequence"),
        UniqueConstraint("supersedes_id", name="uq_bulletins_supersedes_id"),
        Index("ix_bulletins_document", "document_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    day: Mapped[dt.date] = mapped_column(Date)  # the date the bulletin judges the tasks on
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    title: Mapped[str] = mapped_column(Text)
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("bulletins.id"))
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AssignEvidence(Base):
    """A task and the units an office gave it, loaded from a published 任务分解表 (bihuan assign
    learn): evidence for the next suggestions, beside the ledger's own confirmed assignments.
    Unit names are kept as the table wrote them; they are matched to the directory when used."""

    __tablename__ = "assign_evidence"
    __table_args__ = (Index("ix_assign_evidence_source", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(String(200))
    cooperating: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(300))  # the file it came from
    row: Mapped[int | None] = mapped_column(Integer)  # its row in that file
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
