"""Storing an extracted plan, and finding plans and tasks again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.extract import Plan, Section
from bihuan.ledger import queries
from bihuan.ledger.models import Document, IndicatorRow, Revision, SectionRow, TaskRow
from bihuan.track.errors import TrackError
from bihuan.track.tx import transaction

ENGINE_NAME = "bihuan.plan/1"


@dataclass(frozen=True, slots=True)
class ImportResult:
    document_id: int
    revision: int
    region: str
    plan_year: int
    created: bool  # False: the same text was imported before, nothing changed
    tasks: int
    indicators: int


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_PUNCT = re.compile(r"[\s，,。；;：:、“”\"'（）()]+")


def _bare(text: str) -> str:
    """A task's words without spaces and punctuation."""
    return _PUNCT.sub("", text)


def task_key(text: str) -> str:
    """A task's identity across revisions: a hash of its bare words."""
    return hashlib.sha1(_bare(text).encode("utf-8")).hexdigest()[:16]


def indicator_key(name: str, period: str, unit: str | None) -> str:
    return hashlib.sha1(f"{name}|{period}|{unit or ''}".encode()).hexdigest()[:12]


def import_plan(
    session: Session,
    plan: Plan,
    *,
    text: str,
    source_name: str,
    user: str,
    region: str | None = None,
    year: int | None = None,
    then: Callable[[int], None] | None = None,
) -> ImportResult:
    """Store `plan` (extracted from `text`) in one transaction. The same text again changes
    nothing; another text for the same region and year becomes a new revision. `then(document
    id)` runs inside that transaction, so what it adds is stored with the plan or not at all."""
    doc = plan.document
    region = (region or doc.region or "").strip()
    plan_year = year or doc.plan_year
    if not region:
        raise TrackError(
            "报告中没有读出地区名称，请用 --region 指定",
            "no region found in the report; give one with --region",
        )
    if not plan_year:
        raise TrackError(
            "报告中没有读出计划年度，请用 --year 指定", "no plan year found; give one with --year"
        )
    if not plan.tasks and not plan.indicators:
        raise TrackError(
            "报告中没有读出任何指标或任务，未导入",
            "no indicators or tasks were found in the report; nothing imported",
        )
    # the text and what was read from it: a draft corrected by hand is a different revision
    digest = text_digest(text + "\0" + json.dumps(plan.to_dict(), ensure_ascii=False, sort_keys=True))
    with transaction(session):
        document = session.scalar(
            select(Document).where(Document.region == region, Document.plan_year == plan_year)
        )
        if document is None:
            document = Document(region=region, plan_year=plan_year, created_by=user)
            session.add(document)
            session.flush()
        else:
            same = session.scalar(
                select(Revision).where(Revision.document_id == document.id, Revision.text_sha256 == digest)
            )
            if same is not None:
                counts = queries.count_rows(session, same.id)
                if then is not None:
                    then(document.id)
                return ImportResult(document.id, same.number, region, plan_year, False, *counts)
        number = (
            session.scalar(select(func.max(Revision.number)).where(Revision.document_id == document.id)) or 0
        ) + 1
        previous = queries.latest_revision(session, document.id)
        earlier = list(queries.tasks(session, previous.id)) if previous is not None else []
        revision = Revision(
            document_id=document.id,
            number=number,
            text_sha256=digest,
            source_name=source_name[:500],
            source_format=doc.source_format,
            title=doc.title,
            report_date=_date(doc.report_date),
            speaker=doc.speaker,
            meeting=doc.meeting,
            plan_json=json.dumps(plan.to_dict(), ensure_ascii=False),
            created_by=user,
        )
        session.add(revision)
        session.flush()
        _add_rows(session, revision.id, plan, earlier)
        if then is not None:
            then(document.id)
    return ImportResult(document.id, number, region, plan_year, True, len(plan.tasks), len(plan.indicators))


