"""Shared fixtures: where the repo and the team's shared folder are, the plan contract."""

from __future__ import annotations

import importlib.util
import os
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bihuan.contract import load_schema
from bihuan.extract.types import Check, Document, Indicator, Plan, Section, Task

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
EXAMPLES_DIR = REPO_ROOT / "examples"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repo (the team's corpus, gold and contract); skips when absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared not present: corpus tests need the team's shared corpus")
    return SHARED_DIR


@pytest.fixture(scope="session")
def cjk_fonts() -> None:
    """A Chinese font for the PDF bulletin (Debian fonts-noto-cjk): without one the PDF would be
    blank and bihuan refuses to draw it. Skips when missing, unless BIHUAN_REQUIRE_FONTS=1 (set by
    .ci/run, which installs the fonts) turns the skip into a failure."""
    from bihuan.export.bulletin_pdf import cjk_font_missing

    if cjk_font_missing():
        reason = "no Chinese font installed (apt-get install fonts-noto-cjk): PDF bulletin tests skipped"
        if os.environ.get("BIHUAN_REQUIRE_FONTS") == "1":
            pytest.fail(f"fonts are required (BIHUAN_REQUIRE_FONTS=1): {reason}", pytrace=False)
        pytest.skip(reason)


def _shared_tool(shared: Path, filename: str) -> ModuleType:
    """A script of ../shared/tools loaded as a module (its name has a dash, so not importable)."""
    spec = importlib.util.spec_from_file_location(
        f"shared_{filename.replace('-', '_')[:-3]}", shared / "tools" / filename
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def score_tool(shared_dir: Path) -> ModuleType:
    """../shared/tools/score.py: facts against gold, the team's matcher."""
    return _shared_tool(shared_dir, "score.py")


@pytest.fixture(scope="session")
def gdp_tool(shared_dir: Path) -> ModuleType:
    """../shared/tools/gdp-targets.py: a plan's GDP growth targets against the published table."""
    return _shared_tool(shared_dir, "gdp-targets.py")


@pytest.fixture(scope="session")
def provinces(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 815 provincial reports (``<region>/<year>.md``), unpacked once for the whole test run
    from ../shared/corpus/provinces.tar.xz into a temporary folder; never copied into the project."""
    archive = shared_dir / "corpus" / "provinces.tar.xz"
    if not archive.is_file():
        pytest.skip(f"{archive} not present: the provincial corpus is needed")
    root = tmp_path_factory.mktemp("corpus")
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return root / "provinces"


@pytest.fixture(scope="session")
def plan_validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def plan_problems(data: dict[str, Any], text_len: int) -> list[str]:
    """What is wrong with a plan's JSON beyond the schema: spans outside the text, dangling ids."""
    problems = []
    section_ids = {s["id"] for s in data["sections"]}
    indicator_ids = {i["id"] for i in data["indicators"]}
    for part in ("sections", "indicators", "tasks"):
        for item in data[part]:
            start, end = item["span"]
            if not 0 <= start <= end <= text_len:
                problems.append(f"{part} {item['id']}: span {item['span']} outside [0, {text_len}]")
    for s in data["sections"]:
        if s.get("parent") is not None and s["parent"] not in section_ids:
            problems.append(f"section {s['id']}: unknown parent {s['parent']}")
    for i in data["indicators"]:
        if i.get("section") is not None and i["section"] not in section_ids:
            problems.append(f"indicator {i['id']}: unknown section {i['section']}")
    for t in data["tasks"]:
        if t["section"] not in section_ids:
            problems.append(f"task {t['id']}: unknown section {t['section']}")
        problems += [
            f"task {t['id']}: unknown indicator {x}" for x in t["indicators"] if x not in indicator_ids
        ]
    for c in data["checks"]:
        problems += [
            f"check {c['type']}: unknown indicator {x}"
            for x in c.get("indicators", [])
            if x not in indicator_ids
        ]
    return problems


@pytest.fixture(scope="session")
def assert_valid_plan(plan_validator: Draft202012Validator) -> Callable[[dict[str, Any], int], None]:
    """assert_valid_plan(plan_json, len(text)): schema-valid, spans inside the text, ids resolve."""

    def check(data: dict[str, Any], text_len: int) -> None:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in plan_validator.iter_errors(data)]
        assert not errors, errors[:5]
        problems = plan_problems(data, text_len)
        assert not problems, problems[:5]

    return check


@pytest.fixture
def sample_plan() -> Plan:
    """A hand-made plan that uses every field the views and exports show."""
    sections = (
        Section("s1", "一、2021年工作回顾", 1, (0, 100), role="review"),
        Section("s2", "二、2022年主要预期目标", 1, (100, 200), role="goals"),
        Section("s3", "三、2022年重点工作", 1, (200, 400), role="tasks"),
        Section("s3.1", "（一）推动工业提质增效", 2, (210, 300), parent="s3", role="tasks"),
        Section("s3.2", "（二）增进民生福祉", 2, (300, 400), parent="s3", role="tasks"),
    )
    ind = Indicator
    indicators = (
        ind("i1", "地区生产总值", "actual", "2021", "地区生产总值实现169.7亿元，增长7.5%", (10, 30),
            value=169.7, unit="亿元", growth_pct=7.5, basis="yoy", estimated=True, section="s1"),
        ind("i2", "PM2.5平均浓度", "actual", "2021", "PM2.5平均浓度下降9.52%", (30, 45),
            growth_pct=-9.52, section="s1"),
        ind("i3", "地区生产总值", "target", "2022", "地区生产总值增长7%左右", (110, 125),
            growth_pct=7.0, qualifier="about", section="s2"),
        ind("i4", "一般公共预算收入", "target", "2022", "一般公共预算收入突破9亿元、增长6%以上", (125, 140),
            value=9.0, unit="亿元", growth_pct=6.0, qualifier="at_least", growth_qualifier="at_least", section="s2"),
        ind("i5", "居民消费价格涨幅", "target", "2022", "居民消费价格涨幅控制在3%以内", (140, 155),
            value=3.0, unit="%", qualifier="at_most", section="s2"),
        ind("i6", "固定资产投资", "target", "2022", "固定资产投资增长6%－6.5%", (155, 170),
            growth_pct=6.0, qualifier="range", range=(6.0, 6.5), section="s2"),
        ind("i7", "地区生产总值", "target", "2022-2026", "今后五年地区生产总值年均增长6.5%", (170, 190),
            growth_pct=6.5, basis="annual_avg", section="s2"),
        ind("i8", "高标准农田", "target", "2022", "建设高标准农田3万亩", (215, 230),
            value=3.0, unit="万亩", section="s3.1"),
        ind("i9", "新增城镇就业", "target", "2025", "到2025年累计新增城镇就业1.5万人", (310, 330),
            value=1.5, unit="万人", basis="cumulative", section="s3.2"),
    )  # fmt: skip
    tasks = (
        Task("t1", "s3.1", "建设高标准农田3万亩。", (215, 230), indicators=("i8",), deadline="2022-12-31"),
        Task("t2", "s3.1", "新建5G基站200个。", (230, 245), deadline="2022-06-30"),
        Task("t3", "s3.2", "新增城镇就业3000人。", (310, 330), indicators=("i9",)),
    )
    checks = (
        Check("growth_consistency", True, "一般公共预算收入与上年数相符", indicators=("i4",)),
        Check("growth_consistency", False, "地区生产总值目标与上年数×增速不符", indicators=("i1", "i3"),
              expected=182.4, stated=180.0),
    )  # fmt: skip
    document = Document(
        "政府工作报告",
        "某某县",
        "2022-01-05",
        2022,
        "张三",
        "某某县第十八届人民代表大会第一次会议",
        "txt",
        400,
    )
    return Plan(document, sections, indicators, tasks, checks)


# ---------------------------------------------------------------- databases
# The storage tests run against SQLite and PostgreSQL. The PostgreSQL server is found at
# BIHUAN_TEST_PG (default: 127.0.0.1:5432, user postgres, trust auth); each test gets a fresh
# database of its own. Where no server answers, those tests skip, unless BIHUAN_REQUIRE_PG=1
# (set by .ci/run), which turns the skip into a failure.
PG_ADMIN = os.environ.get("BIHUAN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin_connect() -> Any:
    import psycopg

    return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def pg_server() -> str:
    try:
        with _pg_admin_connect() as conn:
            conn.execute("select 1")
    except Exception as e:  # no server, no driver, refused
        if os.environ.get("BIHUAN_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is required (BIHUAN_REQUIRE_PG=1) but unreachable at {PG_ADMIN}: {e}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN} ({type(e).__name__}); PostgreSQL tests skipped")
    return PG_ADMIN


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"bihuan_t_{uuid.uuid4().hex[:12]}"
    with _pg_admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with _pg_admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty ledger database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def ledger(db_url: str) -> Iterator[Any]:
    from bihuan.ledger.db import open_ledger

    opened = open_ledger(db_url)
    try:
        yield opened
    finally:
        opened.close()
