"""Locking a period and reopening it for one county: a locked period refuses saves and reviews,
a reopening lets one county (and only it) work until a date, the admin records reopenings with
who and why, the reporter's page says so; and switching the cadence to monthly."""

import datetime

import pytest

from targets.models import (
    AuditRecord,
    County,
    Measure,
    NoteVersion,
    Period,
    PeriodReopening,
    ProgressNote,
    State,
    StatusOption,
    SupervisionRules,
)
from targets.reporting.workflow import NoteInput, WorkflowError, review, save_note
from targets.supervision import periods, rulebook
from tests.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]
PAGE = "/counties/510104/report/2026Q3/"
NOTE = "/counties/510104/report/2026Q3/measures/T1.1/"
OTHER_PAGE = "/counties/513402/report/2026Q3/"
OTHER_NOTE = "/counties/513402/report/2026Q3/measures/T1.1/"
LOCKED = "2026年第三季度 已锁定,不能再修改。如需修改,请联系管理员为本县重新开放。"
ADD = "/admin/targets/periodreopening/add/"


@pytest.fixture
def locked(period):
    period.locked = True
    period.save()
    return period


def reopen(period, county, until, by, reason="补报遗漏的进展"):
    return PeriodReopening.objects.create(
        period=period, county=county, until=until, reason=reason, opened_by=by
    )


def post_note(client, data, url=NOTE, action="save", version=None):
    payload = {**data, "action": action}
    if version is not None:
        payload["version"] = str(version)
    return client.post(url, payload)


def submitted(user, county_code="510104", measure_code="T1.1"):
    return save_note(
        user=user,
        county=County.objects.get(code=county_code),
        measure=Measure.objects.get(code=measure_code),
        period=Period.objects.get(code="2026Q3"),
        data=NoteInput(StatusOption.objects.get(code="on_schedule"), 50, "进展顺利", None, ""),
        started_from=None,
        submit=True,
    )


# --- a locked period -------------------------------------------------------------------------


def test_a_locked_period_refuses_a_new_note_and_saves_nothing(
    client_for, reporter, locked, note_data
):
    client = client_for(reporter)
    response = post_note(client, note_data)
    assert response.status_code == 400
    assert LOCKED in response.text
    assert ProgressNote.objects.count() == 0
    assert not NoteVersion.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="note.").exists()
    assert post_note(client, note_data, action="submit").status_code == 400
    assert ProgressNote.objects.count() == 0


def test_a_locked_period_refuses_a_change_to_a_draft(client_for, reporter, period, note_data):
    client = client_for(reporter)
    assert post_note(client, note_data).status_code == 302
    draft = ProgressNote.objects.get()
    period.locked = True
    period.save()
    response = post_note(client, {**note_data, "percent": "90"}, version=draft.version)
    assert response.status_code == 400
    assert LOCKED in response.text
    draft.refresh_from_db()
    assert (draft.percent, draft.version, draft.state) == (40, 1, State.DRAFT)
    assert ProgressNote.objects.count() == 1
    assert draft.versions.count() == 1
    submit = post_note(client, note_data, action="submit", version=draft.version)
    assert submit.status_code == 400
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert draft.submitted_at is None


def test_the_service_refuses_with_the_message(reporter, locked, jinjiang):
    with pytest.raises(WorkflowError, match="已锁定,不能再修改"):
        submitted(reporter)
    assert not ProgressNote.objects.exists()
    assert not periods.is_open_for(locked, jinjiang, TODAY)
    with pytest.raises(periods.PeriodLocked, match=LOCKED):
        periods.check_open(locked, jinjiang, TODAY)


def test_an_unlocked_period_is_open_to_everyone(period, jinjiang):
    assert periods.is_open_for(period, jinjiang, TODAY)
    assert periods.reopening(period, jinjiang, TODAY) is None
    periods.check_open(period, jinjiang, TODAY)


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_a_locked_period_refuses_reviews(
    client_for, reporter, prefecture_reviewer, period, decision
):
    note = submitted(reporter)
    period.locked = True
    period.save()
    response = client_for(prefecture_reviewer).post(
        "/review/", {"items": [f"note-{note.pk}"], "decision": decision, "comment": "请补充"}
    )
    assert response.status_code == 400
    assert "已锁定,不能再修改" in response.text
    note.refresh_from_db()
    assert note.state == State.SUBMITTED
    assert note.reviewed_at is None
    assert note.version == 1
    assert not AuditRecord.objects.filter(action__in=["note.approve", "note.return"]).exists()


