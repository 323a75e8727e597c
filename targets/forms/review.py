"""Forms of the review queue: a decision and the queue's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.forms.record_choice import RecordChoiceField
from targets.models import (
    County,
    Integration,
    Period,
    Prefecture,
    StatusOption,
    TaskArea,
)


class RoundChoiceField(RecordChoiceField):
    """A round, chosen by its code and named as people write it (2026年第三季度)."""

    def label_from_instance(self, obj):
        return obj.label


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
    # By default every round with something waiting: a reviewer who chose none misses nothing.
    period = RoundChoiceField(
        label=_("填报周期"),
        queryset=Period.objects.none(),
        required=False,
        empty_label=_("所有待审核的期次"),
        to_field_name="code",
    )
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
    resubmitted = forms.BooleanField(label=_("仅看退回后重新提交的"), required=False)
    # 20 a page, as government systems list by default; 100 for approving a long run at once.
    per_page = forms.TypedChoiceField(
        label=_("每页条数"),
        choices=[(size, size) for size in (20, 50, 100)],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, counties, rounds, **kwargs):
        """``counties``: those the reviewer reviews, the only ones (and prefectures) offered;
        ``rounds``: the rounds the period filter offers."""
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = rounds
        self.fields["county"].queryset = counties
        if counties.query.has_filters():  # not every county: only their prefectures
            prefectures = Prefecture.objects.filter(pk__in=counties.values("prefecture"))
            self.fields["prefecture"].queryset = prefectures
