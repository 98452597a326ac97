"""Unit contacts (email, 钉钉 and 企业微信 robots) from the directory file (YAML, Excel) and from the
office's edits, people's email, and the current plan. On SQLite and PostgreSQL (`ledger`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.export.ledger_books import read_units_book
from bihuan.extract.types import Plan
from bihuan.ledger import queries
from bihuan.ledger.models import UnitContact, User
from bihuan.track import assign, contacts, current, directory, handover, plans
from bihuan.track.errors import RowErrors, TrackError
from bihuan.track.users import add_user

DING = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
SECRET = "SEC0123456789abcdef0123456789abcdef"

YAML = f"""
units:
  - name: 发展和改革局
    short: 发改局
    keywords: [项目]
    email: fgj@example.org
    dingtalk_webhook: "{DING}"
    dingtalk_secret: {SECRET}
  - name: 农业农村局
    keywords: [农田]
    wecom_webhook: "{WECOM}"
  - name: 财政局
    keywords: [预算]
"""


def _count(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(UnitContact)) or 0


def _by_name(s: Session) -> dict[str, UnitContact]:
    ids = {u.name: u.id for u in queries.units(s)}
    got = queries.unit_contacts(s)
    return {n: got[i] for n, i in ids.items() if i in got}


# ---------------------------------------------------------------- parsing and validation
def test_yaml_entries_carry_the_contacts_given() -> None:
    fgj, nyj, czj = directory.parse_yaml(YAML)
    assert dict(fgj.contact) == {
        "email": "fgj@example.org",
        "dingtalk_webhook": DING,
        "dingtalk_secret": SECRET,
    }
    assert dict(nyj.contact) == {"wecom_webhook": WECOM}
    assert czj.contact == ()  # nothing given: the unit's contacts stay as they are


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("email", "fgj@example.org", None),
        ("email", "  li.si+duban@xx.gov.cn ", None),
        ("email", "", None),  # blank: no address
        ("email", "fgj.example.org", "邮箱“fgj.example.org”格式不对"),
        ("email", "fgj@example", "格式不对"),
        ("email", "a@b@example.org", "格式不对"),
        ("email", "张 三@example.org", "格式不对"),
        ("email", "a@example.org, b@example.org", "格式不对"),
        ("email", "x" * 300 + "@example.org", "格式不对"),
        ("dingtalk_webhook", DING, None),
        ("dingtalk_webhook", "http://127.0.0.1:8765/robot/send?access_token=t", None),
        ("dingtalk_webhook", "ftp://oapi.dingtalk.com/robot", "钉钉机器人地址"),
        ("dingtalk_webhook", "javascript:alert(1)", "须为 http:// 或 https://"),
        ("dingtalk_webhook", "oapi.dingtalk.com/robot/send", "须为 http:// 或 https://"),
        ("dingtalk_webhook", "https:///no-host", "须为 http:// 或 https://"),
        ("dingtalk_webhook", "https://a b.com/x", "须为 http:// 或 https://"),
        ("dingtalk_webhook", "https://[::1/x", "须为 http:// 或 https://"),
        ("wecom_webhook", WECOM, None),
        ("wecom_webhook", "file:///etc/passwd", "企业微信机器人地址"),
        ("wecom_webhook", "https://example.org/" + "x" * 500, "须为 http:// 或 https://"),
        ("dingtalk_secret", SECRET, None),
        ("dingtalk_secret", "SEC 123", "钉钉加签密钥不对"),
        ("dingtalk_secret", "S" * 201, "钉钉加签密钥不对"),
    ],
)
def test_each_field_is_checked(field: str, value: str, problem: str | None) -> None:
    if problem is None:
        got = contacts.check_field(field, value)
        assert got == (value.strip() or None)
    else:
        with pytest.raises(TrackError) as e:
            contacts.check_field(field, value)
        assert problem in e.value.zh and e.value.en


def test_one_line_per_bad_row_naming_the_unit_and_every_problem_of_it() -> None:
    rows: list[dict[str, Any]] = [
        {"name": "发展和改革局", "email": "fgj.example.org", "wecom_webhook": "ftp://x"},
        {"name": "农业农村局", "email": "nyj@example.org"},
        {"name": "财政局", "dingtalk_webhook": "www.dingtalk.com"},
    ]
    with pytest.raises(RowErrors) as e:
        directory.entries_from_rows(rows)
    lines = e.value.problems
    assert [r for r, _, _ in lines] == [2, 4]  # workbook rows: the header is row 1
    first = lines[0][1]
    assert first.startswith("单位“发展和改革局”：") and "邮箱" in first and "企业微信机器人" in first
    assert "\n" not in first
    assert "财政局" in lines[1][1] and "钉钉机器人" in lines[1][1]


@pytest.mark.parametrize(
    ("secret", "shown"),
    [(None, ""), ("", ""), ("short", "已设置"), (SECRET, "已设置（…cdef）")],
)
def test_the_secret_is_never_shown_in_full(secret: str | None, shown: str) -> None:
    assert contacts.mask_secret(secret) == shown
    if secret:
        assert secret not in contacts.mask_secret(secret)


def test_a_webhook_token_is_shortened_in_lists() -> None:
    assert contacts.mask_url(DING) == "https://oapi.dingtalk.com/robot/send?access_token=0123…"
    assert "0123456789abcdef" not in contacts.mask_url(DING)
    assert contacts.mask_url("http://127.0.0.1:9/hook") == "http://127.0.0.1:9/hook"
    assert contacts.mask_url(None) == ""


# ---------------------------------------------------------------- storing
def test_yaml_import_stores_contacts_and_an_unchanged_reimport_adds_no_row(ledger: Any) -> None:
    with ledger.sessions() as s:
        r = directory.load_directory(s, directory.parse_yaml(YAML), "督查室")
        assert (r.added, r.contacts) == (3, 2)
        got = _by_name(s)
        assert set(got) == {"发展和改革局", "农业农村局"}
        fgj = got["发展和改革局"]
        assert (fgj.email, fgj.dingtalk_webhook, fgj.dingtalk_secret, fgj.wecom_webhook) == (
            "fgj@example.org",
            DING,
            SECRET,
            None,
        )
        assert fgj.created_by == "督查室"
        assert got["农业农村局"].wecom_webhook == WECOM
        assert _count(s) == 2

        again = directory.load_directory(s, directory.parse_yaml(YAML), "另一人")
        assert (again.added, again.changed, again.unchanged, again.contacts) == (0, 0, 3, 0)
        assert _count(s) == 2

        changed = YAML.replace("fgj@example.org", "fgj2@example.org")
        r = directory.load_directory(s, directory.parse_yaml(changed), "督查室")
        assert (r.unchanged, r.contacts) == (3, 1)
        assert _count(s) == 3
        fgj = _by_name(s)["发展和改革局"]
        assert (fgj.email, fgj.dingtalk_secret) == ("fgj2@example.org", SECRET)  # the rest kept


def test_a_file_without_contacts_keeps_them_and_a_blank_clears_one(ledger: Any) -> None:
    with ledger.sessions() as s:
        directory.load_directory(s, directory.parse_yaml(YAML), "督查室")
        bare = "units:\n  - name: 发展和改革局\n    short: 发改局\n    keywords: [项目]\n"
        r = directory.load_directory(s, directory.parse_yaml(bare), "督查室")
        assert r.contacts == 0 and _by_name(s)["发展和改革局"].email == "fgj@example.org"
        blank = bare + '    email: ""\n'
        r = directory.load_directory(s, directory.parse_yaml(blank), "督查室")
        assert r.contacts == 1
        fgj = _by_name(s)["发展和改革局"]
        assert fgj.email is None and fgj.dingtalk_webhook == DING and fgj.dingtalk_secret == SECRET


def test_a_bad_row_stores_nothing(ledger: Any) -> None:
    with ledger.sessions() as s:
        bad = YAML.replace("fgj@example.org", "fgj-at-example.org")
        with pytest.raises(RowErrors):
            directory.load_directory(s, directory.parse_yaml(bad), "督查室")
        assert queries.units(s) == [] and _count(s) == 0


def _book(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_excel_import_with_contact_columns(ledger: Any, tmp_path: Path) -> None:
    header = ["单位名称", "简称", "关键词", "邮箱", "钉钉机器人", "钉钉加签密钥", "企业微信机器人"]
    book = _book(
        tmp_path / "名录.xlsx",
        header,
        [
            ["发展和改革局", "发改局", "项目、服务业", "fgj@example.org", DING, SECRET, None],
            ["农业农村局", "农业农村局", "农田", None, None, None, WECOM],
        ],
    )
    with ledger.sessions() as s:
        r = directory.load_directory(s, directory.entries_from_rows(read_units_book(book)), "督查室")
        assert (r.added, r.contacts) == (2, 2)
        got = _by_name(s)
        assert got["发展和改革局"].dingtalk_secret == SECRET and got["农业农村局"].wecom_webhook == WECOM
        assert got["农业农村局"].email is None
        # the same workbook again: nothing new
        r = directory.load_directory(s, directory.entries_from_rows(read_units_book(book)), "督查室")
        assert r.contacts == 0 and _count(s) == 2
        # a workbook without the contact columns keeps every contact
        plain = _book(tmp_path / "旧名录.xlsx", ["单位名称", "简称"], [["发展和改革局", "发改局"]])
        directory.load_directory(s, directory.entries_from_rows(read_units_book(plain)), "督查室")
        assert _count(s) == 2 and _by_name(s)["发展和改革局"].email == "fgj@example.org"


def test_excel_bad_rows_are_named_by_their_row(tmp_path: Path) -> None:
    book = _book(
        tmp_path / "名录.xlsx",
        ["单位名称", "邮箱", "企业微信机器人"],
        [
            ["发展和改革局", "fgj@example.org", None],
            [None, None, None],
            ["农业农村局", "nyj", "weixin.qq.com"],
        ],
    )
    with pytest.raises(RowErrors) as e:
        directory.entries_from_rows(read_units_book(book))
    ((row, zh, _),) = e.value.problems
    assert row == 4 and "农业农村局" in zh and "邮箱“nyj”" in zh and "企业微信机器人" in zh


def test_the_office_edits_contacts_and_a_blank_secret_keeps_the_old_one(ledger: Any) -> None:
    with ledger.sessions() as s:
        directory.load_directory(s, directory.parse_yaml(YAML), "督查室")
        uid = next(u.id for u in queries.units(s) if u.name == "发展和改革局")
        form = {
            "email": "new@example.org",
            "dingtalk_webhook": DING,
            "dingtalk_secret": "",
            "wecom_webhook": "",
        }
        assert contacts.set_contact(s, uid, form, "督查室小王", keep_blank_secret=True)
        row = queries.unit_contacts(s)[uid]
        assert (row.email, row.dingtalk_secret, row.created_by) == ("new@example.org", SECRET, "督查室小王")
        # the same form again adds nothing
        before = _count(s)
        assert not contacts.set_contact(s, uid, form, "督查室小王", keep_blank_secret=True)
        assert _count(s) == before
        # clearing the secret on purpose
        assert contacts.set_contact(s, uid, {**form, "dingtalk_secret": ""}, "督查室小王")
        assert queries.unit_contacts(s)[uid].dingtalk_secret is None
        with pytest.raises(TrackError, match="格式不对"):
            contacts.set_contact(s, uid, {**form, "email": "nope"}, "督查室小王")
        with pytest.raises(TrackError, match="没有编号为 999 的单位"):
            contacts.set_contact(s, 999, form, "督查室小王")
        lines = {u.name: u for u in contacts.unit_lines(s)}
        assert (
            lines["发展和改革局"].email == "new@example.org" and not lines["发展和改革局"].dingtalk_secret_set
        )
        assert lines["财政局"].email is None


def test_users_have_an_email(ledger: Any) -> None:
    with ledger.sessions() as s:
        directory.load_directory(s, directory.parse_yaml(YAML), "督查室")
        u = add_user(
            s, "发改局联络员", "a-long-password", "unit", "发改局", "督查室", email=" lly@example.org "
        )
        assert u.email == "lly@example.org"
        with pytest.raises(TrackError, match="格式不对"):
            add_user(s, "另一个", "a-long-password", "leader", None, "督查室", email="lly")
        assert s.scalar(select(func.count()).select_from(User)) == 1
        assert contacts.set_user_email(s, u.id, "new@example.org", "督查室")
        assert not contacts.set_user_email(s, u.id, "new@example.org", "督查室")
        assert contacts.set_user_email(s, u.id, "", "督查室")
        assert s.get(User, u.id).email is None  # type: ignore[union-attr]
        with pytest.raises(TrackError, match="格式不对"):
            contacts.set_user_email(s, u.id, "x@", "督查室")
        assert [(x.name, unit) for x, unit in contacts.users(s)] == [("发改局联络员", "发展和改革局")]


# ---------------------------------------------------------------- the current plan
def _plan(s: Session, sample_plan: Plan, region: str, year: int) -> int:
    text = f"{region}{year}" + "。" * 400
    return plans.import_plan(s, sample_plan, text=text, source_name="r.txt", user="督查室", region=region,
                             year=year).document_id  # fmt: skip


def test_current_plan_fallbacks_and_the_offices_choice(ledger: Any, sample_plan: Plan) -> None:
    with ledger.sessions() as s:
        assert current.current(s) is None and current.current_plan(s) is None
        first = _plan(s, sample_plan, "某某县", 2022)
        assert current.current(s) == current.Current(first, "only")
        second = _plan(s, sample_plan, "某某县", 2023)
        assert current.current(s) == current.Current(second, "newest")
        # the older plan is handed over: it is the one units work on
        directory.ensure_directory(s, "督查室")
        assign.confirm(s, first, [], "督查室")
        handover.publish(s, first, dt.date(2022, 1, 16), "督查室")
        assert current.current(s) == current.Current(first, "handed over")
        # the office chooses; a newer import, even handed over, does not take its place
        assert current.set_current_plan(s, first, "督查室")
        assert not current.set_current_plan(s, first, "督查室")
        third = _plan(s, sample_plan, "某某县", 2024)
        assign.confirm(s, third, [], "督查室")
        handover.publish(s, third, dt.date(2024, 1, 16), "督查室")
        assert current.current(s) == current.Current(first, "chosen", "督查室")
        assert [(c.id, c.current) for c in current.plan_choices(s)] == [(third, False), (second, False),
                                                                        (first, True)]  # fmt: skip
        assert current.plan_choices(s)[-1].label == "某某县 2022 年（当前）"
        assert current.set_current_plan(s, third, "督查室")
        assert current.current_plan(s) == third
        with pytest.raises(TrackError, match="没有编号为 99 的计划"):
            current.set_current_plan(s, 99, "督查室")


# ---------------------------------------------------------------- milestones as a form shows them
@pytest.mark.parametrize(
    "text",
    [
        "2023-06-30:50%:主体完工",
        "2023-06-30:50%",
        "2023-06-30",
        "2023-06-30::开工",
        "2023-09-30:12.5%:完成一半",
    ],
)
def test_milestone_text_reads_back(text: str) -> None:
    m = assign.parse_milestone(text)
    assert assign.parse_milestone(assign.milestone_text(m)) == m
    assert assign.milestone_text(m) == text


def test_milestone_lines() -> None:
    assert assign.milestone_lines("2023-06-30:50%；2023-09-30:80%:x\n2023-12-31:100%; ") == [
        "2023-06-30:50%",
        "2023-09-30:80%:x",
        "2023-12-31:100%",
    ]
    assert assign.milestone_lines("  ") == []
