"""Dates and numbers on screen follow the language: 2026年11月29日 14:05 and 12,345.6 in Chinese,
29 Nov 2026, 14:05 and 12,345.6 in English; years, codes and links are never grouped; and the
exports keep real dates and numbers whatever the language."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine

from targets.audit import trail
from targets.models import County, Indicator, IndicatorValue, Period, State
from tests.notes import new_note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]

# What each language shows for the same moments and the same figures.
SHOWN = {
    "zh-hans": {
        "deadline": "2026年10月15日",  # 2026Q3's deadline
        "saved": "2026年11月29日 10:00",  # the frozen clock, Beijing time
        "audited": "2026年11月29日 14:05:33",  # the audit pages add the seconds
        "submitted": "2026年11月21日 16:30",
    },
    "en": {
        "deadline": "15 Oct 2026",
        "saved": "29 Nov 2026, 10:00",
        "audited": "29 Nov 2026, 14:05:33",
        "submitted": "21 Nov 2026, 16:30",
    },
}
LANGUAGES = list(SHOWN)


@pytest.fixture
def figures(demo, reporter):
    """An indicator in yuan, whose figures run into the thousands: its baseline and an approved
    value of 锦江区, and a submitted value of 青羊区 awaiting review."""
    Indicator.objects.filter(code="D01").update(
        baseline_value=Decimal("18672.5"), minimum=0, maximum=1_000_000
    )
    period = Period.objects.get(code="2026Q3")
    indicator = Indicator.objects.get(code="D01")
    IndicatorValue.objects.create(
        county=County.objects.get(code="510104"),
        period=period,
        indicator=indicator,
        value=Decimal("21345.7500"),
        source="统计局",
        state=State.APPROVED,
        updated_by=reporter,
    )
    IndicatorValue.objects.create(
        county=County.objects.get(code="510105"),
        period=period,
        indicator=indicator,
        value=Decimal("1234567.8"),
        source="统计局",
        state=State.SUBMITTED,
        submitted_at=datetime.datetime(2026, 11, 21, 8, 30, tzinfo=datetime.UTC),
        updated_by=reporter,
    )


def in_language(client, language: str):
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_page_shows_dates_and_figures_in_the_language(
    client_for, reporter, figures, language
):
    new_note("510104", "T1.1", State.DRAFT, author=reporter).save()
    page = in_language(client_for(reporter), language).get("/counties/510104/report/2026Q3/").text
    shown = SHOWN[language]
    assert shown["deadline"] in page
    assert shown["saved"] in page
    assert "2026-10-15" not in page
    assert "18,672.5" in page
    assert "21,345.75" in page
    assert "(2023)" in page
    assert "2,023" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_review_queue_shows_submission_times_and_values_in_the_language(
    client_for, prefecture_reviewer, figures, language
):
    page = in_language(client_for(prefecture_reviewer), language).get("/review/").text
    assert SHOWN[language]["submitted"] in page
    assert "1,234,567.8" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_page_shows_times_to_the_second_in_the_language(
    client_for, audit_admin, reporter, language
):
    with time_machine.travel(datetime.datetime(2026, 11, 29, 6, 5, 33, tzinfo=datetime.UTC)):
        trail.record("auth.login", actor=reporter)
    page = in_language(client_for(audit_admin), language).get("/audit/", {"actor": "reporter"})
    assert SHOWN[language]["audited"] in page.text
    assert "2026-11-29" not in page.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_indicator_page_groups_values_but_not_years(
    client_for, provincial_reviewer, figures, language
):
    response = in_language(client_for(provincial_reviewer), language).get(
        "/province/indicators/D01/"
    )
    page = response.text
    assert "18,672.5" in page  # the baseline
    assert page.count("21,345.75") >= 2  # the trend's mean and 锦江区's latest value
    assert "2,023" not in page
    assert "2,027" not in page
    assert "2,035" not in page
    # The chart reads real numbers, not text in the language's format.
    assert '["2026-09-30", 21345.75, ' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_overview_groups_its_counts(client_for, provincial_reviewer, language):
    response = in_language(client_for(provincial_reviewer), language).get(
        "/province/", {"period": "2026Q3"}
    )
    assert response.status_code == 200
    assert "<dd>4,392</dd>" in response.text  # 183 counties × 24 measures due
    # Links built from numbers stay plain.
    assert "?period=2026Q3" in response.text


def test_a_returned_note_shows_when_it_was_returned_in_english(client_for, reporter, period):
    returned = new_note(
        "510104",
        "T1.1",
        State.RETURNED,
        author=reporter,
        review_comment="请补充",
        reviewed_by=reporter,
        reviewed_at=datetime.datetime(2026, 11, 28, 1, 0, tzinfo=datetime.UTC),
    )
    returned.save()
    page = in_language(client_for(reporter), "en").get(
        "/counties/510104/report/2026Q3/measures/T1.1/"
    )
    assert page.status_code == 200
    assert "28 Nov 2026, 09:00" in page.text  # 01:00 UTC is 09:00 in Beijing


@pytest.mark.parametrize("language", LANGUAGES)
def test_exports_keep_real_dates_and_numbers_in_any_language(
    client_for, prefecture_reviewer, figures, language
):
    client = in_language(client_for(prefecture_reviewer), language)
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/review/", {"export": "xlsx"}).streaming_content))
    )
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert datetime.datetime(2026, 11, 21, 16, 30) in rows[0]  # a datetime, not text
    assert 1234567.8 in rows[0]  # a number, not "1,234,567.8"
    text = b"".join(client.get("/review/", {"export": "csv"}).streaming_content).decode()
    line = next(csv.reader(io.StringIO(text.splitlines()[1])))
    assert "2026-11-21 16:30:00" in line
    assert "1234567.8000" in line
