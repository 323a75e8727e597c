"""A user's notifications: the unread count in the header, the list, opening one (marks it read
and goes where it leads), marking all read, and nobody else's; and the reviewers' log of the
reminders sent in their counties."""

import datetime
import re

import pytest
from django.utils import timezone

from targets.models import County, Notification, Period
from targets.supervision.reminders import send_due_reminders

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
DEADLINE = datetime.date(2026, 10, 15)  # 2026Q3's
PAGE = "/notifications/"
READ_ALL = "/notifications/read/"
LOG = "/review/reminders/"


def notify(recipient, kind=Kind.OVERDUE, county="510104", days=3, sender=None, message=""):
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        period=Period.objects.get(code="2026Q3"),
        county=County.objects.get(code=county),
        days=days,
        pending=24,
        message=message,
        sender=sender,
        sent_on=DEADLINE + datetime.timedelta(days=days),
    )


def open_url(notification) -> str:
    return f"/notifications/{notification.pk}/open/"


def header_count(response) -> int | None:
    """The unread count shown in the header, or None when there is no badge."""
    found = re.search(r'<span class="notice-count">(\d+)', response.content.decode())
    return int(found.group(1)) if found else None


# The header and the list


def test_header_shows_the_unread_count(client_for, reporter):
    notify(reporter, days=3)
    notify(reporter, days=6)
    read = notify(reporter, days=9)
    read.read_at = timezone.now()
    read.save()
    client = client_for(reporter)
    assert header_count(client.get(PAGE)) == 2
    # On every page: the home page leads to the reporter's county.
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert header_count(response) == 2


def test_header_shows_no_count_without_unread_notifications(client_for, reporter):
    read = notify(reporter)
    read.read_at = timezone.now()
    read.save()
    response = client_for(reporter).get(PAGE)
    assert response.status_code == 200
    assert header_count(response) is None


def test_header_counts_only_ones_own_notifications(client_for, reporter, other_reporter):
    notify(other_reporter, county="513402")
    assert header_count(client_for(reporter).get(PAGE)) is None
    assert header_count(client_for(other_reporter).get(PAGE)) == 1


def test_header_count_follows_the_days_run(client_for, reporter):
    send_due_reminders(DEADLINE - datetime.timedelta(days=7))
    send_due_reminders(DEADLINE)
    assert header_count(client_for(reporter).get(PAGE)) == 2


def test_page_lists_ones_notifications_in_words(client_for, reporter, other_reporter):
    notify(reporter, kind=Kind.DUE_TODAY, days=0)
    notify(other_reporter, county="513402")
    response = client_for(reporter).get(PAGE)
    page = response.content.decode()
    assert "锦江区 2026年第三季度 的进展填报今天截止" in page
    assert "会理市" not in page
    assert "notice--unread" in page


def test_page_shows_the_sender_and_message_of_a_manual_reminder(
    client_for, reporter, prefecture_reviewer
):
    notify(reporter, kind=Kind.MANUAL, sender=prefecture_reviewer, message="请周五前报送。")
    page = client_for(reporter).get(PAGE).content.decode()
    assert "chengdu_reviewer 催办" in page
    assert "请周五前报送。" in page


def test_anonymous_is_sent_to_login_for_the_list(client_for):
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


# Opening one


def test_opening_marks_read_and_goes_to_the_report_page(client_for, reporter):
    n = notify(reporter)
    response = client_for(reporter).post(open_url(n))
    assert response.status_code == 302
    assert response.url == "/counties/510104/report/2026Q3/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert header_count(client_for(reporter).get(PAGE)) is None


def test_opening_an_escalation_goes_to_the_late_view(client_for, prefecture_reviewer):
    n = notify(prefecture_reviewer, kind=Kind.ESCALATION, days=10)
    response = client_for(prefecture_reviewer).post(open_url(n))
    assert response.status_code == 302
    assert response.url == "/review/late/?period=2026Q3"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_again_keeps_the_first_reading_time(client_for, reporter):
    n = notify(reporter)
    first = timezone.now() - datetime.timedelta(days=2)
    n.read_at = first
    n.save()
    response = client_for(reporter).post(open_url(n))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at == first


