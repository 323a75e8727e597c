"""The worker's jobs in the admin: the system admin reads them (queued, running, failed, retried)
and changes nothing; the other duties do not see them."""

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from targets.supervision.reminders import email_notifications

pytestmark = pytest.mark.django_db
JOBS = "/admin/django_tasks_database/dbtaskresult/"


@pytest.fixture
def jobs():
    queued = email_notifications.enqueue(notification_ids=[1]).id
    retried = email_notifications.enqueue(notification_ids=[2], attempt=2).id
    failed = email_notifications.enqueue(notification_ids=[3]).id
    DBTaskResult.objects.filter(pk=failed).update(status=TaskResultStatus.FAILED)
    return {"queued": queued, "retried": retried, "failed": failed}


def listed(response) -> set[str]:
    return {str(job.pk) for job in response.context["cl"].result_list}


def test_the_system_admin_sees_queued_failed_and_retried_jobs(client_for, admin_user, jobs):
    client = client_for(admin_user)
    assert listed(client.get(JOBS)) == set(jobs.values())
    assert listed(client.get(JOBS, {"status__exact": "FAILED"})) == {jobs["failed"]}
    assert listed(client.get(JOBS, {"retried": "yes"})) == {jobs["retried"]}
    page = client.get(f"{JOBS}{jobs['failed']}/change/")
    assert page.status_code == 200
    assert "email_notifications" in page.text


def test_jobs_are_read_only(client_for, admin_user, jobs):
    client = client_for(admin_user)
    url = f"{JOBS}{jobs['queued']}/change/"
    assert client.post(url, {"status": "SUCCESSFUL"}).status_code == 403
    assert client.post(f"{JOBS}{jobs['queued']}/delete/", {"post": "yes"}).status_code == 403
    assert DBTaskResult.objects.get(pk=jobs["queued"]).status == TaskResultStatus.READY


@pytest.mark.parametrize("persona", ["security_admin", "audit_admin", "provincial_reviewer"])
def test_the_other_duties_do_not_see_them(request, client_for, persona, jobs):
    assert client_for(request.getfixturevalue(persona)).get(JOBS).status_code == 403


def test_the_anonymous_visitor_is_sent_to_sign_in(client, jobs):
    assert client.get(JOBS).status_code == 302
