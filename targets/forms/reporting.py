"""Forms of the reporting pages: a progress note and an indicator value."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targets.forms.fields import MultipleFileField
from targets.forms.record_choice import RecordChoiceField
from targets.models import (
    BottomLine,
    Indicator,
    StatusOption,
)
from targets.reporting.evidence_files import EvidenceFileError, check_upload
from targets.spreadsheets.numbers import plain


def _evidence_help() -> str:
    return gettext("PDF、图片、Word/Excel/PowerPoint 或文本文件,每个不超过 %(mb)d MB。") % {
        "mb": settings.EVIDENCE_MAX_MB
    }


# Formatted when shown, not at import, so that it reads in the request's language.
evidence_help = lazy(_evidence_help, str)


class NoteForm(forms.Form):
    status = RecordChoiceField(
        label=_("进展状态"), queryset=StatusOption.objects.filter(is_active=True), empty_label=None
    )
    percent = forms.IntegerField(label=_("完成进度(%)"), min_value=0, max_value=100)
    narrative = forms.CharField(
        label=_("进展情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("用文字说明本期做了什么、取得了什么成效;换行会保留。"),
    )
    bottom_line = RecordChoiceField(
        label=_("底线风险"),
        queryset=BottomLine.objects.order_by("order"),
        required=False,
        empty_label=_("无"),
        help_text=_("如本项工作可能触及某条底线,请选择并说明。"),
    )
    risk_reason = forms.CharField(
        label=_("风险说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    problems = forms.CharField(
        label=_("存在问题"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行写一个问题;提交后可逐条列入问题清单,限期整改。"),
    )
    next_steps = forms.CharField(
        label=_("下步打算"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A field, not Form.files: the form's metaclass moves it to base_fields.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("佐证材料"),
        required=False,
        help_text=evidence_help(),
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("bottom_line") and not cleaned.get("risk_reason", "").strip():
            self.add_error("risk_reason", _("标记底线风险时须说明原因。"))
        if not cleaned.get("bottom_line"):
            cleaned["risk_reason"] = ""
        return cleaned


class ValueForm(forms.Form):
    value = forms.DecimalField(label=_("数值"), max_digits=16, decimal_places=4)
    source = forms.CharField(label=_("数据来源"), max_length=200)
    remark = forms.CharField(label=_("备注"), required=False, max_length=1000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["value"].label = _("数值(%(unit)s)") % {"unit": indicator.unit_label}

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        low, high = self.indicator.minimum, self.indicator.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise forms.ValidationError(
                _("数值超出合理范围(%(low)s 至 %(high)s %(unit)s),请核对。")
                % {
                    "low": plain(low) or "—",
                    "high": plain(high) or "—",
                    "unit": self.indicator.unit_label,
                }
            )
        return value


class ReplyForm(forms.Form):
    """The county's reply to a return."""

    text = forms.CharField(
        label=_("答复退回意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "答复与这次退回一并保存,审核人在审核列表和历次进展中都能看到;发送后不能修改。"
            "修改进展后仍须重新提交审核。"
        ),
        error_messages={"required": _("请填写答复内容。")},
    )


class CheckReturnForm(forms.Form):
    """The county lead office's internal return of a note its department sent for checking."""

    comment = forms.CharField(
        label=_("内部退回意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回承办部门修改;意见会通知承办部门,并记入历次进展。"),
        error_messages={"required": _("内部退回时须填写退回意见。")},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
