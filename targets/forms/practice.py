"""Forms of the curated cases (典型经验): a case's text and tags, a case written up from scratch,
and the list's filters."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from targets.forms.fields import by_code, round_by_code
from targets.forms.record_choice import RecordChoiceField
from targets.models import CountyType, Integration, Measure, Period, TaskArea
from targets.models.naming import record_name
from targets.plan.outline import current_plan
from targets.practice.curation import PracticeInput


class ListedMultipleChoices(ModelChoiceIterator):
    """The options read with one plain query (see record_choice), none of them empty."""

    def __iter__(self):
        for record in self.queryset:
            yield self.choice(record)


class IntegrationsField(forms.ModelMultipleChoiceField):
    iterator = ListedMultipleChoices

    def label_from_instance(self, obj):
        return record_name(obj)


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    summary = forms.CharField(
        label=_("经验做法"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明做法和成效,便于其他县借鉴;换行会保留。"),
    )
    task_area = RecordChoiceField(
        label=_("重点任务"), queryset=TaskArea.objects.order_by("order"), empty_label=None
    )
    integrations = IntegrationsField(
        label=_("融合方向"),
        queryset=Integration.objects.order_by("order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    county_type = RecordChoiceField(
        label=_("县域类型"),
        queryset=CountyType.objects.order_by("order"),
        required=False,
        empty_label=_("未分类"),
    )
    publishable = forms.BooleanField(
        label=_("可公开"), required=False, help_text=_("可在今后的公开页面上展示。")
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def practice_input(self) -> PracticeInput:
        data = self.cleaned_data
        return PracticeInput(
            title=data["title"],
            summary=data["summary"],
            task_area=data["task_area"],
            county_type=data["county_type"],
            publishable=data["publishable"],
            integrations=list(data["integrations"]),
        )


class NewPracticeForm(PracticeForm):
    """A case written up from scratch: the county (of the reviewer's scope), the measure and
    the round it is about come first."""

    county = RecordChoiceField(label=_("县(市、区)"), queryset=None, to_field_name="code")
    measure = RecordChoiceField(label=_("举措"), queryset=None, to_field_name="code")
    period = RecordChoiceField(
        label=_("填报周期"), queryset=Period.objects.order_by("-starts_on"), to_field_name="code"
    )
    field_order = ["county", "measure", "period"]

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties.order_by("code")
        self.fields["county"].error_messages["invalid_choice"] = _(
            "只能为本辖区的县(市、区)选编典型经验。"
        )
        self.fields["measure"].queryset = Measure.objects.filter(plan=current_plan()).order_by(
            "order"
        )


class PracticeFilterForm(forms.Form):
    """The list's filters, carried in the query string."""

    county = by_code(_("县(市、区)"), None)
    task_area = by_code(_("重点任务"), TaskArea.objects.all())
    integration = by_code(_("融合方向"), Integration.objects.all())
    county_type = by_code(_("县域类型"), CountyType.objects.all())
    period = round_by_code()

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties.order_by("code")
