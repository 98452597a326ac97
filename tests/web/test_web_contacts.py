"""The office's contact pages (units' email and robots, users' email), the current plan and the
plan selector on every page with a plan, and milestones kept when a row of the assignment table
is saved. On the demo ledger (plan 1, made current by the demo)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from web_helpers import ADMIN, LEADER, PID, REPORT, UNIT_USERS, Web, form, forms, tasks, unit_tasks

from bihuan.extract import extract_text
from bihuan.ledger import queries
from bihuan.ledger.models import Assignment, CurrentPlan, UnitContact, User
from bihuan.track import assign, handover, plans

DING = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"
SECRET = "SEC0123456789abcdef0123456789abcdef"
UNIT_A = "发改局"  # a unit user of the demo; their unit is UNIT_USERS[UNIT_A]


def _unit_id(web: Web, name: str) -> int:
    with web.db() as s:
        return next(u.id for u in queries.units(s) if u.name == name)


def _contacts(web: Web) -> int:
    with web.db() as s:
        return s.scalar(select(func.count()).select_from(UnitContact)) or 0


def _row(page: str, anchor: str) -> str:
    m = re.search(rf'<tr id="{anchor}"[^>]*>(.*?)</tr>', page, re.S)
    assert m, anchor
    return m.group(1)


# ---------------------------------------------------------------- unit contacts
def test_the_office_sees_every_unit_with_its_demo_address(web: Web) -> None:
    page = web.as_(ADMIN).get("/admin/units")
    assert page.status_code == 200
    assert 'href="/admin/units"' in page.text  # the nav link 单位通讯录
    uid = _unit_id(web, "发展和改革局")
    assert "邮箱：fgj@example.org" in _row(page.text, f"unit-{uid}")
    with web.db() as s:
        n = len(queries.units(s))
    assert len(re.findall(r'<tr id="unit-\d+"', page.text)) == n
    assert page.text.count("@example.org") >= n


def test_saving_contacts_adds_a_row_and_the_secret_never_comes_back(any_web: Web) -> None:
    web = any_web
    client = web.as_(ADMIN)
    uid = _unit_id(web, "农业农村局")
    action = f"/admin/units/{uid}/contacts"
    f = form(client.get("/admin/units").text, action)
    assert f.fields["dingtalk_secret"] == ""  # a password field, empty
    before = _contacts(web)
    r = client.post(action, data={**f.fields, "dingtalk_webhook": DING, "dingtalk_secret": SECRET},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"/admin/units?saved={uid}#unit-{uid}"
    assert _contacts(web) == before + 1
    page = client.get(r.headers["location"]).text
    assert SECRET not in page
    row = _row(page, f"unit-{uid}")
    assert "已保存" in row and "已设置（…cdef）" in row
    shown = row.split('class="current-contacts"')[1].split("</td>")[0]
    assert "access_token=0123…" in shown and "0123456789abcdef" not in shown  # the list hides the token
    # saving the form as shown (secret field empty) keeps the secret and adds nothing
    f = form(page, action)
    assert f.fields["dingtalk_secret"] == "" and f.fields["dingtalk_webhook"] == DING
    assert client.post(action, data=f.fields, follow_redirects=False).status_code == 303
    assert _contacts(web) == before + 1
    with web.db() as s:
        c = queries.unit_contacts(s)[uid]
        assert (c.dingtalk_secret, c.email, c.created_by) == (SECRET, "nyncj@example.org", ADMIN)
    # the box to clear it
    assert f.options["secret_action"] == ["keep", "clear"]
    client.post(action, data={**f.fields, "secret_action": "clear"})
    with web.db() as s:
        assert queries.unit_contacts(s)[uid].dingtalk_secret is None


def test_a_bad_entry_is_400_and_the_form_keeps_what_was_typed(web: Web) -> None:
    client = web.as_(ADMIN)
    uid = _unit_id(web, "农业农村局")
    action = f"/admin/units/{uid}/contacts"
    f = form(client.get("/admin/units").text, action)
    before = _contacts(web)
    typed = {**f.fields, "email": "nyj-at-example.org", "wecom_webhook": "ftp://qyapi.weixin.qq.com/x",
             "dingtalk_webhook": DING, "dingtalk_secret": SECRET}  # fmt: skip
    r = client.post(action, data=typed, follow_redirects=False)
    assert r.status_code == 400
    assert "邮箱“nyj-at-example.org”格式不对" in r.text and "企业微信机器人地址" in r.text
    assert "没有保存任何改动" in r.text
    again = form(r.text, action)
    assert again.fields["email"] == "nyj-at-example.org"
    assert again.fields["wecom_webhook"] == "ftp://qyapi.weixin.qq.com/x"
    assert again.fields["dingtalk_webhook"] == DING
    assert again.fields["dingtalk_secret"] == "" and SECRET not in r.text  # not even the typed secret
    assert "has-error" in r.text.split(f'id="unit-{uid}"')[1][:40]
    assert _contacts(web) == before
    # another unit's row shows its saved values, not the typed ones
    other = _unit_id(web, "发展和改革局")
    assert form(r.text, f"/admin/units/{other}/contacts").fields["email"] == "fgj@example.org"


def test_an_unknown_unit_is_404(web: Web) -> None:
    client = web.as_(ADMIN)
    csrf = form(client.get("/admin/units").text, "/logout").fields["csrf_token"]
    assert (
        client.post(
            "/admin/units/9999/contacts", data={"csrf_token": csrf, "email": "a@example.org"}
        ).status_code
        == 404
    )


# ---------------------------------------------------------------- user email
def test_the_office_sets_a_users_email(web: Web) -> None:
    client = web.as_(ADMIN)
    with web.db() as s:
        uid = s.scalar(select(User.id).where(User.name == UNIT_A))
    action = f"/admin/users/{uid}/email"
    page = client.get("/admin/users").text
    f = form(page, action)
    assert f.fields["email"] == "fgj.lianluo@example.org"
    r = client.post(action, data={**f.fields, "email": "bad address"}, follow_redirects=False)
    assert r.status_code == 400 and "格式不对" in r.text
    assert form(r.text, action).fields["email"] == "bad address"
    r = client.post(action, data={**f.fields, "email": "li@example.org"}, follow_redirects=False)
    assert r.status_code == 303
    assert "已保存" in _row(client.get(r.headers["location"]).text, f"user-{uid}")
    with web.db() as s:
        assert s.get(User, uid).email == "li@example.org"  # type: ignore[union-attr]


# ---------------------------------------------------------------- the current plan
def _import_another(web: Web, region: str = "另一县") -> int:
    text = REPORT.read_text("utf-8")
    with web.db() as s:
        return plans.import_plan(s, extract_text(text, "txt"), text=text, source_name="另一份.txt", user=ADMIN,
                                 region=region).document_id  # fmt: skip


def _inbox_tasks(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'<section class="card inbox-task [a-z]+" id="task-(\d+)"', page)}


def test_a_units_inbox_stays_on_the_current_plan_after_another_import(any_web: Web) -> None:
    """The bug: the office imported another report and every unit's inbox emptied. On SQLite
    and PostgreSQL."""
    web = any_web
    with web.db() as s:
        mine = unit_tasks(s, UNIT_USERS[UNIT_A])
    unit = web.as_(UNIT_A)
    assert _inbox_tasks(unit.get("/inbox").text) == mine and mine
    other = _import_another(web)
    assert other != PID
    assert _inbox_tasks(unit.get("/inbox").text) == mine
    with web.db() as s:  # the office even assigns a task of the new plan and hands it over
        assign.confirm(s, other, ["1"], ADMIN)
        handover.publish(s, other, dt.date(2023, 7, 1), ADMIN)
    assert unit_tasks_of(web, other) != mine
    page = unit.get("/inbox").text
    assert _inbox_tasks(page) == mine
    sel = form(page, "/inbox", period="2023-07")
    assert sel.fields["plan"] == str(PID) and set(sel.options["plan"]) == {str(PID), str(other)}
    # the dashboard, the API and the command line's default agree
    assert "示例县 2023 年（当前）" in web.as_(ADMIN).get("/dashboard").text
    listed = {p["id"]: p["current"] for p in unit.get("/api/v1/plans").json()}
    assert listed == {PID: True, other: False}
    # the unit may still look at the other plan on purpose
    assert _inbox_tasks(unit.get(f"/inbox?plan={other}").text) == unit_tasks_of(web, other)


def unit_tasks_of(web: Web, pid: int) -> set[int]:
    with web.db() as s:
        return {
            t.number
            for t in tasks(s, pid)
            if t.lead == UNIT_USERS[UNIT_A] or UNIT_USERS[UNIT_A] in t.cooperating
        }


def test_the_office_makes_another_plan_current(web: Web) -> None:
    other = _import_another(web)
    admin = web.as_(ADMIN)
    page = admin.get(f"/dashboard?plan={other}").text
    f = form(page, f"/plans/{other}/current")
    assert form(admin.get("/dashboard").text, "/dashboard").fields["plan"] == str(PID)
    r = admin.post(f"/plans/{other}/current", data=f.fields, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/dashboard?plan={other}"
    with web.db() as s:
        assert s.scalar(select(CurrentPlan.document_id).order_by(CurrentPlan.id.desc()).limit(1)) == other
    page = admin.get("/dashboard").text
    assert "另一县 2023 年（当前）" in page
    assert not [x for x in forms(page) if x.action.endswith("/current")]  # already current: no button
    assert _inbox_tasks(web.as_(UNIT_A).get("/inbox").text) == set()  # nothing assigned in it yet
    # a unit and a leader cannot
    csrf = form(web.as_(LEADER).get("/dashboard").text, "/logout").fields["csrf_token"]
    assert web.as_(LEADER).post(f"/plans/{PID}/current", data={"csrf_token": csrf}).status_code == 403


def test_every_page_with_a_plan_has_a_plan_selector(web: Web) -> None:
    other = _import_another(web)
    with web.db() as s:
        number = next(iter(unit_tasks(s, UNIT_USERS[UNIT_A])))
    pages = {
        ADMIN: ["/dashboard", f"/plans/{PID}/assign", f"/plans/{PID}/tasks/{number}", "/inbox"],
        UNIT_A: ["/dashboard", "/inbox", f"/plans/{PID}/tasks/{number}"],
        LEADER: ["/dashboard", f"/plans/{PID}/assign"],
    }
    for who, urls in pages.items():
        for url in urls:
            page = web.as_(who).get(url)
            assert page.status_code == 200, (who, url)
            sel = [f for f in forms(page.text) if "plan" in f.options]
            assert sel, (who, url)
            assert sel[0].method == "get" and sel[0].fields["plan"] == str(PID), (who, url)
            assert set(sel[0].options["plan"]) == {str(PID), str(other)}, (who, url)
            assert "<script" not in page.text
    # the assignment table's selector leads to the chosen plan's table
    r = web.as_(ADMIN).get(f"/assign?plan={other}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/plans/{other}/assign"
    r = web.as_(LEADER).get("/assign", follow_redirects=False)
    assert r.headers["location"] == f"/plans/{PID}/assign"


def test_an_office_that_never_chose_gets_the_only_plan(empty_web: Web) -> None:
    admin = empty_web.as_(ADMIN)
    assert admin.get("/inbox").status_code == 200  # no plan: the empty page
    pid = _import_another(empty_web, "某县")
    page = admin.get("/dashboard").text
    assert "某县 2023 年（当前）" in page
    assert f'action="/plans/{pid}/current"' not in page  # it is current already, by being the only one


# ---------------------------------------------------------------- milestones
def test_saving_a_row_keeps_its_milestones_unless_edited(web: Web) -> None:
    client = web.as_(ADMIN)
    with web.db() as s:
        task = tasks(s)[1]
        assign.set_assignment(s, PID, str(task.number), lead=None, cooperating=None, leader="王副县长",
                              deadline=None, milestones=["2023-06-30:50%:主体完工", "2023-09-30:80%"],
                              user=ADMIN)  # fmt: skip
    action = f"/plans/{PID}/tasks/{task.number}/assign"
    page = client.get(f"/plans/{PID}/assign").text
    row = _row(page, f"task-{task.number}")
    assert "节点：2023-06-30:50%:主体完工；2023-09-30:80%" in row
    f = form(page, action)
    assert f.fields["milestones"] == "2023-06-30:50%:主体完工；2023-09-30:80%"
    # the office changes the leader only, as a browser sends the row
    r = client.post(action, data={**f.fields, "leader": "李副县长"}, follow_redirects=False)
    assert r.status_code == 303
    with web.db() as s:
        a = queries.current_assignments(s, PID, task.key)[task.key]
        assert a.leader == "李副县长"
        assert a.milestones == [
            {"due": "2023-06-30", "pct": 50.0, "label": "主体完工"},
            {"due": "2023-09-30", "pct": 80.0, "label": None},
        ]
    # edited: one milestone changed, one removed
    client.post(action, data={**f.fields, "milestones": "2023-10-31:90%:竣工"})
    with web.db() as s:
        a = queries.current_assignments(s, PID, task.key)[task.key]
        assert a.milestones == [{"due": "2023-10-31", "pct": 90.0, "label": "竣工"}]
    # a form without the field (an older page, a script) keeps them too
    fields = {k: v for k, v in f.fields.items() if k != "milestones"}
    client.post(action, data=fields)
    with web.db() as s:
        assert queries.current_assignments(s, PID, task.key)[task.key].milestones[0]["label"] == "竣工"
        n = s.scalar(select(func.count()).select_from(Assignment))
    # a bad one is refused, nothing stored
    r = client.post(action, data={**f.fields, "milestones": "六月底:50%"})
    assert r.status_code == 400 and "节点“六月底:50%”格式不对" in r.text
    with web.db() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)) == n
    # cleared on purpose
    client.post(action, data={**f.fields, "milestones": ""})
    with web.db() as s:
        assert queries.current_assignments(s, PID, task.key)[task.key].milestones == []
