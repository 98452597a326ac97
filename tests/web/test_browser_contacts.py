"""In a real browser on the real server (uvicorn, Chromium): the office edits a unit's contacts
(a bad address keeps what was typed), switches plans with the plan selector and makes one
current, and saves a row of the assignment table without losing its milestones; a unit's
inbox stays on the current plan after another report is imported. Screenshots are kept in
tests/artifacts/browser/contacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import REPO, Server, artifacts, login, serve, shot
from web_helpers import ADMIN, PASSWORD, PID, TODAY, UNIT_USERS

REPORT = REPO / "examples" / "shixian-2022-report.txt"
UNIT = "发改局"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo ledger (plan 1 current) plus a second report imported, served by uvicorn."""
    from bihuan.cli.web_cmds import build_demo
    from bihuan.extract import extract_text
    from bihuan.ledger.db import open_ledger
    from bihuan.track import plans

    db = tmp_path_factory.mktemp("browser-contacts") / "demo.db"
    build_demo(db, TODAY)
    ledger = open_ledger(str(db))
    try:
        with ledger.sessions() as s:
            text = REPORT.read_text("utf-8")
            plans.import_plan(s, extract_text(text, "txt"), text=text, source_name="另一份.txt", user=ADMIN,
                              region="另一县")  # fmt: skip
    finally:
        ledger.close()
    with serve(db, TODAY) as srv:
        yield srv


@pytest.fixture(scope="module")
def folder() -> Path:
    return artifacts("contacts")


def test_contacts_plan_selector_and_milestones_in_the_browser(
    browser: Any,
    demo_server: Server,
    folder: Path,
) -> None:
    context = browser.new_context(
        base_url=demo_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    bad: list[str] = []
    context.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page = context.new_page()
    login(page, ADMIN, PASSWORD)

    # unit contacts: the nav link, a bad address refused with the typed values kept, then saved
    page.click("header a[href='/admin/units']")
    page.wait_for_url("**/admin/units")
    row = page.locator("tr", has=page.locator("td", has_text="农业农村局")).first
    uid = row.get_attribute("id").removeprefix("unit-")  # type: ignore[union-attr]
    page.fill(f"#email-{uid}", "nyj-at-example.org")
    page.fill(f"#dingtalk-{uid}", "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456")
    page.fill(f"#secret-{uid}", "SEC0123456789abcdef")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click(f"form[action='/admin/units/{uid}/contacts'] button[type=submit]")
    assert posted.value.status == 400
    assert "格式不对" in page.locator("#contact-error").inner_text()
    assert page.input_value(f"#email-{uid}") == "nyj-at-example.org"
    assert page.input_value(f"#dingtalk-{uid}").endswith("abcdef123456")
    assert page.input_value(f"#secret-{uid}") == ""  # the secret is never sent back
    shot(page, folder, "01-contacts-bad-email", at=page.locator(f"#unit-{uid}"))
    page.fill(f"#email-{uid}", "nyj@example.org")
    page.fill(f"#secret-{uid}", "SEC0123456789abcdef")
    page.click(f"form[action='/admin/units/{uid}/contacts'] button[type=submit]")
    page.wait_for_url(f"**/admin/units?saved={uid}#unit-{uid}")
    cell = page.locator(f"#unit-{uid} .current-contacts").inner_text()
    assert "nyj@example.org" in cell and "已设置" in cell and "SEC0123456789abcdef" not in page.content()
    shot(page, folder, "02-contacts-saved", at=page.locator(f"#unit-{uid}"))

    # the plan selector: the current plan by default; the other plan on request; make it current
    page.goto("/dashboard")
    sel = page.locator("#plan-select select[name=plan]")
    assert sel.input_value() == str(PID)
    assert "示例县 2023 年（当前）" in sel.inner_text() and "另一县 2023 年" in sel.inner_text()
    other = page.eval_on_selector(
        "#plan-select select[name=plan]", "s => Array.from(s.options).map(o => o.value)"
    )
    other_id = next(v for v in other if v != str(PID))
    sel.select_option(other_id)
    page.click("#plan-select button[type=submit]")
    page.wait_for_url(f"**/dashboard?plan={other_id}")
    assert "另一县" in page.locator("h1").inner_text()
    assert page.locator("#make-current button").count() == 1
    shot(page, folder, "03-plan-selector")

    # a unit's inbox stays on the current plan (plan 1) though another report was imported
    unit_ctx = browser.new_context(base_url=demo_server.url, locale="zh-CN")
    upage = unit_ctx.new_page()
    login(upage, UNIT, PASSWORD)
    upage.goto("/inbox")
    assert upage.locator("section.inbox-task").count() > 0
    assert upage.locator("#plan-select select[name=plan]").input_value() == str(PID)
    shot(upage, folder, "04-unit-inbox-current-plan")

    # milestones are shown in the assignment row and kept when the row is saved
    page.goto(f"/plans/{PID}/assign")
    first = page.locator("table.assign tbody tr").first
    number = first.get_attribute("id").removeprefix("task-")  # type: ignore[union-attr]
    form = f"form[action='/plans/{PID}/tasks/{number}/assign']"
    page.fill(f"{form} input[name=milestones]", "2023-06-30:50%:主体完工；2023-09-30:80%")
    page.click(f"{form} button[type=submit]")
    page.wait_for_url(f"**/plans/{PID}/tasks/{number}")
    page.goto(f"/plans/{PID}/assign")
    assert page.input_value(f"{form} input[name=milestones]") == "2023-06-30:50%:主体完工；2023-09-30:80%"
    page.fill(f"{form} input[name=leader]", "李副县长")
    page.click(f"{form} button[type=submit]")
    page.wait_for_url(f"**/plans/{PID}/tasks/{number}")
    page.goto(f"/plans/{PID}/assign")
    assert (
        "节点：2023-06-30:50%:主体完工；2023-09-30:80%"
        in page.locator(f"#task-{number} .current").inner_text()
    )
    assert "李副县长" in page.locator(f"#task-{number} .current").inner_text()
    shot(page, folder, "05-assign-milestones-kept", at=page.locator(f"#task-{number}"))

    # the office makes the other plan current: now it is everyone's default
    page.goto(f"/dashboard?plan={other_id}")
    page.click("#make-current button")
    page.wait_for_url(f"**/dashboard?plan={other_id}")
    upage.goto("/inbox")
    assert upage.locator("#plan-select select[name=plan]").input_value() == other_id
    assert UNIT_USERS[UNIT] in upage.locator("h1").inner_text()
    assert not bad, bad
    unit_ctx.close()
    context.close()
