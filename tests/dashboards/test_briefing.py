"""The progress briefing (进展通报): completeness by prefecture with the scope's total, counties
ranked within their county type from approved figures only (or a plain statement where no type is
set), the red-light counties most in need of attention, bottom-line flags, indicators off pace in
plain words with their figures in a note, highlights quoted from approved notes; the web page with
its print style and its annex as a spreadsheet, the PDF typeset with embedded CJK fonts, a few
pages long with no heading left at the foot of a page; scope (a prefecture reviewer sees their
prefecture only) and permissions."""

import datetime
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db.models import Avg

from targets.dashboards import briefing
from targets.demo.seed import seed_demo
from targets.models import (
    AuditRecord,
    BottomLine,
    County,
    CountyType,
    GeneratedFile,
    Indicator,
    IndicatorValue,
    Measure,
    Period,
    ProgressNote,
    State,
)
from targets.supervision import pace
from tests.conftest import TODAY
from tests.jobs import run_jobs
from tests.notes import new_note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]
PAGE = "/province/briefing/?period=2026Q3"
PDF = "/province/briefing/files/1.pdf"
ANNEX = "/province/briefing/?period=2026Q3&export=xlsx"
TITLE = "2026年第三季度进展通报"
HEADINGS = [
    TITLE,
    "一、填报情况",
    "二、分类排名",
    "三、红灯预警",
    "四、进度滞后的指标",
    "五、工作亮点",
]
# A full round at Sichuan scale: the summaries, ten counties per type, the attention list, the
# highlights, rectification and supervision orders, without the county table (the annex).
MAX_PAGES = 6
HIGHLIGHT_TEXT = "会理市石榴产业园全面建成投产"
RISK_REASON = "新增建设用地拟占用永久基本农田"


def note(
    county,
    measure,
    state,
    status="on_schedule",
    percent=50,
    narrative="x",
    bottom_line=None,
    period="2026Q3",
    author=None,
):
    made = new_note(
        county,
        measure,
        state,
        author=author,
        period=period,
        status=status,
        percent=percent,
        narrative=narrative,
        bottom_line=bottom_line,
        risk_reason=RISK_REASON if bottom_line else "",
    )
    made.save()
    return made


def value(county, code, period, amount, author, state=State.APPROVED):
    return IndicatorValue.objects.create(
        county=County.objects.get(code=county),
        indicator=Indicator.objects.get(code=code),
        period=Period.objects.get(code=period),
        value=Decimal(amount),
        source="x",
        state=state,
        updated_by=author,
    )


def prefecture_counties(code: str) -> int:
    return County.objects.filter(prefecture__code=code).count()


@pytest.fixture
def round_(reporter):
    """2026Q3 in 成都 and 凉山, with county types set on five counties:

    - 锦江区 (urban core): approved 60 and 100 → mean 80;
    - 青羊区 (urban core): a SUBMITTED 100 with a bottom-line risk (not approved: not ranked);
    - 金牛区 (urban core): approved 30, self-rated behind;
    - 武侯区 (no type): every measure submitted at 100, completed (green light, but not approved);
    - 会理市 (agricultural): approved 90 with the highlight's text, and a bottom-line risk;
    - 西昌市 (agricultural): a draft with a bottom-line risk (a draft flags nothing)."""
    urban = CountyType.objects.get(code="urban-core")
    agricultural = CountyType.objects.get(code="agricultural")
    County.objects.filter(code__in=["510104", "510105", "510106"]).update(county_type=urban)
    County.objects.filter(code__in=["513401", "513402"]).update(county_type=agricultural)
    a = reporter
    notes = [
        note("510104", "T1.1", State.APPROVED, "on_schedule", 60, "锦江区推进有序。", author=a),
        note("510104", "T1.2", State.APPROVED, "completed", 100, "锦江区已全部完成。", author=a),
        note("510105", "T1.1", State.SUBMITTED, "completed", 100, "青羊区", "B2", author=a),
        note("510106", "T1.1", State.APPROVED, "behind", 30, "金牛区进度滞后。", author=a),
        note("513402", "T1.1", State.APPROVED, "on_schedule", 90, HIGHLIGHT_TEXT, "B1", author=a),
        note("513401", "T1.1", State.DRAFT, "on_schedule", 95, "西昌市草稿", "B3", author=a),
    ]
    notes.extend(
        note("510107", measure.code, State.SUBMITTED, "completed", 100, "武侯区提交", author=a)
        for measure in Measure.objects.all()
    )
    return notes


