"""A choice of one record reads its options with one plain query per form, renders as Django's
ModelChoiceField does, and validates the same way."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.forms.record_choice import RecordChoiceField
from targets.models import StatusOption

pytestmark = pytest.mark.django_db


def form_with(field_class):
    field = field_class(queryset=StatusOption.objects.all(), empty_label="全部", required=False)
    return type("Filters", (forms.Form,), {"status": field})


def test_the_options_are_read_once_per_form_with_one_plain_query():
    form = form_with(RecordChoiceField)(data={"status": ""})
    with CaptureQueriesContext(connection) as queries:
        assert form.is_valid()
        first, again = str(form["status"]), str(form["status"])
    assert first == again
    assert first.count("<option") == StatusOption.objects.count() + 1
    assert len(queries) == 1
    assert not any("DECLARE" in query["sql"] for query in queries)


def test_it_renders_and_validates_as_djangos_field():
    chosen = StatusOption.objects.get(code="behind")
    ours = form_with(RecordChoiceField)(data={"status": chosen.pk})
    django = form_with(forms.ModelChoiceField)(data={"status": chosen.pk})
    assert str(ours["status"]) == str(django["status"])
    assert ours.is_valid()
    assert ours.cleaned_data["status"] == chosen
    wrong = form_with(RecordChoiceField)(data={"status": 999_999})
    assert not wrong.is_valid()
    assert "status" in wrong.errors


def test_each_form_reads_the_options_afresh():
    before = form_with(RecordChoiceField)()
    str(before["status"])
    StatusOption.objects.filter(code="behind").update(name="滞后(改名)")
    assert "滞后(改名)" in str(form_with(RecordChoiceField)()["status"])
