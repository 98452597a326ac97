"""督查通报 on the web, on the demo ledger (2023-07-10): the office previews, downloads (.docx,
.pdf) and issues; leaders read the issued ones and download them as issued; units are refused;
bad input is a 4xx page that says why, with nothing stored."""

from __future__ import annotations

import hashlib
import io

import pytest
from docx import Document
from web_helpers import ADMIN, LEADER, PID, Web, error_page, form, row_counts

from bihuan.export import bulletin_pdf
from bihuan.ledger.models import BulletinRecord

UNIT = "发改局"
TITLE = "关于示例县2023年政府工作报告重点任务推进情况的通报"


def test_the_office_previews_the_bulletin(web: Web) -> None:
    r = web.as_(ADMIN).get("/bulletins")
    assert r.status_code == 200, r.text[:300]
    assert TITLE in r.text and "某县督查室〔2023〕1号" in r.text and "（2023年6月）" in r.text
    assert "需要关注的任务" in r.text and "<svg" in r.text and "还没有印发的通报" in r.text
    # the pages' Content-Security-Policy allows no inline style: the bulletin's look is a stylesheet
    assert "<style" not in r.text and ' style="' not in r.text and 'href="/bulletins/bulletin.css"' in r.text
    css = web.anon().get("/bulletins/bulletin.css")
    assert (
        css.status_code == 200
        and css.headers["content-type"].startswith("text/css")
        and ".bl-masthead" in css.text
    )
    earlier = web.as_(ADMIN).get(f"/bulletins?plan={PID}&on=2023-05-10&period=2023-03")
    assert (
        earlier.status_code == 200 and "截至2023年5月10日" in earlier.text and "（2023年3月）" in earlier.text
    )


def test_draft_downloads(web: Web) -> None:
    client = web.as_(ADMIN)
    r = client.get(f"/bulletins/draft.docx?plan={PID}&on=2023-07-10")
    assert r.status_code == 200 and r.headers["content-type"].startswith(MIME_DOCX)
    assert "attachment" in r.headers["content-disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(r.content)).paragraphs]
    assert TITLE in paragraphs and "草稿（未印发）" in paragraphs


@pytest.mark.usefixtures("cjk_fonts")
def test_draft_pdf_download(web: Web) -> None:
    pdf = web.as_(ADMIN).get(f"/bulletins/draft.pdf?plan={PID}&on=2023-07-10")
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and pdf.headers["content-type"] == "application/pdf"
    )


def test_no_chinese_font_no_blank_pdf(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulletin_pdf, "cjk_font_missing", lambda: True)
    r = web.as_(ADMIN).get(f"/bulletins/draft.pdf?plan={PID}&on=2023-07-10")
    assert r.status_code == 400 and "没有中文字体" in r.text and "fonts-noto-cjk" in r.text


MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_issue_then_leaders_read_and_units_are_refused(web: Web) -> None:
    office = web.as_(ADMIN)
    page = office.get("/bulletins").text
    f = form(page, "/bulletins/issue")
    f.fields.pop("pdf", None)  # Word only: quicker
    r = office.post("/bulletins/issue", data=f.fields, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/bulletins?plan={PID}&issued=")
    with web.db() as s:
        row = s.query(BulletinRecord).one()
        number, sha, rid = row.number, row.docx_sha256, row.id
    assert number == "某县督查室〔2023〕1号"
    listed = web.as_(LEADER).get("/bulletins")
    assert listed.status_code == 200 and number in listed.text and "印发" not in _forms(listed.text)
    assert "bulletin-preview" not in listed.text  # leaders read issued bulletins, they draft none
    got = web.as_(LEADER).get(f"/bulletins/{rid}/docx")
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha
    assert number in [p.text for p in Document(io.BytesIO(got.content)).paragraphs]
    error_page(web.as_(LEADER).get(f"/bulletins/{rid}/pdf"), 400, "没有生成 PDF")
    for path in ("/bulletins", f"/bulletins/{rid}/docx", "/bulletins/draft.docx"):
        assert web.as_(UNIT).get(path).status_code == 403
    assert web.as_(LEADER).get("/bulletins/draft.docx").status_code == 403
    # the second issue supersedes the first
    f = form(office.get("/bulletins").text, "/bulletins/issue")
    f.fields.pop("pdf", None)
    f.fields["supersedes"] = str(rid)
    assert office.post("/bulletins/issue", data=f.fields, follow_redirects=False).status_code == 303
    page = office.get("/bulletins").text
    assert "替代 某县督查室〔2023〕1号" in page and "已被 某县督查室〔2023〕2号 替代" in page


def _forms(page: str) -> str:
    return "".join(part.split(">", 1)[0] for part in page.split("<form")[1:])


@pytest.mark.parametrize(
    ("change", "status", "said"),
    [
        ({"on": "2023-13-01"}, 400, "通报日期应写作"),
        ({"period": "2023-07"}, 400, "还未到报送期限"),
        ({"period": "六月"}, 400, "期间须为年月"),
        ({"supersedes": "abc"}, 400, "应为数字"),
        ({"supersedes": "5"}, 400, "没有编号为 5 的已印发通报"),
        ({"plan": "77"}, 400, "没有编号为 77 的计划"),
    ],
)
def test_bad_issue_input_is_a_4xx_page_and_stores_nothing(
    web: Web, change: dict[str, str], status: int, said: str
) -> None:
    office = web.as_(ADMIN)
    f = form(office.get("/bulletins").text, "/bulletins/issue")
    with web.db() as s:
        before = row_counts(s)
    error_page(
        office.post("/bulletins/issue", data={**f.fields, **change}, follow_redirects=False), status, said
    )
    with web.db() as s:
        assert row_counts(s) == before


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/bulletins?on=2023-02-30", 400),
        ("/bulletins?period=2099-01", 400),
        ("/bulletins/draft.txt", 404),
        ("/bulletins/1/docx", 400),  # none issued yet
        ("/bulletins/1/exe", 404),
    ],
)
def test_bad_addresses(web: Web, path: str, status: int) -> None:
    assert web.as_(ADMIN).get(path).status_code == status