@pytest.fixture
def off_pace_values(demo, reporter):
    """D01 (urbanisation, higher is better, baseline 59.49 in 2023) fell in 凉山's counties: it
    deteriorates. D03 (toilets, baseline 88, target 93) already beyond its target: achieved. A
    submitted D04 value far below its baseline must not count."""
    value("513401", "D01", "2026Q3", "50", reporter)
    value("513402", "D01", "2026Q3", "52", reporter)
    value("510104", "D03", "2026Q3", "96", reporter)
    value("510104", "D04", "2026Q3", "10", reporter, state=State.SUBMITTED)


def build(counties=None, period="2026Q3", whole_province=True):
    return briefing.build(
        Period.objects.get(code=period),
        TODAY,
        counties if counties is not None else County.objects.all(),
        whole_province=whole_province,
    )


def pdf_response(client, period="2026Q3"):
    """Ask for the PDF, let the worker make it, and download it."""
    assert client.post("/province/briefing/pdf/", {"period": period}).status_code == 302
    run_jobs()
    made = GeneratedFile.objects.filter(kind="briefing").latest("pk")
    response = client.get(f"/province/briefing/files/{made.pk}.pdf")
    response.body = b"".join(response.streaming_content)
    # The archived file, closed as the server closes it (response.close() would end the request).
    for close in response._resource_closers:
        close()
    return response


def pdf_of(response) -> pypdf.PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    return pypdf.PdfReader(io.BytesIO(response.body))


def pdf_text(reader: pypdf.PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def font_names(reader: pypdf.PdfReader) -> set[str]:
    """The base names of the fonts the pages use whose font file is embedded in the PDF."""
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            descriptors = [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]
            for each in descriptors:
                descriptor = each.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(each["/BaseFont"]))
    return names


def compact_text(response) -> str:
    return re.sub(r"\s+", "", pdf_text(pdf_of(response)))


def by_type(b) -> dict[str, briefing.TypeRanking]:
    return {ranking.county_type.code: ranking for ranking in b.types}


def approve_one_each(counties: dict[str, int], author) -> None:
    """An approved note on T1.1 for each county, at the given percent."""
    for code, percent in counties.items():
        note(code, "T1.1", State.APPROVED, "on_schedule", percent, f"{code}进展", author=author)


# The briefing's figures (the service).


def test_completeness_counts_each_prefecture(round_):
    b = build()
    assert b.completeness.slots == 183 * 24
    assert b.completeness.by_state == {"approved": 4, "submitted": 25, "draft": 1}
    assert b.completeness.reported == 29
    assert b.completeness.missing == 183 * 24 - 29
    rows = {row.label: row for row in b.prefectures}
    assert len(rows) == 21
    chengdu = rows["成都市"]
    assert (chengdu.counties, chengdu.slots, chengdu.reported, chengdu.approved) == (
        20,
        20 * 24,
        28,
        2 + 1,
    )
    assert chengdu.missing == 20 * 24 - 28
    liangshan = rows["凉山彝族自治州"]
    assert liangshan.slots == prefecture_counties("513400") * 24
    assert (liangshan.reported, liangshan.approved) == (1, 1)
    assert rows["绵阳市"].reported == 0
    assert rows["绵阳市"].missing == rows["绵阳市"].slots
    assert rows["绵阳市"].mean_percent is None


def test_the_total_is_the_sum_of_the_prefectures(round_):
    b = build()
    total, rows = b.total, b.prefectures
    assert total.label == "全省"
    for figure in ("counties", "slots", "reported", "approved", "missing", "red"):
        assert getattr(total, figure) == sum(getattr(row, figure) for row in rows), figure
    assert (total.counties, total.slots, total.reported) == (183, 183 * 24, 29)
    assert total.approved == b.completeness.by_state["approved"]
    # The mean of every approved note, not the mean of the prefectures' means.
    approved = ProgressNote.objects.filter(period__code="2026Q3", state=State.APPROVED)
    assert total.mean_percent == pytest.approx(approved.aggregate(m=Avg("percent"))["m"])
    assert total.mean_percent == pytest.approx((60 + 100 + 30 + 90) / 4)


