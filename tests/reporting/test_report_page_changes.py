"""A county's reporting page and note form show the plan, the calendar and the notes as they are
now: a change to any of them shows on the next visit, in every language."""

import re

import pytest
from django.conf import settings

from targets.models import ProgressNote
from targets.reporting import workflow

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
