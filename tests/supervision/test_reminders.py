"""Reminders (催办): the automatic ones at each offset from the deadline, nothing sent twice on a
day, escalation to the reviewers once a round, counties with everything submitted left alone,
locked rounds left alone, the texts, the emails, the command, and the 催办 sent by hand through
the view (recorded, and closed to anyone outside the county's reviewers)."""

import dataclasses
import datetime
import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from targets.models import (
    AuditRecord,
    County,
    Measure,
    Notification,
    Period,
    Prefecture,
    ProgressNote,
    Role,
    State,
    StatusOption,
    SupervisionRules,
)
from targets.supervision import reminders
from targets.supervision.reminders import kind_for, send_due_reminders, send_manual
from targets.supervision.rulebook import Rules
from tests.conftest import make_user
from tests.jobs import run_jobs

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
DEADLINE = datetime.date(2026, 10, 15)  # 2026Q3's
REMIND = "/review/late/remind/"
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def day(offset: int) -> datetime.date:
    """The day ``offset`` days after 2026Q3's deadline (negative: before it)."""
    return DEADLINE + datetime.timedelta(days=offset)


def measures() -> list[Measure]:
    return list(Measure.objects.order_by("order"))


def notes(county_code: str, states: list[str], period: str = "2026Q3") -> list[ProgressNote]:
    """Notes of the county on the first ``len(states)`` measures, in those states."""
    county = County.objects.get(code=county_code)
    round_ = Period.objects.get(code=period)
    status = StatusOption.objects.get(code="on_schedule")
    author = get_user_model().objects.get_or_create(username="note_author")[0]
    return ProgressNote.objects.bulk_create(
        ProgressNote(
            county=county,
            measure=measure,
            period=round_,
            state=state,
            status=status,
            percent=50,
            narrative="x",
            updated_by=author,
        )
        for measure, state in zip(measures(), states, strict=False)
    )