def test_counties_are_ranked_within_their_type_by_approved_notes_only(round_):
    b = build()
    groups = by_type(b)
    assert list(groups) == ["urban-core", "agricultural"]  # by the types' order
    urban = [(e.county.code, e.rank, e.row.mean_percent) for e in groups["urban-core"].members]
    # 青羊区's submitted 100 is not approved: it is not ranked (first otherwise).
    assert urban == [("510104", 1, 80.0), ("510106", 2, 30.0), ("510105", None, None)]
    assert groups["urban-core"].unranked == 1
    agricultural = [(e.county.code, e.rank) for e in groups["agricultural"].members]
    assert agricultural == [("513402", 1), ("513401", None)]  # 西昌市: a draft only
    # The counties with no type are counted, not ranked or listed as a group.
    assert b.untyped == 183 - 5
    summary = groups["urban-core"].summary
    assert (summary.counties, summary.slots, summary.approved) == (3, 3 * 24, 3)
    assert summary.mean_percent == pytest.approx((60 + 100 + 30) / 3)


def test_ranks_restart_within_each_type(round_, reporter):
    note("513401", "T1.2", State.APPROVED, "on_schedule", 95, author=reporter)
    groups = by_type(build())
    assert [(e.county.code, e.rank) for e in groups["agricultural"].members] == [
        ("513401", 1),
        ("513402", 2),
    ]
    assert [e.rank for e in groups["urban-core"].members] == [1, 2, None]


def test_a_long_ranking_names_its_first_and_last_five(reporter):
    urban = CountyType.objects.get(code="urban-core")
    chengdu = list(County.objects.filter(prefecture__code="510100").order_by("code")[:12])
    County.objects.filter(pk__in=[c.pk for c in chengdu]).update(county_type=urban)
    approve_one_each({c.code: 95 - 5 * i for i, c in enumerate(chengdu)}, reporter)
    ranking = by_type(build())["urban-core"]
    assert [e.rank for e in ranking.head] == [1, 2, 3, 4, 5]
    assert [e.rank for e in ranking.tail] == [8, 9, 10, 11, 12]
    assert ranking.skipped == 2
    assert [e.county.code for e in ranking.head] == [c.code for c in chengdu[:5]]


def test_a_short_ranking_names_every_county(round_):
    ranking = by_type(build())["urban-core"]
    assert not ranking.shortened
    assert [e.county.code for e in ranking.head] == ["510104", "510106"]
    assert ranking.tail == []
    assert ranking.skipped == 0


def test_with_no_county_type_set_nothing_is_ranked(reporter):
    approve_one_each({"510104": 60}, reporter)
    b = build()
    assert b.types == []
    assert b.untyped == 183


def test_the_attention_list_names_the_red_counties_with_most_problems(round_):
    b = build()
    assert b.red_total == 183 - 1  # after the deadline, a measure with nothing submitted is red
    assert len(b.red) == briefing.ATTENTION
    assert all(e.light.colour == "red" for e in b.red)
    problems = [e.problems for e in b.red]
    assert problems == sorted(problems, reverse=True)
    fewest_named = problems[-1]
    named = {e.county.code for e in b.red}
    others = [e for e in b.entries if e.light.colour == "red" and e.county.code not in named]
    assert all(e.problems <= fewest_named for e in others)
    # 金牛区: 23 measures not submitted and one approved as behind, as many as those with nothing
    # submitted (taken by code); 锦江区, with 22 not submitted, is left to the tally.
    assert "510106" in named
    assert "510104" not in named
    assert sum(row.red for row in b.prefectures) == b.red_total


def test_red_lights_keep_their_reasons(round_):
    lights = {e.county.code: e.light for e in build().entries}
    assert lights["510107"].colour == "green"  # every measure submitted, ahead of 序时进度
    assert lights["513423"].text == "逾期未提交 24项"
    # 序时进度 at the end of 2026Q3 is about 69%: 锦江区's 60 is slightly behind, 金牛区's 30 far.
    assert lights["510104"].text == "逾期未提交 22项;略低于序时进度 1项"
    assert lights["510106"].text == "逾期未提交 23项;自评滞后或存在风险 1项;明显落后于序时进度 1项"
    assert lights["513401"].text == "逾期未提交 24项"  # a draft counts as nothing submitted


