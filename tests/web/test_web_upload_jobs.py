"""An upload is read and extracted in a child process with a time limit: a report past the limit
is refused with a clear message and its child is killed; the request holds no database
connection while the child works; the draft stored is the one extraction in-process gives."""

from __future__ import annotations

import json
import multiprocessing
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from web_helpers import ADMIN, REPORT, Web, error_page, form, own_figures, row_counts

from bihuan.extract import extract_text
from bihuan.track import drafts
from bihuan.web import jobs, pages

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
from ingest_builders import make_docx, pad_docx  # the builders of the ingest tests

Copy = Callable[[], tuple[str, dict[str, str]]]


def _post(web: Web, name: str, data: bytes) -> Any:
    client = web.as_(ADMIN)
    fields = form(client.get("/import").text, "/import").fields
    return client.post("/import", data=fields, files={"file": (name, data)}, follow_redirects=False)


def test_the_draft_holds_the_plan_extracted_in_the_child(empty_web: Web) -> None:
    r = _post(empty_web, REPORT.name, REPORT.read_bytes())
    assert r.status_code == 303, r.text[:300]
    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with empty_web.db() as s:
        d, plan = drafts.get(s, draft_id)
        assert d.text == REPORT.read_text("utf-8").replace("\r\n", "\n")
        assert plan == extract_text(d.text, "txt")
        assert json.loads(d.plan_json) == plan.to_dict()


def test_a_report_past_the_time_limit_is_refused_and_its_child_killed(
    copy_empty: Copy, make_web: Callable[..., Web]
) -> None:
    web = make_web(*copy_empty(), import_timeout_s=0.2)
    with web.db() as s:
        before = row_counts(s)
    big = REPORT.read_bytes() * 60  # 1.8 MB: seconds of extraction on any machine
    error_page(_post(web, "big.txt", big), 400, "报告太大或太复杂，读取超时")
    with web.db() as s:
        assert row_counts(s) == before
    assert not web.app.state.jobs.running  # the child was killed and reaped
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_a_bomb_is_refused_in_the_child_with_the_readers_message(empty_web: Web) -> None:
    r = _post(empty_web, "bomb.docx", pad_docx(make_docx(), 3_000_000))
    error_page(r, 400, "压缩比异常", "bomb.docx")


def test_no_database_connection_is_held_while_the_child_works(
    empty_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = empty_web.app.state.ledger.engine.pool
    seen: list[int] = []
    real = jobs.extract_upload

    async def watch(app: Any, data: bytes, name: str, limit: int) -> jobs.Extracted:
        seen.append(pool.checkedout())
        return await real(app, data, name, limit)

    monkeypatch.setattr(pages, "extract_upload", watch)
    r = _post(empty_web, REPORT.name, REPORT.read_bytes())
    assert r.status_code == 303 and re.fullmatch(r"/import/\d+", r.headers["location"])
    assert seen == [0]


def test_shutdown_kills_running_children_and_refuses_new_ones(
    copy_empty: Copy, make_web: Callable[..., Web]
) -> None:
    web = make_web(*copy_empty())
    js = jobs.jobs_of(web.app)
    proc, recv = js._start(REPORT.read_bytes() * 200, "big.txt", 20 * 1024 * 1024)
    assert proc.is_alive()
    jobs.shutdown(web.app)
    assert not proc.is_alive() and proc.exitcode is not None
    recv.close()
    with pytest.raises(Exception, match="正在关闭"):
        js._start(b"x", "x.txt", 100)
    assert jobs.jobs_of(web.app) is not js  # started again, the app gets new Jobs


def test_a_report_past_the_memory_limit_is_refused(copy_empty: Copy, make_web: Callable[..., Web]) -> None:
    web = make_web(*copy_empty(), import_memory_mb=100)  # a 3 MB text report needs ~130 MB
    with web.db() as s:
        before = row_counts(s)
    big = own_figures(REPORT.read_text("utf-8"), 100).encode("utf-8")  # each copy with its own figures
    error_page(_post(web, "big.txt", big), 400, "报告太大或太复杂", "超出内存上限")
    with web.db() as s:
        assert row_counts(s) == before
