"""The dashboard and the public page show a plan's 兑现 once the ledger holds the same region's
report of the next year: each target, the actual the next report states and the status."""

from __future__ import annotations

from web_helpers import ADMIN, LEADER, PID, Web

from bihuan.extract import extract_text
from bihuan.track.attain_ledger import plan_attainment
from bihuan.track.plans import import_plan

# The example county's report of the next year, fictional like the example itself (written for
# this test): it reviews 2023 against the targets of examples/shixian-2022-report.txt.
NEXT_YEAR = """示例县政府工作报告
——2023年12月20日在示例县第十八届人民代表大会第三次会议上
一、2023年工作回顾
2023年，全县地区生产总值增长6.8%；一般公共预算收入完成10.1亿元，增长6.9%；社会消费品零售总额增长5.1%；城镇调查失业率5.2%。
二、2024年主要预期目标
地区生产总值增长6%左右。
三、2024年重点工作
（一）抓项目促投资。实施重点项目150个。
"""


def _import_next_year(web: Web) -> None:
    plan = extract_text(NEXT_YEAR, "txt")
    with web.db() as s:
        import_plan(
            s, plan, text=NEXT_YEAR, source_name="示例县2023.txt", user=ADMIN, region="示例县", year=2024
        )


def test_no_section_without_the_next_report(web: Web) -> None:
    with web.db() as s:
        assert plan_attainment(s, PID) is None
    page = web.as_(ADMIN).get(f"/dashboard?plan={PID}").text
    assert "目标兑现" not in page


def test_dashboard_and_public_page_show_attainment(web: Web) -> None:
    _import_next_year(web)
    with web.db() as s:
        found = plan_attainment(s, PID)
    assert found is not None and found.new.plan_year == 2024
    status = {r.name: r.status for r in found.rows}
    assert status["地区生产总值"] == "met"  # 6%-6.5%: 6.8 is above the low end
    assert status["一般公共预算收入"] == "met"  # 9.95亿元 and 6.3%: 10.1亿元 and 6.9%
    assert status["社会消费品零售总额"] == "not_met"  # 7%: 5.1%
    assert status["城镇调查失业率"] == "met"  # 5.5% at most: 5.2%
    assert status["粮食总产量"] == "not_stated"
    for who in (ADMIN, LEADER):
        page = web.as_(who).get(f"/dashboard?plan={PID}").text
        assert "2023 年目标兑现" in page and "据 2024 年政府工作报告" in page
        assert "增长实际6.8% ≥ 目标6%" in page and "未完成" in page and "未提及" in page
    public = web.anon().get(f"/public/{PID}")
    assert public.status_code == 200
    assert "2023 年目标兑现" in public.text and "完成" in public.text
