"""Form fields the pages share: several files in one field, a record chosen by its code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.forms.record_choice import RecordChoiceField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)  # the content check says so, naming the file
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


ALL = _("全部")


def by_code(label, queryset, empty_label=ALL) -> RecordChoiceField:
    """An optional choice of one record, named by its code in the query string."""
    return RecordChoiceField(
        label=label,
        queryset=queryset,
        required=False,
        to_field_name="code",
        empty_label=empty_label,
    )
