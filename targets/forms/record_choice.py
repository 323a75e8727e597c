"""A choice of one record whose options are read with one plain query, once per form.

Django reads a ModelChoiceField's options with QuerySet.iterator(), which on PostgreSQL opens a
server-side cursor (DECLARE, FETCH, CLOSE) for every rendering, however short the list. Here the
options are kept on the form's own copy of the queryset, so nothing outlives the request."""

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoices(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.queryset:
            yield self.choice(record)


class RecordChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices
