"""A choice of one record whose options are read with one plain query.

Django reads a ModelChoiceField's options with QuerySet.iterator(), which on PostgreSQL opens a
server-side cursor: DECLARE, FETCH and CLOSE, three round trips, for a list of five statuses, and
again on every rendering. Here the options are read once per form and kept on the form's own copy
of the queryset (each form gets a fresh copy, so nothing outlives the request)."""

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
