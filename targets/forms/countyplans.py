"""The forms of a county's task list: a task with its milestones (rows of three fields, as many
as the county needs), the reviewer's decision, a change's reason and the Excel upload."""

import datetime
from dataclasses import dataclass, field
from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from targets.countyplans.checks import MAX_MILESTONES, MilestoneInput, Problem, TaskInput
from targets.forms.record_choice import RecordChoiceField
from targets.models import County, CountyDepartment, Indicator, Measure, Task
from targets.plan.outline import current_plan

BLANK_MILESTONE_ROWS = 2  # empty rows offered below a task's milestones


@dataclass
class MilestoneRow:
    """A milestone row as typed, with its errors (kept when the form comes back)."""

    title: str = ""
    due_on: str = ""
    weight: str = ""
    errors: list[str] = field(default_factory=list)


class TaskForm(forms.Form):
    measure = RecordChoiceField(label=_("举措"), queryset=Measure.objects.none(), empty_label=None)
    title = forms.CharField(label=_("任务名称"), max_length=200)
    content = forms.CharField(
        label=_("任务内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    department = RecordChoiceField(
        label=_("责任部门"),
        queryset=CountyDepartment.objects.none(),
        required=False,
        empty_label=_("县牵头办"),
    )
    expected_result = forms.CharField(
        label=_("预期成效"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_value = forms.DecimalField(
        label=_("目标值"), required=False, max_digits=16, decimal_places=4
    )
    target_unit = forms.CharField(label=_("计量单位"), required=False, max_length=20)
    indicator = RecordChoiceField(
        label=_("关联指标"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("无"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args, county: County, year: int, measures, task: Task | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        self.fields["department"].queryset = CountyDepartment.objects.filter(  # type: ignore[attr-defined]
            county=county, is_active=True
        ).order_by("code")
        self.fields["indicator"].queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            plan=current_plan(), level=Indicator.Level.COUNTY
        ).order_by("order", "code")
        self.milestones_error = ""
        if self.is_bound:
            self.rows = self._posted_rows()
        elif task is not None:
            self.rows = [
                MilestoneRow(m.title, m.due_on.isoformat(), str(m.weight))
                for m in task.milestones.all()
            ]
        else:
            self.rows = []
        if not self.is_bound:
            self.rows += [MilestoneRow() for _n in range(BLANK_MILESTONE_ROWS)]

    def _posted_rows(self) -> list[MilestoneRow]:
        data = cast(QueryDict, self.data)  # a bound form of this app is bound to a request's POST
        titles = data.getlist("milestone_title")
        dates = data.getlist("milestone_due_on")
        weights = data.getlist("milestone_weight")
        rows = [
            MilestoneRow(title.strip(), due.strip(), weight.strip())
            for title, due, weight in zip(titles, dates, weights, strict=False)
        ]
        return rows[: MAX_MILESTONES + BLANK_MILESTONE_ROWS]

    def _filled(self) -> list[MilestoneRow]:
        return [row for row in self.rows if row.title or row.due_on or row.weight]

    def clean(self):
        cleaned = super().clean()
        milestones = []
        for number, row in enumerate(self._filled(), start=1):
            try:
                due_on = datetime.date.fromisoformat(row.due_on)
            except ValueError:
                row.errors.append(_t("节点%(n)d:请填写完成时限(日期)。") % {"n": number})
                continue
            if not row.weight.isdigit():
                row.errors.append(_t("节点%(n)d:权重须为整数。") % {"n": number})
                continue
            milestones.append(MilestoneInput(row.title, due_on, int(row.weight)))
        if any(row.errors for row in self.rows):
            raise forms.ValidationError(_t("请改正时间节点中标出的问题。"))
        self.milestones = milestones
        return cleaned

    def task_input(self) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            measure=data["measure"],
            title=data["title"],
            content=data["content"],
            department=data["department"],
            expected_result=data["expected_result"],
            target_value=data["target_value"],
            target_unit=data["target_unit"],
            indicator=data["indicator"],
            milestones=self.milestones,
        )

    def show(self, problems: list[Problem]) -> None:
        """The rules' problems beside the fields (or the milestone rows) they name."""
        filled = self._filled()
        for problem in problems:
            if problem.milestone is not None:
                filled[problem.milestone].errors.append(
                    _t("节点%(n)d:%(message)s")
                    % {"n": problem.milestone + 1, "message": problem.message}
                )
            elif problem.field in self.fields:
                self.add_error(problem.field, problem.message)
            else:
                self.milestones_error = problem.message


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("变更理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写变更理由:审核通过的任务清单须说明理由才能变更。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    """A step that names only the version its page showed (submit, delete)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("填好的Excel文件(.xlsx)"))
    token = forms.CharField(widget=forms.HiddenInput)
