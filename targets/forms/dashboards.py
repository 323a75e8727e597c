"""Filters of the dashboards, carried in the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.forms.fields import ALL, LATEST_PAST_DEADLINE, by_code, round_by_code
from targets.forms.record_choice import RecordChoiceField
from targets.models import (
    CountyType,
    Department,
    Horizon,
    Integration,
    Prefecture,
    Region,
    TaskArea,
)


class DepartmentChoiceField(RecordChoiceField):
    """A provincial department, named by its code in the query string; a demonstration unit
    says so (演示) wherever it shows."""

    def label_from_instance(self, obj: Department) -> str:
        if obj.is_demo:
            return _("%(name)s(演示)") % {"name": obj.label}
        return obj.label


def by_department() -> DepartmentChoiceField:
    """The department filter: only the measures the chosen department leads or cooperates on."""
    return DepartmentChoiceField(
        label=_("责任部门"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
        empty_label=ALL,
    )


def departments_offered(field: DepartmentChoiceField, access) -> None:
    """A user who sees only some departments' measures (a provincial department's) chooses
    among those departments alone; anyone else among every active department."""
    if access.measure_ids is not None:
        field.queryset = Department.objects.filter(is_active=True, pk__in=access.department_ids)


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
    department = by_department()

    def __init__(self, *args, access, **kwargs):
        """The regions and prefectures offered are those the user may see: a prefecture's
        reviewer chooses among their own (and no address can name another)."""
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.visible_regions()
        self.fields["prefecture"].queryset = access.visible_prefectures()
        if "department" in self.fields:
            departments_offered(self.fields["department"], access)


class DepartmentCutFilterForm(DashboardFilterForm):
    """The cut by department: the counties' filters and the round. The departments are its
    rows, and each department's measures its own, so neither a department, a task area nor an
    integration is chosen here."""

    department = None  # type: ignore[assignment]
    task_area = None  # type: ignore[assignment]
    integration = None  # type: ignore[assignment]


class GoalsFilterForm(DashboardFilterForm):
    """The goals cut: the common filters, and the goal horizon. Indicators belong to goals, not
    to measures, so no department is chosen here."""

    department = None  # type: ignore[assignment]

    horizon = forms.TypedChoiceField(
        label=_("目标年份"),
        choices=[("", _("全部")), *Horizon.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
