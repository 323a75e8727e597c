"""Records named in the reader's language: prefectures, counties, regions, county types, task
areas, integrations, statuses, bottom lines and units read in English when English is active (in
pages, options and exports), and in Chinese by default."""

import csv
import io

import pytest
from django.utils import translation

from targets.models import BottomLine, Indicator, Integration, StatusOption, TaskArea
from targets.supervision.lights import Light

pytestmark = pytest.mark.django_db

REPORT = "/counties/510104/report/2026Q3/"
NOTE = REPORT + "measures/T1.1/"


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def option(value: str, label: str) -> str:
    return f'<option value="{value}">{label}</option>'


def test_the_report_page_names_county_and_prefecture_in_english(client_for, reporter, period):
    page = in_english(client_for(reporter)).get(REPORT).text
    assert '<html lang="en">' in page
    assert "<li>Chengdu City</li>" in page
    assert '<a href="/counties/510104/">Jinjiang District</a>' in page
    assert "Jinjiang District · Q3 2026" in page
    assert "锦江区" not in page
    assert "成都市" not in page


def test_the_report_page_names_them_in_chinese_by_default(client_for, reporter, period):
    page = client_for(reporter).get(REPORT).text
    assert "<li>成都市</li>" in page
    assert '<a href="/counties/510104/">锦江区</a>' in page
    assert "Jinjiang" not in page


def test_the_count_of_measures_reads_as_a_count(client_for, reporter, period):
    page = in_english(client_for(reporter)).get(REPORT).text
    assert "<dt>Measures</dt><dd>24</dd>" in page
    assert "<dt>举措</dt><dd>24</dd>" in client_for(reporter).get(REPORT).text


def test_the_note_form_offers_statuses_and_bottom_lines_in_english(client_for, reporter, period):
    client = client_for(reporter)
    english = in_english(client).get(NOTE).text
    on_schedule = StatusOption.objects.get(code="on_schedule")
    line = BottomLine.objects.order_by("order").first()
    assert f">{on_schedule.name_en}</option>" in english
    assert option(str(line.pk), f"{line.code} {line.text_en}") in english
    assert line.text not in english
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(NOTE).text
    assert f">{on_schedule.name}</option>" in chinese
    assert option(str(line.pk), f"{line.code} {line.text}") in chinese


def test_the_evidence_help_is_translated_per_request(client_for, reporter, period, settings):
    client = client_for(reporter)
    mb = settings.EVIDENCE_MAX_MB
    english = in_english(client).get(NOTE).text
    assert f"PDF, image, Word/Excel/PowerPoint or text files, up to {mb} MB each." in english
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(NOTE).text
    assert f"PDF、图片、Word/Excel/PowerPoint 或文本文件,每个不超过 {mb} MB。" in chinese


def test_the_overview_filters_offer_every_option_in_english(client_for, provincial_reviewer):
    page = in_english(client_for(provincial_reviewer)).get("/province/").text
    area = TaskArea.objects.get(code="T1")
    integration = Integration.objects.get(code="I1")
    assert option("chengdu-plain", "Chengdu Plain Economic Zone") in page
    assert option("510100", "Chengdu City") in page
    assert option("513300", "Garzê Tibetan Autonomous Prefecture") in page
    assert option("urban-core", "Main urban districts") in page
    assert option("T1", f"T1 {area.text_en}") in page
    assert option("I1", integration.name_en) in page
    assert option("2026Q3", "Q3 2026") in page
    assert "成都平原经济区" not in page
    assert "城市主城区" not in page


def test_the_overview_filters_read_in_chinese_by_default(client_for, provincial_reviewer):
    page = client_for(provincial_reviewer).get("/province/").text
    integration = Integration.objects.get(code="I1")
    assert option("chengdu-plain", "成都平原经济区") in page
    assert option("510100", "成都市") in page
    assert option("urban-core", "城市主城区") in page
    assert option("I1", integration.name) in page
    assert "Chengdu City" not in page


def test_the_overview_counts_approved_notes_under_approved(client_for, provincial_reviewer):
    page = in_english(client_for(provincial_reviewer)).get("/province/").text
    assert '<th scope="col" class="num">Approved</th>' in page
    assert ">Approve<" not in page


def test_the_review_filters_name_prefectures_and_counties_in_english(
    client_for, prefecture_reviewer
):
    page = in_english(client_for(prefecture_reviewer)).get("/review/").text
    assert ">Chengdu City</option>" in page
    assert ">Jinjiang District (510104)</option>" in page


def test_the_county_page_names_region_prefecture_and_county(client_for, reporter):
    page = in_english(client_for(reporter)).get("/counties/510104/").text
    assert "<li>Chengdu Plain Economic Zone</li>" in page
    assert "<li>Chengdu City</li>" in page
    assert '<h1>Jinjiang District <span class="muted">510104</span></h1>' in page


def test_an_indicator_shows_its_unit_in_english(client_for, reporter, period, demo):
    indicator = Indicator.objects.get(code="D02")
    assert (indicator.unit, indicator.unit_en) == ("倍", "times")
    client = client_for(reporter)
    value_page = REPORT + "indicators/D01/"
    D01 = Indicator.objects.get(code="D01")
    D01.unit, D01.unit_en = "万人", "10,000 people"
    D01.save()
    assert "<dd>10,000 people</dd>" in in_english(client).get(value_page).text
    client.cookies["django_language"] = "zh-hans"
    assert "<dd>万人</dd>" in client.get(value_page).text


def test_a_lights_reasons_are_listed_the_languages_way():
    light = Light("red", ("overdue", "behind"))
    with translation.override("en"):
        assert light.text == "overdue; behind"
    with translation.override("zh-hans"):
        assert light.text == "overdue;behind"


def test_exports_name_counties_and_prefectures_in_english(client_for, provincial_reviewer):
    client = in_english(client_for(provincial_reviewer))
    response = client.get("/review/late/", {"export": "csv", "show": "all"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    jinjiang = next(row for row in rows if "510104" in row)
    assert "Jinjiang District" in jinjiang
    assert "Chengdu City" in jinjiang
