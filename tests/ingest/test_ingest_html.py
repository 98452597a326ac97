"""Main-text selection from saved government web pages."""

from __future__ import annotations

import pytest

from bihuan.ingest import read_bytes
from bihuan.ingest.html_main import declared_charset
from bihuan.ingest.html_words import load_words, parse_words

PARA_1 = "现在，我代表县人民政府向大会报告工作，请予审议。"
PARA_2 = "全县地区生产总值增长6.5%，一般公共预算收入完成12.3亿元。"
PARA_3 = "地区生产总值增长6%左右，新增城镇就业3000人以上。"


def _html(body: str) -> bytes:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>".encode()


# (case id, body markup, expected main text)
CASES: list[tuple[str, str, str]] = [
    ("paragraphs", f"<p>{PARA_1}</p><p>{PARA_2}</p>", f"{PARA_1}\n{PARA_2}"),
    ("br-breaks", f"<div>{PARA_1}<br>{PARA_2}<br/>{PARA_3}</div>", f"{PARA_1}\n{PARA_2}\n{PARA_3}"),
    (
        "headings-and-list",
        f"<h2>一、目标</h2><ul><li>{PARA_2}<li>{PARA_3}</ul>",
        f"一、目标\n{PARA_2}\n{PARA_3}",
    ),
    (
        "entities",
        f"<p>{PARA_1}</p><p>A&amp;B&nbsp;&nbsp;C &lt;D&gt; &#x793A;&#20363;县</p><p>{PARA_2}</p>",
        f"{PARA_1}\nA&B C <D> 示例县\n{PARA_2}",
    ),
    ("collapse-spaces", f"<p>  甲   乙\t丙  </p><p>{PARA_1}</p>", f"甲 乙 丙\n{PARA_1}"),
    ("newline-between-hanzi", "<p>现在，我代表县人民政府\n   向大会报告工作，请予审议。</p>", PARA_1),
    (
        "newline-between-words",
        f"<p>{PARA_1}</p><p>GDP\ngrowth</p><p>{PARA_2}</p>",
        f"{PARA_1}\nGDP growth\n{PARA_2}",
    ),
    ("leading-latin-menu-dropped", f"<p>Home About Contact English</p><p>{PARA_1}</p>", PARA_1),
    (
        "script-style-dropped",
        f"<script>document.write('<p>不要这段脚本文字</p>')</script><style>p{{}}</style><p>{PARA_1}</p>",
        PARA_1,
    ),
    (
        "nav-aside-dropped",
        f"<nav>首页 政务公开</nav><p>{PARA_1}</p><aside>相关新闻：示例县召开会议部署明年重点任务</aside>",
        PARA_1,
    ),
    (
        "header-footer-dropped",
        f"<header>示例县人民政府门户网站</header><p>{PARA_1}</p><footer>版权所有 示例县</footer>",
        PARA_1,
    ),
    (
        "noscript-form-dropped",
        f"<noscript>请启用脚本</noscript><p>{PARA_1}</p><form>搜索 站内检索关键词</form>",
        PARA_1,
    ),
    (
        "aspnet-form-wraps-page",
        f"<form id='form1'><header>网站头部</header><p>{PARA_1}</p><p>{PARA_2}</p></form>",
        f"{PARA_1}\n{PARA_2}",
    ),
    (
        "article-header-kept",
        f"<article><header><h1>示例县政府工作报告</h1></header><p>{PARA_1}</p></article>",
        f"示例县政府工作报告\n{PARA_1}",
    ),
    (
        "table-rows",
        f"<p>{PARA_1}</p><table><tr><th>指标</th><th>目标</th><tr><td>增速</td><td>6%</td></table>",
        f"{PARA_1}\n指标 目标\n增速 6%",
    ),
    (
        "unclosed-and-stray-tags",
        f"<div><p>{PARA_1}<p>{PARA_2}</span></b><div>{PARA_3}",
        f"{PARA_1}\n{PARA_2}\n{PARA_3}",
    ),
    (
        "tightest-content-element",
        f"<div class='main'><div class='content'><p>{PARA_1}</p><p>{PARA_2}</p><p>{PARA_3}</p></div><div class='side'>图片新闻栏目列表</div></div>",
        f"{PARA_1}\n{PARA_2}\n{PARA_3}",
    ),
    (
        "content-element-beats-long-sidebar",
        f"<div class='list'><p>{PARA_3}</p></div><div id='zoom'><p>{PARA_1}</p><p>{PARA_2}</p><p>{PARA_1}</p></div>",
        f"{PARA_1}\n{PARA_2}\n{PARA_1}",
    ),
    (
        "boilerplate-trimmed-without-container",
        "<div>首页 | 机构 | 政务公开 | 互动</div><div>您的位置：首页 &gt; 报告</div><div>示例县政府工作报告</div>"
        f"<div>发布日期：2024-01-15</div><p>{PARA_1}</p><p>打印本页 关闭窗口</p><p>{PARA_2}</p>"
        "<div>示例县人民政府</div><div>2024年1月15日</div><div>上一篇：无</div><div>示例县人民政府 版权所有</div>",
        f"示例县政府工作报告\n{PARA_1}\n{PARA_2}\n示例县人民政府\n2024年1月15日",
    ),
    (
        "table-row-in-middle-kept",
        f"<p>{PARA_1}</p><table><tr><td>指标</td><td>目标</td><td>责任单位</td><td>时限</td></tr></table><p>{PARA_2}</p>",
        f"{PARA_1}\n指标 目标 责任单位 时限\n{PARA_2}",
    ),
    (
        "short-page-keeps-non-boilerplate",
        "<div>首页</div><p>各位代表：</p><p>请予审议。</p>",
        "各位代表：\n请予审议。",
    ),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_main_text(body: str, expected: str) -> None:
    assert read_bytes(_html(body), "page.html").text == expected


def test_deep_nesting_does_not_crash() -> None:
    body = "<div>" * 20000 + PARA_1 + "</div>" * 20000
    assert read_bytes(_html(body), "deep.html").text == PARA_1


def test_broken_markup_keeps_text() -> None:
    body = f"<p>{PARA_1}</p><![if !supportLists]><p>{PARA_2}</p><!-- unclosed comment"
    assert PARA_1 in read_bytes(_html(body), "odd.html").text


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<meta charset="gb2312">', "gb2312"),
        (b"<meta charset=UTF-8>", "UTF-8"),
        (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GBK">', "GBK"),
        (b"<meta name='x' content='y'>", None),
    ],
)
def test_declared_charset(head: bytes, charset: str | None) -> None:
    assert declared_charset(b"<html><head>" + head + b"</head>") == charset


def test_unknown_declared_charset_falls_back_to_detection() -> None:
    page = f"<html><head><meta charset='x-unknown'></head><body><p>{PARA_1}</p></body></html>"
    assert read_bytes(page.encode("gb18030"), "p.html").text == PARA_1


def test_latin1_declared_on_gbk_page_is_not_trusted() -> None:
    page = f"<html><head><meta charset='iso-8859-1'></head><body><p>{PARA_1}</p></body></html>"
    assert read_bytes(page.encode("gbk"), "p.html").text == PARA_1


def test_packaged_word_lists_load() -> None:
    words = load_words()
    assert "trs_editor" in words.content and "title" in words.title
    assert "版权所有" in words.stop and "关闭窗口" in words.skip
    assert all(
        word == word.lower().strip() and word for section in (words.content, words.stop) for word in section
    )


@pytest.mark.parametrize(
    "text",
    [
        "stray entry\n[content]\nx\n[title]\nx\n[stop]\nx\n[skip]\nx",
        "[content]\nx\n[bogus]\ny",
        "[content]\nx\n",
    ],
)
def test_word_list_validation(text: str) -> None:
    with pytest.raises(ValueError, match=r"html_boilerplate\.txt"):
        parse_words(text)
