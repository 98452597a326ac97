"""Parameter table: sentences the team wrote, one hard construction each, and the facts they hold.

Each row is read inside a small invented report (示例县, plan year 2024), so the period rules
apply as in a whole report.
"""

from __future__ import annotations

import pytest

from bihuan.extract import extract_text

HEAD = "政府工作报告\n——2024年1月10日在示例县第十八届人民代表大会第三次会议上\n县长 王示例\n"
YEAR_REVIEW = "一、2023年工作回顾"
TERM_REVIEW = "一、过去五年工作回顾"

Row = tuple[str, str, str, float | None, str | None, float | None, str | None]


def facts(review: str = "", plan: str = "", review_head: str = YEAR_REVIEW) -> list[Row]:
    text = f"{HEAD}{review_head}\n{review}\n二、2024年工作安排\n{plan}\n"
    return [
        (i.kind, i.period, i.name, i.value, i.unit, i.growth_pct, i.qualifier)
        for i in extract_text(text).indicators
    ]


# Class 3, metadata: the title block however it is printed, and the report year from it.
METADATA_ROWS: list[tuple[str, tuple[str | None, str | None, int | None, str | None]]] = [
    (  # broken over lines, in bold, the date last in brackets
        "**政府工作报告**\n**——在示例省第九届人民代表大会第二次会议上**\n**示例省省长 李某某**\n"
        "**（2011年1月12日）**\n各位代表：\n",
        ("示例省", "2011-01-12", 2011, "李某某"),
    ),
    (  # on one line, with the page's own fields after the title
        "2022年某某县人民政府工作报告 制定机关：某某县人民政府 发布日期：2022-01-10\n各位代表：\n",
        ("某某县", None, 2022, None),
    ),
    (  # the date and the speaker in brackets
        "政府工作报告\n（2006年1月16日张某某）\n各位代表：\n现在，我代表某某省人民政府向大会报告工作。\n",
        ("某某省", "2006-01-16", 2006, "张某某"),
    ),
    (  # after a scraped page header
        "首页 > 政务公开 > 报告\n字号：大 中 小\n政府工作报告\n"
        "——2019年1月20日在某某市第十五届人民代表大会第三次会议上\n某某市市长 赵某\n各位代表：\n",
        ("某某市", "2019-01-20", 2019, "赵某"),
    ),
    (  # the date's meeting has no 上; the region from it
        "政府工作报告\n——2008年1月24日在某某市第十三届人民代表大会第一次会议\n各位代表：\n",
        ("某某市", "2008-01-24", 2008, None),
    ),
    (  # a meeting named with 以来 starts a term: not this meeting; the region from the speaker line
        "政府工作报告\n某某市市长 赵某\n（2023年1月8日）\n各位代表：\n"
        "在某某市第十六届人民代表大会第一次会议以来的五年里，我们砥砺前行。\n",
        ("某某市", "2023-01-08", 2023, "赵某"),
    ),
    (  # the region from 我代表…人民政府 when the block names none; a December report plans the next year
        "政府工作报告\n2021年12月8日\n各位代表：\n现在，我代表某某旗人民政府，向大会报告工作。\n",
        ("某某旗", "2021-12-08", 2022, None),
    ),
]


@pytest.mark.parametrize(("head", "expected"), METADATA_ROWS)
def test_title_blocks(head: str, expected: tuple[str | None, str | None, int | None, str | None]) -> None:
    body = "一、工作回顾\n" + "过去一年，我们坚持稳中求进，经济运行总体平稳，全年生产总值增长5%。\n" * 6
    doc = extract_text(head + body, "md").document
    assert (doc.region, doc.report_date, doc.plan_year, doc.speaker) == expected


