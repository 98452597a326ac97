"""Contacts and the current plan on the command line: `units load` with contact columns,
`units list` masking the secret, `user add --email`, `plan current [--set ID]`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from openpyxl import Workbook
from test_ledger_cli import ERROR_LINE, EXAMPLE, bihuan, ok, table

DING = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"
SECRET = "SEC0123456789abcdef0123456789abcdef"


def _fail(*args: str) -> str:
    result = bihuan(*args)
    assert result.exit_code == 2, (args, result.output)
    assert result.stdout == ""
    assert ERROR_LINE.match(result.stderr.splitlines()[-1]), result.stderr
    return result.stderr


def test_units_load_yaml_with_contacts_and_list_them_masked(tmp_path: Path) -> None:
    db = str(tmp_path / "督查.db")
    units = [
        {"name": "数据资源局", "short": "数据局", "email": "sjj@example.org", "dingtalk_webhook": DING,
         "dingtalk_secret": SECRET},
        {"name": "档案馆", "keywords": ["档案"], "wecom_webhook": "http://127.0.0.1:9/hook?key=abcdefgh"},
    ]  # fmt: skip
    path = tmp_path / "名录.yaml"
    path.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), "utf-8")
    out = ok("units", "load", str(path), "--db", db).strip()
    assert out == "单位名录：新增 2，更新 0，未变 0；2 个单位的通讯方式有更新"
    assert ok("units", "load", str(path), "--db", db).strip() == "单位名录：新增 0，更新 0，未变 2"
    listed = ok("units", "list", "--db", db)
    assert SECRET not in listed and "0123456789abcdef" not in listed and "abcdefgh" not in listed
    rows = {r["名称"]: r for r in table(listed)}
    assert rows["数据资源局"]["邮箱"] == "sjj@example.org"
    assert rows["数据资源局"]["钉钉机器人"] == (
        "https://oapi.dingtalk.com/robot/send?access_token=0123…（加签：已设置（…cdef））"
    )
    assert rows["档案馆"]["企业微信机器人"] == "http://127.0.0.1:9/hook?key=abcd…"


def test_units_load_refuses_bad_contacts_one_line_per_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称", "邮箱", "钉钉机器人", "钉钉加签密钥", "企业微信机器人"])
    ws.append(["数据资源局", "sjj@example.org", DING, SECRET, None])
    ws.append(["档案馆", "dag at example.org", "oapi.dingtalk.com", None, None])
    ws.append(["机关事务服务中心", None, None, None, "ftp://x"])
    wb.save(tmp_path / "名录.xlsx")
    db = str(tmp_path / "督查.db")
    err = _fail("units", "load", str(tmp_path / "名录.xlsx"), "--db", db)
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("  第 3 行 / row 3：单位“档案馆”：邮箱“dag at example.org”格式不对")
    assert "钉钉机器人地址" in lines[0]
    assert lines[1].startswith("  第 4 行 / row 4：单位“机关事务服务中心”：企业微信机器人地址“ftp://x”")
    assert "单位名录有 2 行有误，未导入任何内容" in lines[2]


def test_user_add_with_an_email(tmp_path: Path) -> None:
    db = str(tmp_path / "督查.db")
    out = ok("user", "add", "小王", "--role", "admin", "--password", "a-long-password", "--email", "w@example.org",
             "--db", db)  # fmt: skip
    assert out.strip() == "已添加用户 小王（admin），邮箱 w@example.org"
    err = _fail(
        "user", "add", "小李", "--role", "admin", "--password", "a-long-password", "--email", "li", "--db", db
    )
    assert "邮箱“li”格式不对" in err


def test_plan_current(tmp_path: Path) -> None:
    db = str(tmp_path / "督查.db")
    assert "还没有计划" in _fail("plan", "current", "--db", db)
    ok("plan", "import", EXAMPLE, "--db", db)
    assert ok("plan", "current", "--db", db).strip() == "当前计划：计划 1（示例县 2023 年）（唯一的计划）"
    ok("plan", "import", EXAMPLE, "--region", "另一县", "--db", db)
    assert "计划 2（另一县 2023 年）（督查室尚未设定，取最近导入的计划）" in ok("plan", "current", "--db", db)
    assert (
        ok("plan", "current", "--set", "1", "--db", db).strip() == "已设为当前计划：计划 1（示例县 2023 年）"
    )
    assert (
        ok("plan", "current", "--set", "1", "--db", db).strip()
        == "本来就是当前计划：计划 1（示例县 2023 年）"
    )
    assert ok("plan", "current", "--db", db).strip() == "当前计划：计划 1（示例县 2023 年）（由 督查室 设定）"
    # commands without --plan use it, though plan 2 is newer
    assert re.search(r"示例县", ok("plan", "show", "--db", db).splitlines()[0])
    assert "没有编号为 7 的计划" in _fail("plan", "current", "--set", "7", "--db", db)
