"""Rounds are named as people write them on the pages, in the choices and in the exports, in
Chinese and in English; the code stays in URLs, in the choices' values and in the files' machine
columns."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from targets.models import County, Period, PeriodReopening, State
from tests.notes import saved_note

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}
REPORT = "/counties/510104/report/2026Q3/"


@pytest.fixture
def a_note(reporter):
    return saved_note("510104", "T1.1", State.SUBMITTED, author=reporter)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("headers", "name", "code_shown"),
    [({}, "2026年第三季度", ">2026Q3<"), (ENGLISH, "Q3 2026", ">2026Q3<")],
)
def test_the_report_page_names_its_round_in_the_language_of_the_request(
    client_for, reporter, headers, name, code_shown
):
    page = client_for(reporter).get(REPORT, headers=headers).text
    assert f"· {name} ·" in page.split("<title>")[1].split("</title>")[0]
    assert f"{name}" in page.split("<h1>")[1].split("</h1>")[0]
    assert f'<option value="2026Q3" selected>{name}</option>' in page
    assert code_shown not in page  # the code is in URLs and values only


def test_the_note_form_and_timeline_name_the_round(client_for, reporter, a_note):
    client = client_for(reporter)
    form = client.get(f"{REPORT}measures/T1.2/", headers=ENGLISH).text
    assert "Q3 2026" in form.split("<title>")[1]
    timeline = client.get("/counties/510104/measures/T1.1/").text
    assert '<h2 id="period-2026Q3">2026年第三季度 ' in timeline


def test_a_dashboard_names_its_round_in_english(client_for, provincial_reviewer):
    page = client_for(provincial_reviewer).get(
        "/province/measures/T1.1/", {"period": "2026Q3"}, headers=ENGLISH
    )
    assert "Q3 2026 · " in page.text
    assert '<option value="2026Q4">Q4 2026</option>' in page.text


@pytest.mark.parametrize(("headers", "name"), [({}, "2026年第三季度"), (ENGLISH, "Q3 2026")])
def test_an_export_has_a_readable_round_column(
    client_for, provincial_reviewer, a_note, headers, name
):
    response = client_for(provincial_reviewer).get(
        "/province/notes/", {"period": "2026Q3", "export": "csv"}, headers=headers
    )
    header, *lines = csv_rows(response)
    column = header.index("Reporting period" if headers else "填报周期")
    assert [line[column] for line in lines] == [name]
    assert "notes-2026Q3-" in response["Content-Disposition"]


def test_the_values_template_keeps_the_code_that_is_read_back_and_adds_the_name(
    client_for, reporter, demo
):
    response = client_for(reporter).get("/values/template.xlsx", {"period": "2026Q3"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, first = ([c.value for c in row] for row in sheet.iter_rows(max_row=2))
    assert (header[0], first[0]) == ("填报周期", "2026Q3")
    assert (header[-1], first[-1]) == ("填报周期名称", "2026年第三季度")


def test_the_values_import_page_offers_rounds_by_name(client_for, reporter):
    page = client_for(reporter).get("/values/import/", headers=ENGLISH).text
    assert '<option value="2026Q3"' in page
    assert ">Q3 2026</option>" in page


def test_the_admin_lists_rounds_and_reopenings_by_name(client_for, admin_user):
    PeriodReopening.objects.create(
        period=Period.objects.filter(code="2026Q3").get(),
        county=County.objects.get(code="510104"),
        until=timezone.localdate() + datetime.timedelta(days=7),
        reason="补报",
        opened_by=admin_user,
    )
    client = client_for(admin_user)
    periods = client.get("/admin/targets/period/", {"q": "2026Q3"}, headers=ENGLISH).text
    assert "Q3 2026" in periods
    reopenings = client.get("/admin/targets/periodreopening/").text
    assert "2026年第三季度" in reopenings


def test_a_locked_round_is_named_in_the_refusal(client_for, reporter, note_data):
    Period.objects.filter(code="2026Q3").update(locked=True)
    response = client_for(reporter).post(
        f"{REPORT}measures/T1.1/", {**note_data, "action": "save"}, headers=ENGLISH
    )
    assert response.status_code == 400
    assert "Q3 2026" in response.text
