"""A reviewer's return or approval is told to the county's reporters, and to nobody else: in the
app and by email, with the comment and a link to the form, in both languages; once per decision,
one notification for a decision on several records; a failed email undoes nothing."""

import logging
import re

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction

from targets.models import (
    County,
    Indicator,
    Measure,
    Notification,
    Period,
    ProgressNote,
    State,
    StatusOption,
)
from targets.reporting.workflow import NoteInput, save_note, save_value
from targets.supervision import decision_notices

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PAGE = "/notifications/"
QUEUE = "/review/"
FORM = "/counties/510104/report/2026Q3/measures/T1.1/"


def submitted(user, county="510104", measure="T1.1"):
    return save_note(
        user=user,
        county=County.objects.get(code=county),
        measure=Measure.objects.get(code=measure),
        period=Period.objects.get(code="2026Q3"),
        data=NoteInput(StatusOption.objects.get(code="on_schedule"), 50, "进展顺利", None, ""),
        started_from=None,
        submit=True,
    )


def with_email(user, address):
    user.email = address
    user.save()
    return user


@pytest.fixture
def mail_server(settings):
    settings.MAILERS = LOCMEM
    return settings


@pytest.fixture
def decide(client_for, django_capture_on_commit_callbacks):
    """``decide(reviewer, records, decision, comment)``: the decision posted to the queue, with
    what runs once it is committed (the email) run."""

    def post(reviewer, records, decision, comment=""):
        items = [f"{'note' if isinstance(r, ProgressNote) else 'value'}-{r.pk}" for r in records]
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(reviewer).post(
                QUEUE, {"items": items, "decision": decision, "comment": comment}
            )

    return post


def told(user):
    """The notifications the user's list shows."""
    return Notification.objects.filter(recipient=user, group__isnull=True)


def open_target(client, notification) -> str:
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    return response.url


def test_a_return_tells_the_county_with_the_comment_and_a_link_to_the_form(
    decide, client_for, reporter, other_reporter, prefecture_reviewer
):
    note = submitted(reporter)
    submitted(other_reporter, county="513402")
    assert decide(prefecture_reviewer, [note], "return", "请补充佐证材料。").status_code == 302
    [notice] = told(reporter)
    assert (notice.kind, notice.sender, notice.message) == (
        Kind.RETURNED,
        prefecture_reviewer,
        "请补充佐证材料。",
    )
    client = client_for(reporter)
    page = client.get(PAGE).text
    assert "chengdu_reviewer 退回了 锦江区 2026年第三季度 的“T1.1 深入推进扩权强县”" in page
    assert "请补充佐证材料。" in page
    assert "去修改" in page
    assert open_target(client, notice) == FORM
    # Opened: read, and the header counts nothing unread.
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert not Notification.objects.filter(recipient=reporter, read_at__isnull=True).exists()
    # Nobody else is told: not the other county, not the reviewer.
    assert not Notification.objects.filter(recipient=other_reporter).exists()
    assert not Notification.objects.filter(recipient=prefecture_reviewer).exists()
    assert "退回" not in client_for(other_reporter).get(PAGE).text


def test_an_approval_tells_the_county_with_the_comment(
    decide, client_for, reporter, prefecture_reviewer
):
    note = submitted(reporter)
    decide(prefecture_reviewer, [note], "approve", "材料扎实。")
    [notice] = told(reporter)
    assert notice.kind == Kind.APPROVED
    page = client_for(reporter).get(PAGE).text
    assert "chengdu_reviewer 审核通过了 锦江区 2026年第三季度 的“T1.1 深入推进扩权强县”" in page
    assert "材料扎实。" in page
    assert open_target(client_for(reporter), notice) == FORM


def test_every_reporter_of_the_county_is_told(decide, reporter, prefecture_reviewer):
    from targets.models import Role
    from tests.conftest import make_user

    second = make_user(
        "jinjiang_2", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="510104")
    )
    decide(prefecture_reviewer, [submitted(reporter)], "return", "请补充。")
    assert told(reporter).count() == 1
    assert told(second).count() == 1


def test_a_decision_on_several_notes_is_one_notification_per_county(
    decide, client_for, mail_server, mailoutbox, reporter, other_reporter, provincial_reviewer
):
    with_email(reporter, "jinjiang@example.cn")
    with_email(other_reporter, "huili@example.cn")
    notes = [submitted(reporter, measure=code) for code in ("T1.1", "T2.1")]
    huili = submitted(other_reporter, county="513402")
    decide(provincial_reviewer, [*notes, huili], "approve")
    [notice] = told(reporter)
    assert sorted(notice.items.values_list("note", flat=True)) == sorted(n.pk for n in notes)
    assert [n.county.code for n in told(other_reporter)] == ["513402"]
    page = client_for(reporter).get(PAGE).text
    assert "审核通过了 锦江区 2026年第三季度 的2项填报" in page
    assert 'href="/counties/510104/report/2026Q3/measures/T1.1/"' in page
    assert 'href="/counties/510104/report/2026Q3/measures/T2.1/"' in page
    assert "会理市" not in page
    # Several notes: the notification opens the round's report page.
    assert open_target(client_for(reporter), notice) == "/counties/510104/report/2026Q3/"
    assert sorted(m.to[0] for m in mailoutbox) == ["huili@example.cn", "jinjiang@example.cn"]