# Class 1, time scope: a review of N years, a single-year marker that holds until the next
# one, and targets that a marker never turns into results. (review text, plan text, heading)
SCOPE_ROWS: list[tuple[str, str, str, list[Row]]] = [
    (  # 四年来 in a report for 2024 is 2020-2023, for any N
        "四年来，全县生产总值年均增长6.5%。",
        "",
        "一、工作回顾",
        [("actual", "2020-2023", "生产总值", None, None, 6.5, None)],
    ),
    (  # 本届政府以来 is the term since the last elections: 2023 in a report for 2024
        "本届政府以来，新增城镇就业1.2万人。",
        "",
        "一、工作回顾",
        [("actual", "2023", "新增城镇就业", 1.2, "万人", None, None)],
    ),
    (  # 本届政府…第一年 names one year, not a term
        "刚刚过去的一年是本届政府的第一年，全县生产总值增长5.1%。",
        "",
        "一、工作回顾",
        [("actual", "2023", "生产总值", None, None, 5.1, None)],
    ),
    (  # a list of targets inside the review section is the plan year's
        "全县生产总值增长5.1%。今年经济社会发展的主要预期目标是：生产总值增长6%左右。",
        "",
        "一、2023年工作回顾和2024年目标",
        [
            ("actual", "2023", "生产总值", None, None, 5.1, None),
            ("target", "2024", "生产总值", None, None, 6.0, "about"),
        ],
    ),
    (  # a past marker among the targets makes a result, and the next 今年 a target again
        "",
        "去年，全县生产总值增长5.1%，今年生产总值增长6%左右。",
        "一、工作回顾",
        [
            ("actual", "2023", "生产总值", None, None, 5.1, None),
            ("target", "2024", "生产总值", None, None, 6.0, "about"),
        ],
    ),
    (  # a five-year plan by name: its years, a result when it is over, a target before it starts
        "“十三五”时期，全县生产总值年均增长7%。",
        "“十四五”时期，全县生产总值年均增长6%。",
        "一、工作回顾",
        [
            ("actual", "2016-2020", "生产总值", None, None, 7.0, None),
            ("target", "2021-2025", "生产总值", None, None, 6.0, None),
        ],
    ),
    (  # a comparison holds for the sentences after it, until another marker
        "2023年同2018年相比，粮食产量增长12%，达到9.8万吨。蔬菜产量增长20%，达到3.1万吨。",
        "",
        "一、过去五年工作回顾",
        [
            ("actual", "2019-2023", "粮食产量", None, None, 12.0, None),
            ("actual", "2023", "粮食产量", 9.8, "万吨", None, None),
            ("actual", "2019-2023", "蔬菜产量", None, None, 20.0, None),
            ("actual", "2023", "蔬菜产量", 3.1, "万吨", None, None),
        ],
    ),
    (  # 本世纪末 is the century's last year; in a plan, 五年平均 is the coming five
        "",
        "到本世纪末，新增就业岗位1.5万个。五年平均人口自然增长率控制在8‰左右。",
        "一、工作回顾",
        [
            ("target", "2100", "新增就业岗位", 1.5, "万个", None, None),
            ("target", "2024-2028", "人口自然增长率", 8.0, "‰", None, "about"),
        ],
    ),
    (  # a base year is no marker: the growth since it spans the years after it
        "2023年全县生产总值达到98亿元，比2018年增长35%。",
        "",
        "一、工作回顾",
        [
            ("actual", "2023", "生产总值", 98.0, "亿元", None, None),
            ("actual", "2019-2023", "生产总值", None, None, 35.0, None),
        ],
    ),
]


@pytest.mark.parametrize(("review", "plan", "head", "expected"), SCOPE_ROWS)
def test_time_scope(review: str, plan: str, head: str, expected: list[Row]) -> None:
    assert facts(review, plan, head) == expected


# Class 2, section role from content: a slogan heading is a review when its text says so.
ROLE_ROWS: list[tuple[str, str, list[Row]]] = [
    (  # the heading is a slogan; the first paragraph opens with 过去一年
        "一、凝心聚力，交出高质量发展新答卷",
        "过去一年，全县生产总值增长5.1%，完成固定资产投资38亿元。",
        [
            ("actual", "2023", "生产总值", None, None, 5.1, None),
            ("actual", "2023", "固定资产投资", 38.0, "亿元", None, None),
        ],
    ),
    (  # subsections inherit the role: 一年来 opens the parent
        "一、砥砺奋进的成绩单\n一年来，我们攻坚克难。\n（一）产业发展取得新成效",
        "规上工业增加值增长7.2%。",
        [("actual", "2023", "规上工业增加值", None, None, 7.2, None)],
    ),
]


