"""Forms of the problem list (问题清单): a problem raised or edited, the county's rectification,
the reviewer's verification, and the list's filters."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from targets.forms.fields import ALL, MultipleFileField, by_code
from targets.forms.record_choice import RecordChoiceField
from targets.forms.reporting import evidence_help
from targets.models import CountyDepartment, Measure, ProblemState
from targets.plan.outline import current_plan
from targets.problems.rectification import ProblemInput
from targets.reporting.evidence_files import EvidenceFileError, check_upload

LEAD_OFFICE = _("县牵头办")


class DateInput(forms.DateInput):
    input_type = "date"


class ProblemForm(forms.Form):
    """A problem's description, owner and deadline, for the county given."""

    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写问题描述。")},
    )
    owner = RecordChoiceField(
        label=_("整改责任单位"), queryset=None, required=False, empty_label=LEAD_OFFICE
    )
    deadline = forms.DateField(
        label=_("整改时限"),
        widget=DateInput,
        error_messages={
            "required": _("请填写整改时限。"),
            "invalid": _("整改时限须是日期,如 2026-12-31。"),
        },
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = CountyDepartment.objects.filter(
            county=county, is_active=True
        ).order_by("code")
        self.fields["owner"].error_messages["invalid_choice"] = _(
            "整改责任单位须是本县启用的部门。"
        )

    def problem_input(self) -> ProblemInput:
        data = self.cleaned_data
        return ProblemInput(data["description"], data["owner"], data["deadline"])


class NewProblemForm(ProblemForm):
    """A problem a reviewer raises: the measure comes first."""

    measure = RecordChoiceField(label=_("举措"), queryset=None, to_field_name="code")
    field_order = ["measure", "description", "owner", "deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(plan=current_plan()).order_by(
            "order"
        )


class RectifyForm(forms.Form):
    """The county's report of its rectification, with its evidence."""

    rectification = forms.CharField(
        label=_("整改情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明采取了哪些措施、取得了什么结果;须附整改佐证材料。"),
        error_messages={"required": _("请填写整改情况。")},
    )
    # A field, not Form.files: the form's metaclass moves it to base_fields.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("整改佐证材料"), required=False, help_text=evidence_help()
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

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


class VerifyForm(forms.Form):
    """A reviewer's verification: close the problem (整改销号) or send it back with the reason."""

    comment = forms.CharField(
        label=_("核实意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时须写明理由;销号时可不填。"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProblemFilterForm(forms.Form):
    """The list's filters, carried in the query string."""

    state = forms.ChoiceField(
        label=_("整改状态"), required=False, choices=[("", ALL), *ProblemState.choices]
    )
    overdue = forms.BooleanField(label=_("仅看逾期未整改"), required=False)
    measure = by_code(_("举措"), None)
    prefecture = by_code(_("市州"), None)
    county = by_code(_("县(市、区)"), None)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = access.visible_counties().order_by("code")
        self.fields["prefecture"].queryset = access.visible_prefectures().order_by("code")
        measures = Measure.objects.filter(plan=current_plan()).order_by("order")
        if access.measure_ids is not None:
            measures = measures.filter(pk__in=access.measure_ids)
        self.fields["measure"].queryset = measures
