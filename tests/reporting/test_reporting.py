"""A county reports progress: the period's page, drafts, submission, returns, the timeline."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.models import AuditRecord, BottomLine, Measure, NoteVersion, ProgressNote, State
from targets.reporting.workflow import review
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db
PAGE = "/counties/510104/report/2026Q3/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE = "/counties/510104/report/2026Q3/measures/T1.1/"


def post_note(client, data, action="save", version=None, **headers):
    payload = {**data, "action": action}
    if version is not None:
        payload["version"] = str(version)
    return client.post(NOTE, payload, headers=headers)


def test_the_page_lists_every_measure_with_what_is_missing(client_for, reporter, period):
    response = client_for(reporter).get(PAGE)
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts.total == 24
    assert counts.missing == 24
    assert "深入推进扩权强县" in response.text
    assert "未填报" in response.text


def test_current_period_redirect(client_for, reporter, period):
    response = client_for(reporter).get("/counties/510104/report/")
    assert response.status_code == 302
    assert response["Location"].startswith("/counties/510104/report/20")
    chosen = client_for(reporter).get("/counties/510104/report/", {"period": "2025Q2"})
    assert chosen["Location"] == "/counties/510104/report/2025Q2/"


def test_draft_then_submit_then_locked_for_edits(client_for, reporter, period, note_data):
    client = client_for(reporter)
    assert post_note(client, note_data).status_code == 302
    note = ProgressNote.objects.get()
    assert note.state == State.DRAFT
    assert note.version == 1
    assert note.percent == 40
    note_data["percent"] = "55"
    assert post_note(client, note_data, "submit", version=1).status_code == 302
    note.refresh_from_db()
    assert note.state == State.SUBMITTED
    assert note.version == 2
    assert note.submitted_at
    refused = post_note(client, note_data, version=2)
    assert refused.status_code == 400
    assert "已提交的进展不能修改" in refused.text
    assert list(note.versions.values_list("event", flat=True)) == ["save", "submit"]
    assert AuditRecord.objects.filter(action="note.submit", actor=reporter).exists()


def test_htmx_save_answers_with_the_row_and_refreshes_the_counts(
    client_for, reporter, period, note_data
):
    response = post_note(client_for(reporter), note_data, **{"hx-request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<li id="measure-T1-1"')
    assert json.loads(response["HX-Trigger"]) == {"reportChanged": {}}
    counts = client_for(reporter).get(
        PAGE, headers={"hx-request": "true", "hx-target": "report-counts"}
    )
    assert counts.text.lstrip().startswith('<section id="report-counts"')
    assert counts.context["counts"].by_state["draft"] == 1


def test_htmx_save_and_submit_name_what_was_done_and_the_row_to_return_to(
    client_for, reporter, period, note_data, settings
):
    client = client_for(reporter)
    title = Measure.objects.get(code="T1.1").text
    saved = post_note(client, note_data, **{"hx-request": "true"})
    assert json.loads(saved["HX-Trigger-After-Settle"]) == {
        "announce": {"message": f"已保存草稿:T1.1 {title}", "focus": "measure-T1-1"}
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    submitted = post_note(client, note_data, "submit", version=1, **{"hx-request": "true"})
    announced = json.loads(submitted["HX-Trigger-After-Settle"])["announce"]
    assert announced["message"].startswith("Submitted for review: T1.1 ")
    assert announced["focus"] == "measure-T1-1"
    refused = post_note(client, note_data, version=2, **{"hx-request": "true"})
    assert "HX-Trigger-After-Settle" not in refused  # nothing was done: nothing to announce


def test_htmx_errors_stay_in_the_form(client_for, reporter, period, note_data):
    note_data["percent"] = "140"
    response = post_note(client_for(reporter), note_data, **{"hx-request": "true"})
    assert response["HX-Retarget"] == "#note-form-T1-1"
    assert "140" in response.text
    assert not ProgressNote.objects.exists()


def test_html_in_the_narrative_is_shown_as_text(client_for, reporter, period, note_data):
    note_data["narrative"] = "第一行\n<script>alert('x')</script>"
    client = client_for(reporter)
    post_note(client, note_data)
    page = client.get(PAGE).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "第一行<br>" in page


def test_a_bottom_line_flag_needs_its_reason(client_for, reporter, period, note_data):
    note_data["bottom_line"] = BottomLine.objects.get(code="B2").pk
    response = post_note(client_for(reporter), note_data)
    assert response.status_code == 400
    assert "标记底线风险时须说明原因" in response.text
    assert not ProgressNote.objects.exists()
    note_data["risk_reason"] = "拟占用部分耕地"
    assert post_note(client_for(reporter), note_data).status_code == 302
    assert ProgressNote.objects.get().bottom_line.code == "B2"


def test_a_returned_note_shows_the_comment_and_is_resubmitted(
    client_for, reporter, prefecture_reviewer, period, note_data
):
    client = client_for(reporter)
    post_note(client, note_data, "submit")
    note = ProgressNote.objects.get()
    review(user=prefecture_reviewer, items=[note], approve=False, comment="请补充数据")
    client = client_for(reporter)
    page = client.get(PAGE).text
    assert "请补充数据" in page
    assert "已退回" in page
    form = client.get(NOTE)
    assert "请补充数据" in form.text
    note.refresh_from_db()
    assert post_note(client, note_data, "submit", version=note.version).status_code == 302
    note.refresh_from_db()
    assert note.state == State.SUBMITTED
    events = list(NoteVersion.objects.filter(note=note).values_list("event", flat=True))
    assert events == ["submit", "return", "submit"]


def test_the_timeline_shows_every_version_with_author(
    client_for, reporter, prefecture_reviewer, period, note_data
):
    client = client_for(reporter)
    post_note(client, note_data)
    post_note(client, {**note_data, "percent": "60"}, "submit", version=1)
    review(user=prefecture_reviewer, items=[ProgressNote.objects.get()], approve=True, comment="")
    page = client_for(prefecture_reviewer).get("/counties/510104/measures/T1.1/")
    assert page.status_code == 200
    assert page.text.count("第1版") == 1
    assert "第3版" in page.text
    assert "reporter" in page.text
    assert "chengdu_reviewer" in page.text


def test_each_row_names_who_saved_and_who_reviewed_and_counts_the_evidence_in_force(
    client_for, reporter, prefecture_reviewer, period, note_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(reporter)
    reporter.first_name, prefecture_reviewer.first_name = "李填报", "王审核"
    reporter.last_name = "<b>"
    reporter.save()
    prefecture_reviewer.save()
    files = [SimpleUploadedFile(f"{n}.pdf", PDF, content_type="application/pdf") for n in "ab"]
    assert post_note(client, {**note_data, "files": files}).status_code == 302
    note = ProgressNote.objects.get()
    first = note.evidence.order_by("pk").first()
    post_note(client, {**note_data, "supersede": [first.pk]}, "submit", version=note.version)
    review(
        user=prefecture_reviewer, items=[ProgressNote.objects.get()], approve=False, comment="补"
    )
    page = client.get(PAGE).text
    assert "1份佐证材料" in page
    assert "2份佐证材料" not in page
    assert "李填报 &lt;b&gt; 保存于" in page
    assert "王审核 审核于" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(PAGE).text
    assert "Saved by 李填报 &lt;b&gt; at" in page
    assert "Reviewed by 王审核 at" in page


def test_a_locked_period_refuses_changes_with_a_message(client_for, reporter, period, note_data):
    period.locked = True
    period.save()
    response = post_note(client_for(reporter), note_data)
    assert response.status_code == 400
    assert "已锁定" in response.text
    assert not ProgressNote.objects.exists()
    assert "本期已锁定" in client_for(reporter).get(PAGE).text


@pytest.mark.parametrize("persona", ["other_reporter", "other_prefecture_reviewer"])
def test_outsiders_neither_see_nor_write(request, client_for, persona, period, note_data):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 404
    assert post_note(client, note_data).status_code == 404
    assert not ProgressNote.objects.exists()


@pytest.mark.parametrize("persona", ["prefecture_reviewer", "provincial_reviewer"])
def test_reviewers_read_but_do_not_write_notes(request, client_for, persona, period, note_data):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 200
    assert post_note(client, note_data).status_code == 403
    assert not ProgressNote.objects.exists()


def test_anonymous_and_wrong_method(client, client_for, reporter, period):
    assert client.get(PAGE)["Location"].startswith("/login/")
    assert client.post(NOTE, {})["Location"].startswith("/login/")
    assert client_for(reporter).delete(NOTE).status_code == 405
    assert client_for(reporter).post(PAGE).status_code == 405


def test_the_page_does_not_make_more_queries_with_more_notes(
    client_for, reporter, period, note_data, demo
):
    """A round not begun skips reading the notes' authors and evidence (two queries); from the
    first note on, the count stays the same."""
    client = client_for(reporter)
    empty = queries_of(client, PAGE)
    counts = []
    for code in ["T1.1", "T1.2", "T2.1", "T3.1", "T5.4"]:
        client.post(
            f"/counties/510104/report/2026Q3/measures/{code}/", {**note_data, "action": "submit"}
        )
        counts.append(queries_of(client, PAGE))
    assert ProgressNote.objects.count() == 5
    assert counts == [empty + 2] * 5