def test_the_review_service_refuses_a_locked_period(reporter, prefecture_reviewer, period):
    submitted(reporter)
    period.locked = True
    period.save()
    note = ProgressNote.objects.select_related("period", "county").get()
    with pytest.raises(WorkflowError, match="已锁定,不能再修改"):
        review(user=prefecture_reviewer, items=[note], approve=True, comment="")
    note.refresh_from_db()
    assert note.state == State.SUBMITTED


def test_a_lock_made_after_the_notes_were_loaded_still_refuses_the_review(
    reporter, prefecture_reviewer, period
):
    submitted(reporter)
    # The review queue loads the notes with their period, then reviews them; an admin locks
    # the period in between.
    note = ProgressNote.objects.select_related("period", "county").get()
    Period.objects.filter(pk=period.pk).update(locked=True)
    with pytest.raises(WorkflowError, match="已锁定,不能再修改"):
        review(user=prefecture_reviewer, items=[note], approve=True, comment="")
    note.refresh_from_db()
    assert note.state == State.SUBMITTED


# --- reopening for one county ----------------------------------------------------------------


def test_reopening_lets_that_county_save_and_no_other(
    client_for, reporter, other_reporter, admin_user, locked, jinjiang, note_data
):
    reopen(locked, jinjiang, TODAY + datetime.timedelta(days=7), admin_user)
    assert post_note(client_for(reporter), note_data).status_code == 302
    assert ProgressNote.objects.filter(county=jinjiang).count() == 1
    refused = post_note(client_for(other_reporter), note_data, url=OTHER_NOTE)
    assert refused.status_code == 400
    assert LOCKED in refused.text
    assert not ProgressNote.objects.filter(county__code="513402").exists()


def test_a_reopening_is_in_force_through_its_last_day(
    client_for, reporter, admin_user, locked, jinjiang, note_data
):
    reopen(locked, jinjiang, TODAY, admin_user)
    assert periods.is_open_for(locked, jinjiang, TODAY)
    assert post_note(client_for(reporter), note_data, action="submit").status_code == 302
    assert ProgressNote.objects.get().state == State.SUBMITTED


def test_an_expired_reopening_no_longer_opens_the_period(
    client_for, reporter, admin_user, locked, jinjiang, note_data
):
    reopen(locked, jinjiang, TODAY - datetime.timedelta(days=1), admin_user)
    assert periods.reopening(locked, jinjiang, TODAY) is None
    assert not periods.is_open_for(locked, jinjiang, TODAY)
    response = post_note(client_for(reporter), note_data)
    assert response.status_code == 400
    assert LOCKED in response.text
    assert not ProgressNote.objects.exists()


def test_a_reopening_of_another_period_does_not_open_this_one(
    client_for, reporter, admin_user, locked, jinjiang, note_data
):
    q2 = Period.objects.get(code="2026Q2")
    q2.locked = True
    q2.save()
    reopen(q2, jinjiang, TODAY + datetime.timedelta(days=3), admin_user)
    assert post_note(client_for(reporter), note_data).status_code == 400
    assert not ProgressNote.objects.exists()


def test_the_latest_reopening_in_force_is_the_one_shown(admin_user, locked, jinjiang):
    reopen(locked, jinjiang, TODAY - datetime.timedelta(days=2), admin_user, "旧的")
    later = reopen(locked, jinjiang, TODAY + datetime.timedelta(days=10), admin_user, "延长")
    reopen(locked, jinjiang, TODAY + datetime.timedelta(days=2), admin_user, "较短")
    assert periods.reopening(locked, jinjiang, TODAY) == later


def test_a_reopened_county_can_be_reviewed_another_cannot(
    client_for, reporter, other_reporter, provincial_reviewer, admin_user, period, jinjiang
):
    mine, theirs = submitted(reporter), submitted(other_reporter, "513402")
    period.locked = True
    period.save()
    reopen(period, jinjiang, TODAY + datetime.timedelta(days=1), admin_user)
    client = client_for(provincial_reviewer)
    approved = client.post("/review/", {"items": [f"note-{mine.pk}"], "decision": "approve"})
    assert approved.status_code == 302
    mine.refresh_from_db()
    assert mine.state == State.APPROVED
    refused = client.post("/review/", {"items": [f"note-{theirs.pk}"], "decision": "approve"})
    assert refused.status_code == 400
    assert "已锁定" in refused.text
    theirs.refresh_from_db()
    assert theirs.state == State.SUBMITTED


# --- the reporter's page ---------------------------------------------------------------------


def test_the_reporters_page_says_the_period_is_locked(client_for, reporter, locked):
    response = client_for(reporter).get(PAGE)
    assert response.status_code == 200
    assert "本期已锁定" in response.text
    assert "本期已锁定,进展和指标值不能再修改。如需修改,请联系管理员为本县重新开放。" in (
        response.text
    )
    assert "重新开放至" not in response.text
    assert response.context["can_report"] is False


