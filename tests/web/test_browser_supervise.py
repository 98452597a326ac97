"""督导 in a real browser: Playwright drives Debian's Chromium against the real app under uvicorn,
on a fresh SQLite ledger holding an imported, assigned but not yet handed-over plan.

督查室 hands the plan over (交办); 发改局 sees its tasks in 待办 with a badge and signs for one. The
office sends a 重点督办 with an answer deadline; the unit sees it in 待办, signs, answers; the
office returns the answer with a reason; the unit answers again; the office closes it (已办结).
The unit asks for an extension, which the office approves (the status then uses the new
deadline), and asks to close another task with a PDF as evidence, which the office accepts (the
task is 已完成). Each step leaves a screenshot in tests/artifacts/browser/supervise/.

Skipped when /usr/bin/chromium is missing, unless BIHUAN_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import REPO, Server, Watch, artifacts, login, logout, serve, shot

REPORT = REPO / "examples" / "shixian-2022-report.txt"
TODAY = dt.date(2023, 7, 10)
ADMIN, ADMIN_PW = "督查室", "admin-pass-2023"
UNIT, UNIT_PW, UNIT_NAME = "发改局", "unit-pass-2023", "发展和改革局"
LEADER, LEADER_PW = "县长", "leader-pass-2023"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% acceptance report\n%%EOF\n"


@dataclass
class Ledger:
    server: Server
    plan: int
    tasks: list[int]  # numbers of tasks led by the unit


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    from bihuan.extract import extract_text
    from bihuan.ledger import queries
    from bihuan.ledger.db import open_ledger
    from bihuan.track import assign, directory, plans
    from bihuan.track.users import add_user

    db = tmp_path_factory.mktemp("browser-supervise") / "ledger.db"
    text = REPORT.read_text("utf-8")
    opened = open_ledger(str(db))
    try:
        with opened.sessions() as s:
            doc = plans.import_plan(
                s, extract_text(text, "txt"), text=text, source_name="报告.txt", user=ADMIN
            )
            directory.ensure_directory(s, "test")
            assign.confirm(s, doc.document_id, [], ADMIN)
            add_user(s, ADMIN, ADMIN_PW, "admin", None, "test")
            add_user(s, UNIT, UNIT_PW, "unit", UNIT_NAME, "test")
            add_user(s, LEADER, LEADER_PW, "leader", None, "test")
            unit = next(u for u in queries.units(s) if u.name == UNIT_NAME)
            rev = queries.latest_revision(s, doc.document_id)
            assert rev is not None
            lead = queries.current_assignments(s, doc.document_id)
            mine = [
                t.number
                for t in queries.tasks(s, rev.id)
                if t.key in lead and lead[t.key].lead_unit_id == unit.id
            ]
            assert len(mine) >= 3, "the example report gives 发改局 at least three tasks"
            plan = doc.document_id
    finally:
        opened.close()
    with serve(db, TODAY) as srv:
        yield Ledger(srv, plan, mine)


def _badge(page: Any) -> int:
    badge = page.locator("#todo-count")
    return int(badge.inner_text()) if badge.count() else 0


def _notice_id(url: str) -> int:
    m = re.search(r"/notices/(\d+)", url)
    assert m, url
    return int(m.group(1))


def test_supervision_loop_in_the_browser(browser: Any, ledger: Ledger) -> None:
    folder = artifacts("supervise")
    watch = Watch()
    pid, first, second, third = ledger.plan, *ledger.tasks[:3]

    def new_page(name: str, password: str) -> Any:
        ctx = browser.new_context(base_url=ledger.server.url, viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(15_000)
        watch.attach(ctx)
        page = ctx.new_page()
        login(page, name, password)
        return page

    office = new_page(ADMIN, ADMIN_PW)
    unit = new_page(UNIT, UNIT_PW)

    # ------------------------------------------------ 交办 and 签收
    unit.goto(f"/plans/{pid}/tasks/{first}")
    assert "尚未交办" in unit.locator("#sign-state").inner_text()
    unit.goto("/todo")
    before = _badge(unit)
    office.goto(f"/plans/{pid}/assign")
    office.click("#handover-button")
    assert "交办" in office.locator("#handover-result").inner_text()
    shot(office, folder, "01-office-handed-over", office.locator("#handover-result"))

    unit.goto("/todo")
    assert _badge(unit) >= before + len(ledger.tasks)
    to_sign = unit.locator("#to_sign")
    assert to_sign.locator(f"a[href='/plans/{pid}/tasks/{first}']").count() >= 1
    shot(unit, folder, "02-unit-todo-to-sign")
    badge_before_sign = _badge(unit)
    unit.goto(f"/plans/{pid}/tasks/{first}")
    assert unit.locator("#sign-state").inner_text() == "待签收"
    unit.click("#sign-button")
    unit.wait_for_selector("#sign-state:text-is('已签收')")
    shot(unit, folder, "03-unit-signed", unit.locator("#sign-state"))
    unit.goto("/todo")
    assert _badge(unit) == badge_before_sign - 1

    # ------------------------------------------------ a 重点督办 with an answer deadline
    office.goto(f"/plans/{pid}/tasks/{first}")
    office.select_option("#notice-kind", "督办")
    office.select_option("#notice-grade", "重点")
    office.fill("#notice-answer-by", "2023-07-20")
    office.fill("#notice-text", "请于7月20日前书面说明项目前期进展")
    evidence = folder / "验收报告.pdf"
    evidence.write_bytes(PDF)
    office.set_input_files("#notice-file", str(evidence))
    office.click("#notice-send")
    office.wait_for_load_state()
    row = office.locator("table.notices tbody tr").first
    assert "重点" in row.inner_text() and "待签收" in row.inner_text()
    shot(office, folder, "04-office-sent-notice", row)
    notice_id = _notice_id(row.locator("a").first.get_attribute("href") or "")

    unit.goto("/todo")
    badge = _badge(unit)
    assert badge == badge_before_sign  # one task signed for, one notice to sign
    link = unit.locator(f"#notices_to_sign a[href='/notices/{notice_id}']")
    assert link.count() == 1
    shot(unit, folder, "05-unit-todo-notice", unit.locator("#nav-todo"))
    link.first.click()
    unit.wait_for_url(f"**/notices/{notice_id}")
    assert unit.locator("#notice-state").inner_text() == "待签收"
    unit.click("#notice-sign-button")
    unit.wait_for_selector("#notice-state:text-is('已签收')")
    unit.fill("#answer-text", "已开展前期工作")
    unit.click("#answer-button")
    unit.wait_for_selector("#notice-state:text-is('已答复')")
    shot(unit, folder, "06-unit-answered")

    # the office returns the answer as insufficient; the unit answers again; the office closes
    office.goto(f"/notices/{notice_id}")
    assert office.locator("#answer-text").count() == 0  # the office cannot answer for the unit
    office.fill("#return-reason", "未说明完成时间，请补充")
    office.click("#return-button")
    office.wait_for_selector("#notice-state:text-is('已退回')")
    shot(office, folder, "07-office-returned")

    unit.goto("/todo")
    assert unit.locator(f"#returned a[href='/notices/{notice_id}']").count() == 1
    unit.goto(f"/notices/{notice_id}")
    assert "未说明完成时间" in unit.locator("#notice-history").inner_text()
    unit.fill("#answer-text", "已开展前期工作，9月底前完成可研批复")
    unit.set_input_files("#answer-file", str(evidence))
    unit.click("#answer-button")
    unit.wait_for_selector("#notice-state:text-is('已答复')")

    office.goto(f"/notices/{notice_id}")
    office.fill("#close-text", "答复属实，同意办结")
    office.click("#close-button")
    office.wait_for_selector("#notice-state:text-is('已办结')")
    history = office.locator("#notice-history").inner_text()
    for step in ("签收", "答复", "退回", "办结"):
        assert step in history
    files = office.locator("#notice-history a.attachment")
    assert files.count() == 2  # the notice's document and the second answer's
    for i in range(2):
        got = office.request.get(files.nth(i).get_attribute("href") or "")
        assert got.status == 200 and got.body() == PDF
    shot(office, folder, "08-office-closed", full=True)
    office.goto("/notices?state=已办结")
    assert office.locator(f"a[href='/notices/{notice_id}']").count() >= 1

    # ------------------------------------------------ 延期申请, approved
    unit.goto(f"/plans/{pid}/tasks/{second}")
    unit.click("#sign-button")
    unit.wait_for_selector("#sign-state:text-is('已签收')")
    unit.fill("#extend-date", "2024-03-31")
    unit.fill("#extend-reason", "受汛期影响，需顺延")
    unit.click("#extend-submit")
    unit.wait_for_load_state()
    pending = unit.locator("#requests tbody tr").first
    assert "待审核" in pending.inner_text()
    request_id = (pending.get_attribute("id") or "").removeprefix("request-")
    shot(unit, folder, "09-unit-asked-extension", pending)

    office.goto(f"/plans/{pid}/tasks/{second}")
    office.fill(f"#decide-{request_id}-reason", "同意顺延")
    office.click(f"#decide-{request_id}-accept")
    office.wait_for_selector(f"#request-{request_id}.state-已同意")
    assert "已批准延期至 2024-03-31" in office.locator("main").inner_text()
    shot(office, folder, "10-office-approved-extension", full=True)
    assert office.request.get(f"/api/v1/plans/{pid}/tasks/{second}").json()["deadline"] == "2024-03-31"

    # ------------------------------------------------ 办结销号 with a PDF, accepted
    unit.goto(f"/plans/{pid}/tasks/{third}")
    unit.click("#sign-button")
    unit.wait_for_selector("#sign-state:text-is('已签收')")
    unit.fill("#close-reason", "已完成竣工验收")
    unit.set_input_files("#close-files", str(evidence))
    unit.click("#close-submit")
    unit.wait_for_load_state()
    pending = unit.locator("#requests tbody tr").first
    assert "待审核" in pending.inner_text()
    close_id = (pending.get_attribute("id") or "").removeprefix("request-")
    href = unit.locator("a[href^='/attachments/']").first.get_attribute("href")
    assert href
    download = unit.request.get(href)
    assert download.status == 200 and download.body() == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"].startswith("attachment")
    shot(unit, folder, "11-unit-asked-close", pending)

    office.goto(f"/plans/{pid}/tasks/{third}")
    office.click(f"#decide-{close_id}-accept")
    office.wait_for_selector(f"#request-{close_id}.state-已同意")
    main = office.locator("main").inner_text()
    assert "已完成" in main and "已办结销号" in main
    shot(office, folder, "12-office-accepted-close", full=True)
    state = office.request.get(f"/api/v1/plans/{pid}/tasks/{third}").json()
    assert state["status"]["state"] == "已完成"

    logout(unit)
    logout(office)
    assert watch.bad == []
    assert len(list(Path(folder).glob("*.png"))) == 12