def test_before_the_deadline_nothing_is_red_for_being_late(round_):
    b = briefing.build(
        Period.objects.get(code="2026Q3"),
        datetime.date(2026, 10, 1),
        County.objects.all(),
        whole_province=True,
    )
    # Only the bottom lines flagged: 金牛区's self-rating "behind" is not judged before the
    # deadline, when a county that submitted nothing is not red either.
    assert [e.county.code for e in b.red] == ["510105", "513402"]
    assert b.red_total == 2


def test_bottom_line_flags_come_from_submitted_and_approved_notes(round_):
    flagged = [(n.county.code, n.measure.code, n.bottom_line.code) for n in build().flagged]
    assert flagged == [("510105", "T1.1", "B2"), ("513402", "T1.1", "B1")]  # not 西昌's draft
    assert all(n.risk_reason == RISK_REASON for n in build().flagged)


def test_highlights_quote_approved_notes_on_schedule_or_completed(round_):
    quoted = [(n.county.code, n.measure.code, n.percent) for n in build().highlights]
    # Not 金牛区 (behind), not 青羊区 or 武侯区 (submitted at 100), not 西昌市 (draft).
    assert quoted == [("510104", "T1.2", 100), ("513402", "T1.1", 90), ("510104", "T1.1", 60)]


def test_at_most_eight_highlights_highest_percent_first(reporter):
    for percent, measure in enumerate(Measure.objects.order_by("order")[:10], start=80):
        note("510104", measure.code, State.APPROVED, "on_schedule", percent, author=reporter)
    percents = [n.percent for n in build().highlights]
    assert percents == list(range(89, 81, -1))


def test_indicators_off_pace_are_listed(off_pace_values):
    off = {item.indicator.code: item for item in build().off_pace}
    assert list(off) == ["D01"]  # D03 achieved; D04's only value is not approved
    assert off["D01"].pace.status == "deterioration"
    assert off["D01"].pace.latest_value == 51.0
    assert off["D01"].latest.counties == 2
    assert off["D01"].latest_period == "2026年第三季度"


@pytest.mark.parametrize(
    ("latest", "status", "words"),
    [
        (
            61.5,
            pace.ACCELERATION_NEEDED,
            "有进展,但速度不够:照目前的速度,到2027年达不到目标,需要加快。",
        ),
        (59.8, pace.LIMITED, "进展缓慢:照目前的速度,到2027年离目标还差得远。"),
        (58.0, pace.DETERIORATION, "不进反退:最新值比基期离目标更远。"),
    ],
)
def test_pace_is_said_in_plain_words_without_its_figures(latest, status, words):
    judged = pace.indicator_pace(
        base_year=2023,
        base_value=59.49,
        latest_year=2025.75,
        latest_value=latest,
        target_year=2027,
        target_value=63,
        higher_is_better=True,
    )
    assert judged.status == status
    point = briefing.indicator_page.TrendPoint(
        "2026Q3", "2026年第三季度", datetime.date(2026, 9, 30), latest, 3
    )
    item = briefing.OffPace(Indicator(code="D01"), judged, point)
    assert item.words == words
    assert "R" not in item.words
    assert not re.search(r"\d\.\d", item.words)


def test_a_past_quarters_briefing_does_not_judge_later_values(off_pace_values):
    assert build(period="2026Q2").off_pace == []  # D01's only values are 2026Q3's


def test_a_prefectures_briefing_covers_its_counties_only(round_, off_pace_values):
    chengdu = County.objects.filter(prefecture__code="510100")
    b = build(chengdu, whole_province=False)
    assert [row.label for row in b.prefectures] == ["成都市"]
    assert b.total.label == "合计"
    assert b.scope_name == "成都市"
    assert b.completeness.slots == 20 * 24
    assert b.completeness.reported == 28
    assert {e.county.prefecture.code for e in b.red} == {"510100"}
    assert sorted(e.county.code for e in b.entries) == sorted(
        chengdu.values_list("code", flat=True)
    )
    assert [e.county.code for e in by_type(b)["urban-core"].members] == [
        "510104",
        "510106",
        "510105",
    ]
    assert "agricultural" not in by_type(b)
    assert [n.county.code for n in b.flagged] == ["510105"]
    assert {n.county.code for n in b.highlights} == {"510104"}
    assert b.off_pace == []  # D01 fell in 凉山 only


