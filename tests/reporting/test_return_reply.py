"""The county answers a return: only its own reporters, only while the note is returned, once per
return. The reply is kept with the return's version and shown beside the comment on the note
form, in the timeline and on the review queue's record."""

import pytest
from django.utils import timezone

from targets.models import (
    AuditRecord,
    County,
    Measure,
    NoteVersion,
    Period,
    ProgressNote,
    ReturnReply,
    State,
    StatusOption,
)
from targets.reporting.workflow import NoteInput, review, save_note
from targets.review import queue as review_queue

pytestmark = pytest.mark.django_db

FORM = "/counties/510104/report/2026Q3/measures/T1.1/"
REPLY = FORM + "reply/"
TIMELINE = "/counties/510104/measures/T1.1/"
ANSWER = "统计局的证明已补充,见新附件。"


def write(user, *, submit=True, started_from=None, narrative="进展顺利"):
    return save_note(
        user=user,
        county=County.objects.get(code="510104"),
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code="2026Q3"),
        data=NoteInput(StatusOption.objects.get(code="on_schedule"), 50, narrative, None, ""),
        started_from=started_from,
        submit=submit,
    )


@pytest.fixture
def returned(reporter, prefecture_reviewer) -> ProgressNote:
    """锦江区's note on T1.1, submitted and returned by 成都's reviewer."""
    note = write(reporter)
    review(user=prefecture_reviewer, items=[note], approve=False, comment="请补充统计局证明。")
    note.refresh_from_db()
    return note


def test_the_county_replies_and_the_reply_is_shown_beside_the_comment(
    client_for, reporter, returned
):
    client = client_for(reporter)
    response = client.post(REPLY, {"text": ANSWER})
    assert response.status_code == 302
    assert response.url == FORM + "#return-reply-T1-1"
    reply = ReturnReply.objects.get()
    assert (reply.text, reply.by) == (ANSWER, reporter)
    # Kept with the version the return made.
    assert reply.version == returned.versions.get(number=returned.version)
    assert reply.version.event == "return"
    page = client.get(FORM).text
    comment_at, reply_at = page.index("请补充统计局证明。"), page.index(ANSWER)
    assert comment_at < reply_at
    assert "本县答复" in page
    assert 'name="text"' not in page  # once sent, no second reply
    # The note itself is unchanged: still returned, at the same version.
    note = ProgressNote.objects.get()
    assert (note.state, note.version) == (State.RETURNED, returned.version)
    record = AuditRecord.objects.filter(action="note.reply").get()
    assert (record.actor, record.changes["reply"]) == (reporter, [None, ANSWER])


def test_the_form_offers_a_reply_to_a_returned_note(client_for, reporter, returned):
    page = client_for(reporter).get(FORM).text
    assert f'action="{REPLY}"' in page
    assert "请补充统计局证明。" in page


def test_a_reply_in_place_answers_with_the_comment_and_the_reply(client_for, reporter, returned):
    response = client_for(reporter).post(REPLY, {"text": ANSWER}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="return-reply-T1-1"' in response.text
    assert ANSWER in response.text
    assert "<html" not in response.text
    assert ReturnReply.objects.count() == 1


def test_the_reply_stays_with_its_version_in_the_timeline_after_resubmission(
    client_for, reporter, prefecture_reviewer, returned
):
    client_for(reporter).post(REPLY, {"text": ANSWER})
    write(reporter, started_from=returned.version, narrative="已补充。")
    page = client_for(prefecture_reviewer).get(TIMELINE).text
    assert ANSWER in page
    assert page.index("请补充统计局证明。") < page.index(ANSWER)
    versions = NoteVersion.objects.filter(note=returned).order_by("number")
    assert [v.event for v in versions] == ["submit", "return", "submit"]
    assert [hasattr(v, "reply") for v in versions] == [False, True, False]


def test_the_review_queue_record_shows_the_return_and_its_reply(
    client_for, reporter, prefecture_reviewer, returned
):
    client_for(reporter).post(REPLY, {"text": ANSWER})
    write(reporter, started_from=returned.version)
    page = review_queue.queue_page(County.objects.all(), {}, 1)
    [item] = review_queue.items_on(page, timezone.localdate())
    assert item.resubmission.comment == "请补充统计局证明。"
    assert item.resubmission.reply.text == ANSWER
    shown = client_for(prefecture_reviewer).get("/review/").text
    assert shown.index("请补充统计局证明。") < shown.index(ANSWER)


def test_a_note_never_returned_has_no_return_on_the_queue(reporter):
    write(reporter)
    page = review_queue.queue_page(County.objects.all(), {}, 1)
    [item] = review_queue.items_on(page, timezone.localdate())
    assert item.resubmission is None


def test_a_second_reply_is_refused_and_the_first_kept(client_for, reporter, returned):
    client = client_for(reporter)
    client.post(REPLY, {"text": ANSWER})
    response = client.post(REPLY, {"text": "再补充一句。"})
    assert response.status_code == 409
    assert "答复不能再改" in response.text
    assert "再补充一句。" in response.text  # what was typed is shown, not lost
    assert list(ReturnReply.objects.values_list("text", flat=True)) == [ANSWER]


def test_an_empty_reply_is_refused(client_for, reporter, returned):
    response = client_for(reporter).post(REPLY, {"text": "   "})
    assert response.status_code == 400
    assert "请填写答复内容。" in response.text
    assert not ReturnReply.objects.exists()


@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
def test_only_a_returned_note_takes_a_reply(client_for, reporter, prefecture_reviewer, state):
    note = write(reporter, submit=state != "draft")
    if state == "approved":
        review(user=prefecture_reviewer, items=[note], approve=True, comment="")
    response = client_for(reporter).post(REPLY, {"text": ANSWER})
    assert response.status_code == 400
    assert "只能答复已退回的进展" in response.text
    assert not ReturnReply.objects.exists()


def test_a_reply_with_no_note_is_refused(client_for, reporter):
    response = client_for(reporter).post(REPLY, {"text": ANSWER})
    assert response.status_code == 400
    assert not ReturnReply.objects.exists()


def test_a_locked_period_refuses_a_reply(client_for, reporter, returned):
    Period.objects.filter(code="2026Q3").update(locked=True)
    response = client_for(reporter).post(REPLY, {"text": ANSWER})
    assert response.status_code == 400
    assert not ReturnReply.objects.exists()


def test_another_countys_reporter_cannot_reply(client_for, other_reporter, returned):
    assert client_for(other_reporter).post(REPLY, {"text": ANSWER}).status_code == 404
    assert not ReturnReply.objects.exists()


def test_a_reviewer_cannot_reply_for_the_county(client_for, prefecture_reviewer, returned):
    assert client_for(prefecture_reviewer).post(REPLY, {"text": ANSWER}).status_code == 403
    assert not ReturnReply.objects.exists()


def test_anonymous_is_sent_to_login(client_for, returned):
    response = client_for(None).post(REPLY, {"text": ANSWER})
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert not ReturnReply.objects.exists()


def test_a_reply_by_get_is_not_allowed(client_for, reporter, returned):
    assert client_for(reporter).get(REPLY, {"text": ANSWER}).status_code == 405
    assert not ReturnReply.objects.exists()
