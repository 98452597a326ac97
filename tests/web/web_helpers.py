"""Helpers for the web tests: a browser-like login, reading forms out of pages, and looking
things up in the ledger behind the app (who leads which task, how many rows a table holds)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.cli.web_cmds import DEMO_PASSWORD, DEMO_USERS
from bihuan.ledger import queries
from bihuan.ledger.models import Base, ProgressReport, WebSession
from bihuan.web.app import create_app
from bihuan.web.deps import COOKIE
from bihuan.web.settings import WebSettings

TODAY = dt.date(2023, 7, 10)
PASSWORD = DEMO_PASSWORD
REPORT = Path(__file__).resolve().parents[2] / "examples" / "shixian-2022-report.txt"
ADMIN, LEADER = "督查室", "县长"
UNIT_USERS = {name: unit for name, role, unit in DEMO_USERS if role == "unit"}  # user → unit name
PID = 1  # the demo plan


def settings(db: str, **kw: Any) -> WebSettings:
    return WebSettings(db=db, today=lambda: TODAY, **kw)


# ---------------------------------------------------------------- logging in like a browser
def hidden(page: str, name: str) -> str:
    """The value of the first input called `name` in a page."""
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert m, f"no {name} field in the page"
    return m.group(1)


def browser_login(
    client: TestClient, name: str, password: str = PASSWORD, next_: str | None = None
) -> httpx.Response:
    """GET /login (its pre token and cookie), then POST the form; the 303 is returned unfollowed."""
    page = client.get("/login")
    assert page.status_code == 200
    form = {"name": name, "password": password, "pre": hidden(page.text, "pre")}
    if next_ is not None:
        form["next"] = next_
    return client.post("/login", data=form, follow_redirects=False)


class Web:
    """One app on one ledger, and clients for its users. Sessions are made by logging in through
    the login form; a template database may bring sessions made that way already (`tokens`)."""

    def __init__(self, db: str, tokens: Mapping[str, str] | None = None, **kw: Any) -> None:
        self.db_url = db
        self.app: FastAPI = create_app(settings(db, **kw))
        self.tokens: dict[str, str] = dict(tokens or {})

    def anon(self) -> TestClient:
        return TestClient(self.app)

    def login(self, name: str, password: str = PASSWORD) -> TestClient:
        client = self.anon()
        r = browser_login(client, name, password)
        assert r.status_code == 303 and r.headers["location"] == "/dashboard", r.headers
        assert client.cookies.get(COOKIE)
        return client

    def as_(self, name: str) -> TestClient:
        """A client logged in as `name` (reusing a session from the template when there is one)."""
        if name not in self.tokens:
            self.tokens[name] = str(self.login(name).cookies.get(COOKIE))
        client = self.anon()
        client.cookies.set(COOKIE, self.tokens[name])
        return client

    @contextmanager
    def db(self) -> Iterator[Session]:
        with self.app.state.ledger.sessions() as s:
            yield s

    def close(self) -> None:
        self.app.state.ledger.close()


def api_csrf(client: TestClient) -> str:
    r = client.get("/api/v1/session")
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


# ---------------------------------------------------------------- forms in pages
@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's option values


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.textarea: str | None = None
        self.select: str | None = None
        self.option: tuple[str | None, bool] | None = None  # (value attribute, selected)
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file"):
            self.form.fields.setdefault(name, a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""
        elif tag == "select" and name:
            self.select = name
            self.form.options[name] = []
        elif tag == "option" and self.select:
            self.option, self.text = (a.get("value") if "value" in a else None, "selected" in a), ""

    def handle_data(self, data: str) -> None:
        self.text += data

    def handle_endtag(self, tag: str) -> None:
        if self.form is None:
            return
        if tag == "textarea" and self.textarea:
            self.form.fields[self.textarea] = self.text
            self.textarea = None
        elif tag == "option" and self.select and self.option is not None:
            value = self.option[0] if self.option[0] is not None else self.text.strip()
            self.form.options[self.select].append(value)
            if self.option[1] or self.select not in self.form.fields:
                self.form.fields[self.select] = value
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.form = None


def forms(page: str) -> list[Form]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form(page: str, action: str, **match: str) -> Form:
    """The first form posting to `action` (and holding the fields in `match`), as a browser
    would fill it by default."""
    found = [
        f for f in forms(page) if f.action == action and all(f.fields.get(k) == v for k, v in match.items())
    ]
    assert found, f"no form for {action} {match}; forms: {[f.action for f in forms(page)]}"
    return found[0]


def error_page(r: httpx.Response, status: int, *phrases: str) -> None:
    """An HTML error page with this status, saying each phrase, and that nothing was saved."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    assert f"{status} · " in r.text
    for p in phrases:
        assert p in r.text, (p, re.sub(r"\s+", " ", r.text)[-700:])
    if status >= 400:
        assert "没有保存任何改动" in r.text