def test_the_annex_lists_every_county_by_type_and_rank(round_):
    rows = [(name, e.county.code, e.rank) for name, e in build().annex()]
    assert len(rows) == 183
    assert rows[:5] == [
        ("城市主城区", "510104", 1),
        ("城市主城区", "510106", 2),
        ("城市主城区", "510105", None),
        ("农产品主产区县", "513402", 1),
        ("农产品主产区县", "513401", None),
    ]
    assert {name for name, _code, _rank in rows[5:]} == {"未分类"}


# The web page.


def test_the_page_shows_the_briefing_with_print_style_pdf_link_and_period_switch(
    client_for, provincial_reviewer, round_
):
    response = client_for(provincial_reviewer).get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert re.search(
        r'<link rel="stylesheet" href="/static/css/briefing(\.[0-9a-f]+)?\.css">', html
    )
    stylesheet = Path(finders.find("css/briefing.css")).read_text()
    assert "@media print" in stylesheet
    assert ".no-print" in stylesheet
    assert '<form class="card filters no-print"' in html  # the switch is not printed
    assert 'action="/province/briefing/pdf/"' in html
    assert '<input type="hidden" name="period" value="2026Q3">' in html
    assert 'href="/province/briefing/?period=2026Q3&amp;export=xlsx"' in html
    assert re.search(r'<select id="briefing-period" name="period">', html)
    # Rounds named in words, codes in the values; only rounds that have started.
    assert '<option value="2026Q3" selected>2026年第三季度</option>' in html
    assert '<option value="2026Q2">2026年第二季度</option>' in html
    assert 'value="2027Q1"' not in html
    for heading in HEADINGS:
        assert heading in html
    assert f"<h1>{TITLE}</h1>" in html
    assert f"<title>{TITLE} · " in html
    assert "2026Q3" not in re.sub(r'(href|value)="[^"]*"', "", html)  # the code only in links
    assert "本期应填报4,392项,已提交29项(填报率1%),其中审核通过4项;未提交4,363项。" in html
    assert "审核通过的举措平均完成进度70.0%。" in html
    cells = "".join(f'<td class="num">{n}</td>' for n in (20, 480, 28, "6%", 3, 452, "63.3%"))
    assert f'<th scope="row">成都市</th>{cells}' in html
    assert re.search(r"<h3>城市主城区</h3>.*<h3>农产品主产区县</h3>", html, re.S)
    assert "<h3>未分类</h3>" not in html
    assert "另有178个县(市、区)尚未设置县域类型,不参加排名。" in html
    rank = '<td class="num">{}</td><th scope="row">{}</th><td>{}</td><td class="num">{}</td>'
    assert rank.format(1, "锦江区", "成都市", "80.0%") in html
    assert rank.format(2, "金牛区", "成都市", "30.0%") in html
    assert "青羊区" in html  # not ranked, but named with its bottom-line flag
    assert "另有1个县本期没有审核通过的填报,不参加排名。" in html
    assert "182个县(市、区)亮红灯,各市州的红灯县数见第一部分。" in html
    assert "未提交和滞后的举措最多的10个县是:" in html
    assert f"青羊区(成都市)· T1.1:{BottomLine.objects.get(code='B2').text}。{RISK_REASON}" in html
    assert f"“{HIGHLIGHT_TEXT}”" in html
    assert "会理市(凉山彝族自治州)" in html
    assert "没有进度滞后的指标(或数据不足以判断)。" in html
    assert "本通报含演示数据" not in html


def test_the_total_row_closes_the_prefecture_table(client_for, provincial_reviewer, round_):
    html = client_for(provincial_reviewer).get(PAGE).text
    cells = "".join(
        f'<td class="num">{n}</td>' for n in (183, "4,392", 29, "1%", 4, "4,363", "70.0%", 182)
    )
    assert f'<tbody class="briefing__total"><tr><th scope="row">全省</th>{cells}</tr>' in html


def test_counties_of_the_same_name_are_told_apart_by_their_prefecture(
    client_for, provincial_reviewer, reporter
):
    urban = CountyType.objects.get(code="urban-core")
    County.objects.filter(code__in=["511002", "511102"]).update(county_type=urban)
    approve_one_each({"511002": 70, "511102": 40}, reporter)
    html = client_for(provincial_reviewer).get(PAGE).text
    rank = '<td class="num">{}</td><th scope="row">市中区</th><td>{}</td>'
    assert rank.format(1, "内江市") in html
    assert rank.format(2, "乐山市") in html