def all_reported(county_code: str) -> None:
    """Every measure of 2026Q3 submitted or approved."""
    count = len(measures())
    notes(county_code, [State.SUBMITTED, State.APPROVED] * (count // 2) + [State.SUBMITTED])


def received(user, period: str = "2026Q3", county: str | None = None):
    found = Notification.objects.filter(recipient=user, period__code=period)
    if county:
        found = found.filter(county__code=county)
    return found


def kinds(user, county: str | None = None) -> list[str]:
    return sorted(received(user, county=county).values_list("kind", flat=True))


def run_command(date: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", date, stdout=out)
    return out.getvalue()


def test_the_plan_has_24_measures():
    """The counts below assume the Decision's 24 measures."""
    assert len(measures()) == 24


# kind_for: the rule itself


DEFAULT_RULES = Rules(
    cadence="quarter",
    deadline_days=15,
    red_status_ids=frozenset(),
    red_points_behind=20,
    yellow_days_before_deadline=5,
    yellow_days_after_return=5,
    county_red_measures=6,
    county_yellow_measures=4,
    county_red_on_bottom_line=True,
    reminder_days_before=(7, 1),
    remind_every_days_after=3,
    escalate_after_days=10,
    stop_after_days=60,
    evidence_quota_mb=500,
)


@pytest.mark.parametrize(
    ("days", "kind"),
    [
        (-8, None),
        (-7, Kind.DUE_SOON),
        (-6, None),
        (-5, None),
        (-4, None),
        (-2, None),
        (-1, Kind.DUE_SOON),
        (0, Kind.DUE_TODAY),
        (1, None),
        (2, None),
        (3, Kind.OVERDUE),
        (4, None),
        (6, Kind.OVERDUE),
        (9, Kind.OVERDUE),
        (10, None),
        (57, Kind.OVERDUE),
        (60, Kind.OVERDUE),
        (63, None),
        (90, None),
    ],
)
def test_kind_for_follows_the_default_rules(days, kind):
    assert kind_for(days, DEFAULT_RULES) == kind


def test_kind_for_follows_other_rules():
    rules = dataclasses.replace(
        DEFAULT_RULES, reminder_days_before=(5,), remind_every_days_after=2, stop_after_days=6
    )
    assert [kind_for(d, rules) for d in (-7, -5, -1, 0, 1, 2, 4, 6, 8)] == [
        None,
        Kind.DUE_SOON,
        None,
        Kind.DUE_TODAY,
        None,
        Kind.OVERDUE,
        Kind.OVERDUE,
        Kind.OVERDUE,
        None,
    ]


# The day's run: who gets what, when


@pytest.mark.parametrize(
    ("offset", "kind"),
    [
        (-7, Kind.DUE_SOON),
        (-1, Kind.DUE_SOON),
        (0, Kind.DUE_TODAY),
        (3, Kind.OVERDUE),
        (6, Kind.OVERDUE),
        (9, Kind.OVERDUE),
        (60, Kind.OVERDUE),
    ],
)
def test_reporter_is_reminded_on_the_days_of_the_rules(reporter, offset, kind):
    result = send_due_reminders(day(offset))
    mine = received(reporter).get()
    assert (mine.kind, mine.county.code, mine.days, mine.sent_on) == (
        kind,
        "510104",
        offset,
        day(offset),
    )
    assert mine.sender is None
    assert mine.read_at is None
    assert mine.message == ""
    assert mine in result.sent
    assert result.already == 0


@pytest.mark.parametrize("offset", [-8, -6, -5, -4, -3, -2, 1, 2, 4, 5, 7, 8])
def test_no_reminder_on_the_other_days(reporter, offset):
    result = send_due_reminders(day(offset))
    assert not received(reporter).exists()
    assert not [n for n in result.sent if n.period.code == "2026Q3"]


@pytest.mark.parametrize("offset", [61, 63, 66, 90])
def test_no_automatic_reminder_after_60_days_overdue(
    reporter, prefecture_reviewer, provincial_reviewer, offset
):
    send_due_reminders(day(offset))
    assert not Notification.objects.filter(period__code="2026Q3").exists()


def test_reporter_of_another_county_is_reminded_of_their_own_county(reporter, other_reporter):
    send_due_reminders(day(0))
    assert [n.county.code for n in received(other_reporter)] == ["513402"]
    assert [n.county.code for n in received(reporter)] == ["510104"]


def test_inactive_reporter_is_not_reminded(reporter):
    reporter.is_active = False
    reporter.save()
    send_due_reminders(day(0))
    assert not received(reporter).exists()


def test_the_rules_an_admin_sets_are_followed(reporter):
    rules = SupervisionRules.objects.get(pk=1)
    rules.remind_days_before = "3"
    rules.save()
    send_due_reminders(day(-7))
    assert not received(reporter).exists()
    send_due_reminders(day(-3))
    assert kinds(reporter) == [Kind.DUE_SOON]


def test_a_series_of_days_gives_the_reporter_one_reminder_on_each_reminder_day(reporter):
    for offset in range(-10, 70):
        send_due_reminders(day(offset))
    sent = received(reporter).order_by("sent_on")
    expected = [-7, -1, 0, *range(3, 61, 3)]
    assert [n.days for n in sent] == expected
    assert [n.kind for n in sent[:3]] == [Kind.DUE_SOON, Kind.DUE_SOON, Kind.DUE_TODAY]
    assert {n.kind for n in sent[3:]} == {Kind.OVERDUE}


# Nothing twice


def test_second_run_on_the_same_day_sends_nothing_twice(reporter, other_reporter):
    first = send_due_reminders(day(-7))
    count = Notification.objects.count()
    assert len([n for n in first.sent if n.period.code == "2026Q3"]) == 2
    second = send_due_reminders(day(-7))
    assert second.sent == []
    assert second.already == len(first.sent) == 2
    assert Notification.objects.count() == count


def test_second_command_run_on_the_same_day_reports_the_reminders_already_sent(reporter):
    first = run_command("2026-10-08")
    assert first.strip() == (
        "2026-10-08: 1 reminders sent (0 to be emailed); 0 had already been sent today."
    )
    second = run_command("2026-10-08")
    assert second.strip() == (
        "2026-10-08: 0 reminders sent (0 to be emailed); 1 had already been sent today."
    )
    assert received(reporter).count() == 1


def test_the_next_reminder_day_sends_again(reporter):
    send_due_reminders(day(-7))
    result = send_due_reminders(day(-1))
    assert result.already == 0
    assert kinds(reporter) == [Kind.DUE_SOON, Kind.DUE_SOON]


def test_command_rejects_a_date_that_is_not_a_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_command("15/10/2026")


def test_command_without_a_date_sends_for_today(reporter):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().startswith(f"{timezone.localdate().isoformat()}: ")


def test_a_run_that_sends_is_recorded_in_the_audit_trail(reporter):
    send_due_reminders(day(0))
    entry = AuditRecord.objects.filter(action="reminder.send").get()
    assert entry.actor_name == "system"
    assert entry.changes["day"] == [None, "2026-10-15"]
    assert entry.changes["sent"] == [None, 1]


def test_a_run_that_sends_nothing_is_not_recorded(reporter):
    send_due_reminders(day(-7))
    send_due_reminders(day(-7))
    assert AuditRecord.objects.filter(action="reminder.send").count() == 1


# Escalation to the reviewers


def test_escalation_reaches_the_prefecture_reviewer_from_10_days_overdue(
    reporter, prefecture_reviewer
):
    send_due_reminders(day(9))
    assert not received(prefecture_reviewer).exists()
    result = send_due_reminders(day(10))
    escalation = received(prefecture_reviewer, county="510104").get()
    assert (escalation.kind, escalation.days, escalation.pending) == (Kind.ESCALATION, 10, 24)
    assert escalation in result.sent
    # The reviewer hears of every 成都 county that is late, and of nothing outside 成都.
    counties = County.objects.filter(pk__in=received(prefecture_reviewer).values("county"))
    assert counties.count() == County.objects.filter(prefecture__code="510100").count()
    assert set(counties.values_list("prefecture__code", flat=True)) == {"510100"}
    assert set(received(prefecture_reviewer).values_list("kind", flat=True)) == {Kind.ESCALATION}
    # Day 10 is not a reminder day for the reporter (every 3 days): only day 9's.
    assert list(received(reporter).values_list("days", flat=True)) == [9]


def test_escalation_is_sent_once_a_round(reporter, prefecture_reviewer):
    for offset in (10, 11, 12, 13, 20, 30, 60):
        send_due_reminders(day(offset))
    assert received(prefecture_reviewer, county="510104").count() == 1
    # Meanwhile the reporter is reminded every 3 days.
    assert sorted(received(reporter).values_list("days", "kind")) == [
        (12, Kind.OVERDUE),
        (30, Kind.OVERDUE),
        (60, Kind.OVERDUE),
    ]


def test_escalation_is_sent_on_the_first_run_after_10_days(prefecture_reviewer):
    send_due_reminders(day(25))
    escalation = received(prefecture_reviewer, county="510104").get()
    assert (escalation.kind, escalation.days) == (Kind.ESCALATION, 25)
    send_due_reminders(day(27))
    assert received(prefecture_reviewer, county="510104").count() == 1


def test_escalation_goes_to_provincial_reviewers_where_the_prefecture_has_none(
    prefecture_reviewer, provincial_reviewer
):
    send_due_reminders(day(10))
    # 凉山州 has no reviewer: the province hears of 会理市.
    assert kinds(provincial_reviewer, county="513402") == [Kind.ESCALATION]
    assert not received(prefecture_reviewer, county="513402").exists()
    # 成都市 has its reviewer: the province is not told of 锦江区.
    assert not received(provincial_reviewer, county="510104").exists()
    assert kinds(prefecture_reviewer, county="510104") == [Kind.ESCALATION]


def test_escalation_goes_to_every_reviewer_of_the_prefecture(prefecture_reviewer):
    second = make_user(
        "chengdu_reviewer_2",
        Role.Kind.PREFECTURE_REVIEWER,
        prefecture=prefecture_reviewer.roles.get().prefecture,
    )
    send_due_reminders(day(10))
    assert kinds(prefecture_reviewer, county="510104") == [Kind.ESCALATION]
    assert kinds(second, county="510104") == [Kind.ESCALATION]


def test_an_inactive_prefecture_reviewer_leaves_the_escalation_to_the_province(
    prefecture_reviewer, provincial_reviewer
):
    prefecture_reviewer.is_active = False
    prefecture_reviewer.save()
    send_due_reminders(day(10))
    assert not received(prefecture_reviewer).exists()
    assert kinds(provincial_reviewer, county="510104") == [Kind.ESCALATION]


def test_escalation_and_the_overdue_reminder_go_out_on_the_same_day(reporter, prefecture_reviewer):
    send_due_reminders(day(12))
    assert kinds(reporter) == [Kind.OVERDUE]
    assert kinds(prefecture_reviewer, county="510104") == [Kind.ESCALATION]


def test_escalations_reach_each_reviewer_as_one_digest_per_run(
    client_for, prefecture_reviewer, provincial_reviewer
):
    result = send_due_reminders(day(10))
    chengdu = County.objects.filter(prefecture__code="510100")
    [digest] = Notification.objects.filter(recipient=prefecture_reviewer, group__isnull=True)
    assert digest.kind == Kind.ESCALATION_DIGEST
    assert set(digest.items.values_list("county__code", flat=True)) == set(
        chengdu.values_list("code", flat=True)
    )
    assert set(digest.items.values_list("kind", flat=True)) == {Kind.ESCALATION}
    # The province hears, in one digest too, of the prefectures without a reviewer.
    [provincial] = Notification.objects.filter(recipient=provincial_reviewer, group__isnull=True)
    assert provincial.items.count() == County.objects.exclude(prefecture__code="510100").count()
    assert result.digests == [digest, provincial] or result.digests == [provincial, digest]
    # The list shows the digest once, naming each county, and counts it as one unread.
    client = client_for(prefecture_reviewer)
    response = client.get("/notifications/")
    assert [e.notification for e in response.context["entries"]] == [digest]
    assert f"{chengdu.count()}个县(市、区)的进展填报逾期未交" in response.text
    assert "锦江区(成都市) 2026年第三季度:逾期10天,24项举措未提交" in response.text
    assert '<span class="notice-count">1<' in response.text
    # Opening it reads the digest and what it lists, and leads to the late view of the round.
    opened = client.post(f"/notifications/{digest.pk}/open/")
    assert opened.url == "/review/late/?period=2026Q3"
    assert not digest.items.filter(read_at__isnull=True).exists()
    # The next day's run escalates nothing again, and makes no digest.
    send_due_reminders(day(11))
    assert (
        Notification.objects.filter(recipient=prefecture_reviewer, group__isnull=True).count() == 1
    )


def test_the_digest_in_english(client_for, settings, prefecture_reviewer):
    County.objects.filter(code="510104").update(name_en="Jinjiang District")
    Prefecture.objects.filter(code="510100").update(name_en="Chengdu")
    send_due_reminders(day(10))
    client = client_for(prefecture_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/notifications/").text
    assert "Jinjiang District (Chengdu) Q3 2026: 10 days overdue, 24 measures not submitted" in page
    assert "counties are overdue with their progress reports" in page


def test_second_run_on_an_escalation_day_counts_the_escalations_as_already_sent(
    prefecture_reviewer,
):
    first = send_due_reminders(day(10))
    assert first.sent
    second = send_due_reminders(day(10))
    assert second.sent == []
    assert second.already == len(first.sent)


# What is due


def test_county_with_everything_submitted_gets_nothing(reporter, prefecture_reviewer):
    all_reported("510104")
    for offset in (-7, -1, 0, 3, 10, 12):
        send_due_reminders(day(offset))
    assert not received(reporter).exists()
    assert not received(prefecture_reviewer, county="510104").exists()
    # Its neighbour, with nothing submitted, is escalated.
    assert received(prefecture_reviewer, county="510105").exists()


@pytest.mark.parametrize("state", [State.DRAFT, State.RETURNED])
def test_one_measure_not_submitted_is_still_due(reporter, state):
    count = len(measures())
    notes("510104", [state] + [State.SUBMITTED] * (count - 1))
    send_due_reminders(day(0))
    assert received(reporter).get().pending == 1


def test_pending_counts_the_measures_without_a_submitted_or_approved_note(reporter):
    notes(
        "510104",
        [State.SUBMITTED, State.APPROVED, State.SUBMITTED, State.DRAFT, State.RETURNED],
    )
    # Notes of another round or another county do not count.
    notes("510104", [State.SUBMITTED] * 10, period="2026Q2")
    notes("510105", [State.SUBMITTED] * 10)
    send_due_reminders(day(-1))
    assert received(reporter).get().pending == 21


def test_pending_measures_lists_what_each_county_has_not_submitted():
    notes("510104", [State.SUBMITTED, State.DRAFT, State.APPROVED])
    all_reported("510105")
    period = Period.objects.get(code="2026Q3")
    counties = County.objects.filter(code__in=["510104", "510105", "513402"])
    pending = reminders.pending_measures(period, counties)
    jinjiang, huili = (County.objects.get(code=c).pk for c in ("510104", "513402"))
    assert set(pending) == {jinjiang, huili}  # 青羊区 has nothing due and is left out
    everything = measures()
    assert pending[huili] == everything
    assert pending[jinjiang] == [everything[1], *everything[3:]]


def test_locked_round_gets_no_automatic_reminders(reporter, prefecture_reviewer):
    Period.objects.filter(code="2026Q3").update(locked=True)
    for offset in (-7, -1, 0, 3, 10, 12):
        send_due_reminders(day(offset))
    assert not Notification.objects.filter(period__code="2026Q3").exists()


def test_other_rounds_in_the_window_are_reminded_too(reporter):
    """2026Q4's deadline (2027-01-15) is 7 days ahead on 2027-01-08; 2026Q3 is then 85 days
    overdue, past the automatic reminders."""
    send_due_reminders(datetime.date(2027, 1, 8))
    sent = Notification.objects.filter(recipient=reporter)
    assert [(n.period.code, n.kind) for n in sent] == [("2026Q4", Kind.DUE_SOON)]


# The words, the link


def automatic(recipient, kind, days, county="510104", pending=21, message="", sender=None):
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        period=Period.objects.get(code="2026Q3"),
        county=County.objects.get(code=county),
        days=days,
        pending=pending,
        message=message,
        sender=sender,
        sent_on=day(days),
    )


@pytest.mark.parametrize(
    ("kind", "days", "words"),
    [
        (Kind.DUE_SOON, -7, ["2026年10月15日", "还有7天", "21项"]),
        (Kind.DUE_TODAY, 0, ["今天截止", "21项"]),
        (Kind.OVERDUE, 9, ["已逾期9天", "2026年10月15日", "21项"]),
        (Kind.ESCALATION, 10, ["已逾期10天", "21项", "督促"]),
    ],
)
def test_describe_names_the_county_the_round_and_what_is_due(reporter, kind, days, words):
    with translation.override("zh-hans"):
        text = reminders.describe(automatic(reporter, kind, days))
    for word in ["锦江区", "2026年第三季度", *words]:
        assert word in text


def test_describe_a_manual_reminder_names_the_sender_and_adds_the_message(
    reporter, prefecture_reviewer
):
    prefecture_reviewer.first_name = "审核员"
    prefecture_reviewer.last_name = "王"
    prefecture_reviewer.save()
    n = automatic(reporter, Kind.MANUAL, 5, message="请周五前报送。", sender=prefecture_reviewer)
    with translation.override("zh-hans"):
        text = reminders.describe(n)
    assert "锦江区" in text
    assert "2026年第三季度" in text
    assert "21项" in text
    assert prefecture_reviewer.get_full_name() in text
    assert text.endswith(" 请周五前报送。")


def test_link_leads_to_the_report_page_or_for_an_escalation_to_the_late_view(
    reporter, prefecture_reviewer
):
    assert reminders.link(automatic(reporter, Kind.OVERDUE, 3)) == (
        "/counties/510104/report/2026Q3/"
    )
    assert reminders.link(automatic(prefecture_reviewer, Kind.ESCALATION, 10)) == (
        "/review/late/?period=2026Q3"
    )


# Email


@pytest.fixture
def mail_server(settings):
    settings.MAILERS = LOCMEM
    return settings


def with_email(user, address):
    user.email = address
    user.save()
    return user


def test_without_an_address_the_reminder_is_in_the_app_only(mail_server, reporter, mailoutbox):
    out = run_command("2026-10-15")
    assert "1 reminders sent (0 to be emailed)" in out
    assert run_jobs() == []
    assert mailoutbox == []
    assert received(reporter).get().emailed is False


def test_reminder_email_lists_the_pending_measures_and_links_to_the_report_page(
    mail_server, reporter, mailoutbox
):
    with_email(reporter, "jinjiang@example.cn")
    reported = notes("510104", [State.SUBMITTED, State.APPROVED, State.DRAFT])
    out = run_command("2026-10-08")
    assert "1 reminders sent (1 to be emailed)" in out
    assert mailoutbox == []  # the worker sends it
    run_jobs()
    [message] = mailoutbox
    assert message.to == ["jinjiang@example.cn"]
    assert "锦江区" in message.subject
    assert "2026年第三季度" in message.subject
    lines = message.body.splitlines()
    with translation.override("zh-hans"):
        due = [f"  {m.code} {m.label}" for m in measures()[2:]]
        done = [f"  {n.measure.code} {n.measure.label}" for n in reported[:2]]
    assert all(line in lines for line in due)
    assert not any(line in lines for line in done)
    assert "还有7天" in message.body
    assert "22项" in message.body
    link = mail_server.PUBLIC_URL.rstrip("/") + "/counties/510104/report/2026Q3/"
    assert link in lines
    assert received(reporter).get().emailed is True


def test_user_without_an_address_gets_no_email(mail_server, reporter, other_reporter, mailoutbox):
    with_email(other_reporter, "huili@example.cn")
    send_due_reminders(day(0))
    run_jobs()
    assert [m.to for m in mailoutbox] == [["huili@example.cn"]]
    assert received(reporter).get().emailed is False
    assert received(other_reporter).get().emailed is True


def test_one_email_per_recipient_per_run(mail_server, reporter, mailoutbox):
    """A reporter of two counties gets one email holding both reminders."""
    with_email(reporter, "jinjiang@example.cn")
    Role.objects.create(
        user=reporter, kind=Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="510105")
    )
    send_due_reminders(day(0))
    run_jobs()
    assert received(reporter).count() == 2
    [message] = mailoutbox
    assert "2条" in message.subject
    assert "锦江区" in message.body
    assert "青羊区" in message.body
    assert "/counties/510104/report/2026Q3/" in message.body
    assert "/counties/510105/report/2026Q3/" in message.body
    assert all(n.emailed for n in received(reporter))
    # The second run of the day sends no second email.
    send_due_reminders(day(0))
    run_jobs()
    assert len(mailoutbox) == 1


def test_escalation_email_to_the_reviewer_is_one_email_for_all_the_late_counties(
    mail_server, prefecture_reviewer, mailoutbox
):
    with_email(prefecture_reviewer, "chengdu@example.cn")
    send_due_reminders(day(10))
    run_jobs()
    late = received(prefecture_reviewer).count()
    assert late > 1
    [message] = mailoutbox
    assert message.subject == f"【逾期告知】{late}个县(市、区)进展填报逾期"
    assert "锦江区" in message.body
    assert "/review/late/?period=2026Q3" in message.body
    send_due_reminders(day(11))
    run_jobs()
    assert len(mailoutbox) == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("no mail server")


def test_a_failed_email_is_logged_the_reminder_stands_and_the_job_is_tried_again_later(
    settings, reporter, caplog, mailoutbox
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    settings.JOB_RETRY_SECONDS = 60
    with_email(reporter, "jinjiang@example.cn")
    result = send_due_reminders(day(0))
    with caplog.at_level(logging.ERROR, logger="targets.supervision.reminders"):
        [failed] = run_jobs(failures_allowed=True)
    assert "jinjiang@example.cn" in caplog.text
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "targets.supervision.reminders.MailNotSent"
    n = received(reporter).get()
    assert n in result.sent
    assert n.emailed is False
    # The second attempt waits a minute, then the mail server answers: sent once.
    [again] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert again.args_kwargs["kwargs"]["attempt"] == 2
    assert again.run_after > timezone.now() + datetime.timedelta(seconds=55)
    settings.MAILERS = LOCMEM
    assert run_jobs() == []  # not yet due
    DBTaskResult.objects.filter(pk=again.pk).update(run_after=timezone.now())
    [done] = run_jobs()
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert [m.to for m in mailoutbox] == [["jinjiang@example.cn"]]
    assert received(reporter).get().emailed is True


def test_after_the_last_attempt_the_job_gives_up(settings, reporter):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    settings.JOB_RETRY_SECONDS = 0
    settings.JOB_ATTEMPTS = 3
    with_email(reporter, "jinjiang@example.cn")
    send_due_reminders(day(0))
    runs = run_jobs(failures_allowed=True)
    assert [run.args_kwargs["kwargs"].get("attempt", 1) for run in runs] == [1, 2, 3]
    assert {run.status for run in runs} == {TaskResultStatus.FAILED}
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


# 催办 by hand: the service


def test_send_manual_skips_counties_with_everything_submitted(
    reporter, prefecture_reviewer, mailoutbox
):
    qingyang = make_user(
        "qingyang", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="510105")
    )
    all_reported("510105")
    sent = send_manual(
        sender=prefecture_reviewer,
        period=Period.objects.get(code="2026Q3"),
        counties=list(County.objects.filter(code__in=["510104", "510105"])),
        message="请尽快",
        today=day(20),
    )
    assert [(n.recipient, n.county.code, n.days, n.pending) for n in sent] == [
        (reporter, "510104", 20, 24)
    ]
    assert not Notification.objects.filter(recipient=qingyang).exists()
    entry = AuditRecord.objects.filter(action="reminder.manual").get()
    assert (entry.actor, entry.object_id) == (prefecture_reviewer, str(sent[0].county.pk))


# 催办 by hand: the view


def post_remind(client, counties=("510104",), message="请本周内报送。", **extra):
    data = {"period": "2026Q3", "counties": list(counties), "message": message, **extra}
    return client.post(REMIND, data)


def test_manual_reminder_is_sent_and_recorded(client_for, prefecture_reviewer, reporter):
    response = post_remind(
        client_for(prefecture_reviewer), next="/review/late/?period=2026Q3&show=all"
    )
    assert response.status_code == 302
    assert response.url == "/review/late/?period=2026Q3&show=all"
    n = received(reporter).get()
    assert (n.kind, n.sender, n.message, n.county.code, n.pending) == (
        Kind.MANUAL,
        prefecture_reviewer,
        "请本周内报送。",
        "510104",
        24,
    )
    assert n.sent_on == timezone.localdate()
    assert n.days == (timezone.localdate() - DEADLINE).days
    entry = AuditRecord.objects.filter(action="reminder.manual").get()
    assert entry.actor == prefecture_reviewer
    assert entry.object_id == str(n.county.pk)
    assert entry.changes["period"] == [None, "2026Q3"]
    assert entry.changes["recipients"] == [None, ["reporter"]]
    assert entry.changes["message"] == [None, "请本周内报送。"]
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "success"
    assert "1 个县的 1 名填报员" in str(message)


def test_manual_reminder_to_several_counties(client_for, prefecture_reviewer, reporter):
    qingyang = make_user(
        "qingyang", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="510105")
    )
    response = post_remind(client_for(prefecture_reviewer), counties=["510104", "510105"])
    assert response.url == "/review/late/"
    assert kinds(reporter) == [Kind.MANUAL]
    assert kinds(qingyang) == [Kind.MANUAL]
    assert AuditRecord.objects.filter(action="reminder.manual").count() == 2


def test_manual_reminder_is_emailed_with_the_message(
    mail_server, client_for, prefecture_reviewer, reporter, mailoutbox
):
    with_email(reporter, "jinjiang@example.cn")
    post_remind(client_for(prefecture_reviewer))
    run_jobs()
    [message] = mailoutbox
    assert message.to == ["jinjiang@example.cn"]
    assert "请本周内报送。" in message.body
    assert "/counties/510104/report/2026Q3/" in message.body
    assert received(reporter).get().emailed is True


def test_manual_reminder_to_a_county_with_everything_submitted_sends_nothing(
    client_for, prefecture_reviewer, reporter
):
    all_reported("510104")
    response = post_remind(client_for(prefecture_reviewer))
    assert response.status_code == 302
    assert not Notification.objects.exists()
    assert not AuditRecord.objects.filter(action="reminder.manual").exists()
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "info"


def test_manual_reminder_without_a_county_is_refused(client_for, prefecture_reviewer, reporter):
    response = post_remind(client_for(prefecture_reviewer), counties=[])
    assert response.status_code == 302
    assert not Notification.objects.exists()
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"


def test_manual_reminder_does_not_redirect_off_site(client_for, prefecture_reviewer, reporter):
    response = post_remind(client_for(prefecture_reviewer), next="https://evil.example/")
    assert response.url == "/review/late/"


def test_provincial_reviewer_may_remind_any_county(client_for, provincial_reviewer, other_reporter):
    post_remind(client_for(provincial_reviewer), counties=["513402"])
    assert kinds(other_reporter) == [Kind.MANUAL]


def test_anonymous_remind_is_sent_to_login(client_for, reporter):
    response = post_remind(client_for(None))
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert not Notification.objects.exists()


def test_reporter_may_not_remind(client_for, reporter, other_reporter):
    response = post_remind(client_for(reporter))
    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_reviewer_of_another_prefecture_may_not_remind_a_chengdu_county(
    client_for, other_prefecture_reviewer, reporter, other_reporter
):
    response = post_remind(client_for(other_prefecture_reviewer), counties=["510104"])
    assert response.status_code == 404
    # Not even along with a county of their own.
    response = post_remind(client_for(other_prefecture_reviewer), counties=["513402", "510104"])
    assert response.status_code == 404
    assert not Notification.objects.exists()
    assert not AuditRecord.objects.filter(action="reminder.manual").exists()


def test_remind_by_get_is_not_allowed(client_for, prefecture_reviewer, reporter):
    response = client_for(prefecture_reviewer).get(
        REMIND, {"period": "2026Q3", "counties": "510104"}
    )
    assert response.status_code == 405
    assert not Notification.objects.exists()
