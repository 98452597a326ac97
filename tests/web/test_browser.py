"""The whole loop in a real browser: Playwright (sync API) drives Debian's Chromium against the
real app served by uvicorn on loopback, on a fresh SQLite ledger holding only two users.

督查室 logs in, uploads the example report, corrects a figure on the review page, confirms the
import, accepts the suggested assignments, moves one task to another lead unit and publishes the
plan. 发改局 then reports progress for one of its tasks, saving the same form twice (a double click,
then Back and save again): one report is stored. The dashboard shows the new value and counts
that agree with the API; the public page shows the plan and the task's progress on a phone-sized
screen. Each major step leaves a screenshot in tests/artifacts/browser/ (not committed).

Skipped when /usr/bin/chromium is missing, unless BIHUAN_REQUIRE_BROWSER=1 (set by .ci/run),
which turns the skip into a failure.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import REPO, Server, Watch, api, artifacts, login, logout, serve, shot, table

REPORT = REPO / "examples" / "shixian-2022-report.txt"
TODAY = dt.date(2023, 7, 10)
ADMIN, ADMIN_PW = "督查室", "admin-pass-2023"
UNIT, UNIT_PW, UNIT_NAME = "发改局", "unit-pass-2023", "发展和改革局"
PERIOD = "2023-07"
CURRENT = 5  # the 任务分解表 page's column of the current assignment (序号, 任务, 建议, 把握, 依据, 当前分工)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real app under uvicorn in a thread, on a new ledger with just an admin and a unit user."""
    from bihuan.ledger.db import open_ledger
    from bihuan.track import directory
    from bihuan.track.users import add_user

    db = tmp_path_factory.mktemp("browser") / "ledger.db"
    ledger = open_ledger(str(db))
    try:
        with ledger.sessions() as s:
            directory.ensure_directory(s, "test")
            add_user(s, ADMIN, ADMIN_PW, "admin", None, "test")
            add_user(s, UNIT, UNIT_PW, "unit", UNIT_NAME, "test")
    finally:
        ledger.close()
    with serve(db, TODAY) as srv:
        yield srv


@pytest.fixture(scope="module")
def shots() -> Path:
    return artifacts()


