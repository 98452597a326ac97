"""督查通报 in a real browser: Playwright drives Debian's Chromium against the real app under
uvicorn, on a fresh demo ledger (2023-07-10). The office opens 督查通报 from the menu, sees the
preview with its charts, downloads the Word file and issues the bulletin; a leader finds it in the
list and downloads it as issued. Screenshots go to tests/artifacts/browser/bulletin/.

Skipped when /usr/bin/chromium is missing, unless BIHUAN_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from browser_helpers import Server, Watch, artifacts, demo_page, serve_demo, shot

TODAY = dt.date(2023, 7, 10)
TITLE = "关于示例县2023年政府工作报告重点任务推进情况的通报"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("browser-bulletin"), TODAY) as srv:
        yield srv


def test_the_office_previews_and_issues_a_leader_reads(browser: Any, server: Server) -> None:
    folder = artifacts("bulletin")
    watch = Watch()

    office = demo_page(browser, server, watch, "督查室")
    office.click("header nav a[href='/bulletins']")
    office.wait_for_url("**/bulletins")
    preview = office.locator("#bulletin-preview")
    assert TITLE in preview.inner_text() and "某县督查室〔2023〕1号" in preview.inner_text()
    assert preview.locator("svg").count() == 2
    shot(office, folder, "01-preview", preview)
    with office.expect_download() as got:
        office.click("#download-docx")
    assert got.value.suggested_filename.endswith("（草稿）.docx")
    office.click("#bulletin-issue button[type=submit]")
    office.wait_for_url("**/bulletins?plan=1&issued=1")
    issued = office.locator("#bulletin-issued")
    assert "某县督查室〔2023〕1号" in issued.inner_text() and "PDF" in issued.inner_text()
    shot(office, folder, "02-issued", issued)

    leader = demo_page(browser, server, watch, "县长")
    leader.click("header nav a[href='/bulletins']")
    row = leader.locator("#bulletin-1")
    assert "某县督查室〔2023〕1号" in row.inner_text()
    assert leader.locator("#bulletin-preview").count() == 0 and leader.locator("#bulletin-issue").count() == 0
    with leader.expect_download() as got:
        row.locator("a", has_text="Word").click()
    data = open(got.value.path(), "rb").read()
    assert hashlib.sha256(data).hexdigest()[:12] in row.inner_text()
    shot(leader, folder, "03-leader-list", row)
    assert watch.bad == [], watch.bad
