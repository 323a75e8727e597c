"""Each measure is shown with its provincial units (牵头单位 / 配合单位): on the plan page, a
county's report rows, the measure grid, the timeline, and in the notes and review queue exports;
demo units labelled 演示; the pages' queries do not grow with the matrix."""

import html
import io

import pytest
from openpyxl import load_workbook

from targets.models import (
    Department,
    Measure,
    MeasureDepartment,
    Period,
    ProgressNote,
    Responsibility,
    State,
    StatusOption,
)
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db

PAGES = [
    ("reporter", "/plan/"),
    ("reporter", "/counties/510104/report/2026Q3/"),
    ("reporter", "/counties/510104/measures/T1.1/"),
    ("provincial_reviewer", "/province/measures/T1.1/?period=2026Q3"),
]


@pytest.fixture
def matrix(db):
    """T1.1 led by 省发展改革委, with 省财政厅 and 省自然资源厅 cooperating."""
    measure = Measure.objects.get(code="T1.1")
    fagai = Department.objects.create(code="fagai", name="省发展改革委", name_en="Provincial DRC")
    for code, name in (("caizheng", "省财政厅"), ("ziran", "省自然资源厅")):
        MeasureDepartment.objects.create(
            measure=measure,
            department=Department.objects.create(code=code, name=name),
            responsibility=Responsibility.COOPERATING,
        )
    MeasureDepartment.objects.create(
        measure=measure, department=fagai, responsibility=Responsibility.LEAD
    )
    return measure


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("persona", "url"), PAGES)
def test_the_page_names_the_lead_and_cooperating_units(
    request, client_for, matrix, persona, url, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 200
    page = text_of(response)
    assert "牵头单位:省发展改革委" in page
    assert "配合单位:省财政厅、省自然资源厅" in page
    assert "演示" not in page.split("牵头单位")[1][:200]


def test_the_units_show_in_english_too(client_for, reporter, matrix):
    client = client_for(reporter)
    client.post("/i18n/setlang/", {"language": "en", "next": "/plan/"})
    page = text_of(client.get("/plan/"))
    assert "Provincial DRC" in page


def test_the_demo_units_are_labelled(client_for, reporter, demo):
    page = text_of(client_for(reporter).get("/counties/510104/measures/T1.1/"))
    assert "牵头单位:四川省发展和改革委员会" in page
    assert '<span class="badge badge--demo">演示</span>' in page


def test_a_measure_without_units_shows_none(client_for, reporter):
    page = text_of(client_for(reporter).get("/counties/510104/measures/T1.1/"))
    assert "牵头单位" not in page


@pytest.mark.parametrize(("persona", "url"), PAGES)
def test_the_queries_do_not_grow_with_the_matrix(
    request, client_for, matrix, persona, url, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = client_for(request.getfixturevalue(persona))
    before = queries_of(client, url)
    departments = [Department.objects.create(code=f"d{n}", name=f"省第{n}厅") for n in range(1, 6)]
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(
            measure=measure, department=department, responsibility=Responsibility.COOPERATING
        )
        for measure in Measure.objects.all()
        for department in departments
    )
    assert queries_of(client, url) == before


def _note(county, author, state=State.SUBMITTED):
    return ProgressNote.objects.create(
        county=county,
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code="2026Q3"),
        status=StatusOption.objects.first(),
        percent=40,
        narrative="推进中",
        state=state,
        updated_by=author,
    )


def _sheet(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_notes_export_names_the_units(
    client_for, provincial_reviewer, reporter, jinjiang, matrix
):
    _note(jinjiang, reporter)
    response = client_for(provincial_reviewer).get("/province/notes/?period=2026Q3&export=xlsx")
    header, row = _sheet(response)[:2]
    assert row[header.index("牵头单位")] == "省发展改革委"
    assert row[header.index("配合单位")] == "省财政厅、省自然资源厅"


def test_the_review_queue_export_names_the_units(
    client_for, provincial_reviewer, reporter, jinjiang, demo
):
    _note(jinjiang, reporter)
    response = client_for(provincial_reviewer).get("/review/?export=xlsx")
    rows = _sheet(response)
    header = rows[0]
    [row] = [r for r in rows[1:] if r[header.index("内容")].startswith("T1.1")]
    assert row[header.index("牵头单位")] == "四川省发展和改革委员会(演示)"
    assert "四川省住房和城乡建设厅(演示)" in row[header.index("配合单位")]
