"""A choice of one record whose options are read with one plain query.

Django reads a ModelChoiceField's options with QuerySet.iterator(), which on PostgreSQL opens a
server-side cursor: DECLARE, FETCH and CLOSE, three round trips, for a list of five statuses, and
again on every rendering. Here the options are read once per form and kept on the form's own copy
of the queryset (each form gets a fresh copy, so nothing outlives the request). A form may give
the options itself (``records``), read earlier: the queryset then only checks what is chosen."""

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoices(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        records = self.queryset if self.field.records is None else self.field.records
        for record in records:
            yield self.choice(record)


class RecordChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices
    records = None  # the options, if the form was given them
