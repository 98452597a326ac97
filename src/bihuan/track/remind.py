"""Reminders: the rules of data/reminders.toml evaluated on a day, and the rows they write.

`evaluate` reads and returns what the rules want to say that is not said yet (nothing is
written: `bihuan remind run --dry-run` prints it). `run` writes, in ONE transaction, a Reminder
row per message (the in-app 待办), the 催办 notices and 督办 drafts some rules make, and an
outbox row per channel of each reminder (email, 钉钉, 企业微信), for the senders of bihuan.notify.

Idempotent: each reminder has a `dedupe` key (rule | plan | task | notice | recipient | day or
period), unique in the ledger, so a second run on the same day (or in the same period, for the
once-per-period rules) adds nothing. Two runs at once: the one that loses the race on the
unique key rolls back and evaluates again, finding everything already queued.

Which plans: every plan that has been handed over (交办), plus the office's current plan.
Reporting duty starts at a task's 交办 date; tasks never handed over get no report reminders,
tasks closed (办结销号 accepted) get none at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import (
    Assignment,
    Handover,
    Notice,
    OutboxMessage,
    ProgressReport,
    Reminder,
    TaskRow,
    User,
)
from bihuan.track.errors import TrackError
from bihuan.track.lifecycle import ANSWERABLE, notice_state
from bihuan.track.reminder_rules import RULE_ZH, Rules
from bihuan.track.status import PlanStatuses, Settings, deadline_of, month_of, prev_month
from bihuan.track.tx import transaction
from bihuan.track.users import Person

OFFICE = "督查室"
RULE_USER = "提醒规则"  # Notice.created_by of what a rule writes
OVERDUE_WINDOW_DAYS = 30  # an overdue notice is escalated if its deadline passed within this many days
_SPLIT = re.compile(r"[;,，；\s]+")


@dataclass(frozen=True, slots=True)
class NoticeDraft:
    """A notice a rule writes along with its reminder."""

    kind: str  # 催办 | 督办
    grade: str
    text: str
    answer_by: dt.date
    draft: bool
    copy_unit_ids: tuple[int, ...] = ()
    copy_leader: str | None = None
    unit_id: int | None = None  # the addressed (lead) unit, when the rule knows it


@dataclass(frozen=True, slots=True)
class Planned:
    """One reminder a rule wants to give: to a unit, a leader (by name) or the office."""

    dedupe: str
    rule: str
    day: dt.date
    document_id: int | None
    task_key: str | None
    notice_id: int | None
    unit_id: int | None
    leader: str | None
    to: str  # who, in words
    subject: str
    body: str
    link: str
    why: str
    notice: NoticeDraft | None = None

    @property
    def rule_zh(self) -> str:
        return RULE_ZH.get(self.rule, self.rule)


@dataclass(frozen=True, slots=True)
class QueuedReminder:
    reminder_id: int
    planned: Planned
    channels: tuple[tuple[str, str], ...]  # (channel, recipient) of each outbox row
    notice_id: int | None


@dataclass(frozen=True, slots=True)
class Queued:
    reminders: list[QueuedReminder] = field(default_factory=list)

    @property
    def notices(self) -> int:
        return sum(1 for r in self.reminders if r.planned.notice is not None)

    @property
    def messages(self) -> int:
        return sum(len(r.channels) for r in self.reminders)


def dedupe_key(
    rule: str, doc: int | None, task: str | None, notice: int | None, recipient: str, when: str
) -> str:
    key = f"{rule}|{doc or ''}|{task or ''}|{notice or ''}|{recipient}|{when}"
    if len(key) > 200:  # a very long leader name: keep the key unique and within the column
        key = f"{rule}|#{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def month_ends_before(on: dt.date, k: int) -> list[dt.date]:
    """The last day of each of the `k` months before `on`'s month, newest first."""
    out = []
    d = on.replace(day=1)
    for _ in range(k):
        d = d - dt.timedelta(days=1)
        out.append(d)
        d = d.replace(day=1)
    return out


