"""A choice of one record whose options are read with one plain query, once per form.

Django reads a ModelChoiceField's options with QuerySet.iterator(), which on PostgreSQL opens a
server-side cursor (DECLARE, FETCH, CLOSE) for every rendering, however short the list. Here the
options are kept on the form's own copy of the queryset, so nothing outlives the request.
Each option reads in the request's language (``record_name``), not as ``str()``, which stays
Chinese."""

from django import forms
from django.forms.models import ModelChoiceIterator

from targets.models.naming import record_name


class ListedChoices(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.queryset:
            yield self.choice(record)


class RecordChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices

    def label_from_instance(self, obj):
        return record_name(obj)
