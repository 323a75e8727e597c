"""Filters of the dashboards, carried in the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.forms.fields import LATEST_PAST_DEADLINE, by_code, round_by_code
from targets.models import (
    CountyType,
    Horizon,
    Integration,
    Prefecture,
    Region,
    TaskArea,
)


class DashboardFilterForm(forms.Form):
    """Filters that combine, carried in the query string so that every view can be bookmarked."""

    FLAGS = [
        ("county_domain", _("县域")),
        ("underdeveloped", _("欠发达县域")),
        ("pilot", _("试点示范县")),
    ]

    period = round_by_code(empty_label=LATEST_PAST_DEADLINE)
    region = by_code(_("经济区"), Region.objects.all())
    prefecture = by_code(_("市州"), Prefecture.objects.all())
    county_type = by_code(_("县域类型"), CountyType.objects.all())
    flag = forms.ChoiceField(label=_("县域标记"), choices=[("", _("全部")), *FLAGS], required=False)
    task_area = by_code(_("重点任务"), TaskArea.objects.all())
    integration = by_code(_("融合方向"), Integration.objects.all())


class GoalsFilterForm(DashboardFilterForm):
    """The goals cut: the common filters, and the goal horizon."""

    horizon = forms.TypedChoiceField(
        label=_("目标年份"),
        choices=[("", _("全部")), *Horizon.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