def _add_rows(session: Session, revision_id: int, plan: Plan, earlier: list[TaskRow]) -> None:
    heads = {s.id: s for s in plan.sections}
    session.add_all(
        SectionRow(
            revision_id=revision_id,
            sid=s.id,
            heading=s.heading,
            level=s.level,
            parent_sid=s.parent,
            role=s.role,
            span_start=s.span[0],
            span_end=s.span[1],
        )
        for s in plan.sections
    )
    session.flush()
    session.add_all(
        IndicatorRow(
            revision_id=revision_id,
            iid=i.id,
            key=indicator_key(i.name, i.period, i.unit),
            name=i.name,
            kind=i.kind,
            period=i.period,
            value=i.value,
            unit=i.unit,
            growth_pct=i.growth_pct,
            basis=i.basis,
            qualifier=i.qualifier,
            growth_qualifier=i.growth_qualifier,
            range_low=i.range[0] if i.range else None,
            range_high=i.range[1] if i.range else None,
            estimated=i.estimated,
            quote=i.quote,
            span_start=i.span[0],
            span_end=i.span[1],
            section_sid=i.section,
        )
        for i in plan.indicators
    )
    session.flush()
    seen: dict[str, int] = {}
    rows = []
    carried = _carry_keys(earlier, [t.text for t in plan.tasks])
    for n, t in enumerate(plan.tasks, start=1):
        key = carried.get(n - 1) or task_key(t.text)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same words twice in one report: still two tasks
            key = f"{key[:13]}-{seen[key]}"
        rows.append(
            TaskRow(
                revision_id=revision_id,
                tid=t.id,
                number=n,
                key=key,
                section_sid=t.section,
                area=_area(heads, t.section),
                text=t.text,
                deadline=_date(t.deadline),
                indicator_iids=list(t.indicators),
                span_start=t.span[0],
                span_end=t.span[1],
            )
        )
    session.add_all(rows)
    session.flush()


SAME_TASK = 0.75  # share of shared character pairs above which a reworded task is the same task


def _pairs(text: str) -> set[str]:
    norm = _bare(text)
    return {norm[k : k + 2] for k in range(len(norm) - 1)}


def _carry_keys(earlier: list[TaskRow], texts: list[str]) -> dict[int, str]:
    """A corrected revision rewords or renumbers some tasks (160个 → 170个). Each new task whose
    text is not found word for word takes the key of the most similar earlier task not taken
    yet, if they share enough, so its assignment and progress stay attached."""
    if not earlier:
        return {}
    exact = {t.key for t in earlier}
    free = [t for t in earlier if t.key not in {task_key(x) for x in texts}]
    out: dict[int, str] = {}
    pairs = {t.key: _pairs(t.text) for t in free}
    for n, text in enumerate(texts):
        if task_key(text) in exact or not free:
            continue
        mine = _pairs(text)
        best, score = None, 0.0
        for t in free:
            theirs = pairs[t.key]
            dice = 2 * len(mine & theirs) / max(1, len(mine) + len(theirs))
            if dice > score:
                best, score = t, dice
        if best is not None and score >= SAME_TASK:
            out[n] = best.key
            free.remove(best)
    return out


def _area(heads: dict[str, Section], sid: str | None) -> str | None:
    """The work area a task is listed under: its level-2 heading, else level 1."""
    chain: list[Section] = []
    while sid and sid in heads and len(chain) < 10:
        chain.append(heads[sid])
        sid = heads[sid].parent
    for level in (2, 1):
        for s in chain:
            if s.level == level:
                return s.heading
    return None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def find_task(session: Session, document_id: int, ref: str) -> TaskRow | None:
    """A task of the plan's newest revision by 序号 (12, t12) or a key prefix of 6+ characters."""
    rev = queries.latest_revision(session, document_id)
    return None if rev is None else find_task_in(session, rev.id, ref)


def find_task_in(session: Session, revision_id: int, ref: str) -> TaskRow | None:
    text = ref.strip().lower().lstrip("t#")
    if text.isdigit():
        return queries.task_by_number(session, revision_id, int(text)) if len(text) < 10 else None
    hits = queries.tasks_by_key_prefix(session, revision_id, text) if len(text) >= 6 else []
    return hits[0] if len(hits) == 1 else None
