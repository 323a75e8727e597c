"""Forms of the requests to declare a measure 不适用: the county's request and the reviewer's
decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.applicability.requests import REASON_LENGTH


class ExemptionForm(forms.Form):
    reason = forms.CharField(
        label=_("申请理由"),
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明本县为什么不适用这项举措,如“本区为中心城区,没有县城建设任务”。"),
        error_messages={"required": _("请填写申请不适用的理由。")},
    )
    # The round whose report page the request was made from, to return to it.
    period = forms.CharField(required=False, widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    APPROVE, REFUSE = "approve", "refuse"

    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[(APPROVE, _("同意不适用")), (REFUSE, _("不同意"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或不同意。")},
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不同意时必须填写。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE
