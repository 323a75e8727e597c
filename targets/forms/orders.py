"""Forms of the supervision orders: issuing one, the recipient's answer, the issuer's
verification, and the list's filters."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from targets.forms.fields import MultipleFileField, by_code
from targets.forms.record_choice import RecordChoiceField
from targets.forms.reporting import evidence_help
from targets.models import Measure, Prefecture, SupervisionOrder
from targets.orders.listing import OPEN
from targets.orders.workflow import OrderInput
from targets.plan.outline import current_plan
from targets.reporting.evidence_files import EvidenceFileError, check_upload

Level = SupervisionOrder.Level


class DateInput(forms.DateInput):
    input_type = "date"


class OrderForm(forms.Form):
    level = forms.ChoiceField(label=_("督办级别"))
    county = RecordChoiceField(
        label=_("承办县(市、区)"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("(不选)"),
    )
    department = RecordChoiceField(
        label=_("或承办省直部门"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("(不选)"),
        help_text=_("省级督办单可下达给省直部门;县和部门只选一个。"),
    )
    measure = RecordChoiceField(
        label=_("涉及举措"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("(不涉及具体举措)"),
    )
    reference = forms.CharField(
        label=_("涉及任务或问题"),
        max_length=200,
        required=False,
        help_text=_("如年度任务清单中的任务、问题清单中的问题;不涉及举措时必填。"),
    )
    matter = forms.CharField(
        label=_("督办事项"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写督办事项。")},
    )
    requirement = forms.CharField(
        label=_("办理要求"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写办理要求。")},
    )
    deadline = forms.DateField(
        label=_("办结时限"), widget=DateInput, error_messages={"invalid": _("请填写有效的日期。")}
    )

    def __init__(self, *args, levels, counties, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level, Level(level).label) for level in levels]
        self.fields["level"].error_messages["invalid_choice"] = _("您不能下达这一级别的督办单。")
        self.fields["county"].queryset = counties.select_related(None).order_by("code")
        self.fields["county"].error_messages["invalid_choice"] = _(
            "只能向本辖区的县(市、区)下达督办单。"
        )
        self.fields["department"].queryset = departments.order_by("code")
        self.fields["department"].error_messages["invalid_choice"] = _(
            "只有省级督办单才能下达给省直部门,且须是在用的部门。"
        )
        self.fields["measure"].queryset = Measure.objects.filter(plan=current_plan()).order_by(
            "order"
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if bool(data.get("county")) == bool(data.get("department")):
            raise forms.ValidationError(_("请选择一个承办单位:县(市、区)或省直部门,只选一个。"))
        if not data.get("measure") and not data.get("reference", "").strip():
            raise forms.ValidationError(_("请选择涉及的举措,或填写涉及的任务或问题。"))
        return data

    def order_input(self) -> OrderInput:
        data = self.cleaned_data
        return OrderInput(
            level=data["level"],
            county=data["county"],
            department=data["department"],
            measure=data["measure"],
            reference=data["reference"],
            matter=data["matter"],
            requirement=data["requirement"],
            deadline=data["deadline"],
        )


class StepForm(forms.Form):
    """The version of the order the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(StepForm):
    text = forms.CharField(
        label=_("整改措施和成效"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明采取的整改措施、取得的成效和下步安排;换行会保留。"),
        error_messages={"required": _("请填写整改措施和成效。")},
    )
    # A field, not Form.files: the form's metaclass moves it to base_fields.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("佐证材料"), required=False, help_text=evidence_help()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_files = []

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        errors = []
        self.checked_files = []
        for upload in uploads:
            try:
                self.checked_files.append(
                    check_upload(upload, max_bytes=settings.EVIDENCE_MAX_MB * 1024 * 1024)
                )
            except EvidenceFileError as error:
                errors.append(str(error))
        if errors:
            raise forms.ValidationError(errors)
        return uploads


class VerifyForm(StepForm):
    decision = forms.ChoiceField(
        label=_("核验结果"),
        choices=[("close", _("办结")), ("return", _("退回重办"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择办结或退回重办。")},
    )
    reason = forms.CharField(
        label=_("核验意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回重办时必填。"),
    )


class OrderFilterForm(forms.Form):
    """The list's filters, carried in the query string."""

    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), (OPEN, _("未办结(挂牌督办)")), *SupervisionOrder.State.choices],
    )
    level = forms.ChoiceField(
        label=_("督办级别"), required=False, choices=[("", _("全部")), *Level.choices]
    )
    prefecture = by_code(_("市州"), Prefecture.objects.none())
    county = by_code(_("县(市、区)"), None)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args, counties, prefectures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties.order_by("code")
        self.fields["prefecture"].queryset = prefectures.order_by("code")