def test_where_no_type_is_set_the_ranking_is_a_plain_statement(
    client_for, provincial_reviewer, reporter
):
    approve_one_each({"510104": 60}, reporter)
    html = client_for(provincial_reviewer).get(PAGE).text
    assert "183个县(市、区)都还没有设置县域类型,本期不作分类排名。" in html
    assert "未分类" not in html
    assert "<h3>" not in html.split("二、分类排名")[1].split("三、红灯预警")[0]


def test_a_long_ranking_says_which_places_it_leaves_out(client_for, provincial_reviewer, reporter):
    urban = CountyType.objects.get(code="urban-core")
    chengdu = list(County.objects.filter(prefecture__code="510100").order_by("code")[:12])
    County.objects.filter(pk__in=[c.pk for c in chengdu]).update(county_type=urban)
    approve_one_each({c.code: 95 - 5 * i for i, c in enumerate(chengdu)}, reporter)
    html = client_for(provincial_reviewer).get(PAGE).text
    assert "……第6至第7名从略(见附表)" in html
    assert f'<th scope="row">{chengdu[5].name}</th>' not in html
    assert f'<td class="num">12</td><th scope="row">{chengdu[11].name}</th>' in html


def test_the_page_says_pace_in_words_with_the_figures_in_a_note(
    client_for, provincial_reviewer, off_pace_values
):
    html = client_for(provincial_reviewer).get(PAGE).text
    d01 = Indicator.objects.get(code="D01")
    words = "不进反退:最新值比基期离目标更远。"
    assert f'<a href="/province/indicators/D01/">{d01.name}</a>:{words}<sup>1</sup>' in html
    item = build().off_pace[0]
    assert "2023年基期值59.49%;2026年第三季度2个县审核通过的值平均51%;2027年目标63%。" in html
    observed, required = item.pace.observed_growth, item.pace.required_growth
    assert f"年均变化{100 * observed:.2f}%,按期达标需要年均{100 * required:.2f}%" in html
    assert f"二者之比R = {item.pace.ratio:.2f}。" in html
    assert "(R =" not in html  # the figures are in the note, not in the judgement
    assert "没有进度滞后的指标" not in html
    assert "本通报含演示数据,不是官方数据。" in html


def test_demo_notes_alone_label_the_briefing(client_for, provincial_reviewer, reporter):
    demo_note = note("510104", "T1.1", State.APPROVED, author=reporter)
    ProgressNote.objects.filter(pk=demo_note.pk).update(is_demo=True)
    assert "本通报含演示数据" in client_for(provincial_reviewer).get(PAGE).text


def test_a_monthly_round_is_titled_with_its_month(client_for, provincial_reviewer):
    Period.objects.create(
        code="2026-10",
        cadence=Period.Cadence.MONTH,
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 11, 10),
    )
    html = client_for(provincial_reviewer).get("/province/briefing/?period=2026-10").text
    assert "<h1>2026年10月进展通报</h1>" in html


def test_in_english_the_title_names_the_round_in_english(client_for, provincial_reviewer):
    html = client_for(provincial_reviewer).get(PAGE, headers={"accept-language": "en"}).text
    assert "<h1>Progress briefing, Q3 2026</h1>" in html


def test_the_period_can_be_chosen_and_an_unknown_one_falls_back_to_the_latest_ended(
    client_for, provincial_reviewer, reporter
):
    note("510104", "T1.1", State.APPROVED, "completed", 100, "二季度亮点", None, "2026Q2", reporter)
    client = client_for(provincial_reviewer)
    chosen = client.get("/province/briefing/?period=2026Q2")
    assert chosen.context["b"].period.code == "2026Q2"
    assert "二季度亮点" in chosen.text
    for query in ("?period=1999Q9", "?period=", ""):
        response = client.get("/province/briefing/" + query)
        assert response.status_code == 200
        assert response.context["b"].period.code == "2026Q3"
        assert "二季度亮点" not in response.text


