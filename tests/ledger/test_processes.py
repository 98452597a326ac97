"""Real processes against one ledger: two writers at once lose nothing, and a process killed in
the middle of an import leaves no partial plan. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bihuan.extract import extract_text
from bihuan.ledger.models import Document, IndicatorRow, ProgressReport, Revision, SectionRow, TaskRow
from bihuan.track import plans

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shixian-2022-report.txt"
PER_WRITER = 60

WRITER = textwrap.dedent(
    """
    import datetime as dt, os, sys, time
    from pathlib import Path
    from bihuan.ledger.db import open_ledger
    from bihuan.track.progress import ProgressInput, add_reports
    url, doc, who, start = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    ledger = open_ledger(url)
    while not start.exists():  # both writers begin together
        time.sleep(0.01)
    for n in range({per}):
        task = str(n % 20 + 1)
        period = f"2023-{{n % 6 + 1:02d}}"
        with ledger.sessions() as s:
            add_reports(s, doc, [ProgressInput(1, task, period, {{}}, n % 100, who)], author=who,
                        today=dt.date(2023, 12, 1))
    ledger.close()
    """
).format(per=PER_WRITER)

KILLED_IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from bihuan.extract import extract_text
    from bihuan.ledger.db import open_ledger
    from bihuan.track.plans import import_plan
    url, text_path, marker = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    flushes = 0

    @event.listens_for(Session, "after_flush")
    def pause(session, ctx):
        # after the document, revision and sections are written: tell the parent, then wait
        global flushes
        flushes += 1
        if flushes == 3:
            marker.write_text("writing")
            time.sleep(120)

    text = text_path.read_text("utf-8")
    ledger = open_ledger(url)
    with ledger.sessions() as s:
        import_plan(s, extract_text(text, "txt"), text=text, source_name="killed", user="u")
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BIHUAN_DATABASE_URL", None)
    return env


def _count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_two_writers_lose_nothing(ledger: Any, db_url: str, tmp_path: Path) -> None:
    text = EXAMPLE.read_text("utf-8")
    with ledger.sessions() as s:
        doc = plans.import_plan(
            s, extract_text(text, "txt"), text=text, source_name="a", user="u"
        ).document_id
    start = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(doc), who, str(start)], env=_env(),
                         stderr=subprocess.PIPE, text=True)
        for who in ("甲", "乙")
    ]  # fmt: skip
    time.sleep(1.0)  # let both open the ledger first
    start.write_text("go")
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with ledger.sessions() as s:
        assert _count(s, ProgressReport) == 2 * PER_WRITER
        authors = s.execute(select(ProgressReport.author, func.count()).group_by(ProgressReport.author)).all()
        assert dict(authors) == {"甲": PER_WRITER, "乙": PER_WRITER}


def test_killed_import_leaves_no_partial_plan(ledger: Any, db_url: str, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_IMPORT, db_url, str(EXAMPLE), str(marker)],
        env=_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline, "the import never reached its third flush"
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with ledger.sessions() as s:
        for model in (Document, Revision, SectionRow, IndicatorRow, TaskRow):
            assert _count(s, model) == 0, model.__tablename__
    # and the ledger still works: the same import now succeeds whole
    text = EXAMPLE.read_text("utf-8")
    plan = extract_text(text, "txt")
    with ledger.sessions() as s:
        r = plans.import_plan(s, plan, text=text, source_name="again", user="u")
        assert r.created and _count(s, TaskRow) == len(plan.tasks)
