"""The JSON API under /api/v1: plans, tasks, assignments, progress and status, with the same
permissions as the pages. Writes need the session's CSRF token in the X-CSRF-Token header."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi import Path as InPath
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from bihuan.ledger import queries
from bihuan.track import assign, board
from bihuan.track.current import current_plan
from bihuan.track.plans import find_task
from bihuan.track.progress import ProgressInput, add_reports
from bihuan.track.status import TaskStatus, statuses
from bihuan.web.deps import MAX_ID, Db, Me, check_csrf, request_day, require


class RowErrorOut(BaseModel):
    row: int
    error: str
    error_en: str


class ErrorOut(BaseModel):
    """Every refusal of the API: one line in Chinese and in English (and the bad rows, if any)."""

    error: str = Field(..., description="中文说明")
    error_en: str = Field(..., description="English")
    rows: list[RowErrorOut] | None = None


def _errors(*codes: int) -> dict[int | str, dict[str, object]]:
    said = {
        400: "请求有误（如数值不合规则）",
        401: "未登录",
        403: "没有权限，或缺少 X-CSRF-Token",
        404: "没有这个计划或任务",
        413: "请求体太大",
        422: "输入格式有误",
        503: "服务器繁忙，请稍后重试",
    }
    return {c: {"model": ErrorOut, "description": said[c]} for c in codes}


class Missing(Exception):
    """No such plan or task: 404 with the API's error body."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class _Route(APIRoute):
    """The API's routes answer Missing with 404 (the app's handlers know no 404 of their own)."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except Missing as e:
                return JSONResponse({"error": e.zh, "error_en": e.en}, status_code=404)

        return answer


# Every operation may answer these; the ones with an id add 404, the writes 400 and 403.
router = APIRouter(
    prefix="/api/v1", tags=["bihuan"], responses=_errors(401, 413, 422, 503), route_class=_Route
)
Csrf = Annotated[str | None, Header(alias="X-CSRF-Token")]
PlanId = Annotated[int, InPath(description="计划编号（见 /plans）")]
TaskNumber = Annotated[int, InPath(description="任务序号")]


class PlanOut(BaseModel):
    id: int
    region: str
    plan_year: int
    revision: int
    title: str | None
    tasks: int
    indicators: int
    published: bool
    current: bool = Field(False, description="是否为督查室设定的当前计划（不指定计划时用它）")


class IndicatorOut(BaseModel):
    key: str
    name: str
    kind: str
    period: str
    value: float | None
    unit: str | None
    growth_pct: float | None
    quote: str


class StatusOut(BaseModel):
    state: str = Field(description="未交办、待报送、未报送、未启动、正常推进、滞后、逾期 或 已完成")
    light: str
    reasons: list[str]
    time_progress: float
    expected: float
    progress: float | None
    judged_by: str = Field("", description="定灯依据：指标数值、形象进度，或空（尚无报送）")
    handed_over: dt.date | None = Field(None, description="交办日期（报送义务自此开始）；未交办为空")


class TaskOut(BaseModel):
    number: int
    key: str
    area: str | None
    text: str
    lead: str | None
    cooperating: list[str]
    leader: str | None
    deadline: dt.date
    status: StatusOut


class TaskDetailOut(TaskOut):
    indicators: list[IndicatorOut]


class AssignmentIn(BaseModel):
    lead: str | None = Field(None, description="牵头单位（名称、简称或别名）；不写则沿用")
    cooperating: list[str] | None = Field(None, description="配合单位；不写则沿用")
    leader: str | None = Field(None, max_length=100)
    deadline: dt.date | None = None
    milestones: list[str] | None = Field(None, description="如 2023-06-30:50%:主体完工")


class ProgressIn(BaseModel):
    period: str = Field(..., description="报送期间 YYYY-MM", max_length=7)
    values: dict[str, float | str] = Field(default_factory=dict, description="指标名称或键 → 累计完成值")
    percent: float | str | None = Field(None, description="形象进度 0-100")
    narrative: str | None = Field(None, max_length=5000)
    problems: str | None = Field(None, max_length=5000)
    next_steps: str | None = Field(None, max_length=5000)
    submission: str | None = Field(None, max_length=64, description="一次性令牌：重复提交只记一次")


class ProgressOut(BaseModel):
    period: str
    values: dict[str, float]
    percent: float | None
    narrative: str | None
    problems: str | None
    next_steps: str | None
    author: str
    created_at: dt.datetime = Field(..., description="UTC")


class Saved(BaseModel):
    saved: int


def _task_out(it: TaskStatus) -> TaskOut:
    s = it.status
    return TaskOut(
        number=it.number, key=it.key, area=it.area, text=it.text, lead=it.lead, cooperating=list(it.cooperating),
        leader=it.leader, deadline=it.deadline,
        status=StatusOut(state=s.state, light=s.light, reasons=list(s.reasons), time_progress=s.time_progress,
                         expected=s.expected, progress=s.progress, judged_by=s.judged_by,
                         handed_over=s.handed_over),
    )  # fmt: skip


def _utc(moment: dt.datetime) -> dt.datetime:
    """The ledger keeps UTC without a zone; the API says so (RFC 3339 wants the offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _plan(db: Db, pid: int) -> None:
    """404 for a plan that does not exist (a number too big for any id included)."""
    if not 1 <= pid <= MAX_ID or queries.document(db, pid) is None:
        raise Missing(f"没有编号为 {pid} 的计划", f"no plan {pid}")


def _task(db: Db, pid: int, number: int) -> None:
    _plan(db, pid)
    if not 1 <= number <= MAX_ID or find_task(db, pid, str(number)) is None:
        raise Missing(f"任务“{number}”不存在", f"no task {number} in plan {pid}")


@router.get("/plans", response_model=list[PlanOut], summary="计划列表")
def plans(db: Db, me: Me) -> list[PlanOut]:
    out = []
    cur = current_plan(db)
    for d in queries.documents(db):
        rev = queries.latest_revision(db, d.id)
        if rev is None:
            continue
        t, i = queries.count_rows(db, rev.id)
        out.append(PlanOut(id=d.id, region=d.region, plan_year=d.plan_year, revision=rev.number, title=rev.title,
                           tasks=t, indicators=i, published=board.is_published(db, d.id), current=d.id == cur))  # fmt: skip
    return out


@router.get(
    "/plans/{pid}/tasks",
    response_model=list[TaskOut],
    summary="计划的任务及状态（责任单位只见本单位任务）",
    responses=_errors(404),
)
def tasks(request: Request, db: Db, me: Me, pid: PlanId, on: dt.date | None = None) -> list[TaskOut]:
    _plan(db, pid)
    items = statuses(
        db, pid, on or request_day(request), request.app.state.settings.status, board.visible_unit(me)
    )
    return [_task_out(it) for it in items]


class UnitLightsOut(BaseModel):
    unit: str
    red: int
    yellow: int
    green: int
    done: int


class SummaryOut(BaseModel):
    on: dt.date
    lights: dict[str, int]
    states: dict[str, int]
    units: list[UnitLightsOut]


@router.get("/plans/{pid}/status", response_model=SummaryOut, summary="红黄绿灯汇总", responses=_errors(404))
def status_summary(request: Request, db: Db, me: Me, pid: PlanId, on: dt.date | None = None) -> SummaryOut:
    _plan(db, pid)
    view = board.dashboard(db, pid, on or request_day(request), me, request.app.state.settings.status)
    units = [
        UnitLightsOut(unit=g.name, red=g.red, yellow=g.yellow, green=g.green, done=g.done) for g in view.units
    ]
    return SummaryOut(on=view.on, lights=view.counts, states=view.states, units=units)


@router.get(
    "/plans/{pid}/tasks/{number}",
    response_model=TaskDetailOut,
    summary="一项任务",
    responses=_errors(403, 404),
)
def task(request: Request, db: Db, me: Me, pid: PlanId, number: TaskNumber) -> TaskDetailOut:
    _task(db, pid, number)
    page = board.task_page(db, pid, str(number), request_day(request), me, request.app.state.settings.status)
    base = _task_out(page.status)
    inds = [IndicatorOut(key=i.key, name=i.name, kind=i.kind, period=i.period, value=i.value, unit=i.unit,
                         growth_pct=i.growth_pct, quote=i.quote) for i in page.indicators]  # fmt: skip
    return TaskDetailOut(**base.model_dump(), indicators=inds)


@router.put(
    "/plans/{pid}/tasks/{number}/assignment",
    response_model=TaskOut,
    summary="修改分工（督查室）",
    responses=_errors(400, 403, 404),
)
def put_assignment(
    request: Request, db: Db, me: Me, pid: PlanId, number: TaskNumber, body: AssignmentIn, x_csrf: Csrf = None
) -> TaskOut:
    require(me, "admin")
    check_csrf(request, x_csrf)
    _task(db, pid, number)
    assign.set_assignment(db, pid, str(number), lead=body.lead, cooperating=body.cooperating, leader=body.leader,
                          deadline=body.deadline, milestones=body.milestones, user=me.name)  # fmt: skip
    return task(request, db, me, pid, number)


@router.get(
    "/plans/{pid}/tasks/{number}/progress",
    response_model=list[ProgressOut],
    summary="一项任务的全部报送（含更正前的版本）",
    responses=_errors(403, 404),
)
def get_progress(request: Request, db: Db, me: Me, pid: PlanId, number: TaskNumber) -> list[ProgressOut]:
    _task(db, pid, number)
    found = board.require_task_access(db, pid, str(number), me)
    rows = queries.task_reports(db, pid, found.key)
    return [ProgressOut(period=r.period, values=r.values, percent=r.percent, narrative=r.narrative, problems=r.problems,
                        next_steps=r.next_steps, author=r.author, created_at=_utc(r.created_at)) for r in rows]  # fmt: skip


@router.post(
    "/plans/{pid}/tasks/{number}/progress",
    response_model=Saved,
    status_code=201,
    summary="报送进度",
    responses=_errors(400, 403, 404),
)
def post_progress(
    request: Request, db: Db, me: Me, pid: PlanId, number: TaskNumber, body: ProgressIn, x_csrf: Csrf = None
) -> Saved:
    require(me, "unit", "admin")
    check_csrf(request, x_csrf)
    _task(db, pid, number)
    board.require_task_access(db, pid, str(number), me)
    row = ProgressInput(
        1, str(number), body.period, body.values, body.percent, body.narrative, body.problems, body.next_steps
    )
    n = add_reports(db, pid, [row], author=me.name, today=request_day(request),
                    unit_name=me.unit_name if me.role == "unit" else None, submission=body.submission)  # fmt: skip
    return Saved(saved=n)


class SessionOut(BaseModel):
    name: str
    role: str
    unit: str | None
    csrf_token: str | None = Field(None, description="写操作放在 X-CSRF-Token 请求头中")


@router.get("/session", response_model=SessionOut, summary="当前登录的人与 CSRF 令牌")
def whoami(request: Request, me: Me) -> SessionOut:
    return SessionOut(
        name=me.name, role=me.role, unit=me.unit_name, csrf_token=getattr(request.state, "csrf", None)
    )
