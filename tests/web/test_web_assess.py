"""The 考核 page (/assess) and the 考核表 download (/assess.xlsx): the office and leaders see the
same ranking as `bihuan assess`, each point linked to its task; units are refused; a deployment's
rule file (the `assess_rules` setting) is used and its hash shown."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from web_helpers import ADMIN, LEADER, PID, TODAY, UNIT_USERS, Web

from bihuan.track.assess import assess
from bihuan.track.assess_rules import AssessRules, rule_zh


def expected(web: Web, rules: AssessRules | None = None) -> list[tuple[int, str, float, int]]:
    with web.db() as s:
        result = assess(s, PID, TODAY, rules or AssessRules.load())
    return [(u.rank, u.unit, u.score, len(u.events)) for u in result.units]


def ranking_rows(page: str) -> list[tuple[int, str, float, int]]:
    table = page.split('id="assess-ranking"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r"<tr><td>(\d+)</td><td><a [^>]*>([^<]+)</a></td><td>([\d.\-]+)</td><td>(\d+)</td></tr>", table
    )
    return [(int(r), u, float(s), int(n)) for r, u, s, n in rows]


@pytest.mark.parametrize("who", [ADMIN, LEADER])
def test_the_office_and_leaders_see_the_ranking_and_breakdown(ro_web: Web, who: str) -> None:
    r = ro_web.as_(who).get("/assess")
    assert r.status_code == 200, r.text
    assert ranking_rows(r.text) == expected(ro_web)
    assert AssessRules.load().sha256 in r.text
    with ro_web.db() as s:
        first = assess(s, PID, TODAY, AssessRules.load()).units[0]
    section = r.text.split(f'id="unit-{first.unit_id}"', 1)[1].split("</section>", 1)[0]
    for e in first.events:
        if e.task_number is not None:
            assert f'href="/plans/{PID}/tasks/{e.task_number}"' in section
    linked = set(re.findall(rf'href="/plans/{PID}/tasks/(\d+)"', r.text))
    for number in list(linked)[:5]:  # the links lead to task pages that exist
        assert ro_web.as_(who).get(f"/plans/{PID}/tasks/{number}").status_code == 200
    assert '<a href="/assess">考核</a>' in r.text


def test_one_units_breakdown_and_another_day(ro_web: Web) -> None:
    client = ro_web.as_(ADMIN)
    r = client.get("/assess", params={"unit": "住房和城乡建设局", "on": "2023-03-10"})
    assert r.status_code == 200
    assert r.text.count('class="card assess-unit"') == 1 and "住房和城乡建设局：" in r.text
    assert 'value="2023-03-10"' in r.text
    assert client.get("/assess", params={"on": "2023-02-30"}).status_code == 400


@pytest.mark.parametrize("unit_user", sorted(UNIT_USERS))
def test_units_are_refused(ro_web: Web, unit_user: str) -> None:
    for path in ("/assess", "/assess.xlsx"):
        r = ro_web.as_(unit_user).get(path)
        assert r.status_code == 403
        assert "排名" not in r.text


def test_the_xlsx_download_is_the_same_assessment(ro_web: Web) -> None:
    r = ro_web.as_(LEADER).get("/assess.xlsx", params={"plan": PID})
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    rows = [tuple(x[:4]) for x in wb["排名"].iter_rows(min_row=4, values_only=True)]
    assert rows == [(rank, unit, score, n) for rank, unit, score, n in expected(ro_web)]


def test_a_deployments_rule_file(demo_template: tuple[Path, dict[str, str]], tmp_path: Path,
                                 make_web: Callable[..., Web]) -> None:  # fmt: skip
    rules = tmp_path / "县考核规则.toml"
    rules.write_text('base = 50\n[points]\nreport_missing = -1\n[points.supervised]\n"挂牌" = -10\n', "utf-8")
    db = tmp_path / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_template[0]}{suffix}").exists():
            shutil.copyfile(f"{demo_template[0]}{suffix}", f"{db}{suffix}")
    web = make_web(str(db), demo_template[1], assess_rules=str(rules))
    r = web.as_(ADMIN).get("/assess")
    assert r.status_code == 200
    loaded = AssessRules.load(rules)
    assert loaded.sha256 in r.text and ranking_rows(r.text) == expected(web, loaded)
    assert all(score <= 50 for _, _, score, _ in ranking_rows(r.text))
    rules.write_text("[points]\nreport_lat = 1\n", "utf-8")
    bad = web.as_(ADMIN).get("/assess")
    assert bad.status_code == 400 and "report_lat" in bad.text


def test_a_large_assessment_shows_subtotals_and_each_units_events_on_its_own(
    ro_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bihuan.web import assess_pages

    monkeypatch.setattr(assess_pages, "MAX_EVENTS", 10)
    client = ro_web.as_(ADMIN)
    page = client.get("/assess").text
    with ro_web.db() as s:
        units = assess(s, PID, TODAY, AssessRules.load()).units
    assert page.count('class="assess-subtotals"') == sum(1 for u in units if u.events)
    assert f'href="/plans/{PID}/tasks/' not in page.split('id="assess-ranking"', 1)[1]
    busiest = max(units, key=lambda u: len(u.events))
    section = page.split(f'id="unit-{busiest.unit_id}"', 1)[1].split("</section>", 1)[0]
    for rule, n, total in busiest.by_rule():
        assert f"<td>{rule_zh(rule)}</td><td>{n}</td><td>{total:+g}</td>" in section
    assert sum(total for _, _, total in busiest.by_rule()) == pytest.approx(busiest.score - 100)
    one = client.get("/assess", params={"unit": busiest.unit}).text  # the link to its events
    assert one.count(f'href="/plans/{PID}/tasks/') >= len([e for e in busiest.events if e.task_number])
