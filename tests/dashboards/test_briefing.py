"""The quarterly briefing (季度通报): completeness by prefecture, counties ranked within their county
type from approved figures only, red lights and bottom-line flags, indicators off pace, highlights
quoted from approved notes; the web page with its print style, the PDF typeset with embedded CJK
fonts; scope (a prefecture reviewer sees their prefecture only) and permissions."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from django.contrib.staticfiles import finders

from targets.dashboards import briefing
from targets.models import (
    BottomLine,
    County,
    CountyType,
    Indicator,
    IndicatorValue,
    Measure,
    Period,
    ProgressNote,
    State,
)
from tests.conftest import TODAY
from tests.notes import new_note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]
PAGE = "/province/briefing/?period=2026Q3"
PDF = "/province/briefing.pdf?period=2026Q3"
HEADINGS = [
    "季度通报",
    "一、填报情况",
    "二、分类排名",
    "三、红灯预警",
    "四、进度滞后的指标",
    "五、工作亮点",
]
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


def pdf_of(response) -> pypdf.PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    return pypdf.PdfReader(io.BytesIO(response.content))


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
    assert (chengdu.slots, chengdu.reported, chengdu.approved) == (20 * 24, 28, 2 + 1)
    assert chengdu.missing == 20 * 24 - 28
    liangshan = rows["凉山彝族自治州"]
    assert liangshan.slots == prefecture_counties("513400") * 24
    assert (liangshan.reported, liangshan.approved) == (1, 1)
    assert rows["绵阳市"].reported == 0
    assert rows["绵阳市"].missing == rows["绵阳市"].slots


def test_counties_are_ranked_within_their_type_by_approved_notes_only(round_):
    b = build()
    groups = {
        county_type.code if county_type else None: ranked for county_type, ranked in b.rankings
    }
    assert list(groups) == ["urban-core", "agricultural", None]  # by the types' order; untyped last
    urban = [(item.row.key, item.rank, item.row.mean_percent) for item in groups["urban-core"]]
    # 青羊区's submitted 100 is not approved: it is not ranked (first otherwise).
    assert urban == [("510104", 1, 80.0), ("510106", 2, 30.0), ("510105", None, None)]
    agricultural = [(item.row.key, item.rank) for item in groups["agricultural"]]
    assert agricultural[0] == ("513402", 1)
    assert ("513401", None) in agricultural  # a draft only
    untyped = {item.row.key: item.rank for item in groups[None]}
    assert len(untyped) == 183 - 5
    assert untyped["510107"] is None  # 24 submitted notes at 100%, none approved
    assert set(untyped.values()) == {None}


def test_ranks_restart_within_each_type(round_, reporter):
    note("513401", "T1.2", State.APPROVED, "on_schedule", 95, author=reporter)
    groups = {ct.code if ct else None: ranked for ct, ranked in build().rankings}
    assert [(i.row.key, i.rank) for i in groups["agricultural"]][:2] == [
        ("513401", 1),
        ("513402", 2),
    ]
    assert [i.rank for i in groups["urban-core"]] == [1, 2, None]


def test_red_lights_list_the_counties_with_their_reasons(round_):
    b = build()
    red = {county.code: light for county, light in b.red}
    assert [county.code for county, _light in b.red] == sorted(red)
    assert "510107" not in red  # every measure submitted, ahead of 序时进度: green
    assert len(red) == 183 - 1  # after the deadline, a measure with nothing submitted is red
    assert red["513423"].text == "逾期未提交 24项"
    # 序时进度 at the end of 2026Q3 is about 69%: 锦江区's 60 is slightly behind, 金牛区's 30 far.
    assert red["510104"].text == "逾期未提交 22项;略低于序时进度 1项"
    assert red["510106"].text == "逾期未提交 23项;自评滞后或存在风险 1项;明显落后于序时进度 1项"
    assert red["513401"].text == "逾期未提交 24项"  # a draft counts as nothing submitted


def test_before_the_deadline_nothing_is_red_for_being_late(round_):
    b = briefing.build(
        Period.objects.get(code="2026Q3"),
        datetime.date(2026, 10, 1),
        County.objects.all(),
        whole_province=True,
    )
    # Only the bottom lines flagged: 金牛区's self-rating "behind" is not judged before the
    # deadline, when a county that submitted nothing is not red either.
    assert [county.code for county, _light in b.red] == ["510105", "513402"]


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
    off = {indicator.code: result for indicator, result in build().off_pace}
    assert list(off) == ["D01"]  # D03 achieved; D04's only value is not approved
    assert off["D01"].status == "deterioration"
    assert off["D01"].latest_value == 51.0


def test_a_past_quarters_briefing_does_not_judge_later_values(off_pace_values):
    assert build(period="2026Q2").off_pace == []  # D01's only values are 2026Q3's


def test_a_prefectures_briefing_covers_its_counties_only(round_, off_pace_values):
    chengdu = County.objects.filter(prefecture__code="510100")
    b = build(chengdu, whole_province=False)
    assert [row.label for row in b.prefectures] == ["成都市"]
    assert b.completeness.slots == 20 * 24
    assert b.completeness.reported == 28
    assert {county.prefecture.code for county, _light in b.red} == {"510100"}
    ranked = [item.row.key for _type, items in b.rankings for item in items]
    assert sorted(ranked) == sorted(chengdu.values_list("code", flat=True))
    assert [n.county.code for n in b.flagged] == ["510105"]
    assert {n.county.code for n in b.highlights} == {"510104"}
    assert b.off_pace == []  # D01 fell in 凉山 only


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
    assert 'href="/province/briefing.pdf?period=2026Q3"' in html
    assert re.search(r'<select id="briefing-period" name="period">', html)
    assert '<option value="2026Q3" selected>' in html
    assert '<option value="2026Q2" >' in html or '<option value="2026Q2">' in html
    for heading in HEADINGS:
        assert heading in html
    assert "2026Q3 季度通报" in html
    assert f"本期应填报 {183 * 24} 项,已提交 29 项(其中审核通过 4 项)" in html
    assert '<th scope="row">成都市</th><td class="num">480</td><td class="num">28</td>' in html
    assert re.search(r"<h3>城市主城区</h3>.*<h3>农产品主产区县</h3>.*<h3>未分类</h3>", html, re.S)
    rank = '<td class="num">{}</td><th scope="row">{}</th><td class="num">{}</td>'
    assert rank.format(1, "锦江区", "80.0%") in html
    assert rank.format(2, "金牛区", "30.0%") in html
    assert rank.format("—", "青羊区", "—") in html
    assert rank.format("—", "武侯区", "—") in html
    assert '<th scope="row">武侯区</th><td>成都市</td>' not in html  # green
    assert (
        '<th scope="row">锦江区</th><td>成都市</td><td>逾期未提交 22项;略低于序时进度 1项</td>'
        in html
    )
    assert f"青羊区 · T1.1:{BottomLine.objects.get(code='B2').text}。{RISK_REASON}" in html
    assert f"“{HIGHLIGHT_TEXT}”" in html
    assert "没有进度滞后的指标(或数据不足以判断)。" in html
    assert "本通报含演示数据" not in html


def test_the_page_lists_indicators_off_pace_and_says_it_holds_demo_data(
    client_for, provincial_reviewer, off_pace_values
):
    html = client_for(provincial_reviewer).get(PAGE).text
    assert "D01</span> 常住人口城镇化率:逆向变化" in html
    assert "没有进度滞后的指标" not in html
    assert "本通报含演示数据,不是官方数据。" in html


def test_demo_notes_alone_label_the_briefing(client_for, provincial_reviewer, reporter):
    demo_note = note("510104", "T1.1", State.APPROVED, author=reporter)
    ProgressNote.objects.filter(pk=demo_note.pk).update(is_demo=True)
    assert "本通报含演示数据" in client_for(provincial_reviewer).get(PAGE).text


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
    assert "成都市" in html
    assert "锦江区" in html
    assert "凉山" not in html
    assert "会理市" not in html
    assert "西昌市" not in html
    assert HIGHLIGHT_TEXT not in html
    assert "绵阳市" not in html
    assert f"本期应填报 {20 * 24} 项,已提交 28 项" in html


@pytest.mark.parametrize("persona", ["provincial_reviewer", "department_user", "admin_user"])
def test_province_wide_readers_see_the_whole_province(client_for, persona, request, round_):
    response = client_for(request.getfixturevalue(persona)).get(PAGE)
    assert response.status_code == 200
    labels = [row.label for row in response.context["b"].prefectures]
    assert len(labels) == 21
    assert "成都市" in labels
    assert "凉山彝族自治州" in labels


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_anonymous_users_are_sent_to_sign_in(client_for, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/province/briefing")


@pytest.mark.parametrize("persona", ["reporter", "audit_admin", "no_role_user"])
@pytest.mark.parametrize("url", [PAGE, PDF])
def test_reporters_and_the_audit_admin_may_not_read_it(client_for, persona, url, request):
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_it_is_read_only(client_for, provincial_reviewer, url):
    assert client_for(provincial_reviewer).post(url).status_code == 405


# The PDF (a handful: each takes a second or two).


def test_the_pdf_has_the_headings_and_the_data_in_embedded_cjk_fonts(
    client_for, provincial_reviewer, round_, off_pace_values
):
    response = client_for(provincial_reviewer).get(PDF)
    reader = pdf_of(response)
    assert 'filename="briefing-2026Q3.pdf"' in response["Content-Disposition"]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4, from briefing.css
    text = pdf_text(reader)
    compact = re.sub(r"\s+", "", text)
    for heading in HEADINGS:
        assert heading in compact, heading
    assert "2026Q3季度通报" in compact
    assert "成都市" in compact
    assert "凉山彝族自治州" in compact
    assert "锦江区" in compact
    assert "逾期未提交22项" in compact
    assert HIGHLIGHT_TEXT in compact
    assert RISK_REASON in compact
    assert "常住人口城镇化率" in compact
    assert "逆向变化" in compact
    assert "本通报含演示数据" in compact
    fonts = font_names(reader)
    assert any(re.search(r"Noto-?(Serif|Sans)-?CJK", name) for name in fonts), fonts


def test_the_pdf_of_an_empty_round_says_so(client_for, provincial_reviewer):
    compact = re.sub(r"\s+", "", pdf_text(pdf_of(client_for(provincial_reviewer).get(PDF))))
    assert "本期还没有审核通过的进展。" in compact
    assert "没有进度滞后的指标(或数据不足以判断)。" in compact
    assert "本期没有底线风险提示。" in compact
    assert "183个县(市、区)亮红灯" in compact


def test_the_prefecture_reviewers_pdf_covers_their_prefecture_only(
    client_for, prefecture_reviewer, round_
):
    compact = re.sub(r"\s+", "", pdf_text(pdf_of(client_for(prefecture_reviewer).get(PDF))))
    assert "成都市" in compact
    assert "锦江区" in compact
    assert "凉山" not in compact
    assert "会理市" not in compact
    assert "绵阳市" not in compact
