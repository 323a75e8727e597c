"""Every change that the pages of the shared cache must show at once starts a new generation.
Each test keeps a page (a county renamed after it without the signals of a save does not show on
it), makes the change through the function the app itself uses, and finds the change on the next
page. A change to the rules keeps nothing while it reaches every process."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from targets.accounts.access import Access
from targets.applicability.requests import ask, decide
from targets.demo.seed import seed_demo
from targets.models import County, Measure, Period, Role, State
from targets.reporting import workflow
from targets.supervision import periods, reminders, rulebook
from tests import two_factor
from tests.caching.test_shared_pages import OVERVIEW, count, generation
from tests.conftest import NOW, make_user
from tests.notes import saved_note
from tests.supervision.test_period_lock import rules_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]
CHENGDU = OVERVIEW + "&prefecture=510100"
NEXT_ROUND = "/province/?period=2026Q4&prefecture=510100"
LATE = "/review/late/?period=2026Q3&prefecture=510100"
PER_REQUEST = re.compile(r'(x-csrftoken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]+')


@pytest.fixture
def clock():
    """The clock stopped at NOW, past the moment the rules were first stored: nothing is kept
    while a change to them reaches every process."""
    with time_machine.travel(NOW, tick=False) as traveller:
        rulebook.stored()
        traveller.shift(datetime.timedelta(seconds=rulebook.CACHE_SECONDS + 1))
        yield traveller


@pytest.fixture
def province(client_for, provincial_reviewer, clock) -> Client:
    return client_for(provincial_reviewer)


def submitted(county: str, measure: str, author, period: str = "2026Q3"):
    return saved_note(
        county, measure, State.SUBMITTED, author=author, period=period, submitted_at=NOW
    )


def kept(client: Client, url: str) -> str:
    """The page (of Chengdu's counties), now kept: a county renamed after it without the
    signals of a save does not show on it yet."""
    page = PER_REQUEST.sub(r"\1", client.get(url).text)
    assert "青羊区" in page
    County.objects.filter(code="510105").update(name="改名未经信号的青羊区")
    assert PER_REQUEST.sub(r"\1", client.get(url).text) == page, "the page is kept"
    return page


def lights(page: str) -> str:
    return page.split('<ul class="light-tally">')[1].split("</ul>")[0]


@pytest.mark.parametrize(("approve", "label"), [(True, "已审核通过"), (False, "已退回未重报")])
def test_a_review_shows_at_once(province, provincial_reviewer, reporter, approve, label):
    note = submitted("510104", "T1.1", reporter)
    kept(province, CHENGDU)
    workflow.review(user=provincial_reviewer, items=[note], approve=approve, comment="补充")
    page = province.get(CHENGDU)
    assert count(page, label) == 1
    assert count(page, "待审核") == 0


def test_a_review_starts_a_new_generation_again_at_its_commit(
    provincial_reviewer, reporter, django_capture_on_commit_callbacks
):
    note = submitted("510104", "T1.1", reporter)
    before = generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.review(user=provincial_reviewer, items=[note], approve=True, comment="")
        within = generation()
    assert callbacks
    assert within != before
    assert generation() not in (before, within)


def test_a_change_to_the_plan_shows_at_once(province):
    assert "改写后的举措表述" not in kept(province, CHENGDU)
    measure = Measure.objects.get(code="T1.1")
    measure.text = "改写后的举措表述"
    measure.save()
    assert "改写后的举措表述" in province.get(CHENGDU).text


def test_a_change_to_the_plan_s_relations_shows_at_once(province):
    """The table by integration counts the slots of each integration's measures."""
    measure = Measure.objects.get(code="T1.1")
    before = by_integration(kept(province, CHENGDU))
    measure.integrations.clear()
    assert by_integration(province.get(CHENGDU).text) != before


def by_integration(page: str) -> str:
    return re.search(r'id="integrations-heading".*?</table>', page, re.S).group(0)


def test_a_renamed_county_shows_at_once(province):
    assert "改名后的锦江区" not in kept(province, CHENGDU)
    county = County.objects.get(code="510104")
    county.name = "改名后的锦江区"
    county.save()
    assert "改名后的锦江区" in province.get(CHENGDU).text


def test_a_moved_deadline_shows_at_once(province):
    assert "红灯 20" in lights(kept(province, CHENGDU))  # every county overdue
    period = Period.objects.get(code="2026Q3")
    period.deadline = datetime.date(2026, 12, 31)
    period.save()
    assert "绿灯 20" in lights(province.get(CHENGDU).text)


def test_a_new_cadence_s_periods_show_at_once(province):
    assert '<option value="2026-11"' not in kept(province, CHENGDU)
    assert periods.ensure_periods(Period.Cadence.MONTH, 15) == 144  # in bulk: no post_save
    assert '<option value="2026-11"' in province.get(CHENGDU).text


def test_the_daily_reminders_show_at_once(province):
    make_user("qingyang", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="510105"))
    assert "2026年11月29日</td>" not in kept(province, LATE)
    assert reminders.send_due_reminders(NOW.date()).sent
    assert "2026年11月29日</td>" in province.get(LATE).text