def test_the_prefecture_reviewer_sees_their_prefecture_only(
    client_for, prefecture_reviewer, round_
):
    response = client_for(prefecture_reviewer).get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert "范围:成都市20个县(市、区)" in html
    assert "锦江区" in html
    assert "凉山" not in html
    assert "会理市" not in html
    assert "西昌市" not in html
    assert HIGHLIGHT_TEXT not in html
    assert "绵阳市" not in html
    assert "本期应填报480项,已提交28项" in html
    assert '<tbody class="briefing__total"><tr><th scope="row">合计</th>' in html


@pytest.mark.parametrize("persona", ["provincial_reviewer", "admin_user"])
def test_province_wide_readers_see_the_whole_province(client_for, persona, request, round_):
    response = client_for(request.getfixturevalue(persona)).get(PAGE)
    assert response.status_code == 200
    labels = [row.label for row in response.context["b"].prefectures]
    assert len(labels) == 21
    assert "成都市" in labels
    assert "凉山彝族自治州" in labels
    assert "范围:全省183个县(市、区)" in response.text


@pytest.mark.parametrize("url", [PAGE, PDF, ANNEX])
def test_anonymous_users_are_sent_to_sign_in(client_for, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/province/briefing")


@pytest.mark.parametrize("persona", ["reporter", "other_reporter", "audit_admin", "no_role_user"])
@pytest.mark.parametrize("url", [PAGE, PDF, ANNEX])
def test_county_clerks_and_the_audit_admin_may_not_read_it(client_for, persona, url, request):
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", [PAGE, PDF, ANNEX])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_is_read_only(client_for, provincial_reviewer, url, method):
    assert getattr(client_for(provincial_reviewer), method)(url).status_code == 405


# The annex (a spreadsheet).


def test_the_annex_is_a_workbook_of_every_county_recorded_in_the_audit_trail(
    client_for, provincial_reviewer, round_
):
    response = client_for(provincial_reviewer).get(ANNEX)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "县域类型",
        "名次",
        "县(市、区)代码",
        "县(市、区)",
        "市州",
        "平均进度(%)",
    )
    assert len(rows) == 1 + 183
    assert rows[1][:6] == ("城市主城区", 1, "510104", "锦江区", "成都市", 80)
    record = AuditRecord.objects.filter(action="export.briefing_annex").get()
    assert record.changes["format"] == "xlsx"
    assert record.changes["rows"] == 183


def test_the_prefecture_reviewers_annex_holds_their_counties(
    client_for, prefecture_reviewer, round_
):
    response = client_for(prefecture_reviewer).get(ANNEX)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))[1:]
    assert len(rows) == 20
    assert {row[4] for row in rows} == {"成都市"}


# The PDF (a handful: each takes a second or two).


def test_the_pdf_has_the_headings_and_the_data_in_embedded_cjk_fonts(
    client_for, provincial_reviewer, round_, off_pace_values
):
    response = pdf_response(client_for(provincial_reviewer))
    reader = pdf_of(response)
    assert 'filename="briefing-2026Q3.pdf"' in response["Content-Disposition"]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4, from briefing.css
    compact = re.sub(r"\s+", "", pdf_text(reader))
    for heading in HEADINGS:
        assert heading in compact, heading
    assert "季度通报" not in compact
    assert "全省183" in compact  # the total row
    assert "成都市" in compact
    assert "凉山彝族自治州" in compact
    assert "锦江区" in compact
    assert HIGHLIGHT_TEXT in compact
    assert RISK_REASON in compact
    assert "常住人口城镇化率" in compact
    assert "不进反退" in compact
    assert "本通报含演示数据" in compact
    fonts = font_names(reader)
    assert any(re.search(r"Noto-?(Serif|Sans)-?CJK", name) for name in fonts), fonts


def test_the_pdf_of_an_empty_round_says_so(client_for, provincial_reviewer):
    compact = compact_text(pdf_response(client_for(provincial_reviewer)))
    assert "本期还没有审核通过的进展。" in compact
    assert "没有进度滞后的指标(或数据不足以判断)。" in compact
    assert "本期没有底线风险提示。" in compact
    assert "183个县(市、区)亮红灯" in compact
    assert "本期不作分类排名" in compact


def test_the_prefecture_reviewers_pdf_covers_their_prefecture_only(
    client_for, prefecture_reviewer, round_
):
    compact = compact_text(pdf_response(client_for(prefecture_reviewer)))
    assert "成都市" in compact
    assert "锦江区" in compact
    assert "凉山" not in compact
    assert "会理市" not in compact
    assert "绵阳市" not in compact


