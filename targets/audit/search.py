"""Searching the audit trail (actor, action, object, time range), for the audit admin. The action
is chosen from the catalogue's list, grouped by kind."""

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.audit.actions import GROUP_ACTIONS, action_choices
from targets.models import AuditRecord


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=lambda: [("", _("全部操作")), *action_choices()]
    )
    object = forms.CharField(label=_("对象"), required=False, max_length=100)
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def search(form: AuditSearchForm) -> QuerySet[AuditRecord]:
    """Newest first; an invalid form finds nothing rather than everything."""
    if not form.is_valid():
        return AuditRecord.objects.none()
    data = form.cleaned_data
    records = AuditRecord.objects.order_by("-id")
    if data["actor"]:
        records = records.filter(actor_name__icontains=data["actor"])
    if data["action"] in GROUP_ACTIONS:
        records = records.filter(action__in=GROUP_ACTIONS[data["action"]])
    elif data["action"]:
        records = records.filter(action=data["action"])
    if data["object"]:
        term = data["object"]
        records = records.filter(
            Q(object_repr__icontains=term) | Q(object_type__icontains=term) | Q(object_id=term)
        )
    if data["start"]:
        records = records.filter(at__gte=_day_start(data["start"]))
    if data["end"]:
        records = records.filter(at__lt=_day_start(data["end"] + datetime.timedelta(days=1)))
    return records
