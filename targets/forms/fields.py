"""Form fields the pages share: several files in one field, a record chosen by its code, a
round named in words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.forms.record_choice import RecordChoiceField
from targets.models import Period


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


class RoundChoiceField(RecordChoiceField):
    """A round, shown as people write it (2026年第三季度 / Q3 2026); its code is the value."""

    def label_from_instance(self, obj: Period) -> str:
        return obj.label


LATEST_PAST_DEADLINE = _("最近截止的一期")


def round_by_code(empty_label=ALL) -> RoundChoiceField:
    """An optional choice of a round, named by its code in the query string."""
    return RoundChoiceField(
        label=_("填报周期"),
        queryset=Period.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=empty_label,
    )