def test_the_email_carries_the_comment_and_the_link(
    decide, mail_server, mailoutbox, reporter, other_reporter, prefecture_reviewer
):
    with_email(reporter, "jinjiang@example.cn")
    with_email(other_reporter, "huili@example.cn")
    decide(prefecture_reviewer, [submitted(reporter)], "return", "数字与统计局不符。")
    [message] = mailoutbox
    assert message.to == ["jinjiang@example.cn"]
    assert message.subject == "【退回】锦江区 2026年第三季度 进展填报"
    lines = message.body.splitlines()
    assert "审核意见:数字与统计局不符。" in lines
    assert "  T1.1 深入推进扩权强县" in lines
    assert f"  {mail_server.PUBLIC_URL.rstrip('/')}{FORM}" in lines
    assert told(reporter).get().emailed is True
    assert told(reporter).get().items.get().emailed is True


def test_the_notification_and_the_email_in_english(
    settings, decide, client_for, mail_server, mailoutbox, reporter, prefecture_reviewer
):
    County.objects.filter(code="510104").update(name_en="Jinjiang District")
    with_email(reporter, "jinjiang@example.cn")
    settings.LANGUAGE_CODE = "en"  # the site's language, which emails are written in
    decide(prefecture_reviewer, [submitted(reporter)], "return", "请补充。")
    [message] = mailoutbox
    assert message.subject == "[Returned] Jinjiang District Q3 2026 progress report"
    assert "Comment: 请补充。" in message.body
    assert "chengdu_reviewer returned " in message.body
    client = client_for(reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(PAGE).text
    assert re.search(r"chengdu_reviewer returned .*Jinjiang District, Q3 2026", page)
    assert "Revise" in page
    assert "退回了" not in page


def test_an_approved_value_is_told_with_a_link_to_the_value_form(
    demo, decide, client_for, reporter, prefecture_reviewer
):
    value = save_value(
        user=reporter,
        county=County.objects.get(code="510104"),
        indicator=Indicator.objects.get(code="D01"),
        period=Period.objects.get(code="2026Q3"),
        value=61,
        source="统计局",
        remark="",
        started_from=None,
        submit=True,
    )
    decide(prefecture_reviewer, [value], "approve")
    notice = told(reporter).get()
    assert notice.items.get().value == value
    target = open_target(client_for(reporter), notice)
    assert target == "/counties/510104/report/2026Q3/indicators/D01/"


def test_a_decision_is_told_once(decide, mail_server, mailoutbox, reporter, prefecture_reviewer):
    with_email(reporter, "jinjiang@example.cn")
    note = submitted(reporter)
    decide(prefecture_reviewer, [note], "approve")
    # The same decision sent again (a second click) is refused and tells nobody again.
    decide(prefecture_reviewer, [note], "approve")
    assert told(reporter).count() == 1
    assert len(mailoutbox) == 1
    # And the database holds one item per person for the version a decision made.
    note.refresh_from_db()
    with pytest.raises(IntegrityError), transaction.atomic():
        decision_notices.announce(
            reviewer=prefecture_reviewer,
            records=[note],
            approve=True,
            comment="",
            today=note.reviewed_at.date(),
        )


def test_a_county_without_reporters_is_told_nothing(decide, reporter, prefecture_reviewer):
    note = submitted(reporter)
    reporter.is_active = False
    reporter.save()
    response = decide(prefecture_reviewer, [note], "approve")
    assert response.status_code == 302
    assert not Notification.objects.exists()


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("no mail server")


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise RuntimeError("a bug in the mail backend")


@pytest.mark.parametrize("backend", ["RefusingBackend", "BrokenBackend"])
def test_a_failed_email_does_not_undo_the_decision(
    settings, decide, caplog, reporter, prefecture_reviewer, backend
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.{backend}"}}
    with_email(reporter, "jinjiang@example.cn")
    note = submitted(reporter)
    with caplog.at_level(logging.ERROR):
        response = decide(prefecture_reviewer, [note], "return", "请补充。")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.state == State.RETURNED
    notice = told(reporter).get()
    assert notice.emailed is False
    assert caplog.records  # the failure is logged
