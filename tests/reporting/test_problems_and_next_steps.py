"""A note's 存在问题 and 下步打算: saved with the draft and in each version, shown on the report
page, the timeline and the review queue, and exported with the notes."""

import pytest

from targets.models import NoteVersion, ProgressNote, State
from tests.notes import saved_note

pytestmark = pytest.mark.django_db

NOTE = "/counties/510104/report/2026Q3/measures/T1.1/"
PROBLEMS = "用地指标尚未落实。\n配套资金到位率偏低。"
NEXT_STEPS = "下季度完成土地报批。"


def test_the_pair_is_saved_with_the_draft_and_its_version(client_for, reporter, note_data):
    client = client_for(reporter)
    data = {**note_data, "problems": PROBLEMS, "next_steps": NEXT_STEPS, "action": "save"}
    assert client.post(NOTE, data).status_code == 302
    note = ProgressNote.objects.get()
    assert (note.problems, note.next_steps) == (PROBLEMS, NEXT_STEPS)
    version = NoteVersion.objects.get(note=note)
    assert (version.problems, version.next_steps) == (PROBLEMS, NEXT_STEPS)
    # A second save from a stale form is refused, and what was typed stays in the form.
    stale = {**data, "version": "0", "problems": "另一人的问题"}
    page = client.post(NOTE, stale)
    assert page.status_code == 409
    assert "另一人的问题" in page.content.decode()
    assert ProgressNote.objects.get().problems == PROBLEMS


def test_the_pair_shows_on_the_report_page_and_the_timeline(client_for, reporter):
    saved_note(
        "510104", "T1.1", State.DRAFT, author=reporter, problems=PROBLEMS, next_steps=NEXT_STEPS
    )
    note = ProgressNote.objects.get()
    NoteVersion.objects.create(
        note=note,
        number=1,
        state=note.state,
        status=note.status,
        percent=note.percent,
        narrative=note.narrative,
        problems=PROBLEMS,
        next_steps=NEXT_STEPS,
        event="save",
        by=reporter,
    )
    client = client_for(reporter)
    for url in ("/counties/510104/report/2026Q3/", "/counties/510104/measures/T1.1/"):
        html = client.get(url).content.decode()
        for text in ("存在问题", "用地指标尚未落实。", "下步打算", NEXT_STEPS):
            assert text in html, (url, text)


def test_the_pair_is_in_the_review_queue_and_its_export(client_for, reporter, prefecture_reviewer):
    saved_note(
        "510104",
        "T1.1",
        State.SUBMITTED,
        author=reporter,
        problems=PROBLEMS,
        next_steps=NEXT_STEPS,
    )
    client = client_for(prefecture_reviewer)
    assert NEXT_STEPS in client.get("/review/").content.decode()
    export = client.get("/review/?export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, row = text.splitlines()[0], text.split("\r\n", 1)[1]
    assert "存在问题" in header
    assert "下步打算" in header
    assert "用地指标尚未落实。" in row
    assert NEXT_STEPS in row