@pytest.mark.parametrize(("heading", "body", "expected"), ROLE_ROWS)
def test_section_role_from_content(heading: str, body: str, expected: list[Row]) -> None:
    text = f"{HEAD}{heading}\n{body}\n二、2024年工作安排\n全面推进各项工作。\n"
    got = [
        (i.kind, i.period, i.name, i.value, i.unit, i.growth_pct, i.qualifier)
        for i in extract_text(text).indicators
    ]
    assert got == expected


REVIEW_ROWS: list[tuple[str, list[Row]]] = [
    (  # a clause between the value and its growth
        "全县生产总值达到152.6亿元，按可比价格计算，比上年增长4.8%。",
        [("actual", "2023", "生产总值", 152.6, "亿元", 4.8, None)],
    ),
    (
        "城镇居民人均可支配收入达到5160元，实际增长6%。",
        [("actual", "2023", "城镇居民人均可支配收入", 5160.0, "元", 6.0, None)],
    ),
    (  # 经济 names no measure alone; a price's rise is a level in %
        "全年经济增长5.5%，居民消费价格上涨1.8%。",
        [
            ("actual", "2023", "经济增长", None, None, 5.5, None),
            ("actual", "2023", "居民消费价格", 1.8, "%", None, None),
        ],
    ),
    (  # from … to …: the start value (the year before) and the end value, named before the start
        "财政收入由8.2亿元增加到9.4亿元。",
        [
            ("actual", "2022", "财政收入", 8.2, "亿元", None, None),
            ("actual", "2023", "财政收入", 9.4, "亿元", None, None),
        ],
    ),
    (  # 下降到 gives a level, not a change
        "城镇登记失业率下降到3.1%。",
        [("actual", "2023", "城镇登记失业率", 3.1, "%", None, None)],
    ),
    (  # a clause with only a time word takes the subject before it
        "外贸进出口总额增长1.3倍，年末达到56亿美元。",
        [
            ("actual", "2023", "外贸进出口总额", None, None, 130.0, None),
            ("actual", "2023", "外贸进出口总额", 56.0, "亿美元", None, None),
        ],
    ),
    (  # a clause that names nothing (a price note) is skipped for the name
        "农村居民人均可支配收入，考虑价格下降因素，比上年实际增长4.3%。",
        [("actual", "2023", "农村居民人均可支配收入", None, None, 4.3, None)],
    ),
    (  # a bare 万 counts people; an adverb before the verb is dropped
        "农村贫困人口再减少1.2万以上，扫除350万青壮年文盲。",
        [
            ("actual", "2023", "农村贫困人口减少", 1.2, "万", None, "at_least"),
            ("actual", "2023", "青壮年文盲", 350.0, "万", None, None),
        ],
    ),
    (  # 岁 after an age measure; 自然增长率 is a level
        "平均期望寿命达到78.2岁，人口自然增长率下降到3.2‰。",
        [
            ("actual", "2023", "平均期望寿命", 78.2, "岁", None, None),
            ("actual", "2023", "人口自然增长率", 3.2, "‰", None, None),
        ],
    ),
    (  # short product names stand for the topic's 产量; a note inside a name is kept
        "主要产品产量继续增加，原煤达到1.2亿吨，钢突破700万吨，化肥（折纯）达到19万吨。",
        [
            ("actual", "2023", "原煤产量", 1.2, "亿吨", None, None),
            ("actual", "2023", "钢产量", 700.0, "万吨", None, "at_least"),
            ("actual", "2023", "化肥产量", 19.0, "万吨", None, None),
        ],
    ),
    (  # a middle dot between digits is a decimal point
        "储蓄余额增长6·5%。",
        [("actual", "2023", "储蓄余额", None, None, 6.5, None)],
    ),
    (  # 个工作日 is one unit, and 以内 after it caps the value; 缩短至 is no part of the name
        "不动产登记办理时限缩短至5个工作日以内。",
        [("actual", "2023", "不动产登记办理时限", 5.0, "个工作日", None, "at_most")],
    ),
    (  # a verb alone (组建, 推动) names nothing: the object after the quantity does
        "组建4支乡村振兴服务队，推动15家商贸企业入统。",
        [
            ("actual", "2023", "乡村振兴服务队", 4.0, "支", None, None),
            ("actual", "2023", "商贸企业入统", 15.0, "家", None, None),
        ],
    ),
    (  # 推动 before a measure is dropped from its name
        "推动园区工业总产值突破80亿元。",
        [("actual", "2023", "园区工业总产值", 80.0, "亿元", None, "at_least")],
    ),
    (  # a generic word (总数) is the total of the subject named before it
        "新增个体工商户820户，总数达到1.6万户。",
        [
            ("actual", "2023", "新增个体工商户", 820.0, "户", None, None),
            ("actual", "2023", "个体工商户总数", 1.6, "万户", None, None),
        ],
    ),
    (  # 县域内 is a place, not the start of a name; 保持 is no part of it either
        "县域内主要河流断面水质优良比例保持100%。",
        [("actual", "2023", "主要河流断面水质优良比例", 100.0, "%", None, None)],
    ),
    (  # a list of growths after as many values: each value's growth
        "城镇居民人均可支配收入3.1万元，农村居民人均可支配收入1.4万元，扣除价格因素分别增长5.2%和7.4%。",
        [
            ("actual", "2023", "城镇居民人均可支配收入", 3.1, "万元", 5.2, None),
            ("actual", "2023", "农村居民人均可支配收入", 1.4, "万元", 7.4, None),
        ],
    ),
    (  # the punctuation between two statements was lost: a measure's name starts the second
        "财政收入9.6亿元，增长6.1%工业增加值41亿元，增长7.2%。",
        [
            ("actual", "2023", "财政收入", 9.6, "亿元", 6.1, None),
            ("actual", "2023", "工业增加值", 41.0, "亿元", 7.2, None),
        ],
    ),
    (  # a minus sign after the growth word; 首破 is at_least and no part of the name
        "税收收入8.2亿元，增长-1.5%；外贸进出口总额首破30亿元大关。",
        [
            ("actual", "2023", "税收收入", 8.2, "亿元", -1.5, None),
            ("actual", "2023", "外贸进出口总额", 30.0, "亿元", None, "at_least"),
        ],
    ),
    (  # a change in points is a fact of its own, not the level's growth
        "森林覆盖率达到41.5%，比上年提高0.8个百分点。",
        [
            ("actual", "2023", "森林覆盖率", 41.5, "%", None, None),
            ("actual", "2023", "森林覆盖率", 0.8, "个百分点", None, None),
        ],
    ),
    (  # the subject's rate keeps the subject; a level after its growth is one fact with it
        "生产总值增速保持在合理区间，全年增长5.6%、达到210亿元。",
        [("actual", "2023", "生产总值", 210.0, "亿元", 5.6, None)],
    ),
    (  # a subject before 实现 is shared by the items after it
        "规模以上工业企业实现利润、税金分别增长8.5%和6.2%。",
        [
            ("actual", "2023", "规模以上工业企业实现利润", None, None, 8.5, None),
            ("actual", "2023", "规模以上工业企业税金", None, None, 6.2, None),
        ],
    ),
    (  # the earlier items share the opening words of the first; the later, the last one's head
        "城区和乡镇污水处理率分别达到95%和71%。",
        [
            ("actual", "2023", "城区污水处理率", 95.0, "%", None, None),
            ("actual", "2023", "乡镇污水处理率", 71.0, "%", None, None),
        ],
    ),
    (  # a Chinese numeral runs on past 亿 into 万; 元…角
        "全县工农业总产值达到十二亿三千万元，社员人均分配收入达到八十六元五角。",
        [
            ("actual", "2023", "工农业总产值", 12.3, "亿元", None, None),
            ("actual", "2023", "社员人均分配收入", 86.5, "元", None, None),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), REVIEW_ROWS)
def test_review_sentences(sentence: str, expected: list[Row]) -> None:
    assert facts(review=sentence) == expected


TERM_ROWS: list[tuple[str, list[Row]]] = [
    (  # the year holds for the value; the annual average is the term's
        "2023年粮食产量达到52万吨，五年平均每年增长2.1%。",
        [
            ("actual", "2023", "粮食产量", 52.0, "万吨", None, None),
            ("actual", "2019-2023", "粮食产量", None, None, 2.1, None),
        ],
    ),
    (
        "五年来，城乡居民储蓄存款余额达到460亿元。",
        [("actual", "2019-2023", "城乡居民储蓄存款余额", 460.0, "亿元", None, None)],
    ),
    (  # the year carries over ； but not past 。
        "2023年，城镇居民人均可支配收入达到41000元，年均实际增长6%；农村居民人均可支配收入达到19000元。"
        "城镇新增就业1.2万人。",
        [
            ("actual", "2023", "城镇居民人均可支配收入", 41000.0, "元", None, None),
            ("actual", "2019-2023", "城镇居民人均可支配收入", None, None, 6.0, None),
            ("actual", "2023", "农村居民人均可支配收入", 19000.0, "元", None, None),
            ("actual", "2019-2023", "城镇新增就业", 1.2, "万人", None, None),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), TERM_ROWS)
def test_term_review_sentences(sentence: str, expected: list[Row]) -> None:
    assert facts(review=sentence, review_head=TERM_REVIEW) == expected


PLAN_ROWS: list[tuple[str, list[Row]]] = [
    (
        # a price's rate keeps its word: 物价涨幅 3% is the level of the rate
        "经济增长预期为6%左右，物价涨幅控制在3%以内，全社会固定资产投资增长10%或者更多一些。",
        [
            ("target", "2024", "经济增长", None, None, 6.0, "about"),
            ("target", "2024", "物价涨幅", 3.0, "%", None, "at_most"),
            ("target", "2024", "全社会固定资产投资", None, None, 10.0, "at_least"),
        ],
    ),
    ("争取2026年粮食产量达到55万吨。", [("target", "2026", "粮食产量", 55.0, "万吨", None, None)]),
    ("经济增长速度的调控目标定为6%。", [("target", "2024", "经济增长", None, None, 6.0, None)]),
    (  # 压缩至 … 个工作日以内: a cap in working days
        "施工许可审批时间压缩至40个工作日以内，市域内空气质量优良天数比例达到85%以上。",
        [
            ("target", "2024", "施工许可审批时间", 40.0, "个工作日", None, "at_most"),
            ("target", "2024", "空气质量优良天数比例", 85.0, "%", None, "at_least"),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), PLAN_ROWS)
def test_plan_sentences(sentence: str, expected: list[Row]) -> None:
    assert facts(plan=sentence) == expected


# Class 4 of issue 10: one statement, one fact. Sentences the team wrote for each construction.
STATEMENT_ROWS: list[tuple[str, list[Row]]] = [
    (  # value, a note in brackets, then the growth: one fact with both
        "完成地区生产总值312亿元（含开发区）、增长5.9%。",
        [("actual", "2023", "地区生产总值", 312.0, "亿元", 5.9, None)],
    ),
    (  # the growth first, then the level it reached: one fact with both
        "国内生产总值比上年增长8.1%，达到15.2万亿元。",
        [("actual", "2023", "国内生产总值", 15.2, "万亿元", 8.1, None)],
    ),
    (  # 同口径 (on a like-for-like basis) stands between a value and its growth
        "一般公共预算收入达到26.4亿元，同口径增长7.2%。",
        [("actual", "2023", "一般公共预算收入", 26.4, "亿元", 7.2, None)],
    ),
    (  # 总量 is the measure's own word here, and 突破 makes the value a floor
        "全县经济总量突破300亿元，增长6.1%。",
        [("actual", "2023", "经济总量", 300.0, "亿元", 6.1, "at_least")],
    ),
    (  # from … to … with years: a start fact and an end fact, the from-to words out of the name
        "旅游总收入由2017年的74.3亿元增至2021年的105.0亿元。",
        [
            ("actual", "2017", "旅游总收入", 74.3, "亿元", None, None),
            ("actual", "2021", "旅游总收入", 105.0, "亿元", None, None),
        ],
    ),
    (  # from … to … of a rate, with 上年 for the start: the year before the end's
        "物价涨幅由上年的6.8%回落到3.1%。",
        [
            ("actual", "2022", "物价涨幅", 6.8, "%", None, None),
            ("actual", "2023", "物价涨幅", 3.1, "%", None, None),
        ],
    ),
    (  # an amount after 比上年增加 is the change, not the level. Convention: the name keeps the
        # change verb (…增加 / …减少, as 农村贫困人口减少 above), the comparison is dropped.
        "城镇居民储蓄存款比上年增加12.6亿元。",
        [("actual", "2023", "城镇居民储蓄存款增加", 12.6, "亿元", None, None)],
    ),
    (  # 突破…大关 and 跃上…新台阶: the level or more; 百亿元 is 100 亿元
        "全县财政收入突破百亿元大关，粮食产量跃上50万吨新台阶。",
        [
            ("actual", "2023", "财政收入", 100.0, "亿元", None, "at_least"),
            ("actual", "2023", "粮食产量", 50.0, "万吨", None, "at_least"),
        ],
    ),
    ("示例县是全省唯一一个获此殊荣的县。", []),  # 唯一一个 is "the only one", not 11
    (  # 翻一番 is a growth to twice the level: +100%
        "到2030年实现全县生产总值比2020年翻一番。",
        [("target", "2030", "生产总值", None, None, 100.0, None)],
    ),
    (  # from … to … of a growth rate, written as a yearly average: both are yearly averages
        "工业增加值增长幅度由上年的12.4%回落到8.1%。",
        [
            ("actual", "2022", "工业增加值", None, None, 12.4, None),
            ("actual", "2023", "工业增加值", None, None, 8.1, None),
        ],
    ),
    (  # the same fact said twice is one indicator
        "全县地区生产总值达到152亿元。地区生产总值达到152亿元。",
        [("actual", "2023", "地区生产总值", 152.0, "亿元", None, None)],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), STATEMENT_ROWS)
def test_statement_sentences(sentence: str, expected: list[Row]) -> None:
    assert facts(review=sentence) == expected


def test_cumulative_value_with_annual_growth_is_one_fact() -> None:
    """累计…年均: the sum over the term and its yearly average growth, one fact of the term."""
    text = f"{HEAD}{TERM_REVIEW}\n五年累计完成固定资产投资1200亿元，年均增长9.5%。\n"
    (ind,) = extract_text(text).indicators
    assert (ind.period, ind.name, ind.value, ind.unit, ind.growth_pct, ind.basis) == (
        "2019-2023",
        "固定资产投资",
        1200.0,
        "亿元",
        9.5,
        "annual_avg",
    )


# Class 5 of issue 10: names and units.
NAME_ROWS: list[tuple[str, list[Row]]] = [
    (  # after a verb of dividing or opening, the noun after the count is the name
        "在全县划分1280个基层网格，新开放3个边境口岸。",
        [
            ("actual", "2023", "基层网格", 1280.0, "个", None, None),
            ("actual", "2023", "边境口岸", 3.0, "个", None, None),
        ],
    ),
    (  # the subject carries across an inserted clause, and across a clause of its own predicate
        "粮食产量，受旱灾影响，仍达到52万吨；原油产量继续增长，达到1.42亿吨。",
        [
            ("actual", "2023", "粮食产量", 52.0, "万吨", None, None),
            ("actual", "2023", "原油产量", 1.42, "亿吨", None, None),
        ],
    ),
    (  # verbs of achieving and 本-words are no part of a name
        "实现地区生产总值152亿元，完成一般公共预算收入12.1亿元。",
        [
            ("actual", "2023", "地区生产总值", 152.0, "亿元", None, None),
            ("actual", "2023", "一般公共预算收入", 12.1, "亿元", None, None),
        ],
    ),
    (  # measure words of medicine and livestock are units
        "全年接种疫苗12.6万剂次，报告病例35例，新增奶牛800头只，马匹120匹，骆驼45峰，蜜蜂300群。",
        [
            ("actual", "2023", "接种疫苗", 12.6, "万剂次", None, None),
            ("actual", "2023", "报告病例", 35.0, "例", None, None),
            ("actual", "2023", "新增奶牛", 800.0, "头只", None, None),
            ("actual", "2023", "马匹", 120.0, "匹", None, None),
            ("actual", "2023", "骆驼", 45.0, "峰", None, None),
            ("actual", "2023", "蜜蜂", 300.0, "群", None, None),
        ],
    ),
    (  # N户M人: one group counted two ways, two facts under one name
        "帮扶脱贫户2.3万户5.6万人。",
        [
            ("actual", "2023", "帮扶脱贫户", 2.3, "万户", None, None),
            ("actual", "2023", "帮扶脱贫户", 5.6, "万人", None, None),
        ],
    ),
    (  # a 分别 list with a collective count (三个开发区) in apposition: the count is dropped
        "东区、西区、南区三个开发区工业产值分别增长12%、9%和7%。",
        [
            ("actual", "2023", "东区工业产值", None, None, 12.0, None),
            ("actual", "2023", "西区工业产值", None, None, 9.0, None),
            ("actual", "2023", "南区工业产值", None, None, 7.0, None),
        ],
    ),
    (  # 城乡 with two values: 城镇 and 农村
        "城乡居民人均可支配收入分别增长8%和9%。",
        [
            ("actual", "2023", "城镇居民人均可支配收入", None, None, 8.0, None),
            ("actual", "2023", "农村居民人均可支配收入", None, None, 9.0, None),
        ],
    ),
    (  # a number broken by a line break reads as one number
        "地区生产总值达到31\n2.5亿元。",
        [("actual", "2023", "地区生产总值", 312.5, "亿元", None, None)],
    ),
    (  # … and by a zero-width space
        "地区生产总值达到3\u200b12.5亿元。",
        [("actual", "2023", "地区生产总值", 312.5, "亿元", None, None)],
    ),
    (  # a percentage of a part is its share of the whole: 部分占整体比重, without 的
        "在校学生中，职业学校在校生达到41.2%，民营经济增加值占全县生产总值的55%。",
        [
            ("actual", "2023", "职业学校在校生占在校学生比重", 41.2, "%", None, None),
            ("actual", "2023", "民营经济增加值占全县生产总值比重", 55.0, "%", None, None),
        ],
    ),
    (  # N%的X + what X did: the share of X that did it
        "全县已有85%的行政村实现了集中供水。",
        [("actual", "2023", "集中供水的行政村", 85.0, "%", None, None)],
    ),
    (  # a bare verb repeating the verb of a 把 clause: that clause names the amount
        "继续把闲置厂房改造为创业基地，全年再改造12万平方米。",
        [("actual", "2023", "闲置厂房改造为创业基地", 12.0, "万平方米", None, None)],
    ),
    (  # 精简后 (after the cut) is a time: the subject of the clause before names the count
        "乡镇站所进行了合并，合并后为36个。",
        [("actual", "2023", "乡镇站所", 36.0, "个", None, None)],
    ),
    (  # a topic with a list (主要生产能力有…): short items are named with the topic's head
        "新增的主要生产能力有煤炭270万吨，石油149万吨。",
        [
            ("actual", "2023", "煤炭生产能力", 270.0, "万吨", None, None),
            ("actual", "2023", "石油生产能力", 149.0, "万吨", None, None),
        ],
    ),
    (  # a rate word alone takes the measure named just before; a price's rate is a level
        "居民消费价格涨幅预期控制在3%。涨幅实际为2.1%。",
        [
            ("actual", "2023", "居民消费价格涨幅", 3.0, "%", None, "at_most"),
            ("actual", "2023", "居民消费价格涨幅", 2.1, "%", None, None),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), NAME_ROWS)
def test_name_sentences(sentence: str, expected: list[Row]) -> None:
    assert facts(review=sentence) == expected


def test_plan_drops_expectation_and_place_words() -> None:
    assert facts(plan="预期本市地区生产总值增长6%。") == [
        ("target", "2024", "地区生产总值", None, None, 6.0, None)
    ]


def test_estimate_note_marks_the_figures_after_it() -> None:
    """（预计数，下同）: the figure it follows and those after it in the section are estimates."""
    review = "地区生产总值达到152亿元（预计数，下同），增长5.1%；一般公共预算收入12.1亿元。\n粮食产量52万吨。"
    text = f"{HEAD}{YEAR_REVIEW}\n{review}\n二、2024年工作安排\n地区生产总值增长6%。\n"
    got = [(i.name, i.estimated) for i in extract_text(text).indicators]
    assert got == [
        ("地区生产总值", True),
        ("一般公共预算收入", True),
        ("粮食产量", True),
        ("地区生产总值", False),
    ]


def test_row_label_paragraph_names_the_figures_after_it() -> None:
    """A table printed as paragraphs: the measure alone on a line, its figures in the next one,
    the subject going on after ；, 人均 of it, and plan periods (“十四五”期间) as time words."""
    plan = (
        "生产总值\n"
        "2025年达到300亿元，人均达到6万元，“十四五”期间年平均增长7%；2030年达到420亿元，“十五五”期间年平均增长7%。\n"
        "城镇居民人均可支配收入2025年达到5万元。\n"
    )
    assert facts(plan=plan) == [
        ("target", "2025", "生产总值", 300.0, "亿元", None, None),
        ("target", "2025", "人均生产总值", 6.0, "万元", None, None),
        ("target", "2021-2025", "生产总值", None, None, 7.0, None),
        ("target", "2030", "生产总值", 420.0, "亿元", None, None),
        ("target", "2026-2030", "生产总值", None, None, 7.0, None),
        ("target", "2025", "城镇居民人均可支配收入", 5.0, "万元", None, None),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # from–to pairs: the years of the first hold for the second; 累计 is the term's sum
            "城镇居民人均可支配收入由2018年2.1万元增加到2023年3.1万元，农村居民人均可支配收入由0.9万元增加到1.4万元，"
            "年均分别增长8.1%和9.2%；五年累计完成固定资产投资300亿元。",
            [
                ("actual", "2018", "城镇居民人均可支配收入", 2.1, "万元", None, None),
                ("actual", "2023", "城镇居民人均可支配收入", 3.1, "万元", None, None),
                ("actual", "2018", "农村居民人均可支配收入", 0.9, "万元", None, None),
                ("actual", "2023", "农村居民人均可支配收入", 1.4, "万元", None, None),
                ("actual", "2019-2023", "城镇居民人均可支配收入", None, None, 8.1, None),
                ("actual", "2019-2023", "农村居民人均可支配收入", None, None, 9.2, None),
                ("actual", "2019-2023", "固定资产投资", 300.0, "亿元", None, None),
            ],
        ),
    ],
)
def test_term_review_pairs_and_sums(sentence: str, expected: list[Row]) -> None:
    assert facts(review=sentence, review_head=TERM_REVIEW) == expected


def test_list_items_share_the_first_items_opening_words() -> None:
    assert facts(plan="单位生产总值能耗、水耗分别下降3%和2%。") == [
        ("target", "2024", "单位生产总值能耗", None, None, -3.0, None),
        ("target", "2024", "单位生产总值水耗", None, None, -2.0, None),
    ]
