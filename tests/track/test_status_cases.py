"""Status that tells the truth: a parameter table of cases through the pure `judge` (交办 date,
未报送 vs 未启动, ceilings, levels, flows, figures against 形象进度, extensions, close-outs), then
the same rules through `statuses()` on a real ledger (SQLite and PostgreSQL): cooperating
units' reports ignored for the light, approved and rejected extensions, accepted and returned
close-outs, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from bihuan.extract.types import Plan
from bihuan.ledger import queries
from bihuan.ledger.models import RequestDecision, UnitRequest
from bihuan.track import assign, directory, handover, plans
from bihuan.track.board import task_page
from bihuan.track.errors import TrackError
from bihuan.track.measures import measure_of, parse_rules, shipped_rules
from bihuan.track.progress import ProgressInput, add_reports
from bihuan.track.status import NOT_HANDED_OVER, STATES, Settings, Target, TaskFacts, judge, statuses
from bihuan.track.tx import transaction
from bihuan.track.users import Person

D = dt.date
S = Settings()
JAN = D(2022, 1, 1)
INV = Target("inv", "完成投资", 60.0, "亿元", "flow")
PM = Target("pm", "PM2.5平均浓度", 32.0, "微克/立方米", "ceiling")
RATE = Target("rate", "信访积案化解率", 95.0, "%", "level")
FOREST = Target("forest", "森林覆盖率", 38.8, "%", "level")


def months(first: int, last: int) -> frozenset[str]:
    return frozenset(f"2022-{m:02d}" for m in range(first, last + 1))


def facts(**kw: Any) -> TaskFacts:
    base: dict[str, Any] = dict(start=JAN, end=D(2022, 12, 31), handed_over=D(2022, 1, 16))
    return TaskFacts(key="t", **{**base, **kw})


JUNE = D(2022, 6, 10)  # 44% of the year gone; reports up to 2022-05 due
CASES = [
    # (id, facts, on, state, light, words in the reasons)
    # -- 交办: reporting duty starts at the handover date
    ("no handover: no duty", facts(handed_over=None), JUNE, "未交办", "green", NOT_HANDED_OVER),
    ("before the handover date", facts(handed_over=D(2022, 7, 1)), JUNE, "未交办", "green", NOT_HANDED_OVER),
    ("no handover, deadline near", facts(handed_over=None, end=D(2022, 6, 15)), JUNE, "未交办", "yellow", "只剩 5 天"),
    ("no handover, past the deadline", facts(handed_over=None, end=D(2022, 5, 31)), JUNE, "逾期", "red", "逾期 10 天"),
    ("no handover but reported: no missed-report light", facts(handed_over=None, percent=50.0, periods=months(2, 3)), JUNE, "正常推进", "green", NOT_HANDED_OVER),
    ("handed over today: not red on day one", facts(handed_over=JUNE), JUNE, "待报送", "green", "2022-06 的进度应于 2022-07-05 前报送"),
    ("handed over in March, months before not due", facts(handed_over=D(2022, 3, 15), percent=50.0, periods=months(3, 5)), JUNE, "正常推进", "green", ""),
    ("handed over in April, one report missing", facts(handed_over=D(2022, 4, 20), periods=frozenset()), D(2022, 5, 10), "未报送", "yellow", "2022-04 的进度未按时报送"),
    # -- 未报送 (nothing came) vs 未启动 (came, nothing done)
    ("未报送: reports due, none came", facts(), JUNE, "未报送", "red", "未报送进度：2022-01、2022-02、2022-03、2022-04、2022-05"),
    ("未启动: 形象进度 0", facts(percent=0.0, periods=months(1, 5)), JUNE, "未启动", "red", "已报送，但尚无实际进展"),
    ("未启动: every figure 0", facts(targets=(INV,), values={"inv": 0.0}, periods=months(1, 5)), JUNE, "未启动", "red", "完成投资 0/60亿元"),
    ("未启动 early in the year: green", facts(targets=(INV,), values={"inv": 0.0}, periods=months(1, 1)), D(2022, 1, 25), "未启动", "green", "尚无实际进展"),
    ("text only report", facts(periods=months(1, 5)), JUNE, "正常推进", "green", "已报送文字进展"),
    # -- ceilings: met by staying at or under
    ("ceiling under", facts(targets=(PM,), values={"pm": 30.0}, periods=months(1, 5)), JUNE, "正常推进", "green", "已达标：PM2.5平均浓度 最新 30微克/立方米（上限 32微克/立方米）"),
    ("ceiling exactly at", facts(targets=(PM,), values={"pm": 32.0}, periods=months(1, 5)), JUNE, "正常推进", "green", "已达标"),
    ("ceiling over", facts(targets=(PM,), values={"pm": 35.0}, periods=months(1, 5)), JUNE, "滞后", "red", "超过上限 32微克/立方米"),
    ("ceiling held to the deadline: done", facts(targets=(PM,), values={"pm": 31.0}, periods=months(1, 12)), D(2023, 1, 10), "已完成", "green", "已完成"),
    ("ceiling over at the deadline: overdue", facts(targets=(PM,), values={"pm": 40.0}, periods=months(1, 12)), D(2023, 1, 10), "逾期", "red", "逾期 10 天"),
    # -- levels and rates: the latest value against the target, not summed, not scaled by time
    ("rate met mid-year: on track, not done", facts(targets=(RATE,), values={"rate": 96.0}, periods=months(1, 5)), JUNE, "正常推进", "green", "已达标：信访积案化解率 最新 96%"),
    ("rate a little short: green", facts(targets=(RATE,), values={"rate": 90.0}, periods=months(1, 5)), JUNE, "正常推进", "green", "接近目标"),
    ("rate far short: red though 63% > 44% of the year", facts(targets=(RATE,), values={"rate": 60.0}, periods=months(1, 5)), JUNE, "滞后", "red", "还差 37%（水平值看最新一期，不累加）"),
    ("level short by 15%: yellow", facts(targets=(FOREST,), values={"forest": 33.0}, periods=months(1, 5)), JUNE, "滞后", "yellow", "森林覆盖率 最新 33%"),
    ("level met at the deadline: done", facts(targets=(FOREST,), values={"forest": 38.9}, periods=months(1, 12)), D(2023, 1, 10), "已完成", "green", "已完成"),
    # -- flows accumulate
    ("flow on track", facts(targets=(INV,), values={"inv": 27.0}, periods=months(1, 5)), JUNE, "正常推进", "green", "应完成 44%，实际 45%"),
    ("flow behind", facts(targets=(INV,), values={"inv": 12.0}, periods=months(1, 5)), JUNE, "滞后", "yellow", "落后 24 个百分点"),
    ("flow done", facts(targets=(INV,), values={"inv": 61.0}, periods=months(1, 5)), JUNE, "已完成", "green", "完成投资 61/60亿元"),
    ("flow done, rate short: not done", facts(targets=(INV, RATE), values={"inv": 61.0, "rate": 60.0}, periods=months(1, 5)), JUNE, "滞后", "red", "信访积案化解率 最新 60%"),
    # -- figures set the light before 形象进度, and the reasons say so
    ("figures and percent: figures rule", facts(targets=(INV,), values={"inv": 6.0}, percent=80.0, periods=months(1, 5)), JUNE, "滞后", "red", "以指标数值判断（形象进度 80% 仅供参考）"),
    ("figures and percent, green: still said", facts(targets=(INV,), values={"inv": 30.0}, percent=10.0, periods=months(1, 5)), JUNE, "正常推进", "green", "以指标数值判断（形象进度 10% 仅供参考）"),
    ("percent only on a task with targets", facts(targets=(INV,), percent=50.0, periods=months(1, 5)), JUNE, "正常推进", "green", "以形象进度判断（本期未填指标完成值）"),
    # -- 延期 and 办结销号
    ("approved extension: not overdue", facts(end=D(2022, 5, 31), extension=D(2022, 9, 30), percent=60.0, periods=months(1, 5)), JUNE, "正常推进", "green", "已批准延期至 2022-09-30（原时限 2022-05-31）"),
    ("approved extension passed: overdue", facts(end=D(2022, 3, 31), extension=D(2022, 5, 31), percent=60.0, periods=months(1, 5)), JUNE, "逾期", "red", "已过完成时限 2022-05-31（逾期 10 天）"),
    ("no extension: overdue", facts(end=D(2022, 5, 31), percent=60.0, periods=months(1, 5)), JUNE, "逾期", "red", "已过完成时限 2022-05-31"),
    ("closed out, whatever the figures", facts(targets=(INV,), values={"inv": 3.0}, periods=months(1, 2), closed=D(2022, 5, 20)), JUNE, "已完成", "green", "已办结销号（2022-05-20）"),
    ("closed out after the deadline", facts(end=D(2022, 3, 31), closed=D(2022, 5, 20)), JUNE, "已完成", "green", "已办结销号"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts_", "on", "state", "light", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_judge_cases(facts_: TaskFacts, on: dt.date, state: str, light: str, words: str) -> None:
    status = judge(facts_, on, S)
    assert (status.state, status.light) == (state, light), status.reasons
    assert state in STATES
    assert words in "；".join(status.reasons), status.reasons
    assert status.reasons  # every state says why


def test_judged_by_and_deadline_are_reported() -> None:
    s = judge(facts(targets=(INV,), values={"inv": 6.0}, percent=80.0, periods=months(1, 5)), JUNE, S)
    assert s.judged_by == "指标数值" and s.progress == pytest.approx(0.1)
    s = judge(facts(percent=40.0, periods=months(1, 5), end=D(2022, 5, 31), extension=D(2022, 8, 1)), JUNE, S)
    assert (s.judged_by, s.deadline, s.handed_over) == ("形象进度", D(2022, 8, 1), D(2022, 1, 16))
    assert judge(facts(handed_over=D(2022, 7, 1)), JUNE, S).handed_over is None


# ---------------------------------------------------------------- measures
@pytest.mark.parametrize(
    ("name", "unit", "qualifier", "measure"),
    [
        ("PM2.5平均浓度", "微克/立方米", "at_most", "ceiling"),
        ("城镇调查失业率", "%", "at_most", "ceiling"),
        ("单位GDP能耗", "吨标准煤/万元", None, "ceiling"),
        ("居民消费价格涨幅", "%", "at_most", "ceiling"),
        ("森林覆盖率", "%", None, "level"),
        ("政务服务事项“一网通办”率", "%", "at_least", "level"),
        ("空气质量优良天数比例", "%", "at_least", "level"),
        ("县城投公司资产规模", "亿元", "at_least", "level"),
        ("研发经费投入强度", "个百分点", None, "flow"),
        ("完成投资", "亿元", None, "flow"),
        ("新增市场主体", "户", "at_least", "flow"),
        ("建设高标准农田", "万亩", None, "flow"),
    ],
)
def test_measure_of(name: str, unit: str, qualifier: str | None, measure: str) -> None:
    assert measure_of(name, unit, qualifier) == measure


@pytest.mark.parametrize(
    ("name", "unit", "qualifier", "measure"),
    [
        # the measure dictionary decides for the measures it knows
        ("居民消费价格", "%", "about", "ceiling"),  # a price rise is bounded, 左右 or not
        ("人口自然增长率", "‰", None, "ceiling"),
        ("贫困发生率", "%", None, "ceiling"),  # lower is better
        ("高速公路通车里程", "公里", "at_least", "level"),  # a stock, not built up in the year
        ("每万人口发明专利拥有量", "件", None, "level"),
        ("贷款余额", "万亿元", None, "level"),
        ("规模以上工业增加值", "亿元", None, "flow"),  # not a level for the 规模 inside it
        ("城镇新增就业", "万人", "at_least", "flow"),
        ("全省地区生产总值", "亿元", "about", "flow"),
        # its unit says the value is not the measure itself: the word rules decide
        ("地区生产总值", "%", "about", "level"),  # a growth rate
        ("森林覆盖率", "个百分点", None, "flow"),  # a change of a rate
        # a bound stated in the text wins over the dictionary
        ("粮食产量", "万吨", "at_most", "ceiling"),
        # names the dictionary does not know keep the word rules
        ("臭氧浓度", "微克/立方米", None, "ceiling"),
        ("办结率", "%", None, "level"),
    ],
)
def test_measure_of_uses_the_measure_dictionary(
    name: str, unit: str, qualifier: str | None, measure: str
) -> None:
    assert measure_of(name, unit, qualifier) == measure


def test_rules_passed_in_still_decide_alone() -> None:
    rules = parse_rules("[level]\nunits = ['%']\n")
    assert measure_of("居民消费价格", "%", "at_most", rules) == "level"  # the dictionary: ceiling
    assert measure_of("高速公路通车里程", "公里", None, rules) == "flow"  # the dictionary: level


def test_shipped_measure_rules_cover_every_type() -> None:
    assert {r.measure for r in shipped_rules()} == {"ceiling", "flow", "level"}


@pytest.mark.parametrize(
    "text", ["[cap]\nnames = ['x']\n", "[level]\nwords = ['x']\n", "[level]\nnames = [1]\n", "[level\n"]
)
def test_bad_measure_rules_are_refused(text: str) -> None:
    with pytest.raises(TrackError):
        parse_rules(text)


# ---------------------------------------------------------------- through statuses() on a ledger
OFFICE = "督查室"
LEAD, COOP = "农业农村局", "发展和改革局"


@pytest.fixture
def plan_ledger(ledger: Any, sample_plan: Plan) -> Iterator[tuple[Any, int]]:
    """The sample plan (2022): task 1 (高标准农田 3万亩) and task 2 (5G, due 2022-06-30) assigned
    to 农业农村局 with 发改局 cooperating and handed over on 2022-01-16; task 3 assigned later
    and not handed over."""
    with ledger.sessions() as s:
        doc = plans.import_plan(
            s, sample_plan, text="x" * 400, source_name="样例.txt", user=OFFICE
        ).document_id
        directory.ensure_directory(s, OFFICE)
        for ref in ("1", "2"):
            assign.set_assignment(s, doc, ref, lead=LEAD, cooperating=[COOP], leader=None, deadline=None,
                                  milestones=None, user=OFFICE)  # fmt: skip
        handover.publish(s, doc, D(2022, 1, 16), OFFICE)
        assign.set_assignment(s, doc, "3", lead=LEAD, cooperating=[], leader=None, deadline=D(2022, 12, 31),
                              milestones=None, user=OFFICE)  # fmt: skip
    yield ledger, doc


def _report(s: Any, doc: int, task: str, period: str, unit: str | None, **kw: Any) -> None:
    row = ProgressInput(1, task, period, kw.get("values", {}), kw.get("percent"))
    add_reports(s, doc, [row], author=unit or OFFICE, today=D(2022, 7, 10), unit_name=unit)


def _request(s: Any, doc: int, number: int, kind: str, accepted: bool | None, **kw: Any) -> None:
    rev = queries.latest_revision(s, doc)
    key = queries.task_by_number(s, rev.id, number).key  # type: ignore[union-attr]
    unit = next(u.id for u in queries.units(s) if u.name == LEAD)
    with transaction(s):
        r = UnitRequest(
            document_id=doc, task_key=key, unit_id=unit, kind=kind, reason="理由", created_by=LEAD, **kw
        )
        s.add(r)
        s.flush()
        if accepted is not None:
            s.add(RequestDecision(request_id=r.id, accepted=accepted, reason=None, created_by=OFFICE))


def _by_number(s: Any, doc: int, on: dt.date) -> dict[int, Any]:
    return {it.number: it for it in statuses(s, doc, on, S)}


def test_cooperating_reports_never_set_the_light(plan_ledger: tuple[Any, int]) -> None:
    ledger, doc = plan_ledger
    with ledger.sessions() as s:
        _report(s, doc, "1", "2022-05", LEAD, values={"高标准农田": "0.3万亩"})  # 10%: far behind
        _report(s, doc, "1", "2022-06", COOP, values={"高标准农田": 2.9})  # the cooperating unit's own part
        _report(s, doc, "2", "2022-06", COOP, percent=61)
        got = _by_number(s, doc, D(2022, 6, 10))
        one, two = got[1].status, got[2].status
        assert (one.state, one.light, one.progress) == ("滞后", "red", pytest.approx(0.1))
        assert "高标准农田 0.3/3万亩" in "；".join(one.reasons)
        # task 2: only a cooperating unit reported; for the light nothing came from the lead
        assert (two.state, two.light, two.progress) == ("未报送", "red", None)
        # the office's own report (no unit) counts as the lead's
        _report(s, doc, "2", "2022-06", None, percent=50)
        assert _by_number(s, doc, D(2022, 7, 3))[2].status.progress == pytest.approx(0.5)
        page = task_page(s, doc, "1", D(2022, 6, 10), Person(0, OFFICE, "admin", None, None), S)
        texts = [e.text for e in page.timeline if e.kind == "进度"]
        assert any(
            t.startswith(f"【配合单位报送：{COOP}，不计入任务进度】2022-06") and "2.9" in t for t in texts
        ), texts
        assert not any(t.startswith("【配合单位") and "0.3" in t for t in texts), texts


def test_handover_extension_and_close_out(plan_ledger: tuple[Any, int]) -> None:
    ledger, doc = plan_ledger
    on = D(2022, 7, 10)
    with ledger.sessions() as s:
        for p in ("2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06"):
            _report(s, doc, "2", p, LEAD, percent=60)
        got = _by_number(s, doc, on)
        assert (got[3].status.state, got[3].status.light) == ("未交办", "green")
        assert NOT_HANDED_OVER in got[3].status.reasons
        assert (got[2].status.state, got[2].deadline) == ("逾期", D(2022, 6, 30))
        assert (got[1].status.state, got[1].status.light) == ("未报送", "red")

        _request(s, doc, 2, "延期", False, new_deadline=D(2022, 12, 31))  # refused: nothing changes
        _request(s, doc, 2, "延期", None, new_deadline=D(2022, 11, 30))  # not decided yet
        assert _by_number(s, doc, on)[2].status.state == "逾期"
        _request(s, doc, 2, "延期", True, new_deadline=D(2022, 9, 30))
        two = _by_number(s, doc, on)[2]
        assert (two.status.state, two.deadline) == ("正常推进", D(2022, 9, 30))
        assert "已批准延期至 2022-09-30（原时限 2022-06-30）" in two.status.reasons

        _request(s, doc, 1, "办结", False)  # returned: still judged by its reports
        assert _by_number(s, doc, on)[1].status.state == "未报送"
        _request(s, doc, 1, "办结", True)
        one = _by_number(s, doc, on)[1].status
        assert (one.state, one.light) == ("已完成", "green")
        assert one.reasons[0].startswith("已办结销号（")


def test_statuses_take_a_fixed_number_of_queries(plan_ledger: tuple[Any, int]) -> None:
    ledger, doc = plan_ledger
    with ledger.sessions() as s:
        for task in ("1", "2", "3"):
            _report(s, doc, task, "2022-05", LEAD, percent=40)
        seen: list[str] = []

        def count(*args: Any) -> None:
            seen.append(str(args[2]))

        engine = s.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            items = statuses(s, doc, D(2022, 6, 10), S)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(items) == 3
        print(f"\nstatuses(): {len(seen)} queries for {len(items)} tasks")
        assert len(seen) <= 14, seen  # the same for 3 tasks or 2,000: nothing per task