def test_the_reporters_page_says_until_when_the_period_is_reopened(
    client_for, reporter, other_reporter, admin_user, locked, jinjiang
):
    reopen(locked, jinjiang, datetime.date(2026, 12, 5), admin_user, "补报遗漏的进展")
    response = client_for(reporter).get(PAGE)
    assert "本期已为本县重新开放至 2026年12月5日(原因:补报遗漏的进展)。" in response.text
    assert "进展和指标值不能再修改" not in response.text
    assert response.context["can_report"] is True
    other = client_for(other_reporter).get(OTHER_PAGE)
    assert "本期已锁定,进展和指标值不能再修改" in other.text
    assert "重新开放至" not in other.text
    assert other.context["can_report"] is False


def test_a_reopening_means_nothing_once_the_period_is_unlocked(
    client_for, reporter, admin_user, locked, jinjiang
):
    reopen(locked, jinjiang, TODAY + datetime.timedelta(days=5), admin_user)
    locked.locked = False
    locked.save()
    assert periods.reopening(locked, jinjiang, TODAY) is None
    assert periods.is_open_for(locked, jinjiang, TODAY)
    response = client_for(reporter).get(PAGE)
    assert "重新开放至" not in response.text
    assert "本期已锁定" not in response.text


def test_an_open_period_shows_no_lock_notice(client_for, reporter, period):
    response = client_for(reporter).get(PAGE)
    assert "本期已锁定" not in response.text
    assert "重新开放至" not in response.text
    assert response.context["can_report"] is True


# --- the admin: reopening ----------------------------------------------------------------------


def reopening_form(period, county, until, reason="县里补报"):
    return {
        "period": str(period.pk),
        "county": str(county.pk),
        "until": until.isoformat(),
        "reason": reason,
    }


def test_the_admin_opens_the_add_form(client_for, admin_user):
    response = client_for(admin_user).get(ADD)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"period", "county", "until", "reason"}


def test_the_admin_refuses_to_reopen_an_unlocked_period(client_for, admin_user, period, jinjiang):
    response = client_for(admin_user).post(
        ADD, reopening_form(period, jinjiang, TODAY + datetime.timedelta(days=5))
    )
    assert response.status_code == 200
    assert "该周期没有锁定,无需重新开放。" in response.text
    assert not PeriodReopening.objects.exists()
    assert not AuditRecord.objects.filter(action="admin.add").exists()


def test_the_admin_refuses_a_date_in_the_past(client_for, admin_user, locked, jinjiang):
    response = client_for(admin_user).post(
        ADD, reopening_form(locked, jinjiang, TODAY - datetime.timedelta(days=1))
    )
    assert response.status_code == 200
    assert "开放截止日期不能早于今天。" in response.text
    assert not PeriodReopening.objects.exists()


def test_the_admin_records_a_reopening_with_who_and_why(
    client_for, admin_user, reporter, locked, jinjiang, note_data
):
    until = TODAY + datetime.timedelta(days=5)
    response = client_for(admin_user).post(ADD, reopening_form(locked, jinjiang, until, "补报"))
    assert response.status_code == 302
    reopening = PeriodReopening.objects.get()
    assert (reopening.period, reopening.county, reopening.until) == (locked, jinjiang, until)
    assert reopening.reason == "补报"
    assert reopening.opened_by == admin_user
    record = AuditRecord.objects.get(action="admin.add", object_id=str(reopening.pk))
    assert record.actor == admin_user
    assert record.object_type == "targets.PeriodReopening"
    assert record.changes["reason"] == [None, "补报"]
    # And it is in force: the reporter can save.
    assert post_note(client_for(reporter), note_data).status_code == 302


def test_today_is_a_valid_last_day(client_for, admin_user, locked, jinjiang):
    response = client_for(admin_user).post(ADD, reopening_form(locked, jinjiang, TODAY))
    assert response.status_code == 302
    assert PeriodReopening.objects.get().until == TODAY


@pytest.mark.parametrize("persona", ["reporter", "provincial_reviewer", "security_admin"])
def test_only_the_system_admin_reopens(request, client_for, persona, locked, jinjiang):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(ADD, reopening_form(locked, jinjiang, TODAY))
    assert response.status_code == 403
    assert not PeriodReopening.objects.exists()


# --- the admin: cadence ------------------------------------------------------------------------


