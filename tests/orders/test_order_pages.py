"""The orders' pages: the list of the user's scope with its filters, a fixed number of queries
however many orders there are; the counts on the county page, the overview and the briefing; the
printed order and its PDF."""

import datetime
import io

import pypdf
import pytest
from django.utils import timezone

from targets.models import AuditRecord, SupervisionOrder
from targets.orders import listing
from tests.orders.helpers import answered, issued, signed
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db


def test_each_user_lists_the_orders_of_their_scope(
    client_for, prefecture_reviewer, provincial_reviewer, reporter, other_reporter
):
    jinjiang = issued(prefecture_reviewer)
    huili = issued(provincial_reviewer, "513402")

    def listed(user):
        page = client_for(user).get("/orders/")
        return {order.pk for order, _late in page.context["rows"]}

    assert listed(provincial_reviewer) == {jinjiang.pk, huili.pk}
    assert listed(prefecture_reviewer) == {jinjiang.pk}
    assert listed(reporter) == {jinjiang.pk}
    assert listed(other_reporter) == {huili.pk}


def test_the_filters_choose_state_level_county_and_overdue(
    client_for, prefecture_reviewer, provincial_reviewer, reporter
):
    today = timezone.localdate()
    late = issued(prefecture_reviewer, today=today - datetime.timedelta(days=5))
    waiting = answered(signed(issued(provincial_reviewer, measure="T1.2"), reporter), reporter)
    other = issued(provincial_reviewer, "513402")
    client = client_for(provincial_reviewer)

    def listed(query):
        return {order.pk for order, _late in client.get(f"/orders/?{query}").context["rows"]}

    assert listed("overdue=on") == {late.pk}
    assert listed("state=answered") == {waiting.pk}
    assert listed("state=open") == {late.pk, waiting.pk, other.pk}
    assert listed("level=prefecture") == {late.pk}
    assert listed("county=513402") == {other.pk}
    assert listed("prefecture=510100") == {late.pk, waiting.pk}
    htmx = client.get("/orders/?overdue=on", headers={"HX-Request": "true"})
    assert b"<html" not in htmx.content
    assert late.number.encode() in htmx.content


def test_a_county_outside_the_scope_is_refused_as_a_filter(client_for, prefecture_reviewer):
    issued(prefecture_reviewer)
    page = client_for(prefecture_reviewer).get("/orders/?county=513402")
    assert page.status_code == 200
    assert len(page.context["rows"]) == 1  # the filter is ignored: all the user may see


def test_the_list_reads_a_fixed_number_of_queries(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    issued(provincial_reviewer)
    few = queries_of(client, "/orders/")
    for code in ("510105", "510106", "510107", "510108", "510112", "510113", "513402"):
        for measure in ("T1.1", "T2.1", "T3.1"):
            issued(provincial_reviewer, code, measure=measure)
    assert SupervisionOrder.objects.count() == 22
    assert queries_of(client, "/orders/") == few


def test_counts_on_the_county_page_and_the_overview(
    client_for, prefecture_reviewer, provincial_reviewer, reporter
):
    today = timezone.localdate()
    issued(prefecture_reviewer, today=today - datetime.timedelta(days=5))
    issued(prefecture_reviewer, measure="T1.2")
    county = client_for(reporter).get("/counties/510104/").content.decode()
    assert "督办单:未办结(挂牌督办)2份,其中逾期1份" in county
    overview = client_for(provincial_reviewer).get("/province/")
    assert overview.context["orders_tally"] == listing.Tally(open=2, overdue=1, answered=0)
    assert 'href="/orders/?overdue=on"' in overview.content.decode()


def test_the_briefing_has_a_section_on_orders(
    client_for, provincial_reviewer, prefecture_reviewer, on_the_29th_of_november
):
    from targets.dashboards import briefing
    from targets.models import County, Period

    today = timezone.localdate()
    order = issued(prefecture_reviewer, today=today - datetime.timedelta(days=10))
    b = briefing.build(Period.objects.get(code="2026Q4"), today, County.objects.all(), True)
    assert b.orders.issued == 1
    assert b.orders.tally.overdue == 1
    assert b.orders.overdue == [order]


def test_the_order_prints_as_a_document_and_a_pdf(client_for, prefecture_reviewer, reporter):
    order = issued(prefecture_reviewer, matter="扩权强县事项承接滞后。")
    client = client_for(reporter)
    printed = client.get(f"/orders/{order.pk}/print/").content.decode()
    assert "成都市城乡融合发展督办单" in printed
    assert order.number in printed
    assert "css/order" in printed
    response = client.get(f"/orders/{order.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "扩权强县事项承接滞后" in text.replace("\n", "")
    assert AuditRecord.objects.filter(action="download.order").exists()


def test_the_county_to_do_list_names_the_orders_to_sign_and_answer(
    client_for, prefecture_reviewer, reporter
):
    to_sign = issued(prefecture_reviewer)
    to_answer = signed(issued(prefecture_reviewer, measure="T1.2"), reporter)
    done = answered(signed(issued(prefecture_reviewer, measure="T1.3"), reporter), reporter)
    page = client_for(reporter).get("/todo/")
    assert page.context["orders"] == [to_sign, to_answer]
    html = page.content.decode()
    assert to_sign.number in html
    assert f">{done.number}<" not in html
