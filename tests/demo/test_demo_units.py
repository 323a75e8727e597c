"""The demo's units: Sichuan's provincial departments with a division of every measure, county
departments of the two demo counties with their assignments, the department accounts; all demo
data, seeded twice without doubling, never taking over what it did not make."""

import pytest
from django.contrib.auth import get_user_model

from targets.demo.seed import DEMO_PASSWORD, seed_demo
from targets.models import (
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    Measure,
    MeasureDepartment,
    Responsibility,
    Role,
)

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Department.objects.count(),
        CountyDepartment.objects.count(),
        MeasureDepartment.objects.count(),
        CountyMeasureDepartment.objects.count(),
        Role.objects.count(),
    )


def test_every_measure_has_one_demo_lead_and_the_units_are_demo_data():
    seed_demo(reports=False)
    assert Department.objects.filter(name="四川省发展和改革委员会", is_demo=True).exists()
    assert not Department.objects.filter(is_demo=False).exists()
    for measure in Measure.objects.prefetch_related("departments__department"):
        units = measure.units
        assert units.lead is not None, measure.code
        assert units.is_demo
    fagai = Department.objects.get(code="fagai")
    assert fagai.name_en == "Sichuan Provincial Development and Reform Commission"
    assert (
        MeasureDepartment.objects.filter(
            department=fagai, responsibility=Responsibility.LEAD
        ).count()
        > 3
    )


def test_each_demo_county_assigns_every_measure_to_one_of_its_departments():
    seed_demo(reports=False)
    for county in ("510104", "513402"):
        assert CountyDepartment.objects.filter(county__code=county, is_demo=True).count() == 5
        leads = CountyMeasureDepartment.objects.filter(
            county__code=county, responsibility=Responsibility.LEAD
        )
        assert leads.count() == Measure.objects.count()


@pytest.mark.parametrize(
    ("username", "kind", "unit"),
    [
        ("fagai", Role.Kind.DEPARTMENT, "四川省发展和改革委员会"),
        ("zhujian", Role.Kind.DEPARTMENT, "四川省住房和城乡建设厅"),
        ("caizheng", Role.Kind.DEPARTMENT, "四川省财政厅"),
        ("jinjiang_fgj", Role.Kind.COUNTY_DEPARTMENT, "锦江区发展和改革局"),
        ("huili_fgj", Role.Kind.COUNTY_DEPARTMENT, "会理市发展和改革局"),
        ("jinjiang", Role.Kind.COUNTY_REPORTER, "锦江区"),
    ],
)
def test_the_department_accounts_hold_their_units(username, kind, unit):
    seed_demo(reports=False)
    user = get_user_model().objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)
    role = Role.objects.select_related("department", "county_department", "county").get(user=user)
    assert role.kind == kind
    assert (role.department or role.county_department or role.county).name == unit


def test_zhujian_cooperates_on_t11():
    seed_demo(reports=False)
    assert MeasureDepartment.objects.filter(
        measure__code="T1.1", department__code="zhujian", responsibility="cooperating"
    ).exists()


def test_seeding_twice_doubles_nothing():
    seed_demo(reports=False)
    first = counts()
    seed_demo(reports=False)
    assert counts() == first


def test_the_demo_keeps_a_lead_and_a_unit_it_did_not_make(jinjiang):
    real = Department.objects.create(code="agri", name="省农业农村厅")
    measure = Measure.objects.get(code="T1.1")
    MeasureDepartment.objects.create(
        measure=measure, department=real, responsibility=Responsibility.LEAD
    )
    own = CountyDepartment.objects.create(county=jinjiang, code="fgj", name="锦江区发改局")
    seed_demo(reports=False)
    assert measure.units.lead == real
    own.refresh_from_db()
    assert (own.name, own.is_demo) == ("锦江区发改局", False)


def test_the_demo_round_has_province_level_notes_and_contributions_labelled_demo():
    from targets.models import Contribution, ProvinceNote

    seed_demo()
    seed_demo()  # again: nothing doubled
    notes = ProvinceNote.objects.filter(period__code="2026Q3")
    assert sorted(notes.values_list("measure__code", "state")) == [
        ("T1.3", "submitted"),
        ("T1.4", "draft"),
        ("T2.5", "approved"),
    ]
    assert all(n.is_demo and n.narrative.startswith("【演示数据】") for n in notes)
    contributions = Contribution.objects.filter(period__code="2026Q3")
    assert contributions.exists()
    assert all(c.is_demo and c.text.startswith("【演示数据】") for c in contributions)
