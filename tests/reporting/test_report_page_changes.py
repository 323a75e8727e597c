"""A county's reporting page and note form show the plan, the calendar and the notes as they are
now: a change to any of them shows on the next visit, in every language."""

import datetime
import re

import pytest
from django.conf import settings

from targets.models import BottomLine, Indicator, Measure, Period, ProgressNote, State, StatusOption
from targets.reporting import workflow
from tests.notes import new_note

pytestmark = pytest.mark.django_db
REPORT = "/counties/510104/report/2026Q3/"
NOTE = "/counties/510104/report/2026Q3/measures/T1.1/"


def row_of(page, code: str) -> str:
    anchor = code.replace(".", "-")
    return re.search(rf'<li id="measure-{anchor}".*?</li>', page.text, re.S).group(0)


def test_each_change_to_a_measure_row_shows_on_the_next_visit(
    client_for, reporter, prefecture_reviewer, note_data, demo
):
    client = client_for(reporter)
    assert "未填报" in row_of(client.get(REPORT), "T1.1")
    client.post(NOTE, {**note_data, "action": "save"})
    assert "草稿" in row_of(client.get(REPORT), "T1.1")
    reporter.first_name = "改名后的填报人"
    reporter.save()
    assert "改名后的填报人" in row_of(client.get(REPORT), "T1.1")
    client.post(NOTE, {**note_data, "action": "submit", "version": 1})
    workflow.review(
        user=prefecture_reviewer, items=[ProgressNote.objects.get()], approve=False, comment="补"
    )
    page = client.get(REPORT)
    assert "已退回" in row_of(page, "T1.1")
    assert "补" in row_of(page, "T1.1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Returned" in row_of(client.get(REPORT), "T1.1")


def test_a_change_to_the_plan_or_the_periods_shows_at_once(client_for, reporter, demo):
    client = client_for(reporter)
    measure = Measure.objects.get(code="T1.1")
    indicator = Indicator.objects.filter(level="county")[0]
    measure.text, indicator.name = "改写后的举措表述", "改写后的指标名称"
    measure.save()
    indicator.save()
    page = client.get(REPORT).text
    assert "改写后的举措表述" in page
    assert "改写后的指标名称" in page
    Period.objects.create(
        code="2036Q1",
        cadence="quarter",
        starts_on=datetime.date(2036, 1, 1),
        ends_on=datetime.date(2036, 3, 31),
        deadline=datetime.date(2036, 4, 10),
    )
    assert '<option value="2036Q1"' in client.get(REPORT).text
    assert client.get("/counties/510104/report/2036Q2/").status_code == 404


def test_a_note_s_status_and_bottom_line_show_as_they_are_now(client_for, reporter, demo):
    line = BottomLine.objects.first()
    note = new_note("510104", "T1.1", State.DRAFT, author=reporter, bottom_line=line)
    note.save()
    client = client_for(reporter)
    assert note.status.name in client.get(REPORT).text
    note.status.name = "改名后的状态"
    note.status.save()
    note.bottom_line.text = "改名后的底线"
    note.bottom_line.save()
    page = client.get(REPORT).text
    assert "改名后的状态" in page
    assert "改名后的底线" in page


def test_the_note_form_offers_the_statuses_and_bottom_lines_as_they_are_now(
    client_for, reporter, demo
):
    """A renamed or retired status, a new bottom line, show on the next visit, and a retired
    status cannot be chosen."""
    client = client_for(reporter)
    behind = StatusOption.objects.get(code="behind")
    assert f'<option value="{behind.pk}">{behind.name}</option>' in client.get(NOTE).text
    behind.is_active = False
    behind.save()
    line = BottomLine.objects.first()
    line.text = "改写后的底线表述"
    line.save()
    page = client.get(NOTE).text
    statuses = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    assert f'<option value="{behind.pk}">' not in statuses
    assert "改写后的底线表述" in page
    posted = client.post(
        NOTE, {"status": behind.pk, "percent": 10, "narrative": "x", "action": "save"}
    )
    assert posted.status_code == 400
    assert not ProgressNote.objects.filter(county__code="510104", measure__code="T1.1").exists()
    assert client.get("/counties/510104/report/2026Q3/measures/T9.9/").status_code == 404
