"""The loop's last steps in a real browser (Playwright, Debian's Chromium, the real app under
uvicorn, a fresh demo ledger on 2023-07-10): the office previews and issues a 督查通报, opens the
assessment, imports 示例县's next report (examples/shixian-2023-report.txt, written by the team)
and sees the 2023 targets checked against it on the dashboard. Screenshots go to
tests/artifacts/browser/loop/.

Skipped when /usr/bin/chromium is missing, unless BIHUAN_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from browser_helpers import REPO, Server, Watch, artifacts, demo_page, serve_demo, shot, table

TODAY = dt.date(2023, 7, 10)
NEXT_REPORT = REPO / "examples" / "shixian-2023-report.txt"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("browser-loop"), TODAY) as srv:
        yield srv


def test_bulletin_assessment_and_attainment(browser: Any, server: Server) -> None:
    folder = artifacts("loop")
    watch = Watch()
    page = demo_page(browser, server, watch, "督查室")

    # 总结: preview, then issue
    page.click("header nav a[href='/bulletins']")
    page.wait_for_url("**/bulletins")
    preview = page.locator("#bulletin-preview")
    assert "某县督查室〔2023〕1号" in preview.inner_text()
    assert "督办" in preview.inner_text()  # the demo's notices of the period are in it
    shot(page, folder, "01-bulletin-preview", preview)
    page.click("#bulletin-issue button[type=submit]")
    page.wait_for_url("**/bulletins?plan=1&issued=1")
    assert "某县督查室〔2023〕1号" in page.locator("#bulletin-issued").inner_text()

    # 考核: the ranking, each point linked to its task
    page.click("header nav a[href='/assess']")
    page.wait_for_url("**/assess**")
    ranking = table(page, "table")
    assert len(ranking) > 10 and ranking[0][0] == "1"
    task_links = page.locator("a[href*='/plans/1/tasks/']")
    assert task_links.count() > 0
    shot(page, folder, "02-assessment")

    # 评价: before the next report there is nothing to check against
    page.goto("/dashboard?plan=1")
    assert page.locator("#attainment").count() == 0
    page.click("header nav a:text-is('导入报告')")
    page.wait_for_url("**/import")
    page.set_input_files("input[type=file][name=file]", str(NEXT_REPORT))
    page.click("form[action='/import'] button[type=submit]")
    page.wait_for_url("**/import/*")
    assert page.locator("section.head input[name=year]").input_value() == "2024"
    page.click("#confirm-import")
    page.wait_for_url("**/plans/2/assign?imported=1")

    page.goto("/dashboard?plan=1")
    section = page.locator("#attainment")
    section.wait_for()
    text = section.inner_text()
    assert "2023 年目标兑现" in text
    rows = {r[0]: r[3] for r in table(page, "#attainment table")}
    assert rows["地区生产总值"] == "完成"  # 6.3% against 6%–6.5%
    assert rows["一般公共预算收入"] == "未完成"  # 4.1% against 6.3%
    assert rows["城镇调查失业率"] == "完成"  # 5.3% within 5.5%
    shot(page, folder, "03-attainment", section)
    assert watch.bad == [], watch.bad