def _numbers(items: Sequence[TaskRow], most: int = 30) -> str:
    nums = sorted(t.number for t in items)
    return "、".join(map(str, nums[:most])) + ("等" if len(nums) > most else "")


def _short(text: str, n: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def plan_ids(session: Session) -> list[int]:
    """Every plan with a handover, and the current plan."""
    ids = set(session.scalars(select(Handover.document_id).distinct()))
    current = queries.current_plan_id(session)
    if current is not None:
        ids.add(current)
    return sorted(ids)


def evaluate(
    session: Session, on: dt.date, rules: Rules, status_settings: Settings | None = None
) -> list[Planned]:
    """What the rules want to say on `on` that has not been said yet (reads only)."""
    names = {u.id: u.name for u in queries.units(session)}
    planned: list[Planned] = []
    for doc in plan_ids(session):
        planned += _plan_rules(session, doc, on, rules, names, status_settings)
    planned += _notice_rules(session, on, rules, names)
    if not planned:
        return []
    said = _existing(session, [p.dedupe for p in planned])
    seen: set[str] = set()
    out = []
    for p in planned:
        if p.dedupe not in said and p.dedupe not in seen:
            seen.add(p.dedupe)
            out.append(p)
    return out


def _existing(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found.update(session.scalars(select(Reminder.dedupe).where(Reminder.dedupe.in_(keys[i : i + 500]))))
    return found


def _plan_rules(
    session: Session,
    doc: int,
    on: dt.date,
    rules: Rules,
    names: dict[int, str],
    status_settings: Settings | None,
) -> list[Planned]:
    document = queries.document(session, doc)
    rev = queries.latest_revision(session, doc)
    if document is None or rev is None:
        return []
    tasks = queries.tasks(session, rev.id)
    assigned = queries.current_assignments(session, doc)
    handed = queries.current_handovers(session, doc)
    started = queries.handover_dates(session, doc)
    closed = queries.closed_tasks(session, doc)
    extended = queries.approved_deadlines(session, doc)
    period = prev_month(month_of(on))  # the period whose report is due this month
    due_day = dt.date(on.year, on.month, rules.report_day)
    # who reported the period, per task: the lead unit's report counts, a cooperating unit's not
    reported: dict[str, set[int | None]] = defaultdict(set)
    for key, unit_id in session.execute(
        select(ProgressReport.task_key, ProgressReport.unit_id)
        .where(ProgressReport.document_id == doc, ProgressReport.period == period)
        .distinct()
    ):
        reported[key].add(unit_id)
    region = document.region
    out: list[Planned] = []

    owed: dict[int, list[TaskRow]] = defaultdict(list)  # unit → tasks owing the period's report
    live: list[tuple[TaskRow, int, dt.date]] = []  # handed over, not closed: (task, lead unit, deadline)
    for t in tasks:
        h = handed.get(t.key)
        if h is None or t.key in closed:
            continue
        a = assigned.get(t.key)
        lead = a.lead_unit_id if a is not None else h.unit_id
        deadline = deadline_of(document.plan_year, t, a, extended.get(t.key))
        live.append((t, lead, deadline))
        by = reported.get(t.key, set())
        if month_of(started[t.key]) <= period <= month_of(deadline) and not (None in by or lead in by):
            owed[lead].append(t)

    rhythm = f"每月 {rules.report_day} 日前报送上月进度；报送义务从交办之日起算"
    # 报送临期提醒: once per unit and period
    left = (due_day - on).days
    if rules.report_due_days and 0 <= left <= rules.report_due_days:
        for unit, items in sorted(owed.items()):
            numbers = _numbers(items)
            out.append(
                Planned(
                    dedupe_key("report_due", doc, None, None, f"u{unit}", period),
                    "report_due",
                    on,
                    doc,
                    None,
                    None,
                    unit,
                    None,
                    names.get(unit, "?"),
                    f"请于 {due_day.month}月{due_day.day}日前报送 {period} 进度",
                    f"{region}：你单位牵头的 {len(items)} 项任务尚未报送 {period} 进度（序号 {numbers}），"
                    f"截止 {due_day.isoformat()}。",
                    "/inbox",
                    f"{rhythm}；截止前 {rules.report_due_days} 天提醒尚未报送的单位（每期一次）。",
                )
            )
    # 逾期未报自动催办: a 催办 notice per task, once per period
    if rules.urge_answer_days and on > due_day:
        answer_by = on + dt.timedelta(days=rules.urge_answer_days)
        for unit, items in sorted(owed.items()):
            for t in items:
                a = assigned.get(t.key)
                text = (
                    f"任务“{_short(t.text, 40)}”的 {period} 进度应于 {due_day.isoformat()} 前报送，至今未报。"
                    f"请于 {answer_by.isoformat()} 前报送并答复。"
                )
                out.append(
                    Planned(
                        dedupe_key("report_missed", doc, t.key, None, f"u{unit}", period),
                        "report_missed",
                        on,
                        doc,
                        t.key,
                        None,
                        unit,
                        None,
                        names.get(unit, "?"),
                        f"催办：序号 {t.number} 的 {period} 进度逾期未报",
                        text,
                        f"/plans/{doc}/tasks/{t.number}",
                        f"{rhythm}；截止次日仍未报送的，自动向牵头单位发一般催办（{rules.urge_answer_days} 天内答复）。",
                        NoticeDraft(
                            "催办",
                            "一般",
                            text,
                            answer_by,
                            False,
                            tuple(a.cooperating_unit_ids) if a is not None else (),
                            a.leader if a is not None else None,
                        ),
                    )
                )
    # 完成时限临期提醒: each lead unit and leader once per deadline, listing the tasks
    if rules.task_deadline_days:
        near: dict[tuple[str, int | str, dt.date], list[TaskRow]] = defaultdict(list)
        for t, lead, deadline in live:
            if 0 <= (deadline - on).days <= rules.task_deadline_days:
                near[("u", lead, deadline)].append(t)
                a = assigned.get(t.key)
                if a is not None and a.leader:
                    near[("l", a.leader, deadline)].append(t)
        why = f"完成时限前 {rules.task_deadline_days} 天提醒牵头单位和责任领导（每个时限一次；批准延期后按新时限）。"
        for (_kind, who, deadline), items in sorted(
            near.items(), key=lambda x: (x[0][0], str(x[0][1]), x[0][2])
        ):
            days = (deadline - on).days
            one = items[0] if len(items) == 1 else None
            what = (
                f"任务“{_short(one.text, 40)}”" if one else f"{len(items)} 项任务（序号 {_numbers(items)}）"
            )
            to_unit = who if isinstance(who, int) else None
            leader = who if isinstance(who, str) else None
            out.append(
                Planned(
                    dedupe_key("task_deadline", doc, None, None,
                               f"u{to_unit}" if to_unit is not None else f"l{leader}", deadline.isoformat()),
                    "task_deadline", on, doc, one.key if one else None, None, to_unit, leader,
                    names.get(to_unit, "?") if to_unit is not None else str(leader),
                    f"{len(items)} 项任务的完成时限还剩 {days} 天" if not one else f"序号 {one.number} 的完成时限还剩 {days} 天",
                    f"{region}：{'你单位牵头的' if to_unit is not None else '你负责的'}{what}完成时限是 {deadline.isoformat()}，还剩 {days} 天。",
                    f"/plans/{doc}/tasks/{one.number}" if one else ("/inbox" if to_unit is not None else "/dashboard"),
                    why,
                )
            )  # fmt: skip
    if rules.handover_unsigned:
        out += _unsigned(session, doc, on, region, handed, closed, tasks, names)
    if rules.red_periods:
        out += _red_streaks(session, doc, on, rules, region, live, started, assigned, names, status_settings)
    return out


def _unsigned(
    session: Session,
    doc: int,
    on: dt.date,
    region: str,
    handed: dict[str, Handover],
    closed: Iterable[str],
    tasks: Sequence[TaskRow],
    names: dict[int, str],
) -> list[Planned]:
    """交办逾期未签收: each unit once per 签收 deadline, and the office's list."""
    shut = set(closed)
    late = [h for h in handed.values() if h.task_key not in shut and on > h.sign_by]
    signed = queries.signed_handovers(session, [h.id for h in late])
    late = [h for h in late if h.id not in signed]
    if not late:
        return []
    number = {t.key: t.number for t in tasks}
    groups: dict[tuple[int, dt.date], list[Handover]] = defaultdict(list)
    for h in late:
        groups[(h.unit_id, h.sign_by)].append(h)
    why = "交办后须在签收期限内签收；逾期未签收的，提醒该单位，并把名单报督查室（每个签收期限一次）。"
    out = []
    for (unit, sign_by), items in sorted(groups.items()):
        nums = sorted(number.get(h.task_key, 0) for h in items)
        out.append(
            Planned(
                dedupe_key("handover_unsigned", doc, None, None, f"u{unit}", sign_by.isoformat()),
                "handover_unsigned", on, doc, None, None, unit, None, names.get(unit, "?"),
                f"有 {len(items)} 项交办任务逾期未签收",
                f"{region}：交办给你单位的 {len(items)} 项任务（序号 {'、'.join(map(str, nums[:30]))}）"
                f"应于 {sign_by.isoformat()} 前签收，至今未签收。",
                "/inbox", why,
            )
        )  # fmt: skip
    by_deadline: dict[dt.date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (unit, sign_by), items in groups.items():
        by_deadline[sign_by][unit] += len(items)
    for sign_by, counts in sorted(by_deadline.items()):
        listed = "；".join(f"{names.get(u, '?')} {n} 项" for u, n in sorted(counts.items()))
        out.append(
            Planned(
                dedupe_key("handover_unsigned", doc, None, None, "office", sign_by.isoformat()),
                "handover_unsigned", on, doc, None, None, None, None, OFFICE,
                f"{len(counts)} 个单位有交办任务逾期未签收",
                f"{region}：签收期限 {sign_by.isoformat()} 已过，仍未签收的有：{listed}。",
                "/dashboard", why,
            )
        )  # fmt: skip
    return out


def _red_streaks(
    session: Session,
    doc: int,
    on: dt.date,
    rules: Rules,
    region: str,
    live: list[tuple[TaskRow, int, dt.date]],
    started: dict[str, dt.date],
    assigned: dict[str, Assignment],
    names: dict[int, str],
    status_settings: Settings | None,
) -> list[Planned]:
    """连续红灯拟督办: a 重点督办 draft for the office, for a task red at each of the last K
    month-ends, unless a 督办 on it is still open."""
    ends = month_ends_before(on, rules.red_periods)
    first = ends[-1]
    candidates = {t.key: (t, lead) for t, lead, _ in live if started[t.key] <= first}
    if not candidates or _streaks_checked(session, doc, month_of(ends[0])):
        return []
    settings = status_settings or Settings.load()
    red = set(candidates)
    plan = PlanStatuses(session, doc, settings)  # loaded once for the K month-ends
    for end in ends:  # newest first; only tasks red so far are judged again
        red &= {s.key for s in plan.at(end, keys=red) if s.status.light == "red"}
        if not red:
            return []
    open_notices = session.scalars(
        select(Notice).where(Notice.document_id == doc, Notice.kind == "督办", Notice.task_key.in_(red))
    ).all()
    histories = queries.notice_histories(session, [n.id for n in open_notices])
    busy = {n.task_key for n in open_notices if notice_state(n, *histories[n.id]) != "已办结"}
    answer_by = on + dt.timedelta(days=rules.supervise_answer_days)
    out = []
    for key in sorted(red - busy, key=lambda k: candidates[k][0].number):
        t, lead = candidates[key]
        a = assigned.get(key)
        coop = tuple(a.cooperating_unit_ids) if a is not None else ()
        leader = a.leader if a is not None else None
        text = (
            f"任务“{_short(t.text, 40)}”已连续 {rules.red_periods} 个月（截至 {ends[0].isoformat()}）亮红灯。"
            f"请牵头单位{names.get(lead, '')}说明原因和整改措施，于 {answer_by.isoformat()} 前答复。"
        )
        out.append(
            Planned(
                dedupe_key("red_streak", doc, key, None, "office", month_of(ends[0])),
                "red_streak", on, doc, key, None, None, None, OFFICE,
                f"拟督办：序号 {t.number} 连续 {rules.red_periods} 个月红灯，请审核发出",
                f"{region}：{text}（重点督办件草稿，待督查室审核后发出。）",
                f"/plans/{doc}/tasks/{t.number}",
                f"连续 {rules.red_periods} 个月末都是红灯的任务，自动起草重点督办件交督查室审核（每月检查一次）；"
                "该任务已有未办结的督办件时不再起草。",
                NoticeDraft("督办", "重点", text, answer_by, True, coop, leader, lead),
            )
        )  # fmt: skip
    return out


def _streaks_checked(session: Session, doc: int, period: str) -> bool:
    """The month's lights are checked once: a run that proposed drafts for this month already
    looked at every task (its drafts were written in one transaction)."""
    pattern = dedupe_key("red_streak", doc, "%", None, "office", period)
    return (
        session.scalar(
            select(Reminder.id).where(Reminder.rule == "red_streak", Reminder.dedupe.like(pattern)).limit(1)
        )
        is not None
    )


def _notice_rules(session: Session, on: dt.date, rules: Rules, names: dict[int, str]) -> list[Planned]:
    """督办件答复临期提醒 (the addressed unit, once per notice and answer deadline) and 逾期未答复
    (the unit and the office, once per notice and deadline, within a month of the deadline)."""
    ahead = on + dt.timedelta(days=rules.notice_answer_days)
    since = on - dt.timedelta(days=OVERDUE_WINDOW_DAYS) if rules.notice_overdue else on
    if since >= on and not rules.notice_answer_days:
        return []
    found = session.scalars(
        select(Notice).where(
            Notice.draft.is_(False),
            Notice.answer_by.is_not(None),
            Notice.answer_by >= since,
            Notice.answer_by <= ahead,
        )
    ).all()
    if not found:
        return []
    histories = queries.notice_histories(session, [n.id for n in found])
    numbers: dict[tuple[int, str], int] = {}
    out = []
    for n in found:
        state = notice_state(n, *histories[n.id])
        if state not in ANSWERABLE or n.answer_by is None:
            continue
        number = numbers.get((n.document_id, n.task_key))
        if number is None:
            number = _task_number(session, n.document_id, n.task_key)
            numbers[(n.document_id, n.task_key)] = number
        days = (n.answer_by - on).days
        link = f"/plans/{n.document_id}/tasks/{number}"
        what = f"关于序号 {number} 的{n.kind}件（{n.grade or '一般'}，{state}）"
        if days >= 0:
            if not rules.notice_answer_days:
                continue
            out.append(
                Planned(
                    dedupe_key("notice_answer", n.document_id, n.task_key, n.id, f"u{n.unit_id}", n.answer_by.isoformat()),
                    "notice_answer", on, n.document_id, n.task_key, n.id, n.unit_id, None,
                    names.get(n.unit_id, "?"),
                    f"{n.kind}件（{n.grade or '一般'}）还剩 {days} 天答复",
                    f"{what}应于 {n.answer_by.isoformat()} 前答复：{_short(n.text, 60)}",
                    link,
                    f"督办件答复期限前 {rules.notice_answer_days} 天，提醒尚未答复的单位（每个期限一次）。",
                )
            )  # fmt: skip
            continue
        why = "督办件过了答复期限仍未答复的，提醒该单位并报督查室（每个期限一次）。"
        body = f"{what}答复期限 {n.answer_by.isoformat()} 已过 {-days} 天，尚未答复：{_short(n.text, 60)}"
        for to_unit, to, key in (
            (n.unit_id, names.get(n.unit_id, "?"), f"u{n.unit_id}"),
            (None, OFFICE, "office"),
        ):
            out.append(
                Planned(
                    dedupe_key("notice_overdue", n.document_id, n.task_key, n.id, key, n.answer_by.isoformat()),
                    "notice_overdue", on, n.document_id, n.task_key, n.id, to_unit, None, to,
                    f"{n.kind}件逾期未答复（{names.get(n.unit_id, '?')}）" if to_unit is None else f"{n.kind}件已逾期 {-days} 天未答复",
                    body, link, why,
                )
            )  # fmt: skip
    return out


def _task_number(session: Session, doc: int, key: str) -> int:
    rev = queries.latest_revision(session, doc)
    if rev is None:
        return 0
    number = session.scalar(select(TaskRow.number).where(TaskRow.revision_id == rev.id, TaskRow.key == key))
    return number or 0


# --- writing ---------------------------------------------------------------------------------


def run(
    session: Session, on: dt.date, rules: Rules, status_settings: Settings | None = None, tries: int = 5
) -> Queued:
    """Evaluate and write, in one transaction, the new reminders, the notices they carry and
    their outbox rows. A run that collides with another on the unique key evaluates again."""
    for _ in range(tries):
        planned = evaluate(session, on, rules, status_settings)
        if not planned:
            return Queued()
        try:
            with transaction(session):
                return Queued(add_reminders(session, planned))
        except IntegrityError:
            continue  # another run queued some of these meanwhile: they are said now
    raise TrackError("提醒写入一再冲突，请稍后重试", "reminders kept colliding with another run; try again")


def add_reminders(session: Session, planned: Sequence[Planned]) -> list[QueuedReminder]:
    """Write these reminders (with their notices and outbox rows) inside the caller's
    transaction; those whose dedupe key is already in the ledger are left out. Other features
    (a notice the office sends, a returned answer) may queue their own reminders with it."""
    said = _existing(session, [p.dedupe for p in planned])
    todo = [p for p in planned if p.dedupe not in said]
    if not todo:
        return []
    notice_rows: list[tuple[int, dict[str, object]]] = []
    for i, p in enumerate(todo):
        if p.notice is not None and p.task_key is not None and p.document_id is not None:
            n = p.notice
            lead = n.unit_id or p.unit_id or _lead_of(session, p.document_id, p.task_key)
            notice_rows.append((i, dict(
                document_id=p.document_id, task_key=p.task_key, unit_id=lead, kind=n.kind, text=n.text,
                grade=n.grade, answer_by=n.answer_by, copy_unit_ids=list(n.copy_unit_ids),
                copy_leader=n.copy_leader, draft=n.draft, rule=p.rule, created_by=RULE_USER,
            )))  # fmt: skip
    notices: dict[int, int] = {}  # index in todo → the new notice's id
    if notice_rows:
        ids = session.scalars(
            insert(Notice).returning(Notice.id, sort_by_parameter_order=True), [r for _, r in notice_rows]
        ).all()
        notices = {i: nid for (i, _), nid in zip(notice_rows, ids, strict=True)}
    reminder_ids = session.scalars(
        insert(Reminder).returning(Reminder.id, sort_by_parameter_order=True),
        [
            dict(
                dedupe=p.dedupe, rule=p.rule, day=p.day, document_id=p.document_id, task_key=p.task_key,
                notice_id=notices.get(i, p.notice_id), unit_id=p.unit_id, leader=p.leader,
                subject=p.subject[:200], body=p.body, link=p.link, why=p.why,
            )
            for i, p in enumerate(todo)
        ],
    ).all()  # fmt: skip
    where = Recipients.load(session)
    out = []
    outbox: list[dict[str, object]] = []
    for i, (p, rid) in enumerate(zip(todo, reminder_ids, strict=True)):
        channels = where.channels(p)
        outbox += [dict(reminder_id=rid, channel=c, recipient=to, unit_id=p.unit_id) for c, to in channels]
        out.append(QueuedReminder(rid, p, channels, notices.get(i, p.notice_id)))
    if outbox:
        session.execute(insert(OutboxMessage), outbox)
    return out


def _lead_of(session: Session, doc: int, key: str) -> int:
    a = queries.current_assignments(session, doc, key).get(key)
    h = queries.current_handovers(session, doc, key).get(key)
    if a is not None:
        return a.lead_unit_id
    if h is not None:
        return h.unit_id
    raise TrackError("任务没有牵头单位，无法发出督办件", "the task has no lead unit")


def addresses(text: str | None) -> list[str]:
    """The email addresses of a contact field (several may be separated by ; , or spaces)."""
    return [a for a in _SPLIT.split(text or "") if "@" in a]


@dataclass(frozen=True, slots=True)
class Recipients:
    """Where each kind of addressee's messages go, read once per run."""

    unit_channels: dict[int, list[tuple[str, str]]]
    leader_emails: dict[str, list[str]]
    office_emails: list[str]

    @classmethod
    def load(cls, session: Session) -> Recipients:
        units: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for unit, c in queries.unit_contacts(session).items():
            units[unit] += [("email", a) for a in addresses(c.email)]
            if c.dingtalk_webhook:
                units[unit].append(("dingtalk", c.dingtalk_webhook.strip()))
            if c.wecom_webhook:
                units[unit].append(("wecom", c.wecom_webhook.strip()))
        leaders: dict[str, list[str]] = defaultdict(list)
        office: list[str] = []
        users = session.scalars(
            select(User).where(User.disabled.is_(False), User.email.is_not(None), User.email != "")
        )
        for u in users:
            found = addresses(u.email)
            if u.role == "unit" and u.unit_id is not None:
                units[u.unit_id] += [("email", a) for a in found]
            elif u.role == "leader":
                leaders[u.name] += found
            elif u.role == "admin":
                office += found
        return cls(dict(units), dict(leaders), office)

    def channels(self, p: Planned) -> tuple[tuple[str, str], ...]:
        if p.unit_id is not None:
            found = self.unit_channels.get(p.unit_id, [])
        elif p.leader is not None:
            found = [("email", a) for a in self.leader_emails.get(p.leader, [])]
        else:
            found = [("email", a) for a in self.office_emails]
        out: list[tuple[str, str]] = []
        for c, to in found:  # one message per address, whatever lists it twice
            if (c, to.lower()) not in {(x, y.lower()) for x, y in out}:
                out.append((c, to))
        return tuple(out)


def reminders_for(session: Session, person: Person, limit: int = 100) -> Sequence[Reminder]:
    """A person's reminders (their in-app 待办 messages), newest first: a unit user's unit's and
    their own; a leader's by name; the office's (admin) those addressed to the office."""
    q = select(Reminder)
    if person.role == "unit":
        q = q.where(or_(Reminder.unit_id == person.unit_id, Reminder.user_id == person.id))
    elif person.role == "leader":
        q = q.where(or_(Reminder.leader == person.name, Reminder.user_id == person.id))
    else:
        q = q.where(
            or_(
                Reminder.user_id == person.id,
                (Reminder.unit_id.is_(None) & Reminder.user_id.is_(None) & Reminder.leader.is_(None)),
            )
        )
    return session.scalars(q.order_by(Reminder.id.desc()).limit(limit)).all()