def timeline(page: str) -> list[tuple[str, str]]:
    """The task page's timeline as (kind, text) pairs, top first."""
    m = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    assert m, "no timeline"
    return [
        (kind, re.sub(r"<[^>]+>", "", text).strip())
        for kind, text in re.findall(r"<b>(.*?)</b>(.*?)(?=<li>|$)", m.group(1), re.S)
    ]


# ---------------------------------------------------------------- the ledger
def row_counts(s: Session) -> dict[str, int]:
    """Rows in every table, plus ended sessions: what a refused request must leave as it was."""
    out = {t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}
    out["ended sessions"] = (
        s.scalar(select(func.count()).select_from(WebSession).where(WebSession.ended_at.is_not(None))) or 0
    )
    return out


@dataclass(frozen=True)
class TaskInfo:
    number: int
    key: str
    lead: str | None
    cooperating: tuple[str, ...]
    quantities: tuple[str, ...]  # names of its targets with a value (the progress form's v: fields)


def tasks(s: Session, pid: int = PID) -> list[TaskInfo]:
    rev = queries.latest_revision(s, pid)
    assert rev is not None
    names = {u.id: u.name for u in queries.units(s)}
    current = queries.current_assignments(s, pid)
    inds = {i.iid: i for i in queries.indicators(s, rev.id)}
    out = []
    for t in queries.tasks(s, rev.id):
        a = current.get(t.key)
        qs = tuple(
            inds[i].name
            for i in t.indicator_iids
            if i in inds and inds[i].kind == "target" and inds[i].value is not None
        )
        out.append(
            TaskInfo(
                t.number,
                t.key,
                names[a.lead_unit_id] if a else None,
                tuple(names[u] for u in a.cooperating_unit_ids) if a else (),
                tuple(dict.fromkeys(qs)),
            )
        )
    return out


def unit_tasks(s: Session, unit: str) -> set[int]:
    """The tasks a unit leads or cooperates on."""
    return {t.number for t in tasks(s) if t.lead == unit or unit in t.cooperating}


def led_task(s: Session, unit: str, *, quantity: bool = False) -> TaskInfo:
    """A task the unit leads (with a quantity to report, if asked)."""
    return next(t for t in tasks(s) if t.lead == unit and (t.quantities or not quantity))


def cooperating_task(s: Session, unit: str) -> TaskInfo:
    return next(t for t in tasks(s) if unit in t.cooperating and t.lead != unit)


def foreign_task(s: Session, unit: str) -> TaskInfo:
    """A task the unit neither leads nor cooperates on."""
    return next(t for t in tasks(s) if t.lead is not None and t.lead != unit and unit not in t.cooperating)


def reports(s: Session, key: str, pid: int = PID) -> list[ProgressReport]:
    return list(
        s.scalars(
            select(ProgressReport)
            .where(ProgressReport.document_id == pid, ProgressReport.task_key == key)
            .order_by(ProgressReport.id)
        )
    )


def own_figures(report: str, copies: int) -> str:
    """`copies` copies of a report, each with its amounts moved by its number: a fact said twice
    is one indicator, so a large report made of copies must say new figures in each."""
    amount = re.compile(r"(\d+)(?=(?:\.\d+)?(?:亿元|万元|万人|个|公里|%))")
    return "\n".join(amount.sub(lambda m, k=k: str(int(m.group(1)) + k), report) for k in range(copies))
