"""The task page's timeline entries for 交办, 签收, requests and decisions (board.task_page adds
them to the others). Rows only: (when, kind, who, text, detail)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Attachment, Handover

KIND_ZH = {"调整": "申请调整", "延期": "延期申请", "办结": "办结申请"}
Row = tuple[dt.datetime, str, str, str, dict[str, str]]


def timeline_rows(session: Session, document_id: int, key: str, names: dict[int, str]) -> list[Row]:
    out: list[Row] = []
    handovers = list(
        session.scalars(
            select(Handover)
            .where(Handover.document_id == document_id, Handover.task_key == key)
            .order_by(Handover.id)
        )
    )
    signs = queries.signed_handovers(session, [h.id for h in handovers])
    for h in handovers:
        unit = names.get(h.unit_id, "?")
        out.append((h.created_at, "交办", h.created_by,
                    f"交 {unit} 办理，{h.handed_on.isoformat()} 交办，{h.sign_by.isoformat()} 前签收", {}))  # fmt: skip
        s = signs.get(h.id)
        if s is not None:
            out.append((s.created_at, "签收", s.created_by, f"{unit} 已签收", {}))
    requests = queries.unit_requests(session, document_id, key)
    ids = [i for r, _ in requests for i in r.attachment_ids or []]
    files = (
        {a.id: a for a in session.scalars(select(Attachment).where(Attachment.id.in_(ids)))} if ids else {}
    )
    for r, d in requests:
        unit = names.get(r.unit_id, "?")
        detail = {"理由": r.reason}
        if r.kind == "调整":
            text = f"{unit} 申请调整牵头单位" + (
                f"，建议由 {names.get(r.proposed_unit_id, '?')} 牵头" if r.proposed_unit_id else ""
            )
        elif r.kind == "延期":
            text = f"{unit} 申请延期至 {r.new_deadline.isoformat() if r.new_deadline else '?'}"
        else:
            text = f"{unit} 申请办结销号"
            attached = [files[i].name for i in r.attachment_ids or [] if i in files]
            if attached:
                detail["佐证材料"] = "、".join(attached)
        out.append((r.created_at, KIND_ZH.get(r.kind, r.kind), r.created_by, text, detail))
        if d is not None:
            verdict = "同意" if d.accepted else ("退回" if r.kind == "办结" else "不同意")
            what = {"调整": "调整申请", "延期": "延期申请", "办结": "办结销号"}.get(r.kind, r.kind)
            text = f"{verdict}{unit}的{what}"
            if d.accepted and r.kind == "调整" and d.new_lead_unit_id:
                text += f"，改由 {names.get(d.new_lead_unit_id, '?')} 牵头"
            if d.accepted and r.kind == "延期" and r.new_deadline:
                text += f"，完成时限改为 {r.new_deadline.isoformat()}"
            if d.accepted and r.kind == "办结":
                text += "，任务已完成"
            out.append((d.created_at, "审核", d.created_by, text, {"意见": d.reason} if d.reason else {}))
    return out
