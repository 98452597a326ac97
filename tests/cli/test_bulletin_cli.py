"""`bihuan bulletin` on the demo ledger: the draft as .docx and .pdf read back (the issue's bar),
issuing with numbers in sequence, superseding, the list; bad input is one line and exit 2 with no
file written."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from typer.testing import Result

from bihuan.cli.web_cmds import build_demo
from bihuan.export import bulletin_pdf

Invoke = Callable[..., Result]
DAY = "2023-07-10"
TITLE = "关于示例县2023年政府工作报告重点任务推进情况的通报"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, dt.date(2023, 7, 10), supervision=True)
    return path


@pytest.fixture
def demo_copy(demo: Path, tmp_path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo}{suffix}").exists():
            shutil.copy(f"{demo}{suffix}", tmp_path / f"demo.db{suffix}")
    return str(tmp_path / "demo.db")


@pytest.mark.usefixtures("cjk_fonts")
def test_the_demo_bulletin_as_word_and_pdf(invoke: Invoke, demo: Path, tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    out, pdf = tmp_path / "通报.docx", tmp_path / "通报.pdf"
    r = invoke("bulletin", "--db", str(demo), "--on", DAY, "--out", str(out), "--pdf", str(pdf))
    assert r.exit_code == 0, r.output
    assert "某县督查室〔2023〕1号" in r.stdout and "草稿，未印发" in r.stdout and "2023年6月" in r.stdout
    d = Document(io.BytesIO(out.read_bytes()))
    assert TITLE in [p.text for p in d.paragraphs]
    flagged = d.tables[0]
    assert flagged.rows[0].cells[3].text == "牵头单位" and len(flagged.rows) > 10
    assert {row.cells[1].text for row in flagged.rows[1:]} == {"红", "黄"}
    with pdfplumber.open(pdf) as doc:
        assert TITLE in "".join(doc.pages[0].extract_text().split())
        cells = {
            "".join(c.split()) for p in doc.pages for t in p.extract_tables() for row in t for c in row if c
        }
        assert flagged.rows[1].cells[3].text in cells  # the first flagged task's lead unit, in both files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["通报.docx", "通报.pdf"]  # no temporary files left


def test_no_chinese_font_no_blank_pdf(
    invoke: Invoke, demo_copy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulletin_pdf, "cjk_font_missing", lambda: True)
    args = ("bulletin", "--db", demo_copy, "--on", DAY, "--out", str(tmp_path / "通报.docx"))
    r = invoke(*args, "--pdf", str(tmp_path / "通报.pdf"), "--issue", "--by", "张三")
    assert r.exit_code == 2 and "没有中文字体" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]  # neither file, and nothing issued:
    listed = invoke("bulletin", "--db", demo_copy, "--list")
    assert listed.exit_code == 0 and "〔2023〕1号" not in listed.stdout


def test_issue_twice_supersede_and_list(invoke: Invoke, demo_copy: str, tmp_path: Path) -> None:
    args = ("bulletin", "--db", demo_copy, "--on", DAY, "--issue", "--by", "张三")
    first = invoke(*args, "--out", str(tmp_path / "1.docx"))
    assert first.exit_code == 0, first.output and "某县督查室〔2023〕1号" in first.stdout
    second = invoke(*args, "--out", str(tmp_path / "2.docx"), "--supersedes", "1")
    assert second.exit_code == 0, second.output
    assert "某县督查室〔2023〕2号" in second.stdout and "已印发并存档（编号 2" in second.stdout
    assert "某县督查室〔2023〕2号" in [p.text for p in Document(str(tmp_path / "2.docx")).paragraphs]
    again = invoke(*args, "--out", str(tmp_path / "3.docx"), "--supersedes", "1")
    assert again.exit_code == 2 and "已被 某县督查室〔2023〕2号 替代" in again.stderr
    assert not (tmp_path / "3.docx").exists()
    listed = invoke("bulletin", "--db", demo_copy, "--list")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("[2] 某县督查室〔2023〕2号") and "替代 某县督查室〔2023〕1号" in lines[0]
    assert lines[1].startswith("[1] 某县督查室〔2023〕1号") and "已被 某县督查室〔2023〕2号 替代" in lines[1]
    got = invoke("bulletin", "--db", demo_copy, "--get", "2", "--out", str(tmp_path / "again.docx"))
    assert got.exit_code == 0, got.output
    assert (tmp_path / "again.docx").read_bytes() == (tmp_path / "2.docx").read_bytes()
    no_pdf = invoke(
        "bulletin",
        "--db",
        demo_copy,
        "--get",
        "2",
        "--out",
        str(tmp_path / "x.docx"),
        "--pdf",
        str(tmp_path / "x.pdf"),
    )
    assert no_pdf.exit_code == 2 and "没有生成 PDF" in no_pdf.stderr and not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize(
    ("args", "zh"),
    [
        ((), "请用 --out"),
        (("--out", "x.docx", "--period", "2023-13"), "期间须为年月"),
        (("--out", "x.docx", "--period", "2023-07"), "还未到报送期限"),
        (("--out", "x.docx", "--on", "2023-02-30"), "--on 应为日期"),
        (("--out", "x.docx", "--issue"), "印发须写明印发人"),
        (("--out", "x.docx", "--supersedes", "1"), "须与 --issue 一起用"),
        (("--out", "x.doc"), "须以 .docx 结尾"),
        (("--out", "x.docx", "--pdf", "x.docx"), "须以 .pdf 结尾"),
        (("--out", "x.docx", "--pdf", "x.pdf", "--plan", "99"), "没有编号为 99 的计划"),
        (("--out", "nowhere/x.docx"), "目录不存在"),
        (("--out", "x.docx", "--issue", "--by", "张三", "--supersedes", "7"), "没有编号为 7 的已印发通报"),
        (("--out", "x.docx", "--settings", "none.toml"), "找不到文件"),
        (("--out", "x.docx", "--get", "3"), "没有编号为 3 的已印发通报"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    invoke: Invoke,
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    zh: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    r = invoke("bulletin", "--db", str(demo), "--on", DAY, *args)
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and " / Error: " in lines[0] and zh in lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_bad_settings_file_is_one_line(invoke: Invoke, demo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "b.toml"
    bad.write_text('office = "x"\n', "utf-8")
    r = invoke(
        "bulletin", "--db", str(demo), "--on", DAY, "--out", str(tmp_path / "x.docx"), "--settings", str(bad)
    )
    assert r.exit_code == 2 and "缺少的设置" in r.stderr and not (tmp_path / "x.docx").exists()


def test_the_bulletin_shows_attainment_once_the_next_report_is_in(
    invoke: Invoke, demo_copy: str, tmp_path: Path
) -> None:
    """七、目标兑现 appears when 示例县's next report (the team's fictional example) is imported."""
    before = tmp_path / "before.docx"
    assert invoke("bulletin", "--db", demo_copy, "--on", DAY, "--out", str(before)).exit_code == 0
    assert "七、目标兑现" not in [p.text for p in Document(io.BytesIO(before.read_bytes())).paragraphs]
    nxt = Path(__file__).resolve().parents[2] / "examples" / "shixian-2023-report.txt"
    imported = invoke("plan", "import", str(nxt), "--db", demo_copy)
    assert imported.exit_code == 0, imported.output
    after = tmp_path / "after.docx"
    assert invoke("bulletin", "--db", demo_copy, "--on", DAY, "--out", str(after)).exit_code == 0
    d = Document(io.BytesIO(after.read_bytes()))
    texts = [p.text for p in d.paragraphs]
    assert "七、目标兑现" in texts
    said = texts[texts.index("七、目标兑现") + 1]
    assert said.startswith("据示例县2024年政府工作报告，2023年目标中有") and "一般公共预算收入" in said
    rows = {r.cells[0].text: r.cells[3].text for r in d.tables[-1].rows[1:]}
    assert rows["地区生产总值"] == "完成" and rows["一般公共预算收入"] == "未完成"
