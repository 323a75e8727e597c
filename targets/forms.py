"""Forms of the reporting pages: a progress note, an indicator value, a review, the queue's filters."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from targets.models import (
    BottomLine,
    County,
    CountyType,
    Horizon,
    Indicator,
    Integration,
    Period,
    Prefecture,
    Region,
    StatusOption,
    TaskArea,
)
from targets.record_choice import RecordChoiceField
from targets.services.evidence_files import EvidenceFileError, check_upload
from targets.templatetags.numbers import plain


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
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片、Word/Excel/PowerPoint 或文本文件,每个不超过 %(mb)d MB。")
        % {"mb": settings.EVIDENCE_MAX_MB},
    )
    supersede = forms.TypedMultipleChoiceField(
        label=_("标记为已替代"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, evidence=(), statuses=None, bottom_lines=None, **kwargs):
        """``statuses`` (the active ones) and ``bottom_lines``, in order, if read already."""
        super().__init__(*args, **kwargs)
        self.fields["supersede"].choices = [(e.pk, e.name) for e in evidence if not e.superseded]
        self.fields["status"].records = statuses
        self.fields["bottom_line"].records = bottom_lines
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
        self.fields["value"].label = _("数值(%(unit)s)") % {"unit": indicator.unit}

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        low, high = self.indicator.minimum, self.indicator.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise forms.ValidationError(
                _("数值超出合理范围(%(low)s 至 %(high)s %(unit)s),请核对。")
                % {
                    "low": plain(low) or "—",
                    "high": plain(high) or "—",
                    "unit": self.indicator.unit,
                }
            )
        return value


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("审核通过")), ("return", _("退回修改"))])
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rating = RecordChoiceField(
        label=_("审核人评定"),
        queryset=StatusOption.objects.filter(is_active=True),
        required=False,
        empty_label=_("不另行评定"),
        help_text=_("可选:您对进展的判断,与县里自评并列显示;不一致时会被标出。"),
    )
    items = forms.MultipleChoiceField(
        choices=[], required=True, error_messages={"required": _("请先勾选要处理的记录。")}
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(key, key) for key in item_choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("退回时须填写审核意见。"))
        return cleaned


class QueueFilterForm(forms.Form):
    prefecture = RecordChoiceField(
        label=_("市州"), queryset=Prefecture.objects.all(), required=False, empty_label=_("全部")
    )
    county = RecordChoiceField(
        label=_("县(市、区)"),
        queryset=County.objects.none(),
        required=False,
        empty_label=_("全部"),
        to_field_name="code",
    )
    task_area = RecordChoiceField(
        label=_("重点任务"), queryset=TaskArea.objects.all(), required=False, empty_label=_("全部")
    )
    integration = RecordChoiceField(
        label=_("融合方向"),
        queryset=Integration.objects.all(),
        required=False,
        empty_label=_("全部"),
    )
    status = RecordChoiceField(
        label=_("进展状态"),
        queryset=StatusOption.objects.all(),
        required=False,
        empty_label=_("全部"),
    )
    flagged = forms.BooleanField(label=_("仅看标记底线风险的"), required=False)
    # 20 a page, as government systems list by default; 100 for approving a long run at once.
    per_page = forms.TypedChoiceField(
        label=_("每页条数"),
        choices=[(size, size) for size in (20, 50, 100)],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


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


class DashboardFilterForm(forms.Form):
    """Filters that combine, carried in the query string so that every view can be bookmarked."""

    FLAGS = [
        ("county_domain", _("县域")),
        ("underdeveloped", _("欠发达县域")),
        ("pilot", _("试点示范县")),
    ]

    period = by_code(_("填报周期"), Period.objects.all(), empty_label=_("本期"))
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