def rules_form(client) -> dict:
    rules = rulebook.stored()
    page = client.get(f"/admin/targets/supervisionrules/{rules.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is not None:
            data[name] = value
    return data


def test_the_rules_list_goes_to_the_one_row(client_for, admin_user):
    response = client_for(admin_user).get("/admin/targets/supervisionrules/")
    assert response.status_code == 302
    rules = rulebook.stored()
    assert response["Location"] == f"/admin/targets/supervisionrules/{rules.pk}/change/"


def test_switching_to_monthly_creates_the_monthly_periods(client_for, admin_user):
    quarters = {p.code: p.deadline for p in Period.objects.filter(cadence="quarter")}
    assert len(quarters) == 48
    client = client_for(admin_user)
    data = rules_form(client)
    assert data["red_statuses"]  # the M2M is posted back as it was
    data.update({"cadence": "month", "deadline_days": "20"})
    response = client.post(f"/admin/targets/supervisionrules/{rulebook.stored().pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    months = Period.objects.filter(cadence=Period.Cadence.MONTH).order_by("starts_on")
    assert months.count() == 144
    assert months.first().code == "2024-01"
    assert months.last().code == "2035-12"
    november = Period.objects.get(code="2026-11")
    assert (november.starts_on, november.ends_on) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
    )
    assert november.deadline == datetime.date(2026, 12, 20)
    february = Period.objects.get(code="2028-02")
    assert february.ends_on == datetime.date(2028, 2, 29)
    assert february.deadline == datetime.date(2028, 3, 20)
    assert all(m.deadline == m.ends_on + datetime.timedelta(days=20) for m in months)
    # The quarters and their deadlines are untouched.
    assert {p.code: p.deadline for p in Period.objects.filter(cadence="quarter")} == quarters
    rules = SupervisionRules.objects.get()
    assert (rules.cadence, rules.deadline_days) == ("month", 20)
    assert list(rules.red_statuses.order_by("code").values_list("code", flat=True)) == [
        "at_risk",
        "behind",
    ]
    assert "已生成 144 个新的填报周期。" in client.get(response["Location"], follow=True).text
    record = AuditRecord.objects.get(action="admin.change", object_type="targets.SupervisionRules")
    assert record.changes["cadence"] == ["quarter", "month"]


def test_after_the_switch_the_current_period_is_a_month(client_for, admin_user, reporter):
    client = client_for(admin_user)
    data = rules_form(client)
    data.update({"cadence": "month", "deadline_days": "20"})
    client.post(f"/admin/targets/supervisionrules/{rulebook.stored().pk}/change/", data)
    current = periods.current_period(TODAY)
    # 2026-10's deadline (11-20) has passed; 2026-11's (12-20) has not.
    assert current.code == "2026-11"
    assert current.cadence == Period.Cadence.MONTH
    assert periods.reviewed_round(TODAY).code == "2026-10"
    # The reporter has nothing in October, past its deadline: 本期填报 leads there.
    redirect = client_for(reporter).get("/counties/510104/report/")
    assert redirect["Location"] == "/counties/510104/report/2026-10/"


def test_switching_keeps_monthly_periods_that_exist(client_for, admin_user):
    kept = Period.objects.create(
        code="2026-01",
        cadence=Period.Cadence.MONTH,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 1, 31),
        deadline=datetime.date(2026, 3, 1),
        locked=True,
    )
    client = client_for(admin_user)
    data = rules_form(client)
    data.update({"cadence": "month", "deadline_days": "10"})
    response = client.post(f"/admin/targets/supervisionrules/{rulebook.stored().pk}/change/", data)
    assert response.status_code == 302
    assert Period.objects.filter(cadence=Period.Cadence.MONTH).count() == 144
    kept.refresh_from_db()
    assert kept.deadline == datetime.date(2026, 3, 1)
    assert kept.locked
    assert "已生成 143 个新的填报周期。" in client.get(response["Location"], follow=True).text
    # Switching back and forth creates nothing more.
    data.update({"cadence": "quarter"})
    client.post(f"/admin/targets/supervisionrules/{rulebook.stored().pk}/change/", data)
    assert Period.objects.count() == 48 + 144
    assert periods.current_period(TODAY).code == "2026Q4"


def test_ensure_periods_is_idempotent_and_keeps_deadlines():
    assert periods.ensure_periods(Period.Cadence.QUARTER, 30) == 0
    assert Period.objects.get(code="2026Q3").deadline == datetime.date(2026, 10, 15)
    assert periods.ensure_periods(Period.Cadence.MONTH, 15) == 144
    assert periods.ensure_periods(Period.Cadence.MONTH, 15) == 0
    # The cadence in force is still the quarter: the current period is still a quarter.
    assert periods.current_period(TODAY).code == "2026Q4"
    assert periods.reviewed_round(TODAY).code == "2026Q3"


def test_the_rules_refuse_an_escalation_after_automatic_reminders_stop():
    from django.core.exceptions import ValidationError

    rules = rulebook.stored()
    rules.escalate_after_days, rules.stop_after_days = 30, 20
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert "escalate_after_days" in refused.value.message_dict
