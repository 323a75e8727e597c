"""The admin of the Decision as data: clauses, goals, task areas, measures, indicators (system admin)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets.admin.base import AuditedAdmin, RoleGated
from targets.admin.units import MeasureDepartmentInline
from targets.models import (
    BottomLine,
    Clause,
    CountyTarget,
    Goal,
    Horizon,
    Indicator,
    IndicatorTarget,
    Integration,
    Measure,
    Plan,
    ProvinceValue,
    TaskArea,
)
from targets.plan.indicator_targets import set_target


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["title", "adopted_on"]
    search_fields = ["title", "title_en"]


@admin.register(Clause)
class ClauseAdmin(AuditedAdmin):
    list_display = ["number", "short_text", "trackable"]
    list_filter = ["trackable"]
    search_fields = ["text", "text_en"]

    @admin.display(description=_("原文"))
    def short_text(self, obj: Clause) -> str:
        return obj.text[:60]


class PlanRecordAdmin(AuditedAdmin):
    list_display = ["code", "text", "text_en"]
    search_fields = ["code", "text", "text_en"]
    filter_horizontal = ["clauses"]


@admin.register(Goal)
class GoalAdmin(PlanRecordAdmin):
    list_display = ["code", "horizon", "text", "text_en"]
    list_filter = ["horizon"]


@admin.register(TaskArea)
class TaskAreaAdmin(PlanRecordAdmin):
    pass


@admin.register(Integration)
class IntegrationAdmin(PlanRecordAdmin):
    list_display = ["code", "name", "problem", "name_en"]


@admin.register(Measure)
class MeasureAdmin(PlanRecordAdmin):
    list_display = ["code", "text", "task_area", "integration_names"]
    list_filter = ["task_area", "integrations"]
    list_select_related = ["task_area"]
    filter_horizontal = ["clauses", "integrations"]
    inlines = [MeasureDepartmentInline]
    audited_related = ("departments",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("integrations")

    @admin.display(description=_("融合方向"))
    def integration_names(self, obj: Measure) -> str:
        return "、".join(i.name for i in obj.integrations.all())


@admin.register(BottomLine)
class BottomLineAdmin(PlanRecordAdmin):
    pass


class IndicatorTargetInline(RoleGated, admin.TabularInline):
    """The versions of the targets, read-only: a revision is made through the fields above."""

    model = IndicatorTarget
    extra = 0
    can_delete = False
    fields = readonly_fields = ("horizon", "version", "value", "reason", "set_by", "set_at")
    verbose_name_plural = _("目标值的各个版本")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class IndicatorForm(forms.ModelForm):
    target_2027 = forms.DecimalField(
        label=_("2027年目标值"), required=False, max_digits=16, decimal_places=4
    )
    target_2035 = forms.DecimalField(
        label=_("2035年目标值"), required=False, max_digits=16, decimal_places=4
    )
    target_reason = forms.CharField(
        label=_("目标值调整理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("修改目标值时填写;原目标值作为旧版本保留。"),
    )

    class Meta:
        model = Indicator
        fields = [
            "plan",
            "code",
            "name",
            "name_en",
            "unit",
            "unit_en",
            "direction",
            "level",
            "baseline_year",
            "baseline_value",
            "minimum",
            "maximum",
            "goals",
            "measures",
            "is_demo",
            "order",
            "weight",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for horizon in Horizon:
                target = self.instance.target_in_force(horizon.value)
                if target is not None:
                    self.fields[f"target_{horizon.value}"].initial = target.value

    def clean(self):
        cleaned = super().clean()
        changed = any(f"target_{h.value}" in self.changed_data for h in Horizon)
        if changed and self.instance.pk and not cleaned.get("target_reason"):
            self.add_error("target_reason", _("修改已有目标值时须填写理由。"))
        weight = cleaned.get("weight")
        if weight is not None and self.instance.pk and weight.pk == self.instance.pk:
            self.add_error("weight", _("指标不能以自身为权重。"))
        return cleaned


class ProvinceValueInline(RoleGated, admin.TabularInline):
    """The province's own figures (统计公报); the indicator's page draws them as the province
    line in place of an average of the counties."""

    model = ProvinceValue
    extra = 0
    fields = ("period", "value", "source", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    form = IndicatorForm
    list_display = ["code", "name", "unit", "direction", "level", "is_demo"]
    list_filter = ["level", "direction", "is_demo", "goals"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["goals", "measures"]
    inlines = [IndicatorTargetInline, ProvinceValueInline]
    audited_related = ("province_values",)

    def save_formset(self, request, form, formset, change) -> None:
        for value in formset.save(commit=False):
            if isinstance(value, ProvinceValue):
                value.recorded_by = request.user
            value.save()
        for value in formset.deleted_objects:
            value.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        for horizon in Horizon:
            value = form.cleaned_data.get(f"target_{horizon.value}")
            if value is not None:
                set_target(
                    form.instance,
                    horizon.value,
                    value,
                    user=request.user,
                    reason=form.cleaned_data.get("target_reason", ""),
                    request=request,
                )


@admin.register(CountyTarget)
class CountyTargetAdmin(RoleGated, admin.ModelAdmin):
    """Every version of the counties' own targets, read-only: they are set by the workbook of
    /plan/county-targets/, which checks them and records the import."""

    list_display = readonly_fields = (
        "indicator",
        "county",
        "year",
        "version",
        "value",
        "reason",
        "set_by",
        "set_at",
    )
    list_filter = ["indicator", "year"]
    list_select_related = ["indicator", "county", "set_by"]
    search_fields = ["county__name", "county__code", "indicator__code"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
