"""Whether a measure applies to a county, and why: the default reach by county kind, county type
and flag, a county's override, an approved request, which of the county's words is the latest;
and the reading of a whole scope at once in a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from targets.applicability import rules
from targets.models import (
    County,
    CountyType,
    Exemption,
    Measure,
    MeasureScope,
    ProgressNote,
    ScopeOverride,
    State,
)
from tests.notes import saved_note

pytestmark = pytest.mark.django_db

JINJIANG, HUILI, JIANYANG = "510104", "513402", "510185"  # a district, two county cities


def county(code):
    return County.objects.get(code=code)


def measure(code="T1.2"):
    return Measure.objects.get(code=code)


def approved_request(reporter, code=JINJIANG, measure_code="T1.2", at=None):
    return Exemption.objects.create(
        county=county(code),
        measure=measure(measure_code),
        reason="本区没有县城",
        requested_by=reporter,
        state=Exemption.State.APPROVED,
        decided_at=at or timezone.now(),
    )


def test_a_measure_without_a_default_applies_everywhere():
    verdict = rules.verdict(county(JINJIANG), measure())
    assert verdict.applies
    assert verdict.label == "适用"


def test_the_default_leaves_out_a_county_kind_with_the_reason():
    MeasureScope.objects.create(measure=measure(), to_districts=False, explanation="市辖区没有县城")
    verdict = rules.verdict(county(JINJIANG), measure())
    assert not verdict.applies
    assert verdict.source == rules.DEFAULT
    assert verdict.label == "不适用"
    assert "市辖区" in verdict.reason
    assert "市辖区没有县城" in verdict.reason
    assert rules.verdict(county(HUILI), measure()).applies  # a county-level city
    assert rules.verdict(county(JINJIANG), measure("T1.1")).applies  # another measure


def test_the_default_by_county_type_spares_a_county_whose_type_is_not_set():
    urban, farming = CountyType.objects.order_by("order")[:2]
    scope = MeasureScope.objects.create(measure=measure())
    scope.county_types.set([farming])
    County.objects.filter(code=JINJIANG).update(county_type=urban)
    County.objects.filter(code=HUILI).update(county_type=farming)
    assert not rules.verdict(county(JINJIANG), measure()).applies
    assert rules.verdict(county(HUILI), measure()).applies
    assert County.objects.get(code=JIANYANG).county_type is None
    assert rules.verdict(county(JIANYANG), measure()).applies


def test_the_default_for_county_domains_only():
    MeasureScope.objects.create(measure=measure(), county_domain_only=True)
    County.objects.filter(code=HUILI).update(is_county_domain=True)
    assert rules.verdict(county(HUILI), measure()).applies
    verdict = rules.verdict(county(JINJIANG), measure())
    assert not verdict.applies
    assert "县域" in verdict.reason


def test_an_override_beats_the_default_both_ways():
    MeasureScope.objects.create(measure=measure(), to_districts=False)
    ScopeOverride.objects.create(
        county=county(JINJIANG), measure=measure(), applies=True, reason="本区仍有城镇建设任务"
    )
    ScopeOverride.objects.create(
        county=county(HUILI), measure=measure(), applies=False, reason="已整体划入城区"
    )
    kept = rules.verdict(county(JINJIANG), measure())
    assert kept.applies
    assert kept.source == rules.OVERRIDE
    assert kept.reason == "本区仍有城镇建设任务"
    dropped = rules.verdict(county(HUILI), measure())
    assert not dropped.applies
    assert dropped.source == rules.OVERRIDE


def test_an_approved_request_makes_the_measure_not_apply(reporter):
    approved_request(reporter)
    verdict = rules.verdict(county(JINJIANG), measure())
    assert not verdict.applies
    assert verdict.source == rules.REQUEST
    assert verdict.reason == "本区没有县城"


def test_a_pending_or_refused_request_changes_nothing(reporter):
    for state in (Exemption.State.PENDING, Exemption.State.REFUSED):
        Exemption.objects.create(
            county=county(JINJIANG),
            measure=measure(),
            reason="x",
            requested_by=reporter,
            state=state,
        )
    assert rules.verdict(county(JINJIANG), measure()).applies


def test_the_latest_of_an_override_and_an_approval_is_the_county_word(reporter):
    override = ScopeOverride.objects.create(
        county=county(JINJIANG), measure=measure(), applies=True, reason="省里要求继续推进"
    )
    # The override came after the approval: the province's later word.
    approved_request(reporter, at=override.updated_at - datetime.timedelta(days=1))
    assert rules.verdict(county(JINJIANG), measure()).applies
    # A later approval wins over the earlier override.
    Exemption.objects.update(decided_at=override.updated_at + datetime.timedelta(days=1))
    assert not rules.verdict(county(JINJIANG), measure()).applies


def test_a_scope_is_read_in_a_fixed_number_of_queries(reporter, django_assert_num_queries):
    every = County.objects.all()
    MeasureScope.objects.create(measure=measure(), to_districts=False)
    with django_assert_num_queries(4):  # defaults, their types, the counties, the county words
        found = rules.inapplicable(every)
    districts = County.objects.filter(kind=County.Kind.DISTRICT).count()
    assert len(found) == districts
    approved_request(reporter, HUILI, "T1.1")
    ScopeOverride.objects.create(
        county=county(JIANYANG), measure=measure("T2.1"), applies=False, reason="x"
    )
    with django_assert_num_queries(4):
        found = rules.inapplicable(every)
    assert len(found) == districts + 2
    assert found.measures_of(county(HUILI).pk) == {measure("T1.1").pk}
    assert found.count_by_measure()[measure().pk] == districts


def test_without_defaults_a_scope_takes_one_query(django_assert_num_queries):
    with django_assert_num_queries(2):  # the defaults (none), the county words
        assert len(rules.inapplicable(County.objects.all())) == 0


def test_the_notes_of_slots_that_do_not_apply_are_left_out(reporter):
    approved_request(reporter)
    kept = saved_note(JINJIANG, "T1.1", State.SUBMITTED, author=reporter)
    saved_note(JINJIANG, "T1.2", State.SUBMITTED, author=reporter)
    other = saved_note(HUILI, "T1.2", State.SUBMITTED, author=reporter)
    found = rules.inapplicable(County.objects.all())
    assert set(found.excluding(ProgressNote.objects.all())) == {kept, other}