def test_opening_leaves_the_other_notifications_unread(client_for, reporter):
    opened, other = notify(reporter, days=3), notify(reporter, days=6)
    client_for(reporter).post(open_url(opened))
    other.refresh_from_db()
    assert other.read_at is None
    assert header_count(client_for(reporter).get(PAGE)) == 1


def test_someone_elses_notification_is_not_found(client_for, reporter, other_reporter):
    theirs = notify(other_reporter, county="513402")
    response = client_for(reporter).post(open_url(theirs))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_reviewer_cannot_open_a_reporters_notification(client_for, reporter, prefecture_reviewer):
    mine = notify(reporter)
    assert client_for(prefecture_reviewer).post(open_url(mine)).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_opening_by_get_is_not_allowed(client_for, reporter):
    n = notify(reporter)
    assert client_for(reporter).get(open_url(n)).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_anonymous_opening_is_sent_to_login(client_for, reporter):
    n = notify(reporter)
    response = client_for(None).post(open_url(n))
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    n.refresh_from_db()
    assert n.read_at is None


# Marking all read


def test_read_all_marks_ones_own_notifications_read(client_for, reporter, other_reporter):
    notify(reporter, days=3)
    notify(reporter, days=6)
    theirs = notify(other_reporter, county="513402")
    response = client_for(reporter).post(READ_ALL)
    assert response.status_code == 302
    assert response.url == PAGE
    assert not Notification.objects.filter(recipient=reporter, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert header_count(client_for(reporter).get(PAGE)) is None


def test_read_all_keeps_earlier_reading_times(client_for, reporter):
    earlier = notify(reporter, days=3)
    first = timezone.now() - datetime.timedelta(days=2)
    earlier.read_at = first
    earlier.save()
    notify(reporter, days=6)
    client_for(reporter).post(READ_ALL)
    earlier.refresh_from_db()
    assert earlier.read_at == first


def test_read_all_by_get_is_not_allowed(client_for, reporter):
    notify(reporter)
    assert client_for(reporter).get(READ_ALL).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_anonymous_read_all_is_sent_to_login(client_for, reporter):
    notify(reporter)
    response = client_for(None).post(READ_ALL)
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


# The reviewers' log of reminders


@pytest.fixture
def sent(reporter, other_reporter, prefecture_reviewer):
    """Reminders to 锦江区 (成都) and 会理市 (凉山), automatic and by hand."""
    return [
        notify(reporter, kind=Kind.OVERDUE, days=3),
        notify(reporter, kind=Kind.MANUAL, days=5, sender=prefecture_reviewer, message="请尽快"),
        notify(other_reporter, county="513402", kind=Kind.OVERDUE, days=3),
    ]


def test_log_shows_the_reminders_of_the_reviewers_counties_only(
    client_for, prefecture_reviewer, sent
):
    response = client_for(prefecture_reviewer).get(LOG)
    assert response.status_code == 200
    page = response.content.decode()
    assert "锦江区" in page
    assert "请尽快" in page
    assert "会理市" not in page
    assert [n.pk for n, _text in response.context["entries"]] == [sent[1].pk, sent[0].pk]


def test_log_of_the_other_prefecture(client_for, other_prefecture_reviewer, sent):
    response = client_for(other_prefecture_reviewer).get(LOG)
    page = response.content.decode()
    assert "会理市" in page
    assert "锦江区" not in page
    assert [n.pk for n, _text in response.context["entries"]] == [sent[2].pk]


def test_provincial_reviewer_sees_every_county_in_the_log(client_for, provincial_reviewer, sent):
    response = client_for(provincial_reviewer).get(LOG)
    assert {n.pk for n, _text in response.context["entries"]} == {n.pk for n in sent}


def test_log_filters_by_kind_and_county(client_for, provincial_reviewer, sent):
    client = client_for(provincial_reviewer)
    manual = client.get(LOG, {"kind": "manual"}).context["entries"]
    assert [n.pk for n, _text in manual] == [sent[1].pk]
    huili = client.get(LOG, {"county": "会理"}).context["entries"]
    assert [n.pk for n, _text in huili] == [sent[2].pk]


def test_log_is_for_reviewers_only(client_for, reporter, sent):
    assert client_for(reporter).get(LOG).status_code == 403
    response = client_for(None).get(LOG)
    assert response.status_code == 302
    assert response.url.startswith("/login/")
