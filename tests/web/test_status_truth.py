"""Status that tells the truth, as the web shows it on the demo: the task page names the figure
that set the light, units of reported values are checked, and a cooperating unit's report is
shown in the timeline but never sets the task's light."""

from __future__ import annotations

import pytest
from web_helpers import ADMIN, PID, UNIT_USERS, Web, api_csrf, cooperating_task, led_task, timeline

from bihuan.ledger import queries
from bihuan.ledger.models import IndicatorRow

COOP_USER = "发改局"


def test_task_page_says_which_figure_set_the_light(ro_web: Web) -> None:
    # demo task 1 reports its figures and a 形象进度 as well
    page = ro_web.as_(ADMIN).get(f"/plans/{PID}/tasks/1").text
    reasons = page[
        page.index('<ul class="reasons">') : page.index("</ul>", page.index('<ul class="reasons">'))
    ]
    assert "以指标数值判断（形象进度 " in reasons and "% 仅供参考）" in reasons, reasons
    assert "累计量（如完成投资、新增）填年初至今的累计完成值" in page


def _unit_of(web: Web, number: int, name: str) -> str:
    with web.db() as s:
        rev = queries.latest_revision(s, PID)
        assert rev is not None
        task = queries.task_by_number(s, rev.id, number)
        assert task is not None
        i = next(i for i in queries.indicators_by_iid(s, rev.id, task.indicator_iids) if i.name == name)
        assert isinstance(i, IndicatorRow) and i.unit
        return i.unit


@pytest.mark.parametrize(
    ("written", "status", "saved"),
    [
        ("{n}", 201, True),  # a bare number is in the target's unit
        ("{n}{unit}", 201, True),
        (" {n} {unit} ", 201, True),
        ("{n}万吨", 400, False),
        ("{n}个百分点", 400, False),
    ],
    ids=["bare", "same-unit", "spaced", "other-unit", "points"],
)
def test_api_checks_the_unit_of_a_value(web: Web, written: str, status: int, saved: bool) -> None:
    unit_name = "农业农村局"
    user = next(u for u, unit in UNIT_USERS.items() if unit == unit_name)
    with web.db() as s:
        task = led_task(s, unit_name, quantity=True)
    name = task.quantities[0]
    unit = _unit_of(web, task.number, name)
    client = web.as_(user)
    body = {
        "period": "2023-07",
        "values": {name: written.format(n=1.5, unit=unit)},
        "submission": f"u-{written}",
    }
    r = client.post(
        f"/api/v1/plans/{PID}/tasks/{task.number}/progress",
        json=body,
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert r.status_code == status, r.text
    if not saved:
        (row,) = r.json()["rows"]
        assert f"单位应与目标一致，为“{unit}”" in row["error"], row
    with web.db() as s:
        got = [r for r in queries.report_versions(s, PID, task.key, "2023-07")]
        assert len(got) == (1 if saved else 0)
        if saved:
            assert list(got[0].values.values()) == [1.5]


def test_a_cooperating_units_report_never_sets_the_light(web: Web) -> None:
    unit = UNIT_USERS[COOP_USER]
    with web.db() as s:
        task = cooperating_task(s, unit)
    api = web.as_(ADMIN)
    before = api.get(f"/api/v1/plans/{PID}/tasks/{task.number}").json()["status"]
    client = web.as_(COOP_USER)
    form_page = client.get(f"/plans/{PID}/tasks/{task.number}").text
    csrf = form_page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    r = client.post(
        f"/plans/{PID}/tasks/{task.number}/progress",
        data={"csrf_token": csrf, "period": "2023-06", "percent": "100", "narrative": "配合部分已完成"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    after = api.get(f"/api/v1/plans/{PID}/tasks/{task.number}").json()["status"]
    assert after == before  # 100% from a cooperating unit: not the task's figure
    page = api.get(f"/plans/{PID}/tasks/{task.number}").text
    assert any(
        kind == "进度" and f"【配合单位报送：{unit}，不计入任务进度】2023-06：形象进度 100%" in text
        for kind, text in timeline(page)
    ), timeline(page)[:3]


def test_api_status_says_what_set_the_light_and_when_duty_began(ro_web: Web) -> None:
    status = ro_web.as_(ADMIN).get(f"/api/v1/plans/{PID}/tasks/1").json()["status"]
    assert (status["judged_by"], status["handed_over"]) == ("指标数值", "2023-01-16")
    assert any(r.startswith("以指标数值判断（形象进度 ") for r in status["reasons"])


def test_the_inbox_marks_each_units_own_report(web: Web) -> None:
    """A cooperating unit's report is its own part: its inbox says 本期已报送; the lead unit's
    inbox does not, until the lead reports."""
    from bihuan.track import assign

    lead_user, coop_user = "农业农村局", COOP_USER
    with web.db() as s:
        task = led_task(s, UNIT_USERS[lead_user])
        assign.set_assignment(s, PID, str(task.number), lead=UNIT_USERS[lead_user],
                              cooperating=[UNIT_USERS[coop_user]], leader=None, deadline=None,
                              milestones=None, user=ADMIN)  # fmt: skip

    def reported(user: str) -> bool:
        page = web.as_(user).get("/inbox").text
        start = page.index(f'id="task-{task.number}"')
        return "本期已报送" in page[start : page.index("</section>", start)]

    assert not reported(coop_user) and not reported(lead_user)
    client = web.as_(coop_user)
    page = client.get(f"/plans/{PID}/tasks/{task.number}").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    month = "2023-07"  # the demo's today is 2023-07-10
    r = client.post(f"/plans/{PID}/tasks/{task.number}/progress",
                    data={"csrf_token": csrf, "period": month, "percent": "40", "narrative": "配合部分"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text[:300]
    assert reported(coop_user) and not reported(lead_user)
