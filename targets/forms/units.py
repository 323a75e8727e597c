"""The form of a county's division of one measure among its departments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.models import CountyDepartment


class DivisionForm(forms.Form):
    """Any county department is accepted here: one of another county is refused by the rule
    (targets.units.county_matrix) with a message naming it, not as an unknown choice."""

    lead = forms.ModelChoiceField(
        label=_("承办部门(牵头)"),
        queryset=CountyDepartment.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("所选承办部门不存在,请刷新页面后再选。")},
    )
    cooperating = forms.ModelMultipleChoiceField(
        label=_("配合部门"),
        queryset=CountyDepartment.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("所选配合部门不存在,请刷新页面后再选。")},
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)
