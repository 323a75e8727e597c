"""Forms of the provincial departments' work: the province-level note, a contribution, the
provincial reviewer's decision on a note, and the opinion on a county note."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from targets.forms.fields import MultipleFileField
from targets.forms.record_choice import RecordChoiceField
from targets.forms.reporting import evidence_help
from targets.models import StatusOption
from targets.reporting.evidence_files import EvidenceFileError, check_upload


class _WithFiles(forms.Form):
    """Evidence files checked as a county note's are, and the earlier ones to mark replaced."""

    # A field, not Form.files: the form's metaclass moves it to base_fields.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("佐证材料"), required=False, help_text=evidence_help()
    )
    supersede = forms.TypedMultipleChoiceField(
        label=_("标记为已替代"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supersede"].choices = [(e.pk, e.name) for e in evidence if not e.superseded]
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


class ProvinceNoteForm(_WithFiles):
    status = RecordChoiceField(
        label=_("进展状态"), queryset=StatusOption.objects.filter(is_active=True), empty_label=None
    )
    narrative = forms.CharField(
        label=_("省级层面推进情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("汇总本部门和配合部门本期的工作:工作进展、存在问题、下步打算。"),
    )
    field_order = ["status", "narrative", "files", "supersede", "version"]


class ContributionForm(_WithFiles):
    text = forms.CharField(
        label=_("报送内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("本部门配合这项举措本期所做的工作;牵头部门汇总后一并报送。"),
        error_messages={"required": _("请填写报送内容。")},
    )
    field_order = ["text", "files", "supersede", "version"]


class ProvinceReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("approve", _("审核通过")), ("return", _("退回"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填。"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("退回时须填写审核意见。"))
        return cleaned


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("部门意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("牵头部门对这条进展的意见;审核人在审核列表和历次进展中都能看到。"),
        error_messages={"required": _("请填写部门意见。")},
    )
