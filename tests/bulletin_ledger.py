"""A small ledger for the 督查通报 tests (track, ledger, export, cli, web), with the counts worked
out by hand. Plan: the conftest's `sample_plan` (某某县 2022, three tasks), handed over on
2022-01-16; the bulletin is on 2022-07-10, period 2022-06 (time gone: 190 of 364 days = 52%).

- task 1, 建设高标准农田3万亩 (农业农村局, deadline 2022-12-31): June report 3万亩 → 已完成, green,
  done before its deadline → praised (completed early).
- task 2, 新建5G基站200个 (工业和信息化局, deadline 2022-06-30): May report 形象进度 60%, no June
  report → 逾期 (10 days), red; owes the June report and did not send it → missing.
- task 3, 新增城镇就业3000人 (人力资源和社会保障局, deadline 2022-12-31): June report 形象进度
  38% → 14 points behind 52% → 滞后, yellow; sent on 2022-07-08, after the due day (5 July) → late.

Counts: 3 tasks, completed 1, on track 0, behind 1, overdue 1; red 1, yellow 1, green 1;
June reports due 3: on time 1 (task 1, sent 2022-07-03), missing 1 (工业和信息化局, task 2), late 1
(人力资源和社会保障局, task 3). Areas: （一）推动工业提质增效 with tasks 1
and 2 (1 completed, 1 overdue, red task 2), （二）增进民生福祉 with task 3 (1 behind).
Reports and notices have created_at set to the day they stand for:
- a 督办 (重点) on task 3 sent 2022-06-20, answered 2022-06-25 → 已答复 on 2022-07-10;
- a 催办 (一般) on task 2 sent 2022-07-01, answer by 2022-07-05, answered only on 2022-07-20
  (after the bulletin's date) → 待签收 and overdue on 2022-07-10, not answered;
- a 提醒 on task 1 sent 2022-05-10: before the period, left out.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from bihuan.extract.types import Plan
from bihuan.ledger.models import Notice, NoticeAnswer, ProgressReport
from bihuan.track import assign, directory, handover, notices, plans, progress
from bihuan.track.progress import ProgressInput
from bihuan.track.users import Person

ON = dt.date(2022, 7, 10)
PERIOD = "2022-06"
OFFICE = Person(0, "督查室", "admin", None, None)
LEADS = {"1": "农业农村局", "2": "工业和信息化局", "3": "人力资源和社会保障局"}
# task, kind, grade, sent, answer by, answered (the module's docstring tells their story)
NOTICES = (
    ("3", "督办", "重点", dt.date(2022, 6, 20), dt.date(2022, 6, 30), dt.date(2022, 6, 25)),
    ("2", "催办", "一般", dt.date(2022, 7, 1), dt.date(2022, 7, 5), dt.date(2022, 7, 20)),
    ("1", "提醒", "一般", dt.date(2022, 5, 10), dt.date(2022, 5, 20), None),
)


@cache
def sample_plan() -> Plan:
    """The conftest's `sample_plan`, for fixtures that live longer than one test (the conftest
    is loaded under its own name: several test folders have a module called conftest)."""
    spec = importlib.util.spec_from_file_location(
        "bulletin_conftest", Path(__file__).with_name("conftest.py")
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plan: Plan = module.sample_plan.__wrapped__()
    return plan


def build(session: Any, plan: Plan) -> int:
    doc = plans.import_plan(session, plan, text="x" * 400, source_name="样例.txt", user="督查室").document_id
    directory.ensure_directory(session, "督查室")
    for number, unit in LEADS.items():
        assign.set_assignment(session, doc, number, lead=unit, cooperating=[], leader=None, deadline=None,
                              milestones=None, user="督查室")  # fmt: skip
    handover.publish(session, doc, dt.date(2022, 1, 16), "督查室")
    rows = [
        ProgressInput(1, "1", "2022-06", {"高标准农田": 3}),
        ProgressInput(2, "2", "2022-05", {}, 60),
        ProgressInput(3, "3", "2022-06", {}, 38),
    ]
    progress.add_reports(session, doc, rows, author="督查室", today=ON)
    for number, day in (("1", dt.date(2022, 7, 3)), ("2", dt.date(2022, 6, 4)), ("3", dt.date(2022, 7, 8))):
        task = plans.find_task(session, doc, number)
        assert task is not None
        for r in session.query(ProgressReport).filter_by(document_id=doc, task_key=task.key):
            r.created_at = dt.datetime.combine(day, dt.time(9))
    session.commit()
    units = {u.name: u.id for u in directory.directory(session)}
    for task, kind, grade, sent, by, answered in NOTICES:
        _notice(session, doc, task, kind, grade, sent, by, answered, units)
    return doc


def _notice(
    session: Any, doc: int, task: str, kind: str, grade: str, sent: dt.date, by: dt.date,
    answered: dt.date | None, units: dict[str, int],
) -> None:  # fmt: skip
    n = notices.send(session, doc, task, kind, grade, f"{kind}：请说明进展", by, OFFICE, today=sent)
    if answered is not None:
        unit = Person(0, "联络员", "unit", units[LEADS[task]], LEADS[task])
        notices.answer(session, n.id, "已部署，正在落实", unit)
    # the rows stand for the days of the story (a person would have written them then)
    session.get(Notice, n.id).created_at = dt.datetime.combine(sent, dt.time(9))
    for a in session.query(NoticeAnswer).filter_by(notice_id=n.id):
        a.created_at = dt.datetime.combine(answered or sent, dt.time(10))
    session.commit()
