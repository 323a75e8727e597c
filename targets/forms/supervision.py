"""Forms of the supervision pages: the late view's filters, a reminder by hand, the reminder log's
filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.forms.dashboards import by_department, departments_offered
from targets.forms.fields import LATEST_PAST_DEADLINE, RoundChoiceField, by_code, round_by_code
from targets.models import Period, Prefecture
from targets.supervision import reminders
from targets.supervision.late_view import SORTS


class LateFilterForm(forms.Form):
    period = round_by_code(empty_label=LATEST_PAST_DEADLINE)
    prefecture = by_code(_("市州"), Prefecture.objects.all())
    department = by_department()
    stale_periods = forms.IntegerField(
        label=_("连续几期未报算长期未报"), min_value=1, max_value=12, required=False
    )
    show = forms.ChoiceField(
        label=_("显示"),
        choices=[("problems", _("有问题的县")), ("all", _("全部县"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        choices=[(key, label) for key, (label, _key) in SORTS.items()],
        required=False,
    )

    def __init__(self, *args, prefectures, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].queryset = prefectures
        departments_offered(self.fields["department"], access)


class RemindForm(forms.Form):
    """催办: the reporters of the chosen counties (one, or every late one on screen)."""

    period = RoundChoiceField(queryset=Period.objects.all(), to_field_name="code")
    counties = forms.MultipleChoiceField(
        choices=[], error_messages={"required": _("请选择要催办的县。")}
    )
    message = forms.CharField(
        label=_("附言(可选)"), required=False, max_length=500, widget=forms.TextInput
    )

    def __init__(self, *args, county_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counties"].choices = [(code, code) for code in county_codes]


class ReminderLogFilterForm(forms.Form):
    period = round_by_code()
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("全部")), *[(kind, kind.label) for kind in reminders.KINDS]],
        required=False,
    )
    county = forms.CharField(label=_("县(市、区)代码或名称"), required=False, max_length=20)
