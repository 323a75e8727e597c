"""A county enters the period's indicator values, checked against the unit and plausible range,
and judged against the targets in force, whose versions are kept with the value."""

from decimal import Decimal

import pytest

from targets.models import Indicator, IndicatorValue, State
from targets.plan.indicator_targets import set_target

pytestmark = pytest.mark.django_db
VALUE = "/counties/510104/report/2026Q3/indicators/D01/"


def test_a_value_is_saved_with_the_target_versions_in_force(
    client_for, reporter, period, demo, admin_user
):
    client = client_for(reporter)
    page = client.get(VALUE)
    assert page.status_code == 200
    assert "演示数据" in page.text
    assert "第1版" in page.text
    response = client.post(VALUE, {"value": "61.5", "source": "县统计局", "action": "save"})
    assert response.status_code == 302
    assert response["Location"].endswith("#indicator-D01")
    record = IndicatorValue.objects.get()
    assert record.value == Decimal("61.5")
    assert record.target_2027.version == 1
    set_target(
        Indicator.objects.get(code="D01"), 2027, Decimal("65"), user=admin_user, reason="调整"
    )
    client.post(VALUE, {"value": "62", "source": "县统计局", "version": "1", "action": "submit"})
    record.refresh_from_db()
    assert record.state == State.SUBMITTED
    assert record.target_2027.version == 2
    report = client.get("/counties/510104/report/2026Q3/")
    assert "第2版" in report.text
    assert "62" in report.text


@pytest.mark.parametrize(("value", "message"), [("101", "超出合理范围"), ("abc", "")])
def test_implausible_or_non_numeric_values_are_refused(
    client_for, reporter, period, demo, value, message
):
    response = client_for(reporter).post(VALUE, {"value": value, "source": "x", "action": "save"})
    assert response.status_code == 400
    assert message in response.text
    assert not IndicatorValue.objects.exists()


def test_a_stale_value_is_refused(client_for, reporter, period, demo):
    client = client_for(reporter)
    client.post(VALUE, {"value": "60", "source": "a", "action": "save"})
    client.post(VALUE, {"value": "61", "source": "b", "version": "1", "action": "save"})
    response = client.post(VALUE, {"value": "70", "source": "c", "version": "1", "action": "save"})
    assert response.status_code == 409
    assert "61" in response.text
    assert IndicatorValue.objects.get().value == 61


def test_a_locked_period_refuses_values(client_for, reporter, period, demo):
    period.locked = True
    period.save()
    response = client_for(reporter).post(VALUE, {"value": "60", "source": "a", "action": "save"})
    assert response.status_code == 400
    assert "已锁定" in response.text


@pytest.mark.parametrize(
    ("persona", "status"), [("other_reporter", 404), ("prefecture_reviewer", 403)]
)
def test_others_cannot_enter_values(request, client_for, persona, status, period, demo):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(VALUE, {"value": "60", "source": "a"}).status_code == status
    assert not IndicatorValue.objects.exists()


def test_province_level_indicators_are_not_entered_by_counties(client_for, reporter, period, demo):
    url = "/counties/510104/report/2026Q3/indicators/D02/"
    assert client_for(reporter).get(url).status_code == 404
