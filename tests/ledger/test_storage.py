"""The ledger on SQLite and PostgreSQL: migrations, plan import, revisions, nothing overwritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from bihuan.extract import extract_text
from bihuan.ledger import queries
from bihuan.ledger.db import LedgerError, database_url, open_ledger
from bihuan.ledger.models import Assignment, Document, ProgressReport, Revision, TaskRow
from bihuan.track import assign, directory, plans, progress
from bihuan.track.errors import TrackError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shixian-2022-report.txt"


@pytest.fixture(scope="module")
def report() -> tuple[str, Any]:
    text = EXAMPLE.read_text("utf-8")
    return text, extract_text(text, "txt")


def _count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_migrations_create_every_table(ledger: Any) -> None:
    names = set(inspect(ledger.engine).get_table_names())
    assert {
        "documents",
        "revisions",
        "sections",
        "indicators",
        "tasks",
        "units",
        "unit_profiles",
        "assignments",
        "progress_reports",
        "alembic_version",
    } <= names


def test_import_is_idempotent_and_a_correction_is_a_new_revision(
    ledger: Any, report: tuple[str, Any]
) -> None:
    text, plan = report
    with ledger.sessions() as s:
        first = plans.import_plan(s, plan, text=text, source_name="a.txt", user="督查室")
    assert first.created and first.revision == 1 and first.tasks == len(plan.tasks)
    with ledger.sessions() as s:
        again = plans.import_plan(s, plan, text=text, source_name="a.txt", user="督查室")
        assert not again.created and again.document_id == first.document_id
        assert _count(s, Revision) == 1
        assert _count(s, TaskRow) == len(plan.tasks)
    corrected = text.replace("160个", "161个", 1)
    assert corrected != text
    with ledger.sessions() as s:
        second = plans.import_plan(
            s, extract_text(corrected, "txt"), text=corrected, source_name="b.txt", user="督查室"
        )
        assert second.created and second.revision == 2 and second.document_id == first.document_id
        assert [r.number for r in queries.revisions(s, first.document_id)] == [1, 2]
        assert _count(s, Document) == 1
        # the old revision's tasks are still there
        assert _count(s, TaskRow) == 2 * len(plan.tasks)


def test_region_and_year_can_be_given(ledger: Any, report: tuple[str, Any]) -> None:
    text, plan = report
    with ledger.sessions() as s:
        r = plans.import_plan(s, plan, text=text, source_name="a.txt", user="u", region="另一县", year=2024)
        assert (r.region, r.plan_year) == ("另一县", 2024)


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "没有读出任何指标或任务"), ("今天天气很好。\n", "没有读出")],
)
def test_empty_plan_is_refused_and_nothing_is_stored(ledger: Any, body: str, message: str) -> None:
    plan = extract_text(body)
    with ledger.sessions() as s:
        with pytest.raises(TrackError) as e:
            plans.import_plan(s, plan, text=body, source_name="x", user="u", region="某县", year=2023)
        assert message in e.value.zh
        assert _count(s, Document) == 0


def test_assignments_and_reports_are_versions(ledger: Any, report: tuple[str, Any]) -> None:
    text, plan = report
    with ledger.sessions() as s:
        doc = plans.import_plan(s, plan, text=text, source_name="a", user="u").document_id
        directory.ensure_directory(s, "u")
        assign.set_assignment(
            s,
            doc,
            "1",
            lead="发改局",
            cooperating=["财政局"],
            leader=None,
            deadline=None,
            milestones=None,
            user="甲",
        )
        assign.set_assignment(
            s,
            doc,
            "1",
            lead="财政局",
            cooperating=None,
            leader="王",
            deadline=None,
            milestones=None,
            user="乙",
        )
        key = plans.find_task(s, doc, "1").key  # type: ignore[union-attr]
        history = queries.assignment_history(s, doc, key)
        assert [h.created_by for h in history] == ["甲", "乙"]
        current = queries.current_assignments(s, doc)[key]
        assert current.leader == "王" and current.id == history[-1].id
        today = dt.date(2023, 7, 10)
        for pct in ("30", "35"):
            progress.add_reports(
                s, doc, [progress.ProgressInput(1, "1", "2023-06", {}, pct)], author="联络员", today=today
            )
        versions = queries.report_versions(s, doc, key, "2023-06")
        assert [v.percent for v in versions] == [30.0, 35.0]
        assert queries.latest_reports(s, doc, "2023-06")[key].percent == 35.0
        assert _count(s, Assignment) == 2 and _count(s, ProgressReport) == 2


def test_database_url_choice(tmp_path: Path) -> None:
    assert database_url(tmp_path / "x.db", {}) == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url(None, {"BIHUAN_DATABASE_URL": "postgresql://u@h/db"}) == "postgresql+psycopg://u@h/db"
    assert database_url(None, {}) == "sqlite:///bihuan.db"


@pytest.mark.parametrize(
    "url",
    ["sqlite:////no/such/dir/x.db", "notadialect://x", "postgresql+psycopg://nobody@127.0.0.1:1/none"],
)
def test_unopenable_ledger_is_a_clear_error(url: str) -> None:
    with pytest.raises(LedgerError) as e:
        open_ledger(url)
    assert e.value.zh and e.value.en


def test_reopening_keeps_data(tmp_path: Path, report: tuple[str, Any]) -> None:
    text, plan = report
    path = tmp_path / "keep.db"
    first = open_ledger(path)
    with first.sessions() as s:
        plans.import_plan(s, plan, text=text, source_name="a", user="u")
    first.close()
    second = open_ledger(path)
    with second.sessions() as s:
        assert len(queries.documents(s)) == 1
    second.close()


def test_a_reworded_task_keeps_its_assignment_in_the_next_revision(
    ledger: Any, report: tuple[str, Any]
) -> None:
    text, plan = report
    with ledger.sessions() as s:
        doc = plans.import_plan(s, plan, text=text, source_name="a", user="u").document_id
        assign.confirm(s, doc, [], "u")
        first = plans.find_task(s, doc, "1")
        assert first is not None
        key, lead = first.key, queries.current_assignments(s, doc)[first.key].lead_unit_id
    corrected = text.replace("160个", "170个", 1)
    with ledger.sessions() as s:
        plans.import_plan(s, extract_text(corrected, "txt"), text=corrected, source_name="b", user="u")
        task = plans.find_task(s, doc, "1")
        assert task is not None and "170个" in task.text
        assert task.key == key  # the same task, reworded
        assert queries.current_assignments(s, doc)[task.key].lead_unit_id == lead
        # every other task kept its key too, and keys stay unique in the revision
        keys = [t.key for t in queries.tasks(s, queries.latest_revision(s, doc).id)]  # type: ignore[union-attr]
        assert len(set(keys)) == len(keys) == len(plan.tasks)
        assert set(keys) == set(queries.current_assignments(s, doc))