# ---------------------------------------------------------------- the loop
def test_whole_loop_in_the_browser(browser: Any, server: Server, shots: Path) -> None:
    started = time.monotonic()
    watch = Watch()

    # ------------------------------------------------ 督查室: import, correct, confirm
    admin_ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    admin_ctx.set_default_timeout(15_000)
    watch.attach(admin_ctx)
    page = admin_ctx.new_page()
    page.goto("/dashboard")  # not logged in: the login form, remembering where to go
    page.wait_for_url("**/login?next=/dashboard")
    shot(page, shots, "01-login")
    login(page, ADMIN, ADMIN_PW)
    assert "督查室（督查室）" in page.locator("header .who").inner_text()
    assert page.locator("h1").inner_text() == "还没有计划"
    shot(page, shots, "02-admin-empty-dashboard")

    page.click("header nav a:text-is('导入报告')")
    page.wait_for_url("**/import")
    assert page.locator("h1").inner_text() == "导入政府工作报告"
    page.set_input_files("input[type=file][name=file]", str(REPORT))
    page.click("form[action='/import'] button[type=submit]")
    page.wait_for_url("**/import/*")
    assert page.locator("h1").inner_text() == f"核对：{REPORT.name}"
    head = page.locator("section.head p").first.inner_text()
    assert "示例县" in head and "计划年度 2023" in head and "修改记录：上传" in head
    marks = page.locator("pre.text mark")
    assert marks.count() >= 100, "the figures read from the text should be highlighted"
    assert page.locator("pre.text mark#src-i125").inner_text() == "65亿元"
    assert marks.first.is_visible()
    row = page.locator("table.figures tr#i125")
    assert row.locator("input[name=name]").input_value() == "完成投资"
    assert row.locator("input[name=value]").input_value() == "65"
    assert row.locator("input[name=unit]").input_value() == "亿元"
    shot(page, shots, "03-review", at=page.locator("pre.text mark#src-i125"))

    first_draft = page.url
    row.locator("input[name=value]").fill("66")
    row.locator("button:text-is('更正')").click()
    page.wait_for_url(lambda u: u.split("#")[0] != first_draft and "/import/" in u)
    row = page.locator("table.figures tr#i125")
    assert row.locator("input[name=value]").input_value() == "66"
    assert "上传 → 更正指标 i125" in page.locator("section.head p").first.inner_text()
    assert page.locator("pre.text mark#src-i125").count() == 1  # the source text is not rewritten
    shot(page, shots, "04-review-corrected", at=row)

    assert page.locator("section.head input[name=region]").input_value() == "示例县"
    assert page.locator("section.head input[name=year]").input_value() == "2023"
    page.click("#confirm-import")
    page.wait_for_url("**/plans/1/assign?imported=1")
    assert page.locator("h1").inner_text() == "示例县 2023 年任务分解表"
    assert page.locator("p.ok").inner_text() == "已导入。"
    tasks = page.locator("table.assign tbody tr")
    n_tasks = tasks.count()
    assert n_tasks > 50
    assert all(c[CURRENT] == "未分配" for c in table(page, "table.assign"))
    assert all(c[3][:1] in {"高", "中", "低"} for c in table(page, "table.assign"))  # the confidence
    shot(page, shots, "05-assign-imported")

    # ------------------------------------------------ 督查室: assign and publish
    page.click("#confirm-all")
    page.wait_for_url("**/plans/1/assign")
    rows = table(page, "table.assign")
    assert len(rows) == n_tasks
    unassigned = [r[0] for r in rows if r[CURRENT] == "未分配"]
    suggested_none = [r[0] for r in rows if "无法判断" in r[2]]
    assert unassigned == suggested_none, "every task with a suggestion is now assigned"
    by_number = {r[0]: r for r in rows}
    assert by_number["1"][CURRENT].startswith(UNIT_NAME)
    assert by_number["5"][CURRENT].startswith("投资促进局")
    shot(page, shots, "06-assign-accepted")

    # task 5 goes from 投资促进局 to 发展和改革局: the unit must then see it in its inbox
    row5 = page.locator("tr#task-5")
    row5.locator("select[name=lead]").select_option(UNIT_NAME)
    row5.locator("input[name=leader]").fill("李副县长")
    row5.locator("button:text-is('保存')").click()
    page.wait_for_url("**/plans/1/tasks/5")
    assert page.locator("h1").inner_text().strip().startswith("任务 5")
    info = page.locator("section.card p.muted").first.inner_text()
    assert f"牵头 {UNIT_NAME}" in info and "责任领导 李副县长" in info
    timeline = page.locator("ol.timeline > li").all_inner_texts()
    assert sum("分工" in t for t in timeline) == 2
    assert f"牵头 {UNIT_NAME}" in timeline[0] and "牵头 投资促进局" in timeline[1]
    shot(page, shots, "07-task-5-reassigned", full=True)
    page.goto("/plans/1/assign")
    assert {r[0]: r for r in table(page, "table.assign")}["5"][CURRENT].startswith(UNIT_NAME)

    page.click("header nav a:text-is('总览')")
    page.wait_for_url("**/dashboard")
    assert page.locator("h1").inner_text() == "示例县 2023 年重点任务总览"
    publish = page.locator("form[action='/plans/1/publish'] button")
    assert publish.inner_text() == "公开发布"
    publish.click()
    page.wait_for_url("**/dashboard?plan=1")
    assert page.locator("form[action='/plans/1/publish'] button").inner_text() == "撤回公开"
    shot(page, shots, "08-dashboard-published")
    logout(page)

    # ------------------------------------------------ 发改局: report progress, twice the same form
    unit_ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    unit_ctx.set_default_timeout(15_000)
    watch.attach(unit_ctx)
    upage = unit_ctx.new_page()
    login(upage, UNIT, UNIT_PW)
    assert f"{UNIT}（责任单位 · {UNIT_NAME}）" in upage.locator("header .who").inner_text()
    assert upage.locator("header nav a:text-is('导入报告')").count() == 0
    upage.click("header nav a:text-is('报送进度')")
    upage.wait_for_url("**/inbox")
    assert upage.locator("h1").inner_text() == f"{PERIOD} 进度报送 · {UNIT_NAME}"
    inbox_numbers = {
        int(x.removeprefix("task-"))
        for x in upage.locator("section.inbox-task").evaluate_all("s => s.map(e => e.id)")
    }
    my_tasks = api(upage, "/api/v1/plans/1/tasks")
    mine = {t["number"] for t in my_tasks}
    led = sum(t["lead"] == UNIT_NAME for t in my_tasks)
    assert inbox_numbers == mine, "the inbox lists exactly the unit's tasks"
    assert {1, 5} <= inbox_numbers
    card = upage.locator("section#task-1")
    assert "本期已报送" not in card.locator("h2").inner_text()
    assert card.locator("label", has_text="完成投资（目标 66亿元，填累计完成值）").count() == 1
    shot(upage, shots, "09-unit-inbox")

    form = card.locator("form")
    token = form.locator("input[name=submission]").input_value()
    form.locator("input[name='v:完成投资']").fill("33")
    form.locator("input[name='v:实施重点项目']").fill("90")
    form.locator("textarea[name=narrative]").fill("上半年完成投资33亿元，重点项目按计划推进。")
    posts_before = len(watch.posts)
    form.locator("button[type=submit]").dblclick()  # an impatient double click
    upage.wait_for_url(f"**/inbox?plan=1&period={PERIOD}#saved")
    upage.wait_for_load_state()
    double_click_posts = len(watch.posts) - posts_before
    assert double_click_posts >= 1  # Chromium itself sends one: a pending submission absorbs the second click
    assert "本期已报送" in upage.locator("section#task-1 h2").inner_text()
    shot(upage, shots, "10-inbox-saved", at=upage.locator("section#task-1"))

    # Back: no logged-in page is kept by the browser (Cache-Control: no-store), so it asks for
    # the inbox again and shows it saved, with a new form (saving that is a new version). The
    # form as it was is posted once more, as a browser that kept the page would: still one report.
    upage.go_back()
    upage.wait_for_load_state()
    back_form = upage.locator("section#task-1 form")
    back_token = back_form.locator("input[name=submission]").input_value()
    assert back_token != token and "本期已报送" in upage.locator("section#task-1 h2").inner_text()
    again = upage.request.post(
        f"{server.url}/plans/1/tasks/1/progress",
        form={"csrf_token": back_form.locator("input[name=csrf_token]").input_value(), "submission": token,
              "period": PERIOD, "back": f"/inbox?period={PERIOD}", "v:完成投资": "33", "v:实施重点项目": "90",
              "narrative": "上半年完成投资33亿元，重点项目按计划推进。"},
        max_redirects=0,
    )  # fmt: skip
    assert again.status == 303, again.status

    upage.goto("/plans/1/tasks/1")
    assert upage.locator("h1").inner_text().strip().startswith("任务 1")
    entries = upage.locator("ol.timeline > li").all_inner_texts()
    reports = [e for e in entries if " 进度 " in f" {e} " and f"{PERIOD}：" in e]
    shot(upage, shots, "11-task-1-timeline", full=True)
    stored = [r for r in api(upage, "/api/v1/plans/1/tasks/1/progress") if r["period"] == PERIOD]
    assert len(stored) == 1, (
        f"one form saved twice (double click: {double_click_posts} POSTs; Back then save again, "
        f"form token {'unchanged' if back_token == token else 'renewed by the Back navigation'}) "
        f"stored {len(stored)} reports for {PERIOD}"
    )
    assert len(reports) == 1, entries
    assert "完成投资 33" in reports[0] and "实施重点项目 90" in reports[0]
    assert "上半年完成投资33亿元" in reports[0] and UNIT in reports[0]
    assert stored[0]["values"] and stored[0]["author"] == UNIT
    logout(upage)
    unit_ctx.close()

    # ------------------------------------------------ 督查室: the dashboard shows it
    login(page, ADMIN, ADMIN_PW)
    assert page.locator("h1").inner_text() == "示例县 2023 年重点任务总览"
    targets = table(page, "section.card:has(h2:text-is('2023 年目标完成情况')) table")
    line = next(r for r in targets if r[0] == "1" and r[1] == "完成投资")
    assert line[2:6] == ["66亿元", "33亿元", PERIOD, "50%"], line
    other = next(r for r in targets if r[0] == "1" and r[1] == "实施重点项目")
    assert other[2:6] == ["160个", "90个", PERIOD, "56%"], other
    assert all(r[3] == "—" for r in targets if r[0] != "1"), "no other task has reported"
    counts = {c: int(page.locator(f"#count-{c}").inner_text()) for c in ("red", "yellow", "green")}
    assert sum(counts.values()) == n_tasks
    status = api(page, "/api/v1/plans/1/status")
    assert status["lights"] == counts and status["on"] == TODAY.isoformat()
    units = table(page, "section.card:has(h2:text-is('单位排名')) table")
    fgw = next(r for r in units if r[0] == UNIT_NAME)
    ours = next(u for u in status["units"] if u["unit"] == UNIT_NAME)
    assert [int(x) for x in fgw[1:5]] == [led, ours["red"], ours["yellow"], ours["green"]]
    shot(page, shots, "12-admin-dashboard-counts")
    shot(page, shots, "13-admin-dashboard-targets", at=page.locator("a[href='/plans/1/tasks/1']").first)
    logout(page)
    admin_ctx.close()

    # ------------------------------------------------ the public, on a phone
    phone = browser.new_context(
        base_url=server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.set_default_timeout(15_000)
    watch.attach(phone)
    ppage = phone.new_page()
    ppage.goto("/")
    ppage.wait_for_url("**/public")
    ppage.click("a:text-is('示例县 2023 年政府工作报告重点任务')")
    ppage.wait_for_url("**/public/1")
    assert ppage.locator("h1").inner_text() == "示例县 2023 年政府工作报告重点任务进展"
    summary = ppage.locator("main section.card p.muted").first.inner_text()
    assert f"截至 {TODAY.isoformat()}：共 {n_tasks} 项任务" in summary
    assert f"红灯 {counts['red']}，黄灯 {counts['yellow']}，绿灯 {counts['green']}" in summary
    public_targets = table(ppage, "table.public")
    invest = [r for r in public_targets if r[0] == "完成投资 66亿元"]
    assert invest == [["完成投资 66亿元", f"33亿元（{PERIOD}）", "50%"]], invest
    items = ppage.locator("ol.public-tasks > li")
    assert items.count() == n_tasks
    assert "完成投资65亿元" in items.first.inner_text() and UNIT_NAME in items.first.inner_text()
    assert ppage.locator("header .who").count() == 0  # nobody is logged in
    width, scroll = ppage.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    assert width == 390 and scroll <= width, f"the public page is {scroll} px wide on a {width} px phone"
    shot(ppage, shots, "14-public-phone")
    shot(ppage, shots, "15-public-phone-targets", at=ppage.locator("table.public"))
    phone.close()

    assert not watch.bad, watch.bad
    assert time.monotonic() - started < 600  # a hang guard, not a speed bar
