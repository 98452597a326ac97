"""The review page of a large report shows the source a page at a time, with the figures and
tasks that start on that page; every figure and task is on exactly one page."""

from __future__ import annotations

import html
import re

from web_helpers import ADMIN, REPORT, Web, error_page, form, own_figures

from bihuan.track import drafts
from bihuan.web.pages import REVIEW_PAGE_CHARS, source_pages

COPIES = 20  # 214,000 characters: 11 pages of ~370 KB; unpaged, the one page was ~4 MB


def _large_draft(web: Web) -> int:
    text = own_figures(REPORT.read_text("utf-8"), COPIES)
    with web.db() as s:
        return drafts.start(s, text, "大报告.txt", "txt", ADMIN).id


def test_a_large_report_is_reviewed_page_by_page(empty_web: Web) -> None:
    draft_id = _large_draft(empty_web)
    with empty_web.db() as s:
        d, plan = drafts.get(s, draft_id)
        text = d.text
    bounds = source_pages(text)
    assert len(bounds) > 5 and bounds[0][0] == 0 and bounds[-1][1] == len(text)
    client = empty_web.as_(ADMIN)
    url, seen_figures, seen_tasks, sources, n, total = f"/import/{draft_id}", [], [], [], 0, 0
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text[:300]
        n += 1
        page = r.text
        assert len(page.encode()) < 1_000_000, (url, len(page.encode()))
        total += len(page.encode())
        assert f"第 {n} / {len(bounds)} 页" in page
        assert f"指标 {len(plan.indicators)} 个 · 任务 {len(plan.tasks)} 项" in page  # totals
        rows = re.findall(r'<tr id="(i\d+)">', page)
        marks = re.findall(r'<mark id="src-(i\d+)">', page)
        assert set(marks) <= set(rows)  # each mark links to a row on the same page
        seen_figures += rows
        seen_tasks += re.findall(r'<li id="(t\d+)">', page)
        source = re.search(r'<pre class="text">(.*?)</pre>', page, re.S)
        assert source
        sources.append(re.sub(r"<[^>]+>", "", source.group(1)))
        nxt = re.search(r'<a href="(\?page=\d+)" rel="next">', page)
        url = f"/import/{draft_id}{nxt.group(1)}" if nxt else ""
    assert n == len(bounds)
    print(f"review of {len(text)} characters: {n} pages, {total / n / 1024:.0f} KB each on average")
    assert sorted(seen_figures) == sorted(i.id for i in plan.indicators)  # each exactly once
    assert sorted(seen_tasks) == sorted(t.id for t in plan.tasks)
    assert all(len(src) <= REVIEW_PAGE_CHARS * 2 for src in sources)
    assert html.unescape("".join(sources)) == text


def test_a_correction_on_a_later_page_comes_back_to_that_page(empty_web: Web) -> None:
    draft_id = _large_draft(empty_web)
    client = empty_web.as_(ADMIN)
    page = client.get(f"/import/{draft_id}?page=3").text
    iid = re.findall(r'<tr id="(i\d+)">', page)[0]
    fig = form(page, f"/import/{draft_id}/figure", iid=iid)
    assert fig.fields["page"] == "3"
    r = client.post(f"/import/{draft_id}/figure", data={**fig.fields, "value": "7"}, follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/import/\d+\?page=3", r.headers["location"])
    again = client.get(r.headers["location"]).text
    row = re.search(rf'<tr id="{iid}">.*?</tr>', again, re.S)
    assert row and 'name="value" value="7"' in row.group(0)


def test_a_page_out_of_range_is_refused(empty_web: Web) -> None:
    draft_id = _large_draft(empty_web)
    client = empty_web.as_(ADMIN)
    error_page(client.get(f"/import/{draft_id}?page=99"), 400, "没有第 99 页")
    error_page(client.get(f"/import/{draft_id}?page=0"), 400, "没有第 0 页")


def test_a_report_of_one_page_has_no_pager(empty_web: Web) -> None:
    with empty_web.db() as s:
        draft_id = drafts.start(s, REPORT.read_text("utf-8"), REPORT.name, "txt", ADMIN).id
    page = empty_web.as_(ADMIN).get(f"/import/{draft_id}").text
    assert 'class="pager"' not in page and "第 1 / 1 页" not in page