def test_demo_data_written_in_bulk_shows_at_once(province):
    assert count(province.get(CHENGDU), "已审核通过") == 0
    kept(province, CHENGDU)
    seed_demo(reports=True)
    assert count(province.get(CHENGDU), "已审核通过") > 0


def test_a_change_to_the_rules_shows_at_once(province):
    assert "绿灯 20" in lights(kept(province, NEXT_ROUND))  # 47 days before the deadline
    rules = rulebook.stored()
    rules.yellow_days_before_deadline = 60
    rules.save()
    assert "黄灯 20" in lights(province.get(NEXT_ROUND).text)


def test_the_admin_changing_the_county_rule_shows_at_once(province, admin_user):
    """Chengdu's counties have 24 measures overdue each: red. Red from 25 red measures, which
    no county can reach, leaves them yellow."""
    assert "红灯 20" in lights(kept(province, CHENGDU))
    admin = two_factor.sign_in(Client(), admin_user)
    data = rules_form(admin)
    data["county_red_measures"] = "25"
    response = admin.post(f"/admin/targets/supervisionrules/{rulebook.stored().pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "黄灯 20" in lights(province.get(CHENGDU).text)


def test_a_change_to_the_red_statuses_shows_at_once(province, provincial_reviewer, reporter):
    note = submitted("510104", "T1.1", reporter)
    workflow.review(user=provincial_reviewer, items=[note], approve=True, comment="")
    rules = rulebook.stored()
    assert note.status not in rules.red_statuses.all()
    assert "自评滞后或存在风险" not in kept(province, LATE)
    rules.red_statuses.add(note.status)
    assert "自评滞后或存在风险" in province.get(LATE).text


@pytest.mark.expires_by_the_test_clock
def test_nothing_is_kept_while_a_change_to_the_rules_reaches_every_process(province, clock):
    rules = rulebook.stored()
    rules.yellow_days_before_deadline = 60
    rules.save()
    assert "青羊区" in province.get(CHENGDU).text
    County.objects.filter(code="510105").update(name="改名未经信号的青羊区")
    assert "改名未经信号的青羊区" in province.get(CHENGDU).text, "counted afresh, not kept"
    clock.shift(datetime.timedelta(seconds=rulebook.CACHE_SECONDS + 1))
    County.objects.filter(code="510105").update(name="青羊区")
    kept(province, CHENGDU)


def test_a_decision_that_a_measure_does_not_apply_shows_at_once(
    province, reporter, prefecture_reviewer
):
    """锦江区 owes T1.2 no more: the kept late view is counted afresh."""
    county, measure = County.objects.get(code="510104"), Measure.objects.get(code="T1.2")
    asked = ask(user=reporter, county=county, measure=measure, reason="本区没有县城")
    kept(province, LATE)
    decide(
        user=prefecture_reviewer,
        access=Access.of(prefecture_reviewer),
        exemption=asked,
        approve=True,
        comment="",
        started_from=asked.version,
    )
    assert "改名未经信号的青羊区" in province.get(LATE).text