def test_a_full_round_fits_a_few_pages_with_no_heading_at_the_foot_of_a_page(
    client_for, provincial_reviewer
):
    """Every county reporting, every county typed: the longest briefing the province makes."""
    seed_demo()
    types = list(CountyType.objects.order_by("order"))
    for index, county in enumerate(County.objects.order_by("code")):
        county.county_type = types[index % len(types)]
        county.save(update_fields=["county_type"])
    reader = pdf_of(pdf_response(client_for(provincial_reviewer)))
    assert len(reader.pages) <= MAX_PAGES
    headings = set(HEADINGS[1:]) | {t.name for t in types} | {"底线风险提示"}
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        # Not the page number, nor a list's markers (which come out of the text last).
        body = [line for line in lines if not re.fullmatch(r"\d+ / \d+|•", line)]
        assert body, f"page {number} is empty"
        assert body[-1] not in headings, f"page {number} ends with the heading {body[-1]}"
    compact = re.sub(r"\s+", "", pdf_text(reader))
    for county_type in types:
        assert county_type.name in compact
    assert "名从略(见附表)" in compact


# The PDF made by the worker: asked for, listed, archived.


def test_asking_for_the_pdf_queues_it_and_the_page_polls_until_it_is_made(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    response = client.post(
        "/province/briefing/pdf/", {"period": "2026Q3"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="briefing-files"' in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert "排队中" in response.text
    # Asked again while it is on its way: the same file, not a second one.
    client.post("/province/briefing/pdf/", {"period": "2026Q3"})
    [made] = GeneratedFile.objects.all()
    assert AuditRecord.objects.filter(action="briefing.request").count() == 1
    run_jobs()
    made.refresh_from_db()
    assert made.state == "ready"
    listing = client.get(PAGE, headers={"HX-Request": "true"})
    assert "every 2s" not in listing.text
    assert f"/province/briefing/files/{made.pk}.pdf" in listing.text
    assert made.sha256 in listing.text
    assert "province_reviewer" in listing.text  # who asked
    assert "<h1" not in listing.text  # the list alone


def test_the_archived_file_is_the_one_downloaded_with_its_hash(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    content = pdf_response(client).body
    made = GeneratedFile.objects.get()
    assert hashlib.sha256(content).hexdigest() == made.sha256
    assert made.size == len(content)
    record = AuditRecord.objects.filter(action="download.briefing").get()
    assert record.changes["size"] == len(content)
    # Run again (as after a worker was killed): nothing is made twice.
    from targets.dashboards.briefing_files import make_pdf

    make_pdf.call(file_id=made.pk)
    made.refresh_from_db()
    assert made.attempts == 1


def test_another_prefecture_does_not_get_a_briefing_of_the_province(
    client_for, provincial_reviewer, other_prefecture_reviewer, round_
):
    pdf_response(client_for(provincial_reviewer))
    made = GeneratedFile.objects.get()
    response = client_for(other_prefecture_reviewer).get(f"/province/briefing/files/{made.pk}.pdf")
    assert response.status_code == 404
    assert "/province/briefing/files/" not in client_for(other_prefecture_reviewer).get(PAGE).text


@pytest.mark.parametrize("persona", ["reporter", "audit_admin"])
def test_county_clerks_may_not_ask_for_the_pdf(client_for, persona, request):
    response = client_for(request.getfixturevalue(persona)).post(
        "/province/briefing/pdf/", {"period": "2026Q3"}
    )
    assert response.status_code == 403
    assert not GeneratedFile.objects.exists()


def test_an_unknown_period_is_not_queued(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).post("/province/briefing/pdf/", {"period": "1999Q1"})
    assert response.status_code == 404
    assert not GeneratedFile.objects.exists()


def test_the_daily_run_archives_the_closed_round_once(client_for, provincial_reviewer, round_):
    out = io.StringIO()
    call_command("archive_briefing", stdout=out)
    call_command("archive_briefing", stdout=out)
    assert out.getvalue().splitlines() == [
        "2026Q3: the briefing PDF is queued.",
        "2026Q3: the briefing PDF was queued before.",
    ]
    run_jobs()
    made = GeneratedFile.objects.get()
    assert (made.requested_by, made.audience, made.state) == (None, "province", "ready")
    assert "截止后自动生成" in client_for(provincial_reviewer).get(PAGE).text
