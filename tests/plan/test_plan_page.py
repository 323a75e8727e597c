"""The plan page: the Decision as structured, its cross-tab, and the clauses nothing tracks yet."""

import pytest

from targets.models import Clause, Measure
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db


def test_the_plan_shows_goals_areas_measures_integrations_and_bottom_lines(client_for, reporter):
    response = client_for(reporter).get("/plan/")
    assert response.status_code == 200
    page = response.text
    for text in [
        "到2027年",
        "到2035年",
        "城乡融合发展取得明显成效",
        "各美其美、美美与共的城乡发展共同体基本形成",
        "提升城乡基层治理现代化水平",
        "学习运用浙江“千万工程”经验",
        "着眼解决:流通不畅",
        "耕地红线不突破",
        "创新人才下乡激励机制",
    ]:
        assert text in page, text


def test_each_record_links_to_its_clause(client_for, reporter):
    page = client_for(reporter).get("/plan/").text
    assert 'href="/plan/#clause-10"' in page
    assert 'id="clause-10"' in page


def test_the_crosstab_places_each_measure_under_its_integrations(client_for, reporter):
    response = client_for(reporter).get("/plan/")
    rows = {row.task_area.code: row for row in response.context["crosstab"]}
    columns = [i.code for i in response.context["integrations"]]
    for measure in Measure.objects.prefetch_related("integrations"):
        for integration in measure.integrations.all():
            cell = rows[measure.task_area.code].cells[columns.index(integration.code)]
            assert measure in cell


def test_clauses_that_nothing_tracks_are_listed(client_for, reporter):
    untracked = Clause.objects.get(text__startswith="全会指出,推进城乡融合发展涉及面广")
    response = client_for(reporter).get("/plan/")
    assert untracked in response.context["untracked"]
    procedural = Clause.objects.filter(trackable=False)
    assert procedural.exists()
    assert not set(procedural) & set(response.context["untracked"])
    tracked = Clause.objects.filter(measures__isnull=False).first()
    assert tracked not in response.context["untracked"]


def test_english_shows_the_gloss_beside_the_chinese_original(client_for, reporter):
    client = client_for(reporter)
    client.cookies["django_language"] = "en"
    page = client.get("/plan/").text
    measure = Measure.objects.get(code="T1.1")
    assert measure.text_en in page
    assert measure.text in page
    assert '<html lang="en">' in page


def test_the_query_count_is_fixed(client_for, reporter, django_assert_max_num_queries):
    client = client_for(reporter)
    with django_assert_max_num_queries(25):
        client.get("/plan/")


def test_the_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/plan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_wrong_method_is_refused(client_for, reporter):
    assert client_for(reporter).post("/plan/").status_code == 405


def test_queries_do_not_grow_with_the_plan(client_for, reporter):
    client = client_for(reporter)
    before = queries_of(client, "/plan/")
    area = Measure.objects.first().task_area
    for number in range(10):
        extra = Measure.objects.create(
            plan=area.plan, task_area=area, code=f"X{number}", text="深入推进扩权强县", order=99
        )
        extra.integrations.set(Measure.objects.first().integrations.all())
        extra.clauses.set(Clause.objects.filter(number=10))
    assert queries_of(client, "/plan/") == before
